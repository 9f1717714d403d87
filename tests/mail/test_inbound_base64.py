"""Reading a message with its long base64 runs set aside (`inbound._parse_bytes`) gives the
message a plain parse gives: the same parts, payloads, attachments and text, whatever the
line endings, nesting or where the run ends; and a run that does not land in a part's
payload makes the message read plainly."""

from __future__ import annotations

import os
from email.message import EmailMessage

import pytest

from app.mail import inbound
from app.mail.inbound import parse_message
from tests.mail import messages

RESUME = os.urandom(60_000)  # a binary attachment: 1,080 lines of base64


def with_attachment(raw: bytes, data: bytes = RESUME, filename: str = "cv.pdf") -> bytes:
    message = inbound._feed(raw)
    message.add_attachment(data, maintype="application", subtype="pdf", filename=filename)
    return bytes(message)


def with_pdf() -> bytes:
    """An application with its text resume and a PDF one."""
    return with_attachment(messages.application())


def forwarded() -> bytes:
    """A message forwarding an application, which carries its resume as base64."""
    outer = EmailMessage()
    outer["From"] = "recruiter@agency.test"
    outer["Subject"] = "Fwd: application"
    outer.set_content("See below.")
    inner = inbound._feed(with_pdf())
    outer.add_attachment(inner)
    return bytes(outer)


def at_the_end_without_a_closing_boundary() -> bytes:
    raw = with_pdf()
    return raw[: raw.rindex(b"\n--")]  # the last part's body runs to the end of the message


CASES = {
    "crlf": lambda: with_pdf().replace(b"\n", b"\r\n"),
    "lf": lambda: with_pdf(),
    "two_attachments": lambda: with_attachment(with_pdf(), os.urandom(20_000), "cover.docx"),
    "forwarded": forwarded,
    "unclosed": at_the_end_without_a_closing_boundary,
    "single_part": lambda: (
        b"From: a@example.org\nSubject: x\nContent-Type: application/pdf; name=cv.pdf\n"
        b"Content-Disposition: attachment; filename=cv.pdf\n"
        b"Content-Transfer-Encoding: base64\n\n"
        + b"".join(b"QUJD" * 19 + b"\n" for _ in range(200))
    ),
    "bounce": lambda: messages.postfix_bounce("gone@example.org", "<m1@agency.test>"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_set_aside_runs_come_back_where_they_were(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = CASES[name]()
    stripped, runs = inbound._elide_base64(raw)
    fast = inbound._parse_bytes(raw)
    plain = inbound._parse_bytes(raw, elide=False)
    assert bytes(fast) == bytes(plain)
    assert [p.get_payload(decode=True) for p in fast.walk() if not p.is_multipart()] == [
        p.get_payload(decode=True) for p in plain.walk() if not p.is_multipart()
    ]
    if name != "bounce":
        assert runs and len(stripped) < len(raw) // 10  # the runs were set aside
    fast_reading = parse_message(raw)
    monkeypatch.setattr(inbound, "_elide_base64", lambda data: (data, []))
    assert fast_reading == parse_message(raw)


def test_the_resume_bytes_are_the_attachment_bytes() -> None:
    resumes = parse_message(with_pdf().replace(b"\n", b"\r\n")).resumes
    assert [r.data for r in resumes if r.filename == "cv.pdf"] == [RESUME]


def test_a_run_outside_any_payload_reads_the_message_plainly() -> None:
    """Base64-looking lines in a multipart message's preamble land in no part's payload."""
    attachment = with_pdf()
    head, _, body = attachment.partition(b"\n\n")
    raw = head + b"\n\n" + b"".join(b"QUJD" * 19 + b"\n" for _ in range(100)) + body
    stripped, runs = inbound._elide_base64(raw)
    assert runs and inbound._restore_base64(inbound._feed(stripped), runs) is False
    assert bytes(inbound._parse_bytes(raw)) == bytes(inbound._parse_bytes(raw, elide=False))


def test_a_message_naming_the_marker_is_read_plainly() -> None:
    raw = with_pdf().replace(b"please find", b"hirebench-elided-0 find")
    assert inbound._elide_base64(raw) == (raw, [])
    assert "hirebench-elided-0 find" in parse_message(raw).text
