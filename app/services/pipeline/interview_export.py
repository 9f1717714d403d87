"""Interviews as one iCalendar file (METHOD:PUBLISH), for `hirebench interviews --ics` and
for anyone who wants the agency's interviews in their own calendar.

Each interview keeps the UID and SEQUENCE of its invites, so importing the file next to the
invitations updates the same events rather than doubling them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from app.services.core.context import ServiceContext
from app.services.engagement.mail_settings import get_account
from app.services.pipeline.interview_list import InterviewRow
from app.services.pipeline.invites import PUBLISH, InviteFacts, Person, build_calendar
from app.store.models import utc_now


def _facts(row: InterviewRow, sender: str, agency: str, stamp: dt.datetime) -> InviteFacts:
    lines = [
        f"Interview with {row.candidate_name} for {row.job_title} at {row.client_name}.",
        f"Interviewers: {row.interviewers}.",
    ]
    if row.notes:
        lines.append(f"Notes for interviewers: {row.notes}")
    if row.conflicts:
        lines.append(f"Double-booked: {', '.join(row.conflicts)}.")
    return InviteFacts(
        uid=row.uid,
        sequence=row.sequence,
        starts_at=row.starts_at,
        time_zone=row.time_zone,
        duration_minutes=row.duration_minutes,
        summary=f"Interview: {row.candidate_name} — {row.job_title} ({row.client_name})",
        location=row.location,
        video_link=row.video_link,
        description="\n".join(lines),
        organizer=Person(
            row.organizer_name or agency or "Recruiter", row.organizer_email or sender
        ),
        attendees=tuple(Person(a.name, a.email) for a in row.attendees if a.email),
        stamp=stamp,
    )


def interviews_calendar(ctx: ServiceContext, rows: Sequence[InterviewRow]) -> bytes:
    """``rows`` (from `list_interviews`) as one iCalendar text."""
    account = get_account(ctx)
    stamp = utc_now()
    sender = account.from_address or f"interviews@{account.sender_domain}"
    return build_calendar([_facts(row, sender, account.from_name, stamp) for row in rows], PUBLISH)
