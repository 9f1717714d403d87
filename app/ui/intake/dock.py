"""The bottom "Imports" dock: takes files from drops and menus, runs them through the
background intake and broadcasts what changed, a few times a second at most. A resume added
to an existing candidate goes on Edit → Undo; the review screen opens from here.

Progress arrives from the intake's thread several times per file, through a queued signal.
The GUI thread collects it and applies it in batches (at most every `APPLY_EVERY_MS`), so that
hundreds of files cost a few table updates a second, not one model change and repaint per
step. What each import wrote travels with its update (the service's own `Changes`) and is
broadcast as is, coalesced to one notice every `PUBLISH_EVERY_MS`.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDockWidget, QWidget

from app.services.candidates.merge_undo import split_attached_resume
from app.services.core.changes import Changes
from app.services.core.context import ServiceContext
from app.services.intake.review import create_from_review, review_item, save_review
from app.ui.intake.controller import IntakeController
from app.ui.intake.panel import FINISHED, REVIEWABLE, IntakePanel
from app.ui.intake.review import ReviewDialog
from app.ui.merge_undo import MergeStepCommand
from app.ui.theme import Palette
from app.workers.intake import InboxWatcher, IntakeRunner

if TYPE_CHECKING:
    from app.services.intake.importer import IntakeTarget
    from app.workers.intake import ItemUpdate

log = logging.getLogger(__name__)

RESUME_SUFFIXES = (
    ".pdf",
    ".docx",
    ".odt",
    ".doc",
    ".txt",
    ".md",
    ".rtf",
    ".png",
    ".jpg",
    ".jpeg",
    ".zip",
)
PUBLISH_EVERY_MS = 400
APPLY_EVERY_MS = 100  # progress reaches the panel in batches, at most this often
INBOX_POLL_S = 5.0  # how often a watched inbox folder is looked at


class IntakeDock(QDockWidget):
    changes = Signal(object)  # Changes, coalesced
    busy_changed = Signal(bool)  # True while files are being imported
    _inbox_submitted = Signal(object)  # item ids the inbox watcher queued
    review_requested = Signal(object)  # ItemUpdate
    notice = Signal(str)  # a line for the status bar (an undo done or refused)
    _arrived = Signal()  # updates wait in ``_arrivals``; emitted on the intake's thread (queued)

    def __init__(
        self,
        services: ServiceContext,
        documents_dir: Path,
        palette: Palette,
        default_region: str = "US",
        parent: QWidget | None = None,
        undo_stack: QUndoStack | None = None,
    ):
        super().__init__("Imports", parent)
        self.undo_stack = undo_stack  # an attach to an existing candidate is pushed here
        self.setObjectName("intakeDock")
        self.services = services
        self.documents_dir = documents_dir
        self.default_region = default_region
        self.panel = IntakePanel(palette, self)
        self.setWidget(self.panel)
        # Started on the first import: worker processes are not free.
        self.controller: IntakeController | None = None
        self._inbox = None
        self._attached: dict[int, Any] = {}  # document id → its import's update, for undo
        self.inbox_interval_s = INBOX_POLL_S
        self._pending = Changes()
        self.busy = False
        self._stopped = False  # shut down with its window: nothing more is submitted
        self._inbox_submitted.connect(self._show_inbox_work, Qt.ConnectionType.QueuedConnection)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PUBLISH_EVERY_MS)
        self._timer.timeout.connect(self._publish)
        self._incoming: list[ItemUpdate] = []  # arrived, not yet applied (GUI thread only)
        # Handed over by the intake's thread, not yet collected, and whether a signal to
        # collect them is on its way: one signal per burst, not one per update.
        self._arrivals: list[ItemUpdate] = []
        self._arrivals_lock = threading.Lock()
        self._collect_signalled = False
        self._apply_timer = QTimer(self)
        self._apply_timer.setSingleShot(True)
        self._apply_timer.setInterval(APPLY_EVERY_MS)
        self._apply_timer.timeout.connect(self._drain)
        self._arrived.connect(self._collect, Qt.ConnectionType.QueuedConnection)
        self.panel.cancel_requested.connect(lambda: self.controller and self.controller.cancel())
        self.panel.retry_requested.connect(
            lambda ids: self.controller and ids and self.controller.retry(ids)
        )
        self.panel.review_requested.connect(self.review_requested)
        self.hide()

    def _ensure_controller(self) -> IntakeController:
        if self.controller is None:
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

    def import_paths(self, paths: Iterable[str | Path], target: IntakeTarget | None = None) -> None:
        """Queue files, folders or zips for import; ``target`` is an `IntakeTarget` or None.
        Returns at once: the files are listed as the runner finds them."""
        chosen = [Path(p) for p in paths]
        if not chosen:
            return
        self.show()
        self.raise_()
        self._set_busy(True)
        # The dock first appears (the window lays itself out again and repaints), then the
        # work starts: its threads and parser processes would otherwise share the cores and
        # Python's lock with that repaint, and the window would stall while it shows.
        QTimer.singleShot(0, self, lambda: self._submit(chosen, target))

    def _submit(self, paths: list[Path], target: IntakeTarget | None) -> None:
        if self._stopped:
            return
        try:
            self._ensure_controller().submit(paths, target)
        except RuntimeError:  # the window closed first: its intake has stopped
            log.info("%d dropped paths not queued: the intake has stopped", len(paths))

    def _show_inbox_work(self, item_ids: object) -> None:
        if item_ids:
            self.show()
            self._set_busy(True)

    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            self.busy_changed.emit(busy)

    def _receive(self, update: ItemUpdate) -> None:
        """On the intake's thread: hand the update to the GUI thread. A folder's files are
        listed in a burst of thousands of updates; a queued call each would keep the window
        busy (and waiting for Python's lock) for tens of milliseconds, so a burst is signalled
        once and collected whole."""
        with self._arrivals_lock:
            self._arrivals.append(update)
            if self._collect_signalled:
                return
            self._collect_signalled = True
        self._arrived.emit()

    def _collect(self) -> None:
        """On the GUI thread: keep what arrived for the next batch."""
        with self._arrivals_lock:
            arrived, self._arrivals = self._arrivals, []
            self._collect_signalled = False
        self._incoming.extend(arrived)
        if arrived and not self._apply_timer.isActive():
            self._apply_timer.start()

    def _drain(self) -> None:
        """On the GUI thread: apply everything that arrived since the last batch."""
        batch, self._incoming = self._incoming, []
        if batch:
            self._apply(batch)

    def _apply(self, updates: list[Any]) -> None:
        self.panel.apply_many(updates)
        items = self.panel.model.items
        self._set_busy(any(item.state not in FINISHED for item in items))
        changes = Changes()
        for update in updates:
            changes = changes | update.changes  # what the import service reported, as is
            if update.state in REVIEWABLE and update.result is not None:
                self._offer_undo(update)
        if changes.ids:
            self._pending = self._pending | changes
            if not self._timer.isActive():
                self._timer.start()

    def _publish(self) -> None:
        changes, self._pending = self._pending, Changes()
        if changes.ids:
            self.changes.emit(changes)

    # -- undoing an attach, reviewing ----------------------------------------------------------

    def _offer_undo(self, update: Any) -> None:
        """Put a resume added to an existing candidate on Edit → Undo."""
        result = update.result
        if self.undo_stack is None or result.attach_audit_id is None or result.created:
            return

        # Named from the result, not read back: a batch of files must not stall the window.
        text = f"Add {Path(update.path).name} to {result.attached_to or 'a candidate'}"
        self._attached[result.document_id] = update
        self.undo_stack.push(
            MergeStepCommand(
                self.services,
                result.attach_audit_id,
                text,
                self.changes.emit,
                self.notice.emit,
                self._undo_applied,
            )
        )

    def _undo_applied(self, done: Any, undone: bool) -> None:
        """An attach undone leaves its file waiting for review; redone, it is as imported."""
        original = self._attached.get(done.document_id)
        if original is None or original.item_id not in self.panel.model.rows_by_id:
            return
        if not undone:
            self.panel.apply(original)
            return
        result = dataclasses.replace(
            original.result, candidate_id=None, needs_review=True, attach_audit_id=None
        )
        message = "taken off the candidate again (undone); review it to make a new candidate"
        self.panel.apply(
            dataclasses.replace(original, state="review", message=message, result=result)
        )

    def _settle_row(self, document_id: int, result: Any, message: str) -> None:
        """Show a file the review screen made a candidate of as imported."""
        for item in self.panel.model.items:
            if item.result is not None and item.result.document_id == document_id:
                self.panel.apply(
                    dataclasses.replace(item, state="done", message=message, result=result)
                )

    def review(self, clicked: object = None) -> None:
        """Step through the imported resumes, starting at the one double-clicked."""

        items = [i for i in self.panel.model.items if i.state in REVIEWABLE and i.result]
        ids = list(dict.fromkeys(item.result.document_id for item in items))
        if not ids:
            return

        def save(candidate_id: int, edits: dict[str, str], document_id: int) -> None:
            done = save_review(self.services, candidate_id, edits, document_id=document_id)
            self.changes.emit(done.changes)

        def create(document_id: int, edits: dict[str, str]) -> None:
            done = create_from_review(self.services, document_id, edits)
            self.changes.emit(done.changes)
            self._settle_row(document_id, done.value, f"new candidate #{done.value.candidate_id}")

        def split(document_id: int) -> None:
            done = split_attached_resume(self.services, document_id)
            self.changes.emit(done.changes)
            self._settle_row(document_id, done.value, f"new candidate #{done.value.candidate_id}")

        documents = self.documents_dir
        dialog = ReviewDialog(
            ids,
            lambda document_id: review_item(self.services, document_id, documents),
            save,
            self.window(),
            split=split,
            create=create,
        )
        start = getattr(getattr(clicked, "result", None), "document_id", None)
        if start in ids:
            dialog.show_item(ids.index(start))
        dialog.exec()

    def watch_inbox(self, folder: str, interval_s: float | None = None) -> None:
        """Import new files that appear in ``folder`` (empty: stop watching).

        The folder is looked at every ``interval_s`` seconds (default `inbox_interval_s`); a
        file is taken once its size and time are unchanged between two looks.
        """
        if self._inbox is not None:
            self._inbox.stop()
            self._inbox = None
        if folder:
            controller = self._ensure_controller()
            interval = self.inbox_interval_s if interval_s is None else interval_s
            self._inbox = InboxWatcher(
                Path(folder),
                controller.runner.submit,  # on the watcher's own thread: it may block
                interval_s=interval,
                on_submit=self._inbox_submitted.emit,  # from the watcher's thread: queued
            )
            self._inbox.start()

    def shutdown(self) -> None:
        self._stopped = True
        if self._inbox is not None:
            self._inbox.stop()
        if self.controller is not None:
            self.controller.close()
