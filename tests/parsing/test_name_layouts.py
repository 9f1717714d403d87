"""Names in layouts that put something else first: a section heading, a contact row in
larger type, a stacked name with contact lines between its two lines, a sidebar name that
column reading splits in two."""

from __future__ import annotations

import json
from pathlib import Path

from app.parsing import contacts, parse_file

GENERATED = Path(__file__).resolve().parents[1] / "corpus" / "generated"


def test_a_section_heading_or_entry_label_is_no_name() -> None:
    assert (
        contacts.find_name([("ABOUT", 12.2, False), ("Software professional.", 7, False)]) is None
    )
    assert contacts.find_name([("HIGHLIGHTS", 12.2, False)]) is None


def test_a_contact_row_in_larger_type_does_not_lend_its_place_as_the_name() -> None:
    lines = [
        ("Amélie Dubois", 14.0, False),
        ("Audit Associate", 10.0, False),
        ("•\tLyon, France, FR\t|\t+33 4 58 72 96 13", 16.0, False),
    ]
    assert contacts.find_name(lines) == "Amélie Dubois"


def test_a_stacked_name_with_smaller_contact_lines_between() -> None:
    lines = [
        ("Rohan", 36.0, False),
        ("Bengaluru, India", 10.5, False),
        ("rohan@example.org", 10.5, False),
        ("Venkataraman", 36.0, False),
        ("Software Engineer", 15.0, False),
    ]
    assert contacts.find_name(lines) == "Rohan Venkataraman"


def test_a_sidebar_name_split_by_column_reading() -> None:
    """The generated 'cora' theme: the sidebar's two-line name comes out as its first line
    beside the main column's first heading and its second line after the main column."""
    for stem in ("jsonresume-cora--p002.pdf", "jsonresume-cora--p003.pdf"):
        truth = json.loads((GENERATED / "truth" / f"{stem}.json").read_text())
        assert parse_file(GENERATED / "files" / stem).name == truth["name"]
