"""The default region's country name, without loading the geocoder for the listed ones."""

import os
import subprocess
import sys

from app.parsing.regions import DEFAULT_REGIONS, region_name


def test_listed_regions_are_named_from_the_list() -> None:
    assert region_name("US") == "United States"
    assert region_name("gb") == "United Kingdom"
    assert len({code for code, _name in DEFAULT_REGIONS}) == len(DEFAULT_REGIONS)


def test_a_region_outside_the_list_is_named_by_the_geocoder() -> None:
    assert region_name("BR") == "Brazil"


def test_parsing_a_pdf_does_not_load_the_geocoder_or_python_docx() -> None:
    """Both cost a parser process ~190 ms before its first file; a PDF needs neither."""
    code = (
        "import sys, tempfile\n"
        "from pathlib import Path\n"
        "from app.parsing import parse_file\n"
        "from PySide6.QtGui import QGuiApplication, QPdfWriter, QPainter\n"
        "app = QGuiApplication([])\n"
        "path = Path(tempfile.mkdtemp()) / 'r.pdf'\n"
        "writer = QPdfWriter(str(path))\n"
        "painter = QPainter(writer)\n"
        "for n, line in enumerate(['Jane Doe', 'jane@example.com', '(415) 555-0142']):\n"
        "    painter.drawText(100, 200 + 200 * n, line)\n"
        "painter.end()\n"
        "resume = parse_file(path)\n"
        "assert resume.phones[:1] == ('+14155550142',), resume.phones\n"
        "notes = resume.reasons.get('phones', ())\n"
        "assert any('United States' in r for r in notes), resume.reasons\n"
        "print(sorted(m for m in sys.modules if m.startswith(('phonenumbers.geocoder', 'docx'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
