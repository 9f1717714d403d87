"""Skill group names that the section finder took for headings of their own."""

from __future__ import annotations

from app.parsing import sections
from app.parsing.lines import Line
from app.parsing.parser import _fold_skill_groups


def _section(kind: str, heading: str, *texts: str) -> sections.Section:
    return sections.Section(kind, heading, [Line(t) for t in texts])


def test_group_sections_after_skills_fold_into_it() -> None:
    parts = [
        _section(sections.SKILLS, "Skills"),
        _section(sections.EXPERIENCE, "Research", "Journey mapping", "User interviews"),
        _section(sections.OTHER, "Design", "Typography", "Figma"),
    ]
    folded = _fold_skill_groups(parts)
    assert [s.kind for s in folded] == [sections.SKILLS]
    assert [line.text for line in folded[0].lines] == [
        "Journey mapping",
        "User interviews",
        "Typography",
        "Figma",
    ]


def test_real_sections_after_skills_stay() -> None:
    parts = [
        _section(sections.SKILLS, "Skills", "Python, Go"),
        _section(sections.EXPERIENCE, "Experience", "Acme Inc", "Engineer", "2019 – 2021"),
        _section(sections.OTHER, "Interests", "Chess", "Hiking"),
    ]
    assert [s.kind for s in _fold_skill_groups(parts)] == [
        sections.SKILLS,
        sections.EXPERIENCE,
        sections.OTHER,
    ]


def test_group_named_languages_after_skills_folds_in() -> None:
    parts = [
        _section(sections.SKILLS, "Skills", "Python, Go"),
        _section(sections.OTHER, "Languages", "Spanish", "English"),
    ]
    folded = _fold_skill_groups(parts)
    assert [s.kind for s in folded] == [sections.SKILLS]


def test_degree_set_as_a_heading_stays_in_education() -> None:
    parts = [
        _section(sections.EDUCATION, "Education"),
        _section(sections.OTHER, "MBA", "Universiteit van Amsterdam, 2026", "BSc Physics"),
    ]
    folded = _fold_skill_groups(parts)
    assert [s.kind for s in folded] == [sections.EDUCATION]
    assert [line.text for line in folded[0].lines][:2] == [
        "MBA",
        "Universiteit van Amsterdam, 2026",
    ]
