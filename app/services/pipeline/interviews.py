"""Interviews: scheduling, rescheduling and cancelling an application's interview.

An interview is agreed in a time zone (IANA, through `zoneinfo`): the recruiter types a date,
a time and a zone, and the start is kept as an instant with that zone beside it, so the
invite names the zone and a daylight-saving change between now and then keeps the agreed
wall-clock time. A time that does not exist in the zone (skipped by a clock change) is
refused rather than guessed.

Each write is one audited transaction that also writes the candidate's timeline entry and
queues the invites (`app.services.pipeline.invites`): a REQUEST to everyone invited when the
interview is scheduled or changed, with the same UID and a higher SEQUENCE; a CANCEL to those
no longer invited. Interviewers double-booked are not refused but reported (`conflicts`), so
the dialog can say so and the week view flags them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import person_name
from app.services.core.text_rules import clean, clean_text, fit
from app.services.core.unit_of_work import NotFoundError, Transaction, ValidationError
from app.services.core.validation import check_length
from app.services.pipeline.interview_time import (
    MAX_DURATION,
    MIN_DURATION,
    exists_in,
    local_start,
    when_text,
    zone_of,
)
from app.services.pipeline.invites import queue_invites
from app.store.interviews import Interview, InterviewAttendee, InterviewStatus, Scorecard
from app.store.models import (
    Activity,
    ActivityKind,
    Application,
    Candidate,
    Contact,
    Job,
    User,
    utc_now,
)

MAX_INTERVIEWERS = 20
LOCATION_LIMIT = 300
LINK_LIMIT = 500
NOTES_LIMIT = 5_000
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)


@dataclass(frozen=True)
class InterviewInput:
    """What the schedule dialog fills in. ``contact_ids`` are the client's contacts and
    ``user_ids`` the agency's users who interview; at least one of either."""

    application_id: int
    date: dt.date
    start: dt.time
    time_zone: str
    duration_minutes: int = 60
    contact_ids: tuple[int, ...] = ()
    user_ids: tuple[int, ...] = ()
    location: str | None = None
    video_link: str | None = None
    notes: str | None = None
    candidate_invited: bool = True

    def validate(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        zone = zone_of(self.time_zone)
        if zone is None:
            errors["time_zone"] = "Choose a time zone from the list (Europe/Paris, …)."
        if not EARLIEST <= self.date <= LATEST:
            errors["date"] = f"Choose a date between {EARLIEST.year} and {LATEST.year}."
        elif zone is not None and not exists_in(self.date, self.start, zone):
            errors["start"] = (
                f"{self.start:%H:%M} does not exist on {self.date:%d %b %Y} in {self.time_zone}"
                " (the clocks change): choose another time."
            )
        if not MIN_DURATION <= self.duration_minutes <= MAX_DURATION:
            errors["duration_minutes"] = (
                f"Between {MIN_DURATION} minutes and {MAX_DURATION // 60} hours."
            )
        people = len(set(self.contact_ids)) + len(set(self.user_ids))
        if people == 0:
            errors["interviewers"] = "Choose at least one interviewer."
        elif people > MAX_INTERVIEWERS:
            errors["interviewers"] = f"At most {MAX_INTERVIEWERS} interviewers."
        check_length(errors, "location", clean(self.location), LOCATION_LIMIT)
        check_length(errors, "video_link", clean(self.video_link), LINK_LIMIT)
        check_length(errors, "notes", clean_text(self.notes), NOTES_LIMIT)
        return errors

    def starts_at(self) -> dt.datetime:
        """The start as a UTC instant (valid input only)."""
        zone = ZoneInfo(self.time_zone)
        return dt.datetime.combine(self.date, self.start, zone).astimezone(dt.UTC)


@dataclass(frozen=True)
class Conflict:
    """An interviewer booked elsewhere at the same time."""

    name: str
    interview_id: int
    starts_at: dt.datetime
    candidate_name: str


@dataclass(frozen=True)
class ScheduleResult:
    """What a schedule or an edit did: the interview, its double-booked interviewers, and
    what it was before (an edit's undo puts this back)."""

    interview_id: int
    conflicts: tuple[Conflict, ...] = ()
    previous: InterviewInput | None = None
    previous_status: InterviewStatus | None = None


def _input_of(session: Session, interview: Interview) -> InterviewInput:
    attendees = _attendees(session, interview.id)
    local = local_start(interview.starts_at, interview.time_zone)
    return InterviewInput(
        application_id=interview.application_id,
        date=local.date(),
        start=local.time().replace(tzinfo=None),
        time_zone=interview.time_zone,
        duration_minutes=interview.duration_minutes,
        contact_ids=tuple(a.contact_id for a in attendees if a.contact_id is not None),
        user_ids=tuple(a.user_id for a in attendees if a.user_id is not None),
        location=interview.location,
        video_link=interview.video_link,
        notes=interview.notes,
        candidate_invited=interview.candidate_invited,
    )


def _attendees(session: Session, interview_id: int) -> list[InterviewAttendee]:
    return list(
        session.scalars(
            select(InterviewAttendee)
            .where(InterviewAttendee.interview_id == interview_id)
            .order_by(InterviewAttendee.position, InterviewAttendee.id)
        )
    )


def _fields(interview: Interview, attendees: list[InterviewAttendee]) -> dict[str, Any]:
    """The audited values of an interview."""
    return {
        "starts_at": interview.starts_at,
        "time_zone": interview.time_zone,
        "duration_minutes": interview.duration_minutes,
        "location": interview.location,
        "video_link": interview.video_link,
        "notes": interview.notes,
        "candidate_invited": interview.candidate_invited,
        "status": interview.status,
        "sequence": interview.sequence,
        "contact_ids": sorted(a.contact_id for a in attendees if a.contact_id is not None),
        "user_ids": sorted(a.user_id for a in attendees if a.user_id is not None),
    }


def _application(tx: Transaction, application_id: int) -> Application:
    application = tx.session.get(Application, application_id)
    if application is None:
        raise NotFoundError(f"Application #{application_id} no longer exists.")
    return application


def _interview(tx: Transaction, interview_id: int) -> Interview:
    interview = tx.session.get(Interview, interview_id)
    if interview is None:
        raise NotFoundError(f"Interview #{interview_id} no longer exists.")
    return interview


def _people(
    tx: Transaction, job: Job, data: InterviewInput, keep: list[InterviewAttendee]
) -> list[InterviewAttendee]:
    """The attendee rows ``data`` names, reusing those in ``keep`` (their scorecards stay).
    Contacts must be of the job's client; archived ones only if already attending."""
    errors: dict[str, str] = {}
    kept_contacts = {a.contact_id: a for a in keep if a.contact_id is not None}
    kept_users = {a.user_id: a for a in keep if a.user_id is not None}
    contact_ids = tuple(dict.fromkeys(data.contact_ids))
    user_ids = tuple(dict.fromkeys(data.user_ids))
    contacts = {
        c.id: c for c in tx.session.scalars(select(Contact).where(Contact.id.in_(contact_ids)))
    }
    users = {u.id: u for u in tx.session.scalars(select(User).where(User.id.in_(user_ids)))}
    rows: list[InterviewAttendee] = []
    for contact_id in contact_ids:
        contact = contacts.get(contact_id)
        if contact is None or contact.client_id != job.client_id:
            errors["interviewers"] = "Choose contacts of this job's client."
            continue
        if contact.archived_at is not None and contact_id not in kept_contacts:
            errors["interviewers"] = f"{person_name(contact.first_name, None, contact.last_name)}"
            errors["interviewers"] += " is archived."
            continue
        row = kept_contacts.get(contact_id) or InterviewAttendee(contact_id=contact_id)
        row.name = person_name(contact.first_name, None, contact.last_name)
        emails = list(contact.emails or ([contact.email] if contact.email else []))
        row.email = emails[0] if emails else None
        rows.append(row)
    for user_id in user_ids:
        user = users.get(user_id)
        if user is None:
            errors["interviewers"] = f"User #{user_id} no longer exists."
            continue
        row = kept_users.get(user_id) or InterviewAttendee(user_id=user_id)
        row.name, row.email = user.display_name, user.email
        rows.append(row)
    if errors:
        raise ValidationError(errors)
    for position, row in enumerate(rows):
        row.position = position
    return rows


def _keep_scored(tx: Transaction, removed: list[InterviewAttendee]) -> None:
    """Refuse to drop an interviewer whose scorecard is in: it would go with them."""
    ids = [row.id for row in removed]
    scored = set(
        tx.session.scalars(select(Scorecard.attendee_id).where(Scorecard.attendee_id.in_(ids)))
    )
    names = [row.name for row in removed if row.id in scored]
    if names:
        raise ValidationError(
            {"interviewers": f"{', '.join(names)} returned a scorecard; keep them on it."}
        )


def overlapping(
    session: Session,
    starts_at: dt.datetime,
    minutes: int,
    contact_ids: set[int],
    user_ids: set[int],
    exclude: int | None,
) -> list[Conflict]:
    """Scheduled interviews overlapping ``[starts_at, +minutes)`` that share an interviewer.

    SQLite has no interval arithmetic on stored times, so candidates are those starting
    within a day before the end (no interview lasts longer) and the overlap is checked here.
    """
    if not contact_ids and not user_ids:
        return []
    ends_at = starts_at + dt.timedelta(minutes=minutes)
    a = InterviewAttendee
    query = (
        select(Interview, a.name, Candidate.first_name, Candidate.middle_name, Candidate.last_name)
        .join(a, a.interview_id == Interview.id)
        .join(Application, Application.id == Interview.application_id)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .where(
            Interview.status == InterviewStatus.SCHEDULED,
            Interview.starts_at < ends_at,
            Interview.starts_at > starts_at - dt.timedelta(minutes=MAX_DURATION),
            or_(a.contact_id.in_(contact_ids), a.user_id.in_(user_ids)),
        )
        .order_by(Interview.starts_at, a.name)
    )
    if exclude is not None:
        query = query.where(Interview.id != exclude)
    found = []
    for other, name, first, middle, last in session.execute(query):
        if other.starts_at + dt.timedelta(minutes=other.duration_minutes) > starts_at:
            found.append(
                Conflict(name, other.id, other.starts_at, person_name(first, middle, last))
            )
    return found


def conflicts_of(session: Session, interview: Interview) -> list[Conflict]:
    """The interviewers of ``interview`` booked elsewhere at the same time."""
    attendees = _attendees(session, interview.id)
    return overlapping(
        session,
        interview.starts_at,
        interview.duration_minutes,
        {x.contact_id for x in attendees if x.contact_id is not None},
        {x.user_id for x in attendees if x.user_id is not None},
        interview.id,
    )


def _timeline(tx: Transaction, application: Application, subject: str, body: str | None) -> None:
    tx.session.add(
        Activity(
            candidate_id=application.candidate_id,
            application_id=application.id,
            kind=ActivityKind.MEETING,
            subject=fit(subject, 300),
            body=body,
            occurred_at=utc_now(),
            user_id=tx.actor.user_id,
        )
    )
    tx.changed(ChangeKind.CANDIDATES, application.candidate_id)


def _names(rows: list[InterviewAttendee]) -> str:
    return ", ".join(row.name for row in rows)


def _apply(interview: Interview, data: InterviewInput) -> None:
    interview.starts_at = data.starts_at()
    interview.time_zone = data.time_zone
    interview.duration_minutes = data.duration_minutes
    interview.location = clean(data.location)
    interview.video_link = clean(data.video_link)
    interview.notes = clean_text(data.notes)
    interview.candidate_invited = data.candidate_invited


def _changed(tx: Transaction, interview: Interview, application: Application) -> None:
    tx.changed(ChangeKind.INTERVIEWS, interview.id)
    tx.changed(ChangeKind.APPLICATIONS, application.id)


def _check(data: InterviewInput) -> None:
    errors = data.validate()
    if errors:
        raise ValidationError(errors)


def schedule_interview(ctx: ServiceContext, data: InterviewInput) -> Outcome[ScheduleResult]:
    """Schedule an interview and queue its invites; the value names the interview and its
    double-booked interviewers."""
    _check(data)
    with ctx.write() as tx:
        application = _application(tx, data.application_id)
        job = tx.session.get(Job, application.job_id)
        assert job is not None  # an application's job is never deleted under it
        interview = Interview(
            application_id=application.id,
            uid=f"{uuid.uuid4()}@hirebench",
            sequence=0,
            status=InterviewStatus.SCHEDULED,
            organizer_id=tx.actor.user_id,
        )
        _apply(interview, data)
        tx.session.add(interview)
        tx.session.flush()
        attendees = _people(tx, job, data, [])
        for row in attendees:
            row.interview_id = interview.id
        tx.session.add_all(attendees)
        tx.session.flush()
        queue_invites(tx, interview, attendees, removed=[])
        after = _fields(interview, attendees)
        tx.audit("interview.schedule", "interview", interview.id, after=after)
        when = when_text(interview.starts_at, interview.time_zone)
        _timeline(tx, application, f"Interview scheduled: {when}", f"With {_names(attendees)}")
        _changed(tx, interview, application)
        conflicts = tuple(conflicts_of(tx.session, interview))
        return outcome(ScheduleResult(interview.id, conflicts), tx)


def reschedule_interview(
    ctx: ServiceContext, interview_id: int, data: InterviewInput, *, restore: bool = False
) -> Outcome[ScheduleResult]:
    """Change an interview (time, people, place, notes) and send the update: the same UID,
    the next SEQUENCE, a REQUEST to everyone invited and a CANCEL to anyone dropped. An
    unchanged interview sends nothing. ``restore`` also brings back a cancelled interview
    (the undo of a cancellation)."""
    _check(data)
    with ctx.write() as tx:
        interview = _interview(tx, interview_id)
        if interview.application_id != data.application_id:
            raise ValidationError({"application": "An interview stays with its application."})
        if interview.status is InterviewStatus.CANCELLED and not restore:
            raise ValidationError({"status": "This interview was cancelled; schedule a new one."})
        application = _application(tx, interview.application_id)
        job = tx.session.get(Job, application.job_id)
        assert job is not None
        previous = _input_of(tx.session, interview)
        previous_status = interview.status
        old = _attendees(tx.session, interview_id)
        before = _fields(interview, old)
        _apply(interview, data)
        attendees = _people(tx, job, data, old)
        # One whose contact or user record was deleted stays as they were, name and address.
        attendees += [r for r in old if r.contact_id is None and r.user_id is None]
        kept = {id(row) for row in attendees}
        removed = [row for row in old if id(row) not in kept]
        _keep_scored(tx, removed)
        interview.status = InterviewStatus.SCHEDULED
        after = _fields(interview, attendees) | {"sequence": interview.sequence}
        if after == before and [r.id for r in attendees] == [r.id for r in old]:
            return outcome(ScheduleResult(interview.id, (), previous, previous_status), tx)
        interview.sequence += 1
        if before["starts_at"] != interview.starts_at or previous_status != interview.status:
            interview.reminded_at = None  # a new time: reminded again before it
        for row in attendees:
            if row.id is None:
                row.interview_id = interview.id
                tx.session.add(row)
        # Those dropped get the cancellation, then their rows go (none has a scorecard).
        tx.session.flush()
        queue_invites(
            tx,
            interview,
            attendees,
            removed=removed,
            candidate_was_invited=previous.candidate_invited
            and previous_status is InterviewStatus.SCHEDULED,
        )
        for row in removed:
            tx.session.execute(delete(InterviewAttendee).where(InterviewAttendee.id == row.id))
        tx.session.flush()
        action = (
            "interview.restore"
            if previous_status is InterviewStatus.CANCELLED
            else ("interview.reschedule")
        )
        tx.audit(action, "interview", interview.id, before, _fields(interview, attendees))
        when = when_text(interview.starts_at, interview.time_zone)
        moved = previous_status is InterviewStatus.CANCELLED or before["starts_at"] != (
            interview.starts_at
        )
        subject = (
            f"Interview restored: {when}"
            if previous_status is InterviewStatus.CANCELLED
            else (f"Interview moved to {when}" if moved else f"Interview updated: {when}")
        )
        _timeline(tx, application, subject, f"With {_names(attendees)}")
        _changed(tx, interview, application)
        conflicts = tuple(conflicts_of(tx.session, interview))
        return outcome(ScheduleResult(interview.id, conflicts, previous, previous_status), tx)


def cancel_interview(
    ctx: ServiceContext, interview_id: int, reason: str | None = None
) -> Outcome[ScheduleResult]:
    """Cancel an interview: METHOD:CANCEL with the same UID and the next SEQUENCE to everyone
    invited. Its scorecards stay. Cancelling a cancelled interview does nothing."""
    note = clean(reason)
    errors: dict[str, str] = {}
    check_length(errors, "reason", note, 200)
    if errors:
        raise ValidationError(errors)
    with ctx.write() as tx:
        interview = _interview(tx, interview_id)
        previous = _input_of(tx.session, interview)
        if interview.status is InterviewStatus.CANCELLED:
            return outcome(ScheduleResult(interview_id, (), previous, interview.status), tx)
        application = _application(tx, interview.application_id)
        attendees = _attendees(tx.session, interview_id)
        before = _fields(interview, attendees)
        interview.status = InterviewStatus.CANCELLED
        interview.sequence += 1
        tx.session.flush()
        queue_invites(tx, interview, [], removed=attendees, reason=note)
        after = _fields(interview, attendees) | {"reason": note}
        tx.audit("interview.cancel", "interview", interview_id, before, after)
        when = when_text(interview.starts_at, interview.time_zone)
        _timeline(tx, application, f"Interview cancelled: {when}", note)
        _changed(tx, interview, application)
        return outcome(ScheduleResult(interview_id, (), previous, InterviewStatus.SCHEDULED), tx)


def interview_input(ctx: ServiceContext, interview_id: int) -> InterviewInput:
    """An interview as the dialog edits it."""
    with ctx.read() as session:
        interview = session.get(Interview, interview_id)
        if interview is None:
            raise NotFoundError(f"Interview #{interview_id} no longer exists.")
        return _input_of(session, interview)


def check_conflicts(
    ctx: ServiceContext, data: InterviewInput, exclude: int | None = None
) -> list[Conflict]:
    """The interviewers ``data`` names who are booked elsewhere then (the dialog asks before
    saving)."""
    if data.validate():
        return []
    with ctx.read() as session:
        return overlapping(
            session,
            data.starts_at(),
            data.duration_minutes,
            set(data.contact_ids),
            set(data.user_ids),
            exclude,
        )


def with_time(data: InterviewInput, starts_at: dt.datetime) -> InterviewInput:
    """``data`` moved to the instant ``starts_at``, on its own zone's wall clock."""
    local = local_start(starts_at, data.time_zone)
    return replace(data, date=local.date(), start=local.time().replace(tzinfo=None))
