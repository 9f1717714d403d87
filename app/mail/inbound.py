"""Incoming mail as plain values: who sent it, what it answers, its text and resumes, and
whether it is an automatic reply, an unsubscribe request or a bounce.

No database and no network here: the mailbox service decides what a message means for the
CRM from these values, and the tests build messages to check each rule.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import functools
import html
import re
from dataclasses import dataclass, field
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage, Message
from email.parser import BytesFeedParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from pathlib import PurePath

RESUME_SUFFIXES = frozenset({".pdf", ".docx", ".doc", ".odt", ".rtf", ".txt"})
MAX_TEXT = 20_000  # the timeline keeps at most this much of a message's text

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_JOB_TAG = re.compile(r"\[\s*JOB[-\s#]?(\d{1,9})\s*\]", re.IGNORECASE)
_PLUS_JOB = re.compile(r"^[^+@]+\+(?:job-?)?(\d{1,9})@", re.IGNORECASE)
_UNSUBSCRIBE = re.compile(r"\bunsubscribe\b", re.IGNORECASE)
_AUTO_SUBJECT = re.compile(
    r"^\s*(out of (the )?office|automatic reply|auto(matic)?[- ]?(reply|response)|auto:|"
    r"away from (the )?office|on vacation|abwesenheitsnotiz|réponse automatique)",
    re.IGNORECASE,
)
_TAGS = re.compile(r"<[^>]+>")
_SCRIPTS = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BREAKS = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h\d)\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes

    @property
    def is_resume(self) -> bool:
        return PurePath(self.filename).suffix.lower() in RESUME_SUFFIXES


@dataclass(frozen=True)
class BounceRecipient:
    """One recipient of a delivery status notification (RFC 3464)."""

    address: str
    action: str  # "failed", "delayed", "delivered", …
    status: str  # "5.1.1"
    diagnostic: str = ""

    @property
    def hard(self) -> bool:
        """A permanent failure: the address does not take mail."""
        return self.action == "failed" and self.status.startswith("5")


@dataclass(frozen=True)
class Inbound:
    """One incoming message, parsed."""

    message_id: str | None
    sender: str  # lower-case address
    sender_name: str
    recipients: tuple[str, ...]  # To, Cc, Delivered-To and X-Original-To, lower case
    subject: str
    text: str
    received_at: dt.datetime | None
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    auto_reply: bool = False
    bounces: tuple[BounceRecipient, ...] = ()
    bounced_message_ids: tuple[str, ...] = ()  # the Message-ID(s) of what bounced
    is_report: bool = False  # multipart/report; report-type=delivery-status

    @property
    def answered_ids(self) -> tuple[str, ...]:
        """The Message-IDs this message answers: In-Reply-To first, then References newest
        first (the last one is the message answered directly)."""
        seen: list[str] = []
        for value in (*self.in_reply_to, *reversed(self.references)):
            if value not in seen:
                seen.append(value)
        return tuple(seen)

    @property
    def resumes(self) -> tuple[Attachment, ...]:
        return tuple(a for a in self.attachments if a.is_resume)

    @property
    def asks_to_unsubscribe(self) -> bool:
        """An unsubscribe request: the word in the subject (what our List-Unsubscribe mailto
        link and our footer ask people to send)."""
        return bool(_UNSUBSCRIBE.search(self.subject))

    def job_reference(self) -> int | None:
        """The job named by ``[JOB-123]`` in the subject, or by a plus address
        (``jobs+123@…``) it was sent to."""
        tag = _JOB_TAG.search(self.subject)
        if tag:
            return int(tag.group(1))
        for address in self.recipients:
            plus = _PLUS_JOB.match(address)
            if plus:
                return int(plus.group(1))
        return None


def message_ids(value: str | None) -> tuple[str, ...]:
    """The ``<…>`` ids in a Message-ID, In-Reply-To or References header."""
    return tuple(_MESSAGE_ID.findall(str(value or "")))


def parse_message(raw: bytes) -> Inbound:
    """``raw`` (RFC 5322 bytes as fetched) as an `Inbound`. Never raises on bad headers: a
    broken message still has a sender, a subject and some text."""
    message = _parse_bytes(raw)
    name, address = parseaddr(_header(message, "From"))
    recipients = [
        addr.lower()
        for _, addr in getaddresses(
            [_header(message, h) for h in ("To", "Cc", "Delivered-To", "X-Original-To")]
        )
        if addr
    ]
    ids = message_ids(_header(message, "Message-ID"))
    bounces, bounced_ids, is_report = _delivery_status(message)
    return Inbound(
        message_id=ids[0] if ids else None,
        sender=str(address).lower(),
        sender_name=" ".join(str(name).split()),
        recipients=tuple(dict.fromkeys(recipients)),
        subject=" ".join(_header(message, "Subject").split()),
        text=_text_of(message)[:MAX_TEXT],
        received_at=_date(_header(message, "Date")),
        in_reply_to=message_ids(_header(message, "In-Reply-To")),
        references=message_ids(_header(message, "References")),
        attachments=tuple(_attachments(message)) if not is_report else (),
        auto_reply=_is_auto_reply(message),
        bounces=tuple(bounces),
        bounced_message_ids=tuple(bounced_ids),
        is_report=is_report,
    )


class _RememberedHeaders(HeaderRegistry):
    """The standard header classes, each (name, value) parsed once: the email package parses
    a header again every time it is read, and reading a message reads its parts'
    Content-Type a score of times. Parsed headers are immutable, so one can serve them all."""

    @functools.lru_cache(maxsize=2048)  # noqa: B019 - one registry for the process's life
    def __call__(self, name: str, value: str) -> BaseHeader:  # type: ignore[override]
        return super().__call__(name, value)


_POLICY = email.policy.default.clone(header_factory=_RememberedHeaders())


def _parse_bytes(raw: bytes, elide: bool = True) -> EmailMessage:
    """``raw`` parsed, its long base64 runs set aside first (`_elide_base64`): the email
    package reads a message line by line in Python, and a resume's 70 KB of base64 is a
    thousand lines of nothing to look at, half the cost of reading the message. Each run
    goes back into its part's payload as it was, so the message is the one a plain parse
    gives; should a run not find its way back, the message is parsed plainly."""
    if elide:
        stripped, runs = _elide_base64(raw)
        if runs:
            message = _feed(stripped)
            if _restore_base64(message, runs):
                return message
    return _feed(raw)


def _feed(raw: bytes, chunk: int = 1 << 16) -> EmailMessage:
    """The message parsed in pieces: fed whole, the parser splits all its lines in one call,
    which for a 25 MB message holds the interpreter (and so the window) for a tenth of a
    second."""
    parser = BytesFeedParser(policy=_POLICY)
    view = memoryview(raw)
    for start in range(0, len(raw), chunk):
        parser.feed(bytes(view[start : start + chunk]))
    message = parser.close()
    assert isinstance(message, EmailMessage)
    return message


# Sixty-four or more whole lines of base64 (an attachment's body). No boundary line (it
# starts with "--"), header line (it has a colon) or continuation line (it starts with a
# space) can be one of them, so setting a run aside never changes the message's structure.
_BASE64_RUN = re.compile(rb"^(?:[A-Za-z0-9+/]{40,998}=*\r?\n){64,}", re.MULTILINE)
_ELIDED = "hirebench-elided-"
_ELIDED_LINE = re.compile(re.escape(_ELIDED) + r"(\d+)(\r?\n)?")


def _elide_base64(raw: bytes) -> tuple[bytes, list[bytes]]:
    """``raw`` with each long base64 run replaced by one numbered line, and the runs."""
    marker = _ELIDED.encode()
    if marker in raw:  # a message that mentions the marker is read plainly
        return raw, []
    pieces: list[bytes] = []
    runs: list[bytes] = []
    last = 0
    for match in _BASE64_RUN.finditer(raw):
        run = match.group()
        ending = b"\r\n" if run.endswith(b"\r\n") else b"\n"
        pieces += [raw[last : match.start()], marker + str(len(runs)).encode() + ending]
        runs.append(run)
        last = match.end()
    if not runs:
        return raw, []
    pieces.append(raw[last:])
    return b"".join(pieces), runs


def _restore_base64(message: EmailMessage, runs: list[bytes]) -> bool:
    """Put each run back in the payload its line landed in; False if one did not land in
    a part's payload (a preamble, a header), when the message must be parsed plainly."""
    restored = 0

    def run_text(match: re.Match[str]) -> str:
        nonlocal restored
        restored += 1
        run = runs[int(match.group(1))].decode("ascii")
        # The parser drops the line break before a boundary from the payload: so does this.
        return run if match.group(2) else run.rstrip("\r\n")

    for part in message.walk():
        payload = part.get_payload() if not part.is_multipart() else None
        if isinstance(payload, str) and _ELIDED in payload:
            part.set_payload(_ELIDED_LINE.sub(run_text, payload))
    return restored == len(runs)


def _header(message: Message, name: str) -> str:
    try:
        values = message.get_all(name) or []
        return ", ".join(str(v) for v in values)
    except Exception:  # a header the parser cannot decode: read it raw
        return " ".join(str(v) for v in getattr(message, "_headers", []) if v[0] == name)


def _date(value: str) -> dt.datetime | None:
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC)


def _is_auto_reply(message: Message) -> bool:
    """RFC 3834's ``Auto-Submitted`` (anything but "no"), the common vendor headers, or an
    out-of-office subject."""
    auto = _header(message, "Auto-Submitted").strip().lower()
    if auto and auto != "no":
        return True
    if any(_header(message, h) for h in ("X-Autoreply", "X-Autorespond")):
        return True
    if _header(message, "Precedence").strip().lower() in ("auto_reply", "auto-reply"):
        return True
    return bool(_AUTO_SUBJECT.match(_header(message, "Subject")))


def _part_text(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
    except Exception:
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def html_to_text(markup: str) -> str:
    """Readable text from an HTML body: line breaks kept, tags and scripts gone."""
    text = _SCRIPTS.sub("", markup)
    text = _BREAKS.sub("\n", text)
    text = html.unescape(_TAGS.sub("", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()


def _text_of(message: EmailMessage) -> str:
    """The message's own text: the plain part, else the HTML part made plain."""
    plain: str | None = None
    markup: str | None = None
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "message/rfc822":
            break  # the bounced or forwarded message's own text is not this one's
        if kind == "text/plain" and plain is None:
            plain = _part_text(part)
        elif kind == "text/html" and markup is None:
            markup = _part_text(part)
    if plain and plain.strip():
        return plain.strip()
    return html_to_text(markup or "")


def _attachments(message: EmailMessage) -> list[Attachment]:
    found: list[Attachment] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        if not filename or part.get_content_type() == "message/rfc822":
            continue
        if PurePath(filename).suffix.lower() not in RESUME_SUFFIXES:
            # Only resumes are used: a large file of another kind (a portfolio, a video) is
            # not decoded, which would hold the interpreter for a long moment.
            found.append(Attachment(PurePath(filename).name, part.get_content_type(), b""))
            continue
        data = part.get_payload(decode=True)
        if isinstance(data, bytes) and data:
            found.append(Attachment(PurePath(filename).name, part.get_content_type(), data))
    return found


def _delivery_status(message: EmailMessage) -> tuple[list[BounceRecipient], list[str], bool]:
    """RFC 3464: the recipients a ``multipart/report; report-type=delivery-status`` reports on,
    and the Message-ID of the message that bounced (from its returned headers)."""
    if message.get_content_type() != "multipart/report":
        return [], [], False
    if str(message.get_param("report-type") or "").lower() != "delivery-status":
        return [], [], False
    recipients: list[BounceRecipient] = []
    bounced: list[str] = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            recipients.extend(_status_fields(part))
        elif kind in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            bounced.extend(_returned_ids(part))
    return recipients, list(dict.fromkeys(bounced)), True


def _status_fields(part: Message) -> list[BounceRecipient]:
    """The per-recipient field groups of a ``message/delivery-status`` part."""
    blocks: list[dict[str, str]] = []
    payload = part.get_payload()
    if isinstance(payload, list):  # the email package parsed the groups as messages
        for group in payload:
            if isinstance(group, Message):
                blocks.append({k.lower(): " ".join(str(v).split()) for k, v in group.items()})
    else:
        text = payload if isinstance(payload, str) else ""
        for chunk in re.split(r"\r?\n\s*\r?\n", text):
            fields: dict[str, str] = {}
            for line in re.sub(r"\r?\n[ \t]+", " ", chunk).splitlines():
                key, sep, value = line.partition(":")
                if sep:
                    fields[key.strip().lower()] = value.strip()
            blocks.append(fields)
    found: list[BounceRecipient] = []
    for fields in blocks:
        recipient = fields.get("final-recipient") or fields.get("original-recipient")
        if not recipient:
            continue
        _, _, address = recipient.partition(";")
        status = (fields.get("status") or "").split()[0] if fields.get("status") else ""
        diagnostic = fields.get("diagnostic-code", "")
        if ";" in diagnostic:
            diagnostic = diagnostic.split(";", 1)[1].strip()
        found.append(
            BounceRecipient(
                address=(address or recipient).strip().strip("<>").lower(),
                action=(fields.get("action") or "").lower(),
                status=status,
                diagnostic=diagnostic,
            )
        )
    return found


def _returned_ids(part: Message) -> list[str]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [
            i
            for inner in payload
            if isinstance(inner, Message)
            for i in message_ids(inner.get("Message-ID"))
        ]
    text = payload if isinstance(payload, str) else ""
    match = re.search(r"^Message-ID:\s*(<[^>\s]+>)", text, re.IGNORECASE | re.MULTILINE)
    return [match.group(1)] if match else []


@dataclass(frozen=True)
class Envelope:
    """What the poller knows of a message before reading it (its place on the server)."""

    folder: str
    uidvalidity: int
    uid: int
    size: int = 0
    flags: tuple[str, ...] = field(default_factory=tuple)
