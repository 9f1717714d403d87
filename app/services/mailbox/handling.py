"""One message read from the inbox, handled in one transaction with its audit entry: an
application goes through intake, a reply lands on the candidate's timeline and stops their
sequences, an automatic reply is recorded without stopping anything, an unsubscribe request
unsubscribes, a bounce marks the address, and anything else waits for a person's decision.

A message is handled once: it is remembered by folder, UIDVALIDITY and UID, and by its
Message-ID, so that polling twice, restarting, or the server renumbering the folder (a new
UIDVALIDITY) never imports it again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, update

from app.mail.inbound import Envelope, Inbound
from app.parsing.result import ParsedResume
from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.unit_of_work import Transaction
from app.services.engagement.optout import (
    CANCELLABLE,
    REPLIED,
    UNSUBSCRIBED,
    cancel_pending,
    stop_enrollments,
)
from app.services.intake.importer import (
    IntakeTarget,
    copy_in,
    discard_unless_recorded,
    remove_if_empty,
    store,
)
from app.store.engagement import MessageState, OutboxMessage
from app.store.mailbox import BouncingAddress, MailboxKind, MailboxMessage, MailboxState
from app.store.models import (
    Activity,
    ActivityKind,
    Application,
    Candidate,
    CandidateEmail,
    Job,
    utc_now,
)
from app.store.search import rebuild_candidate_search, set_candidate_search_suspended

EMAIL_SOURCE = "Email"
MAX_SUBJECT = 300


@dataclass(frozen=True)
class ResumeFile:
    """A resume attachment saved under its own name, and what the parser read from it."""

    path: Path
    parsed: ParsedResume


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
    if original is None:
        return None
    copy = _new_row(envelope, None, MailboxKind(original.kind), MailboxState.HANDLED)
    copy.message_id = message_id
    copy.sender = original.sender
    copy.duplicate_of_id = original.id
    copy.candidate_id = original.candidate_id
    copy.detail = f"Handled before as message #{original.id}."
    tx.session.add(copy)
    tx.session.flush()
    tx.changed(ChangeKind.MAILBOX, copy.id)
    return copy


def _new_row(
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


def record_failure(
    ctx: ServiceContext, envelope: Envelope, inbound: Inbound | None, reason: str
) -> Outcome[Handled]:
    """Remember a message that could not be handled (with why), so it is not retried on
    every poll; it is listed with the others for a person to look at."""
    with ctx.write() as tx:
        row = _row_of(tx, envelope)
        if row is not None:
            return outcome(_handled(row, already=True), tx)
        row = _new_row(envelope, inbound, MailboxKind.UNKNOWN, MailboxState.FAILED)
        row.detail = reason
        row.body_text = inbound.text if inbound is not None else None
        tx.session.add(row)
        tx.session.flush()
        tx.audit("mailbox.failed", "mailbox_message", row.id, after={"reason": reason})
        tx.changed(ChangeKind.MAILBOX, row.id)
        return outcome(_handled(row), tx)


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
            for index, item in enumerate(items):
                own = Transaction(tx.session, tx.actor)  # this message's changes only
                put: list[tuple[Path, str]] = []
                try:
                    with tx.session.begin_nested():
                        handled = _handle_one(own, documents_dir, item, put)
                        tx.session.flush()
                except Exception as exc:
                    results[index] = exc
                    orphans += put
                    continue
                placed += put
                results[index] = Outcome(handled, own.changes)
                if handled.kind is MailboxKind.APPLICATION and handled.candidate_id is not None:
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
    return [r if r is not None else RuntimeError("not handled") for r in results]


def _handle_one(
    tx: Transaction, documents_dir: Path, item: Incoming, placed: list[tuple[Path, str]]
) -> Handled:
    envelope, inbound = item.envelope, item.inbound
    row = _row_of(tx, envelope)
    if row is not None:
        return _handled(row, already=True)
    if inbound.message_id is not None:
        copy = _duplicate(tx, envelope, inbound.message_id)
        if copy is not None:  # the same message under another UID: not handled again
            return _handled(copy)
    row = _classify_and_act(tx, documents_dir, envelope, inbound, item.resumes, placed)
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
    return _handled(row)


def _classify_and_act(
    tx: Transaction,
    documents_dir: Path,
    envelope: Envelope,
    inbound: Inbound,
    resumes: list[ResumeFile],
    placed: list[tuple[Path, str]],
) -> MailboxMessage:
    if inbound.is_report and inbound.bounces:
        return _bounce(tx, envelope, inbound)
    ours = _answered(tx, inbound)
    by_sender = _candidate_by_address(tx, inbound.sender)
    candidate_id = (ours.candidate_id if ours is not None else None) or by_sender
    if inbound.asks_to_unsubscribe and candidate_id is not None:
        return _unsubscribe(tx, envelope, inbound, candidate_id)
    if inbound.auto_reply:
        row = _new_row(envelope, inbound, MailboxKind.AUTO_REPLY, MailboxState.HANDLED)
        _link(row, ours, candidate_id)
        if candidate_id is not None:
            row.activity_id = _timeline_email(tx, candidate_id, inbound).id
            row.detail = "Automatic reply recorded; sequences go on."
        else:
            row.detail = "Automatic reply from an unknown sender."
        return _added(tx, row)
    if ours is not None and candidate_id is not None:
        return _reply(tx, envelope, inbound, candidate_id, ours, "by its In-Reply-To/References")
    if resumes:
        return _application(tx, documents_dir, envelope, inbound, resumes, placed)
    if by_sender is not None:
        latest = _latest_sent_to(tx, inbound.sender)
        return _reply(tx, envelope, inbound, by_sender, latest, "by the sender's address")
    row = _new_row(envelope, inbound, MailboxKind.UNKNOWN, MailboxState.PENDING)
    row.body_text = inbound.text
    row.detail = "No resume attached and the sender is unknown: waiting for a decision."
    return _added(tx, row)


def _added(tx: Transaction, row: MailboxMessage) -> MailboxMessage:
    tx.session.add(row)
    tx.session.flush()
    return row


@dataclass(frozen=True)
class _Sent:
    outbox_id: int
    candidate_id: int | None
    campaign_id: int | None


def _answered(tx: Transaction, inbound: Inbound) -> _Sent | None:
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
            return _Sent(row.id, row.candidate_id, row.campaign_id)
    return None


def _latest_sent_to(tx: Transaction, address: str) -> _Sent | None:
    o = OutboxMessage.__table__.c
    row = tx.session.execute(
        select(o.id, o.candidate_id, o.campaign_id)
        .where(o.to_address == address, o.state == MessageState.SENT)
        .order_by(o.sent_at.desc(), o.id.desc())
        .limit(1)
    ).first()
    return _Sent(row.id, row.candidate_id, row.campaign_id) if row is not None else None


def _candidate_by_address(tx: Transaction, address: str) -> int | None:
    if not address:
        return None
    return tx.session.scalar(
        select(CandidateEmail.candidate_id)
        .where(CandidateEmail.email == address.lower())
        .order_by(CandidateEmail.candidate_id)
        .limit(1)
    )


def _link(row: MailboxMessage, sent: _Sent | None, candidate_id: int | None) -> None:
    row.candidate_id = candidate_id
    if sent is not None:
        row.outbox_message_id = sent.outbox_id
        row.campaign_id = sent.campaign_id


def _when(inbound: Inbound) -> dt.datetime:
    now = utc_now()
    when = inbound.received_at or now
    return min(when, now)


def _timeline_email(tx: Transaction, candidate_id: int, inbound: Inbound) -> Activity:
    activity = Activity(
        candidate_id=candidate_id,
        kind=ActivityKind.EMAIL,
        direction="in",
        subject=inbound.subject[:MAX_SUBJECT] or None,
        body=inbound.text or None,
        occurred_at=_when(inbound),
        user_id=None,
    )
    tx.session.add(activity)
    tx.session.flush()
    tx.changed(ChangeKind.CANDIDATES, candidate_id)
    return activity


def _reply(
    tx: Transaction,
    envelope: Envelope,
    inbound: Inbound,
    candidate_id: int,
    sent: _Sent | None,
    how: str,
) -> MailboxMessage:
    activity = _timeline_email(tx, candidate_id, inbound)
    stopped = stop_enrollments(tx, candidate_id, REPLIED, enrolled_before=_when(inbound))
    row = _new_row(envelope, inbound, MailboxKind.REPLY, MailboxState.HANDLED)
    row.activity_id = activity.id
    _link(row, sent, candidate_id)
    row.detail = f"Reply matched {how}" + (
        f"; {len(stopped)} sequence(s) stopped." if stopped else "."
    )
    if row.campaign_id is not None:
        tx.changed(ChangeKind.CAMPAIGNS, row.campaign_id)
    return _added(tx, row)


def _unsubscribe(
    tx: Transaction, envelope: Envelope, inbound: Inbound, candidate_id: int
) -> MailboxMessage:
    candidate = tx.session.get(Candidate, candidate_id)
    assert candidate is not None
    now = utc_now()
    before = candidate.unsubscribed_at
    if before is None:
        candidate.unsubscribed_at = now
    activity = _timeline_email(tx, candidate_id, inbound)
    stopped = stop_enrollments(tx, candidate_id, UNSUBSCRIBED, now=now)
    cancelled = cancel_pending(tx, candidate_id, "Cancelled: the candidate unsubscribed.")
    tx.audit(
        "candidate.unsubscribe",
        "candidate",
        candidate_id,
        before={"unsubscribed_at": before},
        after={
            "unsubscribed_at": candidate.unsubscribed_at,
            "stopped_enrollments": stopped,
            "cancelled_messages": cancelled,
            "by": "email",
        },
    )
    row = _new_row(envelope, inbound, MailboxKind.UNSUBSCRIBE, MailboxState.HANDLED)
    row.candidate_id = candidate_id
    row.activity_id = activity.id
    row.detail = "Unsubscribed by email." if before is None else "Already unsubscribed."
    return _added(tx, row)


def _bounce(tx: Transaction, envelope: Envelope, inbound: Inbound) -> MailboxMessage:
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
            sent = _Sent(found.id, found.candidate_id, found.campaign_id)
    lines: list[str] = []
    first_candidate: int | None = sent.candidate_id if sent is not None else None
    for recipient in inbound.bounces:
        if not recipient.hard:
            lines.append(
                f"{recipient.address}: {recipient.action or 'reported'} {recipient.status} "
                "(not permanent; nothing changed)."
            )
            continue
        candidate_id = _candidate_by_address(tx, recipient.address)
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
                    occurred_at=_when(inbound),
                )
            )
            tx.changed(ChangeKind.CANDIDATES, candidate_id)
        lines.append(f"{recipient.address}: hard bounce {recipient.status}; marked as bouncing.")
    row = _new_row(envelope, inbound, MailboxKind.BOUNCE, MailboxState.HANDLED)
    _link(row, sent, first_candidate)
    row.detail = " ".join(lines) or "A delivery report without a failed recipient."
    return _added(tx, row)


def _with_sender(parsed: ParsedResume, inbound: Inbound) -> ParsedResume:
    """The resume's reading with the sender's address (and name, when the resume gives
    none): the address that applied belongs to the applicant."""
    emails = parsed.emails
    if inbound.sender and inbound.sender not in {e.lower() for e in emails}:
        emails = (*emails, inbound.sender)
    name = parsed.name or inbound.sender_name or None
    return dataclasses.replace(parsed, emails=emails, name=name)


def _application(
    tx: Transaction,
    documents_dir: Path,
    envelope: Envelope,
    inbound: Inbound,
    resumes: list[ResumeFile],
    placed: list[tuple[Path, str]],
) -> MailboxMessage:
    notes: list[str] = []
    job_id = inbound.job_reference()
    if job_id is not None and tx.session.get(Job, job_id) is None:
        notes.append(f"Job #{job_id} named in the message does not exist; imported without a job.")
        job_id = None
    target = IntakeTarget(job_id=job_id) if job_id is not None else None
    candidate_id: int | None = None
    for resume in resumes:
        incoming = copy_in(resume.path, documents_dir)
        files: list[Path] = []
        try:
            result = store(
                tx,
                documents_dir,
                resume.path,
                _with_sender(resume.parsed, inbound),
                target if candidate_id is None else None,
                incoming,
                files,
            )
        finally:
            incoming.path.unlink(missing_ok=True)
            remove_if_empty(incoming.path.parent)
            placed.extend((path, incoming.digest) for path in files)
        notes.extend(result.notes)
        if result.candidate_id is None:
            continue
        if candidate_id is None:
            candidate_id = result.candidate_id
        elif result.candidate_id != candidate_id:  # another person's resume: their row now
            tx.session.flush()
            rebuild_candidate_search(tx.session, [result.candidate_id])
        if result.created:
            candidate = tx.session.get(Candidate, result.candidate_id)
            if candidate is not None:
                candidate.source = EMAIL_SOURCE
        if result.application_id is not None:
            tx.session.execute(
                update(Application)
                .where(Application.id == result.application_id)
                .values(source=EMAIL_SOURCE)
            )
    if candidate_id is not None:
        _keep_sender_address(tx, candidate_id, inbound.sender)
        tx.session.add(
            Activity(
                candidate_id=candidate_id,
                kind=ActivityKind.NOTE,
                subject=(f"Application by email: {inbound.subject}")[:MAX_SUBJECT],
                body=inbound.text or None,
                occurred_at=_when(inbound),
            )
        )
        tx.changed(ChangeKind.CANDIDATES, candidate_id)
    tx.session.flush()
    state = MailboxState.HANDLED if candidate_id is not None else MailboxState.PENDING
    row = _new_row(envelope, inbound, MailboxKind.APPLICATION, state)
    row.candidate_id = candidate_id
    if candidate_id is None:
        row.body_text = inbound.text
        notes.append("The resume waits for review in intake.")
    job_text = f" for job #{job_id}" if job_id is not None else ""
    row.detail = " ".join([f"{len(resumes)} resume(s) imported{job_text}.", *notes])
    return _added(tx, row)


def _keep_sender_address(tx: Transaction, candidate_id: int, address: str) -> None:
    """The sender's address on the candidate, unless someone already has it."""
    if not address or _candidate_by_address(tx, address) is not None:
        return
    position = tx.session.scalar(
        select(func.count()).where(CandidateEmail.candidate_id == candidate_id)
    )
    tx.session.add(CandidateEmail(candidate_id=candidate_id, email=address, position=position or 0))
