"""A sequence's steps and the candidates going through it, with "Stop for this candidate".

Shown under the Campaigns and Sequences lists when a sequence is selected. A sequence can
hold thousands of enrolments: the rows are read once and handed to the view a page at a time.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.core.changes import Changes
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.engagement import sequences
from app.services.engagement.sequences import EnrollmentRow, enrollment_rows, stop_enrollment
from app.ui.campaigns.list_panel import list_table, local_time, status_value
from app.ui.table_model import ColumnTableModel

PAGE_SIZE = 200
ENROLLMENT_STATUS = {"active": "Active", "finished": "Finished", "stopped": "Stopped"}

_Index = QModelIndex | QPersistentModelIndex


def read_sequence(services: ServiceContext, campaign_id: int) -> sequences.SequenceInfo:
    """The sequence's name, job and ordered steps."""
    return sequences.sequence_detail(services, campaign_id)


class EnrollmentsModel(ColumnTableModel):
    """Every enrolment is read at once (plain rows); the view receives them page by page."""

    COLUMNS = ("Candidate", "Step", "Status", "Stop reason", "Enrolled", "Next email", "Sent")

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.all_rows: list[EnrollmentRow] = []

    def set_rows(self, rows: list[EnrollmentRow], keep: int = 0) -> None:
        self.beginResetModel()
        self.all_rows = rows
        self.rows = rows[: max(PAGE_SIZE, keep)]
        self.endResetModel()

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:
        return not parent.isValid() and len(self.rows) < len(self.all_rows)

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:
        if parent.isValid():
            return
        first = len(self.rows)
        page = self.all_rows[first : first + PAGE_SIZE]
        if not page:
            return
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self.rows.extend(page)
        self.endInsertRows()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row: EnrollmentRow = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        status = status_value(row)
        return (
            row.candidate_name,
            f"Step {min(row.next_step + 1, row.steps)} of {row.steps}"
            if status == "active"
            else f"{row.next_step} of {row.steps} queued",
            ENROLLMENT_STATUS.get(status, status),
            row.stop_reason or "",
            local_time(row.enrolled_at),
            local_time(row.next_due_at) if status == "active" else "",
            str(row.sent),
        )[index.column()]


class SequenceDetail(QWidget):
    """Steps on top, enrolments below; `show_sequence(None)` empties it."""

    changes_made = Signal(object)  # Changes
    notice = Signal(str)
    open_profile = Signal(int)  # candidate id: an enrolment double-clicked

    def __init__(self, services: ServiceContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.campaign_id: int | None = None
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)

        self.steps_title = QLabel("Steps")
        self.steps_title.setProperty("role", "heading")
        self.steps = QTableWidget(0, 3)
        self.steps.setObjectName("sequenceSteps")
        self.steps.setHorizontalHeaderLabels(["Step", "Day", "Template"])
        self.steps.verticalHeader().hide()
        self.steps.setShowGrid(False)
        self.steps.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.steps.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        steps_box = self.steps_box = QWidget()
        steps_column = QVBoxLayout(steps_box)
        steps_column.setContentsMargins(0, 0, 0, 0)
        steps_column.addWidget(self.steps_title)
        steps_column.addWidget(self.steps, 1)

        people = QWidget()
        people_column = QVBoxLayout(people)
        people_column.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.people_title = QLabel("Enrolled candidates")
        self.people_title.setProperty("role", "heading")
        self.stop_button = QPushButton("Stop for this candidate")
        self.stop_button.setObjectName("stopEnrollment")
        self.stop_button.setToolTip("No further emails of this sequence go to the selected people")
        top.addWidget(self.people_title, 1)
        top.addWidget(self.stop_button)
        self.model = EnrollmentsModel(self)
        self.enrollments = list_table(
            "sequenceEnrollments", self.model, (200, 110, 80, 150, 140, 140), multi=True
        )
        people_column.addLayout(top)
        people_column.addWidget(self.enrollments, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(steps_box)
        splitter.addWidget(people)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        column.addWidget(splitter, 1)
        self.stop_button.clicked.connect(self.stop_selected)
        self.enrollments.doubleClicked.connect(self._open_profile)
        self.enrollments.selectionModel().selectionChanged.connect(lambda *_a: self._update())
        self.model.modelReset.connect(self._update)
        self._update()

    def show_sequence(self, campaign_id: int | None) -> None:
        changed = campaign_id != self.campaign_id
        self.campaign_id = campaign_id
        if changed:
            self.model.set_rows([])
        self.reload()

    def reload(self) -> None:
        if self.campaign_id is None:
            self.steps.setRowCount(0)
            self.model.set_rows([])
            return
        chosen = set(self.selected_ids())
        try:
            detail = read_sequence(self.services, self.campaign_id)
            rows = enrollment_rows(self.services, self.campaign_id)
        except NotFoundError:
            self.campaign_id = None
            self.steps.setRowCount(0)
            self.model.set_rows([])
            return
        self.steps_box.setVisible(True)
        steps = list(detail.steps)
        self.steps.setRowCount(len(steps))
        for row, step in enumerate(steps):
            self.steps.setItem(row, 0, QTableWidgetItem(str(row + 1)))
            self.steps.setItem(row, 1, QTableWidgetItem(f"day {step.delay_days}"))
            self.steps.setItem(row, 2, QTableWidgetItem(step.template_name))
        self.steps_title.setText(f"Steps ({len(steps)})")
        self.model.set_rows(rows, keep=len(self.model.rows))
        active = sum(1 for row in rows if status_value(row) == "active")
        self.people_title.setText(f"Enrolled candidates · {len(rows):,} ({active:,} active)")
        selection = self.enrollments.selectionModel()
        for row, enrollment in enumerate(self.model.rows):
            if enrollment.id in chosen:
                selection.select(
                    self.model.index(row, 0),
                    selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
                )

    def _open_profile(self, index: QModelIndex) -> None:
        if index.isValid() and index.row() < len(self.model.rows):
            self.open_profile.emit(self.model.rows[index.row()].candidate_id)

    def selected_rows(self) -> list[EnrollmentRow]:
        rows = sorted({index.row() for index in self.enrollments.selectionModel().selectedRows()})
        return [self.model.rows[row] for row in rows if row < len(self.model.rows)]

    def selected_ids(self) -> list[int]:
        return [row.id for row in self.selected_rows()]

    def _update(self) -> None:
        active = any(status_value(row) == "active" for row in self.selected_rows())
        self.stop_button.setEnabled(active)

    def stop_selected(self) -> None:
        active = [row for row in self.selected_rows() if status_value(row) == "active"]
        if not active:
            return
        names = ", ".join(row.candidate_name for row in active[:3])
        if len(active) > 3:
            names += f" and {len(active) - 3:,} more"
        answer = QMessageBox.question(
            self,
            "Stop the sequence",
            f"Stop this sequence for {names}? No further emails of it will go to them.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        changes = Changes()
        stopped = 0
        for row in active:
            try:
                done = stop_enrollment(self.services, row.id)
            except (ValidationError, NotFoundError) as exc:
                self.notice.emit(str(exc))
                continue
            changes = changes | done.changes
            stopped += int(bool(done.value))
        self.reload()
        self.changes_made.emit(changes)
        self.notice.emit(
            f"Sequence stopped for {stopped:,} candidate{'s' if stopped != 1 else ''}."
        )
