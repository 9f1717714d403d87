"""A group label set in a margin column before its comma list, the gap between them under
the wide threshold that the list's commas ask for: the label is a cell of its own."""

from __future__ import annotations

from app.parsing.pdf_layout import page_lines
from tests.parsing.placed_words import placed_word


def _words(texts: list[tuple[str, float]], top: float = 100, size: float = 10.9) -> list[dict]:
    """Words at the given left edges, each 0.5 em a letter."""
    return [placed_word(text, x0, top, size, "LMSans10-Regular") for text, x0 in texts]


def _spaced(texts: list[str], x0: float, space: float = 3.6, size: float = 10.9):
    out = []
    for text in texts:
        out.append((text, x0))
        x0 += len(text) * size * 0.5 + space
    return out


def _text(words: list[dict]) -> str:
    return page_lines(words, 612)[0].text


def test_label_before_its_list_in_a_margin_column_is_a_cell() -> None:
    # "Operations" ends at 121.7, the list starts at the body column 9 points on (0.8 em),
    # three times the row's word space.
    row = _spaced(["Operations"], 67) + _spaced(["Inventory", "control,", "Six", "Sigma,"], 130.7)
    assert _text(_words(row)) == "Operations\tInventory control, Six Sigma,"


def test_short_row_of_a_label_and_three_items_is_split_too() -> None:
    row = _spaced(["Languages"], 67) + _spaced(["Spanish,", "French,", "English"], 125)
    assert _text(_words(row)) == "Languages\tSpanish, French, English"


def test_stretched_line_beside_unstretched_dates_is_not_split() -> None:
    # Several wide spaces (a justified entry line) before dates set tight: no lone gap.
    row = _spaced(["Financial", "Analyst", "Crestview", "Bank,"], 166, space=14)
    end = row[-1][1] + len(row[-1][0]) * 10.9 * 0.5
    row += _spaced(["Jul", "2020", "–", "Dec", "2021", "(1", "yr", "5", "mos)"], end + 8, space=4)
    assert "\t" not in _text(_words(row))


def test_evenly_spaced_list_stays_one_run() -> None:
    row = _spaced(["Inventory", "control,", "Six", "Sigma,", "Lean"], 67)
    assert _text(_words(row)) == "Inventory control, Six Sigma, Lean"


def test_items_of_two_small_columns_an_em_apart_are_two_cells() -> None:
    # 7.6-point type: the gap of about an em is under the 8-point floor for items.
    row = _spaced(["Curriculum", "design"], 560, space=2, size=7.6)
    row += _spaced(["Google", "Classroom"], 560 + 10 * 3.8 + 2 + 6 * 3.8 + 7.7, space=2, size=7.6)
    assert _text(_words(row, size=7.6)) == "Curriculum design\tGoogle Classroom"
