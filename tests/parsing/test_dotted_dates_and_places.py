"""Dotted dates on a line of their own ("10.2021 – today") are dates, not a numbered list
item; a year in brackets after a school leaves no bracket; "TITLE — Company, City, Country"
keeps the place out of the company."""

from __future__ import annotations

from app.parsing.education import parse_education
from app.parsing.history import parse_experience


def test_a_dotted_date_line_is_no_list_number() -> None:
    jobs = parse_experience(
        [
            "CONTROLLER — Greystone Partners, Bengaluru, India",
            "10.2021 – today",
            "• Led the statutory audit",
            "FINANCE MANAGER — Crestview Bank, Hyderabad, India",
            "05.2020 – 10.2021",
            "• Closed the books faster",
        ]
    )
    assert [(j.company, j.title, j.start, j.end) for j in jobs] == [
        ("Greystone Partners", "CONTROLLER", "2021-10", "present"),
        ("Crestview Bank", "FINANCE MANAGER", "2020-05", "2021-10"),
    ]


def test_a_numbered_item_is_still_a_list_item() -> None:
    jobs = parse_experience(
        ["Acme Ltd — Engineer", "Jan 2020 – Dec 2021", "1. Shipped the billing rewrite in 2021"]
    )
    assert [(j.company, j.title) for j in jobs] == [("Acme Ltd", "Engineer")]


def test_a_bracketed_year_after_the_school() -> None:
    schools = parse_education(["BA Public Health — Anna University (2019)"])
    assert [(s.institution, s.year) for s in schools] == [("Anna University", "2019")]
