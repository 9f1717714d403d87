"""Delivery status notifications (RFC 3464) read from the inbox: a hard bounce marks the
address as bouncing (nothing more is sent to it), cancels what waits for it in the outbox,
fails the message that bounced and says so on the candidate's timeline."""

from __future__ import annotations

from sqlalchemy import select, update

from app.mail.inbound import Envelope, Inbound
from app.services.core.changes import ChangeKind
from app.services.core.unit_of_work import Transaction
from app.services.engagement.optout import CANCELLABLE
from app.services.mailbox.rows import (
    MAX_SUBJECT,
    Sent,
    added,
    candidate_by_address,
    link,
    new_row,
    when,
)
from app.store.engagement import MessageState, OutboxMessage
from app.store.mailbox import BouncingAddress, MailboxKind, MailboxMessage, MailboxState
from app.store.models import Activity, ActivityKind, utc_now


def bounce(tx: Transaction, envelope: Envelope, inbound: Inbound) -> MailboxMessage:
    """A delivery status notification: each hard-bounced address is marked, its queued mail
    cancelled, and the bounce noted on the candidate's timeline."""
    o = OutboxMessage.__table__.c
    sent = None
    if inbound.bounced_message_ids:
        found = tx.session.execute(
            select(o.id, o.candidate_id, o.campaign_id).where(
                o.message_id.in_(inbound.bounced_message_ids)
            )
        ).first()
        if found is not None:
            sent = Sent(found.id, found.candidate_id, found.campaign_id)
    lines: list[str] = []
    first_candidate: int | None = sent.candidate_id if sent is not None else None
    for recipient in inbound.bounces:
        if not recipient.hard:
            lines.append(
                f"{recipient.address}: {recipient.action or 'reported'} {recipient.status} "
                "(not permanent; nothing changed)."
            )
            continue
        candidate_id = candidate_by_address(tx, recipient.address)
        first_candidate = first_candidate or candidate_id
        mark = tx.session.get(BouncingAddress, recipient.address)
        if mark is None:
            mark = BouncingAddress(email=recipient.address)
            tx.session.add(mark)
        mark.status = recipient.status[:20]
        mark.diagnostic = recipient.diagnostic or None
        mark.bounced_at = utc_now()
        mark.candidate_id = candidate_id
        why = f"Bounced: {recipient.status} {recipient.diagnostic}".strip()
        cancelled = list(
            tx.session.scalars(
                select(o.id).where(o.to_address == recipient.address, o.state.in_(CANCELLABLE))
            )
        )
        if cancelled:
            tx.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(cancelled))
                .values(
                    state=MessageState.CANCELLED,
                    last_error=f"Cancelled: the address bounces ({why}).",
                )
            )
            tx.changed(ChangeKind.OUTBOX, *cancelled)
        if sent is not None:
            tx.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == sent.outbox_id, OutboxMessage.state == MessageState.SENT)
                .values(state=MessageState.FAILED, last_error=why[:2000])
            )
            tx.changed(ChangeKind.OUTBOX, sent.outbox_id)
            if sent.campaign_id is not None:
                tx.changed(ChangeKind.CAMPAIGNS, sent.campaign_id)
        if candidate_id is not None:
            tx.session.add(
                Activity(
                    candidate_id=candidate_id,
                    kind=ActivityKind.NOTE,
                    subject=f"Email to {recipient.address} bounced"[:MAX_SUBJECT],
                    body=f"{why}\nNo more email is sent to this address.",
                    occurred_at=when(inbound),
                )
            )
            tx.changed(ChangeKind.CANDIDATES, candidate_id)
        lines.append(f"{recipient.address}: hard bounce {recipient.status}; marked as bouncing.")
    row = new_row(envelope, inbound, MailboxKind.BOUNCE, MailboxState.HANDLED)
    link(row, sent, first_candidate)
    row.detail = " ".join(lines) or "A delivery report without a failed recipient."
    return added(tx, row)
