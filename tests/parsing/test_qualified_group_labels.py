"""Skill rows whose group label carries a bracketed level: "Sales (advanced): a, b"."""

from __future__ import annotations

from app.parsing.lines import Line
from app.parsing.parser import _skill_rows
from app.parsing.skills import parse_skills


def _skills(texts: list[str]) -> list[str]:
    return parse_skills(_skill_rows([Line(t, size=10) for t in texts]), wrapped=True)


def test_label_with_a_level_in_brackets_is_dropped() -> None:
    rows = ["Sales (advanced) : Negotiation, Cold calling", "Languages (intermediate): English"]
    assert _skills(rows) == ["Negotiation", "Cold calling", "English"]


def test_label_with_its_bracket_set_tight_is_dropped() -> None:
    rows = ["Systems(advanced): Oracle WMS, Power BI", "Tools[5 years]: Docker, Git"]
    assert _skills(rows) == ["Oracle WMS", "Power BI", "Docker", "Git"]


def test_skill_with_a_level_and_no_label_keeps_its_name() -> None:
    # "Python (Expert), SQL": the bracket belongs to an item, there is no label.
    assert _skills(["Python (Expert), SQL (Advanced)"]) == ["Python", "SQL"]
