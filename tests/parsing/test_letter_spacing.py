"""Word breaks the PDF does not encode: letter-spaced (tracked) text, made at test time.

Tracked headings and small caps have a gap between every two letters; PDFium then reports a
generated space between each ("J A N E"), while a fixed gap tolerance glues the words when
the word space is narrow ("SOFTWAREENGINEER"). Qt's QPdfWriter (``QFont.setLetterSpacing``)
writes one PDF at test time; the xelatex one (fontspec ``LetterSpace=``) is made from
``XELATEX_SOURCE`` by ``python -m tests.parsing.test_letter_spacing`` and committed, so the
tests need no TeX installation.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from app.parsing import parse_file
from app.parsing.extract import extract

XELATEX_SOURCE = r"""\documentclass{article}
\usepackage{fontspec}
\pagestyle{empty}
\begin{document}
{\addfontfeatures{LetterSpace=20}\Large JANE SMITH}

{\addfontfeatures{LetterSpace=12}SOFTWARE ENGINEER}

{\addfontfeatures{LetterSpace=15}\small\spaceskip=0.22em SENIOR DATA ENGINEER AT ACME}

jane.smith@example.org

{\addfontfeatures{LetterSpace=10}EXPERIENCE}

Lakeshore Medical Centre --- {\addfontfeatures{LetterSpace=18}STAFF NURSE}

Plain words here and a normal line of text.
\end{document}
"""

QT_LINES = [
    # (spacing type, letter spacing, word spacing in points, size, text). Qt writes no
    # spaces. Percentage spacing widens each letter by a share of its width, so the gaps
    # vary from letter to letter; a fixed tolerance splits such words into letters
    # ("JA N E S M IT H"). A word gap under 3 pt (small type) is glued by it.
    ("%", 150, 0.0, 18, "JANE SMITH"),
    ("%", 130, 0.0, 12, "SOFTWARE ENGINEER"),
    ("pt", 1.5, -0.5, 9, "SENIOR DATA ENGINEER AT ACME"),
    ("pt", 0.0, 0.0, 10, "jane.smith@example.org"),
    ("%", 125, 0.0, 11, "EXPERIENCE"),
    ("pt", 0.0, 0.0, 10, "Plain words here and a normal line of text."),
]
EXPECTED = [
    "JANE SMITH",
    "SOFTWARE ENGINEER",
    "SENIOR DATA ENGINEER AT ACME",
    "jane.smith@example.org",
    "EXPERIENCE",
    "Plain words here and a normal line of text.",
]
# The xelatex file adds plain text and tracked capitals on one line.
XELATEX_EXPECTED = [*EXPECTED[:5], "Lakeshore Medical Centre — STAFF NURSE", EXPECTED[5]]
XELATEX_PDF = Path(__file__).resolve().parent / "corpus" / "tracked" / "xelatex-tracked.pdf"


def make_xelatex_pdf(folder: Path) -> Path:
    """Run xelatex over ``XELATEX_SOURCE`` in ``folder`` (to regenerate the committed file)."""
    binary = shutil.which("xelatex")
    if binary is None:
        raise SystemExit("xelatex is not installed (Debian: texlive-xetex)")
    source = folder / "tracked.tex"
    source.write_text(XELATEX_SOURCE)
    done = subprocess.run(
        [binary, "-interaction=nonstopmode", "-halt-on-error", source.name],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise SystemExit(done.stdout[-2000:])
    return folder / "tracked.pdf"


def xelatex_pdf(folder: Path) -> Path:
    assert XELATEX_PDF.is_file(), "run python -m tests.parsing.test_letter_spacing"
    return XELATEX_PDF


def qt_pdf(folder: Path) -> Path:
    from PySide6.QtGui import QFont, QPageSize, QPainter, QPdfWriter
    from PySide6.QtWidgets import QApplication

    _app = QApplication.instance() or QApplication([])
    path = folder / "tracked-qt.pdf"
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setResolution(72)
    painter = QPainter(writer)
    y = 60
    for kind, letter, word, size, text in QT_LINES:
        font = QFont("DejaVu Sans")
        font.setPointSizeF(size)
        spacing = QFont.SpacingType
        font.setLetterSpacing(
            spacing.PercentageSpacing if kind == "%" else spacing.AbsoluteSpacing, letter
        )
        font.setWordSpacing(word)
        painter.setFont(font)
        painter.drawText(50, y, text)
        y += 2 * size + 8
    painter.end()
    return path


@pytest.mark.parametrize("make", [xelatex_pdf, qt_pdf], ids=["xelatex", "qt"])
def test_tracked_words_are_read_as_words(tmp_path: Path, make) -> None:
    path = make(tmp_path)
    lines = [line.text for line in extract(path).lines]
    expected = XELATEX_EXPECTED if make is xelatex_pdf else EXPECTED
    assert lines[: len(expected)] == expected


@pytest.mark.parametrize("make", [xelatex_pdf, qt_pdf], ids=["xelatex", "qt"])
def test_a_tracked_name_is_found(tmp_path: Path, make) -> None:
    parsed = parse_file(make(tmp_path))
    assert parsed.name is not None and parsed.name.lower() == "jane smith"
    assert list(parsed.emails) == ["jane.smith@example.org"]


def test_tracked_capitals_beside_plain_text_in_a_browser_pdf() -> None:
    """A generated resume (CSS letter-spacing on job titles, printed by Chromium): the
    title shares its line with the employer in plain text."""
    generated = Path(__file__).resolve().parents[1] / "corpus" / "generated" / "files"
    lines = [line.text for line in extract(generated / "html-spaced--p000.pdf").lines]
    assert "Lakeshore Medical Centre — STAFF NURSE" in lines
    assert "St. Brigid's Hospital — STAFF NURSE" in lines


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        XELATEX_PDF.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(make_xelatex_pdf(Path(scratch)), XELATEX_PDF)
    print(f"wrote {XELATEX_PDF}")


def test_line_breaks_pdfium_generates_inside_a_line_do_not_split_words() -> None:
    """A browser PDF that starts a text object every few letters (CSS letter-spacing in a
    sidebar): PDFium reports a generated line break at each start, on the same baseline."""
    generated = Path(__file__).resolve().parents[1] / "corpus" / "generated" / "files"
    lines = [line.text for line in extract(generated / "html-sidebar--p001.pdf").lines]
    assert "javier@mailbox.example" in lines
    assert "CONTACT" in lines
    assert "Valencia, Spain" in lines
