"""Contact details printed away from the header: sidebars read after the jobs, addresses
wrapped by a narrow column or clipped under a margin."""

from __future__ import annotations

from app.parsing import contacts, header_location

SIDEBAR_AFTER_JOBS = [
    "François Bélanger",
    "Deputy Head Teacher",
    "Experience",
    "Deputy Head Teacher",
    "Hillcrest Secondary School · Lyon, France",
    "· Raised pass rate from 68% to 84%",
    "+33 6 76 73 87 35",
    "francois.belanger@example.org",
    "Paris, France, FR",
    "Skills",
]


def test_contact_block_is_found_around_the_email() -> None:
    block = header_location.contact_block(SIDEBAR_AFTER_JOBS)
    assert "+33 6 76 73 87 35" in block
    assert "Paris, France, FR" in block
    assert "François Bélanger" not in block


def test_phone_in_sidebar_block_is_read_with_its_country() -> None:
    block = header_location.contact_block(SIDEBAR_AFTER_JOBS)
    phones = contacts.find_phones(contacts.header_segments(block), "US")
    assert phones == ["+33676738735"]


def test_block_location_takes_the_place_line_not_the_employer_line() -> None:
    block = header_location.contact_block(SIDEBAR_AFTER_JOBS)
    assert header_location.block_location(block) == "Paris, France"


def test_block_location_ignores_the_tail_of_a_wrapped_sentence() -> None:
    block = ["Senior Accountant, Crestview Bank, Utrecht,", "Netherlands.", "a@example.com"]
    assert header_location.block_location(block) is None


def test_no_email_means_no_block() -> None:
    assert header_location.contact_block(["Jane Doe", "Paris, France"]) == []


def test_wrapped_email_is_rejoined() -> None:
    lines = ["KWAME.MWANGI@EXAMPLE.", "COM", "EXPERIENCE"]
    text = "\n".join(contacts.join_wrapped_emails(lines))
    assert contacts.find_emails(text) == ["kwame.mwangi@example.com"]
    lines = ["CHINEDU@MAILBOX.EXAMPL", "E", "ABOUT"]
    text = "\n".join(contacts.join_wrapped_emails(lines))
    assert contacts.find_emails(text) == ["chinedu@mailbox.example"]


def test_heading_after_an_email_is_not_joined() -> None:
    lines = ["jane@example.com", "Skills", "Python"]
    assert contacts.join_wrapped_emails(lines) == lines


def test_clipped_email_completed_from_mailto_link() -> None:
    found = contacts.complete_from_mailto(
        ["dres.ortega@example.com"], ["mailto:andres.ortega@example.com", "https://x.dev"]
    )
    assert found == ["andres.ortega@example.com"]
    assert contacts.complete_from_mailto(["a@b.com"], ["mailto:c@d.com"]) == ["a@b.com"]


def test_name_before_a_headline_after_a_comma() -> None:
    lines = [
        ("Jun-ho Tanaka, Registered Nurse", 15.0, False),
        ("a@b.example | Seattle, WA", 9.0, False),
    ]
    assert contacts.find_name(lines) == "Jun-ho Tanaka"
    assert contacts.find_name([("San Francisco, CA", 15.0, False)]) is None


def test_trailing_country_code_and_australian_states() -> None:
    line = "junhonguyen@example.net | Melbourne, VIC, AU"
    assert header_location.contact_line_location([line]) == "Melbourne, VIC"
    line = "a@example.com | (617) 555-0106 | Boston, MA, US"
    assert header_location.contact_line_location([line]) == "Boston, MA"


def test_bracketed_country_code_after_the_city() -> None:
    block = ["Daan de Vries", "Ward Manager", "Amsterdam (NL), Netherlands", "daan@example.org"]
    assert header_location.block_location(block) == "Amsterdam, Netherlands"


def test_known_city_alone_under_the_name() -> None:
    header = ["Lukas Becker", "Amsterdam"]
    assert header_location.block_location(header) == "Amsterdam"
    assert header_location.block_location(["Lukas Becker", "Audit Associate"]) is None
