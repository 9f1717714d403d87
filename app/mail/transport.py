"""Talking to the SMTP server: one connection for many messages, and honest error classes.

What matters most is telling apart the failures that are safe to retry from the one that is
not. Up to the moment the last byte of a message (the terminating ".") has left, the server
cannot have accepted it, so a refusal with a 4xx reply, a refused or dropped connection or a
timeout is a `TransientError`: retry later. A 5xx reply is a `PermanentError`: retrying will
not help, and the server's reply is kept for the user. But when the whole message was
transmitted and the connection then dies before the server's reply, the server may well have
it: that is `UncertainDelivery`, and the message must never be resent without the user
deciding. To know which side of that line a failure falls on, the DATA phase is driven here
step by step instead of through `smtplib.SMTP.sendmail`.

Problems with the account itself (a wrong password, an untrusted certificate, a server that
does not offer STARTTLS) are `AccountError`s: they concern every message, so the dispatcher
stops and reports them rather than failing messages one by one.

A password or user name outside ASCII is sent as UTF-8 with AUTH PLAIN (RFC 4616 allows it)
or AUTH LOGIN; ``smtplib`` would raise `UnicodeEncodeError` for it. A server offering neither
(only CRAM-MD5, say) gets an `AccountError` that says so. Anything else unexpected while
connecting or sending becomes an `UnexpectedError`, an `AccountError` too: sending stops and
the user is told, rather than a traceback in the log.

The password is only ever handed to the AUTH exchange; it is never logged, kept out of
``repr`` and exception texts, and ``smtplib``'s debug output stays off. Every server reply and
error text that leaves `SmtpSender` goes through `app.mail.secrets.redact` first, in case the
server echoed the password.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import re
import smtplib
import socket
import ssl
import traceback
from email.utils import make_msgid

from app.mail.account import AccountSettings, BrandingSettings
from app.mail.mime import MessageFormatError, OutgoingEmail, render_message
from app.mail.secrets import redact

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0  # seconds, for connecting and for each reply
_LINE_START_DOT = re.compile(rb"(?m)^\.")
# What may stand between the angle brackets of MAIL FROM / RCPT TO: printable ASCII with no
# spaces, brackets or line breaks, one "@" (app.mail.mime checks addresses more strictly).
_ENVELOPE_ADDRESS = re.compile(r"[!-;=?-~]+@[!-;=?-~]+")


class MailError(Exception):
    """A failure to send, with a message for the user and the server's reply if there was one.

    ``str(error)`` is the sentence to show; ``reply`` is the server's own words ("451 4.7.1
    Try again later"), kept with the message in the outbox.
    """

    def __init__(self, message: str, reply: str | None = None):
        super().__init__(message)
        self.reply = reply

    @property
    def detail(self) -> str:
        """What to store as the message's last error: the server's reply when there was one."""
        return self.reply or str(self)


class TransientError(MailError):
    """Not sent, and worth trying again later: 4xx replies, dropped or refused connections."""


class ConnectError(TransientError):
    """The server could not be reached (or hung up during the greeting or login)."""


class PermanentError(MailError):
    """The server refused this message for good (a 5xx reply)."""


class UncertainDelivery(MailError):  # noqa: N818 (the name the feature agreed on)
    """The whole message was transmitted but no reply came: the server may have it."""


class AccountError(MailError):
    """The account's settings need the user: wrong password, untrusted certificate, no TLS."""


class UnexpectedError(AccountError):
    """Something Hirebench did not foresee went wrong while connecting or sending.

    Sending stops until the user looks, as for an account problem. ``transmitted`` says
    whether the whole message had left before it happened (then the server may have it)."""

    def __init__(self, message: str, *, transmitted: bool = False):
        super().__init__(message)
        self.transmitted = transmitted


def describe_exception(exc: BaseException) -> str:
    """``"KeyError: 'x'"``: an unexpected exception in one line, for the user."""
    detail = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def formatted_traceback(exc: BaseException) -> str:
    """The traceback of ``exc``, for the log (pass it through `redact` first)."""
    return "".join(traceback.format_exception(exc)).rstrip()


def _command(smtp: smtplib.SMTP, verb: str, argument: str) -> tuple[int, bytes]:
    smtp.putcmd(verb, argument)
    return smtp.getreply()


def reply_text(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return f"{code} {' '.join(text.split())}".strip()


def _from_reply(code: int, message: bytes | str, doing: str) -> MailError:
    reply = reply_text(code, message)
    if 400 <= code < 500:
        return TransientError(f"The server deferred {doing}: {reply}", reply)
    return PermanentError(f"The server refused {doing}: {reply}", reply)


class SmtpSender:
    """An SMTP session that sends many messages over one connection.

    Connects (and logs in) on first use or after the server dropped the connection; use it as
    a context manager so that the connection is closed politely. ``ssl_context`` is for
    servers whose certificate the system does not trust (tests); the default verifies the
    certificate and the host name.
    """

    def __init__(
        self,
        account: AccountSettings,
        password: str | None,
        *,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        local_hostname: str | None = None,
    ):
        self.account = account
        self._password = password
        self._ssl_context = ssl_context
        self._timeout = timeout
        self._local_hostname = local_hostname
        self._smtp: smtplib.SMTP | None = None
        self._used = False  # whether the current connection has carried a message
        self.connections_opened = 0
        self.transmitted = False  # whether the last `send`'s message left entirely

    def redact(self, text: str) -> str:
        """``text`` without this account's password in any form the server could echo."""
        return redact(text, self._password, self.account.username)

    def _redacted(self, error: MailError) -> MailError:
        """``error`` with the password taken out of its sentence and the server's reply."""
        message = self.redact(str(error))
        if message != str(error):
            error.args = (message, *error.args[1:])
        if error.reply:
            error.reply = self.redact(error.reply)
        return error

    def __repr__(self) -> str:  # never the password
        return f"SmtpSender({self.account.host}:{self.account.port}, {self.account.security})"

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def connected(self) -> bool:
        return self._smtp is not None and self._smtp.sock is not None

    def _context(self) -> ssl.SSLContext:
        return self._ssl_context or ssl.create_default_context()

    def connect(self) -> None:
        """Open the connection, negotiate TLS and log in; nothing to do when connected.

        Raises `AccountError` (`UnexpectedError` for the unforeseen) or `ConnectError`."""
        if self.connected:
            return
        try:
            self._open()
        except MailError as exc:
            raise self._redacted(exc) from None
        except Exception as exc:
            where = f"{self.account.host}:{self.account.port}"
            text = self.redact(describe_exception(exc))
            trace = self.redact(formatted_traceback(exc))
            log.error("unexpected error connecting to %s: %s\n%s", where, text, trace)
            raise UnexpectedError(
                f"Unexpected error while connecting to {where}: {text}."
            ) from None

    def _open(self) -> None:
        self.close()
        account = self.account
        where = f"{account.host}:{account.port}"
        if not account.configured:
            raise AccountError("The mail account is not set up: enter the server and From.")
        if account.username and not self._password:
            raise AccountError(f"There is no password for {account.username} on {where}.")
        smtp: smtplib.SMTP | None = None
        try:
            if account.security == "ssl":
                smtp = smtplib.SMTP_SSL(
                    account.host,
                    account.port,
                    local_hostname=self._local_hostname,
                    timeout=self._timeout,
                    context=self._context(),
                )
            else:
                smtp = smtplib.SMTP(
                    account.host,
                    account.port,
                    local_hostname=self._local_hostname,
                    timeout=self._timeout,
                )
            smtp.set_debuglevel(0)  # its debug output would include the AUTH exchange
            self._hello(smtp)
            if account.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise AccountError(
                        f"{where} does not offer STARTTLS. Choose SSL/TLS (usually port 465) "
                        "or check the port."
                    )
                smtp.starttls(context=self._context())
                self._hello(smtp)
            if account.username:
                self._login(smtp, where)
        except Exception as exc:
            if smtp is not None:
                smtp.close()
            error = _connect_error(exc, where)
            if error is exc:
                raise
            raise error from exc
        self._smtp = smtp
        self._used = False
        self.connections_opened += 1
        log.info("connected to %s (%s)", where, account.security)

    @staticmethod
    def _hello(smtp: smtplib.SMTP) -> None:
        code, message = smtp.ehlo()
        if code != 250:
            code, message = smtp.helo()
            if code != 250:
                raise smtplib.SMTPHeloError(code, message)

    def _login(self, smtp: smtplib.SMTP, where: str) -> None:
        if not smtp.has_extn("auth"):
            secure = " before TLS" if self.account.security == "none" else ""
            raise AccountError(
                f"{where} does not accept a login{secure}. Check the security setting, or "
                "leave the user name empty for a relay that needs none."
            )
        user, password = self.account.username or "", self._password or ""
        try:
            if user.isascii() and password.isascii():
                smtp.login(user, password)
            else:
                self._login_utf8(smtp, where, user, password)
        except smtplib.SMTPAuthenticationError as exc:
            reply = reply_text(exc.smtp_code, exc.smtp_error)
            if 400 <= exc.smtp_code < 500:
                raise ConnectError(f"The server could not log in now: {reply}", reply) from None
            raise AccountError(f"Authentication failed: {reply}", reply) from None
        except smtplib.SMTPException as exc:
            if isinstance(exc, smtplib.SMTPResponseException):
                reply = reply_text(exc.smtp_code, exc.smtp_error)
                raise AccountError(f"Authentication failed: {reply}", reply) from None
            raise AccountError(f"Authentication failed: {exc}") from None

    @staticmethod
    def _login_utf8(smtp: smtplib.SMTP, where: str, user: str, password: str) -> None:
        """Log in with a user name or password outside ASCII, sent as UTF-8: AUTH PLAIN
        (RFC 4616 defines it so), else AUTH LOGIN (no standard, but servers take the bytes)."""
        offered = (smtp.esmtp_features.get("auth") or "").upper().split()

        def encoded(data: bytes) -> str:
            return base64.b64encode(data).decode("ascii")

        if "PLAIN" in offered:
            token = encoded(b"\0" + user.encode() + b"\0" + password.encode())
            code, reply = smtp.docmd("AUTH", f"PLAIN {token}")
            if code == 334:  # a server that wants the credentials after an empty challenge
                code, reply = smtp.docmd(token)
        elif "LOGIN" in offered:
            code, reply = smtp.docmd("AUTH", "LOGIN")
            if code == 334:
                code, reply = smtp.docmd(encoded(user.encode()))
            if code == 334:
                code, reply = smtp.docmd(encoded(password.encode()))
        else:
            mechanisms = ", ".join(offered) or "none"
            raise AccountError(
                f"{where} offers no login method that can carry a user name or password with "
                f"characters outside plain ASCII (it offers {mechanisms}). Ask the provider to "
                "enable AUTH PLAIN, or use a password of plain ASCII letters, digits and "
                "punctuation."
            )
        if code not in (235, 503):  # 503: already logged in, as smtplib counts it
            raise smtplib.SMTPAuthenticationError(code, reply)

    def close(self) -> None:
        """Say QUIT and close; errors are ignored (the connection may already be gone)."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            if smtp.sock is not None:
                smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass
        finally:
            smtp.close()

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    # --- sending ----------------------------------------------------------------------------

    def send(self, raw: bytes, sender: str, recipient: str) -> str:
        """Send one message (CRLF line ends, not dot-stuffed); the value is the server's reply.

        Raises `TransientError`, `PermanentError`, `UncertainDelivery` or `AccountError`
        (`UnexpectedError` for the unforeseen, saying whether the message had left).
        """
        self.transmitted = False
        try:
            return self.redact(self._send(raw, sender, recipient))
        except MailError as exc:
            raise self._redacted(exc) from None
        except Exception as exc:
            text = self.redact(describe_exception(exc))
            log.error(
                "unexpected error while sending: %s\n%s",
                text,
                self.redact(formatted_traceback(exc)),
            )
            self._drop()  # the connection's state is unknown: never reuse it
            raise UnexpectedError(
                f"Unexpected error while sending: {text}.", transmitted=self.transmitted
            ) from None

    def _send(self, raw: bytes, sender: str, recipient: str) -> str:
        self.connect()
        reused = self._used
        try:
            self._envelope(raw, sender, recipient)
        except _StaleConnectionError as stale:
            if not reused:
                raise TransientError(str(stale), stale.reply) from None
            # The server closed the connection while it sat idle: nothing of this message
            # reached it, so a fresh connection may try again once.
            log.info("the server had closed the connection; reconnecting")
            self._drop()
            self.connect()
            try:
                self._envelope(raw, sender, recipient)
            except _StaleConnectionError as again:
                raise TransientError(str(again), again.reply) from None
        return self._data(raw)

    def send_email(
        self, message: OutgoingEmail, account: AccountSettings, branding: BrandingSettings
    ) -> str:
        """Render ``message`` and send it from the account's address to its recipient."""
        try:
            raw = render_message(message, account, branding)
        except MessageFormatError as exc:
            if exc.field in ("from_address", "reply_to"):  # the account's, not this message's
                raise AccountError(str(exc)) from None
            raise PermanentError(str(exc)) from None
        return self.send(raw, account.from_address, message.to_address)

    def _smtp_or_raise(self) -> smtplib.SMTP:
        if self._smtp is None:
            raise TransientError("The connection to the server is closed.")
        return self._smtp

    def _envelope(self, raw: bytes, sender: str, recipient: str) -> None:
        """MAIL FROM and RCPT TO. A dead connection here is `_StaleConnectionError`.

        The commands are written directly: smtplib's ``mail``/``rcpt`` re-parse each address
        with the email package's full RFC 2822 parser (half a millisecond a message, the
        largest CPU cost of a campaign), and ours were checked when the message was built.
        """
        smtp = self._smtp_or_raise()
        for address, role in ((sender, "sender"), (recipient, "recipient")):
            if not _ENVELOPE_ADDRESS.fullmatch(address):
                raise PermanentError(f"The {role} {address!r} is not a plain email address.")
        size = f" SIZE={len(raw)}" if smtp.has_extn("size") else ""
        try:
            code, message = _command(smtp, "mail", f"FROM:<{sender}>{size}")
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            raise _StaleConnectionError(f"The connection to the server dropped: {exc}") from None
        if code == 421:
            self._drop()
            raise _StaleConnectionError(
                f"The server is closing the connection: {reply_text(code, message)}",
                reply_text(code, message),
            )
        if code != 250:
            self._reset()
            raise _from_reply(code, message, "the sender")
        try:
            code, message = _command(smtp, "rcpt", f"TO:<{recipient}>")
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            raise TransientError(f"The connection to the server dropped: {exc}") from None
        if code not in (250, 251):
            self._after_refusal(code)
            raise _from_reply(code, message, f"the recipient {recipient}")

    def _data(self, raw: bytes) -> str:
        """DATA, the message, and the final reply, telling where a failure happened."""
        smtp = self._smtp_or_raise()
        try:
            smtp.putcmd("data")
            code, message = smtp.getreply()
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            raise TransientError(f"The connection dropped before the message: {exc}") from None
        if code != 354:
            self._after_refusal(code)
            raise _from_reply(code, message, "the message")
        payload = _LINE_START_DOT.sub(b"..", raw)
        if not payload.endswith(b"\r\n"):
            payload += b"\r\n"
        try:
            if smtp.sock is None:
                raise ConnectionResetError("the connection is closed")
            smtp.sock.sendall(payload + b".\r\n")
        except OSError as exc:
            # The terminating "." did not leave: the server cannot have accepted it.
            self._drop()
            reason = exc.strerror or str(exc)
            raise TransientError(f"The connection dropped while sending: {reason}") from None
        self.transmitted = True
        try:
            code, message = smtp.getreply()
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            raise UncertainDelivery(
                "The connection dropped after the whole message was sent, before the server "
                f"confirmed it: it may or may not have arrived ({exc}).",
                f"no reply after the message was sent ({exc})",
            ) from None
        self._used = True
        if code != 250:
            self._after_refusal(code)
            raise _from_reply(code, message, "the message")
        return reply_text(code, message)

    def _after_refusal(self, code: int) -> None:
        if code == 421:  # the server is closing this connection
            self._drop()
        else:
            self._reset()

    def _reset(self) -> None:
        """RSET so that the connection can carry the next message; drop it if that fails."""
        if self._smtp is None:
            return
        try:
            code, _message = self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            code = 0
        if code != 250:
            self._drop()


class _StaleConnectionError(TransientError):
    """The connection was dead before anything of this message was accepted."""


def _connect_error(exc: Exception, where: str) -> Exception:
    """A user-facing `MailError` for a failure while connecting, negotiating TLS or logging in."""
    if isinstance(exc, MailError):
        return exc
    if isinstance(exc, ssl.SSLCertVerificationError):
        return AccountError(
            f"Certificate not trusted for {where}: {exc.verify_message or exc.reason}. Check the "
            "server name, or ask your provider for the correct one."
        )
    if isinstance(exc, ssl.SSLError):
        return AccountError(
            f"Secure connection to {where} failed ({exc.reason or exc}). Check the security "
            "setting (STARTTLS, usually port 587; SSL/TLS, usually port 465)."
        )
    if isinstance(exc, smtplib.SMTPConnectError | smtplib.SMTPHeloError):
        reply = reply_text(exc.smtp_code, exc.smtp_error)
        if 400 <= exc.smtp_code < 500:
            return ConnectError(f"{where} is not accepting mail now: {reply}", reply)
        return AccountError(f"{where} refused the connection: {reply}", reply)
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = reply_text(exc.smtp_code, exc.smtp_error)
        if 400 <= exc.smtp_code < 500:
            return ConnectError(f"{where} is not accepting mail now: {reply}", reply)
        return AccountError(f"{where} refused: {reply}", reply)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return ConnectError(f"{where} closed the connection while connecting ({exc}).")
    if isinstance(exc, socket.gaierror):
        return ConnectError(f"Could not find the server {where}: {exc.strerror or exc}.")
    if isinstance(exc, TimeoutError):
        return ConnectError(f"Could not connect to {where}: timed out.")
    if isinstance(exc, OSError):
        return ConnectError(f"Could not connect to {where}: {exc.strerror or exc}.")
    if isinstance(exc, smtplib.SMTPException):
        return ConnectError(f"Could not connect to {where}: {exc}.")
    return exc


def make_test_email(account: AccountSettings, to_address: str) -> OutgoingEmail:
    """The email that "Send test email" sends."""
    return OutgoingEmail(
        id=0,
        to_address=to_address,
        to_name=None,
        subject="Hirebench test email",
        body_text=(
            "This is a test email from Hirebench.\n\n"
            f"It was sent through {account.host}:{account.port} ({account.security}) "
            f"at {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC. If you can read it, the mail "
            "account is set up correctly.\n"
        ),
        body_html=None,
        message_id=make_msgid(domain=account.sender_domain),
    )


def send_test_message(
    account: AccountSettings,
    password: str | None,
    to_address: str,
    *,
    ssl_context: ssl.SSLContext | None = None,
    timeout: float = 20.0,
) -> None:
    """Send one test email now; raises a `MailError` whose text says plainly what went wrong
    ("Authentication failed: 535 …", "Could not connect to smtp.example.com:587: …")."""
    if not account.configured:
        raise AccountError("The mail account is not set up: enter the server and From.")
    with SmtpSender(account, password, ssl_context=ssl_context, timeout=timeout) as sender:
        sender.send_email(make_test_email(account, to_address), account, BrandingSettings())
