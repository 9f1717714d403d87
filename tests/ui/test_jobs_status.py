"""Job status actions on the Jobs screen: Mark filled asks when hires fall short of the
openings, and every status action is taken back by Edit → Undo (and redone)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.services.pipeline.jobs import JobInput, change_status, get_job, list_jobs, update_job
from app.store.models import JobStatus
from app.ui.main_window import MainWindow
from app.ui.sections.jobs import JobsSection
from tests.support import job_input


def _section(window: MainWindow) -> JobsSection:
    window.show_section("jobs")
    section = window.section("jobs")
    section.status_filter.setCurrentIndex(0)  # all statuses
    return section  # type: ignore[return-value]


def _when_modal(act: Callable[[QMessageBox], None]) -> list[str]:
    """Once a message box is up, record its text and let ``act`` answer it."""
    seen: list[str] = []

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, poll)
            return
        seen.append(box.text())
        act(box)

    QTimer.singleShot(0, poll)
    return seen


def _click(text: str) -> Callable[[QMessageBox], None]:
    return lambda box: next(b for b in box.buttons() if b.text() == text).click()


def _open_job_short_of_hires(window: MainWindow):
    return next(
        job
        for job in list_jobs(window.services)
        if job.status is JobStatus.OPEN and job.hires < job.openings
    )


def _undo(window: MainWindow, qtbot) -> None:
    """Edit → Undo, by its shortcut, typed in the jobs table."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    table = window.section("jobs").table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def test_mark_filled_short_of_hires_asks_and_cancel_changes_nothing(
    window: MainWindow, qtbot
) -> None:
    section = _section(window)
    job = _open_job_short_of_hires(window)
    assert section.select_job(job.id)
    seen = _when_modal(_click("Cancel"))
    section.fill_action.trigger()
    plural = "" if job.openings == 1 else "s"
    assert seen == [f"Mark “{job.title}” filled with {job.hires} of {job.openings} hire{plural}?"]
    assert get_job(window.services, job.id).status is JobStatus.OPEN
    assert not window.undo_stack.canUndo()


def test_mark_filled_then_undo_and_redo(window: MainWindow, qtbot) -> None:
    section = _section(window)
    job = _open_job_short_of_hires(window)
    section.select_job(job.id)
    seen = _when_modal(_click("Mark filled"))
    section.fill_action.trigger()
    assert len(seen) == 1
    filled = get_job(window.services, job.id)
    assert (filled.status, filled.filled_on) == (JobStatus.FILLED, dt.date.today())
    assert section.selected_job().status is JobStatus.FILLED  # the list follows
    assert window.undo_action.text() == f"&Undo Mark “{job.title}” filled"
    _undo(window, qtbot)
    restored = get_job(window.services, job.id)
    assert (restored.status, restored.filled_on) == (JobStatus.OPEN, None)
    assert section.selected_job().status is JobStatus.OPEN
    window.redo_action.trigger()
    assert get_job(window.services, job.id).status is JobStatus.FILLED


def test_filling_every_opening_is_not_asked_about(window: MainWindow, qtbot) -> None:
    section = _section(window)
    job = next(j for j in list_jobs(window.services) if j.status is JobStatus.OPEN and j.hires)
    detail = get_job(window.services, job.id)
    update_job(window.services, job.id, JobInput(**(job_input(detail).__dict__ | {"openings": 1})))
    section.reload()
    section.select_job(job.id)
    seen = _when_modal(_click("Cancel"))  # answers a question if one were asked
    section.fill_action.trigger()
    qtbot.wait(60)
    assert seen == []
    assert get_job(window.services, job.id).status is JobStatus.FILLED


def test_hold_close_and_reopen_are_undone(window: MainWindow, qtbot) -> None:
    section = _section(window)
    job = _open_job_short_of_hires(window)
    section.select_job(job.id)
    section.hold_action.trigger()
    assert get_job(window.services, job.id).status is JobStatus.ON_HOLD
    section.close_action.trigger()
    assert get_job(window.services, job.id).status is JobStatus.CLOSED
    _undo(window, qtbot)
    assert get_job(window.services, job.id).status is JobStatus.ON_HOLD
    _undo(window, qtbot)
    assert get_job(window.services, job.id).status is JobStatus.OPEN
    # Reopening a filled job and undoing it gives back the day it was filled.
    filled = next(j for j in list_jobs(window.services) if j.status is JobStatus.FILLED)
    section.select_job(filled.id)
    section.reopen_action.trigger()
    assert get_job(window.services, filled.id).filled_on is None
    _undo(window, qtbot)
    back = get_job(window.services, filled.id)
    assert (back.status, back.filled_on) == (JobStatus.FILLED, filled.filled_on)


def test_undo_after_a_change_elsewhere_is_refused_and_said(window: MainWindow, qtbot) -> None:
    section = _section(window)
    job = _open_job_short_of_hires(window)
    section.select_job(job.id)
    section.hold_action.trigger()
    change_status(window.services, job.id, "fill")  # e.g. in another window
    _undo(window, qtbot)
    assert get_job(window.services, job.id).status is JobStatus.FILLED  # left as it is
    assert section.action_error.text() == (
        f"Could not undo: “{job.title}” changed since (it is filled now); left as it is."
    )
    assert not window.undo_stack.canUndo()  # the command is dropped
