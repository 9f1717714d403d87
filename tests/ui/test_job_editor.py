"""Editing a job, its status actions on the Jobs screen, and the rejection reasons editor."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from sqlalchemy import select

from app.services.admin.sample_data import REJECTION_REASONS
from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import ServiceContext
from app.services.pipeline.jobs import JobRow, get_job, list_jobs
from app.services.pipeline.reasons import list_rejection_reasons
from app.store.models import AuditEntry, Job, JobStatus
from app.ui.dialogs.job_editor import EditJobDialog
from app.ui.dialogs.new_job import NewJobDialog
from app.ui.dialogs.reasons import ReasonsDialog
from app.ui.icons import IconProvider
from app.ui.main_window import MainWindow
from app.ui.sections.jobs import ROW_ROLE, STATUS_COLUMN, JobsSection


def _save(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def _audit(ctx: ServiceContext, action: str) -> list[AuditEntry]:
    with ctx.read() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _job_with(ctx: ServiceContext, status: JobStatus) -> JobRow:
    return next(job for job in list_jobs(ctx) if job.status is status)


def _set_status(ctx: ServiceContext, job_id: int, status: JobStatus) -> None:
    with ctx.sessions() as session, session.begin():
        session.get(Job, job_id).status = status


class TestEditJobDialog:
    def test_shows_the_job(self, qtbot, demo_ctx: ServiceContext) -> None:
        job = _job_with(demo_ctx, JobStatus.FILLED)
        detail = get_job(demo_ctx, job.id)
        dialog = EditJobDialog(demo_ctx, job.id)
        qtbot.addWidget(dialog)
        assert dialog.windowTitle() == "Edit job"
        assert dialog.title_edit.text() == detail.title
        assert dialog.client.currentData() == detail.client_id
        assert dialog.openings.value() == detail.openings
        assert dialog.location.text() == (detail.location or "")
        assert dialog.owner.currentData() == detail.owner_id
        assert dialog.opened_on.date().toPython() == detail.opened_on
        assert dialog.status_label.text() == f"Filled since {detail.filled_on:%Y-%m-%d}"

    def test_saves_the_edits(self, qtbot, demo_ctx: ServiceContext) -> None:
        job = _job_with(demo_ctx, JobStatus.OPEN)
        dialog = EditJobDialog(demo_ctx, job.id)
        qtbot.addWidget(dialog)
        dialog.title_edit.clear()
        qtbot.keyClicks(dialog.title_edit, "Payroll Lead")
        dialog.openings.setValue(4)
        _save(dialog)
        assert dialog.result() == EditJobDialog.DialogCode.Accepted
        detail = get_job(demo_ctx, job.id)
        assert (detail.title, detail.openings, detail.status) == ("Payroll Lead", 4, JobStatus.OPEN)
        [entry] = _audit(demo_ctx, "job.update")
        assert entry.entity_id == job.id
        assert entry.after == {"title": "Payroll Lead", "openings": 4}
        assert dialog.all_changes().ids == {ChangeKind.JOBS: {job.id}}

    def test_refuses_invalid_input_inline(self, qtbot, demo_ctx: ServiceContext) -> None:
        job = _job_with(demo_ctx, JobStatus.OPEN)
        dialog = EditJobDialog(demo_ctx, job.id)
        qtbot.addWidget(dialog)
        dialog.title_edit.clear()
        dialog.openings.setValue(0)
        _save(dialog)
        assert dialog.error_text("title") == "Job title is required."
        assert "between 1 and" in dialog.error_text("openings")
        assert dialog.result() == 0
        assert get_job(demo_ctx, job.id).title == job.title
        assert _audit(demo_ctx, "job.update") == []

    def test_saving_unchanged_writes_nothing(self, qtbot, demo_ctx: ServiceContext) -> None:
        job = _job_with(demo_ctx, JobStatus.CLOSED)
        dialog = EditJobDialog(demo_ctx, job.id)
        qtbot.addWidget(dialog)
        _save(dialog)
        assert dialog.result() == EditJobDialog.DialogCode.Accepted
        assert _audit(demo_ctx, "job.update") == []
        assert dialog.all_changes().ids == {}
        assert get_job(demo_ctx, job.id).status is JobStatus.CLOSED

    def test_a_job_without_owner_keeps_none(self, qtbot, demo_ctx: ServiceContext) -> None:
        job = _job_with(demo_ctx, JobStatus.OPEN)
        with demo_ctx.sessions() as session, session.begin():
            session.get(Job, job.id).owner_id = None
        dialog = EditJobDialog(demo_ctx, job.id)
        qtbot.addWidget(dialog)
        assert dialog.owner.currentText() == "No owner"
        dialog.openings.setValue(dialog.openings.value() + 1)
        _save(dialog)
        assert get_job(demo_ctx, job.id).owner_id is None


class TestPostingReferenceField:
    """The job form's posting reference: explained where it is typed, saved, refused inline."""

    def test_the_field_says_what_it_is_for(self, qtbot, demo_ctx: ServiceContext) -> None:
        dialog = NewJobDialog(demo_ctx)
        qtbot.addWidget(dialog)
        assert dialog.field("posting_reference") is dialog.reference
        assert dialog.reference.placeholderText() == "e.g. REQ-2026-014"
        assert "email's subject are filed under this job" in dialog.reference.toolTip()

    def test_new_job_saves_it(self, qtbot, demo_ctx: ServiceContext) -> None:
        dialog = NewJobDialog(demo_ctx)
        qtbot.addWidget(dialog)
        dialog.client.setCurrentIndex(1)
        qtbot.keyClicks(dialog.title_edit, "Payroll Lead")
        qtbot.keyClicks(dialog.reference, " REQ-2026-014 ")
        _save(dialog)
        assert dialog.result() == NewJobDialog.DialogCode.Accepted
        assert get_job(demo_ctx, dialog.outcome.value).posting_reference == "REQ-2026-014"

    def test_edit_shows_and_saves_it(self, qtbot, demo_ctx: ServiceContext) -> None:
        job = _job_with(demo_ctx, JobStatus.OPEN)
        _set_reference(demo_ctx, job.id, "REQ-1")
        dialog = EditJobDialog(demo_ctx, job.id)
        qtbot.addWidget(dialog)
        assert dialog.reference.text() == "REQ-1"
        dialog.reference.clear()
        qtbot.keyClicks(dialog.reference, "REQ-2")
        _save(dialog)
        assert dialog.result() == EditJobDialog.DialogCode.Accepted
        assert get_job(demo_ctx, job.id).posting_reference == "REQ-2"
        [entry] = _audit(demo_ctx, "job.update")
        assert (entry.before, entry.after) == (
            {"posting_reference": "REQ-1"},
            {"posting_reference": "REQ-2"},
        )

    def test_a_duplicate_is_shown_under_the_field(self, qtbot, demo_ctx: ServiceContext) -> None:
        other, job = [row for row in list_jobs(demo_ctx) if row.status is JobStatus.OPEN][:2]
        _set_reference(demo_ctx, other.id, "REQ-7")
        dialog = EditJobDialog(demo_ctx, job.id)
        qtbot.addWidget(dialog)
        qtbot.keyClicks(dialog.reference, "req-7")
        _save(dialog)
        assert dialog.result() == 0
        assert dialog.error_text("posting_reference") == (
            f"Reference req-7 is already used by job #{other.id} “{other.title}”."
        )
        assert dialog.reference.property("invalid") is True
        assert get_job(demo_ctx, job.id).posting_reference is None
        assert _audit(demo_ctx, "job.update") == []

    def test_bad_characters_are_shown_while_typing(self, qtbot, demo_ctx: ServiceContext) -> None:
        dialog = EditJobDialog(demo_ctx, _job_with(demo_ctx, JobStatus.OPEN).id)
        qtbot.addWidget(dialog)
        qtbot.keyClicks(dialog.reference, "REQ 7")
        _save(dialog)
        assert "letters, digits" in dialog.error_text("posting_reference")
        dialog.reference.setText("REQ-7")  # fixed: the message goes as the text changes
        assert dialog.error_text("posting_reference") == ""


def _set_reference(ctx: ServiceContext, job_id: int, reference: str) -> None:
    with ctx.sessions() as session, session.begin():
        session.get(Job, job_id).posting_reference = reference


@pytest.fixture
def section(qtbot, demo_ctx: ServiceContext, icons: IconProvider) -> JobsSection:
    widget = JobsSection(demo_ctx, icons)
    qtbot.addWidget(widget)
    widget.status_filter.setCurrentIndex(0)  # all statuses
    widget.changes_made.connect(widget.on_changes)  # what the window's broadcast does
    return widget


def _enabled(section: JobsSection) -> set[str]:
    return {action.text() for action in section.job_actions if action.isEnabled()}


class TestJobsSectionActions:
    @pytest.mark.parametrize(
        ("status", "expected"),
        [
            (JobStatus.OPEN, {"Put on hold", "Close", "Mark filled"}),
            (JobStatus.ON_HOLD, {"Close", "Mark filled", "Reopen"}),
            (JobStatus.FILLED, {"Reopen"}),
            (JobStatus.CLOSED, {"Reopen"}),
        ],
    )
    def test_actions_follow_the_selected_status(
        self, section: JobsSection, demo_ctx: ServiceContext, status: JobStatus, expected: set
    ) -> None:
        assert _enabled(section) == set()  # nothing selected yet
        assert section.select_job(_job_with(demo_ctx, status).id)
        assert _enabled(section) == {"Edit…", "Stages…", "Best matches…"} | expected
        menu = section.context_menu()
        in_menu = {a.text() for a in menu.actions() if a.isEnabled() and not a.isSeparator()}
        tasks = {text for text in in_menu if text.startswith("Add task")}
        assert tasks == {"Add task…", f"Add task about {section.selected_job().client_name}…"}
        assert (
            in_menu - tasks == {"Edit…", "Stages…", "Best matches…", "Hiring managers…"} | expected
        )

    def test_put_on_hold_then_reopen(
        self, qtbot, section: JobsSection, demo_ctx: ServiceContext
    ) -> None:
        job = _job_with(demo_ctx, JobStatus.OPEN)
        section.select_job(job.id)
        with qtbot.waitSignal(section.changes_made) as signal:
            section.hold_action.trigger()
        assert signal.args[0] == Changes({ChangeKind.JOBS: frozenset({job.id})})
        assert get_job(demo_ctx, job.id).status is JobStatus.ON_HOLD
        assert section.selected_job().id == job.id  # still selected after the reload
        assert section.selected_job().status is JobStatus.ON_HOLD
        assert not section.hold_action.isEnabled() and section.reopen_action.isEnabled()
        section.reopen_action.trigger()
        assert get_job(demo_ctx, job.id).status is JobStatus.OPEN
        assert [
            e.action for e in _audit(demo_ctx, "job.hold") + _audit(demo_ctx, "job.reopen")
        ] == [
            "job.hold",
            "job.reopen",
        ]

    def test_mark_filled_shows_in_the_list(self, section: JobsSection, demo_ctx: ServiceContext):
        job = _job_with(demo_ctx, JobStatus.ON_HOLD)
        section.select_job(job.id)

        def confirm() -> None:  # the demo's job on hold has fewer hires than openings
            box = QApplication.activeModalWidget()
            if box is None:
                QTimer.singleShot(20, confirm)
                return
            next(b for b in box.buttons() if b.text() == "Mark filled").click()

        QTimer.singleShot(0, confirm)
        section.fill_action.trigger()
        row = section.selected_job()
        assert (row.status, row.filled_on) == (JobStatus.FILLED, dt.date.today())
        shown = section.proxy.index(section.table.currentIndex().row(), STATUS_COLUMN).data()
        assert shown == "Filled"

    def test_a_stale_list_shows_the_refusal_and_reloads(
        self, qtbot, section: JobsSection, demo_ctx: ServiceContext
    ) -> None:
        job = _job_with(demo_ctx, JobStatus.OPEN)
        section.select_job(job.id)
        _set_status(demo_ctx, job.id, JobStatus.CLOSED)  # e.g. in another window
        with qtbot.assertNotEmitted(section.changes_made):
            section.close_action.trigger()
        assert "already closed" in section.action_error.text()
        assert section.action_error.isVisibleTo(section)
        assert section.selected_job().status is JobStatus.CLOSED  # reloaded
        assert _enabled(section) == {"Edit…", "Stages…", "Best matches…", "Reopen"}
        assert _audit(demo_ctx, "job.close") == []

    def test_edit_from_the_section(
        self, qtbot, section: JobsSection, demo_ctx: ServiceContext
    ) -> None:
        job = _job_with(demo_ctx, JobStatus.OPEN)
        section.select_job(job.id)

        def edit() -> None:
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, EditJobDialog):
                QTimer.singleShot(20, edit)
                return
            try:
                dialog.title_edit.setText("Night Auditor")
                _save(dialog)
            finally:
                if dialog.isVisible():  # a failure must not leave the test waiting
                    dialog.reject()

        QTimer.singleShot(50, edit)
        with qtbot.waitSignal(section.changes_made) as signal:
            section.edit_action.trigger()
        assert signal.args[0].ids == {ChangeKind.JOBS: {job.id}}
        assert section.selected_job().title == "Night Auditor"

    def test_rows_carry_their_job(self, section: JobsSection) -> None:
        assert section.proxy.data(section.proxy.index(0, 0), ROW_ROLE) is not None


def test_window_broadcasts_the_sections_changes(window: MainWindow, demo_ctx: ServiceContext):
    section = window.section("jobs")
    open_before = sum(1 for j in list_jobs(demo_ctx) if j.status is JobStatus.OPEN)
    shown_before = section.proxy.rowCount()  # the first screen shows open jobs
    job = next(j for j in section.model.rows if j.status is JobStatus.OPEN)
    section.select_job(job.id)
    section.close_action.trigger()
    # The window's broadcast reloaded the section: the closed job left the open list.
    assert section.proxy.rowCount() == shown_before - 1
    assert f"{open_before - 1} open of" in section.header.subtitle.text()


class TestReasonsDialog:
    def test_shows_the_current_list(self, qtbot, demo_ctx: ServiceContext) -> None:
        dialog = ReasonsDialog(demo_ctx)
        qtbot.addWidget(dialog)
        assert dialog.labels() == list(REJECTION_REASONS)

    def test_add_move_remove_and_save(self, qtbot, demo_ctx: ServiceContext) -> None:
        dialog = ReasonsDialog(demo_ctx)
        qtbot.addWidget(dialog)
        qtbot.keyClicks(dialog.new_reason, "No right to work")
        dialog.add_button.click()
        assert dialog.new_reason.text() == ""
        dialog.up_button.click()  # the new one is selected: it moves above the last
        dialog.list.setCurrentRow(0)
        dialog.remove_button.click()
        expected = [*REJECTION_REASONS[1:-1], "No right to work", REJECTION_REASONS[-1]]
        assert dialog.labels() == expected
        _save(dialog)
        assert dialog.result() == ReasonsDialog.DialogCode.Accepted
        assert list_rejection_reasons(demo_ctx) == expected
        [entry] = _audit(demo_ctx, "rejection_reasons.set")
        assert entry.after == {"labels": expected}
        assert dialog.all_changes().touches(ChangeKind.REJECTION_REASONS)

    def test_duplicates_are_refused_inline(self, qtbot, demo_ctx: ServiceContext) -> None:
        dialog = ReasonsDialog(demo_ctx)
        qtbot.addWidget(dialog)
        qtbot.keyClicks(dialog.new_reason, REJECTION_REASONS[0].upper())
        dialog.add_button.click()
        _save(dialog)
        assert "listed twice" in dialog.error_text("labels")
        assert dialog.result() == 0
        dialog.remove_button.click()  # the duplicate is the selected row
        assert dialog.error_text("labels") == ""  # rechecked as the list changes
        assert list_rejection_reasons(demo_ctx) == list(REJECTION_REASONS)
        assert _audit(demo_ctx, "rejection_reasons.set") == []


def test_the_jobs_list_finds_and_shows_the_reference(section: JobsSection, demo_ctx) -> None:
    job = _job_with(demo_ctx, JobStatus.OPEN)
    _set_reference(demo_ctx, job.id, "REQ-2026-014")
    section.reload()
    section.search.setText("req-2026-014")
    assert section.proxy.rowCount() == 1
    index = section.proxy.index(0, 0)
    assert section.proxy.data(index, ROW_ROLE).id == job.id
    assert section.proxy.data(index, Qt.ItemDataRole.ToolTipRole).endswith(
        "\nReference REQ-2026-014"
    )
