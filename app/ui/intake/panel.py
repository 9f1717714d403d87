"""The intake panel: every file being imported, its state, overall progress, cancel, retry."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.ui.table_model import ColumnTableModel
from app.ui.theme import Palette
from app.wording import plural

if TYPE_CHECKING:  # the worker module loads multiprocessing: only when importing starts
    from app.workers.intake import ItemUpdate

FINISHED = ("done", "review", "failed", "cancelled")
REVIEWABLE = ("done", "review")  # a double-click opens the review screen on these
STATE_LABELS = {
    "queued": "Waiting",
    "parsing": "Reading…",
    "importing": "Saving…",
    "done": "Imported",
    "review": "Needs review",
    "failed": "Failed",
    "cancelled": "Cancelled",
}
COLUMNS = ("File", "State", "Details")
_Index = QModelIndex | QPersistentModelIndex


class IntakeModel(ColumnTableModel):
    """One row per submitted file, updated in place as its state changes."""

    COLUMNS = COLUMNS

    def __init__(self, palette: Palette, parent: Any = None):
        super().__init__(parent)
        self.palette = palette
        self.items: list[ItemUpdate] = []
        self.rows_by_id: dict[int, int] = {}

    def apply(self, update: ItemUpdate) -> None:
        self.apply_many([update])

    def apply_many(self, updates: Iterable[ItemUpdate]) -> None:
        """Take a batch of updates (oldest first): one insertion for the new files and one
        change notice for the rows updated, however many updates there were."""
        latest: dict[int, ItemUpdate] = {}
        for update in updates:
            latest[update.item_id] = update  # keeps each file's first position, last state
        changed: list[int] = []
        new: list[ItemUpdate] = []
        for item_id, update in latest.items():
            row = self.rows_by_id.get(item_id)
            if row is None:
                new.append(update)
            else:
                self.items[row] = update
                changed.append(row)
        if changed:
            last_column = len(COLUMNS) - 1
            self.dataChanged.emit(
                self.index(min(changed), 0), self.index(max(changed), last_column)
            )
        if new:
            first = len(self.items)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            for row, update in enumerate(new, start=first):
                self.items.append(update)
                self.rows_by_id[update.item_id] = row
            self.endInsertRows()

    def counts(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for item in self.items:
            totals[item.state] = totals.get(item.state, 0) + 1
        return totals

    def failed_ids(self) -> list[int]:
        return [item.item_id for item in self.items if item.state == "failed"]

    def row_count(self) -> int:
        return len(self.items)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return Path(item.path).name
            if column == 1:
                return STATE_LABELS.get(item.state, item.state)
            return _details(item)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{item.path}\n{_details(item)}"
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            colour = {
                "done": self.palette.success,
                "review": self.palette.warning,
                "failed": self.palette.danger,
            }.get(item.state)
            return QColor(colour) if colour else None
        if role == Qt.ItemDataRole.UserRole:
            return item
        return None


def _details(item: ItemUpdate) -> str:
    if item.state == "done" and item.result is not None:
        result = item.result
        who = result.candidate_name or "an existing candidate"
        if result.duplicate_document:
            parts = [f"already imported, for {who}"]
        elif result.created:
            parts = [f"new candidate {who}" if result.candidate_name else "new candidate"]
        else:
            parts = [f"added to {who}"]
            if result.matched_by:
                parts[0] += f" ({result.matched_by})"
        if result.application_id:
            parts.append("placed on the board")
        if result.conflicts:
            parts.append(f"{plural(len(result.conflicts), 'changed field')} to review")
        if result.possible_duplicates:
            parts.append("possible duplicate")
        return "; ".join(parts)
    return item.message


class IntakePanel(QWidget):
    """Shown while files are imported; stays until dismissed so failures can be retried."""

    cancel_requested = Signal()
    retry_requested = Signal(object)  # item ids
    review_requested = Signal(object)  # ItemUpdate of a finished file

    def __init__(self, palette: Palette, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("intakePanel")
        self.model = IntakeModel(palette, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        bar = QHBoxLayout()
        self.summary = QLabel()
        self.progress = QProgressBar()
        self.progress.setObjectName("intakeProgress")
        self.progress.setTextVisible(True)
        self.cancel = QPushButton("Cancel")
        self.cancel.setObjectName("intakeCancel")
        self.cancel.clicked.connect(self.cancel_requested)
        self.retry = QPushButton("Retry failed")
        self.retry.setObjectName("intakeRetry")
        self.retry.clicked.connect(lambda: self.retry_requested.emit(self.model.failed_ids()))
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.retry)
        bar.addWidget(self.cancel)
        layout.addLayout(bar)
        self.table = QTableView()
        self.table.setObjectName("intakeTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 260)
        self.table.setColumnWidth(1, 110)
        self.table.doubleClicked.connect(self._review)
        layout.addWidget(self.table, 1)
        self.refresh()

    def apply(self, update: ItemUpdate) -> None:
        self.apply_many([update])

    def apply_many(self, updates: Iterable[ItemUpdate]) -> None:
        """A batch of updates, then one refresh of the summary and progress bar (the bar
        repaints synchronously on each new value, so once per batch rather than per file).

        New files come into view at the bottom, unless the user has scrolled up to read."""
        scroll = self.table.verticalScrollBar()
        following = scroll.value() >= scroll.maximum()
        rows_before = self.model.rowCount()
        self.model.apply_many(updates)
        if following and self.model.rowCount() > rows_before:
            self.table.scrollToBottom()
        self.refresh()

    def refresh(self) -> None:
        counts = self.model.counts()
        total = len(self.model.items)
        finished = sum(counts.get(state, 0) for state in FINISHED)
        # QProgressBar.setValue repaints at once, which paints every dirty widget of the
        # window (a reloaded board, say) right there; let the next paint cycle do it instead.
        self.progress.setUpdatesEnabled(False)
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(finished)
        self.progress.setFormat(f"{finished} of {total}")
        self.progress.setUpdatesEnabled(True)  # schedules one ordinary update
        failed = counts.get("failed", 0)
        held = counts.get("review", 0)
        waiting = f" · {held} {'needs' if held == 1 else 'need'} review" if held else ""
        self.summary.setText(
            f"{counts.get('done', 0)} imported{waiting} · {failed} failed · "
            f"{total - finished} to go"
        )
        self.retry.setEnabled(failed > 0)
        self.cancel.setEnabled(finished < total)

    def _review(self, index: QModelIndex) -> None:
        item: ItemUpdate = self.model.data(index, Qt.ItemDataRole.UserRole)
        if item is not None and item.state in REVIEWABLE:
            self.review_requested.emit(item)
