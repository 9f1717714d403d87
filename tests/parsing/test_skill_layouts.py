"""Skills set the ways word processors and templates set them beyond a comma list:
small-capital headings, proficiency words and ratings beside each skill, a category column
in a table, and labelled rows under a general heading."""

from __future__ import annotations

from app.parsing.pdf_layout import page_lines


def _word(text: str, x0: float, size: float, top: float = 100.0) -> dict:
    width = 0.6 * size * len(text)
    return {
        "text": text,
        "x0": x0,
        "x1": x0 + width,
        "top": top,
        "bottom": top + size,
        "size": size,
        "fontname": "Serif-Bold",
    }


def test_small_capitals_drawn_as_capitals_are_one_word() -> None:
    # "Experience" in small capitals: a full-size "E", then "XPERIENCE" smaller, touching.
    first = _word("E", 70.0, 11.0)
    tail = _word("XPERIENCE", first["x1"] + 0.05, 8.8, top=102.2)
    texts = [line.text for line in page_lines([first, tail], 600.0)]
    assert texts == ["EXPERIENCE"]
    work = _word("W", 70.0, 11.0)
    ork = _word("ORK", work["x1"] + 0.05, 8.8, top=102.2)
    second = _word("H", ork["x1"] + 3.0, 11.0)
    istory = _word("ISTORY", second["x1"] + 0.05, 8.8, top=102.2)
    texts = [line.text for line in page_lines([work, ork, second, istory], 600.0)]
    assert texts == ["WORK HISTORY"]
