"""Items set an em apart with no separator (tag clouds, inline keyword rows) stay apart,
and a section with entries of its own is never folded into skills as a group."""

from __future__ import annotations

from app.parsing import sections
from app.parsing.lines import Line
from app.parsing.pdf_layout import page_lines
from app.parsing.skill_groups import fold_skill_groups


def _row(items: list[str], top: float, size: float = 10, gap: float = 11) -> list[dict]:
    """Words of ``items`` on one row: a word space inside an item, ``gap`` between items."""
    words, x = [], 40.0
    for item in items:
        for k, text in enumerate(item.split()):
            if k:
                x += size * 0.27
            width = len(text) * size * 0.5
            words.append(
                {
                    "text": text,
                    "x0": x,
                    "x1": x + width,
                    "top": top,
                    "bottom": top + size,
                    "size": size,
                    "fontname": "Helvetica",
                }
            )
            x += width
        x += gap
    return words


def _texts(words: list[dict]) -> list[str]:
    return [line.text for line in page_lines(words, 600)]


def test_tags_an_em_apart_become_tab_separated_items() -> None:
    texts = _texts(_row(["Java", "Go", "Code review", "CI/CD"], 100))
    assert texts == ["Java\tGo\tCode review\tCI/CD"]


def test_single_word_tags_an_em_apart_split_too() -> None:
    assert _texts(_row(["AWS", "Terraform", "Git"], 100, size=12, gap=13)) == [
        "AWS\tTerraform\tGit"
    ]


def test_ordinary_word_spacing_stays_one_phrase() -> None:
    assert _texts(_row(["Led the statutory audit"], 100)) == ["Led the statutory audit"]


def test_justified_prose_with_stretched_spaces_is_not_split() -> None:
    words = _row(["Senior", "Accountant ,", "Crestview", "Bank ,", "Utrecht,"], 100, gap=9)
    assert "\t" not in _texts(words)[0]


def test_letter_spaced_capitals_are_not_split_into_items() -> None:
    words = _row(["W", "O", "R", "K"], 100, gap=4)
    words += _row(["E", "X", "P", "E", "R"], 100, gap=4)
    shift = words[3]["x1"] + 11 - words[4]["x0"]  # an em between the words
    for w in words[4:]:
        w["x0"] += shift
        w["x1"] += shift
    assert "\t" not in _texts(words)[0]


def test_two_items_an_em_apart_are_not_enough_to_split() -> None:
    assert _texts(_row(["Core", "Skills"], 100, gap=9)) == ["Core Skills"]


def _section(kind: str, heading: str, *texts: str) -> sections.Section:
    return sections.Section(kind, heading, [Line(t) for t in texts])


def test_education_after_skill_groups_is_not_a_group() -> None:
    parts = [
        _section(sections.SKILLS, "Skills"),
        _section(sections.OTHER, "Sales", "Salesforce\tHubSpot\tNegotiation"),
        _section(sections.OTHER, "Languages", "Spanish\tEnglish"),
        _section(sections.EDUCATION, "Education", "MSc, University of Leeds", "2016 - 2017"),
    ]
    folded = fold_skill_groups(parts)
    assert [s.kind for s in folded] == [sections.SKILLS, sections.EDUCATION]
    assert [line.text for line in folded[1].lines] == ["MSc, University of Leeds", "2016 - 2017"]


def test_loose_word_spaces_inside_items_stay_spaces() -> None:
    words = _row(["Wound care", "IV therapy", "Triage"], 100, size=12, gap=12.7)
    shift = 0.0
    for w in words:  # a wide face: its word spaces are two thirds of an em
        if w["text"] in ("care", "therapy"):
            shift += 5
        w["x0"] += shift
        w["x1"] += shift
    assert _texts(words) == ["Wound care\tIV therapy\tTriage"]


def test_a_dash_between_dates_is_not_an_item_boundary() -> None:
    words = _row(["04/2022", "-", "12/2022", "Remote"], 100, gap=9)
    assert _texts(words)[0].startswith("04/2022 - 12/2022")
