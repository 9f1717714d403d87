"""The Word documents converted by LibreOffice to PDF, OpenDocument, legacy Word and RTF.

Each conversion of each style is its own template ("office-table-pdf"): LibreOffice lays the
document out itself, so the PDF is a different layout problem from the DOCX it came from,
and the .doc/.odt/.rtf are the files older tools and other suites send.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.corpus import render_docx
from tests.corpus.templates import Template

CONVERSIONS = (
    ("docx-headings", "pdf"),
    ("docx-table", "pdf"),
    ("docx-band", "pdf"),
    ("docx-pasted", "pdf"),
    ("docx-headings", "odt"),
    ("docx-band", "odt"),
    ("docx-table", "doc"),
    ("docx-headings", "doc"),
    ("docx-table", "rtf"),
)
TIMEOUT_SECONDS = 120


def convert(source: Path, target_format: str, out: Path) -> None:
    """``source`` converted by a headless LibreOffice with a private profile into ``out``."""
    office = shutil.which("soffice")
    if office is None:
        raise RuntimeError("soffice (Debian: libreoffice-writer-nogui) is not installed")
    with tempfile.TemporaryDirectory(prefix="corpus-office-") as tmp:
        work = Path(tmp)
        subprocess.run(
            [
                office,
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                target_format,
                "--outdir",
                str(work),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
        )
        produced = work / f"{source.stem}.{target_format}"
        if not produced.exists():
            raise RuntimeError(f"LibreOffice wrote no .{target_format} for {source.name}")
        shutil.copyfile(produced, out)


def converted(
    style: Callable[[dict, Path], None], target_format: str = "pdf"
) -> Callable[[dict, Path], None]:
    """``style``'s Word document converted by LibreOffice to ``target_format`` (PDF, ODT,
    legacy DOC, RTF): every document renderer's LibreOffice templates go through this."""

    def render(resume: dict, out: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="corpus-docx-") as tmp:
            source = Path(tmp) / "resume.docx"
            style(resume, source)
            convert(source, target_format, out)

    return render


def templates() -> list[Template]:
    styles = {t.name: t for t in render_docx.templates()}
    return [
        Template(
            f"office-{name.split('-', 1)[1]}-{target}",
            f".{target}",
            converted(styles[name].render, target),
            tools=("soffice",),
            hides=styles[name].hides,
        )
        for name, target in CONVERSIONS
    ]
