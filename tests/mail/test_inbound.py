"""Reading incoming mail: job references, answered Message-IDs, automatic replies, text from
HTML, and RFC 3464 delivery status notifications in Postfix's format."""

from __future__ import annotations

from email.message import EmailMessage

from app.mail.inbound import html_to_text, parse_message
from tests.mail import messages


def test_an_application_has_its_resume_sender_and_job() -> None:
    inbound = parse_message(messages.application(subject="CV [JOB-42] for you"))
    assert inbound.sender == "jane.applicant@example.org"
    assert inbound.sender_name == "Jane Applicant"
    assert [a.filename for a in inbound.resumes] == ["jane-resume.txt"]
    assert inbound.job_reference() == 42
    assert "please find my resume attached" in inbound.text


def test_a_plus_address_names_the_job_and_plain_subjects_do_not() -> None:
    assert (
        parse_message(messages.application(subject="Hi", to="jobs+17@agency.test")).job_reference()
        == 17
    )
    assert parse_message(messages.application(subject="Hi JOB 12")).job_reference() is None


def test_answered_ids_put_in_reply_to_first_then_references_newest_first() -> None:
    raw = messages.plain(
        "a@example.org", "Re: x", in_reply_to="<c@x>", references="<a@x> <b@x> <c@x>"
    )
    assert parse_message(raw).answered_ids == ("<c@x>", "<b@x>", "<a@x>")


def test_automatic_replies_by_header_or_subject_but_not_a_plain_answer() -> None:
    by_header = messages.plain("a@example.org", "Re: x", headers={"Auto-Submitted": "auto-replied"})
    by_subject = messages.plain("a@example.org", "Automatic reply: Re: x")
    answer = messages.plain("a@example.org", "Re: x", headers={"Auto-Submitted": "no"})
    assert parse_message(by_header).auto_reply and parse_message(by_subject).auto_reply
    assert not parse_message(answer).auto_reply


def test_unsubscribe_requests_by_subject() -> None:
    assert parse_message(messages.plain("a@example.org", "unsubscribe")).asks_to_unsubscribe
    assert parse_message(
        messages.plain("a@example.org", "Please UNSUBSCRIBE me")
    ).asks_to_unsubscribe
    assert not parse_message(messages.plain("a@example.org", "Re: your role")).asks_to_unsubscribe


def test_an_html_only_body_is_read_as_text() -> None:
    message = EmailMessage()
    message["From"] = "a@example.org"
    message["Subject"] = "Hi"
    message.set_content(
        "<p>Hello <b>there</b></p><p>Line&nbsp;two</p><style>p{}</style>", subtype="html"
    )
    assert parse_message(bytes(message)).text == "Hello there\nLine two"
    assert html_to_text("a<br>b") == "a\nb"


def test_a_postfix_bounce_names_the_recipient_status_and_bounced_message() -> None:
    inbound = parse_message(messages.postfix_bounce("gone@example.org", "<orig@agency.test>"))
    assert inbound.is_report and inbound.attachments == ()
    [recipient] = inbound.bounces
    assert recipient.address == "gone@example.org" and recipient.status == "5.1.1"
    assert recipient.hard and "User unknown in virtual mailbox table" in recipient.diagnostic
    assert inbound.bounced_message_ids == ("<orig@agency.test>",)
    delayed = parse_message(messages.postfix_bounce("slow@example.org", "<o@a>", status="4.4.1"))
    assert not delayed.bounces[0].hard
