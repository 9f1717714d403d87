"""Undoable job status actions (Put on hold, Close, Mark filled, Reopen) for Edit → Undo.

The action is carried out through the service before its command is pushed, so a refused
action never lands on the undo stack. Undo and redo put back the exact status and fill
date, and are refused (the command dropped, the reason shown) if the job's status changed
meanwhile, in this window or another.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from app.services.core.changes import Changes
from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.pipeline.jobs import StatusChange, restore_status

UNDO_TEXTS = {
    "hold": "Put “{title}” on hold",
    "close": "Close “{title}”",
    "fill": "Mark “{title}” filled",
    "reopen": "Reopen “{title}”",
}

Publish = Callable[[Changes], None]
Failed = Callable[[str], None]


class JobStatusCommand(QUndoCommand):
    """One status action taken on a job."""

    def __init__(
        self,
        services: ServiceContext,
        done: Outcome[StatusChange],
        publish: Publish,
        failed: Failed,
    ):
        change = done.value
        super().__init__(UNDO_TEXTS[change.action].format(title=change.title))
        self.services = services
        self.change = change
        self.publish = publish
        self.failed = failed
        self._first_redo = True

    def redo(self) -> None:
        if self._first_redo:  # already carried out before being pushed
            self._first_redo = False
            return
        self._run(undo=False)

    def undo(self) -> None:
        self._run(undo=True)

    def _run(self, undo: bool) -> None:
        try:
            done = restore_status(self.services, self.change, undo)
        except (ValidationError, NotFoundError) as exc:
            self.setObsolete(True)  # the stack drops a command that can no longer apply
            reason = " ".join(exc.errors.values()) if isinstance(exc, ValidationError) else exc
            self.failed(f"Could not {'undo' if undo else 'redo'}: {reason}")
            return
        self.publish(done.changes)
