"""A lone skill group's name over its items, and entry dates read into a skills list."""

from __future__ import annotations

from app.parsing.lines import Line
from app.parsing.parser import _skill_rows
from app.parsing.skills import parse_skills


def _skills(lines: list[Line]) -> list[str]:
    return parse_skills(_skill_rows(lines), wrapped=True)


def test_group_name_over_a_row_of_chips_in_the_same_type_is_not_a_skill() -> None:
    lines = [Line("Systems", size=12, bold=True), Line("Oracle WMS\tPower BI", size=12, bold=True)]
    assert _skills(lines) == ["Oracle WMS", "Power BI"]


def test_smaller_group_name_over_chips_is_not_a_skill() -> None:
    lines = [Line("Technical", size=9), Line("Excel\tFinancial modelling", size=10)]
    assert _skills(lines) == ["Excel", "Financial modelling"]


def test_bold_group_name_over_one_item_a_line_is_not_a_skill() -> None:
    lines = [
        Line("Practices", size=10, bold=True, new_block=True),
        Line("TDD", size=10),
        Line("Code review", size=10),
        Line("CI/CD", size=10),
    ]
    assert _skills(lines) == ["TDD", "Code review", "CI/CD"]


def test_group_names_between_comma_lists_keep_the_lists_apart() -> None:
    lines = [
        Line("Tools", size=10, new_block=True),
        Line("Docker, Git, AWS, Terraform, Kubernetes", size=10),
        Line("Languages", size=10, new_block=True),
        Line("Go, SQL, TypeScript", size=10),
    ]
    assert _skills(lines) == [
        "Docker",
        "Git",
        "AWS",
        "Terraform",
        "Kubernetes",
        "Go",
        "SQL",
        "TypeScript",
    ]


def test_group_word_as_an_item_of_a_plain_list_is_kept() -> None:
    # "Research" in the list's own type, over another single item: a skill like the rest.
    lines = [Line("Research", size=10), Line("Marketing", size=10), Line("SEO", size=10)]
    assert _skills(lines) == ["Research", "Marketing", "SEO"]


def test_group_word_wrapped_from_a_row_of_chips_is_kept() -> None:
    lines = [
        Line("Figma\tSketch", size=10, new_block=True),
        Line("Research", size=10),
        Line("Prototyping\tTypography", size=10),
    ]
    assert "Research" in _skills(lines)


def test_entry_dates_read_into_the_list_are_not_skills() -> None:
    rows = ["Jun 2022 - Present\tPython", "Feb 2023", "", "Go, SQL", "", "Windows 2019"]
    assert parse_skills(rows, wrapped=True) == ["Python", "Go", "SQL", "Windows 2019"]


def test_lower_case_tail_of_a_wrapped_item_joins_it() -> None:
    rows = ["Sales — Cold calling · Salesforce · Pipeline", "management"]
    assert parse_skills(rows, wrapped=True) == ["Cold calling", "Salesforce", "Pipeline management"]


def test_one_item_a_line_wrapped_in_a_narrow_column_joins() -> None:
    rows = ["Assessment", "Classroom", "management", "Differentiation"]
    assert parse_skills(rows, wrapped=True) == [
        "Assessment",
        "Classroom management",
        "Differentiation",
    ]


def test_lower_case_lists_and_known_lower_case_skills_stay_apart() -> None:
    assert parse_skills(["python", "docker"], wrapped=True) == ["python", "docker"]
    assert parse_skills(["React", "npm"], wrapped=True) == ["React", "npm"]


def test_known_skill_beside_the_next_group_name_is_kept() -> None:
    # Two groups side by side; the left column is longer, so the right column's next group
    # name ("Practices", set larger) shares a row with the left column's last item.
    lines = [
        Line("Languages\tTools", size=9.7),
        Line("Python\tAWS", size=7.6),
        Line("Java", size=7.6),
        Line("Go\tPractices", size=9.7),
        Line("TypeScript\tCI/CD", size=7.6),
    ]
    assert _skills(lines) == ["Python", "AWS", "Java", "Go", "TypeScript", "CI/CD"]


def test_group_name_ending_in_a_colon_over_its_items_is_not_a_skill() -> None:
    lines = [Line("Tools:", size=10), Line("Docker, Git, AWS", size=10)]
    assert _skills(lines) == ["Docker", "Git", "AWS"]
