"""The outbox dispatcher against a real SMTP server on loopback and a real SQLite file.

Retries, backoff and the rate limit run on a fake clock (`run_until_idle(now)`), so they take
no real time; the background thread is tested with the real one.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.mail.account import AccountSettings
from app.mail.mime import MailPart
from app.services.core.context import ServiceContext
from app.services.engagement import dispatch_lease, outbox
from app.services.engagement.dispatch_lease import Claimant
from app.services.engagement.outbox import Draft, add_to_outbox
from app.store.engagement import DispatchLease, OutboxMessage
from app.store.models import Activity, ActivityKind, Candidate, CandidateEmail
from app.workers.dispatcher import BUSY_RETRY, Clock, Dispatcher, DispatchEvent
from tests.mail.smtp_server import (
    DATA,
    DROP_AFTER_DATA,
    DROP_MID_DATA,
    MAIL,
    RCPT,
    TEST_PASSWORD,
    TEST_USER,
    Certificate,
    SmtpTestServer,
    make_certificate,
)
from tests.support import claim_next

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


class FakeClock(Clock):
    """Time that moves only when the dispatcher waits (or a test says so)."""

    def __init__(self, start: dt.datetime = T0):
        self.current = start
        self.elapsed = 0.0
        self.waits: list[float] = []

    def now(self) -> dt.datetime:
        return self.current

    def monotonic(self) -> float:
        return self.elapsed

    def wait(self, event: threading.Event, seconds: float) -> bool:
        if event.is_set():
            return True
        self.waits.append(round(seconds, 3))
        self.advance(seconds)
        return event.is_set()

    def advance(self, seconds: float) -> None:
        self.current += dt.timedelta(seconds=seconds)
        self.elapsed += seconds


class Events:
    def __init__(self) -> None:
        self.items: list[DispatchEvent] = []
        self._lock = threading.Lock()

    def __call__(self, event: DispatchEvent) -> None:
        with self._lock:
            self.items.append(event)

    def states(self) -> list[str]:
        with self._lock:
            return [e.state for e in self.items if e.message_id is not None]

    def problems(self) -> list[tuple[str, str]]:
        with self._lock:
            return [(e.state, e.problem or "") for e in self.items if e.message_id is None]


@pytest.fixture
def server() -> Iterator[SmtpTestServer]:
    with SmtpTestServer("none") as running:
        yield running


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_certificate(Path(tmp_path_factory.mktemp("dispatcher-cert")))


def account_for(server: SmtpTestServer, **changes: object) -> AccountSettings:
    values: dict[str, object] = {
        "host": server.host,
        "port": server.port,
        "security": server.security,
        "from_name": "Agency",
        "from_address": "jobs@agency.test",
        "rate_per_minute": 0,
    }
    values.update(changes)
    return AccountSettings(**values)  # type: ignore[arg-type]


def queue(
    ctx: ServiceContext,
    count: int,
    *,
    due: dt.datetime = T0,
    body: str = "Hello",
    **candidate_values: object,
) -> list[int]:
    """``count`` candidates, each with one queued message; the message ids."""
    with ctx.write() as tx:
        people = [
            Candidate(
                first_name=f"C{n}",
                last_name="Test",
                emails=[CandidateEmail(email=f"c{n}.{id(tx)}@example.com")],
                **candidate_values,
            )
            for n in range(count)
        ]
        tx.session.add_all(people)
        tx.session.flush()
        drafts = [
            Draft(
                to_address=person.emails[0].email,
                to_name=f"{person.first_name} Test",
                subject=f"Hello {person.first_name}",
                body_text=body,
                body_html=f"<p>{body[:100]}</p>",
                candidate_id=person.id,
            )
            for person in people
        ]
        return add_to_outbox(tx.session, drafts, domain="agency.test", not_before=due)


def states(ctx: ServiceContext, ids: list[int]) -> list[str]:
    with ctx.read() as session:
        found = dict(
            session.execute(
                select(OutboxMessage.id, OutboxMessage.state).where(OutboxMessage.id.in_(ids))
            ).all()
        )
    return [str(found[i]) for i in ids]


def stored(ctx: ServiceContext, message_id: int) -> OutboxMessage:
    with ctx.read() as session:
        message = session.get(OutboxMessage, message_id)
        assert message is not None
        return message


def dispatcher(
    ctx: ServiceContext,
    account: AccountSettings,
    *,
    password: str | None = None,
    clock: Clock | None = None,
    events: Events | None = None,
    **options: object,
) -> Dispatcher:
    return Dispatcher(
        ctx.sessions,
        ctx.actor,
        account,
        lambda: password,
        events,
        clock=clock or FakeClock(),
        **options,  # type: ignore[arg-type]
    )


def test_sends_everything_due_over_one_connection(
    ctx: ServiceContext, server: SmtpTestServer
) -> None:
    ids = queue(ctx, 25)
    later = queue(ctx, 1, due=T0 + dt.timedelta(hours=1))
    events = Events()

    report = dispatcher(ctx, account_for(server), events=events).run_until_idle(T0)

    assert (report.sent, report.failed, report.unknown, report.problem) == (25, 0, 0, None)
    assert report.ok
    assert states(ctx, ids) == ["sent"] * 25 and states(ctx, later) == ["queued"]
    assert server.connections == 1
    received = [m.message_id for m in server.messages]
    assert received == [stored(ctx, i).message_id for i in ids]  # oldest due first
    assert len(set(received)) == 25 and all(received)
    assert events.states() == ["sent"] * 25
    with ctx.read() as session:
        emails = session.scalar(
            select(func.count()).where(
                Activity.kind == ActivityKind.EMAIL, Activity.direction == "out"
            )
        )
    assert emails == 25


def test_transient_replies_are_retried_with_backoff_then_delivered(
    ctx: ServiceContext, server: SmtpTestServer
) -> None:
    first, second, third = queue(ctx, 3)
    addresses = {i: stored(ctx, i).to_address for i in (first, second, third)}
    server.fail(MAIL, "421 4.3.2 Service shutting down", count=1)
    server.fail(RCPT, "451 4.7.1 Greylisted, try again", recipient=addresses[second])
    clock = FakeClock()
    worker = dispatcher(ctx, account_for(server), clock=clock)

    report = worker.run_until_idle(T0)
    assert (report.sent, report.retrying) == (1, 2)
    assert states(ctx, [first, second, third]) == ["queued", "queued", "sent"]
    assert stored(ctx, first).last_error == "421 4.3.2 Service shutting down"
    assert stored(ctx, second).last_error == "451 4.7.1 Greylisted, try again"
    assert stored(ctx, first).next_attempt_at == T0 + dt.timedelta(minutes=1)

    assert worker.run_until_idle(T0 + dt.timedelta(seconds=30)).sent == 0  # still backing off
    server.recorder.clear_faults()
    report = worker.run_until_idle(T0 + dt.timedelta(minutes=1))
    assert report.sent == 2
    assert states(ctx, [first, second, third]) == ["sent"] * 3
    received = [m.message_id for m in server.messages]
    assert sorted(received) == sorted(stored(ctx, i).message_id for i in (first, second, third))


def test_5xx_fails_the_message_with_the_servers_reply(
    ctx: ServiceContext, server: SmtpTestServer
) -> None:
    refused, fine = queue(ctx, 2)
    server.fail(DATA, "550 5.7.1 Message rejected", recipient=stored(ctx, refused).to_address)
    events = Events()
    report = dispatcher(ctx, account_for(server), events=events).run_until_idle(T0)
    assert (report.sent, report.failed, report.ok) == (1, 1, False)
    assert states(ctx, [refused, fine]) == ["failed", "sent"]
    assert stored(ctx, refused).last_error == "550 5.7.1 Message rejected"
    [failed_event] = [e for e in events.items if e.state == "failed"]
    assert (failed_event.message_id, failed_event.error) == (refused, "550 5.7.1 Message rejected")
    # Failed stays failed: days later nothing is resent.
    dispatcher(ctx, account_for(server)).run_until_idle(T0 + dt.timedelta(days=3))
    assert len(server.messages) == 1


def test_drop_while_sending_is_retried_and_delivered_once(
    ctx: ServiceContext, server: SmtpTestServer
) -> None:
    [big] = queue(ctx, 1, body="x" * 70 + "\n" * 1 + ("y" * 70 + "\n") * 90_000)
    server.fail(DROP_MID_DATA)  # the connection dies while the 6 MB are still being written
    worker = dispatcher(ctx, account_for(server))
    assert worker.run_until_idle(T0).retrying == 1
    assert stored(ctx, big).state == "queued" and server.messages == []
    assert worker.run_until_idle(T0 + dt.timedelta(minutes=1)).sent == 1
    assert [m.message_id for m in server.messages] == [stored(ctx, big).message_id]


def test_lost_reply_after_the_whole_message_is_unknown_and_not_resent(
    ctx: ServiceContext, server: SmtpTestServer
) -> None:
    uncertain, after = queue(ctx, 2)
    server.fail(DROP_AFTER_DATA, recipient=stored(ctx, uncertain).to_address)
    worker = dispatcher(ctx, account_for(server))
    report = worker.run_until_idle(T0)
    assert (report.unknown, report.sent) == (1, 1)
    assert states(ctx, [uncertain, after]) == ["unknown", "sent"]
    worker.run_until_idle(T0 + dt.timedelta(days=1))
    ids = [m.message_id for m in server.messages]
    assert ids.count(stored(ctx, uncertain).message_id) == 1  # the server kept it; no resend


def test_rate_limit_spaces_the_messages(ctx: ServiceContext, server: SmtpTestServer) -> None:
    queue(ctx, 4)
    clock = FakeClock()
    report = dispatcher(ctx, account_for(server, rate_per_minute=30), clock=clock).run_until_idle()
    assert report.sent == 4
    assert clock.waits == [2.0, 2.0, 2.0]  # 30 a minute: one every two seconds
    assert clock.elapsed == pytest.approx(6.0)


def test_people_who_may_not_be_emailed_are_cancelled_not_sent(
    ctx: ServiceContext, server: SmtpTestServer
) -> None:
    blocked = queue(ctx, 2, do_not_contact=True)
    allowed = queue(ctx, 1)
    events = Events()
    report = dispatcher(ctx, account_for(server), events=events).run_until_idle(T0)
    assert (report.sent, report.cancelled) == (1, 2)
    assert states(ctx, blocked + allowed) == ["cancelled", "cancelled", "sent"]
    assert "not contact" in (stored(ctx, blocked[0]).last_error or "")
    assert [m.rcpt_tos[0] for m in server.messages] == [stored(ctx, allowed[0]).to_address]
    assert events.states().count("cancelled") == 2


def test_unconfigured_account_claims_nothing_and_says_so_once(ctx: ServiceContext) -> None:
    ids = queue(ctx, 2)
    events = Events()
    worker = dispatcher(ctx, AccountSettings(), events=events)
    first = worker.run_until_idle(T0)
    worker.run_until_idle(T0)
    assert first.problem and "not set up" in first.problem
    assert [state for state, _text in events.problems()] == ["blocked"]
    assert states(ctx, ids) == ["queued", "queued"]
    assert stored(ctx, ids[0]).attempts == 0


def test_missing_password_claims_nothing(ctx: ServiceContext, server: SmtpTestServer) -> None:
    ids = queue(ctx, 1)
    events = Events()
    worker = dispatcher(ctx, account_for(server, username=TEST_USER), events=events)
    report = worker.run_until_idle(T0)
    assert report.problem and "No password" in report.problem
    assert events.problems() == [("blocked", report.problem)]
    assert states(ctx, ids) == ["queued"] and server.connections == 0


def test_wrong_password_blocks_until_the_account_changes(
    ctx: ServiceContext, certificate: Certificate
) -> None:
    ids = queue(ctx, 2)
    password = {"value": "wrong"}
    events = Events()
    with SmtpTestServer("starttls", auth=True, certificate=certificate) as tls_server:
        account = account_for(tls_server, username=TEST_USER)
        worker = Dispatcher(
            ctx.sessions,
            ctx.actor,
            account,
            lambda: password["value"],
            events,
            ssl_context=certificate.client_context(),
            clock=FakeClock(),
        )
        report = worker.run_until_idle(T0)
        assert report.problem and report.problem.startswith("Authentication failed: 535")
        assert worker.run_until_idle(T0).problem == report.problem  # no new login attempt
        assert tls_server.connections == 1
        assert states(ctx, ids) == ["queued", "queued"]

        password["value"] = TEST_PASSWORD
        worker.wake()  # "the password was saved"
        assert worker.run_until_idle(T0).sent == 2
        assert all(m.tls and m.authenticated_as == TEST_USER for m in tls_server.messages)
    assert events.problems()[0][0] == "blocked"
    assert "correct horse" not in repr(events.items)


def test_unreachable_server_waits_and_tries_again(ctx: ServiceContext) -> None:
    ids = queue(ctx, 1)
    with SmtpTestServer("none") as gone:
        account = account_for(gone)
    clock = FakeClock()
    events = Events()
    worker = dispatcher(ctx, account, clock=clock, events=events)
    report = worker.run_until_idle(T0)
    assert report.problem and "Could not connect" in report.problem
    assert events.problems()[0][0] == "offline"
    assert states(ctx, ids) == ["queued"] and stored(ctx, ids[0]).attempts == 0
    assert worker.run_until_idle(T0).problem is None  # waiting: no new attempt yet
    assert len(events.problems()) == 1
    with SmtpTestServer("none") as back:
        worker.update_account(account_for(back))
        assert worker.run_until_idle(T0).sent == 1


def test_messages_left_sending_by_a_crash_become_unknown_at_start(
    ctx: ServiceContext, server: SmtpTestServer
) -> None:
    interrupted, waiting = queue(ctx, 2)
    claim_next(ctx, T0)  # a previous run died while sending this one
    report = dispatcher(ctx, account_for(server)).run_until_idle(T0)
    assert (report.recovered, report.sent) == (1, 1)
    assert states(ctx, [interrupted, waiting]) == ["unknown", "sent"]
    assert stored(ctx, interrupted).last_error == outbox.INTERRUPTED
    assert [m.message_id for m in server.messages] == [stored(ctx, waiting).message_id]


def test_background_thread_sends_pauses_and_stops(
    ctx: ServiceContext, server: SmtpTestServer
) -> None:
    events = Events()
    worker = Dispatcher(ctx.sessions, ctx.actor, account_for(server), lambda: None, events)
    worker.start()
    try:
        first = queue(ctx, 3, due=dt.datetime.now(dt.UTC))
        worker.wake()
        server.wait_for(3)
        _wait(lambda: events.states().count("sent") == 3)
        worker.pause()
        paused = queue(ctx, 2, due=dt.datetime.now(dt.UTC))
        worker.wake()
        time.sleep(0.2)  # it would have sent them by now
        assert states(ctx, paused) == ["queued", "queued"]
        worker.resume()
        server.wait_for(5)
        _wait(lambda: events.states().count("sent") == 5)
    finally:
        assert worker.stop(5)
    assert states(ctx, first + paused) == ["sent"] * 5
    names = {thread.name for thread in threading.enumerate()}
    assert not names & {"outbox-dispatcher", "outbox-database"}


def _wait(condition: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.01)
    assert condition(), "timed out"  # type: ignore[operator]


def test_a_lease_held_by_another_dispatcher_is_waited_for(
    ctx: ServiceContext, server: SmtpTestServer
) -> None:
    in_flight, waiting = queue(ctx, 2)
    elsewhere = Claimant("elsewhere", "another-computer", 1)
    assert dispatch_lease.acquire(ctx, elsewhere, 60) is None
    claim_next(ctx, T0)  # the other dispatcher's message on the wire
    events = Events()
    worker = dispatcher(ctx, account_for(server), events=events)
    report = worker.run_until_idle(T0)
    assert report.busy_since is not None and not report.ok
    assert (report.sent, report.recovered, server.connections) == (0, 0, 0)
    assert states(ctx, [in_flight, waiting]) == ["sending", "queued"]
    [(state, text)] = events.problems()
    assert state == "busy" and text.startswith("Another Hirebench on another-computer is ")
    assert 0.5 <= worker._idle_seconds(report) <= BUSY_RETRY  # looks again soon, not in a loop

    dispatch_lease.release(ctx, elsewhere)  # it stopped, leaving its message in 'sending'
    report = worker.run_until_idle(T0)
    assert (report.busy_since, report.recovered, report.sent) == (None, 1, 1)
    assert states(ctx, [in_flight, waiting]) == ["unknown", "sent"]
    assert events.problems()[-1] == ("ready", "")
    assert dispatch_lease.holder(ctx) is None  # freed when the pass ended


def test_a_pass_with_nothing_to_do_does_not_touch_the_lease(
    ctx: ServiceContext, server: SmtpTestServer
) -> None:
    queue(ctx, 1, due=T0 + dt.timedelta(hours=1))
    report = dispatcher(ctx, account_for(server)).run_until_idle(T0)
    assert (report.sent, report.busy_since) == (0, None)
    with ctx.read() as session:  # no write at all: a window's watcher sees no change
        assert session.scalars(select(DispatchLease)).all() == []


def test_a_failing_sequence_step_pauses_sending_and_says_why(
    ctx: ServiceContext, server: SmtpTestServer
) -> None:
    [message_id] = queue(ctx, 1)

    def before_pass(_ctx: ServiceContext, _when: dt.datetime) -> int:
        raise ValueError("step template missing")

    events = Events()
    worker = dispatcher(ctx, account_for(server), events=events, before_pass=before_pass)
    report = worker.run_until_idle(T0)
    assert report.problem is not None
    assert "while queuing the sequences' due emails (ValueError: step" in report.problem
    assert events.problems() == [("blocked", report.problem)]
    assert (stored(ctx, message_id).state, stored(ctx, message_id).last_error) == (
        "queued",
        report.problem,
    )
    assert worker.run_until_idle(T0).sent == 0 and server.connections == 0
    assert len(events.problems()) == 1  # said once, not at every pass


def test_invitations_and_attachments_reach_the_server_with_their_message(
    ctx: ServiceContext, server: SmtpTestServer
) -> None:
    invite = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    pdf = b"%PDF-1.4 profile"
    [plain] = queue(ctx, 1)
    with ctx.write() as tx:
        [with_parts] = add_to_outbox(
            tx.session,
            [
                Draft(
                    to_address="manager@client.test",
                    subject="Interview: Ann Smith",
                    body_text="See the invitation.",
                    attachments=(
                        MailPart("invite.ics", "text/calendar; method=REQUEST", invite, True),
                        MailPart("profile.pdf", "application/pdf", pdf),
                    ),
                )
            ],
            domain="agency.test",
            not_before=T0,
        )

    report = dispatcher(ctx, account_for(server)).run_until_idle(T0)

    assert report.sent == 2 and states(ctx, [plain, with_parts]) == ["sent", "sent"]
    by_id = {m.message_id: m for m in server.messages}
    received = email.message_from_bytes(
        by_id[stored(ctx, with_parts).message_id].data, policy=email.policy.default
    )
    assert received.get_content_type() == "multipart/mixed"
    alternative, attached = received.iter_parts()
    calendar = list(alternative.iter_parts())[-1]
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content().encode() == invite
    assert attached.get_filename() == "profile.pdf" and attached.get_content() == pdf
    other = email.message_from_bytes(
        by_id[stored(ctx, plain).message_id].data, policy=email.policy.default
    )
    assert other.get_content_type() == "multipart/alternative"  # no parts, same shape as before
