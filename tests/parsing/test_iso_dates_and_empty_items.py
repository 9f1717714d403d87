"""An ISO-style date range alone on a line is no phone number; an empty item in a printed
place ("Singapore, , SG", a theme printing an absent region) does not hide the place."""

from __future__ import annotations

from app.parsing import contacts
from app.parsing.parser import _date_line


def test_an_iso_date_range_line_is_not_a_phone_line() -> None:
    assert _date_line("2022-07 - 2024-05")
    assert _date_line("2024-04 - 2026-06")
    assert not _date_line("+65 9964 4154")
    assert not _date_line("0491 570 145")


def test_an_empty_item_between_commas_is_dropped() -> None:
    assert contacts.header_segments(["Singapore, , SG"]) == ["Singapore, SG"]


def test_a_group_label_before_a_spaced_long_dash_is_dropped() -> None:
    from app.parsing.skills import parse_skills

    rows = ["Operations — Inventory control · Route planning", "Systems — Power BI · Oracle WMS"]
    assert parse_skills(rows) == ["Inventory control", "Route planning", "Power BI", "Oracle WMS"]
    # A dash inside an item with no list after it is kept.
    assert parse_skills(["Front-end — React"]) == ["Front-end — React"]


def test_an_address_wrapped_at_its_at_sign_is_rejoined() -> None:
    assert contacts.find_emails("jane.doe@\nexample.com") == ["jane.doe@example.com"]
    assert contacts.find_emails("jane.doe\n@example.com +1 555 0100") == ["jane.doe@example.com"]
    assert contacts.find_emails("Python\n@Work") == []
