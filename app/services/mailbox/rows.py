"""What every kind of incoming message writes: its mailbox row, its entry on the timeline, and
the message of ours it answers. Shared by `handling`, `applications` and `bounces`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.mail.inbound import Envelope, Inbound
from app.parsing.result import ParsedResume
from app.services.core.changes import ChangeKind
from app.services.core.unit_of_work import Transaction, read_rows
from app.store.engagement import MessageState, OutboxMessage
from app.store.mailbox import MailboxKind, MailboxMessage, MailboxState
from app.store.models import Activity, ActivityKind, CandidateEmail, utc_now

EMAIL_SOURCE = "Email"
MAX_SUBJECT = 300


@dataclass(frozen=True)
class ResumeFile:
    """A resume attachment saved under its own name, and what the parser read from it.

    ``digest`` and ``size``, when the reader gave them, say that ``path`` is already beside
    the store (in its incoming folder, synced to disk, hashed): it is moved into place as it
    is, instead of being copied there by the thread that imports it.
    """

    path: Path
    parsed: ParsedResume
    digest: str = ""
    size: int = 0


def new_row(
    envelope: Envelope, inbound: Inbound | None, kind: MailboxKind, state: MailboxState
) -> MailboxMessage:
    row = MailboxMessage(
        folder=envelope.folder,
        uidvalidity=envelope.uidvalidity,
        uid=envelope.uid,
        kind=kind,
        state=state,
        handled_at=utc_now(),
    )
    if inbound is not None:
        row.message_id = inbound.message_id
        row.sender = inbound.sender[:320]
        row.sender_name = inbound.sender_name[:200] or None
        row.subject = inbound.subject[:MAX_SUBJECT] or None
        row.received_at = inbound.received_at or utc_now()
    return row


def added(tx: Transaction, row: MailboxMessage) -> MailboxMessage:
    tx.session.add(row)
    tx.session.flush()
    return row


@dataclass(frozen=True)
class Sent:
    outbox_id: int
    candidate_id: int | None
    campaign_id: int | None


def answered(tx: Transaction, inbound: Inbound) -> Sent | None:
    """The message of ours this one answers, by In-Reply-To, else References."""
    ids = list(inbound.answered_ids)
    if not ids:
        return None
    o = OutboxMessage.__table__.c
    rows = {
        row.message_id: row
        for row in tx.session.execute(
            select(o.id, o.message_id, o.candidate_id, o.campaign_id).where(o.message_id.in_(ids))
        )
    }
    for value in ids:
        if value in rows:
            row = rows[value]
            return Sent(row.id, row.candidate_id, row.campaign_id)
    return None


def latest_sent_to(tx: Transaction, address: str) -> Sent | None:
    o = OutboxMessage.__table__.c
    row = tx.session.execute(
        select(o.id, o.candidate_id, o.campaign_id)
        .where(o.to_address == address, o.state == MessageState.SENT)
        .order_by(o.sent_at.desc(), o.id.desc())
        .limit(1)
    ).first()
    return Sent(row.id, row.candidate_id, row.campaign_id) if row is not None else None


def candidate_by_address(tx: Transaction, address: str) -> int | None:
    """The oldest candidate with ``address``. Looked up for every message handled, so through
    the driver's cursor (`read_rows`): an ORM query costs several times what SQLite spends on
    it, and this one is on the thread that imports a pass's messages one after another."""
    if not address:
        return None
    found = read_rows(
        tx.session,
        f"SELECT candidate_id FROM {CandidateEmail.__tablename__} WHERE email = ?"
        " ORDER BY candidate_id LIMIT 1",
        (address.lower(),),
    )
    return int(found[0][0]) if found else None


def link(row: MailboxMessage, sent: Sent | None, candidate_id: int | None) -> None:
    row.candidate_id = candidate_id
    if sent is not None:
        row.outbox_message_id = sent.outbox_id
        row.campaign_id = sent.campaign_id


def when(inbound: Inbound) -> dt.datetime:
    now = utc_now()
    when = inbound.received_at or now
    return min(when, now)


def timeline_email(tx: Transaction, candidate_id: int, inbound: Inbound) -> Activity:
    activity = Activity(
        candidate_id=candidate_id,
        kind=ActivityKind.EMAIL,
        direction="in",
        subject=inbound.subject[:MAX_SUBJECT] or None,
        body=inbound.text or None,
        occurred_at=when(inbound),
        user_id=None,
    )
    tx.session.add(activity)
    tx.session.flush()
    tx.changed(ChangeKind.CANDIDATES, candidate_id)
    return activity
