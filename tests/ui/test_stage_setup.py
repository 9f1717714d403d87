"""The stage set-up dialog: each button saves at once and its changes are collected."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from sqlalchemy import func, select

from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.pipeline.jobs import JobStatus, list_jobs
from app.services.pipeline.stage_templates import get_client_template
from app.services.pipeline.stages import StageRow, list_stages
from app.store.models import Application, AuditEntry, StageKind, StageTally
from app.ui.dialogs.stage_setup import (
    AddStageDialog,
    RemoveStageDialog,
    RenameStageDialog,
    StageSetupDialog,
)
from app.ui.icons import IconProvider
from app.ui.sections.jobs import JobsSection


def _actions(ctx: ServiceContext) -> list[str]:
    with ctx.read() as session:
        return list(
            session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.action.like("stage.%") | AuditEntry.action.like("client.%"))
                .order_by(AuditEntry.id)
            )
        )


def _names(dialog: StageSetupDialog) -> list[str]:
    return [row.name for row in dialog.rows]


def _row(dialog: StageSetupDialog, name: str) -> StageRow:
    return next(row for row in dialog.rows if row.name == name)


def _when_shown(kind: type, act: Callable[[object], None]) -> None:
    """Run ``act`` on the modal dialog of type ``kind`` once it is open; a failed check
    still closes the dialog, so the test fails instead of waiting forever."""

    def attempt() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(20, attempt)
            return
        try:
            act(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(50, attempt)


def _save(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


@pytest.fixture
def job_id(demo_ctx: ServiceContext) -> int:
    """An open demo job with applications in Screened."""
    return next(
        job.id
        for job in list_jobs(demo_ctx, (JobStatus.OPEN,))
        if (job.count_for("Screened") or 0) >= 2
    )


@pytest.fixture
def dialog(qtbot, demo_ctx: ServiceContext, job_id: int) -> StageSetupDialog:
    made = StageSetupDialog(demo_ctx, job_id)
    qtbot.addWidget(made)
    return made


def test_lists_the_stages_with_counts(dialog: StageSetupDialog, demo_ctx, job_id: int):
    rows = list_stages(demo_ctx, job_id)
    assert dialog.list.count() == len(rows) == 7
    screened = _row(dialog, "Screened")
    assert f"{screened.applications} applications" in dialog.list.item(1).text()
    assert dialog.list.currentRow() == 0
    assert not dialog.up_button.isEnabled() and dialog.down_button.isEnabled()
    assert dialog.all_changes().ids == {}


def test_add_through_its_dialog(qtbot, dialog: StageSetupDialog, demo_ctx, job_id: int):
    dialog.select_stage("Screened")

    def fill(add: AddStageDialog) -> None:
        _save(add)  # no name: refused inline, the dialog stays open
        assert add.error_text("name") == "Stage name is required."
        qtbot.keyClicks(add.name, "screened")
        _save(add)  # a duplicate, as the service sees it
        assert "already has a stage" in add.error_text("name")
        add.name.clear()
        qtbot.keyClicks(add.name, "Trade test")
        add.sla.setValue(3)
        _save(add)

    _when_shown(AddStageDialog, fill)
    dialog.add_button.click()
    assert _names(dialog)[:4] == ["Applied", "Screened", "Trade test", "Interviewed"]
    added = _row(dialog, "Trade test")
    assert (added.sla_days, added.kind) == (3, StageKind.ACTIVE)
    assert dialog.selected_id() == added.id
    assert _actions(demo_ctx) == ["stage.create"]
    assert dialog.all_changes().ids == {ChangeKind.STAGES: {added.id}, ChangeKind.JOBS: {job_id}}


def test_rename_through_its_dialog(qtbot, dialog: StageSetupDialog, demo_ctx):
    dialog.select_stage("Offered")
    stage_id = dialog.selected_id()

    def fill(rename: RenameStageDialog) -> None:
        assert rename.name.text() == "Offered"
        rename.name.setText("Offer made")
        _save(rename)

    _when_shown(RenameStageDialog, fill)
    dialog.rename_button.click()
    assert "Offer made" in _names(dialog)
    assert dialog.selected_id() == stage_id
    assert _actions(demo_ctx) == ["stage.rename"]


def test_rename_refusal_is_shown(dialog: StageSetupDialog, demo_ctx):
    dialog.select_stage("Offered")
    assert not dialog.rename_selected("Hired")
    assert "already has a stage" in dialog.message_text()
    assert "Offered" in _names(dialog)
    assert _actions(demo_ctx) == []
    assert dialog.all_changes().ids == {}


def test_move_buttons(dialog: StageSetupDialog, demo_ctx, job_id: int):
    dialog.select_stage("Applied")
    dialog.down_button.click()
    assert _names(dialog)[:2] == ["Screened", "Applied"]
    assert dialog.selected().name == "Applied"  # the moved stage stays selected
    assert dialog.up_button.isEnabled()
    dialog.up_button.click()
    assert _names(dialog)[:2] == ["Applied", "Screened"]
    assert not dialog.up_button.isEnabled()
    assert [row.name for row in list_stages(demo_ctx, job_id)] == _names(dialog)
    assert _actions(demo_ctx) == ["stage.reorder", "stage.reorder"]
    dialog.select_stage("Withdrawn")
    assert not dialog.down_button.isEnabled()


def test_sla_is_saved_when_editing_finishes(dialog: StageSetupDialog, demo_ctx, job_id: int):
    dialog.select_stage("Interviewed")
    assert _row(dialog, "Interviewed").sla_days == 10  # as the demo generator sets it
    dialog.sla.setValue(12)
    dialog.sla.editingFinished.emit()
    assert _row(dialog, "Interviewed").sla_days == 12
    dialog.sla.setValue(0)  # "No SLA"
    dialog.sla.editingFinished.emit()
    assert _row(dialog, "Interviewed").sla_days is None
    dialog.sla.editingFinished.emit()  # nothing changed: nothing saved
    assert _actions(demo_ctx) == ["stage.sla", "stage.sla"]
    assert dialog.sla.specialValueText() == "No SLA"


def test_remove_moves_the_applications(qtbot, dialog: StageSetupDialog, demo_ctx, job_id: int):
    dialog.select_stage("Screened")
    screened = _row(dialog, "Screened")
    applied = _row(dialog, "Applied")

    def confirm(remove: RemoveStageDialog) -> None:
        assert remove.target.currentText() == "Applied"  # the stage before it
        assert [remove.target.itemText(i) for i in range(remove.target.count())] == [
            name for name in _names(dialog) if name != "Screened"
        ]
        label = remove.form.itemAt(0, remove.form.ItemRole.LabelRole).widget().text()
        assert label == f"Move its {screened.applications} applications to"
        _save(remove)

    _when_shown(RemoveStageDialog, confirm)
    dialog.remove_button.click()
    assert "Screened" not in _names(dialog)
    assert _row(dialog, "Applied").applications == applied.applications + screened.applications
    assert dialog.selected_id() == applied.id
    with demo_ctx.read() as session:  # the trigger-kept tally agrees with a real count
        tally = session.scalar(
            select(StageTally.applications).where(StageTally.stage_id == applied.id)
        )
        counted = session.scalar(
            select(func.count()).select_from(Application).where(Application.stage_id == applied.id)
        )
    assert tally == counted == _row(dialog, "Applied").applications
    assert _actions(demo_ctx) == ["stage.delete"]
    changes = dialog.all_changes()
    assert changes.touches(ChangeKind.APPLICATIONS, ChangeKind.STAGES, ChangeKind.JOBS)
    assert len(changes.ids[ChangeKind.APPLICATIONS]) == screened.applications


def test_only_stage_of_a_required_kind_cannot_be_removed(dialog: StageSetupDialog, demo_ctx):
    dialog.select_stage("Hired")
    assert not dialog.remove_button.isEnabled()
    assert "only one" in dialog.remove_button.toolTip()
    # The service has the last word even if asked directly.
    assert not dialog.remove_selected(_row(dialog, "Offered").id)
    assert "only hired stage" in dialog.message_text()
    assert "Hired" in _names(dialog)
    dialog.select_stage("Withdrawn")
    assert dialog.remove_button.isEnabled()
    assert _actions(demo_ctx) == []


def test_save_as_template(dialog: StageSetupDialog, demo_ctx, job_id: int):
    dialog.add("Trade test", StageKind.ACTIVE, sla_days=4)
    client = dialog.job.client_name
    assert dialog.template_button.text() == f"Save as template for {client.replace('&', '&&')}"
    dialog.template_button.click()
    assert "will start with these stages" in dialog.message_text()
    template = get_client_template(demo_ctx, dialog.job.client_id)
    assert [step.name for step in template] == _names(dialog)
    assert _actions(demo_ctx) == ["stage.create", "client.template.save"]
    assert dialog.all_changes().touches(ChangeKind.STAGE_TEMPLATES, ChangeKind.STAGES)


def test_closing_publishes_everything_from_the_jobs_section(
    qtbot, demo_ctx: ServiceContext, icons: IconProvider, job_id: int
):
    section = JobsSection(demo_ctx, icons)
    qtbot.addWidget(section)
    section.select_job(job_id)

    def work(dialog: StageSetupDialog) -> None:
        dialog.add("Trade test")
        dialog.select_stage("Withdrawn")
        dialog.sla.setValue(5)
        dialog.sla.editingFinished.emit()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Close).click()

    _when_shown(StageSetupDialog, work)
    with qtbot.waitSignal(section.changes_made) as signal:
        section.stages_action.trigger()
    changes = signal.args[0]
    assert changes.ids[ChangeKind.JOBS] == {job_id}
    assert len(changes.ids[ChangeKind.STAGES]) == 2  # the new stage and Withdrawn
