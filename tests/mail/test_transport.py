"""`SmtpSender` and `send_test_message` against a real SMTP server on loopback."""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import ssl

import pytest

from app.mail.account import AccountSettings, BrandingSettings
from app.mail.mime import OutgoingEmail, render_message
from app.mail.transport import (
    AccountError,
    ConnectError,
    PermanentError,
    SmtpSender,
    TransientError,
    UncertainDelivery,
    UnexpectedError,
    send_test_message,
)
from tests.mail.smtp_server import (
    DATA,
    DROP_AFTER_DATA,
    DROP_AT_DATA,
    DROP_AT_MAIL,
    DROP_MID_DATA,
    MAIL,
    RCPT,
    TEST_PASSWORD,
    TEST_USER,
    Certificate,
    SmtpTestServer,
)

FROM = "jobs@agency.test"


def account_for(server: SmtpTestServer, **changes: object) -> AccountSettings:
    values: dict[str, object] = {
        "host": server.host,
        "port": server.port,
        "security": server.security,
        "username": TEST_USER if server.security != "none" else None,
        "from_name": "Agency",
        "from_address": FROM,
    }
    values.update(changes)
    return AccountSettings(**values)  # type: ignore[arg-type]


def raw_message(number: int, body: str = "Hello\n") -> bytes:
    message = OutgoingEmail(
        id=number,
        to_address=f"c{number}@example.com",
        to_name=None,
        subject=f"Message {number}",
        body_text=body,
        body_html=None,
        message_id=f"<m{number}@agency.test>",
    )
    return render_message(message, AccountSettings(host="h", from_address=FROM), BrandingSettings())


def send(sender: SmtpSender, number: int) -> str:
    return sender.send(raw_message(number), FROM, f"c{number}@example.com")


def test_plain_relay_delivers_with_envelope_and_message_id(smtp_server: SmtpTestServer) -> None:
    with SmtpSender(account_for(smtp_server), None) as sender:
        reply = send(sender, 1)
    assert reply.startswith("250")
    [received] = smtp_server.messages
    assert received.mail_from == FROM
    assert received.rcpt_tos == ("c1@example.com",)
    assert received.message_id == "<m1@agency.test>"
    assert received.tls is False


@pytest.mark.parametrize(
    "recipient",
    ["c1@example.com>\r\nRCPT TO:<victim@example.com", "c1@example.com> SIZE=1", "no-at-sign"],
)
def test_an_envelope_address_that_could_inject_a_command_is_refused(
    smtp_server: SmtpTestServer, recipient: str
) -> None:
    with SmtpSender(account_for(smtp_server), None) as sender:
        with pytest.raises(PermanentError, match="not a plain email address"):
            sender.send(raw_message(1), FROM, recipient)
        send(sender, 2)  # the connection is still good for the next message
    assert [m.rcpt_tos for m in smtp_server.messages] == [("c2@example.com",)]


def test_dots_at_line_starts_arrive_intact(smtp_server: SmtpTestServer) -> None:
    body = "Line one\n.\n..two dots\n.one dot\nend\n"
    with SmtpSender(account_for(smtp_server), None) as sender:
        sender.send(raw_message(1, body), FROM, "c1@example.com")
    [received] = smtp_server.messages
    message = email.message_from_bytes(received.data, policy=email.policy.default)
    assert message.get_content().replace("\r\n", "\n") == body


@pytest.mark.parametrize("mechanism", ["LOGIN", "PLAIN"])
def test_starttls_then_auth(certificate: Certificate, mechanism: str) -> None:
    with SmtpTestServer(
        "starttls", auth=True, certificate=certificate, mechanisms=(mechanism,)
    ) as server:
        account = account_for(server)
        with SmtpSender(account, TEST_PASSWORD, ssl_context=certificate.client_context()) as sender:
            send(sender, 1)
        [received] = server.messages
        assert received.tls is True
        assert received.authenticated_as == TEST_USER
        assert server.recorder.auth_attempts == [(mechanism, TEST_USER, True)]


def test_implicit_tls_with_auth(ssl_server: SmtpTestServer, certificate: Certificate) -> None:
    with SmtpSender(
        account_for(ssl_server), TEST_PASSWORD, ssl_context=certificate.client_context()
    ) as sender:
        send(sender, 1)
    [received] = ssl_server.messages
    assert received.tls and received.authenticated_as == TEST_USER


def test_wrong_password_is_a_clear_account_error(
    starttls_server: SmtpTestServer, certificate: Certificate, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AccountError) as raised:
        send_test_message(
            account_for(starttls_server),
            "wrong-password-xyz",
            "me@agency.test",
            ssl_context=certificate.client_context(),
        )
    assert str(raised.value).startswith("Authentication failed: 535")
    assert "wrong-password-xyz" not in str(raised.value)
    assert "wrong-password-xyz" not in caplog.text
    assert starttls_server.messages == []


def test_password_stays_out_of_logs_and_repr(
    starttls_server: SmtpTestServer, certificate: Certificate, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sender = SmtpSender(
        account_for(starttls_server), TEST_PASSWORD, ssl_context=certificate.client_context()
    )
    with sender:
        send(sender, 1)
    assert TEST_PASSWORD not in caplog.text
    assert TEST_PASSWORD not in repr(sender)


def test_untrusted_certificate_is_reported(starttls_server: SmtpTestServer) -> None:
    # No ssl_context: the system's trust store, which does not know the test certificate.
    with pytest.raises(AccountError, match="Certificate not trusted"):
        send_test_message(account_for(starttls_server), TEST_PASSWORD, "me@agency.test")


def test_starttls_setting_against_a_server_without_it(smtp_server: SmtpTestServer) -> None:
    account = account_for(smtp_server, security="starttls")
    with pytest.raises(AccountError, match="does not offer STARTTLS"):
        send_test_message(account, None, "me@agency.test")


def test_login_over_plain_text_is_refused_by_the_server(certificate: Certificate) -> None:
    with SmtpTestServer("starttls", auth=True, certificate=certificate) as server:
        account = account_for(server, security="none")
        with pytest.raises(AccountError):
            send_test_message(account, TEST_PASSWORD, "me@agency.test")


def test_connection_refused_names_the_server() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again below: nothing listens there
    account = AccountSettings(host="127.0.0.1", port=port, security="none", from_address=FROM)
    with pytest.raises(ConnectError, match=f"Could not connect to 127.0.0.1:{port}"):
        send_test_message(account, None, "me@agency.test")


def test_test_message_arrives(smtp_server: SmtpTestServer) -> None:
    send_test_message(account_for(smtp_server), None, "me@agency.test")
    [received] = smtp_server.messages
    message = email.message_from_bytes(received.data, policy=email.policy.default)
    assert message["Subject"] == "Hirebench test email"
    assert received.rcpt_tos == ("me@agency.test",)


def test_unconfigured_account_is_refused_before_connecting() -> None:
    with pytest.raises(AccountError, match="not set up"):
        send_test_message(AccountSettings(), None, "me@agency.test")


def test_one_connection_carries_many_messages(smtp_server: SmtpTestServer) -> None:
    with SmtpSender(account_for(smtp_server), None) as sender:
        for number in range(25):
            send(sender, number)
        assert sender.connections_opened == 1
    assert len(smtp_server.messages) == 25
    assert smtp_server.connections == 1


@pytest.mark.parametrize(("stage", "reply"), [(MAIL, "451 4.3.0 Busy"), (RCPT, "452 4.2.2 Full")])
def test_4xx_is_transient_and_the_connection_carries_on(
    smtp_server: SmtpTestServer, stage: str, reply: str
) -> None:
    smtp_server.fail(stage, reply)
    with SmtpSender(account_for(smtp_server), None) as sender:
        with pytest.raises(TransientError) as raised:
            send(sender, 1)
        assert raised.value.reply == reply
        send(sender, 2)
    assert [m.message_id for m in smtp_server.messages] == ["<m2@agency.test>"]
    assert smtp_server.connections == 1


def test_5xx_is_permanent_with_the_servers_reply(smtp_server: SmtpTestServer) -> None:
    smtp_server.fail(DATA, "550 5.7.1 Message rejected as spam")
    with SmtpSender(account_for(smtp_server), None) as sender:
        with pytest.raises(PermanentError) as raised:
            send(sender, 1)
        send(sender, 2)
    assert raised.value.reply == "550 5.7.1 Message rejected as spam"
    assert "550 5.7.1 Message rejected as spam" in str(raised.value)
    assert len(smtp_server.messages) == 1


def test_421_closes_and_the_next_message_reconnects(smtp_server: SmtpTestServer) -> None:
    smtp_server.fail(MAIL, "421 4.3.2 Shutting down")
    with SmtpSender(account_for(smtp_server), None) as sender:
        with pytest.raises(TransientError, match=r"421 4\.3\.2 Shutting down"):
            send(sender, 1)
        send(sender, 2)
        assert sender.connections_opened == 2
    assert len(smtp_server.messages) == 1


def test_an_idle_connection_the_server_dropped_is_reopened(smtp_server: SmtpTestServer) -> None:
    with SmtpSender(account_for(smtp_server), None) as sender:
        send(sender, 1)
        smtp_server.fail(DROP_AT_MAIL)  # as if the server had timed the idle connection out
        send(sender, 2)
        assert sender.connections_opened == 2
    assert [m.message_id for m in smtp_server.messages] == ["<m1@agency.test>", "<m2@agency.test>"]


def test_drop_at_the_data_command_is_transient(smtp_server: SmtpTestServer) -> None:
    smtp_server.fail(DROP_AT_DATA)
    with SmtpSender(account_for(smtp_server), None) as sender:
        with pytest.raises(TransientError):
            send(sender, 1)
        send(sender, 1)  # the retry
    assert [m.message_id for m in smtp_server.messages] == ["<m1@agency.test>"]


def test_drop_while_the_message_is_still_being_written_is_transient(
    smtp_server: SmtpTestServer,
) -> None:
    big = "x" * 70 + "\n"
    raw = raw_message(1, big * 90_000)  # 6 MB: more than loopback buffers take at once
    smtp_server.fail(DROP_MID_DATA)
    with SmtpSender(account_for(smtp_server), None) as sender:
        with pytest.raises(TransientError, match="dropped while sending") as raised:
            sender.send(raw, FROM, "c1@example.com")
        assert not isinstance(raised.value, UncertainDelivery)
        send(sender, 1)  # the retry (same Message-ID; a short body keeps the test quick)
    assert [m.message_id for m in smtp_server.messages] == ["<m1@agency.test>"]


def test_drop_after_the_whole_message_is_uncertain(smtp_server: SmtpTestServer) -> None:
    # A small message is wholly handed over before the reset, so the client cannot know
    # whether the server kept it: uncertain, never "try again".
    smtp_server.fail(DROP_MID_DATA)
    with SmtpSender(account_for(smtp_server), None) as sender, pytest.raises(UncertainDelivery):
        send(sender, 1)


def test_reply_lost_after_the_server_kept_the_message(smtp_server: SmtpTestServer) -> None:
    smtp_server.fail(DROP_AFTER_DATA)
    with SmtpSender(account_for(smtp_server), None) as sender:
        with pytest.raises(UncertainDelivery) as raised:
            send(sender, 1)
        assert not isinstance(raised.value, TransientError)
        send(sender, 2)  # the connection is reopened for the next one
    assert [m.message_id for m in smtp_server.messages] == ["<m1@agency.test>", "<m2@agency.test>"]


def test_default_context_verifies_certificates() -> None:
    sender = SmtpSender(AccountSettings(host="h", from_address=FROM), None)
    context = sender._context()
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname


def test_an_unforeseen_error_before_the_message_left_is_unexpected_not_sent(
    smtp_server: SmtpTestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: SmtpSender, raw: bytes, sender: str, recipient: str) -> None:
        raise KeyError("envelope")

    with SmtpSender(account_for(smtp_server), None) as sender:
        send(sender, 1)
        monkeypatch.setattr(SmtpSender, "_envelope", broken)
        with pytest.raises(UnexpectedError) as raised:
            send(sender, 2)
        assert isinstance(raised.value, AccountError)  # sending stops for the user to see
        assert str(raised.value) == "Unexpected error while sending: KeyError: 'envelope'."
        assert raised.value.transmitted is False
        assert not sender.connected  # never reused in an unknown state
        monkeypatch.undo()
        send(sender, 3)
    assert [m.message_id for m in smtp_server.messages] == ["<m1@agency.test>", "<m3@agency.test>"]


def test_an_unforeseen_error_after_the_message_left_says_it_may_have_arrived(
    smtp_server: SmtpTestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = SmtpSender._data

    def broken(self: SmtpSender, raw: bytes) -> str:
        real(self, raw)
        raise ValueError("after the reply")

    monkeypatch.setattr(SmtpSender, "_data", broken)
    with (
        SmtpSender(account_for(smtp_server), None) as sender,
        pytest.raises(UnexpectedError) as raised,
    ):
        send(sender, 1)
    assert raised.value.transmitted is True
    assert len(smtp_server.messages) == 1


def test_an_unforeseen_error_while_connecting_is_unexpected_and_redacted(
    starttls_server: SmtpTestServer,
    certificate: Certificate,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)

    def broken(self: SmtpSender, smtp: object, where: str) -> None:
        raise RuntimeError(f"could not use {self._password!r}")

    monkeypatch.setattr(SmtpSender, "_login", broken)
    sender = SmtpSender(
        account_for(starttls_server), TEST_PASSWORD, ssl_context=certificate.client_context()
    )
    with pytest.raises(UnexpectedError, match="Unexpected error while connecting to") as raised:
        sender.connect()
    assert TEST_PASSWORD not in str(raised.value) and "[hidden]" in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    assert "RuntimeError" in caplog.text and TEST_PASSWORD not in caplog.text
