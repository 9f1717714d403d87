"""The GUI's mail runtime: owns the password store and the background outbox dispatcher.

The dispatcher runs on its own thread and reports through a callback; this object turns each
report into a Qt signal delivered on the GUI thread (queued connection), so views never touch
the dispatcher's thread. The password reaches the dispatcher only through
`password_provider`, from the keyring or memory, when it is about to log in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from app.mail.account import AccountSettings
from app.mail.secrets import KeyringUnavailable, PasswordStore
from app.services.core.context import ServiceContext
from app.services.engagement.mail_settings import get_account
from app.services.engagement.sequences import queue_due_steps
from app.workers.dispatcher import Dispatcher

log = logging.getLogger(__name__)

STOP_TIMEOUT = 3.0  # seconds the window waits on quit for the message being sent

DispatcherFactory = Callable[..., Any]


def _default_dispatcher_factory(**arguments: Any) -> Any:

    return Dispatcher(**arguments)


class MailRuntime(QObject):
    """Starts, feeds and stops the outbox dispatcher for the window.

    Signals, always emitted on the GUI thread: ``message_state_changed(message_id, state)``
    for each message that moved; ``problem(text)`` when sending stopped for a reason the
    recruiter must see (no password, keyring locked, login refused, server unreachable, an
    unexpected error — sending then pauses until the account is saved or `wake` — or another
    Hirebench sending), once per distinct reason, and ``problem("")`` when it is over;
    ``changes_made(Changes)`` for what the dispatcher wrote (sent
    messages, timeline activities), for the window's broadcast; ``event`` for every raw
    `DispatchEvent`.
    """

    message_state_changed = Signal(int, str)
    problem = Signal(str)
    changes_made = Signal(object)
    event = Signal(object)
    _event_from_worker = Signal(object)  # emitted on the dispatcher's threads
    _changes_from_worker = Signal(object)

    def __init__(
        self,
        services: ServiceContext,
        passwords: PasswordStore | None = None,
        parent: QObject | None = None,
        *,
        dispatcher_factory: DispatcherFactory | None = None,
        ssl_context: Any = None,
    ):
        super().__init__(parent)
        self.services = services
        self.passwords = passwords if passwords is not None else PasswordStore()
        self.account = AccountSettings()
        self.dispatcher: Any = None
        self._factory = dispatcher_factory or _default_dispatcher_factory
        self._ssl_context = ssl_context
        self._last_problem: str | None = None
        self._keyring_problem: str | None = None  # set on the dispatcher's thread
        self._event_from_worker.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._changes_from_worker.connect(self.changes_made, Qt.ConnectionType.QueuedConnection)

    # ---- life ---------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.dispatcher is not None

    def start(self) -> None:
        """Start the dispatcher: scheduled sends left from the last run go out now, and a
        message interrupted by a crash is shown as "unknown — check", never resent.

        It also starts with no account set up: it then says so when something is due."""
        if self.dispatcher is not None:
            return

        self.account = get_account(self.services)
        arguments: dict[str, Any] = {
            "sessions": self.services.sessions,
            "actor": self.services.actor,
            "account": self.account,
            "password_provider": self._password,
            "on_event": self._event_from_worker.emit,
            "before_pass": queue_due_steps,  # sequences' due steps, before each pass
            "on_changes": self._changes_from_worker.emit,
        }
        if self._ssl_context is not None:
            arguments["ssl_context"] = self._ssl_context
        self.dispatcher = self._factory(**arguments)
        self.dispatcher.start()
        log.info("mail dispatcher started")

    def stop(self) -> bool:
        """Stop the dispatcher (on quit), waiting at most `STOP_TIMEOUT` for the message on
        the wire; True when its thread ended. A message cut off stays in 'sending' and is
        reported as unknown at the next start."""
        dispatcher, self.dispatcher = self.dispatcher, None
        if dispatcher is None:
            return True
        ended = bool(dispatcher.stop(STOP_TIMEOUT))
        log.info("mail dispatcher stopped%s", "" if ended else " (still finishing a message)")
        return ended

    def wake(self) -> None:
        """Look at the outbox now (messages were queued) instead of at the next check."""
        if self.dispatcher is None:
            self.start()
        else:
            self.dispatcher.wake()

    def pause(self) -> None:
        if self.dispatcher is not None:
            self.dispatcher.pause()

    def resume(self) -> None:
        if self.dispatcher is not None:
            self.dispatcher.resume()

    @property
    def paused(self) -> bool:
        return bool(self.dispatcher is not None and self.dispatcher.paused)

    def account_changed(self) -> None:
        """The account or its password was saved in Settings: use it from the next message."""

        self._last_problem = None
        self._keyring_problem = None
        self.account = get_account(self.services)
        if self.dispatcher is None:
            self.start()
            return
        self.dispatcher.update_account(self.account)
        self.dispatcher.wake()

    # ---- called on the dispatcher's thread ------------------------------------------------
    def _password(self) -> str | None:
        """The dispatcher's ``password_provider``: memory, then the keyring. None when there
        is none, or when the keyring refused (its reason is added to the dispatcher's "no
        password" report)."""
        account = self.account
        try:
            password = self.passwords.get(account)
        except KeyringUnavailable as exc:
            self._keyring_problem = str(exc)
            return None
        self._keyring_problem = None
        return password

    @property
    def last_problem(self) -> str | None:
        """What stops sending now, if anything (for a view opened after it was reported)."""
        return self._last_problem

    # ---- on the GUI thread ----------------------------------------------------------------
    def _deliver(self, event: Any) -> None:
        self.event.emit(event)
        if event.message_id is not None:
            self.message_state_changed.emit(int(event.message_id), str(event.state))
            if event.state == "sent":
                self._last_problem = None  # sending works again: a new problem is news
            return
        if event.state == "ready":  # the problem reported last is over
            if self._last_problem is not None:
                self._last_problem = None
                self.problem.emit("")
            return
        text = event.problem or event.error or ""
        keyring_problem = self._keyring_problem
        if keyring_problem and text.startswith("No password"):
            text = keyring_problem
        if text and text != self._last_problem:
            self._last_problem = text
            self.problem.emit(text)
