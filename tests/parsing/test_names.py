"""Names: after a sidebar read first, and followed by a job title on the same line."""

from __future__ import annotations

from pathlib import Path

from app.parsing import contacts, parse_file

GENERATED = Path(__file__).resolve().parents[1] / "corpus" / "generated" / "files"


def test_a_name_after_a_sidebar_read_first() -> None:
    """The sidebar (contact, skills in bold 10 pt) comes first in reading order; the name,
    twice the body size, comes after it and must win over "SAP EWM"."""
    assert parse_file(GENERATED / "html-sidebar--p000.pdf").name == "Jürgen Schäfer"


def test_name_then_job_title_on_one_line() -> None:
    assert contacts.find_name([("Svenja von Arnim, Junior Designer", 15.0, False)]) == (
        "Svenja von Arnim"
    )
    # A name with a suffix degree is not cut at the comma's title rule.
    assert contacts.find_name([("Jane Smith, PhD", 15.0, False)]) == "Jane Smith"


def test_a_personal_site_on_a_subdomain_is_a_link_but_a_placeholder_is_not() -> None:
    assert contacts.personal_link("jane.example.com")
    assert not contacts.personal_link("example.com")
    assert not contacts.personal_link("www.example.org")
