"""One pass over the watched folders: read what is new, handle each message once, then move
or flag it on the server.

Used by the background poller (`app.workers.mailbox_poller`) and, synchronously, by
``hirebench mailbox --poll``. Only UIDs above the highest one handled under the folder's
UIDVALIDITY are read; their Message-IDs are looked at first, so a message seen before under
another UID (after the server renumbered the folder) is remembered, not fetched again. A
message is recorded in the database (one transaction each) before it is moved or flagged, so
a connection lost at any point loses nothing and handles nothing twice: what was recorded is
moved on the next pass, what was not is read again.

Resume attachments are saved under their own names in a temporary folder and read by
``parse_many`` (the parser processes, or `app.parsing.parse_file` in turn), a few messages at
a time so that several resumes are read at once.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.mail.imap import ImapClient, ImapError, ImapSettings
from app.mail.inbound import Envelope, Inbound, parse_message
from app.parsing.result import ParsedResume
from app.services.core.changes import Changes
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.mailbox.handling import (
    ResumeFile,
    handle_message,
    handled_ids,
    last_uid,
    record_duplicate,
    record_failure,
)

log = logging.getLogger(__name__)

BATCH = 8  # messages fetched and their resumes parsed together
_UNSAFE = re.compile(r"[^\w.\- ]+")

ParseMany = Callable[[list[Path]], list[ParsedResume | Exception]]


def parse_in_turn(paths: list[Path]) -> list[ParsedResume | Exception]:
    """Read each file on this thread (the command line's pass)."""
    # Deferred: the parser (pdfplumber, docx, OCR) loads only when a resume arrives.
    from app.parsing import parse_file

    results: list[ParsedResume | Exception] = []
    for path in paths:
        try:
            results.append(parse_file(path))
        except Exception as exc:
            results.append(exc)
    return results


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
    inbound: Inbound
    folder: Path | None
    files: list[Path]


def poll_once(
    ctx: ServiceContext,
    documents_dir: Path,
    settings: ImapSettings,
    password: str,
    parse_many: ParseMany = parse_in_turn,
    *,
    ssl_context: Any = None,
    on_changes: Callable[[Changes], None] | None = None,
    stop: Callable[[], bool] = lambda: False,
    client: ImapClient | None = None,
    read_message: Callable[[bytes], Inbound] = parse_message,
) -> PollReport:
    """One pass over every watched folder; errors end the pass and are in the report.

    ``read_message`` parses a fetched message (`ProcessParser.read_message` does it in a
    parser process: parsing a 25 MB message holds the interpreter for moments at a time)."""
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
                parse_many,
                report,
                on_changes,
                stop,
                read_message,
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
    parse_many: ParseMany,
    report: PollReport,
    on_changes: Callable[[Changes], None] | None,
    stop: Callable[[], bool],
    read_message: Callable[[bytes], Inbound] = parse_message,
) -> None:
    state = client.select(folder)
    first = last_uid(ctx, folder, state.uidvalidity) + 1
    if state.exists == 0:
        return
    present = client.uids_from(1)
    leftovers = [uid for uid in present if uid < first]
    if leftovers and settings.after_import == "move":
        for uid in leftovers:  # handled on an earlier pass, not moved then
            _after(client, settings, uid)
    uids = [uid for uid in present if uid >= first]
    if not uids:
        return
    headers = client.message_ids(uids)
    known = handled_ids(ctx, sorted({mid for mid, _ in headers.values() if mid}))
    fresh: list[int] = []
    for uid in uids:
        message_id, size = headers.get(uid, (None, 0))
        envelope = Envelope(folder, state.uidvalidity, uid, size)
        if message_id is not None and message_id in known:
            done = record_duplicate(ctx, envelope, message_id)
            if done.value is not None:
                report.duplicates += 1
                _publish(on_changes, done.changes)
                _after(client, settings, uid)
                continue
        fresh.append(uid)
    for start in range(0, len(fresh), BATCH):
        if stop():
            return
        batch = [
            _fetch(client, folder, state.uidvalidity, uid, read_message)
            for uid in fresh[start : start + BATCH]
        ]
        fetched = [item for item in batch if item is not None]
        try:
            parsed = _parse(fetched, parse_many)
            for item in fetched:
                report.fetched += 1
                _handle(ctx, documents_dir, item, parsed, report, on_changes)
                _after(client, settings, item.envelope.uid)
        finally:
            for item in fetched:
                if item.folder is not None:
                    shutil.rmtree(item.folder, ignore_errors=True)


def _fetch(
    client: ImapClient,
    folder: str,
    uidvalidity: int,
    uid: int,
    read_message: Callable[[bytes], Inbound] = parse_message,
) -> _Fetched | None:
    raw = client.fetch(uid)
    if raw is None:  # removed meanwhile
        return None
    inbound = read_message(raw)
    del raw
    envelope = Envelope(folder, uidvalidity, uid)
    resumes = inbound.resumes
    if not resumes:
        return _Fetched(envelope, inbound, None, [])
    saved = Path(tempfile.mkdtemp(prefix="hirebench-mail-"))
    files: list[Path] = []
    for index, attachment in enumerate(resumes):
        name = _UNSAFE.sub("_", attachment.filename).strip(" .") or f"resume-{index}"
        place = saved / str(index)
        place.mkdir()
        path = place / name[-120:]
        path.write_bytes(attachment.data)
        files.append(path)
    return _Fetched(envelope, inbound, saved, files)


def _parse(fetched: list[_Fetched], parse_many: ParseMany) -> dict[Path, ParsedResume | Exception]:
    paths = [path for item in fetched for path in item.files]
    if not paths:
        return {}
    return dict(zip(paths, parse_many(paths), strict=True))


def _handle(
    ctx: ServiceContext,
    documents_dir: Path,
    item: _Fetched,
    parsed: dict[Path, ParsedResume | Exception],
    report: PollReport,
    on_changes: Callable[[Changes], None] | None,
) -> None:
    resumes: list[ResumeFile] = []
    problems: list[str] = []
    for path in item.files:
        result = parsed.get(path)
        if isinstance(result, ParsedResume):
            resumes.append(ResumeFile(path, result))
        else:
            problems.append(f"{path.name} could not be read ({result}).")
    inbound = item.inbound
    try:
        if item.files and not resumes:
            done = record_failure(ctx, item.envelope, inbound, " ".join(problems))
        else:
            done = handle_message(ctx, documents_dir, item.envelope, inbound, resumes)
    except (ValidationError, NotFoundError) as exc:
        done = record_failure(ctx, item.envelope, inbound, str(exc))
    handled = done.value
    _publish(on_changes, done.changes)
    if handled.already:
        return
    if handled.state == "failed":
        report.failed += 1
    elif handled.state == "pending":
        report.pending += 1
    else:
        report.count(str(handled.kind))
    report.lines.append(f"{handled.kind:<11} {inbound.sender or '?'}: {handled.detail}")


def _after(client: ImapClient, settings: ImapSettings, uid: int) -> None:
    """Move or flag a message now recorded."""
    if settings.after_import == "move":
        client.move(uid, settings.processed_folder)
    else:
        client.flag(uid)


def _publish(on_changes: Callable[[Changes], None] | None, changes: Changes) -> None:
    if on_changes is not None and changes.ids:
        on_changes(changes)
