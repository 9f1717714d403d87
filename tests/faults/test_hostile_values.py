"""Hostile candidate values, from the service that stores them to the bytes on the wire.

Candidates are created through the services (a form, which refuses what is too long, and a
quick-add, which shortens it) with NUL, ESC, CR/LF, an RFC 2047 encoded-word lookalike and a
5,000-character name; a bulk send queues their emails and the real dispatcher sends them to a
real SMTP server (aiosmtpd on loopback). The raw bytes it received are then checked: no
control characters, no bare CR or LF, no line longer than RFC 5322 allows, and the lookalike
reaches the reader literally once Python's email parser has decoded the headers.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from app.mail.account import AccountSettings
from app.mail.render import TemplateSource
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.candidates.sourcing import SourcedDraft, create_sourced_candidate
from app.services.candidates.timeline import add_note, log_call
from app.services.core.context import ServiceContext
from app.services.core.names import person_name
from app.services.core.unit_of_work import ValidationError
from app.services.engagement.campaigns import send_to_candidates
from app.services.engagement.outbox import Draft, add_to_outbox
from app.store.database import Database
from app.store.engagement import OutboxMessage
from app.store.models import Activity, Candidate
from app.workers.dispatcher import Dispatcher
from tests.mail.smtp_server import SmtpTestServer
from tests.services.engagement.test_campaigns import configure_mail

LOOKALIKE = "=?utf-8?q?=41dmin_approved?="  # would read "Admin approved" if decoded
HOSTILE = "\x00\x1b[31m\x1b]0;owned\x07\u202e"
TEMPLATE = TemplateSource(
    subject="{{ candidate.full_name }}: an offer " + LOOKALIKE,
    body_text="Dear {{ candidate.first_name }},\n\nA role for {{ candidate.full_name }}.\n",
)


@pytest.fixture
def server() -> Iterator[SmtpTestServer]:
    with SmtpTestServer("none") as running:
        yield running


def parsed(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def words(text: str) -> str:
    """Text with its whitespace normalised: folding may turn spaces into a line break and
    back, never change a character."""
    return " ".join(text.split())


def letters(text: str) -> str:
    """Text without its whitespace. Python's parser puts a space between the encoded words of
    a display name (RFC 2047 says to drop it), so a long word split over two encoded words
    reads with a space in it there; every character is still the one sent."""
    return "".join(text.split())


def test_hostile_values_are_stored_clean_and_sent_literally(
    ctx: ServiceContext, database: Database, server: SmtpTestServer
) -> None:
    configure_mail(ctx)
    # A form refuses the 5,000-character name, naming the field.
    with pytest.raises(ValidationError) as refused:
        create_candidate(ctx, CandidateInput(first_name="Eve", last_name="X" * 5_000))
    assert refused.value.errors == {"last_name": "At most 100 characters."}
    # Within the caps, the form stores the values with their control characters dropped.
    eve = create_candidate(
        ctx,
        CandidateInput(
            first_name=f"Eve{HOSTILE} {LOOKALIKE}",
            last_name="Lovelace\r\nBcc: victim@example.com\r\n\r\nInjected body",
            email="eve@example.com",
            current_title=f"Engineer{HOSTILE}",
        ),
    ).value
    # Quick-add is an automatic path: the 5,000-character name is shortened, not refused.
    zoe = create_sourced_candidate(
        ctx,
        SourcedDraft(
            first_name=f"Zoë{HOSTILE}",
            last_name=f"{LOOKALIKE} " + "Ü" * 5_000 + HOSTILE,
            email="zoe@example.com",
        ),
    ).value
    with database.sessions() as session:
        stored = {c.id: c for c in session.scalars(select(Candidate))}
        assert stored[eve].first_name == f"Eve[31m]0;owned {LOOKALIKE}"
        assert stored[eve].last_name == "Lovelace Bcc: victim@example.com Injected body"
        assert stored[eve].current_title == "Engineer[31m]0;owned"
        assert stored[zoe].first_name == "Zoë[31m]0;owned"
        assert len(stored[zoe].last_name) == 100 and stored[zoe].last_name.endswith("…")
        names = {eve: person_name(stored[eve]), zoe: person_name(stored[zoe])}

    send_to_candidates(ctx, [eve, zoe], TEMPLATE, name=f"Offer{HOSTILE}")
    account = AccountSettings(
        host=server.host,
        port=server.port,
        security="none",
        from_name=f"Agency {LOOKALIKE}",
        from_address="jobs@agency.test",
        rate_per_minute=0,
    )
    report = Dispatcher(ctx.sessions, ctx.actor, account, lambda: None).run_until_idle()
    assert (report.sent, report.failed) == (2, 0)
    with database.sessions() as session:
        assert {str(s) for s in session.scalars(select(OutboxMessage.state))} == {"sent"}

    received = {m.rcpt_tos[0]: m.data for m in server.messages}
    assert sorted(received) == ["eve@example.com", "zoe@example.com"]
    for address, candidate_id in (("eve@example.com", eve), ("zoe@example.com", zoe)):
        raw = received[address]
        # On the wire: 7-bit, CRLF line ends only, no control bytes, every line in bounds.
        assert raw.isascii()
        assert b"\r" not in raw.replace(b"\r\n", b"") and b"\n" not in raw.replace(b"\r\n", b"")
        assert not any((byte < 32 and byte not in (9, 10, 13)) or byte == 127 for byte in raw)
        lines = raw.split(b"\r\n")
        assert max(len(line) for line in lines) <= 998
        head = raw.split(b"\r\n\r\n", 1)[0]
        assert max(len(line) for line in head.split(b"\r\n")) <= 78
        # A mail client decoding the headers must not decode the attacker's encoded word.
        assert LOOKALIKE.encode() not in head
        message = parsed(raw)
        assert "Bcc" not in message and message.get_all("To") is not None
        assert len(message.get_all("To")) == 1
        name = names[candidate_id]
        assert letters(message["To"].addresses[0].display_name) == letters(name)
        assert message["To"].addresses[0].addr_spec == address
        assert words(str(message["Subject"])) == words(f"{name}: an offer {LOOKALIKE}")
        assert LOOKALIKE in str(message["Subject"])
        assert message["From"].addresses[0].display_name == f"Agency {LOOKALIKE}"
        text = message.get_body(("plain",)).get_content()
        assert f"A role for {name}." in words(text)
        assert not any(ch in text for ch in "\x00\x1b\x07\u202e")
    eve_message = parsed(received["eve@example.com"])
    assert LOOKALIKE in eve_message["To"].addresses[0].display_name
    assert "Injected body" in str(eve_message["Subject"])  # in the subject, not the body


def test_an_outbox_row_with_huge_hostile_headers_is_sent_within_the_line_limits(
    ctx: ServiceContext, database: Database, server: SmtpTestServer
) -> None:
    """Rows queued before the caps (or by other code) may hold anything: the message writer
    folds and encodes what it is given, whatever its length."""
    huge_name = f"Eve{HOSTILE}\r\nBcc: victim@example.com " + "N" * 5_000 + f" {LOOKALIKE}"
    huge_subject = f"{LOOKALIKE}\r\nX-Injected: yes " + "S" * 5_000 + HOSTILE
    with ctx.write() as tx:
        add_to_outbox(
            tx.session,
            [
                Draft(
                    to_address="eve@example.com",
                    to_name=huge_name,
                    subject=huge_subject,
                    body_text="Hello\r\n.\r\nBcc: nobody\x00\x1b[2J\n",
                )
            ],
            domain="agency.test",
        )
    account = AccountSettings(
        host=server.host, port=server.port, security="none", from_address="jobs@agency.test"
    )
    report = Dispatcher(ctx.sessions, ctx.actor, account, lambda: None).run_until_idle()
    assert (report.sent, report.failed) == (1, 0)

    [received] = server.messages
    raw = received.data
    assert raw.isascii() and b"\x00" not in raw and b"\x1b" not in raw
    assert b"\r" not in raw.replace(b"\r\n", b"") and b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert max(len(line) for line in head.split(b"\r\n")) <= 78
    assert LOOKALIKE.encode() not in head
    message = parsed(raw)
    assert "Bcc" not in message and "X-Injected" not in message
    assert [a.addr_spec for a in message["To"].addresses] == ["eve@example.com"]
    subject = str(message["Subject"])
    assert subject.startswith(f"{LOOKALIKE} X-Injected: yes SSSS")
    assert letters(message["To"].addresses[0].display_name).endswith(letters(LOOKALIKE))


def test_notes_and_call_summaries_keep_their_lines_and_lose_control_characters(
    ctx: ServiceContext, database: Database
) -> None:
    candidate_id = create_candidate(ctx, CandidateInput(first_name="Ana", last_name="Diaz")).value
    note = add_note(ctx, candidate_id, f"\n First{HOSTILE} line\r\n\tSecond\x00 line\u2028Third\n")
    call = log_call(ctx, candidate_id, f"Called{HOSTILE}\rno answer")
    with database.sessions() as session:
        bodies = [session.get_one(Activity, i).body for i in (note.value, call.value)]
    assert bodies == [
        "First[31m]0;owned line\n\tSecond line\nThird",
        "Called[31m]0;owned\nno answer",
    ]
    with pytest.raises(ValidationError) as refused:
        add_note(ctx, candidate_id, "\x00\x1b\u202e")
    assert refused.value.errors == {"text": "Note is required."}
