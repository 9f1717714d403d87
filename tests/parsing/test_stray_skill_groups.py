"""A skills heading left empty whose groups were read further on (over a page break, or
from a column that came out after another)."""

from __future__ import annotations

from app.parsing import sections
from app.parsing.lines import Line
from app.parsing.parser import _skill_rows
from app.parsing.skill_groups import fold_skill_groups
from app.parsing.skills import parse_skills


def _parts(*tail: Line) -> list[sections.Section]:
    contact = [
        Line("Email\tana@example.com", size=10),
        Line("Highlights", size=10, bold=True, new_block=True),
        Line("Cut picking errors by 60% with", size=10, new_block=True),
        Line("barcode scanning", size=10),
        *tail,
    ]
    return [
        sections.Section(sections.EDUCATION, "EDUCATION", [Line("Example University")]),
        sections.Section(sections.SKILLS, "SKILLS"),
        sections.Section(sections.CONTACT, "CONTACT", contact),
    ]


def _groups() -> list[Line]:
    return [
        Line("Systems", size=10, bold=True, new_block=True),
        Line("Power BI", size=10, new_block=True),
        Line("Oracle WMS", size=10),
        Line("Operations", size=10, bold=True),
        Line("Route planning", size=10, new_block=True),
        Line("Six Sigma", size=10),
    ]


def test_groups_read_after_another_section_fill_an_empty_skills_heading() -> None:
    parts = fold_skill_groups(_parts(*_groups()))
    skills = next(p for p in parts if p.kind == sections.SKILLS)
    found = parse_skills(_skill_rows(skills.lines), True)
    assert found == ["Power BI", "Oracle WMS", "Route planning", "Six Sigma"]
    contact = next(p for p in parts if p.kind == sections.CONTACT)
    assert [line.text for line in contact.lines][-1] == "barcode scanning"


def test_a_run_without_a_known_skill_stays_where_it_is() -> None:
    tail = [
        Line("Operations", size=10, bold=True, new_block=True),
        Line("Night shifts", size=10, new_block=True),
        Line("Weekend rota", size=10),
    ]
    parts = fold_skill_groups(_parts(*tail))
    skills = next(p for p in parts if p.kind == sections.SKILLS)
    assert skills.lines == []


def test_a_skills_section_with_items_takes_nothing_from_further_on() -> None:
    parts = _parts(*_groups())
    parts[1].lines = [Line("Excel, SQL", size=10)]
    folded = fold_skill_groups(parts)
    contact = next(p for p in folded if p.kind == sections.CONTACT)
    assert [line.text for line in contact.lines][-1] == "Six Sigma"
