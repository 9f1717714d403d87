"""The main window: navigation on the left, one section at a time on the right.

Sections are built the first time they are shown, so start-up pays only for the first screen.
"""

from __future__ import annotations

import base64
import importlib
import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME, __version__
from app.bootstrap import Workspace
from app.resources import resources_dir
from app.services.admin.stats import headline_counts
from app.services.core.changes import ChangeKind, Changes
from app.services.core.roles import Permission, allowed
from app.settings import save_settings
from app.store.database import prepare_mappers
from app.store.errors import is_damage
from app.ui.background import BackgroundOps
from app.ui.database_care import DamageBanner, DatabaseCare
from app.ui.events import AppEvents
from app.ui.file_dialogs import remember_folder, start_folder
from app.ui.first_paint import after_first_paint
from app.ui.icons import IconProvider
from app.ui.notifier import TaskReminders
from app.ui.sections.registry import (
    NOTICE_MS,
    SECTIONS,
    Section,
    SectionContext,
    SectionSpec,
    build_job_board,
    concerns,
)
from app.ui.theme import apply_theme
from app.ui.watcher import DatabaseWatcher
from app.wording import plural

if TYPE_CHECKING:
    from app.services.core.context import ServiceContext
    from app.ui.board.model import StageDrop
    from app.ui.dialogs.form import FormDialog
    from app.ui.intake.dock import IntakeDock
    from app.ui.mail_runtime import MailRuntime
    from app.ui.mailbox_runtime import MailboxRuntime

log = logging.getLogger(__name__)

MAIL_START_DELAY_MS = 2500
NAVIGATION_PADDING = 84  # icon, its gap, the item's padding and margin, the border
MAIL_CHANGES_INTERVAL_MS = 1000

SPECS: dict[str, SectionSpec] = {spec.key: spec for spec in SECTIONS}
KEYS: tuple[str, ...] = tuple(SPECS)


class UnreadableSection(QLabel):
    """In place of a section whose data sits on a damaged page: shows no data to reload."""

    shows: frozenset[ChangeKind] = frozenset()

    def on_changes(self, changes: Changes) -> None:
        """Nothing on screen depends on data."""


class MainWindow(QMainWindow):
    def __init__(self, workspace: Workspace, icons: IconProvider, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.services = workspace.services
        self.icons = icons
        self.events = AppEvents(self)
        self.undo_stack = QUndoStack(self)
        self.sections: dict[str, QWidget] = {}  # each implements `Section`
        self.setObjectName("mainWindow")
        # Qt adds " — Hirebench" (the application's display name) itself.
        self.setWindowTitle(workspace.database.path.name)
        self.setMinimumSize(QSize(760, 520))

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setIconSize(QSize(20, 20))
        self.navigation.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for spec in SECTIONS:
            item = QListWidgetItem(icons.navigation(spec.icon), spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.navigation.addItem(item)
            item.setHidden(not self.may_open(spec.key))
        self.stack = QStackedWidget()
        self.stack.setObjectName("sections")
        self.splitter = QSplitter()
        self.splitter.addWidget(self.navigation)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        # The sidebar keeps room for its longest label: a narrow window or a long message
        # never squeezes it to "Pipel", "Cand".
        self.splitter.setCollapsible(0, False)
        self._fit_navigation()
        # At that width the labels are whole; a scroll bar under them would only hide a row.
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.splitter.setSizes([workspace.settings.navigation_width, 1000])
        self.damage_banner = DamageBanner()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.damage_banner)
        column.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.care = DatabaseCare(workspace.database, self.damage_banner, self)
        self.care.notice.connect(self.notice)
        self.care.damaged.connect(self._database_damaged)

        self._build_menus()
        self.status_counts = QLabel()
        self.status_counts.setProperty("role", "muted")
        # "N onboarding checks overdue", a link to the Compliance section; hidden when none.
        self.status_overdue = QLabel()
        self.status_overdue.setObjectName("statusOverdueChecks")
        self.status_overdue.setProperty("role", "error")
        self.status_overdue.linkActivated.connect(lambda _link: self.show_section("compliance"))
        self.status_overdue.hide()
        self.statusBar().addPermanentWidget(self.status_overdue)
        self.statusBar().addPermanentWidget(self.status_counts)
        self.intake_targets: list[StageDrop] = []  # hand-over to resume intake (files on a column)
        self.watcher = DatabaseWatcher(workspace.database.path, parent=self)
        self.watcher.changed_elsewhere.connect(self._changed_elsewhere)
        self.watcher.start()
        self._intake: IntakeDock | None = None  # made on first import: not needed to start
        self._mail: MailRuntime | None = None  # the outbox dispatcher, started after start-up
        self._mailbox: MailboxRuntime | None = None  # the inbox poller, started with it
        self._closed = False
        self._mail_pending = Changes()
        self._mail_flush = QTimer(self, singleShot=True, interval=MAIL_CHANGES_INTERVAL_MS)
        self._mail_flush.timeout.connect(self._flush_mail_changes)
        self._mail_quiet = QTimer(self, singleShot=True, interval=MAIL_CHANGES_INTERVAL_MS * 2)
        self._mail_quiet.timeout.connect(
            lambda: None if self._mail_flush.isActive() else self.watcher.resume()
        )
        self.setAcceptDrops(True)
        if workspace.settings.inbox_folder:
            folder = workspace.settings.inbox_folder
            QTimer.singleShot(1500, lambda: self.intake.watch_inbox(folder))
        self.events.changed.connect(self._on_changes)
        self.events.status_message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.navigation.currentRowChanged.connect(self._show_row)
        self.navigation.itemClicked.connect(lambda item: self._show_row(self.navigation.row(item)))

        self._restore_geometry()
        start = workspace.settings.last_section
        self.navigation.setCurrentRow(KEYS.index(start) if start in KEYS else 0)
        self._status_ops = BackgroundOps(self)
        self._status_timer = QTimer(self)  # counts refresh once after a burst of changes
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(300)
        self._status_timer.timeout.connect(self._refresh_status)
        after_first_paint(self, self._refresh_status)  # it would delay that paint
        QTimer.singleShot(2000, self._preload_intake)
        # The ORM configures every mapper on first use (~40 ms at 25 models): do it while the
        # window sits idle after start-up, not when the recruiter first opens a list.
        QTimer.singleShot(800, prepare_mappers)
        # Scheduled and unsent mail from the last session goes out once the window is up.
        QTimer.singleShot(MAIL_START_DELAY_MS, self._start_mail)
        self._start_task_reminders()  # what fell due while closed, then every minute
        self.care.check_soon()  # the whole file, in the background, once things settle
        if workspace.database.read_only:
            self._apply_read_only()

    # ---- sections ---------------------------------------------------------------------------
    def _section_context(self) -> SectionContext:
        """What a section gets from the window; made per section, with the current icons."""
        return SectionContext(
            workspace=self.workspace,
            icons=self.icons,
            undo_stack=self.undo_stack,
            host=self,
            publish=self.events.publish,
            notice=self.notice,
            mail=lambda: self.mail_runtime,
        )

    def notice(self, text: str) -> None:
        """A section's or the database care's short result, in the status bar."""
        self.statusBar().showMessage(text, NOTICE_MS)

    def section(self, key: str) -> QWidget:
        """The section widget for ``key``, built on first use."""
        widget = self.sections.get(key)
        if widget is None:
            try:
                widget = SPECS[key].build(self._section_context())
            except Exception as exc:
                if not is_damage(exc):
                    raise
                widget = self._unreadable_section(exc)
            widget.setObjectName(f"section_{key}")
            self.sections[key] = widget
            self.stack.addWidget(widget)
        return widget

    def _unreadable_section(self, exc: Exception) -> QWidget:
        """In place of a section whose data sits on a damaged page: what happened, what next."""
        log.error("section unreadable: %s", exc)
        if self.workspace.database.damage is None:
            self.care.check(full=False, report=False)  # mark it read-only, show the banner
        label = UnreadableSection(
            "This section cannot be shown: its data is on a damaged part of the database.\n"
            "Restore a backup, or salvage the readable rows with 'hirebench recover NEW-FILE'."
        )
        label.setObjectName("unreadableSection")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        return label

    def may_open(self, key: str) -> bool:
        """Whether the user's role may use the section (see `SectionSpec.permission`)."""
        spec = SPECS[key]
        return spec.permission is None or allowed(self.services.actor, spec.permission)

    def show_section(self, key: str) -> None:
        if not self.may_open(key):
            return
        row = KEYS.index(key)
        if self.navigation.currentRow() == row:
            self._show_row(row)  # e.g. back to the Jobs list from a job's board
        else:
            self.navigation.setCurrentRow(row)

    def current_section_key(self) -> str:
        item = self.navigation.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else KEYS[0]

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        key = KEYS[row]
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.stack.setCurrentWidget(self.section(key))
        finally:
            QApplication.restoreOverrideCursor()

    def first_screen_view(self) -> QTableView:
        """The table of the section shown first (used by the start-up benchmark)."""
        section = self.section(self.current_section_key())
        return section.findChild(QTableView) or self.section("jobs").table  # type: ignore[attr-defined]

    # ---- menus ------------------------------------------------------------------------------
    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | str | None = None,
        icon: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if icon:
            action.setIcon(self.icons.get(icon))
            self._themed_actions.append((action, icon))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_menus(self) -> None:
        self._themed_actions: list[tuple[QAction, str]] = []  # icons redrawn on a theme change
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        self.new_job_action = self._action("New &job…", self.new_job, "Ctrl+N", "briefcase")
        self.new_client_action = self._action("New c&lient…", self.new_client, None, "building-2")
        self.new_candidate_action = self._action(
            "New &candidate…", self.new_candidate, "Ctrl+Shift+N", "user-plus"
        )
        self.import_action = self._action("&Import files…", self.import_files, "Ctrl+I", "upload")
        self.import_folder_action = self._action(
            "Import a &folder…", self.import_folder, "Ctrl+Shift+I", "folder-open"
        )
        self.quick_add_action = self._action(
            "&Quick-add sourced candidate…", self.quick_add_candidate, None, "user-plus"
        )
        backup_action = self._action("&Back up database…", self.backup_database, None, "database")
        quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit, "log-out")
        for action in (self.new_job_action, self.new_client_action, self.new_candidate_action):
            file_menu.addAction(action)
        file_menu.addAction(self.quick_add_action)
        file_menu.addSeparator()
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.import_folder_action)
        file_menu.addAction(backup_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)

        edit_menu = menu.addMenu("&Edit")
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setIcon(self.icons.get("undo-2"))
        self._themed_actions.append((self.undo_action, "undo-2"))
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.redo_action.setIcon(self.icons.get("redo-2"))
        self._themed_actions.append((self.redo_action, "redo-2"))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)

        view_menu = menu.addMenu("&View")
        for number, spec in enumerate(SECTIONS, start=1):
            key = spec.key
            keys = f"Ctrl+{number % 10}" if number <= 10 else spec.shortcut  # tenth: Ctrl+0
            action = self._action(spec.title, lambda key=key: self.show_section(key), keys)
            action.setVisible(self.may_open(key))
            view_menu.addAction(action)

        help_menu = menu.addMenu("&Help")
        self.check_database_action = self._action(
            "&Check database…", lambda: self.care.check(full=True, report=True), None, "database"
        )
        self._help_pages: dict[str, QWidget] = {}  # the help pages open, one of each
        self.shortcuts_action = self._action(
            "&Keyboard shortcuts", self.show_shortcuts, "Ctrl+/", "keyboard"
        )
        self.getting_started_action = self._action(
            "&Getting started",
            self.show_getting_started,
            QKeySequence.StandardKey.HelpContents,
            "circle-help",
        )
        self.data_locations_action = self._action(
            "&Where is my data?", self.show_data_locations, None, "folder-open"
        )
        self.report_problem_action = self._action(
            "&Report a problem…", self.report_problem, None, "bug"
        )
        help_menu.addAction(self.getting_started_action)
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.data_locations_action)
        help_menu.addSeparator()
        help_menu.addAction(self.check_database_action)
        help_menu.addAction(self.report_problem_action)
        help_menu.addSeparator()
        help_menu.addAction(self._action(f"&About {APP_NAME}", self.about, None, "info"))

    # ---- use cases --------------------------------------------------------------------------
    def _run_dialog(self, dialog: FormDialog, done: str) -> bool:
        if not self._writable():
            return False
        if dialog.exec() != dialog.DialogCode.Accepted:
            self.events.publish(dialog.all_changes())  # e.g. a client made from the job dialog
            return False
        self.events.publish(dialog.all_changes())
        self.events.status_message.emit(done)
        return True

    def new_job(self) -> None:
        # Deferred: start-up time (loaded when first used, not to show the first screen).
        from app.ui.dialogs.new_job import NewJobDialog

        if self._run_dialog(NewJobDialog(self.services, self), "Job created."):
            self.show_section("jobs")

    def new_client(self) -> None:
        # Deferred: start-up time (loaded when first used, not to show the first screen).
        from app.ui.dialogs.new_client import NewClientDialog

        self._run_dialog(NewClientDialog(self.services, self), "Client created.")

    def new_candidate(self) -> None:
        # Deferred: start-up time (loaded when first used, not to show the first screen).
        from app.ui.dialogs.new_candidate import NewCandidateDialog

        if self._run_dialog(NewCandidateDialog(self.services, self), "Candidate created."):
            self.show_section("candidates")

    def quick_add_candidate(self) -> None:
        # Deferred: start-up time (loaded when first used, not to show the first screen).
        from app.ui.dialogs.quick_add import QuickAddDialog

        if not self._writable():
            return
        dialog = QuickAddDialog(self.services, self)
        accepted = dialog.exec() == dialog.DialogCode.Accepted
        self.events.publish(dialog.all_changes())
        if accepted:
            self.events.status_message.emit("Sourced candidate created.")

    def show_best_matches(self, job_id: int) -> None:
        # Deferred: start-up time (loaded when first used, not to show the first screen).
        from app.ui.dialogs.best_matches import BestMatchesDialog

        dialog = BestMatchesDialog(self.services, job_id, self)
        dialog.changes_made.connect(self.events.publish)
        dialog.open_profile.connect(self.open_profile)
        dialog.exec()

    def new_pool(self, smart: bool = False) -> None:
        # Deferred: start-up time (loaded when first used, not to show the first screen).
        from app.ui.dialogs.new_pool import NewPoolDialog

        self._run_dialog(NewPoolDialog(self.services, smart, self), "Talent pool created.")

    def _preload_intake(self) -> None:
        """Load the import machinery in a background thread while the recruiter looks around,
        so the first dropped file does not stall the window."""
        threading.Thread(target=_import_intake_modules, name="preload", daemon=True).start()

    @property
    def intake(self) -> IntakeDock:
        """The Imports dock, created the first time resumes come in."""
        if self._intake is None:
            # Deferred: start-up time (the intake machinery loads on first import).
            from app.ui.intake.dock import IntakeDock

            dock = IntakeDock(
                self.services,
                self.workspace.paths.documents_dir,
                self.icons.palette,
                self.workspace.settings.default_phone_region,
                self,
                undo_stack=self.undo_stack,  # an attach to an existing candidate is undoable
            )
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            dock.changes.connect(self.events.publish)
            dock.notice.connect(self.events.status_message)
            dock.busy_changed.connect(
                lambda busy: self.watcher.pause() if busy else self.watcher.resume()
            )
            dock.review_requested.connect(self.review_imports)
            self._intake = dock
        return self._intake

    def import_files(self) -> None:
        # Deferred: start-up time (the intake machinery loads on first import).
        from app.ui.intake.dock import RESUME_SUFFIXES

        patterns = " ".join(f"*{suffix}" for suffix in RESUME_SUFFIXES)
        files, _filter = QFileDialog.getOpenFileNames(
            self,
            "Import resumes",
            start_folder(self, "import"),
            f"Resumes ({patterns});;All files (*)",
        )
        if files:
            remember_folder(self, "import", files[0])
            self.intake.import_paths(files)

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Import every resume in a folder", start_folder(self, "import")
        )
        if folder:
            remember_folder(self, "import", Path(folder).parent)
            self.intake.import_paths([folder])

    # ---- files dropped on the window: new candidates ----------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.intake.import_paths(paths)

    def backup_database(self) -> None:
        self.care.backup()

    def compact_database(self) -> None:
        self.care.compact()

    def _database_damaged(self, summary: str) -> None:
        """Found damaged after start-up: stop sending mail, say so; the banner says the rest."""
        self.statusBar().showMessage(summary, 15000)
        if self._mail is not None:
            self._mail.stop()
        if self._mailbox is not None:
            self._mailbox.stop()
        self._apply_read_only()

    def _apply_read_only(self) -> None:
        """Offer no way to add records to a read-only (damaged) database."""
        for action in (
            self.new_job_action,
            self.new_client_action,
            self.new_candidate_action,
            self.quick_add_action,
            self.import_action,
            self.import_folder_action,
        ):
            action.setEnabled(False)
        self.setAcceptDrops(False)

    def _writable(self) -> bool:
        """False (and said in the status bar) while the database is open read-only."""
        if self.workspace.database.read_only:
            self.statusBar().showMessage(
                "The database is open read-only because it is damaged; nothing can be added.",
                8000,
            )
            return False
        return True

    def _fit_navigation(self) -> None:
        """Room for the longest label in the sidebar's own font, which the theme's style sheet
        sets: measured once the sheet is applied (polished), and again on a theme change."""
        self.navigation.ensurePolished()
        metrics = self.navigation.fontMetrics()
        widest = max(metrics.horizontalAdvance(spec.title) for spec in SECTIONS)
        self.navigation.setMinimumWidth(widest + NAVIGATION_PADDING)

    def set_theme(self, mode: str) -> None:
        palette = apply_theme(QApplication.instance(), mode)
        self._fit_navigation()
        self.icons = IconProvider(resources_dir(), palette)
        for row, spec in enumerate(SECTIONS):
            self.navigation.item(row).setIcon(self.icons.navigation(spec.icon))
        for action, name in self._themed_actions:
            action.setIcon(self.icons.get(name))
        self._save_settings(theme=mode)
        # After the signal that asked for it has returned (it may come from a section).
        QTimer.singleShot(0, self._rebuild_sections)

    def _rebuild_sections(self) -> None:
        """Sections paint with the palette and icons they were built with (board cards, tool
        buttons): after a theme change, build the ones already made again, in the new one."""
        shown = self.stack.currentWidget()
        board = self.sections.get("job_board")
        board_job = getattr(board, "job_id", None) if shown is board else None
        for widget in self.sections.values():
            self.stack.removeWidget(widget)
            widget.deleteLater()
        self.sections.clear()
        if board_job is not None:
            self.open_job_board(board_job)
        else:
            self._show_row(self.navigation.currentRow())

    def about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>Applicant tracking and candidate relationships for small recruiting agencies, "
            "on your own computer.</p>"
            f"<p>Database: {self.workspace.database.path}</p>"
            "<p>Icons: Lucide (ISC licence). Built with Qt for Python (LGPLv3).</p>",
        )

    # ---- help ---------------------------------------------------------------------------------
    def _help_window(self, name: str, make: Callable[[], QWidget]) -> QWidget:
        """A help page beside the window (not modal: read it while working); one of each."""
        dialog = self._help_pages.get(name)
        if dialog is None:
            dialog = make()
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.destroyed.connect(lambda _obj=None, name=name: self._help_pages.pop(name, None))
            self._help_pages[name] = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def show_shortcuts(self) -> QWidget:
        # Deferred: start-up time (loaded when first used, not to show the first screen).
        from app.ui.dialogs.help import ShortcutsDialog

        return self._help_window("shortcuts", lambda: ShortcutsDialog(self))

    def show_getting_started(self) -> QWidget:
        # Deferred: start-up time (loaded when first used, not to show the first screen).
        from app.ui.dialogs.help import GettingStartedDialog

        return self._help_window("getting_started", lambda: GettingStartedDialog(self))

    def show_data_locations(self) -> QWidget:
        # Deferred: start-up time (loaded when first used, not to show the first screen).
        from app.ui.dialogs.help import DataLocationsDialog, data_locations

        paths = self.workspace.paths
        places = data_locations(
            database=self.workspace.database.path,
            backups=self.workspace.database.backups_dir or paths.backups_dir,
            settings=paths.settings_file,
            log=paths.log_file,
            documents=paths.documents_dir,
        )
        return self._help_window("data", lambda: DataLocationsDialog(places, self))

    def report_problem(self) -> QWidget:
        """Open the log folder and say what to send."""
        # Deferred: start-up time (loaded when first used, not to show the first screen).
        from app.ui.dialogs.help import ReportProblemDialog, open_folder

        log_file = self.workspace.paths.log_file
        log_file.parent.mkdir(parents=True, exist_ok=True)
        if not open_folder(log_file.parent):
            self.statusBar().showMessage(f"The log folder is {log_file.parent}", 15000)
        return self._help_window(
            "report", lambda: ReportProblemDialog(log_file, self.workspace.database.path, self)
        )

    # ---- task reminders -------------------------------------------------------------------------
    def _start_task_reminders(self) -> None:
        self.reminders = TaskReminders(
            self.services,
            self,
            self.windowIcon() if not self.windowIcon().isNull() else self.icons.get("list-todo"),
            read_only=lambda: self.workspace.database.read_only,
        )
        self.reminders.changes_made.connect(self.events.publish)
        self.reminders.show_tasks_requested.connect(self.show_tasks)
        self.reminders.show_interviews_requested.connect(lambda: self.show_section("interviews"))
        self.reminders.start()

    def show_tasks(self) -> None:
        """Bring the window forward on the Tasks section (a reminder was clicked)."""
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()
        self.show_section("tasks")

    # ---- changes ----------------------------------------------------------------------------
    def _on_changes(self, changes: Changes, origin: object = None) -> None:
        """Tell each section built so far that shows what changed (all of them, for a change
        made by another process), except ``origin``, which is already up to date."""
        for widget in self.sections.values():
            section = cast(Section, widget)  # every widget in `sections` implements it
            if widget is not origin and concerns(section, changes):
                section.on_changes(changes)
        self._status_timer.start()

    def _changed_elsewhere(self) -> None:
        self.events.publish(Changes.of(ChangeKind.EXTERNAL))
        self.events.status_message.emit("The database was changed elsewhere; views reloaded.")

    # ---- boards -----------------------------------------------------------------------------
    def open_job_board(self, job_id: int) -> None:
        """Show a job's kanban board (from the Jobs list)."""
        page = self.sections.get("job_board")
        if page is None:
            page = build_job_board(self._section_context())
            page.setObjectName("section_job_board")
            page.back_requested.connect(lambda: self._show_row(0))
            self.sections["job_board"] = page
            self.stack.addWidget(page)
        page.open_job(job_id)
        self.stack.setCurrentWidget(page)

    def hand_over_to_intake(self, drop: StageDrop) -> None:
        """Files dropped on a board column become applications in that job and stage."""
        # Deferred: start-up time (the intake machinery loads on first import).
        from app.services.intake.importer import IntakeTarget

        self.intake_targets.append(drop)
        target = IntakeTarget(job_id=drop.job_id, stage_id=drop.stage_id)
        self.intake.import_paths(drop.paths, target)
        self.events.status_message.emit(
            f"Importing {plural(len(drop.paths), 'file')} into “{drop.stage_name}”."
        )

    def review_imports(self, clicked: object = None) -> None:
        """Step through the imported resumes, starting at the one double-clicked."""
        self.intake.review(clicked)

    def review_duplicates(self) -> None:
        # Deferred: start-up time (loaded when first used, not to show the first screen).
        from app.ui.dialogs.duplicates import DuplicatesDialog

        dialog = DuplicatesDialog(
            self.services,
            self,
            self.undo_stack,
            self.events.publish,
            self.events.status_message.emit,
        )
        dialog.changes_made.connect(self.events.publish)
        dialog.exec()

    def set_phone_region(self, region: str) -> None:
        """The region assumed for phone numbers written without a country code."""
        self._save_settings(default_phone_region=region)

    def set_inbox_folder(self, folder: str) -> None:
        self._save_settings(inbox_folder=folder)
        self.intake.watch_inbox(folder)

    def import_into_pool(self, pool_id: int, paths: list[str]) -> None:
        # Deferred: start-up time (the intake machinery loads on first import).
        from app.services.intake.importer import IntakeTarget

        self.intake.import_paths(paths, IntakeTarget(pool_id=pool_id))

    def open_profile(self, candidate_id: int) -> None:
        # Deferred: start-up time (loaded when first used, not to show the first screen).
        from app.ui.dialogs.profile import ProfileDialog

        dialog = ProfileDialog(
            self.services,
            candidate_id,
            self.workspace.paths.documents_dir,
            self,
            wake=self.mail_runtime.wake,
            undo_stack=self.undo_stack,  # Edit… goes on Edit → Undo; an undo reloads the views
            publish=self.events.publish,
            backups_dir=self.workspace.database.backups_dir,
        )
        dialog.settings_requested.connect(lambda: self.show_section("settings"))
        dialog.pool_requested.connect(self.show_pool)
        dialog.notice.connect(self.events.status_message)
        dialog.exec()
        self.events.publish(dialog.all_changes())  # notes, calls, consent: views reload once

    def show_pool(self, pool_id: int) -> None:
        """Talent pools, with ``pool_id`` chosen (a profile's "Open pool")."""
        self.show_section("talent_pools")
        self.section("talent_pools").select_pool(pool_id)  # type: ignore[attr-defined]

    # ---- mail ---------------------------------------------------------------------------------
    @property
    def mail_runtime(self) -> MailRuntime:
        """The keyring and the outbox dispatcher, made when first needed."""
        if self._mail is None:
            # Deferred: start-up time (the mail runtime is made after the first screen).
            from app.ui.mail_runtime import MailRuntime

            self._mail = MailRuntime(self.services, parent=self)
            self._mail.problem.connect(lambda text: self.statusBar().showMessage(text, 15000))
            self._mail.changes_made.connect(self._mail_changes)
        return self._mail

    def _mail_changes(self, changes: Changes) -> None:
        """What the dispatcher wrote (sent mail on timelines, outbox states), broadcast at
        most once a second so a 1,000-message campaign does not reload every view per batch.
        Its commits are ours, not another program's: the watcher rests meanwhile."""
        self._mail_pending = self._mail_pending | changes
        self.watcher.pause()
        if not self._mail_flush.isActive():
            self._mail_flush.start()

    def _flush_mail_changes(self) -> None:
        changes, self._mail_pending = self._mail_pending, Changes()
        self.events.publish(changes, self._mail)
        self._mail_quiet.start()  # the watcher resumes once the dispatcher goes quiet

    def _start_mail(self) -> None:
        # A window closed within seconds of opening sends nothing; nor does a damaged database,
        # nor the window of a role that changes no record (compliance, hiring managers): the
        # recruiters' windows send the outbox and read the inbox.
        may_send = allowed(self.services.actor, Permission.EDIT_RECORDS)
        if not self._closed and not self.workspace.database.read_only and may_send:
            self.mail_runtime.start()
            # Deferred: start-up time (the mailbox modules load after the first screen).
            from app.services.mailbox.settings import get_settings

            self.mailbox_runtime.start(get_settings(self.services))

    @property
    def mailbox_runtime(self) -> MailboxRuntime:
        """The inbox poller, made when first needed; it waits while the account is off."""
        if self._mailbox is None:
            # Deferred: start-up time (the mailbox runtime is made after the first screen).
            from app.ui.mailbox_runtime import MailboxRuntime

            self._mailbox = MailboxRuntime(
                self.services, self.workspace.paths.documents_dir, parent=self
            )
            self._mailbox.changes_made.connect(self._mail_changes)
        return self._mailbox

    def _refresh_status(self) -> None:
        """Count in the background: at 100,000 candidates the counts take ~60 ms, which on
        the GUI thread held the first screen's paint at start-up and every change after."""
        services = self.services
        self._status_ops.query(
            "status",
            lambda: _status_figures(services),
            self._show_status,
            lambda exc: log.warning("status bar counts failed: %s", exc),
        )

    def _show_status(self, counted: tuple[int, dict[str, int]]) -> None:
        overdue, counts = counted
        if overdue:
            checks = "check" if overdue == 1 else "checks"
            self.status_overdue.setText(
                f'<a href="compliance">{overdue:,} onboarding {checks} overdue</a>'
            )
        self.status_overdue.setVisible(bool(overdue))
        self.status_counts.setText(
            f"{counts['candidates']:,} candidates · {counts['jobs']:,} jobs · "
            f"{self.workspace.database.path.name}"
        )

    # ---- persistence of the window ----------------------------------------------------------
    def _restore_geometry(self) -> None:
        settings = self.workspace.settings
        if settings.window_geometry:
            self.restoreGeometry(QByteArray(base64.b64decode(settings.window_geometry)))
        else:
            self.resize(1280, 800)
        if settings.window_state:
            self.restoreState(QByteArray(base64.b64decode(settings.window_state)))

    def _save_settings(self, **changes: object) -> None:
        self.workspace.settings = replace(self.workspace.settings, **changes)
        try:
            save_settings(self.workspace.paths.settings_file, self.workspace.settings)
        except OSError as exc:
            log.warning("could not save settings: %s", exc)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        self.watcher.close()
        if self._intake is not None:
            self._intake.shutdown()
        if self._mail is not None:
            self._mail.stop()
        if self._mailbox is not None:
            self._mailbox.stop()
        self._save_settings(
            window_geometry=base64.b64encode(bytes(self.saveGeometry().data())).decode(),
            window_state=base64.b64encode(bytes(self.saveState().data())).decode(),
            last_section=self.current_section_key(),
            navigation_width=self.splitter.sizes()[0],
        )
        super().closeEvent(event)


def _import_intake_modules() -> None:
    """Modules the mail runtime and the mailbox poller (started at `MAIL_START_DELAY_MS`), the
    first import and the other sections need, loaded ahead of use."""
    for name in (
        "app.ui.mail_runtime",
        "app.workers.dispatcher",
        "app.services.engagement.sequences",
        "app.services.engagement.mail_settings",
        "app.ui.mailbox_runtime",
        "app.workers.mailbox_poller",
        "app.services.mailbox.settings",
        "app.ui.intake.dock",
        "app.ui.intake.controller",
        "app.workers.intake",
        "app.services.intake.importer",
        "app.services.candidates.duplicates",
        "app.ui.sections.candidates",
        "app.ui.sections.pools",
        "app.services.candidates.search",
    ):
        importlib.import_module(name)


def _status_figures(services: ServiceContext) -> tuple[int, dict[str, int]]:
    """The status bar's figures: onboarding checks overdue, candidates and jobs."""
    # Deferred: the onboarding service brings its models (~10 ms of imports), which the first
    # screen does not need; the figures are counted on a worker after it is painted.
    from app.services.pipeline.onboarding import overdue_count

    return overdue_count(services), headline_counts(services)
