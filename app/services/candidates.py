"""Candidates: one record per person, created by hand, by import or by seeding."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

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
from app.store.models import (
    Application,
    Candidate,
    CandidateEmail,
    CandidatePhone,
    CandidateSkill,
    CandidateTag,
    Consent,
    Skill,
    Stage,
    StageChange,
    StageKind,
    Tag,
    utc_now,
)

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


def check_email_free(ctx: ServiceContext, errors: dict[str, str], email: str | None) -> None:
    """Refuse an email address another candidate already has (one person, one record)."""
    if errors or not email:
        return
    with ctx.read() as session:
        existing = find_by_email(session, email)
    if existing is not None:
        errors["email"] = f"Candidate #{existing} already has this email address."


def create_candidate(ctx: ServiceContext, data: CandidateInput) -> Outcome[int]:
    errors = data.validate()
    email = clean(data.email)
    check_email_free(ctx, errors, email)
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


@dataclass(frozen=True)
class CandidateFilters:
    """What the Candidates list is narrowed to; empty fields do not filter.

    Text matches ignore case; every listed skill and tag must be present.
    """

    skills: tuple[str, ...] = ()
    location: str | None = None
    tags: tuple[str, ...] = ()
    source: str | None = None
    owner_id: int | None = None
    contacted_within_days: int | None = None
    pool_id: int | None = None
    furthest_stage: str | None = None  # reached at least this stage (by name) on some job
    do_not_contact: bool | None = None  # True: only them; False: leave them out

    @property
    def active(self) -> bool:
        return self != CandidateFilters()


def _conditions(ctx: ServiceContext, filters: CandidateFilters | None) -> list[Any]:
    """The WHERE conditions on ``Candidate`` for ``filters``."""
    from app.services import pools

    if filters is None:
        return []
    conditions: list[Any] = []
    for name in filters.skills:
        if clean(name):
            conditions.append(_has_named(CandidateSkill, Skill, "skill_id", clean(name)))
    for name in filters.tags:
        if clean(name):
            conditions.append(_has_named(CandidateTag, Tag, "tag_id", clean(name)))
    if clean(filters.location):
        conditions.append(
            Candidate.location.ilike(f"%{_escape_like(clean(filters.location))}%", escape="\\")
        )
    if clean(filters.source):
        conditions.append(func.lower(Candidate.source) == clean(filters.source).lower())
    if filters.owner_id is not None:
        conditions.append(Candidate.owner_id == filters.owner_id)
    if filters.contacted_within_days is not None:
        since = utc_now() - dt.timedelta(days=filters.contacted_within_days)
        conditions.append(pools.last_contacted(Candidate.id) >= since)
    if filters.pool_id is not None:
        conditions.append(pools.member_condition(ctx, filters.pool_id))
    if clean(filters.furthest_stage):
        conditions.append(_reached_stage(clean(filters.furthest_stage)))
    if filters.do_not_contact is not None:
        conditions.append(Candidate.do_not_contact.is_(filters.do_not_contact))
    return conditions


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _has_named(link: type, named: type, key: str, name: str) -> Any:
    link_table, named_table = link.__table__, named.__table__  # type: ignore[attr-defined]
    return exists(
        select(link_table.c.candidate_id)
        .join(named_table, named_table.c.id == link_table.c[key])
        .where(
            link_table.c.candidate_id == Candidate.id,
            func.lower(named_table.c.name) == name.lower(),
        )
    )


def _reached_stage(name: str) -> Any:
    """The candidate's history reaches the stage named ``name`` or a later active or hired
    stage of the same job."""
    target, named = aliased(Stage), aliased(Stage)
    named_at = (
        select(func.min(named.position))
        .where(named.job_id == target.job_id, func.lower(named.name) == name.lower())
        .scalar_subquery()
    )
    return exists(
        select(StageChange.id)
        .join(Application, Application.id == StageChange.application_id)
        .join(target, target.id == StageChange.to_stage_id)
        .where(
            Application.candidate_id == Candidate.id,
            or_(
                func.lower(target.name) == name.lower(),
                and_(
                    target.kind.in_((StageKind.ACTIVE, StageKind.HIRED)),
                    target.position >= named_at,
                ),
            ),
        )
    )


def count_candidates(ctx: ServiceContext, filters: CandidateFilters | None = None) -> int:
    query = select(func.count(Candidate.id)).where(*_conditions(ctx, filters))
    with ctx.read() as session:
        return session.scalar(query) or 0


def candidate_page(
    ctx: ServiceContext,
    offset: int,
    limit: int,
    order: str = "name",
    filters: CandidateFilters | None = None,
) -> list[CandidateRow]:
    """One page of the candidate list (narrowed by ``filters``), for lazy loading."""
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
    ).where(*_conditions(ctx, filters))
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
class FilterOptions:
    """The choices offered by the Candidates filter bar."""

    sources: tuple[str, ...]
    tags: tuple[str, ...]
    owners: tuple[tuple[int, str], ...]
    stages: tuple[str, ...]


def filter_options(ctx: ServiceContext) -> FilterOptions:
    from app.store.models import User

    with ctx.read() as session:
        sources = session.scalars(
            select(Candidate.source).where(Candidate.source.is_not(None)).distinct()
        )
        tags = session.scalars(select(Tag.name).order_by(Tag.name))
        owners = session.execute(
            select(User.id, User.display_name)
            .where(User.is_active.is_(True))
            .order_by(User.display_name)
        )
        stages = session.execute(
            select(Stage.name, func.min(Stage.position))
            .where(Stage.kind.in_((StageKind.ACTIVE, StageKind.HIRED)))
            .group_by(Stage.name)
            .order_by(func.min(Stage.position), Stage.name)
        )
        return FilterOptions(
            sources=tuple(sorted(sources, key=str.casefold)),
            tags=tuple(tags),
            owners=tuple((row[0], row[1]) for row in owners),
            stages=tuple(row[0] for row in stages),
        )


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
class ProfileResume:
    """One resume file on record for a candidate; ``stored_path`` is relative to the
    documents folder."""

    document_id: int
    original_name: str
    imported_at: dt.datetime
    stored_path: str


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
    owner_name: str | None = None
    do_not_contact: bool = False
    consent: Consent = Consent.UNKNOWN
    consent_at: dt.datetime | None = None
    resumes: tuple[ProfileResume, ...] = ()  # newest first


def candidate_profile(
    ctx: ServiceContext, candidate_id: int, activities: int | None = 50
) -> CandidateProfile:
    """The profile with the latest ``activities`` timeline entries (None: all of them)."""
    from app.services.unit_of_work import NotFoundError
    from app.store.models import Activity, Client, Document, Job, User

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
        owner = session.get(User, candidate.owner_id) if candidate.owner_id else None
        resumes = session.execute(
            select(Document.id, Document.original_name, Document.created_at, Document.stored_path)
            .where(Document.candidate_id == candidate_id)
            .order_by(Document.created_at.desc(), Document.id.desc())
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
            owner_name=owner.display_name if owner else None,
            do_not_contact=bool(candidate.do_not_contact),
            consent=candidate.consent or Consent.UNKNOWN,
            consent_at=candidate.consent_at,
            resumes=tuple(ProfileResume(*row) for row in resumes),
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
