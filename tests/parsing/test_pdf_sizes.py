"""Font sizes checked against the drawn height of the letters.

Some browsers' PDFs give a text object a size its matrix does not scale as drawn (body text
reported at 47 pt). The size then decides headings, names and the width of a word gap, so
the drawn height wins when the two disagree.
"""

from __future__ import annotations

from pathlib import Path

from app.parsing import parse_file
from app.parsing.extract import extract

GENERATED = Path(__file__).resolve().parents[1] / "corpus" / "generated" / "files"


def test_sizes_follow_the_drawn_letters() -> None:
    lines = extract(GENERATED / "jsonresume-kendall--p000.pdf").lines
    by_text = {line.text: line for line in lines}
    assert "September 2024 – Present" in by_text  # word gaps judged at the right size
    assert by_text["September 2024 – Present"].size < 14
    assert by_text["JUN-HO LIM"].size > by_text["STAFF ENGINEER"].size


def test_the_name_is_not_glued_to_a_mis_sized_headline() -> None:
    assert parse_file(GENERATED / "jsonresume-kendall--p000.pdf").name == "Jun-Ho Lim"
