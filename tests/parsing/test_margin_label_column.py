"""A left margin that holds only the section names, each on the row of its section's first
entry, with the entries' own first rows set larger than the body text."""

from __future__ import annotations

from app.parsing.pdf_layout import page_lines
from tests.parsing.placed_words import placed_words

HEAD, ENTRY, BODY = 13.0, 10.8, 8.7
MARGIN, MAIN = 80.0, 193.0


def _page() -> list[dict]:
    """Three sections (Education, Work, Skills) in a margin beside their entries."""
    words = placed_words("Rohan Banerjee", MARGIN, 60, 26)
    words += placed_words("Graphic Designer", MARGIN, 92, 16)
    top = 150.0
    for heading, entry, lines in (
        ("Education", "Anna University", ["Bachelor of Arts in Interaction Design"]),
        ("Work", "Fieldnote Design", ["Graphic Designer", "Ran 60 usability sessions"]),
        ("Skills", "Research", []),
    ):
        words += placed_words(heading, MARGIN, top, HEAD)
        words += placed_words(entry, MAIN, top + 1.5, ENTRY)
        if heading != "Skills":
            words += placed_words("January 2017 - January 2020", 430, top + 3, 7.6)
        for line in lines:
            top += 14
            words += placed_words(line, MAIN + 30, top, BODY)
        for _ in range(3):  # the body text of the entry
            top += 11
            words += placed_words("Built the company design system", MAIN + 30, top, BODY)
        top += 30
    return words


def test_margin_headings_are_read_before_their_own_entries() -> None:
    texts = [line.text for line in page_lines(_page(), 600)]
    for heading, first in (
        ("Education", "Anna University"),
        ("Work", "Fieldnote Design"),
        ("Skills", "Research"),
    ):
        at = texts.index(heading)
        assert texts[at + 1].startswith(first), texts


def test_the_entry_row_keeps_its_own_type_size() -> None:
    lines = page_lines(_page(), 600)
    research = next(line for line in lines if line.text.startswith("Research"))
    assert research.size == ENTRY
