"""Editing and deleting a candidate, the same way from their profile and from the Candidates
list: the edit form, an undo command on the window's stack, and the confirmation that names
what a deletion takes with it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from app.services.candidates.delete import (
    DeletionPreview,
    DeletionResult,
    delete_candidate,
    deletion_preview,
)
from app.services.candidates.edit import EditResult, redo_edit, undo_edit
from app.services.core.changes import Changes
from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.ui.dialogs.edit_candidate import EditCandidateDialog
from app.ui.messages import confirm_destructive

Publish = Callable[[Changes], None]
Notify = Callable[[str], None]
DELETE_BUTTON = "confirm_delete"


def plural(count: int, singular: str, many: str | None = None) -> str:
    return f"{count} {singular if count == 1 else many or singular + 's'}"


class EditCandidateCommand(QUndoCommand):
    """A saved edit; undo writes back the record as it was, redo the edit again. Either is
    refused (and the command dropped, with a message) if those fields changed since."""

    def __init__(
        self, services: ServiceContext, result: EditResult, publish: Publish, notify: Notify
    ):
        super().__init__(f"Edit {result.name}")
        self.services = services
        self.result = result
        self.publish = publish
        self.notify = notify
        self._first_redo = True

    def redo(self) -> None:
        if self._first_redo:  # saved before being pushed
            self._first_redo = False
            return
        self._run(redo_edit, "redo")

    def undo(self) -> None:
        self._run(undo_edit, "undo")

    def _run(
        self, write: Callable[[ServiceContext, EditResult], Outcome[EditResult]], verb: str
    ) -> None:
        try:
            done = write(self.services, self.result)
        except (ValidationError, NotFoundError) as error:
            self.setObsolete(True)  # the stack drops a command that can no longer apply
            reason = (
                "; ".join(error.errors.values()) if isinstance(error, ValidationError) else error
            )
            self.notify(f"Could not {verb} “{self.text()}”: {reason}")
            return
        if verb == "redo":  # a redo made its tags anew: the next undo removes those
            self.result = done.value
        self.publish(done.changes)


def edit_candidate(
    services: ServiceContext,
    candidate_id: int,
    parent: QWidget,
    undo_stack: QUndoStack | None,
    publish: Publish,
    notify: Notify,
) -> Outcome[EditResult] | None:
    """Open the edit form; a saved change goes on the undo stack. None when cancelled or
    nothing changed."""

    try:
        dialog = EditCandidateDialog(services, candidate_id, parent)
    except NotFoundError as gone:
        notify(str(gone))
        return None
    dialog.exec()
    done: Outcome[EditResult] | None = dialog.outcome
    if done is None or not done.value.fields:
        return None
    if undo_stack is not None:
        undo_stack.push(EditCandidateCommand(services, done.value, publish, notify))
    return done


def deletion_question(preview: DeletionPreview) -> str:
    """ "Delete Jane Roe? Their 3 applications, 12 activities and 2 documents go too. …" """
    parts = []
    if preview.applications:
        parts.append(plural(preview.applications, "application"))
    if preview.activities:
        parts.append(plural(preview.activities, "activity", "activities"))
    if preview.documents:
        parts.append(plural(preview.documents, "document"))
    if preview.pools:
        parts.append(plural(preview.pools, "pool membership"))
    if preview.sequences:
        parts.append(plural(preview.sequences, "sequence enrolment"))
    if preview.tasks:
        parts.append(plural(preview.tasks, "task"))
    if preview.emails:
        waiting = f" ({preview.waiting_emails} not sent yet)" if preview.waiting_emails else ""
        parts.append(plural(preview.emails, "email") + waiting)
    text = f"Delete {preview.name}?"
    if parts:
        listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
        text += f" Their {listed} go too."
    return f"{text} This cannot be undone."


def confirm_and_delete(
    services: ServiceContext,
    candidate_id: int,
    documents_dir: Path | None,
    parent: QWidget,
    notify: Notify,
) -> Outcome[DeletionResult] | None:
    """Ask, naming what goes; delete once confirmed. None when declined or refused."""
    try:
        preview = deletion_preview(services, candidate_id)
    except NotFoundError as gone:
        notify(str(gone))
        return None
    refusal = preview.refusal()
    if refusal is not None:  # said before asking: nothing to confirm
        QMessageBox.information(parent, "Delete candidate", refusal)
        notify(f"Nothing was deleted: {refusal}")
        return None
    if not confirm_destructive(
        parent, "Delete candidate", deletion_question(preview), "Delete", DELETE_BUTTON
    ):
        return None
    try:
        done = delete_candidate(services, candidate_id, documents_dir)
    except (ValidationError, NotFoundError) as error:
        reason = "; ".join(error.errors.values()) if isinstance(error, ValidationError) else error
        notify(f"Nothing was deleted: {reason}")
        return None
    message = f"Deleted {done.value.name}."
    if done.value.files_left:
        message += f" {plural(len(done.value.files_left), 'resume file')} could not be removed."
    notify(message)
    return done
