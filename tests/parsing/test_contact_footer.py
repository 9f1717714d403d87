"""A contact line printed in a page footer: its place is the location, and it neither
hides the skills list it follows nor adds items to it."""

from __future__ import annotations

import json
from pathlib import Path

from app.parsing import parse_file
from app.parsing.lines import Line
from app.parsing.parser import _skill_rows

GENERATED = Path(__file__).resolve().parents[1] / "corpus" / "generated"


def test_a_footer_contact_line_after_the_skills() -> None:
    rows = _skill_rows(
        [
            Line("IV therapy\tMedication administration\tTriage", size=10),
            Line("01 60 79 67 68 c.o@mailbox.example Paris, France", size=8.5, new_block=True),
        ]
    )
    assert rows[0] == "IV therapy\tMedication administration\tTriage"


def test_generated_timeline_layout_reads_the_footer() -> None:
    """The generated 'timeline' layout: contact line in the footer, skills as chips."""
    for stem in ("html-timeline--p000.pdf", "html-timeline--p001.pdf"):
        truth = json.loads((GENERATED / "truth" / f"{stem}.json").read_text())
        parsed = parse_file(GENERATED / "files" / stem)
        assert parsed.location and truth["location"].split(",")[0] in parsed.location
        assert sorted(parsed.skills) == sorted(truth["skills"])


def test_chip_rows_under_smaller_group_names_are_the_items() -> None:
    """Group names in smaller type than their chip rows: the rows hold the type of the list."""
    rows = _skill_rows(
        [
            Line("Systems", size=9),
            Line("Power BI\tOracle WMS", size=10),
            Line("Operations", size=9, new_block=True),
            Line("Inventory control\tRoute planning\tSix Sigma", size=10),
        ]
    )
    assert "Power BI\tOracle WMS" in rows
    assert "Inventory control\tRoute planning\tSix Sigma" in rows


def test_group_names_set_like_their_chips_are_no_skills() -> None:
    lines = [
        Line("Systems", size=12, bold=True, new_block=True),
        Line("Cerner\tEpic", size=12, bold=True, new_block=True),
        Line("Clinical", size=12, bold=True, new_block=True),
        Line("Wound care\tIV therapy\tTriage", size=12, bold=True, new_block=True),
    ]
    rows = [r for r in _skill_rows(lines) if r]
    assert rows == ["Cerner\tEpic", "Wound care\tIV therapy\tTriage"]


def test_a_chip_rows_wrapped_last_item_stays_a_skill() -> None:
    lines = [
        Line("Kubernetes\tDocker\tAWS", size=9.7, new_block=True),
        Line("PostgreSQL", size=9.7, new_block=True),
        Line("CI/CD\tCode review", size=9.7, new_block=True),
        Line("TDD", size=9.7, new_block=True),
        Line("Rust\tGo", size=9.7, new_block=True),
    ]
    assert "PostgreSQL" in _skill_rows(lines) and "TDD" in _skill_rows(lines)
