"""Legacy Word (.doc, Word 97-2003) files, converted by a local LibreOffice or antiword.

LibreOffice turns the file into DOCX (read like any DOCX); antiword gives plain text. Each
runs with a time limit; LibreOffice gets a private profile so it neither touches nor waits on
the user's own one. Neither tool installed means a clear error, not a guess at the binary.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from app.parsing.result import ParseError

CONVERT_TIMEOUT_SECONDS = 60
MISSING_TOOLS = (
    "Legacy Word .doc needs LibreOffice (or antiword) installed to be read; "
    "save it as .docx or PDF."
)


@dataclass
class Converted:
    """Either DOCX bytes (from LibreOffice) or plain text (from antiword)."""

    docx: bytes | None = None
    text: str | None = None


def convert_doc(path: Path) -> Converted:
    """Convert ``path`` with the first tool found; failures raise ``ParseError``."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office:
        return Converted(docx=_with_libreoffice(office, path))
    antiword = shutil.which("antiword")
    if antiword:
        return Converted(text=_with_antiword(antiword, path))
    raise ParseError(f"{path.name}: {MISSING_TOOLS}", kind="type")


def _with_libreoffice(office: str, path: Path) -> bytes:
    with tempfile.TemporaryDirectory(prefix="hirebench-doc-") as tmp:
        work = Path(tmp)
        out_dir = work / "out"
        out_dir.mkdir()
        source = work / "in.doc"  # a plain name: the user's may start with "-" or hold spaces
        shutil.copyfile(path, source)
        command = [
            office,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            str(out_dir),
            str(source),
        ]
        _run(command, path)
        result = out_dir / "in.docx"
        if not result.is_file():
            raise ParseError(
                f"{path.name}: LibreOffice could not convert the .doc file (it may be damaged).",
                kind="corrupt",
            )
        return result.read_bytes()


def _with_antiword(antiword: str, path: Path) -> str:
    completed = _run([antiword, str(path.resolve())], path)
    return completed.stdout.decode("utf-8", errors="replace")


def _run(command: list[str], path: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        completed = subprocess.run(
            command,
            capture_output=True,
            timeout=CONVERT_TIMEOUT_SECONDS,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ParseError(
            f"{path.name}: converting the .doc file took over {CONVERT_TIMEOUT_SECONDS} s; "
            "save it as .docx or PDF.",
            kind="corrupt",
        ) from exc
    except OSError as exc:
        raise ParseError(
            f"{path.name}: the .doc converter could not run ({exc.strerror or exc}).",
            kind="type",
        ) from exc
    if completed.returncode != 0:
        detail = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ParseError(
            f"{path.name}: the .doc file could not be converted"
            f"{' (' + detail[-1] + ')' if detail else ''}.",
            kind="corrupt",
        )
    return completed
