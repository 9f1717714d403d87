"""One pass over the watched folders: read what is new, handle each message once, then move
or flag it on the server.

Used by the background poller (`app.workers.mailbox_poller`) and, synchronously, by
``hirebench mailbox --poll``. Only UIDs above the highest one handled under the folder's
UIDVALIDITY are read; their Message-IDs are looked at first, so a message seen before under
another UID (after the server renumbered the folder) is remembered, not fetched again. A
message is recorded in the database before it is moved or flagged, so a connection lost at
any point loses nothing and handles nothing twice: what was recorded is moved on the next
pass, what was not is read again.

Messages are fetched a batch at a time and read (MIME, text, resumes parsed:
`app.workers.mailbox_reading`) by ``reader``: the parser processes, or in turn on this thread.
Pipelined: while one batch is read in the parser processes, the batch before it is imported
(in one transaction, each message in its own savepoint: `services.mailbox.handling`) and the
next one fetched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.mail.imap import ImapClient, ImapError, ImapSettings
from app.mail.inbound import Envelope, Inbound
from app.parsing.result import ParsedResume
from app.services.core.changes import Changes
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.intake.importer import INCOMING_DIR
from app.services.mailbox.handling import (
    Handled,
    Incoming,
    ResumeFile,
    handle_messages,
    handled_ids,
    last_uid,
    record_duplicate,
    record_failure,
)
from app.workers.mailbox_reading import Read, read_message

log = logging.getLogger(__name__)

# Messages fetched, read and imported together: as many as intake imports in one transaction
# (`app.workers.intake.IMPORT_BATCH`; each transaction re-derives its candidates' search rows
# once), fewer when they are large, so that two batches in flight hold little memory.
BATCH = 32
BATCH_BYTES = 32 * 1024 * 1024

# Reads a batch of raw messages, saving their resumes in the staging folder given (see
# `mailbox_reading.read_message`); the value waits for and returns the readings.
Reader = Callable[[list[bytes], Path | None], Callable[[], list[Read | Exception]]]


def read_in_turn(
    raws: list[bytes], staging: Path | None = None
) -> Callable[[], list[Read | Exception]]:
    """Read each message now, on this thread (the command line's pass)."""
    results: list[Read | Exception] = []
    for raw in raws:
        try:
            results.append(read_message(raw, staging))
        except Exception as exc:
            results.append(exc)
    return lambda: results


@dataclass
class PollReport:
    """What a pass did; plain data for the status line and the command line."""

    fetched: int = 0
    handled: dict[str, int] = field(default_factory=dict)  # by kind
    duplicates: int = 0
    failed: int = 0
    pending: int = 0
    error: str | None = None
    error_kind: str | None = None
    lines: list[str] = field(default_factory=list)

    def count(self, kind: str) -> None:
        self.handled[kind] = self.handled.get(kind, 0) + 1


@dataclass
class _Fetched:
    envelope: Envelope
    read: Read | Exception


def poll_once(
    ctx: ServiceContext,
    documents_dir: Path,
    settings: ImapSettings,
    password: str,
    reader: Reader = read_in_turn,
    *,
    ssl_context: Any = None,
    on_changes: Callable[[Changes], None] | None = None,
    stop: Callable[[], bool] = lambda: False,
    client: ImapClient | None = None,
) -> PollReport:
    """One pass over every watched folder; errors end the pass and are in the report."""
    report = PollReport()
    own = client is None
    try:
        if client is None:
            client = ImapClient(settings, password, ssl_context)
            client.connect()
        for folder in settings.folders:
            if stop():
                break
            _poll_folder(
                ctx,
                documents_dir,
                settings,
                client,
                folder,
                reader,
                report,
                on_changes,
                stop,
            )
    except ImapError as exc:
        report.error, report.error_kind = str(exc), exc.kind
    finally:
        if own and client is not None:
            client.close()
    return report


def _poll_folder(
    ctx: ServiceContext,
    documents_dir: Path,
    settings: ImapSettings,
    client: ImapClient,
    folder: str,
    reader: Reader,
    report: PollReport,
    on_changes: Callable[[Changes], None] | None,
    stop: Callable[[], bool],
) -> None:
    state = client.select(folder)
    first = last_uid(ctx, folder, state.uidvalidity) + 1
    if state.exists == 0:
        return
    present = client.uids_from(1)
    leftovers = [uid for uid in present if uid < first]
    if leftovers and settings.after_import == "move":
        _after(client, settings, leftovers)  # handled on an earlier pass, not moved then
    uids = [uid for uid in present if uid >= first]
    if not uids:
        return
    headers = client.message_ids(uids)
    known = handled_ids(ctx, sorted({mid for mid, _ in headers.values() if mid}))
    fresh: list[int] = []
    sizes: dict[int, int] = {}
    for uid in uids:
        message_id, size = headers.get(uid, (None, 0))
        envelope = Envelope(folder, state.uidvalidity, uid, size)
        if message_id is not None and message_id in known:
            done = record_duplicate(ctx, envelope, message_id)
            if done.value is not None:
                report.duplicates += 1
                _publish(on_changes, done.changes)
                _after(client, settings, [uid])
                continue
        fresh.append(uid)
        sizes[uid] = size
    waiting: list[tuple[list[Envelope], Callable[[], list[Read | Exception]]]] = []
    try:
        for batch in batches(fresh, sizes):
            if stop():
                break
            envelopes: list[Envelope] = []
            raws: list[bytes] = []
            for uid in batch:
                raw = client.fetch(uid)
                if raw is not None:  # else removed meanwhile
                    envelopes.append(Envelope(folder, state.uidvalidity, uid))
                    raws.append(raw)
            waiting.append((envelopes, reader(raws, documents_dir / INCOMING_DIR)))
            del raws
            if len(waiting) > 1:
                _finish(ctx, documents_dir, settings, client, waiting.pop(0), report, on_changes)
        while waiting:
            _finish(ctx, documents_dir, settings, client, waiting.pop(0), report, on_changes)
    finally:
        for _envelopes, collect in waiting:  # read meanwhile: their files go
            for read in collect():
                if isinstance(read, Read):
                    read.discard()


def batches(uids: list[int], sizes: dict[int, int]) -> list[list[int]]:
    """``uids`` in order, cut into batches of at most `BATCH` messages and, past the first
    message of each, `BATCH_BYTES` of messages (a larger one travels alone)."""
    cut: list[list[int]] = []
    total = 0
    for uid in uids:
        size = sizes.get(uid, 0)
        if cut and len(cut[-1]) < BATCH and total + size <= BATCH_BYTES:
            cut[-1].append(uid)
            total += size
        else:
            cut.append([uid])
            total = size
    return cut


def _finish(
    ctx: ServiceContext,
    documents_dir: Path,
    settings: ImapSettings,
    client: ImapClient,
    pending: tuple[list[Envelope], Callable[[], list[Read | Exception]]],
    report: PollReport,
    on_changes: Callable[[Changes], None] | None,
) -> None:
    envelopes, collect = pending
    fetched = [_Fetched(e, r) for e, r in zip(envelopes, collect(), strict=True)]
    try:
        recorded: list[int] = []
        try:
            _handle_batch(ctx, documents_dir, fetched, report, on_changes, recorded)
        finally:
            _after(client, settings, recorded)  # what was recorded, in one command
    finally:
        for item in fetched:
            if isinstance(item.read, Read):
                item.read.discard()


def _handle_batch(
    ctx: ServiceContext,
    documents_dir: Path,
    fetched: list[_Fetched],
    report: PollReport,
    on_changes: Callable[[Changes], None] | None,
    recorded: list[int],
) -> None:
    """The batch's messages in one transaction (`handle_messages`); a message that could not
    be read, whose resumes could not be read, or that failed alone, is recorded as failed with
    the reason, so that it is not read again on every pass and none after it is skipped."""
    items: list[Incoming] = []
    for item in fetched:
        read = item.read
        if isinstance(read, Exception):
            reason = f"The message could not be read ({read})."
            done = record_failure(ctx, item.envelope, None, reason)
            _count(report, done.value, None, on_changes, done.changes)
            recorded.append(item.envelope.uid)
            continue
        resumes: list[ResumeFile] = []
        problems: list[str] = []
        staged = read.staged or (("", 0),) * len(read.files)
        for path, reading, (digest, size) in zip(read.files, read.parsed, staged, strict=True):
            if isinstance(reading, ParsedResume):
                resumes.append(ResumeFile(path, reading, digest, size))
            else:
                problems.append(f"{path.name} could not be read ({reading}).")
        if read.files and not resumes:
            done = record_failure(ctx, item.envelope, read.inbound, " ".join(problems))
            _count(report, done.value, read.inbound, on_changes, done.changes)
            recorded.append(item.envelope.uid)
            continue
        items.append(Incoming(item.envelope, read.inbound, resumes))
    if not items:
        return
    results = handle_messages(ctx, documents_dir, items)
    for incoming, outcome in zip(items, results, strict=True):
        if isinstance(outcome, Exception):
            reason = str(outcome) or type(outcome).__name__
            if not isinstance(outcome, ValidationError | NotFoundError):
                log.warning("mailbox message %s failed: %s", incoming.envelope.uid, reason)
            finished = record_failure(ctx, incoming.envelope, incoming.inbound, reason)
        else:
            finished = outcome
        _count(report, finished.value, incoming.inbound, on_changes, finished.changes)
        recorded.append(incoming.envelope.uid)


def _count(
    report: PollReport,
    handled: Handled,
    inbound: Inbound | None,
    on_changes: Callable[[Changes], None] | None,
    changes: Changes,
) -> None:
    _publish(on_changes, changes)
    report.fetched += 1
    if handled.already:
        return
    if handled.duplicate:
        report.duplicates += 1
    elif handled.state == "failed":
        report.failed += 1
    elif handled.state == "pending":
        report.pending += 1
    else:
        report.count(str(handled.kind))
    sender = inbound.sender if inbound is not None else ""
    report.lines.append(f"{handled.kind:<11} {sender or '?'}: {handled.detail}")


def _after(client: ImapClient, settings: ImapSettings, uids: list[int]) -> None:
    """Move or flag messages now recorded."""
    if settings.after_import == "move":
        client.move(uids, settings.processed_folder)
    else:
        client.flag(uids)


def _publish(on_changes: Callable[[Changes], None] | None, changes: Changes) -> None:
    if on_changes is not None and changes.ids:
        on_changes(changes)
