"""Stage set-up for one job: add, rename, order, time and remove its stages.

Every button saves at once (each is its own audited transaction); the dialog collects what
changed so that its caller can broadcast it when the dialog closes (`all_changes`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.core.changes import Changes
from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.pipeline.jobs import get_job
from app.services.pipeline.stage_templates import save_template_from_job
from app.services.pipeline.stages import (
    KIND_LABELS,
    MAX_SLA_DAYS,
    MAX_STAGE_NAME,
    REQUIRED_KINDS,
    StageInput,
    StageRow,
    add_stage,
    list_stages,
    remove_stage,
    rename_stage,
    reorder_stages,
    set_stage_sla,
)
from app.store.enums import StageKind
from app.ui.dialogs.form import FormDialog

STAGE_ROLE = Qt.ItemDataRole.UserRole + 1
T = TypeVar("T")


def _sla_spin() -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, MAX_SLA_DAYS)
    spin.setSpecialValueText("No SLA")  # shown for 0, saved as none
    spin.setSuffix(" days")
    return spin


def stage_label(row: StageRow) -> str:
    parts = [KIND_LABELS[row.kind]]
    parts.append("1 application" if row.applications == 1 else f"{row.applications} applications")
    if row.sla_days:
        parts.append(f"SLA {row.sla_days} d")
    return f"{row.name}  —  {' · '.join(parts)}"


class AddStageDialog(FormDialog):
    """Name, kind, SLA and place of a new stage."""

    def __init__(
        self,
        services: ServiceContext,
        job_id: int,
        stages: list[StageRow],
        after_id: int | None,
        parent: QWidget | None = None,
    ):
        super().__init__("Add stage", parent)
        self.services = services
        self.job_id = job_id
        self.name = self.add_field("name", "Name", QLineEdit(), required=True)
        self.name.setPlaceholderText(f"e.g. Reference check (at most {MAX_STAGE_NAME} characters)")
        self.kind = self.add_field("kind", "Kind", QComboBox())
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(label, kind)
        self.after = self.add_field("after_stage_id", "After", QComboBox())
        self.after.addItem("After the last stage of its kind", None)
        for stage in stages:
            self.after.addItem(stage.name, stage.id)
        self.after.setCurrentIndex(max(self.after.findData(after_id), 0))
        self.sla = self.add_field("sla_days", "SLA", _sla_spin())
        self.watch(self.name.textChanged)

    def collect(self) -> StageInput:
        return StageInput(self.name.text(), self.kind.currentData(), self.sla.value() or None)

    def save(self, data: StageInput) -> Outcome[int]:
        after = self.after.currentData()
        return add_stage(self.services, self.job_id, data.name, data.kind, after, data.sla_days)


class RenameStageDialog(FormDialog):
    def __init__(self, services: ServiceContext, stage: StageRow, parent: QWidget | None = None):
        super().__init__(f"Rename “{stage.name}”", parent)
        self.services = services
        self.stage = stage
        self.name = self.add_field("name", "Name", QLineEdit(stage.name), required=True)
        self.name.selectAll()
        self.watch(self.name.textChanged)

    def collect(self) -> StageInput:
        return StageInput(self.name.text(), self.stage.kind, self.stage.sla_days)

    def save(self, data: StageInput) -> Outcome[int]:
        return rename_stage(self.services, self.stage.id, data.name)


@dataclass(frozen=True)
class _Receiver:
    stage_id: int | None

    def validate(self) -> dict[str, str]:
        if self.stage_id is None:
            return {"move_to_stage_id": "Choose the stage that receives its applications."}
        return {}


class RemoveStageDialog(FormDialog):
    """Which stage receives the applications of the stage being removed."""

    def __init__(
        self,
        services: ServiceContext,
        stage: StageRow,
        stages: list[StageRow],
        parent: QWidget | None = None,
    ):
        super().__init__(f"Remove “{stage.name}”", parent)
        self.services = services
        self.stage = stage
        count = stage.applications
        what = "its application" if count == 1 else f"its {count} applications"
        self.target = self.add_field("move_to_stage_id", f"Move {what} to", QComboBox())
        others = [s for s in stages if s.id != stage.id]
        for other in others:
            self.target.addItem(other.name, other.id)
        # The stage just before it by default: where its candidates came from.
        earlier = [i for i, s in enumerate(others) if s.position < stage.position]
        self.target.setCurrentIndex(earlier[-1] if earlier else 0)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Remove")

    def collect(self) -> _Receiver:
        return _Receiver(self.target.currentData())

    def save(self, data: _Receiver) -> Outcome[int]:
        assert data.stage_id is not None  # validated
        return remove_stage(self.services, self.stage.id, data.stage_id)


class StageSetupDialog(QDialog):
    """The stages of one job, changed one saved step at a time."""

    def __init__(self, services: ServiceContext, job_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.job_id = job_id
        self.job = get_job(services, job_id)
        self.changes: list[Changes] = []
        self.rows: list[StageRow] = []
        self._sla_stage_id: int | None = None
        self.setWindowTitle(f"Stages — {self.job.title}")
        self.setModal(True)
        self.setMinimumSize(560, 460)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(10)
        heading = QLabel(f"Stages of {self.job.title}")
        heading.setProperty("role", "title")
        heading.setWordWrap(True)
        note = QLabel(f"{self.job.client_name} · each change is saved as you make it")
        note.setProperty("role", "muted")
        layout.addWidget(heading)
        layout.addWidget(note)

        body = QHBoxLayout()
        self.list = QListWidget()
        self.list.setObjectName("stageList")
        self.list.currentRowChanged.connect(self._selection_changed)
        body.addWidget(self.list, 1)
        column = QVBoxLayout()
        self.add_button = QPushButton("Add…")
        self.rename_button = QPushButton("Rename…")
        self.up_button = QPushButton("Move up")
        self.down_button = QPushButton("Move down")
        self.remove_button = QPushButton("Remove…")
        for button in (
            self.add_button,
            self.rename_button,
            self.up_button,
            self.down_button,
            self.remove_button,
        ):
            column.addWidget(button)
        column.addStretch(1)
        body.addLayout(column)
        layout.addLayout(body, 1)

        sla_row = QHBoxLayout()
        sla_row.addWidget(QLabel("SLA of the selected stage"))
        self.sla = _sla_spin()
        self.sla.setObjectName("sla")
        self.sla.setToolTip("How many days an application may wait in this stage.")
        sla_row.addWidget(self.sla)
        sla_row.addStretch(1)
        layout.addLayout(sla_row)

        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)

        bottom = QHBoxLayout()
        client = self.job.client_name.replace("&", "&&")  # a literal "&", not a shortcut
        self.template_button = QPushButton(f"Save as template for {client}")
        self.template_button.setToolTip(
            f"New jobs for {self.job.client_name} will start with these stages."
        )
        bottom.addWidget(self.template_button)
        bottom.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.accept)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)

        self.add_button.clicked.connect(self._add_clicked)
        self.rename_button.clicked.connect(self._rename_clicked)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        self.remove_button.clicked.connect(self._remove_clicked)
        self.sla.editingFinished.connect(self.apply_sla)
        self.template_button.clicked.connect(self.save_as_template)
        self.reload()

    # ---- state ------------------------------------------------------------------------------
    def all_changes(self) -> Changes:
        """Everything saved from this dialog, for the application's change broadcast."""
        merged = Changes()
        for changes in self.changes:
            merged = merged | changes
        return merged

    def reload(self, select_id: int | None = None) -> None:
        if select_id is None:
            select_id = self.selected_id()
        self.rows = list_stages(self.services, self.job_id)
        self.list.blockSignals(True)
        self.list.clear()
        for row in self.rows:
            item = QListWidgetItem(stage_label(row))
            item.setData(STAGE_ROLE, row)
            self.list.addItem(item)
        ids = [row.id for row in self.rows]
        self.list.setCurrentRow(ids.index(select_id) if select_id in ids else 0)
        self.list.blockSignals(False)
        self._selection_changed()

    def selected(self) -> StageRow | None:
        item = self.list.currentItem()
        return item.data(STAGE_ROLE) if item is not None else None

    def selected_id(self) -> int | None:
        row = self.selected()
        return row.id if row is not None else None

    def select_stage(self, name: str) -> None:
        for index, row in enumerate(self.rows):
            if row.name == name:
                self.list.setCurrentRow(index)
                return
        raise KeyError(name)

    def _selection_changed(self, *_args: Any) -> None:
        row = self.selected()
        index = self.list.currentRow()
        self.rename_button.setEnabled(row is not None)
        self.up_button.setEnabled(row is not None and index > 0)
        self.down_button.setEnabled(row is not None and index < len(self.rows) - 1)
        removable = row is not None and not self._only_of_required_kind(row)
        self.remove_button.setEnabled(removable)
        self.remove_button.setToolTip(
            ""
            if removable or row is None
            else f"A job needs a {KIND_LABELS[row.kind].lower()} stage; this is its only one."
        )
        self.sla.setEnabled(row is not None)
        self.sla.blockSignals(True)
        self.sla.setValue((row.sla_days or 0) if row is not None else 0)
        self.sla.blockSignals(False)
        self._sla_stage_id = row.id if row is not None else None

    def _only_of_required_kind(self, row: StageRow) -> bool:
        return row.kind in REQUIRED_KINDS and sum(r.kind is row.kind for r in self.rows) == 1

    def _show(self, text: str, error: bool) -> None:
        self.message.setProperty("role", "error" if error else "muted")
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def message_text(self) -> str:
        return self.message.text() if not self.message.isHidden() else ""

    def _run(self, action: Callable[..., Outcome[T]], *args: Any) -> Outcome[T] | None:
        """Call a use case; keep what it changed, or show why it was refused."""
        try:
            result = action(self.services, *args)
        except ValidationError as exc:
            self._show(" ".join(exc.errors.values()), error=True)
            return None
        except NotFoundError as exc:
            self._show(str(exc), error=True)
            self.reload()
            return None
        self.changes.append(result.changes)
        self._show("", error=False)
        return result

    def _keep(self, dialog: FormDialog) -> bool:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        self.changes.append(dialog.all_changes())
        return accepted

    # ---- actions (each saves at once) -------------------------------------------------------
    def add(
        self,
        name: str,
        kind: StageKind = StageKind.ACTIVE,
        after_stage_id: int | None = None,
        sla_days: int | None = None,
    ) -> bool:
        result = self._run(add_stage, self.job_id, name, kind, after_stage_id, sla_days)
        if result is not None:
            self.reload(result.value)
        return result is not None

    def rename_selected(self, name: str) -> bool:
        row = self.selected()
        if row is None:
            return False
        result = self._run(rename_stage, row.id, name)
        self.reload(row.id)
        return result is not None

    def move_selected(self, delta: int) -> bool:
        row = self.selected()
        index = self.list.currentRow()
        target = index + delta
        if row is None or not 0 <= target < len(self.rows):
            return False
        order = [r.id for r in self.rows]
        order.insert(target, order.pop(index))
        result = self._run(reorder_stages, self.job_id, order)
        self.reload(row.id)
        return result is not None

    def remove_selected(self, move_to_stage_id: int) -> bool:
        row = self.selected()
        if row is None:
            return False
        result = self._run(remove_stage, row.id, move_to_stage_id)
        self.reload(move_to_stage_id if result is not None else row.id)
        return result is not None

    def apply_sla(self) -> bool:
        """Save the spin box's value for the stage it was showing (0 means no SLA)."""
        stage_id = self._sla_stage_id
        row = next((r for r in self.rows if r.id == stage_id), None)
        days = self.sla.value() or None
        if row is None or row.sla_days == days:
            return False
        result = self._run(set_stage_sla, row.id, days)
        self.reload(self.selected_id())
        return result is not None

    def save_as_template(self) -> bool:
        result = self._run(save_template_from_job, self.job_id)
        if result is not None:
            self._show(
                f"Saved: new jobs for {self.job.client_name} will start with these stages.",
                error=False,
            )
        return result is not None

    # ---- buttons that ask first -------------------------------------------------------------
    def _add_clicked(self) -> None:
        dialog = AddStageDialog(self.services, self.job_id, self.rows, self.selected_id(), self)
        if self._keep(dialog) and dialog.outcome is not None:
            self.reload(dialog.outcome.value)

    def _rename_clicked(self) -> None:
        row = self.selected()
        if row is not None and self._keep(RenameStageDialog(self.services, row, self)):
            self.reload(row.id)

    def _remove_clicked(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = RemoveStageDialog(self.services, row, self.rows, self)
        if self._keep(dialog):
            self.reload(dialog.collect().stage_id)
