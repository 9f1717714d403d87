"""Reading interviews: a range of days for the week view and the export, one application's,
the people a job's interview may name, and the reminders due before each interview.

Rows are plain dataclasses; an interviewer booked in two overlapping interviews is named in
each one's ``conflicts``, so every screen flags the same clashes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import person_name
from app.services.core.unit_of_work import NotFoundError
from app.services.pipeline.contacts import people_of
from app.services.pipeline.interview_time import MAX_DURATION, local_start, when_text
from app.store.interviews import Interview, InterviewAttendee, InterviewStatus
from app.store.models import (
    Application,
    Candidate,
    Client,
    Contact,
    Job,
    JobStatus,
    Stage,
    StageKind,
    User,
    utc_now,
)

REMIND_BEFORE = dt.timedelta(minutes=15)
# A reminder is not shown for an interview that started longer ago than this (Hirebench was
# closed): it would only be noise.
REMIND_LATE = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class AttendeeRow:
    id: int
    name: str
    email: str | None
    contact_id: int | None
    user_id: int | None


@dataclass(frozen=True)
class InterviewRow:
    """One interview as the week view, the profile and the command line show it."""

    id: int
    application_id: int
    candidate_id: int
    candidate_name: str
    job_id: int
    job_title: str
    client_id: int
    client_name: str
    starts_at: dt.datetime  # aware, UTC
    time_zone: str
    duration_minutes: int
    location: str | None
    video_link: str | None
    notes: str | None
    candidate_invited: bool
    status: InterviewStatus
    uid: str
    sequence: int
    organizer_id: int | None
    organizer_name: str | None
    organizer_email: str | None = None
    attendees: tuple[AttendeeRow, ...] = ()
    conflicts: tuple[str, ...] = ()  # interviewers booked elsewhere at the same time

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def local_start(self) -> dt.datetime:
        return local_start(self.starts_at, self.time_zone)

    @property
    def when(self) -> str:
        return when_text(self.starts_at, self.time_zone)

    @property
    def interviewers(self) -> str:
        return ", ".join(a.name for a in self.attendees)

    @property
    def cancelled(self) -> bool:
        return self.status is InterviewStatus.CANCELLED


def _query() -> Any:
    return (
        select(
            Interview,
            Application.candidate_id,
            Candidate.first_name,
            Candidate.middle_name,
            Candidate.last_name,
            Job.id,
            Job.title,
            Client.id,
            Client.name,
            User.display_name,
            User.email,
        )
        .join(Application, Application.id == Interview.application_id)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .join(Job, Job.id == Application.job_id)
        .join(Client, Client.id == Job.client_id)
        .outerjoin(User, User.id == Interview.organizer_id)
    )


def _rows(session: Session, query: Any) -> list[InterviewRow]:
    found = session.execute(query.order_by(Interview.starts_at, Interview.id)).all()
    ids = [row[0].id for row in found]
    people: dict[int, list[AttendeeRow]] = defaultdict(list)
    for a in session.scalars(
        select(InterviewAttendee)
        .where(InterviewAttendee.interview_id.in_(ids))
        .order_by(InterviewAttendee.position, InterviewAttendee.id)
    ):
        people[a.interview_id].append(AttendeeRow(a.id, a.name, a.email, a.contact_id, a.user_id))
    rows = [
        InterviewRow(
            id=i.id,
            application_id=i.application_id,
            candidate_id=candidate_id,
            candidate_name=person_name(first, middle, last),
            job_id=job_id,
            job_title=title,
            client_id=client_id,
            client_name=client,
            starts_at=i.starts_at,
            time_zone=i.time_zone,
            duration_minutes=i.duration_minutes,
            location=i.location,
            video_link=i.video_link,
            notes=i.notes,
            candidate_invited=i.candidate_invited,
            status=i.status,
            uid=i.uid,
            sequence=i.sequence,
            organizer_id=i.organizer_id,
            organizer_name=organizer,
            organizer_email=organizer_email,
            attendees=tuple(people[i.id]),
        )
        for (
            i,
            candidate_id,
            first,
            middle,
            last,
            job_id,
            title,
            client_id,
            client,
            organizer,
            organizer_email,
        ) in (found)
    ]
    return _with_conflicts(session, rows)


def _with_conflicts(session: Session, rows: list[InterviewRow]) -> list[InterviewRow]:
    """Name, on each scheduled row, the interviewers booked in another scheduled interview
    that overlaps it (looking outside the rows too: the clash may be next week's edge).

    One query for the whole span, whatever the number of rows (`overlapping` is the same
    rule for one interview)."""
    live = [row for row in rows if not row.cancelled and row.attendees]
    if not live:
        return rows
    low = min(row.starts_at for row in live) - dt.timedelta(minutes=MAX_DURATION)
    high = max(row.ends_at for row in live)
    a = InterviewAttendee
    booked: dict[tuple[str, int | None], list[tuple[int, dt.datetime, dt.datetime, str]]] = (
        defaultdict(list)
    )
    for interview_id, starts_at, minutes, contact_id, user_id, name in session.execute(
        select(
            Interview.id,
            Interview.starts_at,
            Interview.duration_minutes,
            a.contact_id,
            a.user_id,
            a.name,
        )
        .join(a, a.interview_id == Interview.id)
        .where(
            Interview.status == InterviewStatus.SCHEDULED,
            Interview.starts_at > low,
            Interview.starts_at < high,
        )
    ):
        ends_at = starts_at + dt.timedelta(minutes=minutes)
        for key in (("contact", contact_id), ("user", user_id)):
            if key[1] is not None:
                booked[key].append((interview_id, starts_at, ends_at, name))
    clashes: dict[int, tuple[str, ...]] = {}
    for row in live:
        names: list[str] = []
        for attendee in row.attendees:
            keys = [("contact", attendee.contact_id), ("user", attendee.user_id)]
            for key in (k for k in keys if k[1] is not None):
                for other, starts_at, ends_at, name in booked.get(key, []):
                    if other != row.id and starts_at < row.ends_at and ends_at > row.starts_at:
                        names.append(name)
        if names:
            clashes[row.id] = tuple(dict.fromkeys(names))
    return [
        InterviewRow(**{**row.__dict__, "conflicts": clashes[row.id]}) if row.id in clashes else row
        for row in rows
    ]


def list_interviews(
    ctx: ServiceContext,
    start: dt.datetime,
    end: dt.datetime,
    *,
    recruiter_id: int | None = None,
    client_id: int | None = None,
    job_id: int | None = None,
    include_cancelled: bool = False,
) -> list[InterviewRow]:
    """Interviews starting in ``[start, end)`` (aware instants), earliest first; the
    recruiter is the one who scheduled them (the invites' organizer)."""
    query = _query().where(Interview.starts_at >= start, Interview.starts_at < end)
    if not include_cancelled:
        query = query.where(Interview.status == InterviewStatus.SCHEDULED)
    if recruiter_id is not None:
        query = query.where(Interview.organizer_id == recruiter_id)
    if client_id is not None:
        query = query.where(Job.client_id == client_id)
    if job_id is not None:
        query = query.where(Job.id == job_id)
    with ctx.read() as session:
        return _rows(session, query)


def interviews_of_candidate(ctx: ServiceContext, candidate_id: int) -> list[InterviewRow]:
    """A candidate's interviews on every job, cancelled ones included, earliest first."""
    with ctx.read() as session:
        return _rows(session, _query().where(Application.candidate_id == candidate_id))


def get_interview(ctx: ServiceContext, interview_id: int) -> InterviewRow:
    with ctx.read() as session:
        rows = _rows(session, _query().where(Interview.id == interview_id))
    if not rows:
        raise NotFoundError(f"Interview #{interview_id} no longer exists.")
    return rows[0]


@dataclass(frozen=True)
class PersonChoice:
    """Someone the schedule dialog offers as an interviewer."""

    kind: str  # "contact" or "user"
    id: int
    name: str
    detail: str  # the contact's title, or "Agency"
    suggested: bool  # the job's hiring manager or one of its interviewers


@dataclass(frozen=True)
class ScheduleChoices:
    """What the schedule dialog needs about an application."""

    application_id: int
    candidate_name: str
    candidate_email: str | None
    job_title: str
    client_name: str
    people: tuple[PersonChoice, ...]


def schedule_choices(ctx: ServiceContext, application_id: int) -> ScheduleChoices:
    """The application's candidate and job, and the interviewers it may name: the job's
    client's contacts (not archived; the job's own first) and the agency's active users."""
    with ctx.read() as session:
        application = session.get(Application, application_id)
        if application is None:
            raise NotFoundError(f"Application #{application_id} no longer exists.")
        job = session.get(Job, application.job_id)
        assert job is not None
        candidate = session.get(Candidate, application.candidate_id)
        assert candidate is not None
        client = session.get(Client, job.client_id)
        job_people = people_of(session, job)
        suggested = set(job_people.interviewer_ids) | {job_people.hiring_manager_id}
        contacts = session.scalars(
            select(Contact)
            .where(Contact.client_id == job.client_id, Contact.archived_at.is_(None))
            .order_by(Contact.first_name, Contact.last_name)
        )
        people = [
            PersonChoice(
                "contact",
                c.id,
                person_name(c.first_name, None, c.last_name),
                c.title or "Contact",
                c.id in suggested,
            )
            for c in contacts
        ]
        people.sort(key=lambda p: not p.suggested)
        users = session.scalars(
            select(User).where(User.is_active.is_(True)).order_by(User.display_name)
        )
        people += [PersonChoice("user", u.id, u.display_name, "Agency", False) for u in users]
        return ScheduleChoices(
            application_id,
            person_name(candidate),
            candidate.primary_email,
            job.title,
            client.name if client is not None else "",
            tuple(people),
        )


def _due_condition(now: dt.datetime, recruiter_id: int | None) -> Any:
    return (
        (Interview.status == InterviewStatus.SCHEDULED)
        & (Interview.reminded_at.is_(None))
        & (Interview.starts_at <= now + REMIND_BEFORE)
        & (Interview.starts_at > now - REMIND_LATE)
        & (Interview.organizer_id == recruiter_id)
    )


def take_interview_reminders(
    ctx: ServiceContext, now: dt.datetime | None = None
) -> Outcome[list[InterviewRow]]:
    """The acting recruiter's interviews starting within `REMIND_BEFORE` and not announced
    yet, marked announced in the same transaction: each is announced once, by one window."""
    moment = now or utc_now()
    condition = _due_condition(moment, ctx.actor.user_id)
    with ctx.read() as session:  # most minutes nothing is due: no write lock for that
        if session.scalar(select(Interview.id).where(condition).limit(1)) is None:
            return Outcome([], Changes())
    with ctx.write() as tx:
        rows = _rows(tx.session, _query().where(condition))
        if not rows:
            return outcome([], tx)
        ids = [row.id for row in rows]
        tx.session.execute(
            update(Interview).where(Interview.id.in_(ids)).values(reminded_at=utc_now())
        )
        tx.audit("interview.remind", "interview", None, after={"interview_ids": ids})
        tx.changed(ChangeKind.INTERVIEWS, *ids)
        return outcome(rows, tx)


@dataclass(frozen=True)
class ApplicationChoice:
    application_id: int
    label: str  # "Platform Engineer — Northwind (Interviewed)"
    stage_name: str


def applications_to_interview(ctx: ServiceContext, candidate_id: int) -> list[ApplicationChoice]:
    """The candidate's applications still in progress (not hired, rejected or withdrawn), the
    ones an interview can be scheduled for, newest first."""
    with ctx.read() as session:
        rows = session.execute(
            select(Application.id, Job.title, Client.name, Stage.name)
            .join(Job, Job.id == Application.job_id)
            .join(Client, Client.id == Job.client_id)
            .join(Stage, Stage.id == Application.stage_id)
            .where(Application.candidate_id == candidate_id, Stage.kind == StageKind.ACTIVE)
            .order_by(Application.applied_at.desc(), Application.id.desc())
        )
        return [
            ApplicationChoice(app_id, f"{title} — {client} ({stage})", stage)
            for app_id, title, client, stage in rows
        ]


@dataclass(frozen=True)
class WeekFilters:
    """What the week view's filters offer: (id, name) of recruiters and clients, and
    (id, "title — client", client id) of jobs not closed."""

    recruiters: tuple[tuple[int, str], ...]
    clients: tuple[tuple[int, str], ...]
    jobs: tuple[tuple[int, str, int], ...]


def week_filters(ctx: ServiceContext) -> WeekFilters:
    with ctx.read() as session:
        users = session.execute(
            select(User.id, User.display_name)
            .where(User.is_active.is_(True))
            .order_by(User.display_name)
        ).all()
        clients = session.execute(select(Client.id, Client.name).order_by(Client.name)).all()
        jobs = session.execute(
            select(Job.id, Job.title, Client.name, Job.client_id)
            .join(Client, Client.id == Job.client_id)
            .where(Job.status != JobStatus.CLOSED)
            .order_by(Client.name, Job.title)
        ).all()
    return WeekFilters(
        tuple((i, n) for i, n in users),
        tuple((i, n) for i, n in clients),
        tuple((i, f"{t} — {c}", cid) for i, t, c, cid in jobs),
    )
