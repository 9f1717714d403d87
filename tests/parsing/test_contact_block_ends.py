"""The contact block read around the e-mail ends at the next section's heading: with no
place in the header, the first job's place under "Work Experience" is not the candidate's."""

from __future__ import annotations

from pathlib import Path

from app.parsing import parse_file
from app.parsing.header_location import contact_block

RESUME = """Yuna Tanaka
Finance Manager
617.555.0106 | yuna.tanaka@example.com

WORK EXPERIENCE
Jul 2022 – Apr 2026\tFinance Manager, Crestview Bank
Austin, TX
– Closed the monthly books two days faster
"""


def test_the_first_jobs_place_is_not_the_candidates(tmp_path: Path) -> None:
    path = tmp_path / "noplace.txt"
    path.write_text(RESUME, encoding="utf-8")
    assert parse_file(path).location is None


def test_a_contact_heading_and_the_lines_under_it_stay_in_the_block() -> None:
    lines = ["Skills", "Python", "Contact", "jane@doe.example", "Contact details", "Leeds, UK"]
    assert contact_block(lines) == lines
    assert contact_block(["jane@doe.example", "Experience", "Leeds, UK"]) == ["jane@doe.example"]
