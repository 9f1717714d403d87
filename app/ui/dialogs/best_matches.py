"""Best matches for a job: the ranked candidates with their score and reasons, and "Add to
job…" for the selection (at the job's first stage, source "Best matches").

Ranking takes a few hundred milliseconds on a large database, so it runs in the background
(as does the addition), with "Finding matches…" shown meanwhile."""

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
from app.services.core.changes import Changes
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.ui.background import BackgroundOps
from app.ui.table_model import ColumnTableModel

SOURCE = "Best matches"
FINDING = "Finding matches…"
ADDING = "Adding…"
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
        self.ops = BackgroundOps(self)
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
        self.status = QLabel()
        self.status.setObjectName("matchesStatus")
        self.status.setProperty("role", "muted")
        row.addWidget(self.status)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row.addWidget(buttons)
        layout.addLayout(row)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_enabled())
        self.reload()

    @property
    def busy(self) -> bool:
        """Whether matches are being found or candidates added."""
        return self.ops.busy()

    def reload(self) -> None:
        """Find the matches again, in the background."""
        services, job_id, limit = self.services, self.job_id, self.limit
        self.status.setText(FINDING)
        self._update_enabled()
        self.ops.query(
            "matches", lambda: best_matches(services, job_id, limit), self._found, self._not_found
        )

    def _found(self, rows: list[Match]) -> None:
        self.model.set_rows(rows)
        if not rows and not self.message.text():
            self.message.setText("No candidate shares a skill or title with this job yet.")
        self._settled()

    def _not_found(self, error: BaseException) -> None:
        self.model.set_rows([])
        if isinstance(error, NotFoundError):
            self.message.setText(str(error))
        else:
            self.message.setText(f"The matches could not be found: {error}")
        self._settled()

    def _settled(self) -> None:
        self.status.setText(ADDING if self.ops.busy("add") else "")
        self._update_enabled()

    def selected_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.model.rows[row].candidate_id for row in rows]

    def _update_enabled(self) -> None:
        chosen = bool(self.table.selectionModel().selectedRows())
        self.add_button.setEnabled(chosen and not self.busy)

    def add_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or self.busy:
            return
        services, job_id = self.services, self.job_id

        def add() -> Any:
            stage_id, _name = first_stage(services, job_id)
            return add_to_job(services, ids, job_id, stage_id, SOURCE)

        self.status.setText(ADDING)
        self.ops.write("add", add, self._added, self._not_added, self._publish)
        self._update_enabled()

    def _publish(self, changes: Changes) -> None:
        self._changes.append(changes)
        self.changes_made.emit(changes)

    def _added(self, result: Any) -> None:
        self.message.setText(result.value.message)
        self.reload()  # those added are now on the job, so no longer offered

    def _not_added(self, error: BaseException) -> None:
        if isinstance(error, ValidationError):
            self.message.setText(" ".join(error.errors.values()))
        elif isinstance(error, NotFoundError):
            self.message.setText(str(error))
        else:
            self.message.setText(f"Nothing was added: {error}")
        self._settled()

    def all_changes(self) -> Changes:
        merged = Changes()
        for changes in self._changes:
            merged = merged | changes
        return merged

    def _open_profile(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_profile.emit(self.model.rows[index.row()].candidate_id)
