"""Placements by month: a heading row per month (how many, the month's fees) above its
placements, and the whole period's fee totals underneath. Used in a client's detail and in
Reports; the grouping and the sums are the service's (`placement_report`), this only shows
them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.pipeline.placement_report import (
    MonthGroup,
    PlacementReport,
    totals_text,
)
from app.services.pipeline.placements import PlacementRow
from app.ui.table_model import ColumnTableModel, Index
from app.wording import plural

ROW_ROLE = Qt.ItemDataRole.UserRole


def _placement_cells(row: PlacementRow, with_client: bool) -> list[str]:
    start = row.terms.start_date
    cells = [
        f"{start:%Y-%m-%d}" if start else "—",
        row.application.candidate_name,
        row.application.job_title,
    ]
    if with_client:
        cells.append(row.application.client_name)
    cells += [row.fee_text, row.type_text, row.pay_text or "—"]
    return cells


class PlacementsModel(ColumnTableModel):
    """Month headings and placements in one list (a heading spans the row)."""

    def __init__(self, with_client: bool, parent: Any = None):
        super().__init__(parent)
        self.with_client = with_client
        columns = ["Start", "Candidate", "Job"] + (["Client"] if with_client else [])
        # The fee before the terms: at 1024 pixels it is the figure that must show.
        self.COLUMNS = (*columns, "Fee", "Type", "Salary or rates")
        self.fee_column = len(columns)

    def set_report(self, report: PlacementReport | None) -> None:
        self.beginResetModel()
        self.rows = []
        for month in report.months if report else ():
            self.rows.append(month)
            self.rows.extend(month.placements)
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == ROW_ROLE:
            return row
        if isinstance(row, MonthGroup):
            if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
                count = plural(len(row.placements), "placement")
                return f"{row.label} · {count} · fees {totals_text(row.fees)}"
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _placement_cells(row, self.with_client)[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == self.fee_column:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class PlacementsView(QWidget):
    """The table and a totals line; double-click (or Enter) on a placement opens its
    candidate."""

    candidate_activated = Signal(int)

    def __init__(self, name: str, with_client: bool, parent: QWidget | None = None):
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 8, 0, 0)
        self.model = PlacementsModel(with_client, self)
        self.table = QTableView()
        self.table.setObjectName(name)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        widths = (108, 130, 130, 110) if with_client else (108, 150, 150)
        for index, width in enumerate((*widths, 120, 110)):
            self.table.setColumnWidth(index, width)
        self.table.activated.connect(self._activated)
        column.addWidget(self.table, 1)
        self.totals = QLabel()
        self.totals.setObjectName(f"{name}Totals")
        self.totals.setProperty("role", "muted")
        column.addWidget(self.totals)

    def show_report(self, report: PlacementReport | None) -> None:
        self.model.set_report(report)
        self.table.clearSpans()
        for index, row in enumerate(self.model.rows):
            if isinstance(row, MonthGroup):
                self.table.setSpan(index, 0, 1, len(self.model.COLUMNS))
        if report is None or not report.count:
            self.totals.setText("No placements in this period.")
        else:
            self.totals.setText(
                f"{plural(report.count, 'placement')} · fees {totals_text(report.fees)}"
            )

    def _activated(self, index: QModelIndex) -> None:
        row = self.model.data(index, ROW_ROLE)
        if isinstance(row, PlacementRow):
            self.candidate_activated.emit(row.application.candidate_id)
