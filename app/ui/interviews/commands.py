"""Scheduling, editing, cancelling and scoring interviews from any screen, each undoable on the
window's stack.

The write is carried out before its command is pushed, so a refused one never lands on the
stack. Undoing a schedule cancels the interview; undoing an edit puts the earlier values back
and undoing a cancellation restores it — each sends the invites that go with it (same UID, a
higher SEQUENCE), since people's calendars must follow. Undoing a scorecard puts back the one
it replaced, or removes it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QInputDialog, QWidget

from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.pipeline.interviews import (
    InterviewInput,
    ScheduleResult,
    cancel_interview,
    reschedule_interview,
)
from app.services.pipeline.scorecards import (
    ScorecardInput,
    ScorecardResult,
    delete_scorecard,
    save_scorecard,
    set_job_scorecard,
)
from app.ui import messages
from app.ui.write_command import Notify, Publish, WriteCommand


def push_schedule(
    services: ServiceContext,
    undo_stack: QUndoStack | None,
    done: Outcome[ScheduleResult],
    data: InterviewInput,
    publish: Publish,
    notify: Notify,
) -> None:
    """Put a saved schedule or edit on the undo stack."""
    if undo_stack is None:
        return
    result = done.value
    interview_id = result.interview_id
    if result.previous is None:  # a new interview: undo cancels it, redo brings it back
        undo_stack.push(
            WriteCommand(
                "Schedule interview",
                lambda: cancel_interview(services, interview_id, "Scheduled by mistake."),
                lambda: reschedule_interview(services, interview_id, data, restore=True),
                publish,
                notify,
            )
        )
        return
    previous = result.previous
    undo_stack.push(
        WriteCommand(
            "Edit interview",
            lambda: reschedule_interview(services, interview_id, previous),
            lambda: reschedule_interview(services, interview_id, data),
            publish,
            notify,
        )
    )


def open_schedule(
    services: ServiceContext,
    application_id: int,
    parent: QWidget,
    undo_stack: QUndoStack | None,
    publish: Publish,
    notify: Notify,
    interview_id: int | None = None,
) -> Outcome[ScheduleResult] | None:
    """The schedule (or edit) dialog; a saved interview goes on the undo stack, its changes
    are published and double-booked interviewers are said. None when cancelled."""
    # Deferred: the dialog's module (zone list, form) loads when first opened.
    from app.ui.interviews.schedule_dialog import ScheduleDialog

    try:
        dialog = ScheduleDialog(services, application_id, parent, interview_id=interview_id)
    except NotFoundError as gone:
        notify(str(gone))
        return None
    dialog.exec()
    done: Outcome[ScheduleResult] | None = dialog.outcome
    if done is None:
        return None
    if done.changes.ids:
        push_schedule(services, undo_stack, done, dialog.collect(), publish, notify)
        publish(done.changes)
    clashes = list(dict.fromkeys(c.name for c in done.value.conflicts))
    if clashes:
        notify(f"Saved; double-booked at that time: {', '.join(clashes)}.")
    return done


def cancel_with_undo(
    services: ServiceContext,
    interview_id: int,
    parent: QWidget,
    undo_stack: QUndoStack | None,
    publish: Publish,
    notify: Notify,
) -> Outcome[ScheduleResult] | None:
    """Ask why (optional), cancel, and put it on the undo stack. None when not cancelled."""
    reason, ok = QInputDialog.getText(
        parent,
        "Cancel interview",
        "Everyone invited gets the cancellation. Reason (optional, sent with it):",
    )
    if not ok:
        return None
    try:
        done = cancel_interview(services, interview_id, reason)
    except (ValidationError, NotFoundError) as error:
        notify(messages.reason(error))
        return None
    previous = done.value.previous
    if undo_stack is not None and previous is not None and done.changes.ids:
        undo_stack.push(
            WriteCommand(
                "Cancel interview",
                lambda: reschedule_interview(services, interview_id, previous, restore=True),
                lambda: cancel_interview(services, interview_id, reason),
                publish,
                notify,
            )
        )
    publish(done.changes)
    return done


def push_scorecard(
    services: ServiceContext,
    undo_stack: QUndoStack | None,
    done: Outcome[ScorecardResult],
    data: ScorecardInput,
    publish: Publish,
    notify: Notify,
) -> None:
    if undo_stack is None:
        return
    card_id = done.value.scorecard_id
    previous = done.value.previous

    def undo() -> Outcome[Any]:
        if previous is None:
            return delete_scorecard(services, card_id)
        return save_scorecard(services, previous)

    def redo() -> Outcome[Any]:
        nonlocal card_id
        again = save_scorecard(services, data)
        card_id = again.value.scorecard_id  # a deleted one comes back under a new id
        return again

    undo_stack.push(WriteCommand("Enter scorecard", undo, redo, publish, notify))


def open_scorecard(
    services: ServiceContext,
    interview_id: int,
    parent: QWidget,
    undo_stack: QUndoStack | None,
    publish: Publish,
    notify: Notify,
    attendee_id: int | None = None,
) -> Outcome[ScorecardResult] | None:
    """The scorecard dialog; a saved scorecard goes on the undo stack. None when cancelled."""
    # Deferred: the dialog's module loads when first opened.
    from app.ui.interviews.scorecard_dialog import ScorecardDialog

    try:
        dialog = ScorecardDialog(services, interview_id, parent, attendee_id)
    except NotFoundError as gone:
        notify(str(gone))
        return None
    dialog.exec()
    done: Outcome[ScorecardResult] | None = dialog.outcome
    if done is None:
        return None
    push_scorecard(services, undo_stack, done, dialog.collect(), publish, notify)
    publish(done.changes)
    return done


def open_job_scorecard(
    services: ServiceContext,
    job_id: int,
    parent: QWidget,
    undo_stack: QUndoStack | None,
    publish: Publish,
    notify: Notify,
) -> bool:
    """The job's scorecard settings; a saved change goes on the undo stack."""
    # Deferred: the dialog's module loads when first opened.
    from app.ui.interviews.job_scorecard_dialog import JobScorecardDialog

    try:
        dialog = JobScorecardDialog(services, job_id, parent)
    except NotFoundError as gone:
        notify(str(gone))
        return False
    dialog.exec()
    done = dialog.outcome
    if done is None:
        return False
    data = dialog.collect()
    previous = done.value
    if undo_stack is not None:
        names = tuple(a.name for a in previous.attributes)
        undo_stack.push(
            WriteCommand(
                "Change the job's scorecard",
                lambda: set_job_scorecard(
                    services, job_id, names, previous.required, previous.template_id
                ),
                lambda: set_job_scorecard(
                    services, job_id, data.attributes, data.required, data.template_id
                ),
                publish,
                notify,
            )
        )
    publish(done.changes)
    return True
