"""A header band above two columns: the name left and a contact block right that runs a
line or two below the name. Where both columns open with a heading side by side, the rows
above are the header, read before the columns, not the top of the right column."""

from __future__ import annotations

from app.parsing.pdf_layout import page_lines
from tests.parsing.placed_words import placed_words

SIZE = 10.0


def _right(text: str, top: float) -> list[dict]:
    width = len(text.replace(" ", "")) * SIZE * 0.5 + text.count(" ") * SIZE * 0.3
    return placed_words(text, 540 - width, top, SIZE)


def _page() -> list[dict]:
    words = placed_words("Anna-Lena Schäfer", 50, 50, 24)
    words += _right("+31 10 019 7746", 52) + _right("anna@mailbox.example", 66)
    words += placed_words("Ward Manager", 50, 78, 12) + _right("Rotterdam, Netherlands", 92)
    words += placed_words("Experience", 50, 120, 14) + placed_words("Skills", 420, 120, 14)
    main = [
        "Mercy Valley Clinic, Amsterdam",
        "Ward Manager, Feb 2025 to present",
        "• Reduced patient falls by a quarter",
        "Lakeshore Medical Centre, Utrecht",
        "Charge Nurse, Jan 2016 to Jan 2021",
        "• Coordinated care for a surgical ward",
        "Education",
        "Erasmus Universiteit, M.S. Nursing",
    ]
    side = ["Systems", "Epic", "Cerner", "Clinical", "Triage", "Wound care"]
    for index, text in enumerate(main):
        words += placed_words(text, 50, 140 + index * 14, SIZE)
    for index, text in enumerate(side):
        words += placed_words(text, 420, 140 + index * 14, SIZE)
    return words


def test_a_contact_line_below_the_name_stays_in_the_header() -> None:
    texts = [line.text for line in page_lines(_page(), 595)]
    assert texts.index("Rotterdam, Netherlands") < texts.index("Experience")
    assert texts.index("Epic") > texts.index("Erasmus Universiteit, M.S. Nursing")
