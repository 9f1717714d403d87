"""The location among the e-mail and phone on the header's contact line, split on bars, dots,
tabs, wide gaps and icon glyphs; a title or company line is never taken for a place. Resumes are
written here as text, DOCX and PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.parsing import parse_file
from app.parsing.contacts import find_location
from app.parsing.header_location import block_location, contact_line_location
from tests.parsing.test_phones import BODY, write_docx, write_pdf, write_txt

CASES = [
    ("jane@x.io | +44 20 7946 0958 | London, UK", "London, UK"),
    ("Berlin, Germany · +49 30 1234567 · jane@x.de", "Berlin, Germany"),
    ("Toronto, ON  (416) 555-0100", "Toronto, ON"),
    ("jane@x.io\t+44 20 7946 0958\tLondon, UK", "London, UK"),
    ("jane@x.io • (+33) 1 23 45 67 89 • Paris, France", "Paris, France"),
    ("\uf0e0 jane@x.io \uf095 +44 20 7946 0958 \uf041 London", "London"),
    ("✉ jane@x.io    ☎ (+91) 98765 43210    📍 Mumbai, India", "Mumbai, India"),
    ("Toronto, ON M5V 2T6 | (416) 555-0100 | jane@x.ca", "Toronto, ON"),
]
WRITERS = {"txt": write_txt, "docx": write_docx}


def _lines(contact: str, title: str = "Staff Engineer") -> list[str]:
    return ["Jane Okafor", title, contact, *BODY]


@pytest.mark.parametrize("kind", ["txt", "docx"])
@pytest.mark.parametrize(("contact", "place"), CASES, ids=[c[1] for c in CASES])
def test_place_on_the_contact_line(tmp_path: Path, kind: str, contact: str, place: str) -> None:
    path = WRITERS[kind](tmp_path / f"jane.{kind}", _lines(contact))
    assert parse_file(path).location == place


def test_place_on_the_contact_line_of_a_pdf(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "jane.pdf", _lines(CASES[0][0]))
    assert parse_file(path).location == "London, UK"


@pytest.mark.parametrize(
    "contact",
    [
        "Senior Engineer, Platform | jane@x.io | +44 20 7946 0958",
        "Head of Data, Fenwick Systems · jane@x.io",
        "Product Manager, Payments\t(416) 555-0100",
    ],
)
def test_a_title_line_with_a_comma_is_not_a_place(tmp_path: Path, contact: str) -> None:
    assert contact_line_location([contact]) is None
    path = write_txt(tmp_path / "title.txt", _lines(contact))
    assert parse_file(path).location is None


def test_a_title_line_with_a_comma_above_the_contact_line(tmp_path: Path) -> None:
    path = write_txt(
        tmp_path / "both.txt",
        _lines("jane@x.io | +49 30 1234567 | Berlin, Germany", title="Lead Engineer, Growth"),
    )
    parsed = parse_file(path)
    assert parsed.location == "Berlin, Germany"
    assert list(parsed.phones) == ["+49301234567"]


def test_a_line_without_email_or_phone_is_not_the_contact_line() -> None:
    assert contact_line_location(["London | Paris"]) is None


def test_a_place_alone_on_a_header_line() -> None:
    from app.parsing.header_location import block_location

    assert block_location(["Jane Doe", "Data Engineer", "London"]) == "London"
    assert block_location(["Jane Doe", "Melbourne, VIC"]) == "Melbourne, VIC"
    assert block_location(["Jane Doe", "Amsterdam (NL), Netherlands"]) == ("Amsterdam, Netherlands")
    # A job title, a company or a work mode is not a place.
    assert block_location(["Jane Doe", "Staff Engineer", "Acme Labs", "Remote"]) is None


def test_an_address_wrapped_by_a_narrow_column_is_joined() -> None:
    from app.parsing.contacts import find_emails

    assert find_emails("KWAME.MWANGI@EXAMPLE.\nCOM\nEXPERIENCE") == ["kwame.mwangi@example.com"]
    assert find_emails("jo@mail-\nbox.example") == ["jo@mail-box.example"]
    # A full address at the end of a sentence is not glued to the next line.
    assert find_emails("Write to a@b.com.\nNext line") == ["a@b.com"]


def test_a_place_in_a_contact_block_after_the_experience() -> None:
    from app.parsing.header_location import block_location, contact_block

    def _location_beside_contacts(texts: list[str]) -> str | None:
        return block_location(contact_block(texts))

    texts = [
        "Arjun Iyer",
        "Experience",
        "Northwind Labs · Pune, India",
        "Led migrations",
        "arjun@inbox.test",
        "Bengaluru, India, IN",
    ]
    assert (_location_beside_contacts(texts) or "").startswith("Bengaluru, India")
    # A place far from any e-mail or phone is a job's, not the candidate's.
    assert _location_beside_contacts(["Arjun Iyer", "Experience", "Pune, India", "Led it"]) is None


def test_a_region_followed_by_its_country_code() -> None:
    """JSON Resume themes print "city, region countryCode"."""
    assert find_location(["Montréal, QC CA"]) == "Montréal, QC"
    assert find_location(["Seattle, WA US"]) == "Seattle, WA"


def test_a_city_and_country_without_a_comma_in_the_contact_block() -> None:
    block = ["KWAME MWANGI", "ABOUT", "EDINBURGH UK", "kwame@example.com", "+44 131 496 0923"]
    assert block_location(block, "Kwame Mwangi") == "EDINBURGH, UK"
    # A name that ends in a country's name is not a place; nor are a label and its value.
    assert block_location(["Michael Jordan", "mj@example.com"], "Michael Jordan") is None
    assert block_location(["Location\tRegion\tIndia", "a@example.com"]) is None


def test_a_city_alone_and_city_states() -> None:
    assert block_location(["Daan Jansen", "Montréal", "daan@example.org"], "Daan Jansen") == (
        "Montréal"
    )
    assert block_location(["Vikram Reddy", "Singapore, Singapore", "v@example.com"]) == (
        "Singapore, Singapore"
    )
    assert block_location(["Hiroshi Zhang", "Singapore, (SG)", "h@example.com"]) == "Singapore"
    line = "xiaoyu@example.org | +65 8292 6424 | Singapore, SG"
    assert contact_line_location([line]) == "Singapore, SG"


def test_a_known_city_and_its_region_code_without_a_comma() -> None:
    assert block_location(["VANCOUVER BC", "f@example.net"]) == "VANCOUVER, BC"
    assert block_location(["CONTACT ME", "f@example.net"]) is None
