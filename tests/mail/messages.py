"""Incoming messages as the agency's inbox receives them: applications with resumes, replies,
automatic replies, unsubscribe requests and delivery status notifications in the format
Postfix writes them (RFC 3464), as bytes."""

from __future__ import annotations

import datetime as dt
import uuid
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

AGENCY = "jobs@agency.test"


def resume_text(name: str, email: str, phone: str = "+1 555 010 2030") -> str:
    return (
        f"{name}\n{email}\n{phone}\nAustin, TX\n\nEXPERIENCE\n"
        "Data Engineer, Acme Corp, 2021 - present\nAnalyst, Globex, 2018 - 2021\n\n"
        "SKILLS\nPython, SQL, Airflow\n"
    )


def _base(
    sender: str, subject: str, to: str = AGENCY, message_id: str | None = None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(dt.datetime.now().astimezone())
    message["Message-ID"] = message_id or make_msgid(domain="sender.example")
    return message


def application(
    sender: str = "Jane Applicant <jane.applicant@example.org>",
    subject: str = "Application [JOB-1]",
    to: str = AGENCY,
    body: str = "Dear team,\nplease find my resume attached.\nJane",
    resume: str | None = None,
    filename: str = "jane-resume.txt",
    message_id: str | None = None,
    extra: bytes = b"",
) -> bytes:
    message = _base(sender, subject, to, message_id)
    message.set_content(body)
    text = resume or resume_text("Jane Applicant", "jane.applicant@example.org")
    message.add_attachment(text.encode(), maintype="text", subtype="plain", filename=filename)
    if extra:
        message.add_attachment(
            extra, maintype="application", subtype="octet-stream", filename="big.bin"
        )
    return bytes(message)


def plain(
    sender: str,
    subject: str,
    body: str = "Hello",
    *,
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: dict[str, str] | None = None,
    to: str = AGENCY,
    message_id: str | None = None,
) -> bytes:
    message = _base(sender, subject, to, message_id)
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return bytes(message)


def postfix_bounce(recipient: str, original_message_id: str, status: str = "5.1.1") -> bytes:
    """A non-delivery report as Postfix sends it: a multipart/report with the human part,
    the delivery-status part and the returned headers."""
    boundary = f"{uuid.uuid4().hex[:12].upper()}.1764894850/mail.agency.test"
    action = "failed" if status.startswith("5") else "delayed"
    code = "550" if status.startswith("5") else "450"
    return (
        "Return-Path: <>\r\n"
        "Date: Sat,  5 Dec 2026 00:34:10 +0000 (UTC)\r\n"
        "From: MAILER-DAEMON@mail.agency.test (Mail Delivery System)\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"To: {AGENCY}\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/report; report-type=delivery-status;\r\n"
        f'\tboundary="{boundary}"\r\n'
        "Content-Transfer-Encoding: 7bit\r\n"
        f"Message-Id: <{uuid.uuid4().hex}@mail.agency.test>\r\n"
        "\r\n"
        "This is a MIME-encapsulated message.\r\n"
        "\r\n"
        f"--{boundary}\r\n"
        "Content-Description: Notification\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n"
        "\r\n"
        "This is the mail system at host mail.agency.test.\r\n"
        "\r\n"
        "I'm sorry to have to inform you that your message could not\r\n"
        "be delivered to one or more recipients. It's attached below.\r\n"
        "\r\n"
        f"<{recipient}>: host mx.example.org[192.0.2.10] said: {code} {status}\r\n"
        f"    <{recipient}>: Recipient address rejected: User unknown in virtual\r\n"
        "    mailbox table (in reply to RCPT TO command)\r\n"
        "\r\n"
        f"--{boundary}\r\n"
        "Content-Description: Delivery report\r\n"
        "Content-Type: message/delivery-status\r\n"
        "\r\n"
        "Reporting-MTA: dns; mail.agency.test\r\n"
        "X-Postfix-Queue-ID: 4QX1Lk0ZxPz9sW7\r\n"
        f"X-Postfix-Sender: rfc822; {AGENCY}\r\n"
        "Arrival-Date: Sat,  5 Dec 2026 00:34:08 +0000 (UTC)\r\n"
        "\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\n"
        f"Original-Recipient: rfc822;{recipient}\r\n"
        f"Action: {action}\r\n"
        f"Status: {status}\r\n"
        "Remote-MTA: dns; mx.example.org\r\n"
        f"Diagnostic-Code: smtp; {code} {status} <{recipient}>: Recipient address rejected:\r\n"
        "    User unknown in virtual mailbox table\r\n"
        "\r\n"
        f"--{boundary}\r\n"
        "Content-Description: Undelivered Message Headers\r\n"
        "Content-Type: text/rfc822-headers\r\n"
        "\r\n"
        f"Return-Path: <{AGENCY}>\r\n"
        f"From: Agency <{AGENCY}>\r\n"
        f"To: <{recipient}>\r\n"
        "Subject: A role you may like\r\n"
        f"Message-ID: {original_message_id}\r\n"
        "\r\n"
        f"--{boundary}--\r\n"
    ).encode("ascii")
