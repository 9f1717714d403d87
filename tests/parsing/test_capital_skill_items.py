"""Skills in capitals one to a line, set exactly like all-capital section headings."""

from __future__ import annotations

from app.parsing import sections
from app.parsing.lines import Line


def _heading(text: str) -> Line:
    return Line(text, size=10.5, new_block=True)


def _lines() -> list[Line]:
    body = "Reconciled the ledgers of three subsidiaries every month for the group"
    return [
        Line("Ana Example", size=20),
        _heading("EXPERIENCE"),
        Line("Acme Ltd", size=10.5, bold=True),
        Line(body, size=9),
        _heading("SKILLS"),
        Line("US GAAP", size=10.5, new_block=True),
        Line("Excel", size=10.5, new_block=True),
        Line("SAP EWM", size=10.5, new_block=True),
        Line("SAP", size=10.5, new_block=True),
        _heading("PUBLICATIONS"),
        Line("A paper on ledgers", size=9),
    ]


def test_capital_skills_stay_in_the_skills_section() -> None:
    parts = sections.split_sections(_lines())
    skills = [s for s in parts if s.kind == sections.SKILLS]
    assert len(skills) == 1
    assert [line.text for line in skills[0].lines] == ["US GAAP", "Excel", "SAP EWM", "SAP"]


def test_an_unknown_heading_in_the_same_type_still_ends_the_list() -> None:
    parts = sections.split_sections(_lines())
    assert parts[-1].kind == sections.OTHER and parts[-1].heading == "PUBLICATIONS"
