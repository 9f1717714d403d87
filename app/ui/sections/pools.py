"""The Talent pools section: the CRM's long-term lists and their sizes."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
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

POOL_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class PoolTable(QTableWidget):
    """The pools list; resume files dropped on a pool's row join that pool."""

    files_dropped = Signal(int, object)  # pool id, paths

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, 3, parent)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)

    def _pool_at(self, event: QDropEvent) -> int | None:
        item = self.itemAt(event.position().toPoint())
        return None if item is None else self.item(item.row(), 0).data(POOL_ID_ROLE)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasUrls() and self._pool_at(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        pool_id = self._pool_at(event)
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if pool_id is None or not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.files_dropped.emit(pool_id, paths)


class PoolsSection(QWidget):
    """A short list (pools number in the tens), so a simple table widget is enough."""

    files_dropped = Signal(int, object)  # pool id, paths: resumes to import into the pool

    def __init__(self, services: ServiceContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        layout = section_layout(self)
        self.header = SectionHeader("Talent pools", "")
        layout.addWidget(self.header)
        self.table = PoolTable()
        self.table.files_dropped.connect(self.files_dropped)
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
            name = QTableWidgetItem(pool.name)
            name.setData(POOL_ID_ROLE, pool.id)
            name.setToolTip("Drop resume files here to add them to this pool")
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, members)
            self.table.setItem(row, 2, QTableWidgetItem(pool.description or ""))
        people = sum(pool.members for pool in pools)
        self.header.subtitle.setText(f"{len(pools)} pools · {people:,} memberships")

    def on_changes(self, changes: Changes) -> None:
        if changes.touches("pools", "candidates"):
            self.reload()
