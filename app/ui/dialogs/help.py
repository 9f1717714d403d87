"""The Help menu's pages: keyboard shortcuts, getting started, where the data lives, and how
to report a problem.

The shortcuts list is read from the window's own actions (its menus, and the actions of the
sections built so far), so it cannot drift from what the keys really do; the few keys that
work inside one view without an action are listed in `PLACE_SHORTCUTS` (a test checks that
they exist).
"""

from __future__ import annotations

import platform
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME, __version__


@dataclass(frozen=True)
class Shortcut:
    """One line of the list: where it works, what it does, the keys."""

    place: str
    action: str
    keys: str


# Keys handled inside one view rather than by an action (see tests/ui/test_help.py).
PLACE_SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("Job board", "Move the selected cards to the next stage", "Ctrl+Right"),
    Shortcut("Job board", "Move the selected cards to the previous stage", "Ctrl+Left"),
    Shortcut("Reviewing imports", "Next resume", "Alt+Right"),
    Shortcut("Reviewing imports", "Previous resume", "Alt+Left"),
    Shortcut("Reviewing imports", "Accept and go on", "Ctrl+Return"),
    Shortcut("Candidate profile", "Add the note being written", "Ctrl+Return"),
)


def _plain(text: str) -> str:
    """A menu text without its mnemonic ampersand or trailing ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def _keys(action: QAction) -> str:
    return ", ".join(
        sequence.toString(QKeySequence.SequenceFormat.NativeText)
        for sequence in action.shortcuts()
        if not sequence.isEmpty()
    )


def _menu_shortcuts(menu: QMenu, place: str) -> Iterable[tuple[QAction, Shortcut]]:
    for action in menu.actions():
        submenu = action.menu()
        if isinstance(submenu, QMenu):
            yield from _menu_shortcuts(submenu, f"{place} › {_plain(submenu.title())}")
        elif not action.isSeparator() and _keys(action):
            yield action, Shortcut(f"{place} menu", _plain(action.text()), _keys(action))


def _section_name(action: QAction) -> str:
    """The section an action belongs to, from the nearest ``section_<key>`` ancestor."""
    widget = action.parent()
    while isinstance(widget, QWidget):
        name = widget.objectName()
        if name.startswith("section_"):
            return name.removeprefix("section_").replace("_", " ").capitalize()
        widget = widget.parentWidget()
    return "Window"


def collect_shortcuts(window: QMainWindow) -> list[Shortcut]:
    """Every shortcut of the window's menus, then those of its sections' actions (the
    sections built so far), then `PLACE_SHORTCUTS`."""
    seen: set[int] = set()
    found: list[Shortcut] = []
    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            for action, shortcut in _menu_shortcuts(menu, _plain(menu.title())):
                seen.add(id(action))
                found.append(shortcut)
    for action in window.findChildren(QAction):
        if id(action) in seen or not _keys(action) or action.menu() is not None:
            continue
        seen.add(id(action))
        found.append(Shortcut(_section_name(action), _plain(action.text()), _keys(action)))
    native = QKeySequence.SequenceFormat.NativeText
    for place in PLACE_SHORTCUTS:
        found.append(Shortcut(place.place, place.action, QKeySequence(place.keys).toString(native)))
    unique: dict[tuple[str, str, str], Shortcut] = {}
    for shortcut in found:
        unique.setdefault((shortcut.place, shortcut.action, shortcut.keys), shortcut)
    return list(unique.values())


class ShortcutsDialog(QDialog):
    """Keyboard shortcuts, in a table: where, what, keys."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(620, 560)
        layout = QVBoxLayout(self)
        heading = QLabel("Keyboard shortcuts")
        heading.setProperty("role", "title")
        layout.addWidget(heading)
        self.shortcuts = collect_shortcuts(window)
        self.table = QTableWidget(len(self.shortcuts), 3)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels(["Where", "What", "Keys"])
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        for row, shortcut in enumerate(self.shortcuts):
            for column, text in enumerate((shortcut.place, shortcut.action, shortcut.keys)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        layout.addWidget(self.table, 1)
        _close_button(self, layout)


GETTING_STARTED = f"""
<h2>Getting started with {APP_NAME}</h2>
<p><b>1. A client and a job.</b> Choose <i>File → New client…</i> for the company you recruit
for, then <i>File → New job…</i> (Ctrl+N) for the opening. The job gets the usual stages
(Applied, Screened, Interviewed, Offered, Hired); <i>Stages…</i> in Jobs changes them.</p>
<p><b>2. Resumes in.</b> Drop PDF, Word, text or RTF files — or a whole folder, or a .zip — on
the window to create candidates, or on a column of a job's board to put them straight into
that stage. <i>File → Import files…</i> (Ctrl+I) does the same. Files are read in the
background; the Imports panel shows each one, and a person already known is recognised by
email or phone rather than added twice.</p>
<p><b>3. Move cards.</b> Double-click a job to open its board and drag cards between stages,
or select them and press Ctrl+→ / Ctrl+←. A rejection asks for a reason; a move to Offered
offers to record the offer, and a move to Hired asks for the placement (its fee, and the
job's openings counted down). Edit → Undo takes a move back, with what it recorded.</p>
<p><b>4. Search.</b> Candidates finds anyone you ever saw: type words, or narrow with
<code>skill:python city:austin -tag:relocating</code>, and filter by pool, stage or last
contact. Double-click a person for their profile, notes and timeline.</p>
<p><b>5. Talent pools.</b> Keep people for later: a static pool is a hand-picked list, a smart
pool is a saved search that stays current. Drop resumes on a pool to add them to it.</p>
<p><b>6. Email.</b> Set up the agency's mail server in <i>Settings → Email account</i>, then
send from a profile (<i>Email…</i>) or to a selection (<i>Email…</i>, <i>Add to
sequence…</i>). Templates live under Campaigns; every email waits in the Outbox until it is
sent.</p>
<p><b>7. Follow-ups.</b> <i>Add task…</i> on a profile or a job plans a call or an email for a
day and time; <i>Tasks</i> lists what is overdue, due today and coming up, and {APP_NAME}
reminds you when one falls due.</p>
"""


class GettingStartedDialog(QDialog):
    """A few paragraphs on the first steps."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Getting started")
        self.resize(640, 600)
        layout = QVBoxLayout(self)
        self.text = QTextBrowser()
        self.text.setObjectName("gettingStarted")
        self.text.setOpenExternalLinks(False)
        self.text.setHtml(GETTING_STARTED)
        layout.addWidget(self.text, 1)
        _close_button(self, layout)


@dataclass(frozen=True)
class DataLocation:
    """A place Hirebench keeps something: the file or folder, and the folder to open."""

    label: str
    path: Path
    folder: Path
    what: str


def data_locations(
    database: Path, backups: Path, settings: Path, log: Path, documents: Path
) -> list[DataLocation]:
    return [
        DataLocation("Database", database, database.parent, "Every record, in one SQLite file."),
        DataLocation("Backups", backups, backups, "Daily copies and those made before upgrades."),
        DataLocation(
            "Settings", settings, settings.parent, "Window, theme and folders (no passwords)."
        ),
        DataLocation("Log", log, log.parent, "What Hirebench did and any errors."),
        DataLocation("Documents", documents, documents, "The resume files, as imported."),
    ]


def open_folder(folder: Path) -> bool:
    """Show ``folder`` in the system's file manager."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class DataLocationsDialog(QDialog):
    """Where is my data?: each place with its path and a button that opens its folder."""

    def __init__(self, locations: list[DataLocation], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Where is my data?")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        heading = QLabel("Where is my data?")
        heading.setProperty("role", "title")
        layout.addWidget(heading)
        intro = QLabel(
            f"{APP_NAME} keeps everything on this computer. To move to another computer, "
            "copy the database file (while Hirebench is closed) and the documents folder."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        self.open_buttons: dict[str, QPushButton] = {}
        for row, place in enumerate(locations):
            label = QLabel(f"<b>{place.label}</b>")
            path = QLabel(str(place.path))
            path.setObjectName(f"path_{place.label.lower()}")
            path.setWordWrap(True)
            path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            what = QLabel(place.what)
            what.setProperty("role", "muted")
            what.setWordWrap(True)
            text = QVBoxLayout()
            text.setSpacing(0)
            text.addWidget(path)
            text.addWidget(what)
            button = QPushButton("Open folder")
            button.setObjectName(f"open_{place.label.lower()}")
            button.setAutoDefault(False)
            if place.folder.is_dir():
                button.setToolTip(str(place.folder))
                button.clicked.connect(lambda _c=False, folder=place.folder: open_folder(folder))
            else:
                button.setEnabled(False)
                button.setToolTip("Not created yet: nothing has been stored here so far.")
            grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addLayout(text, row, 1)
            grid.addWidget(button, row, 2, Qt.AlignmentFlag.AlignTop)
            self.open_buttons[place.label] = button
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        layout.addStretch(1)
        _close_button(self, layout)


def problem_details(database: Path) -> str:
    """What to paste into a report: versions and system, no personal data."""
    return "\n".join(
        (
            f"{APP_NAME} {__version__}",
            f"Python {platform.python_version()}, Qt for Python {pyside_version}",
            f"System: {platform.platform()}",
            f"Database file name: {database.name}",
        )
    )


class ReportProblemDialog(QDialog):
    """Report a problem…: the log folder is opened, and this says what to send."""

    def __init__(self, log_file: Path, database: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Report a problem")
        self.setMinimumWidth(520)
        self.details = problem_details(database)
        layout = QVBoxLayout(self)
        heading = QLabel("Report a problem")
        heading.setProperty("role", "title")
        layout.addWidget(heading)
        text = QLabel(
            f"<p>The folder with {APP_NAME}'s log is open. Please send:</p><ul>"
            f"<li>the file <b>{log_file.name}</b> (and <b>{log_file.name}.1</b> if there is "
            "one), which records what happened and any errors;</li>"
            "<li>what you were doing, what you expected, and what happened instead;</li>"
            "<li>the details below (Copy details puts them on the clipboard).</li></ul>"
            "<p>Do not send the database or resumes: they hold people's personal data. If we "
            "need an example, we will ask for one with the names removed.</p>"
        )
        text.setObjectName("reportText")
        text.setWordWrap(True)
        layout.addWidget(text)
        self.details_label = QLabel(self.details)
        self.details_label.setObjectName("reportDetails")
        self.details_label.setProperty("role", "muted")
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.details_label)
        self.log_folder = log_file.parent
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton("Copy details", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        self.open_button = buttons.addButton(
            "Open log folder", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.open_button.clicked.connect(lambda: open_folder(self.log_folder))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)


def _close_button(dialog: QDialog, layout: QVBoxLayout) -> None:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
