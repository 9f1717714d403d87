"""The pieces of an outbox pass beside the dispatcher: the clock, the rate limit, and the
database side of a pass on a thread of its own (see `app.workers.dispatcher`)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from app.mail.mime import OutgoingEmail

RECORD_BATCH = 16  # outcomes recorded together while sending goes on
RECORD_DELAY = 0.05  # seconds an outcome may wait for others to be recorded with


class PassOwner(Protocol):
    """What the database side of a pass needs from its dispatcher."""

    def _settle(
        self,
        outcomes: list[SendOutcome],
        counts: dict[str, int],
        claim: int = 0,
        now: dt.datetime | None = None,
    ) -> list[OutgoingEmail]: ...

    def _release(self, message: OutgoingEmail) -> None: ...

    def _unexpected(self, exc: BaseException, doing: str) -> str: ...


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


# A message and its bytes, or why they could not be made (an exception: unexpected).
Claimed = tuple[OutgoingEmail, "bytes | Exception"]


@dataclass(frozen=True)
class SendOutcome:
    """How sending one message went, to be recorded."""

    message: OutgoingEmail
    state: str  # "sent", "transient", "held" (sending stopped: not its fault), "failed", "unknown"
    reply: str | None
    at: dt.datetime


class PassDatabase:
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
        dispatcher: PassOwner,
        now: dt.datetime | None,
        ahead: int,
        render: Callable[[OutgoingEmail], bytes | Exception],
    ):
        self._dispatcher = dispatcher
        self._now = now
        self._ahead = ahead
        self._render = render
        self._condition = threading.Condition()
        self._asking = False  # the sender waits in `take`
        self._claimed: deque[Claimed] = deque()
        self._exhausted = False  # the last claim found fewer messages than it asked for
        self._outcomes: list[SendOutcome] = []
        self._closing = False
        self.counts: dict[str, int] = {}
        self.problem: str | None = None  # an unexpected error ended this thread's work
        self._thread = threading.Thread(target=self._run, name="outbox-database", daemon=True)
        self._thread.start()

    # --- the sender's side ---

    def take(self) -> Claimed | None:
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

    def record(self, outcome: SendOutcome) -> None:
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
        except Exception as exc:  # reported, and sending pauses; never a silent end
            self.problem = self._dispatcher._unexpected(exc, "recording what was sent")
            with self._condition:
                leftover = [message for message, _raw in self._claimed]
                self._claimed.clear()
            for message in leftover:
                self._dispatcher._release(message)
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
            outcomes: list[SendOutcome] = []
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
