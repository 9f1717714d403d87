"""An interview invitation end to end: scheduled through the service, queued in the outbox,
sent by the dispatcher to a real SMTP server on loopback, and read back from what arrived."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import threading
from collections.abc import Iterator

import pytest
from icalendar import Calendar

from app.services.core.context import ServiceContext
from app.services.engagement.mail_settings import get_account
from app.services.pipeline.interview_list import get_interview
from app.services.pipeline.interviews import cancel_interview, schedule_interview
from app.workers.dispatcher import Clock, Dispatcher
from tests.mail.smtp_server import SmtpTestServer
from tests.services.pipeline.interview_setup import build_loop, interview


class _Clock(Clock):
    """Time that moves only when the dispatcher waits; starts after the messages fell due."""

    def __init__(self) -> None:
        self.current = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)

    def now(self) -> dt.datetime:
        return self.current

    def monotonic(self) -> float:
        return 0.0

    def wait(self, event: threading.Event, seconds: float) -> bool:
        self.current += dt.timedelta(seconds=seconds)
        return event.is_set()


@pytest.fixture
def server() -> Iterator[SmtpTestServer]:
    with SmtpTestServer("none") as running:
        yield running


def _send(ctx: ServiceContext) -> None:
    clock = _Clock()
    worker = Dispatcher(ctx.sessions, ctx.actor, get_account(ctx), lambda: None, None, clock=clock)
    report = worker.run_until_idle(clock.now())
    assert report.problem is None and report.failed == 0


def _calendar_part(raw: bytes) -> email.message.EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0]


def test_the_invitation_arrives_with_a_calendar_request_part(
    ctx: ServiceContext, server: SmtpTestServer
) -> None:
    loop = build_loop(ctx, server.host, server.port)
    interview_id = schedule_interview(ctx, interview(loop)).value.interview_id
    uid = get_interview(ctx, interview_id).uid
    _send(ctx)
    received = {m.rcpt_tos: m for m in server.messages}
    assert set(received) == {("grace@northwind.test",), ("ada@mail.test",)}
    part = _calendar_part(received[("grace@northwind.test",)].data)
    assert part.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(part.get_content())
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]) == uid and int(event["sequence"]) == 0
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert str(event["organizer"]) == "mailto:rita@acme-talent.test"

    cancel_interview(ctx, interview_id)
    _send(ctx)
    cancels = [m for m in server.messages if m.rcpt_tos == ("grace@northwind.test",)][1:]
    [cancel] = cancels
    part = _calendar_part(cancel.data)
    assert part.get_param("method") == "CANCEL"
    [event] = Calendar.from_ical(part.get_content()).walk("VEVENT")
    assert str(event["uid"]) == uid and int(event["sequence"]) == 1
