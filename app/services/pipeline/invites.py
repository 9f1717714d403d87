"""Interview invitations: iCalendar (RFC 5545) events sent by email (iMIP, RFC 6047) through
the outbox.

Every message about one interview carries the same UID; its SEQUENCE is the interview's, which
rises with every change, so calendar programs replace the event they hold rather than adding
another. The start is written in the interview's own zone (``DTSTART;TZID=…``) with that
zone's VTIMEZONE, so the agreed wall-clock time survives a daylight-saving change. The
recruiter who scheduled it is the ORGANIZER, and each person invited is an ATTENDEE asked to
reply (``RSVP=TRUE``). A cancellation is METHOD:CANCEL with the same UID.

Queued inside the caller's transaction, so the interview and its invites are written together
or not at all; the dispatcher sends them later with the outbox's guarantees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy import select

from app.mail.mime import MailPart
from app.services.core.changes import ChangeKind
from app.services.core.names import person_name
from app.services.core.unit_of_work import Transaction, ValidationError
from app.services.engagement.mail_settings import load_account
from app.services.engagement.optout import block_reason
from app.services.engagement.outbox import Draft, add_to_outbox
from app.services.pipeline.interview_time import when_text
from app.store.interviews import Interview, InterviewAttendee, InterviewStatus
from app.store.models import Application, Candidate, CandidateEmail, Client, Job, User, utc_now

PRODID = "-//Hirebench//Interviews//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
# The VTIMEZONE covers this long either side of the interview: every change of offset a
# calendar needs to place it, without the zone's whole history.
ZONE_SPAN = dt.timedelta(days=400)


@dataclass(frozen=True)
class Person:
    """Someone on the invite: an interviewer or the candidate."""

    name: str
    email: str
    candidate_id: int | None = None


@dataclass(frozen=True)
class InviteFacts:
    """Everything an invite says, as plain values (what `build_invite` turns into text)."""

    uid: str
    sequence: int
    starts_at: dt.datetime  # aware
    time_zone: str
    duration_minutes: int
    summary: str
    location: str | None
    video_link: str | None
    description: str
    organizer: Person
    attendees: tuple[Person, ...]
    stamp: dt.datetime


PUBLISH = "PUBLISH"


def _event(facts: InviteFacts, cancelled: bool) -> Event:
    zone = ZoneInfo(facts.time_zone)
    start = facts.starts_at.astimezone(zone)
    end = (facts.starts_at + dt.timedelta(minutes=facts.duration_minutes)).astimezone(zone)
    event = Event()
    event.add("uid", facts.uid)
    event.add("sequence", facts.sequence)
    event.add("dtstamp", facts.stamp.astimezone(dt.UTC))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", facts.summary)
    where = facts.location or facts.video_link
    if where:
        event.add("location", where)
    if facts.video_link:
        event.add("url", facts.video_link)
    event.add("description", facts.description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    organizer = vCalAddress(f"mailto:{facts.organizer.email}")
    organizer.params["cn"] = vText(facts.organizer.name)
    event.add("organizer", organizer)
    for person in facts.attendees:
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = vText(person.name)
        attendee.params["cutype"] = vText("INDIVIDUAL")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee)
    return event


def build_calendar(events: Sequence[InviteFacts], method: str, cancelled: bool = False) -> bytes:
    """An iCalendar text holding ``events``, with one VTIMEZONE per zone they use (covering
    `ZONE_SPAN` either side of them)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    for facts in events:
        calendar.add_component(_event(facts, cancelled))
    if events:
        first = min(facts.starts_at for facts in events) - ZONE_SPAN
        last = max(facts.starts_at for facts in events) + ZONE_SPAN
        calendar.add_missing_timezones(first_date=first.date(), last_date=last.date())
    return bytes(calendar.to_ical())


def build_invite(facts: InviteFacts, method: str) -> bytes:
    """The iCalendar text of one invitation (``REQUEST``) or cancellation (``CANCEL``)."""
    return build_calendar([facts], method, cancelled=method == CANCEL)


def calendar_part(facts: InviteFacts, method: str) -> MailPart:
    """The invite as the inline ``text/calendar`` part the outbox sends beside the text."""
    return MailPart(
        filename="invite.ics",
        content_type=f"text/calendar; method={method}; charset=utf-8",
        data=build_invite(facts, method),
        inline=True,
    )


def _candidate(tx: Transaction, application: Application) -> tuple[str, Person | None]:
    """The candidate's name, and the candidate as a person to invite when they may be
    emailed (do not contact, withdrawn consent and unsubscribing are respected)."""
    candidate = tx.session.get(Candidate, application.candidate_id)
    assert candidate is not None
    name = person_name(candidate)
    email = tx.session.scalar(
        select(CandidateEmail.email)
        .where(CandidateEmail.candidate_id == candidate.id)
        .order_by(CandidateEmail.position)
        .limit(1)
    )
    reason = block_reason(
        candidate.do_not_contact, candidate.unsubscribed_at, candidate.consent, email is not None
    )
    if reason is not None or email is None:
        return name, None
    return name, Person(name, email, candidate.id)


def _organizer(tx: Transaction, interview: Interview, sender: str, agency: str) -> Person:
    user = tx.session.get(User, interview.organizer_id) if interview.organizer_id else None
    name = user.display_name if user is not None else (agency or "Recruiter")
    email = (user.email if user is not None else None) or sender
    return Person(name, email)


def _description(interview: Interview, candidate: str, job: str, client: str, who: str) -> str:
    lines = [f"Interview with {candidate} for {job} at {client}.", f"Interviewers: {who}."]
    if interview.location:
        lines.append(f"Where: {interview.location}")
    if interview.video_link:
        lines.append(f"Video link: {interview.video_link}")
    return "\n".join(lines)


def queue_invites(
    tx: Transaction,
    interview: Interview,
    attendees: Sequence[InterviewAttendee],
    removed: Sequence[InterviewAttendee],
    *,
    candidate_was_invited: bool | None = None,
    reason: str | None = None,
) -> list[int]:
    """Queue, in the caller's transaction, a REQUEST to ``attendees`` (and the candidate, when
    invited) and a CANCEL to ``removed`` (and the candidate, when no longer invited or the
    interview is cancelled). People without an address are left out. The value is the outbox
    messages' ids. Interviewers' notes are in their message only, never the candidate's."""
    application = tx.session.get(Application, interview.application_id)
    assert application is not None
    job = tx.session.get(Job, application.job_id)
    assert job is not None
    client = tx.session.get(Client, job.client_id)
    account = load_account(tx.session)
    agency = account.from_name
    candidate_name, candidate = _candidate(tx, application)
    organizer = _organizer(tx, interview, account.from_address, agency)
    cancelled = interview.status is InterviewStatus.CANCELLED
    invited_before = (
        interview.candidate_invited if candidate_was_invited is None else candidate_was_invited
    )
    candidate_now = candidate if interview.candidate_invited and not cancelled else None
    candidate_gone = candidate if invited_before and candidate_now is None else None
    people = [Person(a.name, a.email) for a in attendees if a.email]
    dropped = [Person(a.name, a.email) for a in removed if a.email]
    wanted = bool(people or dropped or candidate_now or candidate_gone)
    if wanted and not organizer.email:
        raise ValidationError(
            {"organizer": "Invites need a sender: set the mail account's address in Settings."}
        )
    who = ", ".join(a.name for a in attendees) or ", ".join(a.name for a in removed)
    client_name = client.name if client is not None else ""
    summary = f"Interview: {candidate_name} — {job.title} ({client_name})"
    description = _description(interview, candidate_name, job.title, client_name, who)
    when = when_text(interview.starts_at, interview.time_zone)
    stamp = utc_now()

    def facts(to: Sequence[Person], text: str) -> InviteFacts:
        return InviteFacts(
            uid=interview.uid,
            sequence=interview.sequence,
            starts_at=interview.starts_at,
            time_zone=interview.time_zone,
            duration_minutes=interview.duration_minutes,
            summary=summary,
            location=interview.location,
            video_link=interview.video_link,
            description=text,
            organizer=organizer,
            attendees=tuple(to),
            stamp=stamp,
        )

    drafts: list[Draft] = []
    everyone = [*people, *([candidate_now] if candidate_now else [])]
    updated = interview.sequence > 0
    verb = "Updated interview" if updated else "Interview"
    for person in everyone:
        is_candidate = person.candidate_id is not None
        text = description
        if interview.notes and not is_candidate:
            text += f"\n\nNotes for interviewers:\n{interview.notes}"
        body = f"Hello {person.name},\n\n{text}\n\nWhen: {when}, {interview.duration_minutes} min."
        drafts.append(
            Draft(
                to_address=person.email,
                to_name=person.name,
                subject=f"{verb}: {candidate_name if not is_candidate else job.title} — {when}",
                body_text=body,
                candidate_id=person.candidate_id,
                attachments=(calendar_part(facts(everyone, text), REQUEST),),
            )
        )
    for person in [*dropped, *([candidate_gone] if candidate_gone else [])]:
        note = f"\n\n{reason}" if reason else ""
        body = f"Hello {person.name},\n\nThe interview on {when} is cancelled.{note}"
        drafts.append(
            Draft(
                to_address=person.email,
                to_name=person.name,
                subject=f"Cancelled: interview {when}",
                body_text=body,
                candidate_id=person.candidate_id,
                attachments=(calendar_part(facts([person], description), CANCEL),),
            )
        )
    if not drafts:
        return []
    ids = add_to_outbox(
        tx.session, drafts, domain=account.sender_domain, created_by_id=tx.actor.user_id
    )
    tx.changed(ChangeKind.OUTBOX, *ids)
    return ids
