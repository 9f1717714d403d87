"""Reading one fetched message: its MIME structure and text, and the resumes attached to it,
saved under their own names in a temporary folder and parsed.

All of it is CPU work, done where the caller chooses: in a parser process (the poller's
`ProcessReader`, so that neither a 25 MB message nor a slow PDF holds the poller's thread or
the window) or in turn on the calling thread (the command line). Kept light: no database, no
services, so the parser processes do not load them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from app.mail.inbound import Attachment, Inbound, parse_message
from app.parsing.result import ParsedResume

_UNSAFE = re.compile(r"[^\w.\- ]+")

READER_NICENESS = 10


def yield_to_importer() -> None:
    """Run a reader process at a lower priority: the poller's thread, which imports what the
    readers read one message after another, is what a pass waits for, and with every core
    reading it would get a share of one. The readers still take every core left over.

    It lives here, not with the poller, because a spawned process imports the module of its
    initializer: the poller's would load SQLAlchemy and the services (half a second of CPU)
    into every reader."""
    with contextlib.suppress(OSError, AttributeError):  # no os.nice on Windows
        os.nice(READER_NICENESS)


@dataclass(frozen=True)
class Read:
    """A message read: its values (attachments without their bytes), and per resume the file
    it was saved to with its parse, or why it could not be read. ``staged`` holds each file's
    SHA-256 and size when it was saved beside the store (see `read_message`), else is empty."""

    inbound: Inbound
    folder: Path | None  # the temporary folder holding the resumes; removed by `discard`
    files: tuple[Path, ...] = ()
    parsed: tuple[ParsedResume | str, ...] = ()
    staged: tuple[tuple[str, int], ...] = ()

    def discard(self) -> None:
        if self.folder is not None:
            try:
                self.folder.rmdir()  # the usual case: its resumes went into the store
            except OSError:
                shutil.rmtree(self.folder, ignore_errors=True)
        if self.folder is not None and self.staged:
            with contextlib.suppress(OSError):  # the staging folder, once nothing is in it
                self.folder.parent.rmdir()


def read_message(raw: bytes, staging: Path | None = None) -> Read:
    """Parse ``raw`` and its resumes (see the module's docstring).

    With ``staging`` (the store's incoming folder) each resume is saved there, synced to disk
    and hashed as it is written: the importing thread then moves it into the store as it is,
    where it would copy, hash and sync it again, one file after another, while it holds the
    database (the stretch of a mail pass that nothing else can share).
    """
    # Deferred: the resume parser (pdfplumber, docx, OCR) loads only when a resume arrives.
    from app.parsing import parse_file

    inbound = parse_message(raw)
    resumes = inbound.resumes
    light = replace(
        inbound,
        attachments=tuple(Attachment(a.filename, a.content_type, b"") for a in inbound.attachments),
    )
    if not resumes:
        return Read(light, None)
    folder = _message_folder(staging)
    files: list[Path] = []
    parsed: list[ParsedResume | str] = []
    staged: list[tuple[str, int]] = []
    try:
        for index, attachment in enumerate(resumes):
            name = (_UNSAFE.sub("_", attachment.filename).strip(" .") or f"resume-{index}")[-120:]
            path = folder / name
            if name.lower() in {f.name.lower() for f in files}:
                # Two attachments of one name (or one but for case): each keeps it, in a folder
                # of its own.
                (folder / str(index)).mkdir()
                path = folder / str(index) / name
            if staging is None:
                path.write_bytes(attachment.data)
            else:
                staged.append(_write_synced(path, attachment.data))
            files.append(path)
            try:
                parsed.append(parse_file(path))
            except Exception as exc:
                parsed.append(f"{type(exc).__name__}: {exc}")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Read(light, folder, tuple(files), tuple(parsed), tuple(staged))


def _message_folder(staging: Path | None) -> Path:
    """A new folder for one message's resumes: in ``staging`` when given (made if missing:
    the importing thread removes it whenever it is empty), else in the system's temp folder."""
    if staging is None:
        return Path(tempfile.mkdtemp(prefix="hirebench-mail-"))
    for _attempt in range(3):
        staging.mkdir(parents=True, exist_ok=True)
        try:
            return Path(tempfile.mkdtemp(prefix="mail-", dir=staging))
        except FileNotFoundError:  # removed as empty between the two calls
            continue
    return Path(tempfile.mkdtemp(prefix="mail-", dir=staging))


def _write_synced(path: Path, data: bytes) -> tuple[str, int]:
    """Write ``data`` to ``path`` and sync it to disk, so that a document row committed later
    never names a file the disk does not hold; its SHA-256 and size."""
    with path.open("wb") as writer:
        writer.write(data)
        writer.flush()
        os.fsync(writer.fileno())
    return hashlib.sha256(data).hexdigest(), len(data)
