"""Names: after a sidebar read first, and followed by a job title on the same line; personal
links printed beside the contact details."""

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


def test_a_name_stacked_on_two_lines() -> None:
    """Given name above surname in one large font, then a headline in a smaller one."""
    lines = [("François", 43.3, False), ("Bélanger", 43.3, False), ("Head Teacher", 21.6, False)]
    assert contacts.find_name(lines) == "François Bélanger"
    # A surname in another font is not joined: the single word alone is no name.
    assert contacts.find_name([("Experience", 14.0, False), ("Acme Ltd", 10.0, False)]) != (
        "Experience Acme Ltd"
    )


def test_a_stacked_name_is_not_replaced_by_a_large_headline() -> None:
    """The headline is far larger than the body but smaller than the two name lines."""
    assert parse_file(GENERATED / "jsonresume-actual--p009.pdf").name == "François Bélanger"


def test_dutch_and_spanish_particles_in_a_name() -> None:
    assert contacts.find_name([("Femke van den Berg", 20.0, False)]) == "Femke van den Berg"
    assert contacts.find_name([("Ana de los Ríos", 20.0, False)]) == "Ana de los Ríos"


def test_a_site_wrapped_over_two_lines_is_found_by_its_link_target() -> None:
    header = "LUCIA@INBOX.TEST\n+34 683 398 907\nLUCIAGARCIALOPEZ.EXAMPL\nE.COM"
    links = contacts.find_links(header, header, ["https://luciagarcialopez.example.com/"])
    assert links == ["luciagarcialopez.example.com"]
    hyphen = "javier-\nramirez.example.com"
    links = contacts.find_links(hyphen, hyphen, ["https://javierramirez.example.com"])
    assert links == ["javierramirez.example.com"]
    # A subdomain and its parent are two sites.
    both = "blog.janedoe.com | janedoe.com"
    assert contacts.find_links(both, both, []) == ["blog.janedoe.com", "janedoe.com"]


def test_a_website_printed_beside_the_email_after_a_summary() -> None:
    """The contact lines come after the summary: they are not in the header section."""
    path = GENERATED / "jsonresume-crisp--p006.pdf"
    assert "arjunpatel.example.com" in parse_file(path).links
