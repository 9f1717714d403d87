"""Contact details carried by links: an envelope or phone icon (or "Email me") whose link is
``mailto:`` or ``tel:``, with no address or number written on the page, and a number written
without its country beside a ``tel:`` link that has it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QPageSize, QPdfWriter, QTextDocument

from app.parsing import contacts, parse_file


def _pdf(path: Path, contact_html: str) -> Path:
    """A one-page resume printed by Qt, its links kept as PDF link annotations."""
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    document = QTextDocument()
    document.setHtml(
        '<p style="font-size:20pt">Jane Okafor</p>'
        f"<p>Data Engineer · Lagos, Nigeria · {contact_html}</p>"
        "<h3>EXPERIENCE</h3><p>Data Engineer, Acme Corp, 2021 - present</p>"
        "<h3>SKILLS</h3><p>Python, SQL, Airflow</p>"
    )
    document.print_(writer)
    del writer  # finishes the file
    return path


def test_the_address_of_a_mailto_link_when_none_is_written(qapp, tmp_path: Path) -> None:
    link = '<a href="mailto:jane.okafor%40example.org?subject=Hello">Email me</a>'
    resume = parse_file(_pdf(tmp_path / "icon.pdf", link))
    assert resume.emails == ("jane.okafor@example.org",)


def test_a_written_address_is_not_joined_by_another_links(qapp, tmp_path: Path) -> None:
    """The page's own address stands; a link to someone else's (a reference, a form) is not
    the person's."""
    html = 'jane@okafor.example · <a href="mailto:hr@acme.example">Acme HR</a>'
    resume = parse_file(_pdf(tmp_path / "both.pdf", html))
    assert resume.emails == ("jane@okafor.example",)


def test_mailto_links_are_read_as_addresses() -> None:
    links = [
        "https://github.com/janeok",
        "mailto:Jane.Okafor%40example.org?subject=Hi%20there",
        "mailto:a@x.example,%20b@y.example",
        "mailto:jane.okafor@example.org",  # the same again
        "mailto:not-an-address",
        "MAILTO:c@z.example",
    ]
    assert contacts.emails_from_mailto(links) == [
        "jane.okafor@example.org",
        "a@x.example",
        "b@y.example",
        "c@z.example",
    ]


def test_the_number_of_a_tel_link_when_none_is_written(qapp, tmp_path: Path) -> None:
    link = '<a href="tel:+44-20-7946-0958">Call</a> · jane@okafor.example'
    resume = parse_file(_pdf(tmp_path / "tel.pdf", link))
    assert resume.phones == ("+442079460958",)


def test_a_tel_link_gives_a_written_number_its_country(qapp, tmp_path: Path) -> None:
    """Read in the default region (US) "020 7946 0958" is no number and would be kept as
    written; the link to the same number says it is in London."""
    html = '<a href="tel:+442079460958">020 7946 0958</a> · jane@okafor.example'
    resume = parse_file(_pdf(tmp_path / "uk.pdf", html))
    assert resume.phones == ("+442079460958",)
    assert not any("United States" in r for r in resume.reasons.get("phones", ()))


def test_a_link_to_another_number_changes_nothing() -> None:
    written = contacts.read_phones(["020 7946 0958"], "US")
    assert [r.number for r in written] == ["020 7946 0958"] and written[0].unchecked
    others = contacts.with_linked_countries(written, ["+33 1 23 45 67 89", "not a number"])
    assert others == written
    assumed = contacts.read_phones(["(415) 555-0142"], "US")
    assert assumed[0].assumed
    confirmed = contacts.with_linked_countries(assumed, ["+1 415 555 0142"])
    assert [(r.number, r.assumed) for r in confirmed] == [("+14155550142", False)]


def test_tel_links_are_read_as_written() -> None:
    links = ["tel:+44%2020%207946%200958", "tel:+1-415-555-0142;ext=12", "https://x.example"]
    assert contacts.tel_numbers(links) == ["+44 20 7946 0958", "+1-415-555-0142"]


def test_a_link_annotation_without_its_scheme_is_read() -> None:
    """LaTeX's \\url{linkedin.com/in/jane} links to the text as written, with no scheme; a
    profile wrapped over two lines in a narrow column is then found by its annotation."""
    text = "Links\nlinkedin.com/in/\njaneokafor"
    found = contacts.find_links(text, text, ["linkedin.com/in/janeokafor", "mailto:j@x.org"])
    assert found == ["linkedin.com/in/janeokafor"]
    site = "Links\njaneokafor.\nexample.com"
    assert contacts.find_links(site, site, ["janeokafor.example.com"]) == ["janeokafor.example.com"]
    assert contacts.find_links(site, site, ["tel:+2348012345678", "#page.2"]) == []
