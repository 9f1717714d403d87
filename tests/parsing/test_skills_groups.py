"""Skills lists: group labels printed in their own column, group headings and contact footers."""

from __future__ import annotations

from app.parsing.lines import Line
from app.parsing.parser import _skill_rows
from app.parsing.skills import parse_skills


def test_label_column_without_colon_is_dropped_and_rows_stay_apart() -> None:
    rows = ["Tools Docker, PostgreSQL, Terraform", "Languages Go, Python, Java"]
    assert parse_skills(rows, wrapped=True) == [
        "Docker",
        "PostgreSQL",
        "Terraform",
        "Go",
        "Python",
        "Java",
    ]


def test_lone_labelled_row_loses_its_label_when_the_rest_is_a_known_skill() -> None:
    assert parse_skills(["Languages Python"], wrapped=True) == ["Python"]


def test_two_word_skill_starting_with_a_group_word_is_kept() -> None:
    # One row only, and "Data analysis" is not a label followed by a skill.
    assert parse_skills(["Data analysis, Excel"], wrapped=True) == ["Data analysis", "Excel"]


def test_contact_footer_after_the_list_is_not_skills() -> None:
    rows = ["Negotiation, Cold calling", "", "Lyon, France", "+33 6 31 21 79 80 | a@b.test"]
    assert parse_skills(rows, wrapped=True) == ["Negotiation", "Cold calling"]


def test_bold_group_heading_over_chips_is_not_a_skill() -> None:
    lines = [
        Line("Design", bold=True, new_block=True),
        Line("Prototyping\tSketch\tFigma", new_block=True),
        Line("Typography", new_block=True),
    ]
    assert parse_skills(_skill_rows(lines)) == ["Prototyping", "Sketch", "Figma", "Typography"]


def test_bold_skill_in_a_plain_list_is_kept() -> None:
    lines = [Line("Python", bold=True), Line("Java"), Line("Go")]
    assert parse_skills(_skill_rows(lines)) == ["Python", "Java", "Go"]


def test_larger_group_names_over_single_items_are_not_skills() -> None:
    lines = [
        Line("Systems", size=12.5),
        Line("SAP EWM", size=10.0),
        Line("Oracle WMS", size=10.0),
        Line("Operations", size=12.5),
        Line("Lean", size=10.0),
    ]
    assert parse_skills(_skill_rows(lines)) == ["SAP EWM", "Oracle WMS", "Lean"]


def test_bold_group_names_in_a_plain_list_are_not_skills() -> None:
    lines = [
        Line("Technical", bold=True, size=11),
        Line("SAP", size=11),
        Line("Excel", size=11),
        Line("Analysis", bold=True, size=11),
        Line("Forecasting", size=11),
    ]
    assert parse_skills(_skill_rows(lines)) == ["SAP", "Excel", "Forecasting"]


def test_same_size_plain_list_is_kept_whole() -> None:
    lines = [Line("Python", size=10), Line("Go", size=10), Line("Rust", size=10)]
    assert parse_skills(_skill_rows(lines)) == ["Python", "Go", "Rust"]


def test_short_rows_that_did_not_wrap_stay_apart() -> None:
    # "Code" would have fitted after "Go": the first row ended there, it did not wrap.
    rows = ["Rust, Python, Go", "Code review, CI/CD, Observability"]
    assert parse_skills(rows, wrapped=True) == [
        "Rust",
        "Python",
        "Go",
        "Code review",
        "CI/CD",
        "Observability",
    ]


def test_full_rows_and_trailing_commas_wrap_onto_the_next() -> None:
    rows = ["Sales: HubSpot, Negotiation,", "Salesforce, Pipeline", "management, Cold calling"]
    assert parse_skills(rows, wrapped=True) == [
        "HubSpot",
        "Negotiation",
        "Salesforce",
        "Pipeline management",
        "Cold calling",
    ]


def test_lone_bold_first_row_heads_the_list() -> None:
    lines = [
        Line("Operations", bold=True, new_block=True),
        Line("Route planning", new_block=True),
        Line("Inventory control"),
        Line("Six Sigma"),
    ]
    assert parse_skills(_skill_rows(lines)) == ["Route planning", "Inventory control", "Six Sigma"]


def test_lone_labelled_row_of_dotted_items_loses_its_label() -> None:
    # The label's first item ends at the middle dot, not at a comma.
    assert parse_skills(["Languages Python · Go · SQL"], wrapped=True) == ["Python", "Go", "SQL"]
