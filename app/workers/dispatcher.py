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
sending and are reported once through ``on_event``; nothing is claimed meanwhile. So does any
exception nobody foresaw, wherever in a pass it happens: it is reported the same way, kept as
the last error of the message it hit (and of those waiting), and sending pauses until the
account is saved again (`update_account`) or the user asks to try again (`wake`, `resume`) —
never a retry loop that only the log would see. Texts that may hold a server's words go
through `app.mail.secrets.redact` first. A server that cannot be reached is retried with a
growing pause.

One dispatcher sends at a time: a pass that has something to send, or messages in ``sending``
to look at, first takes the dispatch lease (`engagement.dispatch_lease`), renewed while it
sends. Only then are messages left in ``sending`` by a dispatcher that died turned into
"unknown"; a second dispatcher finds the lease held and waits (``busy_since`` in its report)
rather than taking the first one's messages in flight for interrupted ones.

Only ids and plain dataclasses cross threads; each thread opens its own sessions.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.mail.account import AccountSettings, BrandingSettings
from app.mail.mime import MessageFormatError, OutgoingEmail, render_message
from app.mail.secrets import redact
from app.mail.transport import (
    AccountError,
    ConnectError,
    MailError,
    PermanentError,
    SmtpSender,
    TransientError,
    UncertainDelivery,
    UnexpectedError,
    describe_exception,
    formatted_traceback,
)
from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import Actor, Transaction
from app.services.engagement import outbox
from app.services.engagement.dispatch_lease import LEASE_SECONDS, Claimant, Holder
from app.services.engagement.mail_settings import load_branding
from app.services.engagement.optout import cancel_blocked_messages
from app.workers.lease import HeldLease, take
from app.workers.outbox_pass import Clock, PassDatabase, RateLimiter, SendOutcome

log = logging.getLogger(__name__)

IDLE_CHECK = 60.0  # seconds between passes when nothing is due (sequence steps may fall due)
WRITE_RETRIES = 5  # a locked database (another program writing) is retried this often
CLAIM_AHEAD = 4  # messages claimed ahead of the connection when there is no rate limit
BUSY_RETRY = 10.0  # seconds between looks at a lease another dispatcher holds
RESUME_HINT = "Check the email account in Settings, then choose “Try again” in the Outbox."


@dataclass(frozen=True)
class DispatchEvent:
    """A message changed state, or sending stopped for a reason that concerns every message.

    For a message: its id, candidate and new state ("sent", "queued" for a retry later,
    "failed", "unknown", "cancelled"), with the server's reply in ``error`` when it failed.
    For the account (``message_id`` None): ``state`` is "blocked" (the user must act: no
    password, authentication failed, an unexpected error; sending pauses), "offline" (server
    unreachable, retrying) or "busy" (another dispatcher holds the lease; waiting), and
    ``error`` says why in plain words (also as ``problem``); "ready", with no error, says
    that the problem reported last is over.
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
    busy_since: dt.datetime | None = None  # another dispatcher sends (since then): nothing done

    @property
    def ok(self) -> bool:
        return (
            self.problem is None
            and self.busy_since is None
            and not self.failed
            and not self.unknown
        )


class Dispatcher:
    """Sends the outbox in the background (`start`) or once, synchronously (`run_until_idle`).

    ``password_provider`` is asked for the password each time a connection is opened, so a
    password saved meanwhile is picked up; it returns None when there is none. ``before_pass``
    queues the sequences' due steps (it gets a context and the time). ``on_event`` is called
    on the dispatcher's threads; a GUI re-emits it as a queued signal. ``lease_seconds`` is
    how long the dispatch lease lasts unrenewed (a dead holder blocks others that long).
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
        lease_seconds: float = LEASE_SECONDS,
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
        self._lease_seconds = lease_seconds
        self._claimant = Claimant.here()
        self._lock = threading.Lock()  # guards the account and flags below
        self._stop = threading.Event()
        self._wake = threading.Event()  # set by wake(), stop(), resume(), update_account()
        self._paused = False
        self._blocked_by: AccountSettings | None = None  # account with a problem needing the user
        self._offline_until: float | None = None  # monotonic time of the next connect attempt
        self._offline_failures = 0
        self._busy_until: float | None = None  # monotonic time to look at a held lease again
        self._busy_problem: str | None = None  # what was said about the lease being held
        self._last_problem: str | None = None
        self._password: str | None = None  # the last one used, to keep it out of texts
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
        """Look at the outbox now: messages were queued, the password was saved, or the user
        asked to try again after a problem (which is reported again only if it changed)."""
        with self._lock:
            self._blocked_by = None
            self._offline_until = None
            self._busy_until = None
        self._wake.set()

    def pause(self) -> None:
        with self._lock:
            self._paused = True
        self._wake.set()

    def resume(self) -> None:
        """Send again after `pause`, or after a problem that paused sending."""
        with self._lock:
            self._paused = False
            self._blocked_by = None
            self._offline_until = None
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
            report = self._pass(None)
            if self._stop.is_set():
                break
            try:
                seconds = self._idle_seconds(report)
            except Exception as exc:  # the thread must not end unseen
                self._unexpected(exc, "deciding when to look again")
                seconds = IDLE_CHECK
            self._clock.wait(self._wake, seconds)

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
            offline_until, busy_until = self._offline_until, self._busy_until
        if busy_until is not None:
            return max(busy_until - self._clock.monotonic(), 0.5)
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

    # --- reporting --------------------------------------------------------------------------

    def _emit(self, event: DispatchEvent) -> None:
        if self._on_event is None:
            return
        try:
            self._on_event(event)
        except Exception:
            log.exception("outbox event handler failed")

    def _redact(self, text: str) -> str:
        """``text`` without the password, in case a server's words or an error quote it."""
        return redact(text, self._password, self._account.username)

    def _problem(self, state: str, text: str) -> str:
        """Report an account-wide problem once (until the account changes or it clears)."""
        text = self._redact(text)
        with self._lock:
            repeated = text == self._last_problem
            self._last_problem = text
        if not repeated:
            log.warning("outbox: %s", text)
            self._emit(DispatchEvent(None, None, state, text))
        return text

    def _clear_problem(self) -> None:
        """The problem reported last is over (a connection worked, the lease came free)."""
        with self._lock:
            had, self._last_problem = self._last_problem, None
        if had is not None:
            self._emit(DispatchEvent(None, None, "ready"))

    def _block(self, account: AccountSettings, text: str) -> str:
        """Stop sending until the user acts, and say why."""
        with self._lock:
            self._blocked_by = account
        return self._problem("blocked", text)

    def _unexpected(self, exc: BaseException, doing: str) -> str:
        """An exception nobody foresaw: pause sending, say so once, log its traceback once."""
        detail = self._redact(describe_exception(exc))
        text = f"Sending is paused after an unexpected error while {doing} ({detail}). "
        text += RESUME_HINT
        with self._lock:
            self._blocked_by = self._account
            repeated = text == self._last_problem
        if not repeated:
            trace = self._redact(formatted_traceback(exc))
            log.error("outbox: unexpected error while %s\n%s", doing, trace)
        return self._problem("blocked", text)

    def _changed(self, changes: Changes) -> None:
        if self._on_changes is not None:
            self._on_changes(changes)

    def _note_problem(self, text: str, now: dt.datetime | None) -> None:
        """Keep why sending stopped as the last error of the messages waiting for it."""
        try:
            noted = outbox.note_problem(self.ctx, text, now or self._clock.now())
        except Exception as exc:  # the problem itself was reported already
            detail = self._redact(describe_exception(exc))
            log.warning("could not note the problem on the waiting messages: %s", detail)
            return
        if noted.value:
            self._changed(noted.changes)

    # --- a pass -----------------------------------------------------------------------------

    def _pass(self, now: dt.datetime | None) -> DispatchReport:
        """One pass; whatever goes wrong in it is reported (`_unexpected`), never raised."""
        with self._busy:
            try:
                return self._pass_locked(now)
            except Exception as exc:
                problem = self._unexpected(exc, "looking at the outbox")
                self._note_problem(problem, now)
                return DispatchReport(problem=problem)

    def _pass_locked(self, now: dt.datetime | None) -> DispatchReport:
        report = DispatchReport()
        if self._before_pass is not None:
            try:
                steps = self._before_pass(self.ctx, now or self._clock.now())
                report = replace(report, queued_steps=int(steps or 0))
            except Exception as exc:
                problem = self._unexpected(exc, "queuing the sequences' due emails")
                self._note_problem(problem, now)
                return replace(report, problem=problem)
        try:
            report = replace(report, cancelled=self._cancel_blocked())
        except OperationalError as exc:
            log.warning("cancelling blocked messages failed: %s", exc)
        with self._lock:
            account, paused = self._account, self._paused
            blocked = self._blocked_by == account
            offline = (
                self._offline_until is not None and self._clock.monotonic() < self._offline_until
            )
        sending = not (paused or offline or blocked) and self._anything_due(now)
        if sending or outbox.has_sending(self.ctx):
            lease = take(self.ctx, self._claimant, self._lease_seconds, self._lease_committed)
            if isinstance(lease, Holder):
                return self._busy_report(report, lease)
            self._lease_free()
            try:
                report = self._with_lease(lease, account, now, report, sending)
            finally:
                lease.release()
        else:
            self._lease_free()
        if blocked and report.problem is None:
            report = replace(report, problem=self._last_problem)
        return report

    def _with_lease(
        self,
        lease: HeldLease,
        account: AccountSettings,
        now: dt.datetime | None,
        report: DispatchReport,
        sending: bool,
    ) -> DispatchReport:
        """What a pass does while it holds the lease: recover, then send."""
        recovered = outbox.recover_interrupted(self.ctx)
        if recovered:
            self._changed(Changes({ChangeKind.OUTBOX: frozenset()}))
        report = replace(report, recovered=recovered)
        if not sending:
            return report
        report = self._send_due(account, now, report, lease)
        if report.problem is not None:
            self._note_problem(report.problem, now)
        return report

    def _lease_committed(self) -> None:
        """The lease was written: the window's database watcher should not take it for
        another program's change."""
        self._changed(Changes())

    def _busy_report(self, report: DispatchReport, holder: Holder) -> DispatchReport:
        """Another dispatcher holds the lease: look again when it may be free."""
        left = (holder.expires_at - dt.datetime.now(dt.UTC)).total_seconds()
        with self._lock:
            self._busy_until = self._clock.monotonic() + min(BUSY_RETRY, max(left, 0.0) + 0.5)
        where = "" if holder.host == self._claimant.host else f" on {holder.host}"
        text = self._problem(
            "busy",
            f"Another Hirebench{where} is sending (since {holder.since_text()}); this one "
            "sends once it has finished.",
        )
        with self._lock:
            self._busy_problem = text
        return replace(report, busy_since=holder.since)

    def _lease_free(self) -> None:
        """No other dispatcher is in the way (any more): unsay that one was."""
        with self._lock:
            self._busy_until = None
            said, self._busy_problem = self._busy_problem, None
            still_shown = said is not None and said == self._last_problem
        if still_shown:
            self._clear_problem()

    def _connect(self, account: AccountSettings) -> SmtpSender | str:
        """An open connection, or the problem that prevents one (already reported)."""
        if not account.configured:
            return self._block(
                account, "Email is not set up: enter the mail server and From address."
            )
        password = self._password_provider() if account.username else None
        if account.username and not password:
            return self._block(
                account,
                f"No password for {account.username} on {account.host}: "
                "enter it in Settings (Email account).",
            )
        self._password = password
        sender = SmtpSender(account, password, ssl_context=self._ssl_context, timeout=self._timeout)
        try:
            sender.connect()
        except UnexpectedError as exc:
            return self._block(account, f"{exc} Sending is paused. {RESUME_HINT}")
        except AccountError as exc:
            return self._block(account, str(exc))
        except ConnectError as exc:
            self._go_offline()
            return self._problem("offline", f"{exc} Sending will be retried.")
        with self._lock:
            self._offline_failures = 0
        self._clear_problem()
        return sender

    def _go_offline(self) -> None:
        with self._lock:
            self._offline_failures += 1
            pause = outbox.backoff_delay(self._offline_failures).total_seconds()
            self._offline_until = self._clock.monotonic() + pause

    def _send_due(
        self,
        account: AccountSettings,
        now: dt.datetime | None,
        report: DispatchReport,
        lease: HeldLease,
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

        def render(message: OutgoingEmail) -> bytes | Exception:
            try:
                return render_message(message, account, branding)
            except Exception as exc:  # MessageFormatError, or a surprise for `_send_one`
                return exc

        database = PassDatabase(self, now, CLAIM_AHEAD if prefetch else 0, render)
        try:
            with sender:
                current = database.take() if limiter.wait_turn(self._stop) else None
                while current is not None:
                    result, problem = self._send_one(sender, *current, account, now)
                    database.record(result)
                    if problem is not None or self._stop.is_set() or self.paused:
                        break
                    if lease.lost.is_set():
                        break  # another dispatcher took over: it sends the rest
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
            problem=problem or database.problem,
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
        outcomes: list[SendOutcome],
        counts: dict[str, int],
        claim: int = 0,
        now: dt.datetime | None = None,
    ) -> list[OutgoingEmail]:
        """Record ``outcomes`` and claim up to ``claim`` due messages, in one transaction;
        then report the outcomes. The value is the claimed messages, oldest due first.

        A failure (after retries on a locked database) is raised to the pass's database
        thread, which reports it and pauses sending; the outcomes stay in 'sending', so the
        next pass shows them as unknown and never sends them again."""

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

        states, claimed, changes = self._retrying("recording and claiming", work)
        for item, state in zip(outcomes, states, strict=True):
            counted = "retrying" if item.state == "transient" and state == "queued" else state
            counts[counted] = counts.get(counted, 0) + 1
            error = None if state == "sent" else item.reply
            self._emit(DispatchEvent(item.message.id, item.message.candidate_id, state, error))
        if outcomes:
            self._changed(changes)
        return claimed

    @staticmethod
    def _record_unsent(tx: Transaction, item: SendOutcome) -> str:
        """Record a message that was not sent; the value is its new state."""
        reply = item.reply or ""
        if item.state == "held":
            outbox.record_held(tx, item.message.id, reply)
            return "queued"
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
        except Exception:  # stays 'sending': shown as unknown at the next pass
            log.exception("could not release message %s", message.id)

    def _cancel_blocked(self) -> int:
        """Cancel, with the reason, queued messages to people who may no longer be emailed
        (do not contact, unsubscribed, …); the claim skips them in any case."""

        result = cancel_blocked_messages(self.ctx)
        for message_id in sorted(result.changes.ids.get(ChangeKind.OUTBOX, ())):
            self._emit(DispatchEvent(message_id, None, "cancelled", "May not be emailed."))
        if result.value:
            self._changed(result.changes)
        return int(result.value)

    # --- the sending side -------------------------------------------------------------------

    def _send_one(
        self,
        sender: SmtpSender,
        message: OutgoingEmail,
        raw: bytes | Exception,
        account: AccountSettings,
        now: dt.datetime | None,
    ) -> tuple[SendOutcome, str | None]:
        """Send one claimed message; the outcome to record, and a problem that ends the pass."""

        def outcome(state: str, reply: str | None) -> SendOutcome:
            reply = self._redact(reply) if reply else reply
            return SendOutcome(message, state, reply, now or self._clock.now())

        if isinstance(raw, MessageFormatError):
            if raw.field in ("from_address", "reply_to"):  # every message would fail
                return outcome("held", str(raw)), self._block(account, str(raw))
            return outcome("failed", str(raw)), None
        if isinstance(raw, Exception):  # rendering failed in a way nobody foresaw
            problem = self._unexpected(raw, "preparing a message")
            return outcome("held", problem), problem
        try:
            reply = sender.send(raw, account.from_address, message.to_address)
        except UncertainDelivery as exc:
            return outcome("unknown", exc.detail), None
        except PermanentError as exc:
            return outcome("failed", exc.detail), None
        except UnexpectedError as exc:  # the whole message may have left: then "unknown"
            problem = self._block(account, f"{exc} Sending is paused. {RESUME_HINT}")
            return outcome("unknown" if exc.transmitted else "held", problem), problem
        except AccountError as exc:  # on reconnecting: the password stopped working
            return outcome("held", exc.detail), self._block(account, str(exc))
        except ConnectError as exc:
            self._go_offline()
            problem = self._problem("offline", f"{exc} Sending will be retried.")
            return outcome("transient", exc.detail), problem
        except TransientError as exc:
            return outcome("transient", exc.detail), None
        except MailError as exc:  # not expected: treat as not sent
            return outcome("transient", exc.detail), None
        except Exception as exc:  # not even the transport's: did the message leave?
            problem = self._unexpected(exc, "sending")
            return outcome("unknown" if sender.transmitted else "held", problem), problem
        return outcome("sent", reply), None
