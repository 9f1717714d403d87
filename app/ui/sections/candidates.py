"""The Candidates section: everyone the agency has ever seen, loaded a page at a time."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QPushButton,
    QTableView,
    QWidget,
)

from app.services.candidates import CandidateRow, candidate_page, count_candidates
from app.services.context import ServiceContext
from app.services.unit_of_work import Changes
from app.ui.icons import IconProvider
from app.ui.widgets import SectionHeader, section_layout

COLUMNS = ("Name", "Current title", "Employer", "Location", "Email", "Source", "Added")
PAGE_SIZE = 200
# Columns the database can order by without scanning: name, and newest first.
SORTABLE = {0: "name", 6: "recent"}

_Index = QModelIndex | QPersistentModelIndex


class CandidateListModel(QAbstractTableModel):
    """Lazy table over all candidates: `fetchMore` pulls the next page as the view scrolls."""

    def __init__(self, services: ServiceContext, parent: Any = None):
        super().__init__(parent)
        self.services = services
        self.order = "name"
        self.rows: list[CandidateRow] = []
        self.total = 0

    def reload(self) -> None:
        self.beginResetModel()
        self.total = count_candidates(self.services)
        self.rows = candidate_page(self.services, 0, PAGE_SIZE, self.order)
        self.endResetModel()

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:
        if parent.isValid():
            return
        page = candidate_page(self.services, len(self.rows), PAGE_SIZE, self.order)
        if not page:
            self.total = len(self.rows)
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self.rows.extend(page)
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        wanted = SORTABLE.get(column)
        if wanted and wanted != self.order:
            self.order = wanted
            self.reload()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            values = (
                row.name,
                row.current_title,
                row.current_employer,
                row.location,
                row.email,
                row.source,
                row.created_at.astimezone().strftime("%Y-%m-%d"),
            )
            return values[index.column()] or ""
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None


class CandidatesSection(QWidget):
    new_candidate_requested = Signal()
    duplicates_requested = Signal()

    def __init__(
        self, services: ServiceContext, icons: IconProvider, parent: QWidget | None = None
    ):
        super().__init__(parent)
        layout = section_layout(self)
        self.header = SectionHeader("Candidates", "")
        new_candidate = QPushButton(
            icons.get("user-plus", icons.palette.accent_text), "New candidate"
        )
        new_candidate.setProperty("role", "primary")
        new_candidate.clicked.connect(self.new_candidate_requested)
        duplicates = QPushButton("Possible duplicates…")
        duplicates.setObjectName("duplicatesButton")
        duplicates.clicked.connect(self.duplicates_requested)
        self.header.add_action(duplicates)
        self.header.add_action(new_candidate)
        layout.addWidget(self.header)
        self.model = CandidateListModel(services, self)
        self.table = QTableView()
        self.table.setObjectName("candidatesTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(32)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        for column, width in enumerate((200, 220, 180, 150, 240, 120)):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)
        self.reload()

    def reload(self) -> None:
        self.model.reload()
        self.header.subtitle.setText(
            f"{self.model.total:,} candidates · click Name or Added to sort"
        )

    def on_changes(self, changes: Changes) -> None:
        if changes.touches("candidates"):
            self.reload()
