"""What a page's reading order puts under the last section (skills) that is no skill: the
candidate's name repeated in a running footer, an entry's place pulled in by a column split."""

from __future__ import annotations

from pathlib import Path

from app.parsing import parse_file

RESUME = """Jane Okafor
jane@okafor.example

EXPERIENCE
Data Engineer, Acme Corp, 2021 - present

SKILLS
Python
SQL
Airflow

Jane Okafor
"""


def test_the_name_in_a_footer_after_the_skills_is_no_skill(tmp_path: Path) -> None:
    path = tmp_path / "footer.txt"
    path.write_text(RESUME, encoding="utf-8")
    resume = parse_file(path)
    assert resume.name == "Jane Okafor"
    assert resume.skills == ("Python", "SQL", "Airflow")


PLACE = """Jane Okafor
jane@okafor.example

EXPERIENCE
Data Engineer, Acme Corp, 2021 - present

SKILLS
Python, SQL, Airflow

London, UK
"""


def test_a_place_read_into_the_skills_is_no_skill(tmp_path: Path) -> None:
    """An entry's place ("London, UK") that a column split put under the skills."""
    path = tmp_path / "place.txt"
    path.write_text(PLACE, encoding="utf-8")
    assert parse_file(path).skills == ("Python", "SQL", "Airflow")
