"""The Clients section: the client companies with their open jobs, contacts, hires and latest
activity, searchable; and the selected client's detail — its jobs, its contacts (add, edit,
archive), its placements by month with their fees, and the recent audited changes to it, its
jobs and its contacts.

Lists and the detail load through `BackgroundOps`; writes go through the contact and client
services, and what they changed goes out on `changes_made` for the window to broadcast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import ServiceContext
from app.services.pipeline.clients import ClientDetail, ClientRow, get_client, list_clients
from app.services.pipeline.contacts import ContactRow, archive_contact
from app.services.pipeline.placement_report import PlacementReport, placements_report
from app.store.enums import JobStatus
from app.ui.background import BackgroundOps
from app.ui.dialogs.contact_editor import ContactDialog
from app.ui.dialogs.new_client import NewClientDialog
from app.ui.icons import IconProvider
from app.ui.messages import error_label
from app.ui.placements_view import PlacementsView
from app.ui.table_model import ColumnTableModel, Index
from app.ui.widgets import SectionHeader, section_layout
from app.wording import plural

ROW_ROLE = Qt.ItemDataRole.UserRole
SEARCH_DELAY_MS = 200
STATUS_WORDS = {
    JobStatus.OPEN: "Open",
    JobStatus.ON_HOLD: "On hold",
    JobStatus.FILLED: "Filled",
    JobStatus.CLOSED: "Closed",
}


ACTION_WORDS = {
    "client.create": "Client added",
    "client.update": "Client edited",
    "contact.create": "Contact added",
    "contact.update": "Contact edited",
    "contact.archive": "Contact archived",
    "contact.restore": "Contact restored",
    "job.create": "Job opened",
    "job.update": "Job edited",
    "job.hold": "Job put on hold",
    "job.close": "Job closed",
    "job.fill": "Job filled",
    "job.reopen": "Job reopened",
}


def action_text(action: str) -> str:
    """An audit action in words ("contact.archive" → "Contact archived")."""
    words = ACTION_WORDS.get(action)
    return words if words else action.replace(".", " ").replace("_", " ").capitalize()


def when_text(moment: dt.datetime | None) -> str:
    """A stored (UTC) moment on this computer's calendar, to the minute; "—" for none."""
    if moment is None:
        return "—"
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return f"{aware.astimezone():%Y-%m-%d %H:%M}"


class RowsModel(ColumnTableModel):
    """A read-only table of plain rows, one function per column giving its text."""

    def __init__(self, columns: Sequence[tuple[str, Callable[[Any], object]]], parent: Any = None):
        super().__init__(parent)
        self.COLUMNS = tuple(title for title, _text in columns)
        self._texts = [text for _title, text in columns]

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(self._texts[index.column()](row))
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(
            self._texts[index.column()](row), int
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _table(name: str, model: RowsModel, widths: Sequence[int]) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(30)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setHighlightSections(False)
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
    return table


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "subtitle")
    return label


class ClientsSection(QWidget):
    """The client companies, and the selected one's jobs, contacts and recent activity."""

    changes_made = Signal(object)  # Changes, after each write made from this section
    job_activated = Signal(int)
    profile_requested = Signal(int)  # a candidate id, from the placements tab
    shows = frozenset(
        {
            ChangeKind.CLIENTS,
            ChangeKind.CONTACTS,
            ChangeKind.JOBS,
            ChangeKind.APPLICATIONS,
            ChangeKind.PLACEMENTS,
        }
    )

    def __init__(
        self, services: ServiceContext, icons: IconProvider, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.services = services
        self.ops = BackgroundOps(self)
        self.detail: ClientDetail | None = None
        self._selected_id: int | None = None
        layout = section_layout(self)
        self.header = SectionHeader("Clients", "")
        self.edit_client_button = QPushButton(icons.get("pencil"), "Edit client…")
        self.edit_client_button.setObjectName("editClient")
        self.edit_client_button.clicked.connect(self.edit_client)
        new_client = QPushButton(icons.get("plus", icons.palette.accent_text), "New client")
        new_client.setObjectName("newClient")
        new_client.setProperty("role", "primary")
        new_client.clicked.connect(self.new_client)
        self.header.add_action(self.edit_client_button)
        self.header.add_action(new_client)
        layout.addWidget(self.header)

        self.search = QLineEdit()
        self.search.setObjectName("clientSearch")
        self.search.setPlaceholderText("Search by name, industry or location")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icons.get("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setMaximumWidth(420)
        layout.addWidget(self.search)
        self.error = error_label("clientsError")
        layout.addWidget(self.error)

        self.model = RowsModel(
            (
                ("Name", lambda r: r.name),
                ("Open jobs", lambda r: r.open_jobs),
                ("Contacts", lambda r: r.contacts),
                ("Hires", lambda r: r.hires),
                ("Last activity", lambda r: when_text(r.last_activity)),
            ),
            self,
        )
        self.table = _table("clientsTable", self.model, (300, 110, 110, 90))
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        # The list above its detail: at 1024 pixels side by side would cut both.
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(self._build_detail())
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(self._search_timer.start)
        self._update_actions()
        self.reload()

    def _build_detail(self) -> QWidget:
        pane = QWidget()
        pane.setObjectName("clientDetail")
        column = QVBoxLayout(pane)
        column.setContentsMargins(0, 8, 0, 0)
        column.setSpacing(4)
        self.detail_title = QLabel("Choose a client")
        self.detail_title.setProperty("role", "subtitle")
        self.detail_info = QLabel("")
        self.detail_info.setProperty("role", "muted")
        self.detail_info.setWordWrap(True)
        column.addWidget(self.detail_title)
        column.addWidget(self.detail_info)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("clientTabs")
        self.tabs.setDocumentMode(True)
        column.addWidget(self.tabs, 1)

        contacts = QWidget()
        contacts_column = QVBoxLayout(contacts)
        contacts_column.setContentsMargins(0, 8, 0, 0)
        contacts_row = QHBoxLayout()
        self.add_contact_button = QPushButton("Add contact…")
        self.add_contact_button.setObjectName("addContact")
        self.add_contact_button.clicked.connect(self.add_contact)
        self.edit_contact_button = QPushButton("Edit…")
        self.edit_contact_button.setObjectName("editContact")
        self.edit_contact_button.clicked.connect(self.edit_contact)
        self.archive_contact_button = QPushButton("Archive")
        self.archive_contact_button.setObjectName("archiveContact")
        self.archive_contact_button.clicked.connect(self.toggle_archive)
        for button in (
            self.add_contact_button,
            self.edit_contact_button,
            self.archive_contact_button,
        ):
            contacts_row.addWidget(button)
        contacts_row.addStretch(1)
        contacts_column.addLayout(contacts_row)
        self.contacts_model = RowsModel(
            (
                ("Name", lambda c: c.name + (" (archived)" if c.archived else "")),
                ("Title", lambda c: c.title or "—"),
                ("Email", lambda c: c.emails[0] if c.emails else "—"),
                ("Phone", lambda c: c.phones[0] if c.phones else "—"),
                ("Hiring manager", lambda c: "Yes" if c.is_hiring_manager else ""),
            ),
            self,
        )
        self.contacts_table = _table("clientContacts", self.contacts_model, (180, 130, 180, 110))
        self.contacts_table.doubleClicked.connect(lambda _index: self.edit_contact())
        self.contacts_table.selectionModel().selectionChanged.connect(self._update_actions)
        contacts_column.addWidget(self.contacts_table, 1)
        self.tabs.addTab(contacts, "Contacts")

        self.jobs_model = RowsModel(
            (
                ("Job", lambda j: j.title),
                ("Status", lambda j: STATUS_WORDS[j.status]),
                ("Opened", lambda j: f"{j.opened_on:%Y-%m-%d}"),
                ("Hiring manager", lambda j: j.hiring_manager or "—"),
            ),
            self,
        )
        self.jobs_table = _table("clientJobs", self.jobs_model, (280, 100, 110))
        self.jobs_table.setToolTip("Double-click a job to open its board")
        self.jobs_table.doubleClicked.connect(self._job_activated)
        self.tabs.addTab(self.jobs_table, "Jobs")

        self.placements = PlacementsView("clientPlacements", with_client=False)
        self.placements.setToolTip("Double-click a placement to open the candidate")
        self.placements.candidate_activated.connect(self.profile_requested)
        self.tabs.addTab(self.placements, "Placements")

        self.activity_model = RowsModel(
            (
                ("When", lambda a: when_text(a.occurred_at)),
                ("What", lambda a: action_text(a.action)),
                ("About", lambda a: a.subject),
                ("By", lambda a: a.actor),
            ),
            self,
        )
        self.activity_table = _table("clientActivity", self.activity_model, (150, 170, 250))
        self.tabs.addTab(self.activity_table, "Recent activity")
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("clientNotes")
        self.notes.setReadOnly(True)  # written in Edit client…, one audited change
        self.notes.setPlaceholderText("No notes yet. Edit client… to add some.")
        self.tabs.addTab(self.notes, "Notes")
        return pane

    # ---- loading -----------------------------------------------------------------------
    def reload(self) -> None:
        services, text = self.services, self.search.text()
        self.ops.query("list", lambda: list_clients(services, text), self._show, self._fail)

    def _show(self, rows: list[ClientRow]) -> None:
        self.error.hide()
        keep = self._selected_id
        self.model.set_rows(rows)
        total = len(rows)
        searching = bool(self.search.text().strip())
        self.header.subtitle.setText(
            f"{plural(total, 'client')}{' found' if searching else ''}"
            f" · {plural(sum(r.open_jobs for r in rows), 'open job')}"
        )
        index = next((i for i, row in enumerate(rows) if row.id == keep), 0 if rows else None)
        if index is None:
            self._selected_id = None
            self._show_detail(None)
            self._show_placements(None)
        else:
            self.table.selectRow(index)
            if rows[index].id == keep:  # the same client: its detail may have changed
                self._load_detail()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.data(current, ROW_ROLE) if current.isValid() else None
        self._selected_id = row.id if row is not None else None
        self._load_detail()

    def _load_detail(self) -> None:
        client_id = self._selected_id
        if client_id is None:
            self._show_detail(None)
            self._show_placements(None)
            return
        services = self.services
        self.ops.query(
            "detail", lambda: get_client(services, client_id), self._show_detail, self._fail
        )
        self.ops.query(
            "placements",
            lambda: placements_report(services, client_id=client_id),
            self._show_placements,
            self._fail,
        )

    def _show_detail(self, detail: ClientDetail | None) -> None:
        self.detail = detail
        if detail is None:
            self.detail_title.setText("No client chosen" if self.model.rows else "No clients")
            self.detail_info.setText("")
        else:
            self.detail_title.setText(detail.name)
            facts = [detail.industry, detail.location, detail.website, detail.phone]
            self.detail_info.setText(" · ".join(f for f in facts if f) or "No details yet")
        self.jobs_model.set_rows(detail.jobs if detail else ())
        self.contacts_model.set_rows(detail.contacts if detail else ())
        self.activity_model.set_rows(detail.activity if detail else ())
        self.notes.setPlainText(detail.notes or "" if detail else "")
        counts = (len(detail.contacts), len(detail.jobs)) if detail else (0, 0)
        self.tabs.setTabText(0, f"Contacts ({counts[0]})")
        self.tabs.setTabText(1, f"Jobs ({counts[1]})")
        self._update_actions()

    def _show_placements(self, report: PlacementReport | None) -> None:
        self.placements.show_report(report)
        self.tabs.setTabText(2, f"Placements ({report.count if report else 0})")

    def _fail(self, error: BaseException) -> None:
        self.error.setText(str(error) or type(error).__name__)
        self.error.show()

    def on_changes(self, changes: Changes) -> None:
        self.reload()

    # ---- actions -----------------------------------------------------------------------
    def selected_contact(self) -> ContactRow | None:
        rows = self.contacts_table.selectionModel().selectedRows()
        return self.contacts_model.data(rows[0], ROW_ROLE) if rows else None

    def _update_actions(self, *_args: object) -> None:
        has_client = self.detail is not None
        contact = self.selected_contact()
        self.edit_client_button.setEnabled(has_client)
        self.add_contact_button.setEnabled(has_client)
        self.edit_contact_button.setEnabled(contact is not None)
        self.archive_contact_button.setEnabled(contact is not None)
        archived = contact is not None and contact.archived
        self.archive_contact_button.setText("Restore" if archived else "Archive")

    def _saved(self, dialog: NewClientDialog | ContactDialog) -> None:
        if dialog.exec() and dialog.outcome is not None:
            if isinstance(dialog, NewClientDialog) and dialog.client_id is None:
                self._selected_id = dialog.outcome.value
            self.changes_made.emit(dialog.all_changes())

    def new_client(self) -> None:
        self._saved(NewClientDialog(self.services, self))

    def edit_client(self) -> None:
        if self.detail is not None:
            detail = self.detail
            self._saved(NewClientDialog(self.services, self, detail.id, detail.as_input()))

    def add_contact(self) -> None:
        if self.detail is not None:
            self._saved(ContactDialog(self.services, self.detail.id, parent=self))

    def edit_contact(self) -> None:
        contact = self.selected_contact()
        if contact is not None:
            self._saved(ContactDialog(self.services, contact.client_id, contact, self))

    def toggle_archive(self) -> None:
        contact = self.selected_contact()
        if contact is None:
            return
        services, contact_id, archived = self.services, contact.id, not contact.archived
        self.ops.write(
            "archive",
            lambda: archive_contact(services, contact_id, archived),
            lambda _outcome: None,
            self._fail,
            self.changes_made.emit,
        )

    def _job_activated(self, index: QModelIndex) -> None:
        job = self.jobs_model.data(index, ROW_ROLE)
        if job is not None:
            self.job_activated.emit(job.id)
