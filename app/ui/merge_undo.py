"""Undoing an attach or a merge from the window: an Edit → Undo command, and the "Undo this
merge" action on the timeline entry the step wrote on the candidate's profile.

Both go through `app.services.candidates.merge_undo`, which restores the records exactly or refuses
(saying why) when they changed since; a refusal is shown, never half-applied.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QUndoCommand

from app.services.candidates.merge_undo import (
    UndoableStep,
    UndoRefusedError,
    UndoResult,
    latest_step,
    redo_step,
    undo_step,
)
from app.services.candidates.records import ProfileActivity
from app.services.core.changes import Changes
from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import NotFoundError
from app.ui.dialogs.timeline_text import activity_text

if TYPE_CHECKING:
    from app.ui.dialogs.profile import ProfileDialog

Publish = Callable[[Changes], None]
Notify = Callable[[str], None]
Applied = Callable[[UndoResult, bool], None]  # the result, and True for an undo
STEP_ROLE = Qt.ItemDataRole.UserRole + 20  # a timeline item's undoable step (audit id)
UNDO_LABEL = "Undo this merge"


class MergeStepCommand(QUndoCommand):
    """An attach or merge already carried out (so the first redo does nothing); undo and
    redo restore the records through the service, or are dropped with the reason shown."""

    def __init__(
        self,
        services: ServiceContext,
        audit_id: int,
        text: str,
        publish: Publish,
        notify: Notify,
        applied: Applied | None = None,
    ):
        super().__init__(text)
        self.services, self.audit_id = services, audit_id
        self.publish, self.notify, self.applied = publish, notify, applied
        self._first_redo = True

    def redo(self) -> None:
        if self._first_redo:  # already carried out before being pushed
            self._first_redo = False
            return
        self._run(redo_step, undone=False)

    def undo(self) -> None:
        self._run(undo_step, undone=True)

    def _run(
        self, step: Callable[[ServiceContext, int], Outcome[UndoResult]], undone: bool
    ) -> None:
        try:
            done = step(self.services, self.audit_id)
        except (UndoRefusedError, NotFoundError) as refused:
            self.setObsolete(True)  # the stack drops a command that can no longer apply
            self.notify(str(refused))
            return
        self.publish(done.changes)
        self.notify(done.value.message)
        if self.applied is not None:
            self.applied(done.value, undone)


# --- the profile's timeline -------------------------------------------------------------------


def install_timeline_undo(dialog: ProfileDialog) -> QAction:
    """Give the profile's timeline an "Undo this merge" action (its context menu), enabled
    on the entry of the latest attach or merge while undoing it is possible."""
    dialog.merge_step = None
    action = QAction(UNDO_LABEL, dialog.timeline)
    action.setObjectName("undoMergeAction")
    action.setEnabled(False)
    dialog.timeline.addAction(action)
    dialog.timeline.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    dialog.timeline.currentItemChanged.connect(lambda *_: _sync(dialog, action))
    action.triggered.connect(dialog.undo_merge)
    return action


def mark_timeline_undo(dialog: ProfileDialog) -> UndoableStep | None:
    """Find the latest attach or merge on the shown timeline and mark its entry."""
    step = latest_step(dialog.services, dialog.candidate_id)
    dialog.merge_step = step
    if step is not None and step.entry_at is not None:
        shown = activity_text(
            ProfileActivity(step.entry_kind, step.entry_subject, step.entry_body, step.entry_at)
        )
        for row in range(dialog.timeline.count()):
            item = dialog.timeline.item(row)
            if item.text() != shown:
                continue
            item.setData(STEP_ROLE, step.audit_id)
            if step.possible:
                item.setText(f"{shown}  ↶ right-click: {UNDO_LABEL}")
                item.setToolTip(
                    f"Right-click and choose “{UNDO_LABEL}” to take back {step.description}."
                )
            else:
                item.setToolTip(step.reason)
            break
    action = dialog.findChild(QAction, "undoMergeAction")
    if action is not None:
        _sync(dialog, action)
    return step


def _sync(dialog: ProfileDialog, action: QAction) -> None:
    item = dialog.timeline.currentItem()
    step: UndoableStep | None = getattr(dialog, "merge_step", None)
    on_step = item is not None and step is not None and item.data(STEP_ROLE) == step.audit_id
    action.setEnabled(bool(on_step and step is not None and step.possible))
    action.setToolTip(step.reason if on_step and step is not None and not step.possible else "")


def undo_from_timeline(dialog: ProfileDialog) -> Outcome[UndoResult] | str | None:
    """Undo the marked step once the recruiter confirms: the outcome, the reason it was
    refused, or None when there was nothing to undo or the recruiter said no."""
    step: UndoableStep | None = getattr(dialog, "merge_step", None)
    if step is None or not step.possible:
        return None
    if not dialog.confirm(
        UNDO_LABEL,
        f"Take back {step.description}? The records go back exactly as they were before it.",
    ):
        return None
    try:
        return undo_step(dialog.services, step.audit_id)
    except (UndoRefusedError, NotFoundError) as refused:
        return str(refused)
