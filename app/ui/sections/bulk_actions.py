"""The bulk toolbar and context menu shared by the Candidates and Talent pools sections.

Tag…, Add to pool…, Add to job…, Email…, Add to sequence…, Export CSV… and Open profile act on
the selected candidate ids through the services in `app.services.bulk` (and the mail dialogs,
whose plan shows who is skipped before anything is queued). Adding to a job is pushed on the
window's undo stack; undo removes the applications again unless they changed since.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QObject, Signal
from PySide6.QtGui import QAction, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QToolBar, QWidget

from app.services import bulk
from app.services.context import Outcome, ServiceContext
from app.services.pipeline import VersionConflictError
from app.services.pools import list_pools
from app.services.unit_of_work import Changes, NotFoundError, ValidationError

CANDIDATE_IDS_MIME = "application/x-hirebench-candidate-ids"

Publish = Callable[[Changes], None]
Notify = Callable[[str], None]


def candidate_mime(ids: Sequence[int]) -> QMimeData:
    """Drag data carrying candidate ids (dropped on a talent pool to add them)."""
    data = QMimeData()
    data.setData(CANDIDATE_IDS_MIME, json.dumps(list(ids)).encode())
    return data


def candidate_ids_from(data: QMimeData) -> list[int]:
    if not data.hasFormat(CANDIDATE_IDS_MIME):
        return []
    try:
        ids = json.loads(bytes(data.data(CANDIDATE_IDS_MIME).data()).decode())
    except (UnicodeDecodeError, ValueError):
        return []
    return [int(i) for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


class AddToJobCommand(QUndoCommand):
    """Candidates put on a job in one step; undo takes the new applications off again."""

    def __init__(
        self,
        services: ServiceContext,
        done: Outcome[list[int]],
        job_id: int,
        stage_id: int,
        source: str,
        publish: Publish,
        notify: Notify,
    ):
        added = done.value
        job = getattr(added, "job", "") or f"job #{job_id}"
        super().__init__(f"Add {len(added)} candidate(s) to {job}")
        self.services = services
        self.application_ids = list(added)
        self.candidate_ids = list(getattr(added, "candidates", ()))
        self.job_id, self.stage_id, self.source = job_id, stage_id, source
        self.publish, self.notify = publish, notify
        self._first_redo = True

    def redo(self) -> None:
        if self._first_redo:  # already carried out before being pushed
            self._first_redo = False
            return
        try:
            done = bulk.add_to_job(
                self.services, self.candidate_ids, self.job_id, self.stage_id, self.source
            )
        except (ValidationError, NotFoundError) as exc:
            self._give_up(exc)
            return
        self.application_ids = list(done.value)
        self.publish(done.changes)

    def undo(self) -> None:
        try:
            done = bulk.remove_applications(self.services, self.application_ids)
        except (VersionConflictError, NotFoundError, ValidationError) as exc:
            self._give_up(exc)
            return
        self.publish(done.changes)

    def _give_up(self, error: Exception) -> None:
        self.setObsolete(True)  # the stack drops a command that can no longer apply
        self.notify(f"Could not undo or redo: {error}")


class BulkActions(QObject):
    """Actions over ``selected()`` candidate ids, for a toolbar and a context menu."""

    changes_made = Signal(object)  # Changes
    open_profile = Signal(int)
    notice = Signal(str)
    settings_requested = Signal()  # "Open Settings" from the email dialog (no mail account)

    def __init__(
        self,
        services: ServiceContext,
        undo_stack: QUndoStack,
        selected: Callable[[], list[int]],
        source: Callable[[], str],
        parent: QWidget,
    ):
        super().__init__(parent)
        self.services = services
        self.undo_stack = undo_stack
        self.selected = selected
        self.source = source
        self.widget = parent
        # Called after emails are queued or candidates enrolled, to wake the mail dispatcher;
        # the window sets it (`MailRuntime.wake`) when it connects the section.
        self.wake: Callable[[], None] | None = None
        self.tag_action = self._action("Tag…", self.tag)
        self.pool_action = self._action("Add to pool…", self.add_to_pool)
        self.job_action = self._action("Add to job…", self.add_to_job)
        self.email_action = self._action("Email…", self.email)
        self.sequence_action = self._action("Add to sequence…", self.add_to_sequence)
        self.export_action = self._action("Export CSV…", self.export)
        self.profile_action = self._action("Open profile", self.open_selected_profile)
        self.actions = (
            self.tag_action,
            self.pool_action,
            self.job_action,
            self.email_action,
            self.sequence_action,
            self.export_action,
            self.profile_action,
        )
        self.update_enabled()

    def _action(self, text: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def toolbar(self) -> QToolBar:
        bar = QToolBar()
        bar.setObjectName("bulkToolbar")
        for action in self.actions:
            bar.addAction(action)
        return bar

    def menu(self, parent: QWidget) -> QMenu:
        menu = QMenu(parent)
        menu.addAction(self.profile_action)
        menu.addSeparator()
        for action in self.actions[:-1]:
            menu.addAction(action)
        return menu

    def update_enabled(self) -> None:
        count = len(self.selected())
        for action in self.actions[:-1]:
            action.setEnabled(count > 0)
        self.profile_action.setEnabled(count == 1)

    # ---- the actions ------------------------------------------------------------------------
    def _run(self, work: Callable[[], Outcome[object]]) -> Outcome[object] | None:
        try:
            done = work()
        except (ValidationError, NotFoundError, VersionConflictError, OSError) as exc:
            message = "; ".join(exc.errors.values()) if isinstance(exc, ValidationError) else exc
            self.notice.emit(f"Nothing was changed: {message}")
            return None
        self.changes_made.emit(done.changes)
        return done

    def tag(self, name: str | None = None) -> None:
        ids = self.selected()
        if not ids:
            return
        if name is None:
            name, ok = QInputDialog.getText(self.widget, "Tag candidates", f"Tag for {len(ids)}:")
            if not ok:
                return
        done = self._run(lambda: bulk.tag_candidates(self.services, ids, name))
        if done is not None:
            self.notice.emit(f"Tagged {done.value} candidate(s) “{name.strip()}”.")

    def add_to_pool(self, pool_id: int | None = None, ids: Sequence[int] | None = None) -> None:
        """Add the selection (or ``ids``, e.g. dropped on a pool) to a static pool."""
        ids = list(ids) if ids is not None else self.selected()
        if not ids:
            return
        if pool_id is None:
            pools = [pool for pool in list_pools(self.services, counted=False) if pool.editable]
            if not pools:
                self.notice.emit("Create a talent pool first (Talent pools → New pool).")
                return
            names = [pool.name for pool in pools]
            name, ok = QInputDialog.getItem(
                self.widget, "Add to pool", f"Add {len(ids)} to:", names, 0, False
            )
            if not ok:
                return
            pool_id = pools[names.index(name)].id
        done = self._run(lambda: bulk.add_to_pool(self.services, ids, pool_id))
        if done is not None:
            self.notice.emit(f"Added {done.value} candidate(s) to the pool.")

    def add_to_job(self, job_id: int | None = None, stage_id: int | None = None) -> None:
        ids = self.selected()
        if not ids:
            return
        if job_id is None or stage_id is None:
            from app.ui.dialogs.add_to_job import AddToJobDialog

            dialog = AddToJobDialog(self.services, len(ids), self.widget)
            if dialog.exec() != dialog.DialogCode.Accepted or dialog.choice is None:
                return
            job_id, stage_id = dialog.choice
        source = self.source()
        done = self._run(lambda: bulk.add_to_job(self.services, ids, job_id, stage_id, source))
        if done is None:
            return
        self.notice.emit(done.value.message)  # type: ignore[attr-defined]
        if done.value:
            command = AddToJobCommand(
                self.services,
                done,  # type: ignore[arg-type]
                job_id,
                stage_id,
                source,
                self.changes_made.emit,
                self.notice.emit,
            )
            self.undo_stack.push(command)

    def email(self) -> None:
        """Compose one email to the selection; the dialog's plan shows who is skipped."""
        from app.ui.dialogs.compose import ComposeDialog

        ids = self.selected()
        if not ids:
            return
        dialog = ComposeDialog(
            self.services, ids, self.source(), parent=self.widget, wake=self.wake
        )
        self._run_dialog(dialog)

    def add_to_sequence(self) -> None:
        """Enrol the selection in a drip sequence; the dialog shows who was skipped."""
        from app.ui.dialogs.enroll import EnrollDialog

        ids = self.selected()
        if not ids:
            return
        dialog = EnrollDialog(self.services, ids, self.source(), parent=self.widget, wake=self.wake)
        self._run_dialog(dialog)

    def _run_dialog(self, dialog: Any) -> None:
        dialog.changes_made.connect(self.changes_made.emit)
        if hasattr(dialog, "settings_requested"):
            dialog.settings_requested.connect(self.settings_requested.emit)
        dialog.exec()
        if dialog.notice:
            self.notice.emit(dialog.notice)
        dialog.deleteLater()

    def export(self, path: str | Path | None = None) -> None:
        ids = self.selected()
        if not ids:
            return
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self.widget, "Export candidates", "candidates.csv", "CSV (*.csv)"
            )
            if not chosen:
                return
            path = chosen
        done = self._run(lambda: bulk.export_csv(self.services, ids, path))
        if done is not None:
            self.notice.emit(f"Exported {done.value} candidate(s) to {path}.")

    def open_selected_profile(self) -> None:
        ids = self.selected()
        if ids:
            self.open_profile.emit(ids[0])
