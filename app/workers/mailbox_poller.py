"""The background mailbox poller: reads the agency's inbox on its own thread, never the GUI's.

One plain thread (no Qt: the command line runs the same pass through
`app.workers.mailbox_pass.poll_once`) loops: a pass over the watched folders, its outcome
recorded (`services.mailbox.settings.record_poll`) and reported through ``on_report``; then it
waits for new mail. Where the server offers IDLE (and the account allows it) it waits in IDLE
on the applications folder, so a message is read moments after it arrives; otherwise, and at
the latest after the poll interval, it polls again. `wake` polls now (the user asked, or the
account was saved).

A problem the user must fix (the password or user name refused, an untrusted certificate) is
reported once and polling waits until the account is saved again or `wake` is called; a
server that cannot be reached is tried again at the next interval.

Messages and their resumes are read in spawned parser processes (`ProcessReader`), like
intake's: a resume that crashes or hangs the parser takes only that process down, and a 25 MB
message is parsed away from the window's interpreter.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.mail.imap import AUTHENTICATION, CERTIFICATE, ImapClient, ImapSettings
from app.services.core.changes import Changes
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import Actor
from app.services.mailbox.settings import record_poll
from app.workers.mailbox_pass import PollReport, Reader, poll_once
from app.workers.mailbox_reading import Read, read_message, yield_to_importer

log = logging.getLogger(__name__)

READ_TIMEOUT = 300.0  # seconds for one message and its resumes before it counts as unreadable
NEEDS_THE_USER = (AUTHENTICATION, CERTIFICATE)


class ProcessReader:
    """Reads messages and their resumes in spawned processes (`mailbox_reading.read_message`),
    several at once; the pool is made on first use."""

    def __init__(self, workers: int = 2):
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    self._workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=yield_to_importer,  # lives beside read_message: a light import
                )
            return self._pool

    def __call__(
        self, raws: list[bytes], staging: Path | None = None
    ) -> Callable[[], list[Read | Exception]]:
        """Start reading ``raws`` (resumes saved in ``staging``, see
        `mailbox_reading.read_message`); the value waits for and returns the readings."""
        pool = self._executor()
        futures = [pool.submit(read_message, raw, staging) for raw in raws]

        def collect() -> list[Read | Exception]:
            results: list[Read | Exception] = []
            for future in futures:
                try:
                    results.append(future.result(timeout=READ_TIMEOUT))
                except BrokenProcessPool as exc:
                    self.close()  # a new pool next time
                    results.append(exc)
                except Exception as exc:
                    results.append(exc)
            return results

        return collect

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


class MailboxPoller:
    """Polls in the background (`start`); ``on_report`` and ``on_changes`` are called on the
    poller's thread (a GUI re-emits them as queued signals)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        actor: Actor,
        documents_dir: Path,
        settings: ImapSettings,
        password_provider: Callable[[ImapSettings], str | None],
        on_report: Callable[[PollReport], None] | None = None,
        on_changes: Callable[[Changes], None] | None = None,
        reader: Reader | None = None,
        ssl_context: Any = None,
    ):
        self.ctx = ServiceContext(sessions, actor)
        self._documents_dir = documents_dir
        self._settings = settings
        self._password_provider = password_provider
        self._on_report = on_report
        self._on_changes = on_changes
        self._reader = reader or ProcessReader()
        self._ssl_context = ssl_context
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._blocked = False  # a problem only the user can fix: wait for them
        self._thread: threading.Thread | None = None
        self.passes = 0

    # --- control, from any thread -----------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="mailbox-poller", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> bool:
        """Stop after the message being handled; True when the thread has ended."""
        self._stop.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        ended = True
        if thread is not None:
            thread.join(timeout)
            ended = not thread.is_alive()
        if isinstance(self._reader, ProcessReader):
            self._reader.close()
        return ended

    def wake(self) -> None:
        """Poll now."""
        with self._lock:
            self._blocked = False
        self._wake.set()

    def update_settings(self, settings: ImapSettings) -> None:
        with self._lock:
            self._settings = settings
            self._blocked = False
        self._wake.set()

    @property
    def settings(self) -> ImapSettings:
        with self._lock:
            return self._settings

    # --- the loop ---------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            settings = self.settings
            report: PollReport | None = None
            if settings.enabled and settings.configured and not self._blocked:
                report = self._pass(settings)
            if self._stop.is_set():
                break
            seconds = max(settings.poll_minutes, 1) * 60.0
            if report is not None and report.error is None and settings.use_idle:
                self._idle(settings, seconds)
            else:
                self._wake.wait(seconds)

    def _pass(self, settings: ImapSettings) -> PollReport:
        try:
            password = self._password_provider(settings)
        except Exception as exc:  # the keyring refused: said like any other problem
            report = PollReport(error=str(exc), error_kind=AUTHENTICATION)
        else:
            if not password:
                report = PollReport(
                    error="No password is saved for the mailbox: enter it in Settings → Mailbox.",
                    error_kind=AUTHENTICATION,
                )
            else:
                try:
                    report = poll_once(
                        self.ctx,
                        self._documents_dir,
                        settings,
                        password,
                        self._reader,
                        ssl_context=self._ssl_context,
                        on_changes=self._on_changes,
                        stop=self._stop.is_set,
                    )
                except Exception as exc:  # the thread must not end unseen
                    log.exception("mailbox pass failed")
                    report = PollReport(error=f"Unexpected problem: {exc}", error_kind="server")
        self.passes += 1
        if report.error_kind in NEEDS_THE_USER:
            with self._lock:
                self._blocked = True
        try:
            done = record_poll(self.ctx, report.error, report.error_kind)
            if self._on_changes is not None:
                self._on_changes(done.changes)
        except Exception:
            log.exception("could not record the mailbox poll")
        if self._on_report is not None:
            self._on_report(report)
        return report

    def _idle(self, settings: ImapSettings, seconds: float) -> None:
        """Wait in IDLE where offered, else plainly; returns on new mail, wake or stop."""
        try:
            password = self._password_provider(settings) or ""
            with ImapClient(settings, password, self._ssl_context) as client:
                if not client.offers_idle:
                    self._wake.wait(seconds)
                    return
                client.select(settings.applications_folder)
                client.idle(seconds, lambda: self._stop.is_set() or self._wake.is_set())
        except Exception as exc:  # the keyring, the server: the next pass says what it is
            log.info("mailbox IDLE ended: %s", exc)
            self._wake.wait(seconds)
