"""A profile page pasted into Word: the page's interface text is not taken for data."""

from __future__ import annotations

from pathlib import Path

import docx

from app.parsing import parse_file, pasted_profile

PASTED = """Priya Natarajan
Priya Natarajan
Senior Product Manager at Fernhill Software
Bristol, England, United Kingdom
Contact info
500+ connections
About
Product manager with ten years of experience in B2B software.
Experience
Fernhill Software logo
Senior Product Manager
Fernhill Software · Full-time
Mar 2021 - Present · 3 yrs 10 mos
Bristol, England, United Kingdom · Hybrid
Led the roadmap for the billing platform.
Kestrel Analytics logo
Product Manager
Kestrel Analytics
Jun 2017 - Feb 2021 · 3 yrs 9 mos
London, England, United Kingdom
Show all 5 experiences
Education
University of Leeds logo
University of Leeds
BSc, Computer Science
2010 - 2013
Skills
Product Management
12 endorsements
Roadmapping
8 endorsements
SQL
Show all 24 skills"""


def _docx(tmp_path: Path, text: str) -> Path:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    path = tmp_path / "pasted.docx"
    document.save(path)
    return path


def test_a_pasted_profile_gives_its_employers_not_the_logos(tmp_path: Path) -> None:
    parsed = parse_file(_docx(tmp_path, PASTED))
    assert parsed.name == "Priya Natarajan"
    assert parsed.location == "Bristol, England, United Kingdom"
    assert [(e.company, e.title, e.start, e.end) for e in parsed.employers] == [
        ("Fernhill Software", "Senior Product Manager", "2021-03", "present"),
        ("Kestrel Analytics", "Product Manager", "2017-06", "2021-02"),
    ]
    assert [(e.institution, e.year) for e in parsed.education] == [("University of Leeds", "2013")]
    assert list(parsed.skills) == ["Product Management", "Roadmapping", "SQL"]


def test_the_marks_must_be_several() -> None:
    ordinary = ["Jane Doe", "Designed the Acme logo", "Full-time", "Show all work on request"]
    assert not pasted_profile.is_pasted_profile(ordinary)
    assert pasted_profile.is_pasted_profile(PASTED.splitlines())


def test_cleaning_strips_trailers_and_repeats() -> None:
    lines = [
        "Ana Ruiz",
        "Ana Ruiz",
        "Acme · Full-time",
        "Jan 2020 - Present · 4 yrs 11 mos",
        "Madrid, Spain · Remote",
        "Acme logo",
        "12 endorsements",
    ]
    assert pasted_profile.clean(lines, str, lambda _, text: text) == [
        "Ana Ruiz",
        "Acme",
        "Jan 2020 - Present",
        "Madrid, Spain",
    ]
