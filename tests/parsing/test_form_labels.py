"""A form's field names set flush right in a left column, each on the line of its value
(the Europass layout): the rows are read across, label then value, not as two flows."""

from __future__ import annotations

from app.parsing.pdf_layout import page_lines
from tests.parsing.placed_words import placed_words

ROWS = [
    ("Personal information", ""),
    ("Name / Surname", "Rohan Venkataraman"),
    ("Address", "Hyderabad, India"),
    ("Telephone", "+91 98765 91079"),
    ("Email", "rohan@example.net"),
    ("Work experience", ""),
    ("Dates", "03.2023 – today"),
    ("Occupation or position held", "Operations Manager"),
    ("Main activities and", "Negotiated carrier contracts; Managed a fleet of"),
    ("responsibilities", "45 vehicles; Cut picking errors by 60%"),
    ("Name and address of employer", "Coastal Distribution BV, Hyderabad, India"),
    ("Dates", "02.2020 – 01.2022"),
    ("Occupation or position held", "Supply Chain Analyst"),
    ("Name and address of employer", "Atlas Cargo Pte Ltd, Hyderabad, India"),
]
SIZE = 10.0
EDGE = 193.0  # where every label ends
VALUES = 217.0  # where every value starts


def _page() -> list[dict]:
    words: list[dict] = []
    for index, (label, value) in enumerate(ROWS):
        top = 100 + index * 16
        width = len(label.replace(" ", "")) * SIZE * 0.5 + label.count(" ") * SIZE * 0.3
        words += placed_words(label, EDGE - width, top, SIZE)
        if value:
            words += placed_words(value, VALUES, top, SIZE)
    return words


def test_labels_set_flush_right_are_read_with_their_values() -> None:
    texts = [line.text for line in page_lines(_page(), 595)]
    assert "Name / Surname\tRohan Venkataraman" in texts
    assert "Occupation or position held\tOperations Manager" in texts
    assert "Name and address of employer\tAtlas Cargo Pte Ltd, Hyderabad, India" in texts
