"""Skills set in columns by tab stops ("Medication administration <tab> Triage <tab> IV
therapy"): an item that nearly fills its column leaves only a short gap before the next
column, which still parts two items when the row's other gap is a column's width."""

from __future__ import annotations

from app.parsing.pdf_layout import page_lines
from tests.parsing.placed_words import placed_word

SIZE = 11.0


def _row(items: list[tuple[str, float]]) -> list[dict]:
    """Words at the given left edges, each 0.5 em a letter, 0.3 em between words."""
    words = []
    for text, x0 in items:
        for token in text.split():
            word = placed_word(token, x0, 100, SIZE)
            words.append(word)
            x0 = word["x1"] + SIZE * 0.3
    return words


def test_a_short_gap_before_a_tab_stop_parts_two_items() -> None:
    # "Medication administration" ends at 225.3; the next stop is 8 points on (0.7 em).
    row = _row([("Medication administration", 90), ("Triage", 233.3), ("IV therapy", 402)])
    assert page_lines(row, 612)[0].text == "Medication administration\tTriage\tIV therapy"


def test_a_line_of_word_spaces_beside_a_column_stays_one_run() -> None:
    row = _row([("Led the statutory audit", 90), ("2019", 480)])
    assert page_lines(row, 612)[0].text == "Led the statutory audit\t2019"
