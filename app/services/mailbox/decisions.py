"""Messages waiting for a person: no resume attached and an unknown sender, or one that could
not be handled. Listed with their text; each is made a candidate or dismissed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.mailbox.rows import EMAIL_SOURCE, MAX_SUBJECT
from app.store.mailbox import MailboxMessage, MailboxState
from app.store.models import Activity, ActivityKind, Candidate, CandidateEmail

DISMISS = "dismiss"
CREATE_CANDIDATE = "create_candidate"


@dataclass(frozen=True)
class WaitingMessage:
    id: int
    state: str
    kind: str
    sender: str
    sender_name: str
    subject: str
    received_at: dt.datetime
    text: str
    detail: str


def list_waiting(ctx: ServiceContext, limit: int = 500) -> list[WaitingMessage]:
    """Messages waiting for a decision or that failed, newest first."""
    m = MailboxMessage.__table__.c
    with ctx.read() as session:
        rows = session.execute(
            select(m.id, m.state, m.kind, m.sender, m.sender_name, m.subject, m.received_at)
            .add_columns(m.body_text, m.detail)
            .where(m.state.in_((MailboxState.PENDING, MailboxState.FAILED)))
            .order_by(m.received_at.desc(), m.id.desc())
            .limit(limit)
        ).all()
    return [
        WaitingMessage(
            id=row.id,
            state=str(row.state),
            kind=str(row.kind),
            sender=row.sender,
            sender_name=row.sender_name or "",
            subject=row.subject or "",
            received_at=row.received_at,
            text=row.body_text or "",
            detail=row.detail or "",
        )
        for row in rows
    ]


def decide(ctx: ServiceContext, message_id: int, action: str) -> Outcome[int | None]:
    """Dismiss a waiting message, or make its sender a candidate (source "Email", the text
    kept as a note); the value is the new candidate's id, if any."""
    if action not in (DISMISS, CREATE_CANDIDATE):
        raise ValidationError({"action": "Choose to dismiss it or to make a candidate."})
    with ctx.write() as tx:
        row = tx.session.get(MailboxMessage, message_id)
        if row is None:
            raise NotFoundError(f"Message #{message_id} is no longer listed.")
        if row.state not in (MailboxState.PENDING, MailboxState.FAILED):
            raise ValidationError({"action": "This message was already decided."})
        candidate_id: int | None = None
        if action == CREATE_CANDIDATE:
            if not row.sender:
                raise ValidationError({"action": "The message has no sender address."})
            taken = tx.session.scalar(
                select(CandidateEmail.candidate_id).where(CandidateEmail.email == row.sender)
            )
            if taken is not None:
                candidate_id = taken
            else:
                first, _, last = (row.sender_name or row.sender.split("@")[0]).partition(" ")
                candidate = Candidate(
                    first_name=first[:100] or "Unknown",
                    last_name=last[:100],
                    source=EMAIL_SOURCE,
                    owner_id=tx.actor.user_id,
                )
                candidate.emails.append(CandidateEmail(email=row.sender, position=0))
                tx.session.add(candidate)
                tx.session.flush()
                candidate_id = candidate.id
                tx.audit(
                    "candidate.create",
                    "candidate",
                    candidate_id,
                    after={"source": EMAIL_SOURCE, "emails": [row.sender]},
                )
            tx.session.add(
                Activity(
                    candidate_id=candidate_id,
                    kind=ActivityKind.EMAIL,
                    direction="in",
                    subject=(row.subject or "")[:MAX_SUBJECT] or None,
                    body=row.body_text,
                    occurred_at=row.received_at,
                    user_id=tx.actor.user_id,
                )
            )
            tx.changed(ChangeKind.CANDIDATES, candidate_id)
        before = str(row.state)
        row.state = MailboxState.HANDLED if candidate_id is not None else MailboxState.DISMISSED
        row.candidate_id = candidate_id or row.candidate_id
        tx.audit(
            "mailbox.decide",
            "mailbox_message",
            row.id,
            before={"state": before},
            after={"state": str(row.state), "candidate_id": candidate_id},
        )
        tx.changed(ChangeKind.MAILBOX, row.id)
        return outcome(candidate_id, tx)
