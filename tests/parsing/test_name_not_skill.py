"""The candidate's name, repeated in a running footer that the page's text puts under the
last section (skills), is never one of their skills."""

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
