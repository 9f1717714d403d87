"""The Audit trail section: every recorded change, newest first, filtered by record, user,
action and date, with the values before and after side by side; the hash chain verified and
the filtered entries exported as CSV, all off the GUI thread.

The list is a model over pages of `app.services.admin.audit_trail.audit_page`: the view asks
for more as it scrolls (``fetchMore``), so a trail of millions opens at once.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QIntValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.atomic_files import open_replacing
from app.services.admin.audit_trail import (
    PAGE,
    AuditChoices,
    AuditFilter,
    AuditRow,
    audit_choices,
    audit_page,
    describe,
    verify_trail,
    write_audit_csv,
)
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.ui.background import BackgroundOps
from app.ui.file_dialogs import remember_folder, start_folder
from app.ui.flow_layout import FlowLayout
from app.ui.messages import say
from app.ui.widgets import ReloadsWhenShown, SectionHeader, section_layout
from app.wording import plural

COLUMNS = ("When", "User", "Action", "Record")
ANY = None  # the filter boxes' "All …" entry
EARLIEST = QDate(2000, 1, 1)  # a date box at this value reads "Any date"
Index = QModelIndex | QPersistentModelIndex


def record_text(row: AuditRow) -> str:
    return row.entity_type if row.entity_id is None else f"{row.entity_type} #{row.entity_id}"


def value_text(value: Any) -> str:
    """A stored value for a cell: text as it is, anything else as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def side_by_side(before: Any, after: Any) -> list[tuple[str, str, str]]:
    """(field, before, after) lines: one per key when both are objects, else one line."""
    if isinstance(before, dict | type(None)) and isinstance(after, dict | type(None)):
        old, new = before or {}, after or {}
        keys = list(old) + [key for key in new if key not in old]
        return [(key, value_text(old.get(key)), value_text(new.get(key))) for key in keys]
    return [("value", value_text(before), value_text(after))]


class AuditModel(QAbstractTableModel):
    """The loaded entries; asks for the next page (``more_wanted``) when the view nears the end."""

    more_wanted = Signal(int)  # the id of the oldest entry loaded

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[AuditRow] = []
        self.complete = True
        self.loading = False

    def reset(self, rows: list[AuditRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.complete = len(rows) < PAGE
        self.loading = False
        self.endResetModel()

    def extend(self, rows: list[AuditRow]) -> None:
        self.loading = False
        self.complete = len(rows) < PAGE
        if rows:
            start = len(self.rows)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if column == 0:
            local = row.occurred_at.replace(tzinfo=row.occurred_at.tzinfo or dt.UTC).astimezone()
            return f"{local:%Y-%m-%d %H:%M:%S}"
        if column == 1:
            return row.actor
        if column == 2:
            return row.action
        return record_text(row)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self.complete and not self.loading and bool(self.rows)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if self.canFetchMore(parent):
            self.loading = True
            self.more_wanted.emit(self.rows[-1].id)


class AuditSection(ReloadsWhenShown):
    """The audit trail viewer; see the module docstring."""

    profile_requested = Signal(int)  # a candidate's id: open their profile
    # Every write leaves an entry: any change may add one.
    shows = frozenset(kind for kind in ChangeKind if kind is not ChangeKind.EXTERNAL)

    def __init__(self, services: ServiceContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.ops = BackgroundOps(self)
        layout = section_layout(self)
        self.header = SectionHeader("Audit trail", "Every change, who made it and when")
        self.verify_button = QPushButton("Verify chain")
        self.verify_button.setObjectName("auditVerify")
        self.verify_button.setToolTip("Recompute every entry's SHA-256 hash and the chain")
        self.verify_button.clicked.connect(self.verify)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setObjectName("auditExport")
        self.export_button.clicked.connect(self._export_clicked)
        self.header.add_action(self.verify_button)
        self.header.add_action(self.export_button)
        layout.addWidget(self.header)
        layout.addWidget(self._build_filters())
        self.status = QLabel()
        self.status.setObjectName("auditStatus")
        self.status.setWordWrap(True)
        self.status.setProperty("role", "muted")
        self.outcome = QLabel()
        self.outcome.setObjectName("auditOutcome")
        self.outcome.setWordWrap(True)
        self.outcome.hide()
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.outcome, 1)
        layout.addLayout(status_row)

        self.model = AuditModel(self)
        self.model.more_wanted.connect(self._load_more)
        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        self.table.doubleClicked.connect(lambda _index: self._open_record())

        self.detail_title = QLabel("Select an entry to see what changed.")
        self.detail_title.setObjectName("auditDetailTitle")
        self.detail_title.setWordWrap(True)
        self.open_button = QPushButton("Open profile")
        self.open_button.setObjectName("auditOpenRecord")
        self.open_button.clicked.connect(self._open_record)
        self.open_button.hide()
        self.detail = QTableWidget(0, 3)
        self.detail.setObjectName("auditDetail")
        self.detail.setHorizontalHeaderLabels(["Field", "Before", "After"])
        self.detail.verticalHeader().hide()
        self.detail.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.detail.setWordWrap(True)
        detail_header = self.detail.horizontalHeader()
        detail_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        detail_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        detail_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        detail_box = QWidget()
        detail_layout = QVBoxLayout(detail_box)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        title_row = QHBoxLayout()
        title_row.addWidget(self.detail_title, 1)
        title_row.addWidget(self.open_button)
        detail_layout.addLayout(title_row)
        detail_layout.addWidget(self.detail)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(detail_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        services = self.services
        self.ops.query("choices", lambda: audit_choices(services), self._offer, lambda _e: None)
        self.reload()

    # -- filters --

    def _build_filters(self) -> QWidget:
        """The filter boxes, wrapping onto a second line in a narrow window."""
        bar = QWidget()
        bar.setObjectName("auditFilters")
        row = FlowLayout(bar, spacing=8)
        self.record_type = self._box("auditRecordType", "All records")
        self.record_id = QLineEdit()
        self.record_id.setObjectName("auditRecordId")
        self.record_id.setPlaceholderText("Record #")
        self.record_id.setValidator(QIntValidator(1, 2_000_000_000, self))
        room = self.record_id.fontMetrics().horizontalAdvance("Record #0000000") + 24
        self.record_id.setFixedWidth(room)
        self.record_id.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.user = self._box("auditUser", "All users")
        self.action = self._box("auditAction", "All actions")
        self.start = self._date_box("auditFrom", "From")
        self.end = self._date_box("auditTo", "To")
        for widget in (self.record_type, self.record_id, self.user, self.action):
            row.addWidget(widget)
        period = QWidget()  # "From … to …" wraps as one piece
        dates = QHBoxLayout(period)
        dates.setContentsMargins(0, 0, 0, 0)
        dates.setSpacing(6)
        for piece in (QLabel("From"), self.start, QLabel("to"), self.end):
            dates.addWidget(piece)
        row.addWidget(period)
        for box in (self.record_type, self.user, self.action):
            box.currentIndexChanged.connect(self.reload)
        self.record_id.editingFinished.connect(self.reload)
        self.start.dateChanged.connect(self.reload)
        self.end.dateChanged.connect(self.reload)
        return bar

    @staticmethod
    def _box(name: str, everything: str) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        box.addItem(everything, ANY)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        return box

    @staticmethod
    def _date_box(name: str, tip: str) -> QDateEdit:
        box = QDateEdit()
        box.setObjectName(name)
        box.setCalendarPopup(True)
        box.setDisplayFormat("yyyy-MM-dd")
        box.setMinimumDate(EARLIEST)
        box.setSpecialValueText("Any date")  # shown at the minimum
        box.setDate(EARLIEST)
        box.setToolTip(tip)
        box.setMaximumWidth(box.fontMetrics().horizontalAdvance("0000-00-00") + 64)
        return box

    def _offer(self, choices: AuditChoices) -> None:
        families = sorted({action.split(".")[0] + "." for action in choices.actions})
        for box, values in (
            (self.record_type, [(value, value) for value in choices.entity_types]),
            (self.user, [(value, value) for value in choices.actors]),
            (
                self.action,
                [(f"{family[:-1]} (all)", family) for family in families]
                + [(value, value) for value in choices.actions],
            ),
        ):
            current = box.currentData()
            box.blockSignals(True)
            while box.count() > 1:
                box.removeItem(1)
            for label, value in values:
                box.addItem(label, value)
            found = box.findData(current)
            box.setCurrentIndex(max(0, found))
            box.blockSignals(False)

    def _day(self, box: QDateEdit) -> dt.date | None:
        value = box.date()
        return None if value == EARLIEST else dt.date(value.year(), value.month(), value.day())

    def filters(self) -> AuditFilter:
        text = self.record_id.text().strip()
        return AuditFilter(
            entity_type=self.record_type.currentData(),
            entity_id=int(text) if text.isdigit() else None,
            actor=self.user.currentData(),
            action=self.action.currentData(),
            start=self._day(self.start),
            end=self._day(self.end),
        )

    # -- loading --

    def reload(self) -> None:
        wanted = self.filters()
        if wanted.start and wanted.end and wanted.start > wanted.end:
            self._say("The first day is after the last.", error=True)
            return
        services = self.services
        self._say("Loading…")
        self.ops.query("page", lambda: audit_page(services, wanted), self._show_first, self._failed)

    def _show_first(self, rows: list[AuditRow]) -> None:
        self.model.reset(rows)
        self._show_current()
        self._say(
            "No entries match."
            if not rows
            else f"Showing the newest {plural(len(rows), 'entry')}"
            + ("" if self.model.complete else "; scroll for older ones.")
        )

    def _load_more(self, older_than: int) -> None:
        services, wanted = self.services, self.filters()
        self.ops.query(
            "more", lambda: audit_page(services, wanted, older_than), self._add, self._failed
        )

    def _add(self, rows: list[AuditRow]) -> None:
        self.model.extend(rows)
        self._say(f"Showing {plural(len(self.model.rows), 'entry')}")

    def _failed(self, exc: BaseException) -> None:
        self.model.loading = False
        self._say(f"Could not read the audit trail: {exc}", error=True)

    def _say(self, text: str, error: bool = False) -> None:
        """What the list shows (loading, how many)."""
        say(self.status, text, error)

    def _tell(self, text: str, error: bool = False) -> None:
        """The outcome of Verify chain or Export, kept while the list reloads."""
        say(self.outcome, text, error)
        self.outcome.show()

    # -- the selected entry --

    def current(self) -> AuditRow | None:
        index = self.table.currentIndex()
        return self.model.rows[index.row()] if index.isValid() else None

    def _show_current(self) -> None:
        row = self.current()
        self.detail.setRowCount(0)
        if row is None:
            self.detail_title.setText("Select an entry to see what changed.")
            self.open_button.hide()
            return
        sealed = "sealed" if row.chain_hash else "not sealed yet"
        self.detail_title.setText(
            f"<b>{row.action}</b> on {record_text(row)} by {row.actor} — entry {row.id}, {sealed}"
        )
        self.open_button.setVisible(row.entity_type == "candidate" and row.entity_id is not None)
        lines = side_by_side(row.before, row.after)
        self.detail.setRowCount(len(lines))
        bold = QFont(self.detail.font())
        bold.setBold(True)
        for number, (field, old, new) in enumerate(lines):
            for column, text in enumerate((field, old, new)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if old != new and column:
                    item.setFont(bold)  # a changed value stands out
                self.detail.setItem(number, column, item)
        self.detail.resizeRowsToContents()

    def _open_record(self) -> None:
        row = self.current()
        if row is not None and row.entity_type == "candidate" and row.entity_id is not None:
            self.profile_requested.emit(row.entity_id)

    # -- verify and export --

    def verify(self) -> None:
        services = self.services
        self.verify_button.setEnabled(False)
        self._tell("Verifying the chain…")
        self.ops.query("verify", lambda: verify_trail(services), self._verified, self._not_verified)

    def _verified(self, result: Any) -> None:
        self.verify_button.setEnabled(True)
        self._tell(describe(result), error=not result.ok)

    def _not_verified(self, exc: BaseException) -> None:
        self.verify_button.setEnabled(True)
        self._tell(f"Could not verify the audit trail: {exc}", error=True)

    def _export_clicked(self) -> None:
        suggested = Path(start_folder(self, "export")) / f"audit-{dt.date.today():%Y-%m-%d}.csv"
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export audit entries", str(suggested), "CSV (*.csv)"
        )
        if chosen:
            remember_folder(self, "export", chosen)
            self.export_to(Path(chosen))

    def export_to(self, path: Path) -> None:
        """Write the entries the filters select to ``path`` (whole or not at all)."""
        services, wanted = self.services, self.filters()

        def work() -> int:
            with open_replacing(path) as out:
                return write_audit_csv(services, wanted, out)

        self._tell("Exporting…")
        self.ops.query(
            "export",
            work,
            lambda count: self._tell(f"{plural(count, 'entry')} written to {path}"),
            lambda exc: self._tell(f"Could not export: {exc}", error=True),
        )
