"""Candidates: one record per person, created by hand, by import or by seeding."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.context import Outcome, ServiceContext, outcome
from app.services.unit_of_work import ValidationError, columns_of
from app.services.validation import (
    check_email,
    check_length,
    check_phone,
    check_required,
    check_url,
    clean,
)
from app.store.models import Candidate, CandidateEmail, CandidatePhone

CANDIDATE_FIELDS = (
    "first_name",
    "last_name",
    "headline",
    "current_title",
    "current_employer",
    "location",
    "links",
    "source",
    "owner_id",
)
SORT_ORDERS = ("name", "recent")


@dataclass(frozen=True)
class CandidateInput:
    first_name: str
    last_name: str
    email: str | None = None
    phone: str | None = None
    location: str | None = None
    current_title: str | None = None
    current_employer: str | None = None
    headline: str | None = None
    source: str | None = None
    links: tuple[str, ...] = field(default_factory=tuple)

    def validate(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        check_required(errors, "first_name", self.first_name, "First name")
        check_required(errors, "last_name", self.last_name, "Last name")
        for name in ("first_name", "last_name"):
            check_length(errors, name, clean(getattr(self, name)), 100)
        check_email(errors, "email", clean(self.email))
        check_phone(errors, "phone", clean(self.phone))
        for link in self.links:
            check_url(errors, "links", clean(link))
        return errors


def find_by_email(session: Session, email: str) -> int | None:
    return session.scalar(
        select(CandidateEmail.candidate_id).where(CandidateEmail.email == email.lower()).limit(1)
    )


def create_candidate(ctx: ServiceContext, data: CandidateInput) -> Outcome[int]:
    errors = data.validate()
    email = clean(data.email)
    if not errors and email:
        with ctx.read() as session:
            existing = find_by_email(session, email)
        if existing is not None:
            errors["email"] = f"Candidate #{existing} already has this email address."
    if errors:
        raise ValidationError(errors)
    with ctx.write() as tx:
        candidate = Candidate(
            first_name=clean(data.first_name),
            last_name=clean(data.last_name),
            location=clean(data.location),
            current_title=clean(data.current_title),
            current_employer=clean(data.current_employer),
            headline=clean(data.headline),
            source=clean(data.source) or "Manual entry",
            links=[clean(link) for link in data.links if clean(link)],
            owner_id=ctx.actor.user_id,
        )
        if email:
            candidate.emails.append(CandidateEmail(email=email.lower(), position=0))
        if clean(data.phone):
            candidate.phones.append(CandidatePhone(phone=clean(data.phone), position=0))
        tx.session.add(candidate)
        tx.session.flush()
        after = columns_of(candidate, CANDIDATE_FIELDS) | {
            "emails": [e.email for e in candidate.emails],
            "phones": [p.phone for p in candidate.phones],
        }
        tx.audit("candidate.create", "candidate", candidate.id, after=after)
        tx.changed("candidates", candidate.id)
        return outcome(candidate.id, tx)


@dataclass(frozen=True)
class CandidateRow:
    """A candidate as the Candidates list shows it."""

    id: int
    name: str
    current_title: str | None
    current_employer: str | None
    location: str | None
    email: str | None
    source: str | None
    created_at: dt.datetime


def count_candidates(ctx: ServiceContext) -> int:
    with ctx.read() as session:
        return session.scalar(select(func.count(Candidate.id))) or 0


def candidate_page(
    ctx: ServiceContext, offset: int, limit: int, order: str = "name"
) -> list[CandidateRow]:
    """One page of the candidate list, for lazy loading in the view."""
    if order not in SORT_ORDERS:
        raise ValueError(f"order must be one of {SORT_ORDERS}")
    primary_email = (
        select(CandidateEmail.email)
        .where(CandidateEmail.candidate_id == Candidate.id)
        .order_by(CandidateEmail.position)
        .limit(1)
        .scalar_subquery()
    )
    query = select(
        Candidate.id,
        Candidate.first_name,
        Candidate.last_name,
        Candidate.current_title,
        Candidate.current_employer,
        Candidate.location,
        primary_email,
        Candidate.source,
        Candidate.created_at,
    )
    if order == "name":
        query = query.order_by(Candidate.last_name, Candidate.first_name, Candidate.id)
    else:
        query = query.order_by(Candidate.created_at.desc(), Candidate.id.desc())
    with ctx.read() as session:
        rows = session.execute(query.offset(offset).limit(limit))
        return [
            CandidateRow(
                id=row[0],
                name=f"{row[1]} {row[2]}",
                current_title=row[3],
                current_employer=row[4],
                location=row[5],
                email=row[6],
                source=row[7],
                created_at=row[8],
            )
            for row in rows
        ]


@dataclass(frozen=True)
class ProfileApplication:
    job_title: str
    client_name: str
    stage_name: str
    applied_at: dt.datetime
    rejection_reason: str | None


@dataclass(frozen=True)
class ProfileActivity:
    kind: str
    subject: str | None
    body: str | None
    occurred_at: dt.datetime


@dataclass(frozen=True)
class CandidateProfile:
    """What a recruiter sees when opening a candidate: contact, history, pipelines, timeline."""

    id: int
    name: str
    headline: str | None
    current_title: str | None
    current_employer: str | None
    location: str | None
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    links: tuple[str, ...]
    source: str | None
    skills: tuple[str, ...]
    tags: tuple[str, ...]
    experience: tuple[tuple[str, str | None, str | None, str | None], ...]
    applications: tuple[ProfileApplication, ...]
    activities: tuple[ProfileActivity, ...]


def candidate_profile(
    ctx: ServiceContext, candidate_id: int, activities: int = 50
) -> CandidateProfile:
    from app.services.unit_of_work import NotFoundError
    from app.store.models import Activity, Application, Client, Job, Stage

    with ctx.read() as session:
        candidate = session.get(Candidate, candidate_id)
        if candidate is None:
            raise NotFoundError(f"Candidate #{candidate_id} no longer exists.")
        applications = session.execute(
            select(
                Job.title,
                Client.name,
                Stage.name,
                Application.applied_at,
                Application.rejection_reason,
            )
            .join(Job, Job.id == Application.job_id)
            .join(Client, Client.id == Job.client_id)
            .join(Stage, Stage.id == Application.stage_id)
            .where(Application.candidate_id == candidate_id)
            .order_by(Application.applied_at.desc())
        ).all()
        timeline = session.execute(
            select(Activity.kind, Activity.subject, Activity.body, Activity.occurred_at)
            .where(Activity.candidate_id == candidate_id)
            .order_by(Activity.occurred_at.desc())
            .limit(activities)
        ).all()
        return CandidateProfile(
            id=candidate.id,
            name=candidate.full_name,
            headline=candidate.headline,
            current_title=candidate.current_title,
            current_employer=candidate.current_employer,
            location=candidate.location,
            emails=tuple(e.email for e in candidate.emails),
            phones=tuple(p.phone for p in candidate.phones),
            links=tuple(candidate.links or ()),
            source=candidate.source,
            skills=tuple(sorted(s.name for s in candidate.skills)),
            tags=tuple(sorted(t.name for t in candidate.tags)),
            experience=tuple((e.company, e.title, e.start, e.end) for e in candidate.experiences),
            applications=tuple(ProfileApplication(*row) for row in applications),
            activities=tuple(
                ProfileActivity(row[0].value, row[1], row[2], row[3]) for row in timeline
            ),
        )


def field_values(ctx: ServiceContext, candidate_id: int, fields: tuple[str, ...]) -> dict[str, str]:
    """A candidate's scalar fields as display text, for choosing between two records."""
    from app.services.unit_of_work import NotFoundError
    from app.store.models import User

    with ctx.read() as session:
        candidate = session.get(Candidate, candidate_id)
        if candidate is None:
            raise NotFoundError(f"Candidate #{candidate_id} no longer exists.")
        values: dict[str, str] = {}
        for name in fields:
            value = getattr(candidate, name)
            if name == "owner_id" and value is not None:
                owner = session.get(User, value)
                value = owner.display_name if owner else value
            values[name] = "" if value is None else str(value)
        return values
