"""Create a drip sequence or change its steps: ordered emails, each some days after enrolment.

The days count from the day a candidate is enrolled (day 0, day 3, day 10…), so they must
never go back; the dialog says so under the steps as the recruiter edits them, and the
service checks the same rules again when saving — and the templates against the sequence's
job: a save is refused with every step that could not be sent listed (its template marked),
and the Job selector marked when the steps use fields of a job and none is chosen.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.core.context import Outcome, ServiceContext
from app.services.engagement.sequences import (
    MAX_DELAY_DAYS,
    MAX_STEPS,
    SequenceStepInput,
    create_sequence,
    update_steps,
)
from app.services.engagement.templates import list_templates
from app.services.pipeline.jobs import list_jobs
from app.store.enums import JobStatus
from app.ui.campaigns.sequence_detail import read_sequence
from app.ui.dialogs.form import FormDialog
from app.ui.theme import set_invalid

DAY_COLUMN, TEMPLATE_COLUMN = 1, 2
DEFAULT_GAP_DAYS = 3  # a new step's day, after the last one
_STEP_NUMBER = re.compile(r"Step (\d+)\b")


@dataclass
class SequenceDraft:
    """What the dialog holds: checked here for what the recruiter can fix on the spot."""

    name: str
    steps: list[SequenceStepInput] = field(default_factory=list)
    job_id: int | None = None

    def validate(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if not " ".join(self.name.split()):
            errors["name"] = "Name the sequence."
        problem = steps_problem(self.steps)
        if problem:
            errors["steps"] = problem
        return errors


def steps_problem(steps: list[SequenceStepInput]) -> str:
    """The first thing wrong with ``steps`` as a schedule ('' when it is fine)."""
    if not steps:
        return "Add at least one step."
    if len(steps) > MAX_STEPS:
        return f"At most {MAX_STEPS} steps."
    for number, step in enumerate(steps, start=1):
        if step.template_id is None or step.template_id <= 0:
            return f"Step {number}: choose a template."
    for number in range(2, len(steps) + 1):
        earlier, later = steps[number - 2].delay_days, steps[number - 1].delay_days
        if later < earlier:
            return (
                f"Step {number} is on day {later}, before step {number - 1} (day {earlier}): "
                "each step's day must be the same as or later than the step before."
            )
    return ""


class StepsEditor(QWidget):
    """The ordered steps: a day and a template per row; add, remove, move up and down."""

    def __init__(self, templates: list[tuple[int, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.templates = templates  # (id, name) of the templates a step may use
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("stepsTable")
        self.table.setHorizontalHeaderLabels(["Step", "Day", "Template"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(DAY_COLUMN, 110)
        # Room for the spin box and combo box in each row, whatever the style's metrics.
        row_height = max(QSpinBox().sizeHint().height(), QComboBox().sizeHint().height()) + 8
        self.table.verticalHeader().setDefaultSectionSize(row_height)
        self.table.setMinimumHeight(row_height * 4 + 32)
        column.addWidget(self.table)

        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add step")
        self.add_button.setObjectName("addStep")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removeStep")
        self.up_button = QPushButton("Move up")
        self.up_button.setObjectName("moveStepUp")
        self.down_button = QPushButton("Move down")
        self.down_button.setObjectName("moveStepDown")
        for button in (self.up_button, self.down_button):
            button.setToolTip("Moves the email; the days stay in order (day 0, day 3, …).")
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.schedule = QLabel()
        self.schedule.setObjectName("stepsSchedule")
        self.schedule.setProperty("role", "muted")
        self.schedule.setWordWrap(True)
        column.addWidget(self.schedule)

        self.add_button.clicked.connect(lambda: self.add_step())
        self.remove_button.clicked.connect(self.remove_selected)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._listeners: list[Any] = []
        self._update_buttons()

    # ---- reading and writing rows ------------------------------------------------------------
    def on_edited(self, callback: Any) -> None:
        """Call ``callback`` after any change to the steps (for live validation)."""
        self._listeners.append(callback)

    def _edited(self) -> None:
        self._renumber()
        self._update_buttons()
        self._show_schedule()
        for callback in self._listeners:
            callback()

    def day_box(self, row: int) -> QSpinBox:
        return self.table.cellWidget(row, DAY_COLUMN)  # type: ignore[return-value]

    def template_box(self, row: int) -> QComboBox:
        return self.table.cellWidget(row, TEMPLATE_COLUMN)  # type: ignore[return-value]

    def steps(self) -> list[SequenceStepInput]:
        return [
            SequenceStepInput(
                template_id=self.template_box(row).currentData() or 0,
                delay_days=self.day_box(row).value(),
            )
            for row in range(self.table.rowCount())
        ]

    def add_step(
        self, template_id: int | None = None, day: int | None = None, name: str | None = None
    ) -> int:
        """Append a step (default: the first template, a few days after the last step).
        ``name`` labels a template no longer offered (archived since it was chosen)."""
        if self.table.rowCount() >= MAX_STEPS:
            return -1
        row = self.table.rowCount()
        if day is None:
            day = self.day_box(row - 1).value() + DEFAULT_GAP_DAYS if row else 0
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(str(row + 1)))
        days = QSpinBox()
        days.setObjectName(f"stepDay{row}")
        days.setRange(0, MAX_DELAY_DAYS)
        days.setPrefix("day ")
        days.setValue(min(day, MAX_DELAY_DAYS))
        days.setToolTip("Days after the candidate is enrolled")
        templates = QComboBox()
        templates.setObjectName(f"stepTemplate{row}")
        if not self.templates:
            templates.addItem("No templates yet: create one in Templates", None)
        for key, name in self.templates:
            templates.addItem(name, key)
        if template_id is not None:
            index = templates.findData(template_id)
            if index < 0:  # archived since it was chosen: it stays usable in this step
                label = f"{name} (archived)" if name else f"Template #{template_id}"
                templates.addItem(label, template_id)
                index = templates.count() - 1
            templates.setCurrentIndex(index)
        self.table.setCellWidget(row, DAY_COLUMN, days)
        self.table.setCellWidget(row, TEMPLATE_COLUMN, templates)
        days.valueChanged.connect(lambda _v: self._edited())
        templates.currentIndexChanged.connect(lambda _i: self._edited())
        self.table.selectRow(row)
        self._edited()
        return row

    def selected_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def remove_selected(self) -> None:
        row = self.selected_row()
        if row < 0:
            return
        self.table.removeRow(row)
        if self.table.rowCount():
            self.table.selectRow(min(row, self.table.rowCount() - 1))
        self._edited()

    def move_selected(self, offset: int) -> None:
        """Swap the selected step's template with its neighbour's; the days keep their place."""
        row = self.selected_row()
        other = row + offset
        if row < 0 or not 0 <= other < self.table.rowCount():
            return
        first, second = self.template_box(row), self.template_box(other)
        a, b = first.currentIndex(), second.currentIndex()
        if first.count() != second.count():  # a row showing an unavailable template
            a_id, b_id = first.currentData(), second.currentData()
            first.setCurrentIndex(max(first.findData(b_id), 0))
            second.setCurrentIndex(max(second.findData(a_id), 0))
        else:
            first.setCurrentIndex(b)
            second.setCurrentIndex(a)
        self.table.selectRow(other)
        self._edited()

    # ---- feedback ----------------------------------------------------------------------------
    def _renumber(self) -> None:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None:
                item.setText(str(row + 1))
            self.day_box(row).setObjectName(f"stepDay{row}")
            self.template_box(row).setObjectName(f"stepTemplate{row}")

    def mark_out_of_order(self) -> None:
        """Flag each day earlier than the step before it."""
        previous = 0
        for row in range(self.table.rowCount()):
            box = self.day_box(row)
            set_invalid(box, box.value() < previous)
            previous = max(previous, box.value())

    def _show_schedule(self) -> None:
        self.mark_out_of_order()
        days = [step.delay_days for step in self.steps()]
        if not days:
            self.schedule.setText("No steps yet.")
            return
        listed = ", ".join(str(day) for day in days[:-1])
        when = f"days {listed} and {days[-1]}" if len(days) > 1 else f"day {days[0]}"
        emails = f"{len(days)} email{'s' if len(days) != 1 else ''}"
        self.schedule.setText(
            f"{emails}, sent on {when} after a candidate is enrolled. "
            "A reply, an unsubscribe or a stage change stops the sequence for that candidate."
        )

    def mark_templates(self, rows: set[int]) -> None:
        """Flag the template of each step in ``rows`` (0-based) as not sendable."""
        for row in range(self.table.rowCount()):
            set_invalid(self.template_box(row), row in rows)

    def _update_buttons(self) -> None:
        row, count = self.selected_row(), self.table.rowCount()
        self.add_button.setEnabled(count < MAX_STEPS)
        self.remove_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)


class SequenceEditorDialog(FormDialog):
    """New sequence (``campaign_id`` None) or the steps of an existing one."""

    def __init__(
        self,
        services: ServiceContext,
        campaign_id: int | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__("New sequence" if campaign_id is None else "Edit sequence", parent)
        self.services = services
        self.campaign_id = campaign_id
        self.setMinimumWidth(620)
        templates = [(row.id, row.name) for row in list_templates(services)]
        existing = None
        if campaign_id is not None:
            existing = read_sequence(services, campaign_id)

        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Warm intro for silver medalists")
        self.add_field("name", "Name", self.name, required=True)
        self.job = QComboBox()
        self.job.addItem("No job", None)
        for job in list_jobs(services, (JobStatus.OPEN, JobStatus.ON_HOLD)):
            self.job.addItem(f"{job.title} — {job.client_name}", job.id)
        self.job.setToolTip(
            "For candidates with an application to this job, a stage change stops the sequence."
        )
        self.add_field("job_id", "Job", self.job)
        self.editor = StepsEditor(templates)
        self.add_field("steps", "Steps", self.editor, required=True)
        self.editor.on_edited(self._recheck)

        if existing is not None:
            self.name.setText(existing.name)
            self.name.setReadOnly(True)
            self.name.setToolTip("A sequence's name is set when it is created.")
            if existing.job_id is not None:
                index = self.job.findData(existing.job_id)
                if index < 0:
                    label = existing.job_title or f"Job #{existing.job_id}"
                    self.job.addItem(label, existing.job_id)
                    index = self.job.count() - 1
                self.job.setCurrentIndex(index)
            self.job.setEnabled(False)
            for step in existing.steps:
                self.editor.add_step(step.template_id, step.delay_days, step.template_name)
            if existing.enrolled:
                going = (
                    "1 candidate is"
                    if existing.enrolled == 1
                    else f"{existing.enrolled:,} candidates are"
                )
                note = QLabel(
                    f"{going} going through this sequence: they carry on from the step they "
                    "reached, at its new day."
                )
                note.setProperty("role", "muted")
                note.setWordWrap(True)
                self.layout().insertWidget(self.layout().count() - 2, note)
        else:
            self.editor.add_step()
        self.watch(self.name.textChanged)

    def show_errors(self, errors: Mapping[str, str], focus_first: bool = False) -> None:
        """As the form does, with the templates' problems as a list under a heading and the
        template of each step named in it marked."""
        shown = dict(errors)
        lines = [line for line in shown.pop("templates", "").splitlines() if line]
        if lines:
            listed = "\n".join(f"• {line}" for line in lines)
            shown["templates"] = f"These steps cannot be sent as they are:\n{listed}"
        super().show_errors(shown, focus_first)
        named = {int(found.group(1)) - 1 for line in lines if (found := _STEP_NUMBER.match(line))}
        self.editor.mark_templates(named)

    def collect(self) -> SequenceDraft:
        return SequenceDraft(
            name=self.name.text(), steps=self.editor.steps(), job_id=self.job.currentData()
        )

    def save(self, data: SequenceDraft) -> Outcome[int]:
        if self.campaign_id is None:
            return create_sequence(self.services, data.name, data.steps, data.job_id)
        return update_steps(self.services, self.campaign_id, data.steps)
