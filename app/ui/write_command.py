"""An undo command for a write already done, whose undo and redo are service writes too.

Pushed after its write succeeded, so its first redo does nothing. An undo or redo the service
refuses (the record changed since, or is gone) says why through ``notify`` and leaves the
stack; what a write changed goes out through ``publish``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from app.services.core.changes import Changes
from app.services.core.context import Outcome
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.ui import messages

Publish = Callable[[Changes], None]
Notify = Callable[[str], None]
Write = Callable[[], Outcome[Any]]


class WriteCommand(QUndoCommand):
    """A write already done, whose undo and redo are writes too."""

    def __init__(self, text: str, undo: Write, redo: Write, publish: Publish, notify: Notify):
        super().__init__(text)
        self._undo, self._redo = undo, redo
        self.publish, self.notify = publish, notify
        self._first_redo = True

    def redo(self) -> None:
        if self._first_redo:  # carried out before being pushed
            self._first_redo = False
            return
        self._run(self._redo, "redo")

    def undo(self) -> None:
        self._run(self._undo, "undo")

    def _run(self, write: Write, verb: str) -> None:
        try:
            done = write()
        except (ValidationError, NotFoundError) as error:
            self.setObsolete(True)  # the stack drops a command that can no longer apply
            self.notify(f"Could not {verb} “{self.text()}”: {messages.reason(error)}")
            return
        self.publish(done.changes)
