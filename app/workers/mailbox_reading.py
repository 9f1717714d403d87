"""Reading one fetched message: its MIME structure and text, and the resumes attached to it,
saved under their own names in a temporary folder and parsed.

All of it is CPU work, done where the caller chooses: in a parser process (the poller's
`ProcessReader`, so that neither a 25 MB message nor a slow PDF holds the poller's thread or
the window) or in turn on the calling thread (the command line). Kept light: no database, no
services, so the parser processes do not load them.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from app.mail.inbound import Attachment, Inbound, parse_message
from app.parsing.result import ParsedResume

_UNSAFE = re.compile(r"[^\w.\- ]+")


@dataclass(frozen=True)
class Read:
    """A message read: its values (attachments without their bytes), and per resume the file
    it was saved to with its parse, or why it could not be read."""

    inbound: Inbound
    folder: Path | None  # the temporary folder holding the resumes; removed by `discard`
    files: tuple[Path, ...] = ()
    parsed: tuple[ParsedResume | str, ...] = ()

    def discard(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def read_message(raw: bytes) -> Read:
    """Parse ``raw`` and its resumes (see the module's docstring)."""
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
    folder = Path(tempfile.mkdtemp(prefix="hirebench-mail-"))
    files: list[Path] = []
    parsed: list[ParsedResume | str] = []
    for index, attachment in enumerate(resumes):
        name = _UNSAFE.sub("_", attachment.filename).strip(" .") or f"resume-{index}"
        place = folder / str(index)
        place.mkdir()
        path = place / name[-120:]
        path.write_bytes(attachment.data)
        files.append(path)
        try:
            parsed.append(parse_file(path))
        except Exception as exc:
            parsed.append(f"{type(exc).__name__}: {exc}")
    return Read(light, folder, tuple(files), tuple(parsed))
