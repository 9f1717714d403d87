"""What the Campaigns section's tabs share: their table set-up, muted labels, local times, the
throttled reload and, for the single-selection lists, finding and choosing a row by id."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView, QWidget

from app.ui.campaigns.throttle import ReloadThrottle
from app.ui.table_model import ColumnTableModel


class RowsModel(ColumnTableModel):
    """A table model whose rows are replaced all at once."""

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()


def list_table(
    object_name: str,
    model: ColumnTableModel,
    widths: Iterable[int] = (),
    *,
    multi: bool = False,
) -> QTableView:
    """A read-only list: whole rows selected (one, or several with ``multi``), alternating
    colours, no grid or row numbers, the last column stretched, the others ``widths`` wide —
    or as wide as their heading needs in the theme's font, so no heading is cut off."""
    table = QTableView()
    table.setObjectName(object_name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if multi
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setStretchLastSection(True)
    header.ensurePolished()  # the heading's font and padding come from the style sheet
    for index, width in enumerate(widths):
        table.setColumnWidth(index, max(width, header.sectionSizeHint(index)))
    return table


def muted_label(object_name: str = "", text: str = "", *, wrap: bool = False) -> QLabel:
    label = QLabel(text)
    if object_name:
        label.setObjectName(object_name)
    label.setProperty("role", "muted")
    if wrap:
        label.setWordWrap(True)
    return label


def local_time(value: dt.datetime | None) -> str:
    """A stored UTC time as the recruiter's local date and time."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


def counted(count: int, word: str) -> str:
    """ "1 message", "3 messages", "1,200 messages"."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def status_value(row: Any) -> str:
    """A row's own status as text ("" for no row), whatever the display status says."""
    return str(row.status) if row else ""


class ThrottledPanel(QWidget):
    """A tab that reloads through ``self.throttle`` (set by the subclass once it can reload):
    bursts of requests coalesce, and a hidden tab reloads when it is shown again."""

    throttle: ReloadThrottle

    def reload(self) -> None:
        raise NotImplementedError

    def request_reload(self) -> None:
        self.throttle.request()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.throttle.shown()


class RowListPanel(ThrottledPanel):
    """A throttled tab around ``self.table`` showing ``self.model.rows`` (rows with an ``id``),
    one selected at a time."""

    table: QTableView
    model: RowsModel

    def current(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        if rows and rows[0].row() < len(self.model.rows):
            return self.model.rows[rows[0].row()]
        return None

    def current_id(self) -> int | None:
        row = self.current()
        return row.id if row else None

    def select_row_with_id(self, row_id: int) -> bool:
        for index, row in enumerate(self.model.rows):
            if row.id == row_id:
                self.table.selectRow(index)
                return True
        return False
