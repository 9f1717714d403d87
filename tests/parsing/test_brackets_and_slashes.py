"""Job dates printed in brackets after the title, and contact items separated by slashes."""

from __future__ import annotations

from app.parsing import contacts
from app.parsing.history import parse_experience


def test_bracketed_dates_leave_no_bracket_on_the_title() -> None:
    jobs = parse_experience(
        [
            "Logistics Coordinator (Mar 2022 – Jul 2026)",
            "Meridian Freight — Manchester, UK",
            "• Managed a fleet of 45 vehicles",
            "Meridian Freight, Supply Chain Analyst [Nov 2019 – Feb 2022]",
            "• Cut picking errors by 60%",
        ]
    )
    assert [(j.title, j.start, j.end) for j in jobs] == [
        ("Logistics Coordinator", "2022-03", "2026-07"),
        ("Supply Chain Analyst", "2019-11", "2022-02"),
    ]


def test_slashes_between_spaces_separate_contact_items() -> None:
    row = "07700 900650 / x.t@mailbox.example / Edinburgh, UK / linkedin.com/in/xt"
    assert contacts.header_segments([row]) == [
        "07700 900650",
        "x.t@mailbox.example",
        "Edinburgh, UK",
        "linkedin.com/in/xt",
    ]
