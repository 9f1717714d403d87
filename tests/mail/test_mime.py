"""The outgoing message's bytes, read back with the standard library's parser."""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage

import pytest

from app.mail import render
from app.mail.account import AccountSettings, BrandingSettings
from app.mail.mime import (
    LOGO_CID,
    MailPart,
    MessageFormatError,
    OutgoingEmail,
    build_message,
    render_message,
)

ACCOUNT = AccountSettings(
    host="smtp.agency.test",
    from_name="Zoë's Talent Agency",
    from_address="jobs@agency.test",
    reply_to="team@agency.test",
)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
BRANDING = BrandingSettings(agency_name="Zoë's", logo=PNG, logo_mime="image/png")
TEXT = "Hi Ann,\n\nA role at Acme — in Zürich.\n.\n.starts with a dot\nFrom the team\n"
HTML = f'<p>Hi Ann,</p><img src="cid:{LOGO_CID}" alt="logo"><p>Zürich &amp; more</p>\n'


def outgoing(**changes: object) -> OutgoingEmail:
    values: dict[str, object] = {
        "id": 7,
        "to_address": "ann.smith@example.com",
        "to_name": "Ann Smith",
        "subject": "A role at Acme",
        "body_text": TEXT,
        "body_html": HTML,
        "message_id": "<1764.7.abc@agency.test>",
    }
    values.update(changes)
    return OutgoingEmail(**values)  # type: ignore[arg-type]


def parsed(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_headers_identify_sender_recipient_and_message() -> None:
    message = parsed(render_message(outgoing(), ACCOUNT, BRANDING))
    assert message["From"].addresses[0].display_name == "Zoë's Talent Agency"
    assert message["From"].addresses[0].addr_spec == "jobs@agency.test"
    assert str(message["To"]) == "Ann Smith <ann.smith@example.com>"
    assert str(message["Reply-To"]) == "team@agency.test"
    assert str(message["Subject"]) == "A role at Acme"
    assert str(message["Message-ID"]) == "<1764.7.abc@agency.test>"
    assert str(message["List-Unsubscribe"]) == "<mailto:jobs@agency.test?subject=unsubscribe>"
    assert "List-Unsubscribe-Post" not in message  # only for an https link, which we lack
    assert message["Date"].datetime is not None
    assert message["MIME-Version"] == "1.0"


def test_alternatives_and_inline_logo_decode_to_the_originals() -> None:
    message = build_message(outgoing(), ACCOUNT, BRANDING)
    assert [part.get_content_type() for part in message.walk()] == [
        "multipart/related",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "image/png",
    ]
    assert message.get_body(("plain",)).get_content() == TEXT
    assert message.get_body(("html",)).get_content() == HTML
    logo = next(part for part in message.walk() if part.get_content_type() == "image/png")
    assert logo["Content-ID"] == f"<{LOGO_CID}>"
    assert logo.get_content_disposition() == "inline"
    assert logo.get_content() == PNG


def test_logo_constant_matches_the_renderer() -> None:
    assert LOGO_CID == render.LOGO_CID


def test_logo_only_when_the_html_shows_it_and_branding_has_one() -> None:
    no_reference = build_message(outgoing(body_html="<p>Hi</p>"), ACCOUNT, BRANDING)
    assert no_reference.get_content_type() == "multipart/alternative"
    no_logo = build_message(outgoing(), ACCOUNT, BrandingSettings())
    assert no_logo.get_content_type() == "multipart/alternative"


def test_text_only_message_is_a_single_part() -> None:
    message = build_message(outgoing(body_html=None), ACCOUNT, BRANDING)
    assert message.get_content_type() == "text/plain"
    assert message.get_content() == TEXT


def test_non_ascii_and_long_headers_are_encoded_and_folded() -> None:
    subject = "Une offre à Zürich — pour vous, Zoë " * 6
    raw = render_message(
        outgoing(subject=subject.strip(), to_name="Zoë Ünal-Østergård"), ACCOUNT, BRANDING
    )
    assert raw.isascii()  # 7-bit clean: no server needs 8BITMIME or SMTPUTF8
    lines = raw.split(b"\r\n")
    assert max(len(line) for line in lines) <= 78
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only, no bare line feeds
    message = parsed(raw)
    assert str(message["Subject"]) == subject.strip()
    assert message["To"].addresses[0].display_name == "Zoë Ünal-Østergård"


def test_line_breaks_in_names_and_subjects_cannot_inject_headers() -> None:
    message = parsed(
        render_message(
            outgoing(to_name="Ann\r\nBcc: victim@example.com", subject="Hi\nBcc: x@example.com"),
            ACCOUNT,
            BRANDING,
        )
    )
    assert "Bcc" not in message
    assert message["To"].addresses[0].addr_spec == "ann.smith@example.com"
    assert str(message["Subject"]) == "Hi Bcc: x@example.com"


def test_each_message_keeps_its_stored_message_id() -> None:
    first = parsed(render_message(outgoing(message_id="<a.1@agency.test>"), ACCOUNT, BRANDING))
    second = parsed(render_message(outgoing(message_id="<a.2@agency.test>"), ACCOUNT, BRANDING))
    assert (first["Message-ID"], second["Message-ID"]) == ("<a.1@agency.test>", "<a.2@agency.test>")


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"to_address": "not an address"}, "recipient"),
        ({"to_address": "zoë@exämple.com"}, "recipient"),
        ({"to_address": "a@b.com>\r\nBcc: x@y.com"}, "recipient"),
        ({"message_id": "no-brackets@agency.test"}, "Message-ID"),
    ],
)
def test_unusable_values_are_refused_with_a_reason(changes: dict, fragment: str) -> None:
    with pytest.raises(MessageFormatError, match=fragment):
        render_message(outgoing(**changes), ACCOUNT, BRANDING)


# --- hostile header values -------------------------------------------------------------------

LOOKALIKE = "=?utf-8?q?=41dmin=20approved?="


def _head_lines(raw: bytes) -> list[bytes]:
    return raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")


def test_encoded_word_lookalikes_arrive_literally() -> None:
    raw = render_message(
        outgoing(to_name=f"Eve {LOOKALIKE}", subject=f"Re: {LOOKALIKE} offer"),
        AccountSettings(from_name=f"Agency {LOOKALIKE}", from_address="jobs@agency.test"),
        BRANDING,
    )
    assert LOOKALIKE.encode() not in raw  # never on the wire as is: a client would decode it
    message = parsed(raw)
    assert str(message["Subject"]) == f"Re: {LOOKALIKE} offer"
    assert message["To"].addresses[0].display_name == f"Eve {LOOKALIKE}"
    assert message["From"].addresses[0].display_name == f"Agency {LOOKALIKE}"


@pytest.mark.parametrize(
    ("name", "subject"),
    [
        ("N" * 5_000, "S" * 5_000),  # single words far past 998
        ("Ana " * 1_250, "word " * 1_000),  # many short words
        ("Zoë" * 1_700, "Ünal " * 1_000),  # non-ASCII
        ('"' * 2_000, "\\" * 2_000),  # characters a quoted string escapes
    ],
    ids=["long words", "many words", "non-ascii", "specials"],
)
def test_no_header_line_exceeds_the_limits_whatever_the_values(name: str, subject: str) -> None:
    raw = render_message(outgoing(to_name=name, subject=subject), ACCOUNT, BRANDING)
    lines = _head_lines(raw)
    assert max(len(line) for line in lines) <= 78  # RFC 5322: 78 recommended, 998 at most
    assert all(re.match(rb"[A-Za-z-]+: | \S", line) for line in lines)  # headers or folds
    message = parsed(raw)
    assert " ".join(str(message["Subject"]).split()) == " ".join(subject.split())
    assert "".join(message["To"].addresses[0].display_name.split()) == "".join(name.split())


def test_control_characters_never_reach_the_wire() -> None:
    hostile = "\x00\x1b[2J\x07\x7f\x85\x9b\u202e\u2066\ud800\ufffe"
    raw = render_message(
        outgoing(to_name=f"Ann{hostile}\r\nBcc: x@example.com", subject=f"Hi{hostile}\rthere"),
        ACCOUNT,
        BRANDING,
    )
    head = b"\r\n".join(_head_lines(raw))
    assert all(32 <= byte < 127 for byte in head.replace(b"\r\n", b""))
    message = parsed(raw)
    assert "Bcc" not in message
    assert str(message["Subject"]) == "Hi[2J there"
    assert message["To"].addresses[0].display_name == "Ann[2J Bcc: x@example.com"


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"to_address": "a" * 250 + "@example.com"}, "recipient"),
        ({"message_id": "<" + "m" * 300 + "@agency.test>"}, "Message-ID"),
    ],
)
def test_values_too_long_for_a_header_are_refused(changes: dict, fragment: str) -> None:
    with pytest.raises(MessageFormatError, match=fragment):
        render_message(outgoing(**changes), ACCOUNT, BRANDING)


INVITE = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 20


def test_an_invitation_sits_beside_the_text_and_files_are_attached() -> None:
    message = parsed(
        render_message(
            outgoing(
                parts=(
                    MailPart("invite.ics", "text/calendar; method=REQUEST", INVITE, inline=True),
                    MailPart("Ann Smith – profile.pdf", "application/pdf", PDF),
                    MailPart("resume.docx", "application/x-bad\r\nBcc: x@evil.test", b"PK.."),
                )
            ),
            ACCOUNT,
            BRANDING,
        )
    )
    assert message.get_content_type() == "multipart/mixed"
    body, *files = list(message.iter_parts())
    assert body.get_content_type() == "multipart/related"  # the logo still travels
    alternative = next(body.iter_parts())
    kinds = [part.get_content_type() for part in alternative.iter_parts()]
    assert kinds == ["text/plain", "text/html", "text/calendar"]
    calendar = list(alternative.iter_parts())[2]
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content().encode() == INVITE
    assert [f.get_filename() for f in files] == ["Ann Smith – profile.pdf", "resume.docx"]
    assert files[0].get_content_type() == "application/pdf"
    assert files[0].get_content() == PDF
    # A type that is not a plain token never writes headers of its own.
    assert files[1].get_content_type() == "application/octet-stream"
    assert message["Bcc"] is None


def test_a_plain_text_invitation_becomes_an_alternative_of_two() -> None:
    message = parsed(
        render_message(
            outgoing(
                body_html=None,
                parts=(MailPart(None, "text/calendar; method=CANCEL", INVITE, inline=True),),
            ),
            ACCOUNT,
            BRANDING,
        )
    )
    assert message.get_content_type() == "multipart/alternative"
    text, calendar = message.iter_parts()
    assert text.get_content_type() == "text/plain" and "in Zürich" in text.get_content()
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "CANCEL"
