"""Rows whose items are parted only by a gap wider than a word space: pills padded under an
em apart, and two labelled lists set side by side in newspaper columns."""

from __future__ import annotations

from app.parsing.lines import Line
from app.parsing.parser import _skill_rows
from app.parsing.pdf_layout import page_lines
from app.parsing.skills import parse_skills
from tests.parsing.placed_words import placed_words

SIZE = 10.0


def _items(items: list[str], gap: float, x0: float = 40.0, top: float = 100.0) -> list[dict]:
    """Words of ``items`` on one row: word spaces (0.3 em) inside an item, ``gap`` ems
    between items."""
    words: list[dict] = []
    for item in items:
        placed = placed_words(item, x0, top, SIZE)
        words += placed
        x0 = placed[-1]["x1"] + gap * SIZE
    return words


def _texts(words: list[dict]) -> list[str]:
    return [line.text for line in page_lines(words, 600)]


def _skills(texts: list[str]) -> list[str]:
    return parse_skills(_skill_rows([Line(t, size=SIZE) for t in texts]), wrapped=True)


def test_pills_under_an_em_apart_split_where_items_have_word_spaces() -> None:
    words = _items(["TDD", "Code review", "CI/CD"], gap=0.69)
    assert _texts(words) == ["TDD\tCode review\tCI/CD"]


def test_two_pills_one_of_two_words_split() -> None:
    assert _texts(_items(["Moodle", "Google Classroom"], gap=0.69)) == ["Moodle\tGoogle Classroom"]


def test_evenly_spaced_phrase_stays_whole() -> None:
    assert _texts(_items(["Built the company design system"], gap=0.3)) == [
        "Built the company design system"
    ]


def test_justified_line_with_every_space_stretched_stays_whole() -> None:
    words = _items(["Reduced", "patient", "falls", "through", "hourly", "rounding"], gap=0.69)
    assert _texts(words) == ["Reduced patient falls through hourly rounding"]


def test_sentence_with_one_loose_space_and_a_stop_is_not_tags() -> None:
    words = _items(["Led the", "statutory audit of", "three subsidiaries."], gap=0.69)
    assert "\t" not in _texts(words)[0]


def _labelled(label: str, items: str, x0: float) -> list[dict]:
    """ "Label: a, b" with the colon's space 0.65 em wide, as a bold label sets it."""
    head = placed_words(f"{label}:", x0, 100, SIZE)
    return head + placed_words(items, head[-1]["x1"] + 0.65 * SIZE, 100, SIZE)


def test_labelled_lists_side_by_side_part_at_the_gutter() -> None:
    left = _labelled("Systems", "Oracle WMS, Power BI, SAP EWM", 40)
    right = _labelled("Operations", "Six Sigma, Lean", left[-1]["x1"] + 1.4 * SIZE)
    texts = _texts(left + right)
    assert texts == ["Systems: Oracle WMS, Power BI, SAP EWM\tOperations: Six Sigma, Lean"]
    assert _skills(texts) == ["Oracle WMS", "Power BI", "SAP EWM", "Six Sigma", "Lean"]


def test_each_labelled_cell_of_a_row_loses_its_label() -> None:
    rows = ["Languages(advanced): Python, Go\tTools(master): Terraform, Docker,", "AWS"]
    assert _skills(rows) == ["Python", "Go", "Terraform", "Docker", "AWS"]


def test_wrap_of_the_left_list_is_not_glued_to_the_right_lists_last_item() -> None:
    rows = [
        "Operations: Route planning, Six Sigma,\tSystems(intermediate): Oracle WMS, SAP EWM",
        "Inventory control, Lean",
    ]
    assert _skills(rows) == [
        "Route planning",
        "Six Sigma",
        "Oracle WMS",
        "SAP EWM",
        "Inventory control",
        "Lean",
    ]


def _prose(top: float) -> list[dict]:
    """A row of prose with ordinary word spaces (0.3 em)."""
    return placed_words("Coordinated care for a surgical ward of 28 beds", 40, top, SIZE)


def test_single_word_tags_evenly_apart_split_against_the_pages_word_space() -> None:
    words = _prose(60) + _items(["Terraform", "AWS", "Docker"], gap=0.7, top=100)
    assert _texts(words)[1] == "Terraform\tAWS\tDocker"


def test_single_word_tags_on_a_page_of_tags_split_too() -> None:
    # The word spaces inside the one two-word tag tell the page's spacing.
    words = _items(["TDD", "Code review", "CI/CD"], gap=0.7, top=60)
    words += _items(["Terraform", "AWS", "Docker"], gap=0.7, top=100)
    assert _texts(words) == ["TDD\tCode review\tCI/CD", "Terraform\tAWS\tDocker"]


def test_short_stretched_line_of_prose_is_not_tags() -> None:
    words = _prose(60) + _items(["Managed", "forty", "vehicles."], gap=0.7, top=100)
    assert _texts(words)[1] == "Managed forty vehicles."


def test_unevenly_spaced_short_row_is_not_tags() -> None:
    words = _prose(60) + _items(["Senior", "Account", "Manager"], gap=0.7, top=100)
    words[-1]["x0"] += 6  # one gap near an em and a half, the other 0.7 em
    words[-1]["x1"] += 6
    assert "\t" not in _texts(words)[1].split("Account")[0]


def test_years_spaced_wide_are_not_tags() -> None:
    words = _prose(60) + _items(["2008", "to", "2009"], gap=0.7, top=100)
    words += _items(["Controller", "Paris"], gap=0.3, top=140)
    assert _texts(words)[1] == "2008 to 2009"


def test_a_date_set_looser_than_the_title_beside_it_stays_whole() -> None:
    title = placed_words("Senior Software Engineer", 40, 100, SIZE)
    dates = _items(["Jan", "2023", "-", "Present"], gap=0.6, x0=400, top=100)
    texts = _texts(_prose(60) + title + dates)
    assert texts[1] == "Senior Software Engineer\tJan 2023 - Present"


def test_tracked_capitals_are_not_tags() -> None:
    words = _prose(60) + _items(["SENIOR", "SOFTWARE", "ENGINEER"], gap=0.8, top=100)
    assert _texts(words)[1] == "SENIOR SOFTWARE ENGINEER"
