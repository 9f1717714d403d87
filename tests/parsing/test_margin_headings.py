"""Section headings set in the margin beside the first entry become lines of their own."""

from __future__ import annotations

from app.parsing.pdf_layout import page_lines


def _word(text: str, x0: float, top: float, size: float) -> dict:
    return {
        "text": text,
        "x0": x0,
        "x1": x0 + len(text) * size * 0.5,
        "top": top,
        "bottom": top + size,
        "size": size,
        "fontname": "Helvetica",
    }


def _body(top: float) -> list[dict]:
    return [
        _word("Ran", 200, top, 10),
        _word("usability", 220, top, 10),
        _word("tests", 270, top, 10),
    ]


def test_a_large_heading_beside_the_first_entry_is_split_off() -> None:
    words = [_word("Work", 40, 100, 20), _word("UX", 200, 102, 16), _word("Designer", 225, 102, 16)]
    for n in range(6):
        words += _body(140 + 14 * n)
    texts = [line.text for line in page_lines(words, 600)]
    assert texts[:2] == ["Work", "UX Designer"]


def test_an_employer_with_smaller_dates_or_place_stays_one_line() -> None:
    words = [
        _word("IBM", 40, 100, 11.5),
        _word("Boulder,", 400, 101, 9),
        _word("Colorado", 445, 101, 9),
        _word("Acme", 40, 120, 13),
        _word("04/2022", 400, 121, 8),
        _word("-", 440, 121, 8),
        _word("12/2022", 450, 121, 8),
    ]
    for n in range(6):
        words += _body(140 + 14 * n)
    texts = [line.text for line in page_lines(words, 600)]
    assert texts[:2] == ["IBM\tBoulder, Colorado", "Acme\t04/2022 - 12/2022"]
