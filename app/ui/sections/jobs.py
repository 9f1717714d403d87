"""The Jobs section: every requisition with its client, status and pipeline counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from app.services.context import ServiceContext
from app.services.jobs import DEFAULT_STAGES, JobRow, list_jobs
from app.services.unit_of_work import Changes
from app.store.models import JobStatus
from app.ui.icons import IconProvider
from app.ui.widgets import SectionHeader, section_layout

STATUS_LABELS = {
    JobStatus.OPEN: "Open",
    JobStatus.ON_HOLD: "On hold",
    JobStatus.FILLED: "Filled",
    JobStatus.CLOSED: "Closed",
}
STAGE_COLUMNS = tuple(name for name, _kind in DEFAULT_STAGES)
FIXED_COLUMNS = ("Job", "Client", "Status", "Openings", "Days open", "Owner")
COLUMNS = (*FIXED_COLUMNS, *STAGE_COLUMNS, "Total")
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex


class JobsTableModel(QAbstractTableModel):
    """Rows of `JobRow`; counts for the default stage names, blank where a job lacks one."""

    def __init__(self, status_colors: dict[JobStatus, str], parent: Any = None):
        super().__init__(parent)
        self.rows: list[JobRow] = []
        self.values: list[tuple[Any, ...]] = []
        self.today = dt.date.today()
        self.status_colors = status_colors

    def set_rows(self, rows: list[JobRow], today: dt.date | None = None) -> None:
        self.beginResetModel()
        self.rows = rows
        self.today = today or dt.date.today()
        # Values are computed once here; views call data() far more often than rows change.
        self.values = [tuple(self._value(row, c) for c in range(len(COLUMNS))) for row in rows]
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(section)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            value = self.values[index.row()][column]
            return "" if value is None else str(value)
        if role == SORT_ROLE:
            value = self.values[index.row()][column]
            return -1 if value is None else value
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(column)
        if role == Qt.ItemDataRole.ForegroundRole and column == 2:
            return QColor(self.status_colors[row.status])
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return f"{row.title} — {row.client_name}\n{row.location or 'No location'}"
        return None

    def _value(self, row: JobRow, column: int) -> Any:
        if column == 0:
            return row.title
        if column == 1:
            return row.client_name
        if column == 2:
            return STATUS_LABELS[row.status]
        if column == 3:
            return row.openings
        if column == 4:
            return row.days_open(self.today)
        if column == 5:
            return row.owner_name or "—"
        if column == len(COLUMNS) - 1:
            return row.total_applications
        return row.count_for(STAGE_COLUMNS[column - len(FIXED_COLUMNS)])


def _alignment(column: int) -> Qt.AlignmentFlag:
    if column >= 3 and column != 5:
        return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class JobsFilter(QSortFilterProxyModel):
    """Narrows the jobs by text, status, client and owner."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.text = ""
        self.status: JobStatus | None = None
        self.client_id: int | None = None
        self.owner: str | None = None
        self.setSortRole(SORT_ROLE)

    def set_criteria(
        self, text: str, status: JobStatus | None, client_id: int | None, owner: str | None
    ) -> None:
        self.beginFilterChange()
        self.text, self.client_id, self.owner = text.lower(), client_id, owner
        self.status = JobStatus(status) if status is not None else None
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        row: JobRow = self.sourceModel().rows[source_row]
        if self.status is not None and row.status != self.status:
            return False
        if self.client_id is not None and row.client_id != self.client_id:
            return False
        if self.owner is not None and row.owner_name != self.owner:
            return False
        if self.text:
            haystack = f"{row.title} {row.client_name} {row.location or ''}".lower()
            return all(word in haystack for word in self.text.split())
        return True


class JobsSection(QWidget):
    """First screen: what the agency is hiring for, and how far each pipeline has got."""

    new_job_requested = Signal()
    new_client_requested = Signal()
    job_activated = Signal(int)

    def __init__(
        self, services: ServiceContext, icons: IconProvider, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.services = services
        layout = section_layout(self)
        self.header = SectionHeader("Jobs", "")
        new_client = QPushButton(icons.get("building-2"), "New client")
        new_client.clicked.connect(self.new_client_requested)
        new_job = QPushButton(icons.get("plus", icons.palette.accent_text), "New job")
        new_job.setProperty("role", "primary")
        new_job.clicked.connect(self.new_job_requested)
        self.header.add_action(new_client)
        self.header.add_action(new_job)
        layout.addWidget(self.header)

        filters = QHBoxLayout()
        filters.setSpacing(8)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter by title, client or location")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icons.get("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.status_filter = QComboBox()
        self.status_filter.addItem("All statuses", None)
        for status, label in STATUS_LABELS.items():
            self.status_filter.addItem(label, status)
        self.status_filter.setCurrentIndex(1)  # open jobs first: what a recruiter works on
        self.client_filter = QComboBox()
        self.owner_filter = QComboBox()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.client_filter)
        filters.addWidget(self.owner_filter)
        layout.addLayout(filters)

        palette = icons.palette
        colors = {
            JobStatus.OPEN: palette.success,
            JobStatus.ON_HOLD: palette.warning,
            JobStatus.FILLED: palette.accent,
            JobStatus.CLOSED: palette.text_muted,
        }
        self.model = JobsTableModel(colors, self)
        self.proxy = JobsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("jobsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(34)
        header = self.table.horizontalHeader()
        # Widths from the header texts: sizing to contents would ask every cell for its size.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        metrics = header.fontMetrics()
        for column, title in enumerate(COLUMNS):
            width = {0: 260, 1: 190, 5: 140}.get(column, metrics.horizontalAdvance(title) + 36)
            self.table.setColumnWidth(column, width)
        header.setHighlightSections(False)
        self.table.doubleClicked.connect(self._activated)
        layout.addWidget(self.table, 1)

        self.search.textChanged.connect(self._apply_filter)
        for combo in (self.status_filter, self.client_filter, self.owner_filter):
            combo.currentIndexChanged.connect(self._apply_filter)
        self.reload()

    def reload(self) -> None:
        rows = list_jobs(self.services)
        self.model.set_rows(rows)
        self._fill_combo(
            self.client_filter, "All clients", sorted({(r.client_name, r.client_id) for r in rows})
        )
        self._fill_combo(
            self.owner_filter,
            "All owners",
            sorted({(r.owner_name, r.owner_name) for r in rows if r.owner_name}),
        )
        self._apply_filter()

    @staticmethod
    def _fill_combo(combo: QComboBox, everything: str, items: list[tuple[str, Any]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, None)
        for label, value in items:
            combo.addItem(label, value)
        combo.setCurrentIndex(max(combo.findData(current), 0) if current is not None else 0)
        combo.blockSignals(False)

    def _apply_filter(self) -> None:
        self.proxy.set_criteria(
            self.search.text(),
            self.status_filter.currentData(),
            self.client_filter.currentData(),
            self.owner_filter.currentData(),
        )
        rows = self.model.rows
        open_count = sum(1 for r in rows if r.status is JobStatus.OPEN)
        active = sum(r.active_applications for r in rows if r.status is JobStatus.OPEN)
        self.header.subtitle.setText(
            f"{open_count} open of {len(rows)} jobs · {active:,} candidates in active stages · "
            f"showing {self.proxy.rowCount()}"
        )

    def on_changes(self, changes: Changes) -> None:
        if changes.touches("jobs", "clients", "applications", "stages"):
            self.reload()

    def _activated(self, index: QModelIndex) -> None:
        row: JobRow = self.proxy.data(index, ROW_ROLE)
        if row is not None:
            self.job_activated.emit(row.id)
