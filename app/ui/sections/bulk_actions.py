"""The bulk toolbar and context menu shared by the Candidates and Talent pools sections.

Tag…, Add to pool…, Add to job…, Email…, Add to sequence…, Export CSV… and Open profile act on
the section's `Selection` through the services in `candidates.bulk` (and the mail dialogs,
whose plan shows who is skipped before anything is queued): rows picked by hand, or every
candidate matching the view, whose ids are then found off the GUI thread first. Each action
says how many candidates it acted on. Adding to a job is pushed on the window's undo stack;
undo removes the applications again unless they changed since.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QObject, Signal
from PySide6.QtGui import QAction, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QToolBar, QWidget

from app.services.candidates import bulk
from app.services.candidates.pools import list_pools
from app.services.core.changes import Changes
from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.pipeline.conflicts import VersionConflictError
from app.ui.background import run_in_background
from app.ui.file_dialogs import remember_folder, start_folder
from app.ui.messages import reason
from app.ui.sections.selection import counted

CANDIDATE_IDS_MIME = "application/x-hirebench-candidate-ids"

Publish = Callable[[Changes], None]
Notify = Callable[[str], None]


@dataclass(frozen=True)
class Selection:
    """What the bulk actions act on: ``ids`` picked by hand, or, when ``find_all`` is set,
    every candidate matching the view (``find_all`` runs off the GUI thread; ``expected`` is
    how many it should find, for the dialogs asked before it runs)."""

    ids: tuple[int, ...] = ()
    find_all: Callable[[], list[int]] | None = None
    expected: int = 0

    @property
    def count(self) -> int:
        return self.expected if self.find_all is not None else len(self.ids)


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
        super().__init__(f"Add {counted(len(added), 'candidate')} to {job}")
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
    """Actions over the section's ``selected()`` `Selection`, for a toolbar and a menu."""

    changes_made = Signal(object)  # Changes
    open_profile = Signal(int)
    notice = Signal(str)
    settings_requested = Signal()  # "Open Settings" from the email dialog (no mail account)
    finished = Signal(str)  # an action's last word ("Exported 509 candidates to …")

    def __init__(
        self,
        services: ServiceContext,
        undo_stack: QUndoStack,
        selected: Callable[[], Selection],
        source: Callable[[], str],
        parent: QWidget,
        wake: Callable[[], None] | None = None,
    ):
        super().__init__(parent)
        self.services = services
        self.undo_stack = undo_stack
        self.selected = selected
        self.source = source
        self.widget = parent
        self.busy = False  # finding the matching candidates, or exporting
        # Called after emails are queued or candidates enrolled, to wake the mail dispatcher
        # (the window's `MailRuntime.wake`).
        self.wake = wake
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
        selection = self.selected()
        for action in self.actions[:-1]:
            action.setEnabled(selection.count > 0 and not self.busy)
        self.profile_action.setEnabled(selection.find_all is None and len(selection.ids) == 1)

    # ---- the selection ----------------------------------------------------------------------
    def act_on_selection(self, act: Callable[[list[int]], None]) -> None:
        """``act(ids)`` on the selection: at once for rows picked by hand; for every matching
        candidate, once their ids are found in the background (the window stays free)."""
        selection = self.selected()
        if selection.find_all is None:
            if selection.ids:
                act(list(selection.ids))
            return
        if self.busy:
            return
        self._set_busy(True)
        self.notice.emit("Finding every matching candidate…")

        def found(ids: list[int]) -> None:
            self._set_busy(False)
            if ids:
                act(ids)
            else:
                self._tell("No candidates match any more: nothing was changed.")

        def failed(error: BaseException) -> None:
            self._set_busy(False)
            self._tell(
                f"Nothing was changed: the matching candidates could not be found ({error})."
            )

        run_in_background(self, selection.find_all, found, failed, name="matching-candidates")

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.update_enabled()

    def _tell(self, text: str) -> None:
        self.notice.emit(text)
        self.finished.emit(text)

    # ---- the actions ------------------------------------------------------------------------
    def _run(self, work: Callable[[], Outcome[object]]) -> Outcome[object] | None:
        try:
            done = work()
        except (ValidationError, NotFoundError, VersionConflictError, OSError) as exc:
            self._tell(f"Nothing was changed: {reason(exc)}")
            return None
        self.changes_made.emit(done.changes)
        return done

    def tag(self, name: str | None = None) -> None:
        count = self.selected().count
        if not count:
            return
        if name is None:
            name, ok = QInputDialog.getText(
                self.widget, "Tag candidates", f"Tag for {counted(count, 'candidate')}:"
            )
            if not ok:
                return
        chosen = name

        def tag(ids: list[int]) -> None:
            done = self._run(lambda: bulk.tag_candidates(self.services, ids, chosen))
            if done is not None:
                had = len(ids) - int(done.value)  # type: ignore[call-overload]
                text = f"Tagged {counted(len(ids), 'candidate')} “{chosen.strip()}”"
                self._tell(f"{text} ({had:,} had it already)." if had else f"{text}.")

        self.act_on_selection(tag)

    def add_to_pool(self, pool_id: int | None = None, ids: Sequence[int] | None = None) -> None:
        """Add the selection (or ``ids``, e.g. dropped on a pool) to a static pool."""
        count = len(ids) if ids is not None else self.selected().count
        if not count:
            return
        pools = [pool for pool in list_pools(self.services, counted=False) if pool.editable]
        if pool_id is None:
            if not pools:
                self._tell("Create a talent pool first (Talent pools → New pool).")
                return
            names = [pool.name for pool in pools]
            name, ok = QInputDialog.getItem(
                self.widget,
                "Add to pool",
                f"Add {counted(count, 'candidate')} to:",
                names,
                0,
                False,
            )
            if not ok:
                return
            pool_id = pools[names.index(name)].id
        target = pool_id
        pool_name = next((p.name for p in pools if p.id == target), "the pool")

        def add(chosen: list[int]) -> None:
            done = self._run(lambda: bulk.add_to_pool(self.services, chosen, target))
            if done is not None:
                added = int(done.value)  # type: ignore[call-overload]
                text = f"Added {counted(added, 'candidate')} to {pool_name}"
                present = len(chosen) - added
                self._tell(
                    f"{text}; {counted(present, 'was', 'were')} in it already."
                    if present
                    else f"{text}."
                )

        if ids is not None:
            add(list(ids))
        else:
            self.act_on_selection(add)

    def add_to_job(self, job_id: int | None = None, stage_id: int | None = None) -> None:
        count = self.selected().count
        if not count:
            return
        if job_id is None or stage_id is None:
            # Deferred: start-up time (Candidates or Talent pools may be the first screen).
            from app.ui.dialogs.add_to_job import AddToJobDialog

            dialog = AddToJobDialog(self.services, count, self.widget)
            if dialog.exec() != dialog.DialogCode.Accepted or dialog.choice is None:
                return
            job_id, stage_id = dialog.choice
        job, stage, source = job_id, stage_id, self.source()

        def add(ids: list[int]) -> None:
            done = self._run(lambda: bulk.add_to_job(self.services, ids, job, stage, source))
            if done is None:
                return
            self._tell(_added_to_job(done.value))
            if done.value:
                command = AddToJobCommand(
                    self.services,
                    done,  # type: ignore[arg-type]
                    job,
                    stage,
                    source,
                    self.changes_made.emit,
                    self.notice.emit,
                )
                self.undo_stack.push(command)

        self.act_on_selection(add)

    def email(self) -> None:
        """Compose one email to the selection; the dialog's plan shows who is skipped."""
        # Deferred: start-up time (Candidates or Talent pools may be the first screen).
        from app.ui.dialogs.compose import ComposeDialog

        def compose(ids: list[int]) -> None:
            dialog = ComposeDialog(
                self.services, ids, self.source(), parent=self.widget, wake=self.wake
            )
            self._run_dialog(dialog)

        self.act_on_selection(compose)

    def add_to_sequence(self) -> None:
        """Enrol the selection in a drip sequence; the dialog shows who was skipped."""
        # Deferred: start-up time (Candidates or Talent pools may be the first screen).
        from app.ui.dialogs.enroll import EnrollDialog

        def enrol(ids: list[int]) -> None:
            dialog = EnrollDialog(
                self.services, ids, self.source(), parent=self.widget, wake=self.wake
            )
            self._run_dialog(dialog)

        self.act_on_selection(enrol)

    def _run_dialog(self, dialog: Any) -> None:
        dialog.changes_made.connect(self.changes_made.emit)
        if hasattr(dialog, "settings_requested"):
            dialog.settings_requested.connect(self.settings_requested.emit)
        dialog.exec()
        if dialog.notice:
            self._tell(dialog.notice)
        dialog.deleteLater()

    def export(self, path: str | Path | None = None) -> None:
        """Write the selection to a CSV file; every matching candidate in all matching mode."""
        if not self.selected().count:
            return
        if path is None:
            suggested = Path(start_folder(self.widget, "export")) / "candidates.csv"
            chosen, _filter = QFileDialog.getSaveFileName(
                self.widget, "Export candidates", str(suggested), "CSV (*.csv)"
            )
            if not chosen:
                return
            remember_folder(self.widget, "export", chosen)
            path = chosen
        target = path

        def export(ids: list[int]) -> None:
            # Reading 100,000 candidates takes seconds: the window stays free meanwhile.
            self._set_busy(True)
            self.notice.emit(f"Exporting {counted(len(ids), 'candidate')}…")
            services = self.services

            def exported(done: Outcome[int]) -> None:
                self._set_busy(False)
                self.changes_made.emit(done.changes)
                self._tell(f"Exported {counted(done.value, 'candidate')} to {target}.")

            def failed(error: BaseException) -> None:
                self._set_busy(False)
                self._tell(f"Nothing was exported: {reason(error)}")

            run_in_background(
                self, lambda: bulk.export_csv(services, ids, target), exported, failed, "export"
            )

        self.act_on_selection(export)

    def open_selected_profile(self) -> None:
        selection = self.selected()
        if selection.find_all is None and selection.ids:
            self.open_profile.emit(selection.ids[0])


def _added_to_job(added: Any) -> str:
    """ "Added 3 candidates to Data Engineer; 1 was on it already." """
    job = getattr(added, "job", "") or "the job"
    text = f"Added {counted(len(added), 'candidate')} to {job}"
    skipped = len(getattr(added, "skipped", ()))
    return f"{text}; {counted(skipped, 'was', 'were')} on it already." if skipped else f"{text}."
