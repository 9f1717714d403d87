"""The outbox: every email is a row written before any network I/O.

A message moves queued → sending → sent | failed | cancelled; one found in ``sending`` after a
crash becomes ``unknown`` and waits for the user to decide, so nothing is ever resent blindly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import make_msgid

from sqlalchemy.orm import Session

from app.store.engagement import MessageState, OutboxMessage
from app.store.models import utc_now


@dataclass(frozen=True)
class Draft:
    """A rendered email for one recipient, ready to be queued."""

    to_address: str
    subject: str
    body_text: str
    body_html: str | None = None
    to_name: str | None = None
    candidate_id: int | None = None
    campaign_id: int | None = None
    enrollment_id: int | None = None
    step_position: int | None = None


def add_to_outbox(
    session: Session,
    drafts: Sequence[Draft],
    *,
    domain: str,
    not_before: dt.datetime | None = None,
    created_by_id: int | None = None,
) -> list[int]:
    """Queue ``drafts`` in the caller's transaction; each gets its own Message-ID."""
    due = not_before or utc_now()
    rows = [
        OutboxMessage(
            campaign_id=draft.campaign_id,
            enrollment_id=draft.enrollment_id,
            step_position=draft.step_position,
            candidate_id=draft.candidate_id,
            to_address=draft.to_address,
            to_name=draft.to_name,
            subject=draft.subject,
            body_text=draft.body_text,
            body_html=draft.body_html,
            message_id=make_msgid(domain=domain),
            state=MessageState.QUEUED,
            attempts=0,
            next_attempt_at=due,
            created_by_id=created_by_id,
        )
        for draft in drafts
    ]
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows]
