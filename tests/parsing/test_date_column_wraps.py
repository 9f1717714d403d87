"""A narrow date column wraps a range's end year onto the next row; a page's printed date
read into the skills list is no skill."""

from __future__ import annotations

from app.parsing.history import parse_experience
from app.parsing.skills import parse_skills


def test_end_year_wrapped_onto_the_title_row() -> None:
    jobs = parse_experience(
        [
            "November 2021 to January Lycée Saint-Exupéry , Rotterdam, Netherlands",
            "2026\tHead of Department",
            "• Raised GCSE pass rate from 68% to 84%",
            "February 2019 to November Oakridge Academy , Utrecht, Netherlands",
            "2021\tTeacher",
            "• Ran the STEM club",
        ]
    )
    assert [(j.company, j.title, j.start, j.end) for j in jobs] == [
        ("Lycée Saint-Exupéry", "Head of Department", "2021-11", "2026-01"),
        ("Oakridge Academy", "Teacher", "2019-02", "2021-11"),
    ]


def test_a_printed_date_is_no_skill() -> None:
    assert parse_skills(["Python, SQL", "December 5, 2026"]) == ["Python", "SQL"]
