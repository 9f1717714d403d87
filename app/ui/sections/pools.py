"""The Talent pools section: the CRM's long-term lists and their sizes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.services.context import ServiceContext
from app.services.pools import list_pools
from app.services.unit_of_work import Changes
from app.ui.widgets import SectionHeader, section_layout


class PoolsSection(QWidget):
    """A short list (pools number in the tens), so a simple table widget is enough."""

    def __init__(self, services: ServiceContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        layout = section_layout(self)
        self.header = SectionHeader("Talent pools", "")
        layout.addWidget(self.header)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("poolsTable")
        self.table.setHorizontalHeaderLabels(["Pool", "Members", "Description"])
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.reload()

    def reload(self) -> None:
        pools = list_pools(self.services)
        self.table.setRowCount(len(pools))
        for row, pool in enumerate(pools):
            members = QTableWidgetItem(f"{pool.members:,}")
            members.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 0, QTableWidgetItem(pool.name))
            self.table.setItem(row, 1, members)
            self.table.setItem(row, 2, QTableWidgetItem(pool.description or ""))
        people = sum(pool.members for pool in pools)
        self.header.subtitle.setText(f"{len(pools)} pools · {people:,} memberships")

    def on_changes(self, changes: Changes) -> None:
        if changes.touches("pools", "candidates"):
            self.reload()
