"""Section headings set in the margin beside the first entry become lines of their own."""

from __future__ import annotations

from app.parsing.pdf_layout import page_lines
from tests.parsing.placed_words import placed_word


def _word(text: str, x0: float, top: float, size: float) -> dict:
    return placed_word(text, x0, top, size)


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
        _word("04/2022", 400, 125, 8),  # smaller type on the same baseline
        _word("-", 440, 125, 8),
        _word("12/2022", 450, 125, 8),
    ]
    for n in range(6):
        words += _body(140 + 14 * n)
    texts = [line.text for line in page_lines(words, 600)]
    assert texts[:2] == ["IBM\tBoulder, Colorado", "Acme\t04/2022 - 12/2022"]


def test_synthesised_small_capitals_read_as_one_word() -> None:
    """Small caps drawn as a full-size capital plus a smaller run ("C" + "ontact")."""
    words = [
        _word("W", 40, 100, 12.7),
        {**_word("ork", 47.5, 101, 9), "x0": 47.5},
        _word("E", 70, 100, 12.7),
        {**_word("xperience", 77.5, 101, 9), "x0": 77.5},
    ]
    words[0]["x1"] = 46.5  # a gap of 1 pt, as a browser prints small caps
    words[2]["x1"] = 76.5
    words[1]["x1"], words[3]["x1"] = 65, 120
    assert [line.text for line in page_lines(words, 600)] == ["Work Experience"]
    words[1]["x0"] = 60  # a real space after a lone capital stays
    assert [line.text for line in page_lines(words, 600)] == ["W ork Experience"]


def test_headings_in_a_margin_column_open_their_sections() -> None:
    from app.parsing.lines import Line
    from app.parsing.sections import EDUCATION, EXPERIENCE, split_sections

    lines = [
        Line("Ana Ruiz", size=15),
        Line("EXPERIENCE\tMonocle & Pine, Junior Designer\t2022-01 — 2026-05", size=9),
        Line("Ran 60 usability sessions", size=9),
        Line("EDUCATION\tTechnische Universität München\t2013 — 2016", size=9),
        Line("Bachelor of Arts in Graphic Design", size=9),
    ]
    sections = split_sections(lines)
    assert [(s.kind, [line.text for line in s.lines]) for s in sections[1:]] == [
        (
            EXPERIENCE,
            ["Monocle & Pine, Junior Designer\t2022-01 — 2026-05", "Ran 60 usability sessions"],
        ),
        (
            EDUCATION,
            ["Technische Universität München\t2013 — 2016", "Bachelor of Arts in Graphic Design"],
        ),
    ]


def test_one_tabbed_row_starting_with_a_section_word_is_left_alone() -> None:
    from app.parsing.lines import Line
    from app.parsing.sections import split_sections

    lines = [Line("Ana Ruiz", size=15), Line("Research\tAcme Labs\t2020 — 2022", size=9)]
    assert [s.kind for s in split_sections(lines)] == ["header"]


def test_small_type_beside_a_large_name_is_its_own_rows() -> None:
    """An address block two lines high set right of a large name (moderncv's header)."""
    words = [
        _word("Jane", 40, 30, 34),
        _word("Berlin,", 470, 42, 10),
        _word("Germany", 505, 42, 10),
        _word("030", 485, 54, 10),
        _word("0521538", 505, 54, 10),
    ]
    assert [line.text for line in page_lines(words, 600)] == [
        "Jane",
        "Berlin, Germany",
        "030 0521538",
    ]


def test_employers_set_like_the_headings_stay_in_the_experience() -> None:
    from app.parsing.lines import Line
    from app.parsing.sections import EXPERIENCE, OTHER, split_sections

    heading = dict(size=14.0, bold=True)
    lines = [
        Line("Daan Jansen", size=24, bold=True),
        Line("Design professional with 22 years of experience.", size=12),
        Line("Work Experience", **heading),
        Line("Paperplane Agency", **heading),
        Line("Design Lead", size=12, bold=True),
        Line("2024 - 2026", size=12),
        Line("Built the company design system", size=12),
        Line("Publications", **heading),
        Line("Design systems at scale, 2021", size=12),
    ]
    kinds = [(s.kind, s.heading) for s in split_sections(lines)[1:]]
    assert kinds == [(EXPERIENCE, "Work Experience"), (OTHER, "Publications")]


def test_a_heading_beside_a_sidebar_email_is_its_own_line() -> None:
    """A small e-mail in the sidebar on the row of the main column's large first heading."""
    from app.parsing import sections

    words = [_word("Jane", 40, 20, 24), _word("Roe", 120, 20, 24)]
    words += [_word("jane@example.net", 54, 100, 10), _word("Experience", 166, 98, 14)]
    words += [_word("Acme", 166, 120, 11), _word("Ltd,", 200, 120, 11)]
    words += [_word("Engineer,", 235, 120, 11), _word("2020", 300, 120, 11)]
    words += [_word("-", 325, 120, 11), _word("2024", 335, 120, 11)]
    words += [_word("Built", 166, 135, 10), _word("the", 195, 135, 10)]
    words += [_word("billing", 215, 135, 10), _word("pipeline", 255, 135, 10)]
    lines = page_lines(words, 600)
    assert [line.text for line in lines][1] == "jane@example.net\tExperience"
    parts = sections.split_sections(lines)
    assert "jane@example.net" in [line.text for line in parts[0].lines]
    assert parts[1].kind == sections.EXPERIENCE


def test_a_symbol_font_bullet_opening_a_row_is_kept_as_a_bullet() -> None:
    """LibreOffice draws list bullets as a private-use glyph of OpenSymbol."""
    words = [_word("Core", 90, 100, 12), _word("Skills", 125, 100, 12)]
    words += [_word("\uf0b7", 90, 120, 10), _word("Rust,", 108, 120, 10), _word("Go", 140, 120, 10)]
    words += [_word("\uf0b7", 90, 135, 10), _word("Code", 108, 135, 10)]
    words += [_word("review", 135, 135, 10)]
    texts = [line.text for line in page_lines(words, 600)]
    assert texts == ["Core Skills", "• Rust, Go", "• Code review"]
