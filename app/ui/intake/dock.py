"""The bottom "Imports" dock: takes files from drops and menus, runs them through the
background intake and broadcasts what changed, a few times a second at most.

Progress arrives from the intake's thread several times per file. It is collected there and
handed to the GUI thread in batches (at most every `APPLY_EVERY_MS`), so that hundreds of
files cost a few table updates a second, not one signal, model change and repaint per step.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QWidget

from app.services.context import ServiceContext
from app.services.unit_of_work import Changes
from app.ui.intake.panel import FINISHED, IntakePanel
from app.ui.theme import Palette

RESUME_SUFFIXES = (".pdf", ".docx", ".txt", ".md", ".rtf", ".zip")
PUBLISH_EVERY_MS = 400
APPLY_EVERY_MS = 100  # progress reaches the panel in batches, at most this often
INBOX_POLL_S = 5.0  # how often a watched inbox folder is looked at


class IntakeDock(QDockWidget):
    changes = Signal(object)  # Changes, coalesced
    busy_changed = Signal(bool)  # True while files are being imported
    _inbox_submitted = Signal(object)  # item ids the inbox watcher queued
    review_requested = Signal(object)  # ItemUpdate
    _arrived = Signal()  # from the intake's thread: updates are waiting in ``_incoming``

    def __init__(
        self,
        services: ServiceContext,
        documents_dir: Path,
        palette: Palette,
        default_region: str = "US",
        parent: QWidget | None = None,
    ):
        super().__init__("Imports", parent)
        self.setObjectName("intakeDock")
        self.services = services
        self.documents_dir = documents_dir
        self.default_region = default_region
        self.panel = IntakePanel(palette, self)
        self.setWidget(self.panel)
        self.controller = None  # started on the first import: worker processes are not free
        self._inbox = None
        self.inbox_interval_s = INBOX_POLL_S
        self._pending = Changes()
        self.busy = False
        self._inbox_submitted.connect(self._show_inbox_work, Qt.ConnectionType.QueuedConnection)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PUBLISH_EVERY_MS)
        self._timer.timeout.connect(self._publish)
        self._incoming: deque[Any] = deque()  # ItemUpdates from the intake's thread
        self._incoming_lock = threading.Lock()
        self._apply_timer = QTimer(self)
        self._apply_timer.setSingleShot(True)
        self._apply_timer.setInterval(APPLY_EVERY_MS)
        self._apply_timer.timeout.connect(self._drain)
        self._arrived.connect(self._schedule_drain, Qt.ConnectionType.QueuedConnection)
        self.panel.cancel_requested.connect(lambda: self.controller and self.controller.cancel())
        self.panel.retry_requested.connect(
            lambda ids: self.controller and ids and self.controller.retry(ids)
        )
        self.panel.review_requested.connect(self.review_requested)
        self.hide()

    def _ensure_controller(self) -> object:
        if self.controller is None:
            from app.ui.intake.controller import IntakeController
            from app.workers.intake import IntakeRunner

            runner = IntakeRunner(
                self.services,
                self.documents_dir,
                self._receive,
                default_region=self.default_region,
            )
            self.controller = IntakeController(
                self.services, self.documents_dir, self.default_region, self, runner=runner
            )
        return self.controller

    def import_paths(self, paths: Iterable[str | Path], target: object = None) -> list[int]:
        """Queue files, folders or zips for import; ``target`` is an `IntakeTarget` or None."""
        chosen = [Path(p) for p in paths]
        if not chosen:
            return []
        controller = self._ensure_controller()
        self.show()
        self.raise_()
        self._set_busy(True)
        return controller.submit(chosen, target)

    def _show_inbox_work(self, item_ids: object) -> None:
        if item_ids:
            self.show()
            self._set_busy(True)

    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            self.busy_changed.emit(busy)

    def _receive(self, update: object) -> None:
        """On the intake's thread: keep the update; wake the GUI thread for the first one."""
        with self._incoming_lock:
            first = not self._incoming
            self._incoming.append(update)
        if first:
            self._arrived.emit()

    def _schedule_drain(self) -> None:
        if not self._apply_timer.isActive():
            self._apply_timer.start()

    def _drain(self) -> None:
        """On the GUI thread: apply everything that arrived since the last batch."""
        with self._incoming_lock:
            batch = list(self._incoming)
            self._incoming.clear()
        if batch:
            self._apply(batch)

    def _on_update(self, update: object) -> None:
        """One update, applied at once (e.g. from an `IntakeController.updated` signal)."""
        self._apply([update])

    def _apply(self, updates: list[Any]) -> None:
        self.panel.apply_many(updates)
        items = self.panel.model.items
        self._set_busy(any(item.state not in FINISHED for item in items))
        ids: dict[str, set[int]] = {}
        for update in updates:
            result = getattr(update, "result", None)
            if getattr(update, "state", "") == "done" and result is not None:
                ids.setdefault("candidates", set()).add(result.candidate_id)
                ids.setdefault("documents", set()).add(result.document_id)
                if result.application_id:
                    ids.setdefault("applications", set()).add(result.application_id)
                if result.job_id is not None:
                    ids.setdefault("jobs", set()).add(result.job_id)
                if result.pool_id is not None:
                    ids.setdefault("pools", set()).add(result.pool_id)
        if ids:
            self._pending = self._pending | Changes(
                {kind: frozenset(values) for kind, values in ids.items()}
            )
            if not self._timer.isActive():
                self._timer.start()

    def _publish(self) -> None:
        changes, self._pending = self._pending, Changes()
        if changes.ids:
            self.changes.emit(changes)

    def watch_inbox(self, folder: str, interval_s: float | None = None) -> None:
        """Import new files that appear in ``folder`` (empty: stop watching).

        The folder is looked at every ``interval_s`` seconds (default `inbox_interval_s`); a
        file is taken once its size and time are unchanged between two looks.
        """
        if self._inbox is not None:
            self._inbox.stop()
            self._inbox = None
        if folder:
            from app.workers.intake import InboxWatcher

            controller = self._ensure_controller()
            interval = self.inbox_interval_s if interval_s is None else interval_s
            self._inbox = InboxWatcher(
                Path(folder),
                controller.submit,
                interval_s=interval,
                on_submit=self._inbox_submitted.emit,  # from the watcher's thread: queued
            )
            self._inbox.start()

    def shutdown(self) -> None:
        if self._inbox is not None:
            self._inbox.stop()
        if self.controller is not None:
            self.controller.close()
