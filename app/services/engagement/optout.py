"""Replies and opt-out: who may still be emailed, and what stops when someone answers or leaves.

A reply logged on the timeline stops the candidate's running sequences (a person who answered
should hear from a recruiter, not from step 3). An unsubscribe stops them too and cancels every
message still waiting in the outbox. Every send picks its recipients through
`contactable_condition` / `block_reason`, so one rule decides who is never emailed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, func, select, update

from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.text_rules import clean, clean_text
from app.services.core.unit_of_work import NotFoundError, Transaction, ValidationError
from app.store.engagement import (
    EnrollmentStatus,
    MessageState,
    OutboxMessage,
    SequenceEnrollment,
)
from app.store.mailbox import BouncingAddress
from app.store.models import Activity, ActivityKind, Candidate, CandidateEmail, Consent, utc_now

MAX_SUBJECT = 300  # activities.subject is String(300)
MAX_BODY = 20_000
STOP_REASON_LENGTH = 40  # sequence_enrollments.stop_reason is String(40)

# Why a candidate is not emailed; also the stop reasons of their enrolments.
DO_NOT_CONTACT = "do not contact"
CONSENT_WITHDRAWN = "consent withdrawn"
UNSUBSCRIBED = "unsubscribed"
NO_EMAIL = "no email address"
REPLIED = "replied"
BOUNCING = "the address bounces"

# Outbox states that have not gone out and can still be called off.
CANCELLABLE = (MessageState.QUEUED, MessageState.UNKNOWN)


def contactable_condition() -> ColumnElement[bool]:
    """SQL: the candidate may be emailed (not do-not-contact, not unsubscribed, consent not
    withdrawn, at least one email address). For ``select(...).where(...)`` on `Candidate`."""
    c = Candidate.__table__.c
    return and_(
        c.do_not_contact.is_(False),
        c.unsubscribed_at.is_(None),
        c.consent != Consent.WITHDRAWN,
        exists().where(CandidateEmail.__table__.c.candidate_id == c.id),
    )


def block_reason(
    do_not_contact: bool,
    unsubscribed_at: dt.datetime | None,
    consent: Consent | str | None,
    has_email: bool,
) -> str | None:
    """Why a candidate with these values may not be emailed, or None if they may.

    The order is the one the send plan counts skips in: an explicit "do not contact" (or a
    withdrawn consent) first, then an unsubscribe, then a missing address.
    """
    if do_not_contact:
        return DO_NOT_CONTACT
    if consent is not None and Consent(consent) is Consent.WITHDRAWN:
        return CONSENT_WITHDRAWN
    if unsubscribed_at is not None:
        return UNSUBSCRIBED
    if not has_email:
        return NO_EMAIL
    return None


def stop_enrollments(
    tx: Transaction,
    candidate_id: int,
    reason: str,
    *,
    enrolled_before: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> list[int]:
    """Stop the candidate's active enrolments (those enrolled no later than
    ``enrolled_before``, when given) with ``reason``, inside the caller's transaction."""
    e = SequenceEnrollment.__table__.c
    conditions = [e.candidate_id == candidate_id, e.status == EnrollmentStatus.ACTIVE]
    if enrolled_before is not None:
        conditions.append(e.enrolled_at <= enrolled_before)
    ids = list(tx.session.scalars(select(e.id).where(*conditions)))
    return stop_enrollment_ids(tx, ids, reason, now=now)


def stop_enrollment_ids(
    tx: Transaction, ids: list[int], reason: str, *, now: dt.datetime | None = None
) -> list[int]:
    """Stop those of ``ids`` still active with ``reason`` and cancel the steps they had queued
    but not sent; the value is the ids actually stopped. Inside the caller's transaction.

    The reason may carry text from elsewhere (a person's words, a template's problem), so it
    is stored as one clean line cut to the column's size."""
    if not ids:
        return []
    reason = clean(reason) or ""
    e, o = SequenceEnrollment.__table__.c, OutboxMessage.__table__.c
    rows = tx.session.execute(
        select(e.id, e.campaign_id).where(e.id.in_(ids), e.status == EnrollmentStatus.ACTIVE)
    ).all()
    if not rows:
        return []
    stopped = [row.id for row in rows]
    tx.session.execute(
        update(SequenceEnrollment.__table__)
        .where(e.id.in_(stopped))
        .values(
            status=EnrollmentStatus.STOPPED,
            stop_reason=stop_reason_text(reason) or None,
            stopped_at=now or utc_now(),
            next_due_at=None,
        )
    )
    queued = list(
        tx.session.scalars(
            select(o.id).where(o.enrollment_id.in_(stopped), o.state == MessageState.QUEUED)
        )
    )
    if queued:
        tx.session.execute(
            update(OutboxMessage.__table__)
            .where(o.id.in_(queued))
            .values(
                state=MessageState.CANCELLED,
                last_error=f"Cancelled: the sequence stopped ({reason}).",
            )
        )
        tx.changed(ChangeKind.OUTBOX, *queued)
    tx.changed(ChangeKind.ENROLLMENTS, *stopped)
    tx.changed(ChangeKind.CAMPAIGNS, *{row.campaign_id for row in rows})
    return stopped


def stop_reason_text(reason: str | None) -> str:
    """``reason`` as sequence_enrollments.stop_reason holds it: one line without control
    characters, cut to `STOP_REASON_LENGTH` (empty when nothing is left)."""
    return (clean(reason) or "")[:STOP_REASON_LENGTH]


def cancel_pending(tx: Transaction, candidate_id: int, why: str) -> list[int]:
    """Cancel the candidate's messages not yet sent (queued, or unknown after a crash)."""
    o = OutboxMessage.__table__.c
    why = clean(why) or "Cancelled."
    rows = tx.session.execute(
        select(o.id, o.campaign_id).where(o.candidate_id == candidate_id, o.state.in_(CANCELLABLE))
    ).all()
    if not rows:
        return []
    ids = [row.id for row in rows]
    tx.session.execute(
        update(OutboxMessage.__table__)
        .where(o.id.in_(ids), o.state.in_(CANCELLABLE))
        .values(state=MessageState.CANCELLED, last_error=why)
    )
    tx.changed(ChangeKind.OUTBOX, *ids)
    campaigns = {row.campaign_id for row in rows if row.campaign_id is not None}
    if campaigns:
        tx.changed(ChangeKind.CAMPAIGNS, *campaigns)
    return ids


def _candidate(tx: Transaction, candidate_id: int) -> Candidate:
    candidate = tx.session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFoundError(f"Candidate #{candidate_id} no longer exists.")
    return candidate


def log_reply(
    ctx: ServiceContext,
    candidate_id: int,
    subject: str | None,
    body: str,
    occurred_at: dt.datetime | None = None,
) -> Outcome[int]:
    """Log the candidate's emailed reply on the timeline; the value is the activity's id.

    In the same transaction every active sequence enrolment begun no later than the reply
    stops with the reason "replied" (an old reply logged late does not stop a newer sequence).
    """
    errors: dict[str, str] = {}
    # Pasted from a mail client: control characters and bidi overrides go, the body keeps its
    # lines and tabs, the subject becomes one line. Lengths are checked on what is stored.
    text = clean_text(body) or ""
    title = clean(subject)
    if not text:
        errors["body"] = "Paste the reply's text."
    elif len(text) > MAX_BODY:
        errors["body"] = f"At most {MAX_BODY:,} characters."
    if title and len(title) > MAX_SUBJECT:
        errors["subject"] = f"At most {MAX_SUBJECT} characters."
    now = utc_now()
    if occurred_at is not None and occurred_at.tzinfo is None:
        errors["occurred_at"] = "Give the time with its time zone."
    elif occurred_at is not None and occurred_at > now + dt.timedelta(minutes=5):
        errors["occurred_at"] = "A reply cannot be logged in the future."
    if errors:
        raise ValidationError(errors)
    when = occurred_at or now
    with ctx.write() as tx:
        _candidate(tx, candidate_id)
        activity = Activity(
            candidate_id=candidate_id,
            kind=ActivityKind.EMAIL,
            direction="in",
            subject=title,
            body=text,
            occurred_at=when,
            user_id=tx.actor.user_id,
        )
        tx.session.add(activity)
        tx.session.flush()
        stopped = stop_enrollments(tx, candidate_id, REPLIED, enrolled_before=when, now=now)
        tx.audit(
            "email.reply",
            "candidate",
            candidate_id,
            after={
                "activity_id": activity.id,
                "subject": title,
                "occurred_at": when,
                "stopped_enrollments": stopped,
            },
        )
        tx.changed(ChangeKind.CANDIDATES, candidate_id)
        return outcome(activity.id, tx)


@dataclass(frozen=True)
class UnsubscribeResult:
    changed: bool  # False when the candidate was already unsubscribed
    stopped_enrollments: tuple[int, ...]
    cancelled_messages: tuple[int, ...]


def unsubscribe(ctx: ServiceContext, candidate_id: int) -> Outcome[UnsubscribeResult]:
    """The candidate asked for no more email: mark them, stop their sequences and cancel what
    is still waiting in the outbox, in one transaction. Repeating it changes nothing more
    than catching up on anything queued since (nothing should be)."""
    with ctx.write() as tx:
        result = apply_unsubscribe(tx, _candidate(tx, candidate_id), utc_now())
        if result.changed or result.stopped_enrollments or result.cancelled_messages:
            tx.changed(ChangeKind.CANDIDATES, candidate_id)
        return outcome(result, tx)


def apply_unsubscribe(
    tx: Transaction,
    candidate: Candidate,
    now: dt.datetime,
    *,
    by: str | None = None,
    audit_unchanged: bool = False,
) -> UnsubscribeResult:
    """Inside ``tx``: mark ``candidate`` unsubscribed, stop their sequences and cancel what
    waits in the outbox, with the audit entry (written for a request that changed nothing
    only when ``audit_unchanged``: a request by mail is worth its record)."""
    before = candidate.unsubscribed_at
    changed = before is None
    if changed:
        candidate.unsubscribed_at = now
    stopped = stop_enrollments(tx, candidate.id, UNSUBSCRIBED, now=now)
    cancelled = cancel_pending(tx, candidate.id, "Cancelled: the candidate unsubscribed.")
    if changed or stopped or cancelled or audit_unchanged:
        after: dict[str, object] = {
            "unsubscribed_at": candidate.unsubscribed_at,
            "stopped_enrollments": stopped,
            "cancelled_messages": cancelled,
        }
        if by is not None:
            after["by"] = by
        tx.audit(
            "candidate.unsubscribe",
            "candidate",
            candidate.id,
            before={"unsubscribed_at": before},
            after=after,
        )
    return UnsubscribeResult(changed, tuple(stopped), tuple(cancelled))


def resubscribe(ctx: ServiceContext, candidate_id: int) -> Outcome[bool]:
    """The candidate asked to hear from us again. Stopped sequences stay stopped and
    cancelled messages stay cancelled; the value tells whether anything changed."""
    with ctx.write() as tx:
        candidate = _candidate(tx, candidate_id)
        if candidate.unsubscribed_at is None:
            return outcome(False, tx)
        before = candidate.unsubscribed_at
        candidate.unsubscribed_at = None
        tx.audit(
            "candidate.resubscribe",
            "candidate",
            candidate_id,
            before={"unsubscribed_at": before},
            after={"unsubscribed_at": None},
        )
        tx.changed(ChangeKind.CANDIDATES, candidate_id)
        return outcome(True, tx)


def cancel_blocked_messages(ctx: ServiceContext) -> Outcome[int]:
    """Cancel queued messages to people who may no longer be emailed (marked do-not-contact or
    consent withdrawn after the send was queued, say); the value is how many. The dispatcher's
    claim skips them anyway (`app.services.engagement.outbox.sendable_condition`); this makes the
    outbox say so, with the reason, instead of leaving them queued."""
    o, c = OutboxMessage.__table__.c, Candidate.__table__.c
    has_email = exists().where(CandidateEmail.__table__.c.candidate_id == c.id)
    with ctx.write() as tx:
        rows = tx.session.execute(
            select(o.id, o.campaign_id, c.do_not_contact, c.unsubscribed_at, c.consent, has_email)
            .join(Candidate.__table__, c.id == o.candidate_id)
            .where(o.state == MessageState.QUEUED, ~contactable_condition())
        ).all()
        by_reason: dict[str, list[int]] = {}
        for row in rows:
            reason = block_reason(bool(row[2]), row[3], row[4], bool(row[5])) or DO_NOT_CONTACT
            by_reason.setdefault(reason, []).append(row.id)
        for reason, ids in by_reason.items():
            tx.session.execute(
                update(OutboxMessage.__table__)
                .where(o.id.in_(ids), o.state == MessageState.QUEUED)
                .values(state=MessageState.CANCELLED, last_error=f"Cancelled: {reason}.")
            )
        b = BouncingAddress.__table__.c
        bounced = list(
            tx.session.execute(
                select(o.id, o.campaign_id).where(
                    o.state == MessageState.QUEUED,
                    exists().where(b.email == func.lower(o.to_address)),
                    o.id.not_in([row.id for row in rows]),
                )
            )
        )
        if bounced:
            by_reason[BOUNCING] = [row.id for row in bounced]
            tx.session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id.in_(by_reason[BOUNCING]),
                    OutboxMessage.state == MessageState.QUEUED,
                )
                .values(state=MessageState.CANCELLED, last_error=f"Cancelled: {BOUNCING}.")
            )
            rows = [*rows, *bounced]
        if rows:
            ids = [row.id for row in rows]
            tx.audit(
                "outbox.cancel_blocked",
                "outbox_message",
                None,
                after={reason: ids for reason, ids in by_reason.items()},
            )
            tx.changed(ChangeKind.OUTBOX, *ids)
            campaigns = {row.campaign_id for row in rows if row.campaign_id is not None}
            if campaigns:
                tx.changed(ChangeKind.CAMPAIGNS, *campaigns)
        return outcome(len(rows), tx)
