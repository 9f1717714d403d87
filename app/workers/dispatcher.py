"""The background outbox dispatcher: sends what is due over one SMTP connection, crash-safely.

One plain thread (no Qt: the CLI runs the same code through `run_until_idle`) loops: queue the
sequences' due steps (``before_pass``), then claim → send → record, message by message, until
nothing is due; it then closes the connection and sleeps until the next message falls due, a
`wake`, or a minute at most. Every message is claimed (``queued`` → ``sending``, committed)
before its first byte leaves, so after a crash `recover_interrupted` finds it and shows it as
"unknown — check" instead of sending it again.

The database work of a pass runs on a helper thread, so that the connection never waits for
it. With no rate limit it keeps up to `CLAIM_AHEAD` messages claimed ahead of the connection
(each claim committed before those messages are handed over), and records outcomes (``sent``
with its timeline Activity and audit entry) a few at a time. A campaign then goes out at close
to the speed of a bare SMTP loop (`tests/perf/bench_campaign.py`) — SQLAlchemy's per-transaction
cost is several times SQLite's own, so one small transaction per message would halve it. What
that costs is bounded and never a resend: after a crash, the messages claimed ahead but never
transmitted and those sent but not yet recorded show as "unknown — check" along with the one
on the wire (at most `CLAIM_AHEAD` + `RECORD_BATCH` + 2 of them); messages claimed ahead are
released when a pass stops normally.

Account problems (not set up, no password, wrong password, untrusted certificate) stop
sending and are reported once through ``on_event``; nothing is claimed meanwhile. A server
that cannot be reached is retried with a growing pause. Only ids and plain dataclasses cross
threads; each thread opens its own sessions.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.mail.account import AccountSettings, BrandingSettings
from app.mail.mime import MessageFormatError, OutgoingEmail, render_message
from app.mail.transport import (
    AccountError,
    ConnectError,
    MailError,
    PermanentError,
    SmtpSender,
    TransientError,
    UncertainDelivery,
)
from app.services import outbox
from app.services.context import ServiceContext
from app.services.unit_of_work import Actor, Changes, Transaction

log = logging.getLogger(__name__)

IDLE_CHECK = 60.0  # seconds between passes when nothing is due (sequence steps may fall due)
WRITE_RETRIES = 5  # a locked database (another program writing) is retried this often
CLAIM_AHEAD = 4  # messages claimed ahead of the connection when there is no rate limit
RECORD_BATCH = 16  # outcomes recorded together while sending goes on
RECORD_DELAY = 0.05  # seconds an outcome may wait for others to be recorded with


@dataclass(frozen=True)
class DispatchEvent:
    """A message changed state, or sending stopped for a reason that concerns every message.

    For a message: its id, candidate and new state ("sent", "queued" for a retry later,
    "failed", "unknown", "cancelled"), with the server's reply in ``error`` when it failed.
    For the account (``message_id`` None): ``state`` is "blocked" (the user must act: no
    password, authentication failed, …) or "offline" (server unreachable, retrying), and
    ``error`` says why in plain words (also as ``problem``).
    """

    message_id: int | None
    candidate_id: int | None
    state: str
    error: str | None = None

    @property
    def problem(self) -> str | None:
        return self.error if self.message_id is None else None


@dataclass(frozen=True)
class DispatchReport:
    """What one `run_until_idle` did."""

    sent: int = 0
    retrying: int = 0  # transient failures, queued again for later
    failed: int = 0
    unknown: int = 0
    cancelled: int = 0
    recovered: int = 0  # messages found in 'sending' at start and marked unknown
    queued_steps: int = 0  # sequence steps queued by ``before_pass``
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None and not self.failed and not self.unknown


class Clock:
    """Wall time for due dates, a monotonic clock and interruptible waits (tests fake it)."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def wait(self, event: threading.Event, seconds: float) -> bool:
        """Wait until ``event`` is set or ``seconds`` passed; True when it was set."""
        return event.wait(max(seconds, 0.0))


class RateLimiter:
    """A token bucket holding one token: messages evenly spaced at ``per_minute``."""

    def __init__(self, per_minute: int, clock: Clock):
        self.per_minute = per_minute
        self._clock = clock
        self._next = clock.monotonic()

    def wait_turn(self, interrupted: threading.Event) -> bool:
        """Wait for the next slot; False when ``interrupted`` was set meanwhile."""
        if self.per_minute <= 0:
            return not interrupted.is_set()
        delay = self._next - self._clock.monotonic()
        if delay > 0 and self._clock.wait(interrupted, delay):
            return False
        self._next = max(self._next, self._clock.monotonic()) + 60.0 / self.per_minute
        return not interrupted.is_set()


_Claimed = tuple[OutgoingEmail, "bytes | MessageFormatError"]  # a message and its bytes


@dataclass(frozen=True)
class _Outcome:
    """How sending one message went, to be recorded."""

    message: OutgoingEmail
    state: str  # "sent", "transient", "failed" or "unknown"
    reply: str | None
    at: dt.datetime


class _PassDatabase:
    """The database side of one sending pass, on a thread of its own.

    It keeps a few messages claimed ahead of the sender thread (each claim committed before
    its messages are handed over, up to ``ahead`` at a time), so that the connection never
    waits for the database, and records outcomes `RECORD_BATCH` at a time (sooner when they
    have waited `RECORD_DELAY`, and at the end) in one transaction, with the next claim when
    one is due. A message sent but not yet recorded stays ``sending``, so a crash meanwhile
    shows it as "unknown — check", never as not sent; messages claimed but never handed over
    are released when the pass ends.

    With ``ahead`` 0 (a rate limit) one message is claimed when the sender asks for it.
    """

    def __init__(
        self,
        dispatcher: Dispatcher,
        now: dt.datetime | None,
        ahead: int,
        render: Callable[[OutgoingEmail], bytes | MessageFormatError],
    ):
        self._dispatcher = dispatcher
        self._now = now
        self._ahead = ahead
        self._render = render
        self._condition = threading.Condition()
        self._asking = False  # the sender waits in `take`
        self._claimed: deque[_Claimed] = deque()
        self._exhausted = False  # the last claim found fewer messages than it asked for
        self._outcomes: list[_Outcome] = []
        self._closing = False
        self.counts: dict[str, int] = {}
        self._thread = threading.Thread(target=self._run, name="outbox-database", daemon=True)
        self._thread.start()

    # --- the sender's side ---

    def take(self) -> _Claimed | None:
        """The next claimed message and its bytes (rendered here, off the sender's thread),
        oldest due first; None when nothing more is due."""
        with self._condition:
            if not self._claimed:
                self._asking = True
                self._condition.notify_all()
                self._condition.wait_for(
                    lambda: bool(self._claimed) or self._exhausted or not self._thread.is_alive()
                )
                self._asking = False
            message = self._claimed.popleft() if self._claimed else None
            if self._claim_count():  # wake the thread only when there is work for it
                self._condition.notify_all()
            return message

    def record(self, outcome: _Outcome) -> None:
        with self._condition:
            self._outcomes.append(outcome)
            if len(self._outcomes) >= RECORD_BATCH:
                self._condition.notify_all()

    def close(self) -> None:
        """Record every outcome, release claimed messages never taken, and end the thread."""
        with self._condition:
            self._closing = True
            self._condition.notify_all()
        self._thread.join()

    # --- the thread ---

    def _claim_count(self) -> int:
        """How many messages to claim now (0: none)."""
        if self._closing or self._exhausted:
            return 0
        if self._ahead == 0:
            return 1 if self._asking and not self._claimed else 0
        return self._ahead if len(self._claimed) <= 1 else 0

    def _ready(self) -> bool:
        return bool(self._claim_count() or len(self._outcomes) >= RECORD_BATCH or self._closing)

    def _run(self) -> None:
        try:
            while self._step():
                pass
        finally:
            with self._condition:
                self._exhausted = True
                self._condition.notify_all()  # a `take` waiting on a finished thread wakes

    def _step(self) -> bool:
        """Do the most urgent piece of work; False when the pass is over."""
        with self._condition:
            if not self._condition.wait_for(self._ready, RECORD_DELAY) and not self._outcomes:
                return True
            count = self._claim_count()
            outcomes: list[_Outcome] = []
            if not count or len(self._outcomes) >= RECORD_BATCH:
                outcomes, self._outcomes = self._outcomes, []
            leftover: list[OutgoingEmail] = []
            if self._closing and not outcomes:
                leftover = [message for message, _raw in self._claimed]
                self._claimed.clear()
        if count or outcomes:
            messages = self._dispatcher._settle(outcomes, self.counts, count, self._now)
            if count:
                claimed = [(message, self._render(message)) for message in messages]
                with self._condition:
                    self._claimed.extend(claimed)
                    self._exhausted = len(messages) < count
                    self._condition.notify_all()
            return True
        for message in leftover:  # claimed ahead, never sent: back to the queue
            self._dispatcher._release(message)
        return False


class Dispatcher:
    """Sends the outbox in the background (`start`) or once, synchronously (`run_until_idle`).

    ``password_provider`` is asked for the password each time a connection is opened, so a
    password saved meanwhile is picked up; it returns None when there is none. ``before_pass``
    queues the sequences' due steps (it gets a context and the time). ``on_event`` is called
    on the dispatcher's threads; a GUI re-emits it as a queued signal.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        actor: Actor,
        account: AccountSettings,
        password_provider: Callable[[], str | None],
        on_event: Callable[[DispatchEvent], None] | None = None,
        before_pass: Callable[[ServiceContext, dt.datetime], int] | None = None,
        ssl_context: Any = None,
        clock: Clock | None = None,
        *,
        timeout: float = 30.0,
        on_changes: Callable[[Changes], None] | None = None,
    ):
        self.ctx = ServiceContext(sessions, actor)
        self._account = account
        self._password_provider = password_provider
        self._on_event = on_event
        self._before_pass = before_pass
        self._ssl_context = ssl_context
        self._clock = clock or Clock()
        self._timeout = timeout
        self._on_changes = on_changes
        self._lock = threading.Lock()  # guards the account and flags below
        self._stop = threading.Event()
        self._wake = threading.Event()  # set by wake(), stop(), resume(), update_account()
        self._paused = False
        self._recovered = False
        self._blocked_by: AccountSettings | None = None  # account with a problem needing the user
        self._offline_until: float | None = None  # monotonic time of the next connect attempt
        self._offline_failures = 0
        self._last_problem: str | None = None
        self._thread: threading.Thread | None = None
        self._busy = threading.Lock()  # one pass at a time
        self._limiter: RateLimiter | None = None
        self.connections_opened = 0

    # --- control, from any thread -----------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="outbox-dispatcher", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> bool:
        """Stop after the message being sent (if any); True when the thread has ended."""
        self._stop.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()

    def wake(self) -> None:
        """Look at the outbox now: messages were queued, or the password was saved."""
        with self._lock:
            self._blocked_by = None
            self._offline_until = None
        self._wake.set()

    def pause(self) -> None:
        with self._lock:
            self._paused = True
        self._wake.set()

    def resume(self) -> None:
        with self._lock:
            self._paused = False
        self._wake.set()

    @property
    def paused(self) -> bool:
        with self._lock:
            return self._paused

    def update_account(self, account: AccountSettings) -> None:
        """Use new settings from the next connection on."""
        with self._lock:
            self._account = account
            self._blocked_by = None
            self._offline_until = None
            self._last_problem = None
        self._wake.set()

    # --- the loop ---------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            report: DispatchReport | None = None
            try:
                report = self._pass(None)
            except Exception:  # a bug or a broken database must not end sending for good
                log.exception("outbox pass failed")
            if self._stop.is_set():
                break
            self._clock.wait(self._wake, self._idle_seconds(report))

    def run_until_idle(self, now: dt.datetime | None = None) -> DispatchReport:
        """Send everything due at ``now`` (default: the clock's time) and return what happened.

        Synchronous, on the caller's thread: for the CLI and tests."""
        if self._thread is not None:
            raise RuntimeError("the dispatcher is running in the background")
        return self._pass(now)

    def _idle_seconds(self, report: DispatchReport | None) -> float:
        """How long to sleep after a pass (a `wake` cuts it short)."""
        with self._lock:
            if self._paused or self._blocked_by is not None:
                return IDLE_CHECK  # until resume(), update_account() or wake()
            offline_until = self._offline_until
        if offline_until is not None:
            return max(offline_until - self._clock.monotonic(), 0.0)
        try:
            due = outbox.next_due_time(self.ctx)
        except OperationalError:
            return 1.0
        if due is None:
            return IDLE_CHECK
        seconds = min(IDLE_CHECK, (due - self._clock.now()).total_seconds())
        if seconds <= 0 and (report is None or not (report.sent or report.retrying)):
            return 1.0  # due but nothing moved (e.g. the database is locked): no busy loop
        return max(seconds, 0.0)

    def _emit(self, event: DispatchEvent) -> None:
        if self._on_event is None:
            return
        try:
            self._on_event(event)
        except Exception:
            log.exception("outbox event handler failed")

    def _problem(self, state: str, text: str) -> str:
        """Report an account-wide problem once (until the account changes or it clears)."""
        with self._lock:
            repeated = text == self._last_problem
            self._last_problem = text
        if not repeated:
            log.warning("outbox: %s", text)
            self._emit(DispatchEvent(None, None, state, text))
        return text

    def _pass(self, now: dt.datetime | None) -> DispatchReport:
        with self._busy:
            report = DispatchReport()
            if not self._recovered:
                report = replace(report, recovered=outbox.recover_interrupted(self.ctx))
                self._recovered = True
            if self._before_pass is not None:
                try:
                    steps = self._before_pass(self.ctx, now or self._clock.now())
                    report = replace(report, queued_steps=int(steps or 0))
                except Exception:
                    log.exception("queuing sequence steps failed")
            try:
                report = replace(report, cancelled=self._cancel_blocked())
            except OperationalError as exc:
                log.warning("cancelling blocked messages failed: %s", exc)
            with self._lock:
                account, paused = self._account, self._paused
                blocked = self._blocked_by == account
                offline = (
                    self._offline_until is not None
                    and self._clock.monotonic() < self._offline_until
                )
            if paused or offline:
                return report
            if blocked:
                return replace(report, problem=self._last_problem)
            if not self._anything_due(now):
                return report
            return self._send_due(account, now, report)

    def _connect(self, account: AccountSettings) -> SmtpSender | str:
        """An open connection, or the problem that prevents one (already reported)."""
        if not account.configured:
            with self._lock:
                self._blocked_by = account
            return self._problem(
                "blocked", "Email is not set up: enter the mail server and From address."
            )
        password = self._password_provider() if account.username else None
        if account.username and not password:
            with self._lock:
                self._blocked_by = account
            return self._problem(
                "blocked",
                f"No password for {account.username} on {account.host}: "
                "enter it in Settings (Email account).",
            )
        sender = SmtpSender(account, password, ssl_context=self._ssl_context, timeout=self._timeout)
        try:
            sender.connect()
        except AccountError as exc:
            with self._lock:
                self._blocked_by = account
            return self._problem("blocked", str(exc))
        except ConnectError as exc:
            self._go_offline()
            return self._problem("offline", f"{exc} Sending will be retried.")
        with self._lock:
            self._offline_failures = 0
            self._last_problem = None
        return sender

    def _go_offline(self) -> None:
        with self._lock:
            self._offline_failures += 1
            pause = outbox.backoff_delay(self._offline_failures).total_seconds()
            self._offline_until = self._clock.monotonic() + pause

    def _send_due(
        self, account: AccountSettings, now: dt.datetime | None, report: DispatchReport
    ) -> DispatchReport:
        """Send until nothing is due, the pass must stop, or a problem concerns every message.

        Messages come from the pass's database thread (claimed ahead when there is no rate
        limit) with their bytes already rendered; outcomes go back to it to be recorded."""
        sender = self._connect(account)
        if isinstance(sender, str):
            return replace(report, problem=sender)
        branding = self._branding()
        limiter = self._limiter_for(account)
        prefetch = limiter.per_minute <= 0
        problem: str | None = None

        def render(message: OutgoingEmail) -> bytes | MessageFormatError:
            try:
                return render_message(message, account, branding)
            except MessageFormatError as exc:
                return exc

        database = _PassDatabase(self, now, CLAIM_AHEAD if prefetch else 0, render)
        try:
            with sender:
                current = database.take() if limiter.wait_turn(self._stop) else None
                while current is not None:
                    result, problem = self._send_one(sender, *current, account, now)
                    database.record(result)
                    if problem is not None or self._stop.is_set() or self.paused:
                        break
                    if not prefetch and not self._anything_due(now):
                        break  # rather than wait for a turn to find nothing
                    if not limiter.wait_turn(self._stop):
                        break
                    current = database.take()
        finally:
            database.close()  # every outcome is recorded before the pass ends
            self.connections_opened += sender.connections_opened
        counts = database.counts
        return replace(
            report,
            sent=counts.get("sent", 0),
            retrying=counts.get("retrying", 0),
            failed=counts.get("failed", 0),
            unknown=counts.get("unknown", 0),
            problem=problem,
        )

    def _anything_due(self, now: dt.datetime | None) -> bool:
        due = outbox.next_due_time(self.ctx)
        return due is not None and due <= (now or self._clock.now())

    def _limiter_for(self, account: AccountSettings) -> RateLimiter:
        """One limiter across passes, so that frequent wakes do not add up to bursts."""
        if self._limiter is None or self._limiter.per_minute != account.rate_per_minute:
            self._limiter = RateLimiter(account.rate_per_minute, self._clock)
        return self._limiter

    def _branding(self) -> BrandingSettings:
        from app.services.mail_settings import load_branding

        with self.ctx.read() as session:
            return load_branding(session)

    # --- the database side of a pass (its own thread) ---------------------------------------

    def _retrying(self, what: str, work: Callable[[], Any]) -> Any:
        """Run ``work`` (one transaction), again if another program holds the database lock."""
        for attempt in range(WRITE_RETRIES):
            try:
                return work()
            except OperationalError as exc:
                if attempt + 1 == WRITE_RETRIES:
                    raise
                log.warning("%s failed (%s), attempt %d", what, exc, attempt + 1)
                time.sleep(0.05 * (attempt + 1))
        return None

    def _settle(
        self,
        outcomes: list[_Outcome],
        counts: dict[str, int],
        claim: int = 0,
        now: dt.datetime | None = None,
    ) -> list[OutgoingEmail]:
        """Record ``outcomes`` and claim up to ``claim`` due messages, in one transaction;
        then report the outcomes. The value is the claimed messages, oldest due first."""

        def work() -> tuple[list[str], list[OutgoingEmail], Changes]:
            with self.ctx.write() as tx:
                sent = [(o.message.id, o.at, o.reply) for o in outcomes if o.state == "sent"]
                outbox.record_sent_many(tx, sent)
                states = [
                    "sent" if o.state == "sent" else self._record_unsent(tx, o) for o in outcomes
                ]
                when = now or self._clock.now()
                claimed = outbox.take_due(tx, when, claim) if claim else []
                return states, claimed, tx.changes

        try:
            states, claimed, changes = self._retrying("recording and claiming", work)
        except Exception:
            # Left in 'sending': the next start shows them as unknown, never sends them again.
            log.exception("could not record %d outcome(s) or claim", len(outcomes))
            return []
        for item, state in zip(outcomes, states, strict=True):
            counted = "retrying" if item.state == "transient" and state == "queued" else state
            counts[counted] = counts.get(counted, 0) + 1
            error = None if state == "sent" else item.reply
            self._emit(DispatchEvent(item.message.id, item.message.candidate_id, state, error))
        if self._on_changes is not None and outcomes:
            self._on_changes(changes)
        return claimed

    @staticmethod
    def _record_unsent(tx: Transaction, item: _Outcome) -> str:
        """Record a message that was not sent; the value is its new state."""
        reply = item.reply or ""
        if item.state == "transient":
            return str(outbox.record_transient_failure(tx, item.message.id, reply, item.at))
        if item.state == "unknown":
            outbox.record_unknown(tx, item.message.id, reply)
            return "unknown"
        outbox.record_failed(tx, item.message.id, reply)
        return "failed"

    def _release(self, message: OutgoingEmail) -> None:
        try:
            outbox.release_claim(self.ctx, message.id)
        except Exception:  # stays 'sending': shown as unknown at the next start
            log.exception("could not release message %s", message.id)

    def _cancel_blocked(self) -> int:
        """Cancel, with the reason, queued messages to people who may no longer be emailed
        (do not contact, unsubscribed, …); the claim skips them in any case."""
        from app.services.optout import cancel_blocked_messages

        result = cancel_blocked_messages(self.ctx)
        for message_id in sorted(result.changes.ids.get("outbox", ())):
            self._emit(DispatchEvent(message_id, None, "cancelled", "May not be emailed."))
        if result.value and self._on_changes is not None:
            self._on_changes(result.changes)
        return int(result.value)

    # --- the sending side -------------------------------------------------------------------

    def _send_one(
        self,
        sender: SmtpSender,
        message: OutgoingEmail,
        raw: bytes | MessageFormatError,
        account: AccountSettings,
        now: dt.datetime | None,
    ) -> tuple[_Outcome, str | None]:
        """Send one claimed message; the outcome to record, and a problem that ends the pass."""

        def outcome(state: str, reply: str | None) -> _Outcome:
            return _Outcome(message, state, reply, now or self._clock.now())

        if isinstance(raw, MessageFormatError):
            if raw.field in ("from_address", "reply_to"):  # every message would fail
                with self._lock:
                    self._blocked_by = account
                return outcome("transient", str(raw)), self._problem("blocked", str(raw))
            return outcome("failed", str(raw)), None
        try:
            reply = sender.send(raw, account.from_address, message.to_address)
        except UncertainDelivery as exc:
            return outcome("unknown", exc.detail), None
        except PermanentError as exc:
            return outcome("failed", exc.detail), None
        except AccountError as exc:  # on reconnecting: the password stopped working
            with self._lock:
                self._blocked_by = account
            return outcome("transient", exc.detail), self._problem("blocked", str(exc))
        except ConnectError as exc:
            self._go_offline()
            problem = self._problem("offline", f"{exc} Sending will be retried.")
            return outcome("transient", exc.detail), problem
        except TransientError as exc:
            return outcome("transient", exc.detail), None
        except MailError as exc:  # not expected: treat as not sent
            return outcome("transient", exc.detail), None
        return outcome("sent", reply), None
