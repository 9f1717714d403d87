"""An e-mail address shown only as a link: an envelope icon or "Email me" whose link is a
``mailto:``, and no address written on the page."""

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
