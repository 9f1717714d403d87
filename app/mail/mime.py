"""The bytes of one outgoing email: headers, text and HTML alternatives, the inline logo,
calendar invitations and attached files.

The dispatcher sends a thousand of these a minute, and the standard library's `EmailMessage`
costs about 2 ms each to build and flatten, more than the SMTP exchange itself. So the message
is written here directly, in a fixed shape whose every piece comes from the standard library's
encoders: RFC 2047 headers (`email.header`, `email.utils`), quoted-printable bodies and base64
images (`binascii`). Boundaries contain "=_", which neither encoding can produce, so they never
collide with content. `build_message` parses the same bytes back into an `EmailMessage` for
previews, the test email and the tests, so there is one format, checked by the standard parser.

The shape::

    multipart/mixed                   only when files are attached
      multipart/related               only when the HTML shows the logo and branding has one
        multipart/alternative         only when there is an HTML body or an invitation
          text/plain; charset=utf-8   quoted-printable
          text/html; charset=utf-8    quoted-printable
          text/calendar; method=…     an invitation (iMIP), base64
        image/…                       Content-ID: <agency-logo>, base64
      application/pdf, …              each attached file, base64

Header values are made safe here, whatever the outbox row holds: unsafe characters (CR, LF,
NUL, ESC, bidi overrides, lone surrogates; see `app.textsafe`) are dropped, text that a mail
client would decode as an RFC 2047 encoded word (``=?utf-8?q?…?=``) is itself encoded, so the
recipient sees it literally, and no header line exceeds 78 characters unless it holds a single
unbreakable token (an address, a Message-ID), and never RFC 5322's 998.

Only plain values come in (`OutgoingEmail` is read from an outbox row), so this runs on the
dispatcher's thread without touching the database.
"""

from __future__ import annotations

import binascii
import datetime as dt
import email
import email.policy
import functools
import re
import secrets
import urllib.parse
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from app.mail.account import AccountSettings, BrandingSettings
from app.textsafe import one_line

CRLF = b"\r\n"
LOGO_CID = "agency-logo"  # as app.mail.render writes it: <img src="cid:agency-logo">
_LOGO_REFERENCE = f"cid:{LOGO_CID}"
_MESSAGE_ID = re.compile(r"<[^<>\s@]+@[^<>\s@]+>")
_ADDRESS = re.compile(r"[^@\s<>\"(),;:\[\]\\]+@[A-Za-z0-9.-]+")
_LOGO_SUFFIX = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
FOLD_AT = 78  # RFC 5322's recommended line length
MAX_LINE = 998  # RFC 5322's hard limit, CRLF excluded
MAX_ADDRESS = 254  # RFC 5321's longest forward path, less its angle brackets
MAX_MESSAGE_ID = 250
# The longest word of free text kept as it is: after any header's name it fits in `FOLD_AT`;
# a longer one is sent as encoded words, which fold anywhere.
_LONGEST_WORD = FOLD_AT - len("List-Unsubscribe: ")


class MessageFormatError(ValueError):
    """A value that cannot go into an email (a bad address or Message-ID); ``field`` names it:
    "from_address" or "reply_to" (the account's) or "to_address" or "message_id" (the row's),
    or a header in lower case ("subject") should one ever be impossible to fold."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class OutgoingEmail:
    """One outbox message as plain values: what crosses to the dispatcher's thread."""

    id: int
    to_address: str
    to_name: str | None
    subject: str
    body_text: str
    body_html: str | None
    message_id: str  # "<…@domain>", stored when the message was queued
    candidate_id: int | None = None
    attempts: int = 0  # including the one being made
    parts: tuple[MailPart, ...] = ()


@dataclass(frozen=True)
class MailPart:
    """A file sent with a message. ``inline`` text/calendar parts (an invitation) go into the
    multipart/alternative beside the text, where calendar clients look for them; every other
    part is an attachment named ``filename``."""

    filename: str | None
    content_type: str  # "application/pdf", "text/calendar; method=REQUEST", …
    data: bytes
    inline: bool = False

    @property
    def is_calendar(self) -> bool:
        return self.inline and self.content_type.lower().startswith("text/calendar")


def _one_line(value: str) -> str:
    """Header values never carry line breaks or other control characters (no header
    injection from names or subjects)."""
    return one_line(value)


def _address(value: str, what: str, field: str) -> str:
    address = value.strip()
    if not address.isascii() or len(address) > MAX_ADDRESS or not _ADDRESS.fullmatch(address):
        raise MessageFormatError(
            f"{what} {value!r} is not an email address that can be used.", field
        )
    return address


def _encoded_words(text: str) -> str:
    """RFC 2047 base64 words of 64 characters at most (39 UTF-8 bytes, never splitting
    a character), separated by spaces that decoders drop between encoded words.

    A word ends after a space of the text where one is near (the space stays inside it), so
    that a name is not cut mid-word: some parsers, Python's among them, put a space between
    the encoded words of a display name."""
    words: list[str] = []
    chunk: list[str] = []
    size = 0
    for char in text:
        length = len(char.encode("utf-8"))
        if size + length > 39:
            cut = "".join(chunk).rfind(" ") + 1
            if cut <= 0:
                cut = len(chunk)
            words.append("".join(chunk[:cut]))
            chunk = chunk[cut:]
            size = len("".join(chunk).encode("utf-8"))
        chunk.append(char)
        size += length
    words.append("".join(chunk))
    return " ".join(
        "=?utf-8?b?" + binascii.b2a_base64(word.encode("utf-8"), newline=False).decode() + "?="
        for word in words
    )


def _needs_encoding(text: str) -> bool:
    """Whether free text must go out as RFC 2047 encoded words: it is not ASCII, it holds
    something a mail client would decode as an encoded word ("=?"), or it has a word too
    long to fold (encoded words are short, so they fold anywhere)."""
    return (
        not text.isascii()
        or "=?" in text
        or any(len(word) > _LONGEST_WORD for word in text.split(" "))
    )


def _text(value: str) -> str:
    """An unstructured header value (the subject): one safe line, encoded when needed."""
    text = _one_line(value)
    return _encoded_words(text) if text and _needs_encoding(text) else text


def _header(name: str, value: str) -> bytes:
    """``Name: value`` folded at spaces to 78 columns. The value is ASCII already (encoded
    words, addresses); only an unbreakable token may make a line longer, and none is allowed
    past RFC 5322's 998 characters."""
    first, *rest = value.split(" ")
    lines, current = [], f"{name}: {first}"
    for word in rest:
        if len(current) + 1 + len(word) > FOLD_AT:
            lines.append(current)
            current = f" {word}"
        else:
            current = f"{current} {word}"
    lines.append(current)
    if any(len(line) > MAX_LINE for line in lines):  # every source is bounded: a bug if so
        raise MessageFormatError(f"The {name} header cannot be folded.", name.lower())
    return "\r\n".join(lines).encode("ascii") + CRLF


def _mailbox(name: str | None, address: str) -> str:
    display = _one_line(name or "")
    if not display:
        return address
    if _needs_encoding(display):
        return f"{_encoded_words(display)} <{address}>"
    return formataddr((display, address))  # quotes it when it has specials


def _quoted_printable(text: str) -> bytes:
    """UTF-8 text as quoted-printable with CRLF line ends (lines stay under 77 characters)."""
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    if not normal.endswith("\n"):
        normal += "\n"
    encoded = binascii.b2a_qp(normal.encode("utf-8"), quotetabs=False, istext=True)
    return encoded.replace(b"\n", CRLF)


@functools.lru_cache(maxsize=4)
def _base64(data: bytes) -> bytes:
    """Base64 in 76-character lines; cached because every message carries the same logo."""
    lines = [binascii.b2a_base64(data[i : i + 57], newline=False) for i in range(0, len(data), 57)]
    return CRLF.join(lines) + CRLF


def _boundary() -> str:
    return f"=_hb_{secrets.token_hex(12)}"


def _text_part(subtype: str, text: str) -> bytes:
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    ).encode("ascii") + _quoted_printable(text)


def _multipart(subtype: str, parts: list[bytes], extra: str = "") -> bytes:
    boundary = _boundary()
    head = f'Content-Type: multipart/{subtype}; boundary="{boundary}"{extra}\r\n\r\n'
    delimiter = f"--{boundary}\r\n".encode("ascii")
    body = b"".join(delimiter + part + CRLF for part in parts)
    return head.encode("ascii") + body + f"--{boundary}--\r\n".encode("ascii")


def _logo_part(branding: BrandingSettings) -> bytes:
    mime = branding.logo_mime if branding.logo_mime in _LOGO_SUFFIX else "image/png"
    filename = f"logo.{_LOGO_SUFFIX[mime]}"
    head = (
        f"Content-Type: {mime}\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        f"Content-ID: <{LOGO_CID}>\r\n"
        f'Content-Disposition: inline; filename="{filename}"\r\n\r\n'
    )
    return head.encode("ascii") + _base64(branding.logo or b"")


_TOKEN = r"[A-Za-z0-9!#$&^_.+-]+"
_SAFE_TYPE = re.compile(rf"{_TOKEN}/{_TOKEN}(;\s*[A-Za-z0-9_-]+=[A-Za-z0-9_.-]+)*")


def _content_type(part: MailPart) -> str:
    """The part's type as given when it is a plain token (with simple parameters), else the
    neutral application/octet-stream: a stored value never writes a header of its own."""
    value = part.content_type.strip()
    return value if _SAFE_TYPE.fullmatch(value) else "application/octet-stream"


def _calendar_part(part: MailPart) -> bytes:
    head = f'Content-Type: {_content_type(part)}; charset="utf-8"\r\n'
    head += "Content-Transfer-Encoding: base64\r\n\r\n"
    return head.encode("ascii") + _base64(part.data)


def _attachment_part(part: MailPart, position: int) -> bytes:
    filename = _one_line(part.filename or "") or f"attachment-{position}"
    quoted = filename.replace("\\", "_").replace('"', "'")
    if quoted.isascii():
        disposition = f'attachment; filename="{quoted}"'
    else:  # RFC 2231: the name in UTF-8, percent-encoded
        disposition = f"attachment; filename*=utf-8''{urllib.parse.quote(filename, safe='')}"
    head = (
        f"Content-Type: {_content_type(part)}\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        f"Content-Disposition: {disposition}\r\n\r\n"
    )
    return head.encode("ascii") + _base64(part.data)


def _body(message: OutgoingEmail, branding: BrandingSettings) -> bytes:
    calendars = [part for part in message.parts if part.is_calendar]
    files = [part for part in message.parts if not part.is_calendar]
    texts = [_text_part("plain", message.body_text)]
    if message.body_html:
        texts.append(_text_part("html", message.body_html))
    texts += [_calendar_part(part) for part in calendars]
    body = texts[0] if len(texts) == 1 else _multipart("alternative", texts)
    if message.body_html and branding.logo and _LOGO_REFERENCE in message.body_html:
        body = _multipart(
            "related", [body, _logo_part(branding)], ';\r\n type="multipart/alternative"'
        )
    if files:
        attachments = [_attachment_part(part, n) for n, part in enumerate(files, 1)]
        body = _multipart("mixed", [body, *attachments])
    return body


def unsubscribe_header(account: AccountSettings) -> str:
    """``List-Unsubscribe``: a mailto link to the From address (no web link: no
    ``List-Unsubscribe-Post``, which RFC 8058 ties to an https URL)."""
    return f"<mailto:{account.from_address}?subject=unsubscribe>"


def render_message(
    message: OutgoingEmail,
    account: AccountSettings,
    branding: BrandingSettings,
    *,
    date: dt.datetime | None = None,
) -> bytes:
    """The complete message as it goes on the wire (CRLF line ends, 7-bit, not dot-stuffed).

    Raises `MessageFormatError` for an address or Message-ID that cannot be sent.
    """
    sender = _address(account.from_address, "The From address", "from_address")
    reply_to = (
        _address(account.reply_to, "The Reply-To address", "reply_to") if account.reply_to else None
    )
    recipient = _address(message.to_address, "The recipient's address", "to_address")
    if len(message.message_id) > MAX_MESSAGE_ID or not _MESSAGE_ID.fullmatch(message.message_id):
        raise MessageFormatError(
            f"The Message-ID {message.message_id!r} is not valid.", "message_id"
        )
    when = date or dt.datetime.now(dt.UTC)
    head = b"".join(
        [
            _header("From", _mailbox(account.from_name, sender)),
            _header("To", _mailbox(message.to_name, recipient)),
            _header("Reply-To", reply_to) if reply_to else b"",
            _header("Subject", _text(message.subject)),
            _header("Date", format_datetime(when)),
            f"Message-ID: {message.message_id}\r\n".encode("ascii"),
            _header("List-Unsubscribe", unsubscribe_header(account)),
            b"MIME-Version: 1.0\r\n",
        ]
    )
    return head + _body(message, branding)


def build_message(
    message: OutgoingEmail, account: AccountSettings, branding: BrandingSettings
) -> EmailMessage:
    """The same message as an `EmailMessage` (parsed from `render_message`'s bytes)."""
    raw = render_message(message, account, branding).replace(CRLF, b"\n")  # local line ends
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed
