"""The outbox: every email is a row written before any network I/O.

A message moves queued → sending → sent | failed | cancelled; one found in ``sending`` after a
crash becomes ``unknown`` and waits for the user to decide, so nothing is ever resent blindly.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from email.utils import make_msgid
from typing import Any

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    and_,
    exists,
    func,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from app.mail.mime import MailPart, OutgoingEmail
from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import person_name
from app.services.core.unit_of_work import NotFoundError, Transaction, ValidationError
from app.services.engagement.optout import contactable_condition
from app.store.engagement import Campaign, CampaignStatus, MessageState, OutboxMessage, OutboxPart
from app.store.mailbox import BouncingAddress
from app.store.models import ActivityKind, Candidate, utc_now


def sendable_condition() -> ColumnElement[bool]:
    """SQL on `OutboxMessage`: its campaign (if any) is neither paused nor stopped, and its
    candidate (if any) may still be emailed. The dispatcher adds this to its claim, so a paused
    campaign's messages wait and nobody marked do-not-contact since the send was queued gets
    it (`engagement.optout.cancel_blocked_messages` then cancels those, with the reason)."""
    o, c = OutboxMessage.__table__.c, Campaign.__table__.c
    held = exists().where(
        c.id == o.campaign_id, c.status.in_((CampaignStatus.PAUSED, CampaignStatus.STOPPED))
    )
    p = Candidate.__table__.c
    blocked = exists().where(p.id == o.candidate_id, ~contactable_condition())
    # An address a hard bounce reported (read from the mailbox) is not sent to again.
    b = BouncingAddress.__table__.c
    bouncing = exists().where(b.email == func.lower(o.to_address))
    return and_(~held, ~blocked, ~bouncing)


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
    attachments: tuple[MailPart, ...] = ()


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
            part_count=len(draft.attachments),
        )
        for draft in drafts
    ]
    session.add_all(rows)
    session.flush()
    session.add_all(
        OutboxPart(
            message_id=row.id,
            position=position,
            filename=part.filename,
            content_type=part.content_type,
            inline=part.inline,
            data=part.data,
        )
        for row, draft in zip(rows, drafts, strict=True)
        for position, part in enumerate(draft.attachments)
    )
    session.flush()
    return [row.id for row in rows]


# --- sending: the dispatcher's steps ----------------------------------------------------------

MAX_ATTEMPTS = 6  # a message failing transiently this many times is marked failed
BACKOFF_FIRST = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=1)
INTERRUPTED = "The app stopped while this was being sent — check whether it arrived."
ENTITY = "outbox_message"
# States a message can be cancelled from (one being sent settles on its own first).
CANCELLABLE = (MessageState.QUEUED, MessageState.UNKNOWN, MessageState.FAILED)


def backoff_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th transient failure: 1, 2, 4 … minutes, at
    most an hour."""
    return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


@functools.cache
def _claim() -> str:
    """The dispatcher's claim as SQL text: the queued messages due at ``:now`` (at most
    ``:limit``, oldest due first) become ``sending``, their fields returned.

    A campaign runs it once for every few messages, and SQLAlchemy's per-statement work costs
    several times what SQLite's does, so the Core statement is compiled once, its constants
    written in by SQLAlchemy, and run on the transaction's own DB-API cursor with ``:now`` and
    ``:limit`` bound by name. It stays a Core statement because the campaign and contact rules
    come from `sendable_condition`.
    """

    o = OutboxMessage.__table__.c
    # Bound by name when run.
    now: ColumnClause[Any] = literal_column(":now")
    limit: ColumnClause[Any] = literal_column(":limit")
    due = (
        select(o.id)
        .where(o.state == MessageState.QUEUED, o.next_attempt_at <= now, sendable_condition())
        .order_by(o.next_attempt_at, o.id)
        .limit(limit)
    )
    claim = (
        update(OutboxMessage.__table__)
        .where(o.id.in_(due))  # by primary key; the subquery picked queued ones
        .values(state=MessageState.SENDING, claimed_at=now, attempts=o.attempts + 1)
        .returning(*(getattr(o, name) for name in _CLAIMED), o.next_attempt_at)
    )
    return str(claim.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))


# Recording sends: a campaign runs these thousands of times, so they are plain SQL with
# named parameters, run on the transaction's own DB-API cursor like the claim.
_SETTLING = "SELECT id, state, candidate_id, subject, body_text FROM outbox_messages WHERE id IN"
_SENT = (
    f"UPDATE outbox_messages SET state = '{MessageState.SENT}', sent_at = :at, last_error = NULL"
    f" WHERE id = :message AND state != '{MessageState.SENT}'"
)
_ACTIVITY = (
    "INSERT INTO activities (candidate_id, kind, direction, subject, body, occurred_at, user_id)"
    f" VALUES (:candidate, '{ActivityKind.EMAIL}', 'out', :subject, :body, :at, :user)"
)


@functools.cache
def _stored_time() -> Callable[[dt.datetime], Any]:
    """How the timestamp columns store a datetime (see `app.store.models.UTCDateTime`)."""
    dialect = sqlite.dialect()
    process = OutboxMessage.__table__.c.sent_at.type.dialect_impl(dialect).bind_processor(dialect)
    assert process is not None  # UTCDateTime always converts
    return process


def _cursor(tx: Transaction) -> Any:
    """A DB-API cursor in ``tx``'s own connection and transaction (still ``ctx.write()``)."""
    return tx.session.connection().connection.driver_connection.cursor()


_CLAIMED = (
    "id",
    "candidate_id",
    "to_address",
    "to_name",
    "subject",
    "body_text",
    "body_html",
    "message_id",
    "attempts",
    "part_count",
)
_PARTS = (
    "SELECT message_id, filename, content_type, inline, data FROM outbox_parts"
    " WHERE message_id IN ({}) ORDER BY message_id, position"
)


def take_due(tx: Transaction, now: dt.datetime, limit: int = 1) -> list[OutgoingEmail]:
    """Claim up to ``limit`` due messages inside the caller's transaction, oldest due first:
    ``queued`` → ``sending`` (``attempts`` + 1), committed before any network I/O so that a
    crash leaves a trace.

    Messages of a paused or stopped campaign wait, and so do those whose candidate may no
    longer be emailed (do not contact, unsubscribed, consent withdrawn, no address):
    `sendable_condition` keeps them out of the claim, and
    `engagement.optout.cancel_blocked_messages` (which the dispatcher runs before each pass)
    cancels them with the reason. The claim itself is not audited: it is the dispatcher's
    lease, and every way out of ``sending`` is."""
    cursor = _cursor(tx)
    rows = cursor.execute(_claim(), {"now": _stored_time()(now), "limit": limit}).fetchall()
    rows.sort(key=lambda row: (row[-1], row[0]))  # RETURNING keeps no order: due time, id
    fields = [dict(zip(_CLAIMED, row[:-1], strict=True)) for row in rows]
    with_parts = [values["id"] for values in fields if values.pop("part_count")]
    parts = _parts_of(cursor, with_parts) if with_parts else {}
    messages = [OutgoingEmail(**values, parts=parts.get(values["id"], ())) for values in fields]
    if messages:
        tx.changed(ChangeKind.OUTBOX, *(message.id for message in messages))
    return messages


def _parts_of(cursor: Any, message_ids: list[int]) -> dict[int, tuple[MailPart, ...]]:
    """The files of the claimed messages that have some, in the order they were added."""
    marks = ", ".join("?" * len(message_ids))
    found: dict[int, list[MailPart]] = {}
    for message_id, filename, content_type, inline, data in cursor.execute(
        _PARTS.format(marks), message_ids
    ):
        found.setdefault(message_id, []).append(
            MailPart(filename, content_type, bytes(data), bool(inline))
        )
    return {message_id: tuple(parts) for message_id, parts in found.items()}


def release_claim(ctx: ServiceContext, message_id: int) -> bool:
    """Undo a claim whose message was never handed to the server (the dispatcher stopped
    first): back to ``queued``, the attempt not counted. False if it was not ``sending``."""
    o = OutboxMessage.__table__.c
    with ctx.write() as tx:
        released = tx.session.execute(
            update(OutboxMessage.__table__)
            .where(o.id == message_id, o.state == MessageState.SENDING)
            .values(state=MessageState.QUEUED, attempts=o.attempts - 1, claimed_at=None)
        ).rowcount
        if released:
            tx.changed(ChangeKind.OUTBOX, message_id)
        return bool(released)


def record_held(tx: Transaction, message_id: int, reason: str) -> bool:
    """A claimed message that did not go because sending stopped for every message (the
    account, an unexpected error), not for anything of its own: back to ``queued``, due as
    before, the attempt not counted, with ``reason`` as its last error. Like `release_claim`
    it only undoes the claim, so it is not audited. False if it was not ``sending``."""
    o = OutboxMessage.__table__.c
    held = tx.session.execute(
        update(OutboxMessage.__table__)
        .where(o.id == message_id, o.state == MessageState.SENDING)
        .values(
            state=MessageState.QUEUED,
            attempts=o.attempts - 1,
            claimed_at=None,
            last_error=reason,
        )
    ).rowcount
    if held:
        tx.changed(ChangeKind.OUTBOX, message_id)
    return bool(held)


def _settle(
    tx: Transaction,
    message_id: int,
    state: MessageState,
    error: str | None,
    action: str,
    before: dict[str, Any],
    **values: Any,
) -> None:
    o = OutboxMessage.__table__.c
    tx.session.execute(
        update(OutboxMessage.__table__)
        .where(o.id == message_id)
        .values(state=state, last_error=error, **values)
    )
    after = {"state": state, "last_error": error} | values
    tx.audit(action, ENTITY, message_id, before=before, after=after)
    tx.changed(ChangeKind.OUTBOX, message_id)


def record_sent_many(
    tx: Transaction, sent: Sequence[tuple[int, dt.datetime, str | None]]
) -> list[int]:
    """Mark messages sent, each with its timeline Activity and audit entry, inside the
    caller's transaction: (message id, sent at, the server's reply) each. Whatever state a
    message is in (a concurrent start-up may have marked it ``unknown``), the server's
    acceptance is the truth; those already ``sent`` (or gone) are skipped. The value is the
    ids marked. The dispatcher records
    several at once, with the same few statements whatever their number."""
    if not sent:
        return []
    cursor = _cursor(tx)
    ids = [message_id for message_id, _at, _reply in sent]
    marks = ", ".join("?" * len(ids))
    rows = {row[0]: row for row in cursor.execute(f"{_SETTLING} ({marks})", ids)}
    todo = [item for item in sent if item[0] in rows and rows[item[0]][1] != MessageState.SENT]
    if not todo:
        return []
    stored = _stored_time()
    cursor.executemany(_SENT, [{"message": i, "at": stored(at)} for i, at, _reply in todo])
    user_id = tx.actor.user_id
    cursor.executemany(
        _ACTIVITY,
        [
            {
                "candidate": rows[i][2],
                "subject": rows[i][3],
                "body": rows[i][4],
                "at": stored(at),
                "user": user_id,
            }
            for i, at, _reply in todo
            if rows[i][2] is not None
        ],
    )
    marked = [message_id for message_id, _at, _reply in todo]
    if len(todo) == 1:
        [(message_id, at, reply)] = todo
        before = {"state": rows[message_id][1]}
        after = {"state": MessageState.SENT, "sent_at": at, "reply": reply}
        tx.audit("outbox.sent", ENTITY, message_id, before=before, after=after)
    else:  # one entry for the batch, naming every message (as bulk actions do)
        sent_list = [
            {"id": i, "before": rows[i][1], "sent_at": at, "reply": reply} for i, at, reply in todo
        ]
        tx.audit(
            "outbox.sent", ENTITY, None, after={"state": MessageState.SENT, "messages": sent_list}
        )
    tx.changed(ChangeKind.OUTBOX, *marked)
    candidates = [rows[i][2] for i in marked if rows[i][2] is not None]
    if candidates:
        tx.changed(ChangeKind.CANDIDATES, *candidates)
    return marked


def record_sent(
    tx: Transaction, message_id: int, sent_at: dt.datetime, reply: str | None = None
) -> bool:
    """`record_sent_many` for one message; False if it was already ``sent``."""
    return bool(record_sent_many(tx, [(message_id, sent_at, reply)]))


def _current(tx: Transaction, message_id: int) -> Any:
    o = OutboxMessage.__table__.c
    row = tx.session.execute(
        select(o.id, o.state, o.attempts, o.last_error).where(o.id == message_id)
    ).first()
    if row is None:
        raise NotFoundError(f"Outbox message #{message_id} no longer exists.")
    return row


def record_transient_failure(
    tx: Transaction, message_id: int, reply: str, now: dt.datetime
) -> MessageState:
    """Not sent this time (a 4xx reply, a dropped connection): back to ``queued`` after an
    exponential backoff, or ``failed`` once `MAX_ATTEMPTS` were made. The value is the new
    state (the one it had, when it was no longer ``sending``)."""
    row = _current(tx, message_id)
    if row.state != MessageState.SENDING:
        return MessageState(row.state)  # settled meanwhile (by the user or a start-up)
    before = {"state": row.state, "attempts": row.attempts}
    if row.attempts >= MAX_ATTEMPTS:
        error = f"Gave up after {row.attempts} attempts. Last reply: {reply}"
        _settle(tx, message_id, MessageState.FAILED, error, "outbox.failed", before)
        return MessageState.FAILED
    retry_at = now + backoff_delay(row.attempts)
    _settle(
        tx,
        message_id,
        MessageState.QUEUED,
        reply,
        "outbox.retry_later",
        before,
        next_attempt_at=retry_at,
    )
    return MessageState.QUEUED


def record_failed(tx: Transaction, message_id: int, reply: str) -> bool:
    """Refused for good (a 5xx reply): ``failed``, keeping the server's words for the user.
    False if it was no longer ``sending``."""
    row = _current(tx, message_id)
    if row.state != MessageState.SENDING:
        return False
    _settle(tx, message_id, MessageState.FAILED, reply, "outbox.failed", {"state": row.state})
    return True


def record_unknown(tx: Transaction, message_id: int, reply: str) -> bool:
    """The whole message went out but the server's answer did not come back: ``unknown``,
    never resent without the user deciding. False if it was no longer ``sending``."""
    row = _current(tx, message_id)
    if row.state != MessageState.SENDING:
        return False
    _settle(tx, message_id, MessageState.UNKNOWN, reply, "outbox.unknown", {"state": row.state})
    return True


def has_sending(ctx: ServiceContext) -> bool:
    """Whether any message is in ``sending``: being sent by a dispatcher, or left by one that
    stopped (then `recover_interrupted` must look at it)."""
    o = OutboxMessage.__table__.c
    with ctx.read() as session:
        found = session.scalar(select(o.id).where(o.state == MessageState.SENDING).limit(1))
    return found is not None


def recover_interrupted(ctx: ServiceContext) -> int:
    """Every message left in ``sending`` (the app stopped mid-send) becomes ``unknown``; the
    value is how many. Only a dispatcher holding the dispatch lease
    (`engagement.dispatch_lease`) may call it: another one's messages in ``sending`` are
    on their way, not interrupted."""
    o = OutboxMessage.__table__.c
    with ctx.write() as tx:
        ids = list(tx.session.scalars(select(o.id).where(o.state == MessageState.SENDING)))
        for message_id in ids:
            _settle(
                tx,
                message_id,
                MessageState.UNKNOWN,
                INTERRUPTED,
                "outbox.unknown",
                {"state": MessageState.SENDING},
            )
    return len(ids)


def note_problem(ctx: ServiceContext, text: str, now: dt.datetime) -> Outcome[list[int]]:
    """Keep ``text`` — why sending stopped (the account, the server, an unexpected error) — as
    the last error of each queued message due at ``now``, so that the outbox says why they
    wait. Their state and attempts are left alone; the value is their ids."""
    o = OutboxMessage.__table__.c
    with ctx.write() as tx:
        ids = list(
            tx.session.scalars(
                update(OutboxMessage.__table__)
                .where(
                    o.state == MessageState.QUEUED,
                    o.next_attempt_at <= now,
                    sendable_condition(),
                    o.last_error.is_(None) | (o.last_error != text),
                )
                .values(last_error=text)
                .returning(o.id)
            )
        )
        if ids:
            tx.changed(ChangeKind.OUTBOX, *ids)
        return outcome(ids, tx)


def resolve_unknown(ctx: ServiceContext, message_id: int, *, was_sent: bool) -> Outcome[str]:
    """The user's decision about an ``unknown`` message: it arrived (``sent``, with its
    timeline entry) or it did not (``queued`` once more, due now, same Message-ID)."""
    with ctx.write() as tx:
        row = _current(tx, message_id)
        if row.state != MessageState.UNKNOWN:
            raise ValidationError(
                {"state": f"Message #{message_id} is {row.state}, not waiting for a decision."}
            )
        if was_sent:
            now = utc_now()
            record_sent(tx, message_id, now, "marked sent by the user")
            return outcome(str(MessageState.SENT), tx)
        _settle(
            tx,
            message_id,
            MessageState.QUEUED,
            None,
            "outbox.send_again",
            {"state": row.state, "last_error": row.last_error},
            next_attempt_at=utc_now(),
        )
        return outcome(str(MessageState.QUEUED), tx)


def _unique(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(ids))


def retry_failed(ctx: ServiceContext, ids: Sequence[int]) -> Outcome[int]:
    """Queue ``failed`` messages again, due now, with a fresh count of attempts; messages in
    other states are left alone. The value is how many were queued."""
    o = OutboxMessage.__table__.c
    with ctx.write() as tx:
        rows = tx.session.execute(
            select(o.id, o.last_error).where(o.id.in_(_unique(ids)), o.state == MessageState.FAILED)
        ).all()
        now = utc_now()
        for row in rows:
            _settle(
                tx,
                row.id,
                MessageState.QUEUED,
                None,
                "outbox.retry",
                {"state": MessageState.FAILED, "last_error": row.last_error},
                attempts=0,
                next_attempt_at=now,
            )
        return outcome(len(rows), tx)


def cancel(ctx: ServiceContext, ids: Sequence[int]) -> Outcome[int]:
    """Cancel messages that have not gone out (queued, unknown or failed). A message being
    sent right now cannot be called back and is left alone. The value is how many."""
    o = OutboxMessage.__table__.c
    with ctx.write() as tx:
        rows = tx.session.execute(
            select(o.id, o.state).where(o.id.in_(_unique(ids)), o.state.in_(CANCELLABLE))
        ).all()
        for row in rows:
            _settle(
                tx,
                row.id,
                MessageState.CANCELLED,
                "Cancelled by the user.",
                "outbox.cancel",
                {"state": row.state},
            )
        return outcome(len(rows), tx)


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxRow:
    """One message for the Outbox view and the CLI."""

    id: int
    campaign_id: int | None
    candidate_id: int | None
    candidate_name: str | None
    to_address: str
    to_name: str | None
    subject: str
    state: str
    attempts: int
    last_error: str | None
    next_attempt_at: dt.datetime
    created_at: dt.datetime
    sent_at: dt.datetime | None
    message_id: str


def outbox_counts(ctx: ServiceContext, campaign_id: int | None = None) -> dict[str, int]:
    """How many messages are in each state (every state present, zeros included)."""
    o = OutboxMessage.__table__.c
    query = select(o.state, func.count()).group_by(o.state)
    if campaign_id is not None:
        query = query.where(o.campaign_id == campaign_id)
    counts = {str(state): 0 for state in MessageState}
    with ctx.read() as session:
        for state, number in session.execute(query):
            counts[str(state)] = number
    return counts


def list_messages(
    ctx: ServiceContext,
    states: Iterable[str] | None = None,
    campaign_id: int | None = None,
    offset: int = 0,
    limit: int = 200,
) -> list[OutboxRow]:
    """Messages, newest first, optionally only some states or one campaign."""
    o, c = OutboxMessage.__table__.c, Candidate.__table__.c
    query = (
        select(
            o.id,
            o.campaign_id,
            o.candidate_id,
            c.first_name,
            c.middle_name,
            c.last_name,
            o.to_address,
            o.to_name,
            o.subject,
            o.state,
            o.attempts,
            o.last_error,
            o.next_attempt_at,
            o.created_at,
            o.sent_at,
            o.message_id,
        )
        .outerjoin(Candidate.__table__, c.id == o.candidate_id)
        .order_by(o.created_at.desc(), o.id.desc())
        .offset(max(offset, 0))
        .limit(max(limit, 0))
    )
    if states is not None:
        query = query.where(o.state.in_([MessageState(s) for s in states]))
    if campaign_id is not None:
        query = query.where(o.campaign_id == campaign_id)
    with ctx.read() as session:
        rows = session.execute(query).all()
    return [
        OutboxRow(
            id=row.id,
            campaign_id=row.campaign_id,
            candidate_id=row.candidate_id,
            candidate_name=person_name(row) or None,
            to_address=row.to_address,
            to_name=row.to_name,
            subject=row.subject,
            state=str(row.state),
            attempts=row.attempts,
            last_error=row.last_error,
            next_attempt_at=row.next_attempt_at,
            created_at=row.created_at,
            sent_at=row.sent_at,
            message_id=row.message_id,
        )
        for row in rows
    ]


def next_due_time(ctx: ServiceContext) -> dt.datetime | None:
    """When the next queued message falls due (it may be in the past), or None."""
    o = OutboxMessage.__table__.c
    with ctx.read() as session:
        return session.scalar(  # the earliest by the index; min() would lose the column type
            select(o.next_attempt_at)
            .where(o.state == MessageState.QUEUED, sendable_condition())
            .order_by(o.next_attempt_at)
            .limit(1)
        )
