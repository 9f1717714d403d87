"""The GUI's mailbox runtime: owns the incoming account's password store and the background
poller (`app.workers.mailbox_poller`), and turns the poller's callbacks into Qt signals
delivered on the GUI thread (queued connection). Nothing here reads mail on the GUI thread:
the poller connects, fetches and imports on its own thread and parses in its own processes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from app.mail.imap import KEYRING_SERVICE, ImapSettings
from app.mail.secrets import PasswordStore
from app.services.core.context import ServiceContext
from app.workers.mailbox_poller import MailboxPoller

log = logging.getLogger(__name__)

STOP_TIMEOUT = 3.0
PollerFactory = Callable[..., Any]


class MailboxRuntime(QObject):
    """Starts, updates and stops the poller for the window.

    Signals, on the GUI thread: ``report(PollReport)`` after each pass; ``changes_made(Changes)``
    for what the poller wrote (candidates, timelines, the mailbox's own rows)."""

    report = Signal(object)
    changes_made = Signal(object)
    _report_from_worker = Signal(object)
    _changes_from_worker = Signal(object)

    def __init__(
        self,
        services: ServiceContext,
        documents_dir: Any,
        passwords: PasswordStore | None = None,
        parent: QObject | None = None,
        *,
        poller_factory: PollerFactory | None = None,
        ssl_context: Any = None,
        reader: Any = None,
    ):
        super().__init__(parent)
        self.services = services
        self.documents_dir = documents_dir
        self.passwords = passwords or PasswordStore(service=KEYRING_SERVICE)
        self.poller: Any = None
        self._factory = poller_factory or MailboxPoller
        self._ssl_context = ssl_context
        self._reader = reader
        self._report_from_worker.connect(self.report, Qt.ConnectionType.QueuedConnection)
        self._changes_from_worker.connect(self.changes_made, Qt.ConnectionType.QueuedConnection)

    @property
    def running(self) -> bool:
        return self.poller is not None

    def start(self, settings: ImapSettings) -> None:
        """Start polling with ``settings`` (read by the caller, off the GUI thread where it
        can be); a disabled or unconfigured account makes the poller wait for one."""
        if self.poller is not None:
            self.poller.update_settings(settings)
            return
        self.poller = self._factory(
            sessions=self.services.sessions,
            actor=self.services.actor,
            documents_dir=self.documents_dir,
            settings=settings,
            password_provider=self.passwords.get,
            on_report=self._report_from_worker.emit,
            on_changes=self._changes_from_worker.emit,
            reader=self._reader,
            ssl_context=self._ssl_context,
        )
        self.poller.start()
        log.info("mailbox poller started")

    def settings_saved(self, settings: ImapSettings) -> None:
        """The account (or its password) was saved: use it from the next pass, now."""
        if self.poller is None:
            self.start(settings)
        else:
            self.poller.update_settings(settings)

    def poll_now(self) -> None:
        if self.poller is not None:
            self.poller.wake()

    def stop(self) -> bool:
        poller, self.poller = self.poller, None
        if poller is None:
            return True
        ended = bool(poller.stop(STOP_TIMEOUT))
        log.info("mailbox poller stopped%s", "" if ended else " (still finishing a message)")
        return ended
