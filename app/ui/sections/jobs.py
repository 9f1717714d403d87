"""The Jobs section: every requisition with its client, status and pipeline counts.

Edit…, Stages…, Put on hold, Close, Mark filled and Reopen act on the selected job (toolbar
row and context menu); after each, `changes_made` carries what changed for the broadcast.
The status actions go on the window's undo stack (Edit → Undo), and marking a job filled
with fewer hires than openings is asked about first: it counts in time to fill.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QIcon, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHeaderView,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTableView,
    QToolButton,
    QWidget,
)

from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.pipeline.jobs import (
    DEFAULT_STAGES,
    JobRow,
    allowed_actions,
    change_status,
    get_job,
    list_jobs,
)
from app.store.enums import JobStatus
from app.ui.flow_layout import FlowLayout
from app.ui.icons import IconProvider
from app.ui.messages import error_label
from app.ui.sections.job_commands import JobStatusCommand
from app.ui.widgets import SectionHeader, section_layout

STATUS_LABELS = {
    JobStatus.OPEN: "Open",
    JobStatus.ON_HOLD: "On hold",
    JobStatus.FILLED: "Filled",
    JobStatus.CLOSED: "Closed",
}
STAGE_COLUMNS = tuple(name for name, _kind in DEFAULT_STAGES)
FIXED_COLUMNS = ("Job", "Client", "Location", "Status", "Openings", "Days open", "Owner")
DAYS_OPEN_COLUMN = FIXED_COLUMNS.index("Days open")  # the default sort: longest open first
OWNER_COLUMN = FIXED_COLUMNS.index("Owner")
STATUS_COLUMN = FIXED_COLUMNS.index("Status")
NUMBER_COLUMNS = frozenset({FIXED_COLUMNS.index("Openings"), DAYS_OPEN_COLUMN})
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
        self.sort_column, self.sort_order = DAYS_OPEN_COLUMN, Qt.SortOrder.AscendingOrder

    def set_rows(self, rows: list[JobRow], today: dt.date | None = None) -> None:
        self.beginResetModel()
        self.today = today or dt.date.today()
        # Values are computed once here; views call data() far more often than rows change.
        values = [tuple(self._value(row, c) for c in range(len(COLUMNS))) for row in rows]
        self.rows, self.values = self._sorted(rows, values)
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in Python here: a proxy's sort would call data() thousands of times."""
        self.sort_column, self.sort_order = column, order
        self.beginResetModel()
        self.rows, self.values = self._sorted(self.rows, self.values)
        self.endResetModel()

    def _sorted(
        self, rows: list[JobRow], values: list[tuple[Any, ...]]
    ) -> tuple[list[JobRow], list[tuple[Any, ...]]]:
        column = self.sort_column
        if not 0 <= column < len(COLUMNS) or not rows:
            return rows, values

        def key(index: int) -> tuple[bool, Any, int]:
            value = values[index][column]
            if isinstance(value, str):
                value = value.lower()
            return (value is None, value if value is not None else 0, rows[index].id)

        order = sorted(
            range(len(rows)), key=key, reverse=self.sort_order == Qt.SortOrder.DescendingOrder
        )
        return [rows[i] for i in order], [values[i] for i in order]

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
        if role == Qt.ItemDataRole.ForegroundRole and column == STATUS_COLUMN:
            return QColor(self.status_colors[row.status])
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            tip = f"{row.title} — {row.client_name}\n{row.location or 'No location'}"
            if row.posting_reference:
                tip += f"\nReference {row.posting_reference}"
            return tip
        return None

    def _value(self, row: JobRow, column: int) -> Any:
        if column < len(FIXED_COLUMNS):
            return {
                "Job": lambda: row.title,
                "Client": lambda: row.client_name,
                "Location": lambda: row.location or "",
                "Status": lambda: STATUS_LABELS[row.status],
                "Openings": lambda: row.openings,
                "Days open": lambda: row.days_open(self.today),
                "Owner": lambda: row.owner_name or "—",
            }[FIXED_COLUMNS[column]]()
        if column == len(COLUMNS) - 1:
            return row.total_applications
        return row.count_for(STAGE_COLUMNS[column - len(FIXED_COLUMNS)])


def _alignment(column: int) -> Qt.AlignmentFlag:
    if column in NUMBER_COLUMNS or column >= len(FIXED_COLUMNS):
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

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The source model sorts; this proxy only filters and keeps the source's order."""
        self.sourceModel().sort(column, order)

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
            haystack = (
                f"{row.title} {row.client_name} {row.location or ''} {row.posting_reference or ''}"
            ).lower()
            return all(word in haystack for word in self.text.split())
        return True


class JobsSection(QWidget):
    """First screen: what the agency is hiring for, and how far each pipeline has got."""

    new_job_requested = Signal()
    new_client_requested = Signal()
    job_activated = Signal(int)
    best_matches_requested = Signal(int)  # job id: rank the database for this job
    changes_made = Signal(object)  # Changes, after each action taken from this section
    shows = frozenset(
        {ChangeKind.JOBS, ChangeKind.CLIENTS, ChangeKind.APPLICATIONS, ChangeKind.STAGES}
    )

    def __init__(
        self,
        services: ServiceContext,
        icons: IconProvider,
        undo_stack: QUndoStack | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.services = services
        # The window's stack (Edit → Undo); a section standing alone keeps its own.
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
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

        filters = FlowLayout(spacing=8)  # wraps in a narrow window
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter by title, client, location or reference")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icons.get("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.status_filter = QComboBox()
        self.status_filter.addItem("All statuses", None)
        for status, label in STATUS_LABELS.items():
            self.status_filter.addItem(label, status)
        self.status_filter.setCurrentIndex(1)  # open jobs first: what a recruiter works on
        self.client_filter = QComboBox()
        self.owner_filter = QComboBox()
        self.search.setMinimumWidth(260)
        self.search.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        filters.addWidget(self.search)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.client_filter)
        filters.addWidget(self.owner_filter)
        layout.addLayout(filters)
        layout.addLayout(self._build_actions(icons))
        self.action_error = error_label("actionError")
        layout.addWidget(self.action_error)

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
        self.table.sortByColumn(DAYS_OPEN_COLUMN, Qt.SortOrder.AscendingOrder)
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
            wide = {0: 260, 1: 190, 2: 150, OWNER_COLUMN: 140}
            width = wide.get(column, metrics.horizontalAdvance(title) + 36)
            self.table.setColumnWidth(column, width)
        header.setHighlightSections(False)
        self.table.doubleClicked.connect(self._activated)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        layout.addWidget(self.table, 1)

        self.search.textChanged.connect(self._apply_filter)
        for combo in (self.status_filter, self.client_filter, self.owner_filter):
            combo.currentIndexChanged.connect(self._apply_filter)
        self.reload()

    def _build_actions(self, icons: IconProvider) -> FlowLayout:
        def action(text: str, icon: str | None, slot: Any, tip: str) -> QAction:
            made = QAction(icons.get(icon) if icon else QIcon(), text, self)
            made.setToolTip(tip)
            made.triggered.connect(lambda _checked=False: slot())
            return made

        self.edit_action = action("Edit…", "pencil", self.edit_selected, "Edit the job's details")
        self.stages_action = action(
            "Stages…", "layers", self.set_up_stages, "Add, rename, order and remove its stages"
        )
        self.hold_action = action(
            "Put on hold", None, lambda: self.change_status("hold"), "Pause the job"
        )
        self.close_action = action(
            "Close", "x", lambda: self.change_status("close"), "Close without a hire"
        )
        self.fill_action = action(
            "Mark filled", "check", lambda: self.change_status("fill"), "Filled as of today"
        )
        self.reopen_action = action(
            "Reopen", "refresh-cw", lambda: self.change_status("reopen"), "Open the job again"
        )
        self.reasons_action = action(
            "Rejection reasons…", "tag", self.edit_reasons, "The reasons offered on rejection"
        )
        self.best_matches_action = action(
            "Best matches…", "search", self.request_best_matches, "Candidates who fit this job"
        )
        self.job_actions = (
            self.edit_action,
            self.stages_action,
            self.best_matches_action,
            self.hold_action,
            self.close_action,
            self.fill_action,
            self.reopen_action,
        )
        # The transition (see `app.services.pipeline.jobs.TRANSITIONS`) behind each status action.
        self.status_actions = {
            "hold": self.hold_action,
            "close": self.close_action,
            "fill": self.fill_action,
            "reopen": self.reopen_action,
        }
        row = FlowLayout(spacing=4)  # wraps in a narrow window
        for item in (*self.job_actions, self.reasons_action):
            button = QToolButton()
            button.setDefaultAction(item)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setAutoRaise(True)
            row.addWidget(button)
        return row

    def selected_job(self) -> JobRow | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.proxy.data(indexes[0], ROW_ROLE) if indexes else None

    def select_job(self, job_id: int) -> bool:
        """Select the job's row if the filters show it."""
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if self.proxy.data(index, ROW_ROLE).id == job_id:
                self.table.selectRow(row)
                self.table.scrollTo(index)
                return True
        return False

    def _update_actions(self, *_args: Any) -> None:
        job = self.selected_job()
        for item in (self.edit_action, self.stages_action, self.best_matches_action):
            item.setEnabled(job is not None)
        allowed = allowed_actions(job.status) if job is not None else frozenset()
        for name, item in self.status_actions.items():
            item.setEnabled(name in allowed)

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.addActions([self.edit_action, self.stages_action, self.best_matches_action])
        menu.addSeparator()
        menu.addActions([self.hold_action, self.close_action, self.fill_action])
        menu.addAction(self.reopen_action)
        self._add_task_entries(menu)
        return menu

    def _add_task_entries(self, menu: QMenu) -> None:
        """Add task… about the selected job, and about its client."""
        # Deferred: start-up time (Jobs is the first screen; its dialogs load when first opened).
        from app.ui.dialogs.task_editor import Link

        job = self.selected_job()
        if job is None:
            return
        menu.addSeparator()
        about_job = Link("job", job.id, f"{job.title} ({job.client_name})")
        about_client = Link("client", job.client_id, job.client_name)
        menu.addAction("Add task…", lambda: self.add_task(about_job))
        menu.addAction(f"Add task about {job.client_name}…", lambda: self.add_task(about_client))
        menu.addAction("Hiring managers…", lambda: self.edit_hiring_managers(job.id, job.title))

    def edit_hiring_managers(self, job_id: int, title: str) -> None:
        """Which users with the hiring-manager role follow the job."""
        # Deferred: start-up time (Jobs is the first screen; its dialogs load when first opened).
        from app.ui.dialogs.hiring_managers_dialog import HiringManagersDialog

        dialog = HiringManagersDialog(self.services, job_id, title, self)
        dialog.changes_made.connect(self._publish)
        dialog.exec()

    def add_task(self, link: object) -> None:
        """A new task about a job or client (a `task_editor.Link`)."""
        # Deferred: start-up time (Jobs is the first screen; its dialogs load when first opened).
        from app.ui.dialogs.task_editor import TaskEditorDialog

        self._run(TaskEditorDialog(self.services, self, link=link))  # type: ignore[arg-type]

    def _context_menu(self, point: QPoint) -> None:
        index = self.table.indexAt(point)
        if index.isValid():
            self.table.selectRow(index.row())
        self.context_menu().exec(self.table.viewport().mapToGlobal(point))

    def _show_error(self, text: str) -> None:
        self.action_error.setText(text)
        self.action_error.setVisible(bool(text))

    def _publish(self, changes: Changes) -> None:
        if changes.ids:
            self.changes_made.emit(changes)

    def change_status(self, action: str) -> None:
        """Take a status action (a key of `TRANSITIONS`) on the selected job and put it on
        the undo stack; a refusal is shown above the table."""
        job = self.selected_job()
        if job is None:
            return
        try:
            if action == "fill" and not self._fill_confirmed(job.id):
                return
            done = change_status(self.services, job.id, action)
        except (ValidationError, NotFoundError) as exc:
            self._refused(exc)
            return
        self._show_error("")
        self.undo_stack.push(
            JobStatusCommand(self.services, done, self._publish, self._undo_failed)
        )
        self._publish(done.changes)

    def _refused(self, error: ValidationError | NotFoundError) -> None:
        message = " ".join(error.errors.values()) if isinstance(error, ValidationError) else error
        self._show_error(str(message))
        self.reload()  # the list was out of date

    def _undo_failed(self, message: str) -> None:
        self._show_error(message)
        self.reload()

    def _fill_confirmed(self, job_id: int) -> bool:
        """Marking a job filled with fewer hires than openings (counted afresh) is asked
        about: it stops the job and counts in the median time to fill."""
        detail = get_job(self.services, job_id)
        if detail.hires >= detail.openings:
            return True
        hires = f"{detail.hires} of {detail.openings} hire{'' if detail.openings == 1 else 's'}"
        return self.confirm(
            "Mark filled",
            f"Mark “{detail.title}” filled with {hires}?",
            "A filled job counts in time to fill as of today. Edit\u00a0→\u00a0Undo takes it back.",
            "Mark filled",
        )

    def confirm(self, title: str, text: str, details: str, accept: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        box.setInformativeText(details)
        yes = box.addButton(accept, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is yes

    def edit_selected(self) -> None:
        # Deferred: start-up time (Jobs is the first screen; its dialogs load when first opened).
        from app.ui.dialogs.job_editor import EditJobDialog

        job = self.selected_job()
        if job is None:
            return
        try:
            dialog = EditJobDialog(self.services, job.id, self)
        except NotFoundError as exc:
            self._show_error(str(exc))
            self.reload()
            return
        self._run(dialog)

    def set_up_stages(self) -> None:
        # Deferred: start-up time (Jobs is the first screen; its dialogs load when first opened).
        from app.ui.dialogs.stage_setup import StageSetupDialog

        job = self.selected_job()
        if job is None:
            return
        try:
            dialog = StageSetupDialog(self.services, job.id, self)
        except NotFoundError as exc:
            self._show_error(str(exc))
            self.reload()
            return
        self._run(dialog)

    def request_best_matches(self) -> None:
        job = self.selected_job()
        if job is not None:
            self.best_matches_requested.emit(job.id)

    def edit_reasons(self) -> None:
        # Deferred: start-up time (Jobs is the first screen; its dialogs load when first opened).
        from app.ui.dialogs.reasons import ReasonsDialog

        self._run(ReasonsDialog(self.services, self))

    def _run(self, dialog: QDialog) -> None:
        dialog.exec()
        self._show_error("")
        self._publish(dialog.all_changes())  # type: ignore[attr-defined]
        dialog.deleteLater()

    def reload(self) -> None:
        selected = self.selected_job()
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
        if selected is not None:
            self.select_job(selected.id)
        self._update_actions()

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
        self._update_actions()  # the selected job may have been filtered out

    def on_changes(self, changes: Changes) -> None:
        if changes.external or changes.touches(*self.shows):
            self.reload()

    def _activated(self, index: QModelIndex) -> None:
        row: JobRow = self.proxy.data(index, ROW_ROLE)
        if row is not None:
            self.job_activated.emit(row.id)
