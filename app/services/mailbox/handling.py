"""One message read from the inbox, handled in one transaction with its audit entry: an
application goes through intake, a reply lands on the candidate's timeline and stops their
sequences, an automatic reply is recorded without stopping anything, an unsubscribe request
unsubscribes, a bounce marks the address, and anything else waits for a person's decision.

A message is handled once: it is remembered by folder, UIDVALIDITY and UID, and by its
Message-ID, so that polling twice, restarting, or the server renumbering the folder (a new
UIDVALIDITY) never imports it again.

Applications are in `applications`, bounces in `bounces`; what every kind writes in `rows`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from app.mail.inbound import Envelope, Inbound
from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.unit_of_work import Transaction
from app.services.engagement.optout import (
    REPLIED,
    apply_unsubscribe,
    stop_enrollments,
)
from app.services.intake.importer import INCOMING_DIR, discard_unless_recorded, remove_if_empty
from app.services.mailbox.applications import application, import_resumes
from app.services.mailbox.bounces import bounce
from app.services.mailbox.rows import (
    ResumeFile,
    Sent,
    added,
    answered,
    candidate_by_address,
    latest_sent_to,
    link,
    new_row,
    timeline_email,
    when,
)
from app.services.pipeline.references import posting_references
from app.store.mailbox import MailboxKind, MailboxMessage, MailboxState
from app.store.models import Candidate, utc_now
from app.store.search import rebuild_candidate_search, set_candidate_search_suspended
from app.wording import plural

__all__ = [
    "Handled",
    "Incoming",
    "ResumeFile",
    "handle_message",
    "handle_messages",
    "handled_ids",
    "last_uid",
    "record_duplicate",
    "record_failure",
]


@dataclass(frozen=True)
class Handled:
    """What became of one message; plain data for the poller and the status line."""

    id: int
    kind: MailboxKind
    state: MailboxState
    candidate_id: int | None = None
    duplicate: bool = False
    already: bool = False  # this very UID was handled before: nothing was done now
    detail: str = ""


def last_uid(ctx: ServiceContext, folder: str, uidvalidity: int) -> int:
    """The highest UID handled in ``folder`` under ``uidvalidity`` (0: none)."""
    m = MailboxMessage.__table__.c
    with ctx.read() as session:
        value = session.scalar(
            select(func.max(m.uid)).where(m.folder == folder, m.uidvalidity == uidvalidity)
        )
    return int(value or 0)


def handled_ids(ctx: ServiceContext, message_ids: list[str]) -> set[str]:
    """Those of ``message_ids`` already handled (under any folder or UIDVALIDITY)."""
    m = MailboxMessage.__table__.c
    found: set[str] = set()
    with ctx.read() as session:
        for start in range(0, len(message_ids), 500):
            chunk = message_ids[start : start + 500]
            found.update(session.scalars(select(m.message_id).where(m.message_id.in_(chunk))))
    return found


def _row_of(tx: Transaction, envelope: Envelope) -> MailboxMessage | None:
    return tx.session.scalar(
        select(MailboxMessage).where(
            MailboxMessage.folder == envelope.folder,
            MailboxMessage.uidvalidity == envelope.uidvalidity,
            MailboxMessage.uid == envelope.uid,
        )
    )


def _handled(row: MailboxMessage, **extra: object) -> Handled:
    return Handled(
        id=row.id,
        kind=MailboxKind(row.kind),
        state=MailboxState(row.state),
        candidate_id=row.candidate_id,
        duplicate=row.duplicate_of_id is not None,
        detail=row.detail or "",
        **extra,  # type: ignore[arg-type]
    )


def record_duplicate(
    ctx: ServiceContext, envelope: Envelope, message_id: str
) -> Outcome[Handled | None]:
    """Remember that ``envelope`` holds a message handled before (by Message-ID); None when
    no message of that id was handled after all."""
    with ctx.write() as tx:
        row = _row_of(tx, envelope)
        if row is not None:
            return outcome(_handled(row, already=True), tx)
        copy = _duplicate(tx, envelope, message_id)
        return outcome(_handled(copy) if copy is not None else None, tx)


def _duplicate(tx: Transaction, envelope: Envelope, message_id: str) -> MailboxMessage | None:
    original = tx.session.scalar(
        select(MailboxMessage)
        .where(MailboxMessage.message_id == message_id, MailboxMessage.duplicate_of_id.is_(None))
        .order_by(MailboxMessage.id)
        .limit(1)
    )
    return None if original is None else _copy_of(tx, envelope, message_id, original)


def _copy_of(
    tx: Transaction, envelope: Envelope, message_id: str, original: MailboxMessage
) -> MailboxMessage:
    """The row of ``envelope``, a second copy of the message ``original`` handled."""
    copy = new_row(envelope, None, MailboxKind(original.kind), MailboxState.HANDLED)
    copy.message_id = message_id
    copy.sender = original.sender
    copy.duplicate_of_id = original.id
    copy.candidate_id = original.candidate_id
    copy.detail = f"Handled before as message #{original.id}."
    tx.session.add(copy)
    tx.session.flush()
    tx.changed(ChangeKind.MAILBOX, copy.id)
    return copy


def record_failure(
    ctx: ServiceContext, envelope: Envelope, inbound: Inbound | None, reason: str
) -> Outcome[Handled]:
    """Remember a message that could not be handled (with why), so it is not retried on
    every poll; it is listed with the others for a person to look at."""
    with ctx.write() as tx:
        row = _row_of(tx, envelope)
        if row is not None:
            return outcome(_handled(row, already=True), tx)
        row = new_row(envelope, inbound, MailboxKind.UNKNOWN, MailboxState.FAILED)
        row.detail = reason
        row.body_text = inbound.text if inbound is not None else None
        tx.session.add(row)
        tx.session.flush()
        tx.audit("mailbox.failed", "mailbox_message", row.id, after={"reason": reason})
        tx.changed(ChangeKind.MAILBOX, row.id)
        return outcome(_handled(row), tx)


@dataclass
class _BatchLookups:
    """What a batch's messages need looked up, read once for the whole batch instead of per
    message: the rows they were handled as before (by UID, by Message-ID), to which messages
    handled in the batch are added as they are, and the jobs' posting references."""

    rows: dict[tuple[str, int, int], MailboxMessage]
    originals: dict[str, MailboxMessage]  # by Message-ID: the first row of each, not a copy
    references: dict[str, int]  # jobs' posting references (`pipeline.references`)

    @classmethod
    def read(cls, tx: Transaction, items: list[Incoming]) -> _BatchLookups:
        m = MailboxMessage
        rows: dict[tuple[str, int, int], MailboxMessage] = {}
        places: dict[tuple[str, int], list[int]] = {}
        for item in items:
            e = item.envelope
            places.setdefault((e.folder, e.uidvalidity), []).append(e.uid)
        for (folder, uidvalidity), uids in places.items():
            for row in tx.session.scalars(
                select(m).where(m.folder == folder, m.uidvalidity == uidvalidity, m.uid.in_(uids))
            ):
                rows[(row.folder, row.uidvalidity, row.uid)] = row
        ids = sorted({i.inbound.message_id for i in items if i.inbound.message_id is not None})
        originals: dict[str, MailboxMessage] = {}
        if ids:
            found = tx.session.scalars(
                select(m).where(m.message_id.in_(ids), m.duplicate_of_id.is_(None)).order_by(m.id)
            )
            for row in found:
                if row.message_id is not None:
                    originals.setdefault(row.message_id, row)
        return cls(rows, originals, posting_references(tx.session))

    def row_of(self, envelope: Envelope) -> MailboxMessage | None:
        return self.rows.get((envelope.folder, envelope.uidvalidity, envelope.uid))

    def add(self, row: MailboxMessage) -> None:
        self.rows[(row.folder, row.uidvalidity, row.uid)] = row
        if row.message_id is not None and row.duplicate_of_id is None:
            self.originals.setdefault(row.message_id, row)


@dataclass(frozen=True)
class Incoming:
    """One fetched message to handle: where it is, what it says, its resumes read."""

    envelope: Envelope
    inbound: Inbound
    resumes: list[ResumeFile]


def handle_message(
    ctx: ServiceContext,
    documents_dir: Path,
    envelope: Envelope,
    inbound: Inbound,
    resumes: list[ResumeFile],
) -> Outcome[Handled]:
    """Handle one message in one transaction (see the module's docstring). Stored resume
    files are removed again if the transaction fails."""
    [result] = handle_messages(ctx, documents_dir, [Incoming(envelope, inbound, resumes)])
    if isinstance(result, BaseException):
        raise result
    return result


def handle_messages(
    ctx: ServiceContext, documents_dir: Path, items: list[Incoming]
) -> list[Outcome[Handled] | Exception]:
    """Handle several messages in one transaction, each in its own savepoint with its own
    audit entry and changes (as `intake.batch.import_batch` does with files): a message that
    fails is rolled back alone and its error is its result; the others commit together, which
    spares each the commit's sync to disk. A failed commit raises: none was recorded."""
    results: list[Outcome[Handled] | Exception | None] = [None] * len(items)
    placed: list[tuple[Path, str]] = []
    orphans: list[tuple[Path, str]] = []
    try:
        with ctx.write() as tx:
            # Each touched candidate's search row is re-derived once, at the end of the batch.
            set_candidate_search_suspended(tx.session, True)
            touched: set[int] = set()
            lookups = _BatchLookups.read(tx, items)
            for index, item in enumerate(items):
                own = Transaction(tx.session, tx.actor)  # this message's changes only
                put: list[tuple[Path, str]] = []
                try:
                    with tx.session.begin_nested():
                        handled, row = _handle_one(own, documents_dir, item, put, lookups)
                        tx.session.flush()
                except Exception as exc:
                    results[index] = exc
                    orphans += put
                    continue
                lookups.add(row)  # committed with the batch: later messages see it
                placed += put
                results[index] = Outcome(handled, own.changes)
                if item.resumes and handled.candidate_id is not None:
                    touched.add(handled.candidate_id)
            tx.session.flush()
            rebuild_candidate_search(tx.session, sorted(touched))
            set_candidate_search_suspended(tx.session, False)
    except Exception:  # the commit (or the lock) failed: nothing was recorded
        orphans += placed
        raise
    finally:
        for path, digest in orphans:
            discard_unless_recorded(ctx, path, digest)
        remove_if_empty(documents_dir / INCOMING_DIR)  # once, not after every resume
    return [r if r is not None else RuntimeError("not handled") for r in results]


def _handle_one(
    tx: Transaction,
    documents_dir: Path,
    item: Incoming,
    placed: list[tuple[Path, str]],
    lookups: _BatchLookups,
) -> tuple[Handled, MailboxMessage]:
    envelope, inbound = item.envelope, item.inbound
    row = lookups.row_of(envelope)
    if row is not None:
        return _handled(row, already=True), row
    original = lookups.originals.get(inbound.message_id) if inbound.message_id else None
    if original is not None and inbound.message_id is not None:
        # The same message under another UID: not handled again.
        copy = _copy_of(tx, envelope, inbound.message_id, original)
        return _handled(copy), copy
    row = _classify_and_act(
        tx, documents_dir, envelope, inbound, item.resumes, placed, lookups.references
    )
    tx.audit(
        f"mailbox.{row.kind}",
        "mailbox_message",
        row.id,
        after={
            "message_id": row.message_id,
            "folder": row.folder,
            "uid": row.uid,
            "sender": row.sender,
            "state": str(row.state),
            "candidate_id": row.candidate_id,
            "campaign_id": row.campaign_id,
            "detail": row.detail,
        },
    )
    tx.changed(ChangeKind.MAILBOX, row.id)
    return _handled(row), row


def _classify_and_act(
    tx: Transaction,
    documents_dir: Path,
    envelope: Envelope,
    inbound: Inbound,
    resumes: list[ResumeFile],
    placed: list[tuple[Path, str]],
    references: dict[str, int],
) -> MailboxMessage:
    if inbound.is_report and inbound.bounces:
        return bounce(tx, envelope, inbound)
    ours = answered(tx, inbound)
    by_sender = candidate_by_address(tx, inbound.sender)
    candidate_id = (ours.candidate_id if ours is not None else None) or by_sender
    if inbound.asks_to_unsubscribe and candidate_id is not None:
        return _unsubscribe(tx, envelope, inbound, candidate_id)
    if inbound.auto_reply:
        row = new_row(envelope, inbound, MailboxKind.AUTO_REPLY, MailboxState.HANDLED)
        link(row, ours, candidate_id)
        if candidate_id is not None:
            row.activity_id = timeline_email(tx, candidate_id, inbound).id
            row.detail = "Automatic reply recorded; sequences go on."
        else:
            row.detail = "Automatic reply from an unknown sender."
        return added(tx, row)
    if ours is not None and candidate_id is not None:
        row = _reply(tx, envelope, inbound, candidate_id, ours, "by its In-Reply-To/References")
        if resumes:  # "here is my CV" in answer to us: the resume goes through intake too
            notes: list[str] = []
            import_resumes(tx, documents_dir, inbound, resumes, placed, None, notes)  # known sender
            row.detail = " ".join(
                [row.detail or "", f"{plural(len(resumes), 'resume')} imported.", *notes]
            )
        return row
    if resumes:
        return application(
            tx,
            documents_dir,
            envelope,
            inbound,
            resumes,
            placed,
            references,
            sender_known=by_sender is not None,
        )
    if by_sender is not None:
        latest = latest_sent_to(tx, inbound.sender)
        return _reply(tx, envelope, inbound, by_sender, latest, "by the sender's address")
    row = new_row(envelope, inbound, MailboxKind.UNKNOWN, MailboxState.PENDING)
    row.body_text = inbound.text
    row.detail = "No resume attached and the sender is unknown: waiting for a decision."
    return added(tx, row)


def _reply(
    tx: Transaction,
    envelope: Envelope,
    inbound: Inbound,
    candidate_id: int,
    sent: Sent | None,
    how: str,
) -> MailboxMessage:
    activity = timeline_email(tx, candidate_id, inbound)
    stopped = stop_enrollments(tx, candidate_id, REPLIED, enrolled_before=when(inbound))
    row = new_row(envelope, inbound, MailboxKind.REPLY, MailboxState.HANDLED)
    row.activity_id = activity.id
    link(row, sent, candidate_id)
    row.detail = f"Reply matched {how}" + (
        f"; {plural(len(stopped), 'sequence')} stopped." if stopped else "."
    )
    if row.campaign_id is not None:
        tx.changed(ChangeKind.CAMPAIGNS, row.campaign_id)
    return added(tx, row)


def _unsubscribe(
    tx: Transaction, envelope: Envelope, inbound: Inbound, candidate_id: int
) -> MailboxMessage:
    candidate = tx.session.get(Candidate, candidate_id)
    assert candidate is not None
    activity = timeline_email(tx, candidate_id, inbound)
    result = apply_unsubscribe(tx, candidate, utc_now(), by="email", audit_unchanged=True)
    row = new_row(envelope, inbound, MailboxKind.UNSUBSCRIBE, MailboxState.HANDLED)
    row.candidate_id = candidate_id
    row.activity_id = activity.id
    row.detail = "Unsubscribed by email." if result.changed else "Already unsubscribed."
    return added(tx, row)
