"""Best matches for a job: the ranked candidates with their score and reasons, and "Add to
job…" for the selection (at the job's first stage, source "Best matches")."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.candidates.bulk import add_to_job
from app.services.candidates.matching import Match, best_matches, first_stage, job_heading
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import Changes, NotFoundError, ValidationError
from app.ui.table_model import ColumnTableModel

SOURCE = "Best matches"
COLUMNS = ("Score", "Name", "Current title", "Location", "Why")
_Index = QModelIndex | QPersistentModelIndex


class MatchesModel(ColumnTableModel):
    COLUMNS = COLUMNS

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.rows: list[Match] = []

    def set_rows(self, rows: list[Match]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        match = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values = (
                f"{match.score:.0f}",
                match.name,
                match.current_title or "",
                match.location or "",
                " · ".join(match.reasons),
            )
            return values[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.UserRole:
            return match.candidate_id
        return None


class BestMatchesDialog(QDialog):
    changes_made = Signal(object)  # Changes, after each addition
    open_profile = Signal(int)

    def __init__(
        self, services: ServiceContext, job_id: int, parent: QWidget | None = None, limit: int = 50
    ):
        super().__init__(parent)
        self.services = services
        self.job_id = job_id
        self.limit = limit
        self._changes: list[Changes] = []
        self.setWindowTitle("Best matches")
        self.resize(920, 560)
        layout = QVBoxLayout(self)
        self.heading = QLabel(f"Best matches for {job_heading(services, job_id)}")
        self.heading.setProperty("role", "title")
        layout.addWidget(self.heading)
        self.model = MatchesModel(self)
        self.table = QTableView()
        self.table.setObjectName("matchesTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((60, 180, 200, 150)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(self._open_profile)
        layout.addWidget(self.table, 1)
        self.message = QLabel()
        self.message.setObjectName("matchesMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add to job…")
        self.add_button.setObjectName("addToJob")
        self.add_button.clicked.connect(self.add_selected)
        row.addWidget(self.add_button)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row.addWidget(buttons)
        layout.addLayout(row)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_enabled())
        self.reload()

    def reload(self) -> None:
        try:
            rows = best_matches(self.services, self.job_id, self.limit)
        except NotFoundError as exc:
            rows = []
            self.message.setText(str(exc))
        self.model.set_rows(rows)
        if not rows and not self.message.text():
            self.message.setText("No candidate shares a skill or title with this job yet.")
        self._update_enabled()

    def selected_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.model.rows[row].candidate_id for row in rows]

    def _update_enabled(self) -> None:
        self.add_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def add_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        try:
            stage_id, _name = first_stage(self.services, self.job_id)
            result = add_to_job(self.services, ids, self.job_id, stage_id, SOURCE)
        except (ValidationError, NotFoundError) as exc:
            text = " ".join(exc.errors.values()) if isinstance(exc, ValidationError) else str(exc)
            self.message.setText(text)
            return
        self.message.setText(result.value.message)  # type: ignore[attr-defined]
        self._changes.append(result.changes)
        if result.changes.ids:
            self.changes_made.emit(result.changes)
        self.reload()  # those added are now on the job, so no longer offered

    def all_changes(self) -> Changes:
        merged = Changes()
        for changes in self._changes:
            merged = merged | changes
        return merged

    def _open_profile(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_profile.emit(self.model.rows[index.row()].candidate_id)
