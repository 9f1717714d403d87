"""The Help menu: keyboard shortcuts read from the window's actions, Getting started, Where is
my data? (each folder opens), Report a problem… (opens the log folder), and the old entries."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMenu

from app import __version__
from app.services.intake.review import ReviewItem
from app.ui.dialogs.help import (
    PLACE_SHORTCUTS,
    DataLocationsDialog,
    GettingStartedDialog,
    ReportProblemDialog,
    ShortcutsDialog,
    collect_shortcuts,
)
from app.ui.dialogs.profile import ProfileDialog
from app.ui.intake.review import ReviewDialog
from app.ui.main_window import MainWindow

NATIVE = QKeySequence.SequenceFormat.NativeText


class UrlCatcher(QObject):
    """Receives the URLs ``QDesktopServices.openUrl`` is asked to open (Qt's own hook)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def handle(self, url: QUrl) -> None:
        self.urls.append(url)


def _catch_file_urls() -> UrlCatcher:
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "handle")
    return catcher


def _help_menu(window: MainWindow) -> QMenu:
    for action in window.menuBar().actions():
        if action.text() == "&Help":
            return action.menu()
    raise AssertionError("no Help menu")


def _shown(window: MainWindow, kind: type):
    pages = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
    assert len(pages) == 1, pages
    assert QApplication.activeModalWidget() is None  # read beside the window, not modal
    return pages[0]


def test_help_menu_entries(window: MainWindow) -> None:
    texts = [a.text() for a in _help_menu(window).actions() if not a.isSeparator()]
    assert texts == [
        "&Getting started",
        "&Keyboard shortcuts",
        "&Where is my data?",
        "&Check database…",
        "&Report a problem…",
        "&About Hirebench",
    ]


def test_every_menu_shortcut_is_listed_and_a_new_one_appears(window: MainWindow, qtbot) -> None:
    expected = set()
    for top in window.menuBar().actions():
        for action in top.menu().actions():
            if not action.shortcut().isEmpty():
                expected.add(action.shortcut().toString(NATIVE))
    window.shortcuts_action.trigger()
    dialog = _shown(window, ShortcutsDialog)
    table = dialog.table
    listed = {table.item(row, 2).text() for row in range(table.rowCount())}
    for keys in expected:
        assert any(keys in shown.split(", ") for shown in listed), keys
    rows = {(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())}
    assert ("File menu", "New job") in rows and ("View menu", "Tasks") in rows
    assert ("Help menu", "Keyboard shortcuts") in rows
    for place in PLACE_SHORTCUTS:
        assert (place.place, place.action) in rows

    # Shortcuts come from the actions themselves: a new one is listed, a section's too.
    extra = QAction("&Frobnicate", window)
    extra.setShortcut(QKeySequence("Ctrl+Alt+F"))
    _help_menu(window).addAction(extra)
    window.show_section("tasks")
    shortcuts = collect_shortcuts(window)
    assert any(s.action == "Frobnicate" and s.keys == "Ctrl+Alt+F" for s in shortcuts)
    marked = [s for s in shortcuts if s.action == "Mark done"]
    assert [(s.place, s.keys) for s in marked] == [("Tasks", "Ctrl+Return, Ctrl+Enter")]


def test_the_listed_place_shortcuts_exist(window: MainWindow, qtbot, tmp_path: Path) -> None:
    window.open_job_board(1)
    board_keys = {s.key().toString() for s in window.section("job_board").findChildren(QShortcut)}
    text = tmp_path / "ada.txt"
    text.write_text("Ada Lovelace")
    fields = {"name": "Ada Lovelace"}
    item = ReviewItem(1, None, "ada.txt", text, "text/plain", "Ada", fields, fields, {})
    review = ReviewDialog([1], lambda _id: item, lambda *_args: None, window)
    qtbot.addWidget(review)
    review_keys = {s.key().toString() for s in review.findChildren(QShortcut)}
    for place in PLACE_SHORTCUTS:
        if place.place == "Job board":
            assert place.keys in board_keys, place
        elif place.place == "Reviewing imports":
            assert place.keys in review_keys, place

    profile = ProfileDialog(window.services, 1, None, window)
    qtbot.addWidget(profile)
    profile.show()
    before = profile.timeline.count()
    profile.note_edit.setPlainText("Met at the fair.")
    qtbot.keyClick(profile.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert profile.timeline.count() == before + 1  # Candidate profile: Ctrl+Return adds it


def test_f1_opens_getting_started(window: MainWindow, qtbot) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    page = _shown(window, GettingStartedDialog)
    text = page.text.toPlainText()
    for topic in ("New client", "New job", "Drop PDF", "drag cards", "Search", "Talent pools"):
        assert topic in text, topic
    assert "Email account" in text
    window.show_getting_started()  # asked again: the same page comes forward
    assert _shown(window, GettingStartedDialog) is page


def test_where_is_my_data_opens_each_folder(window: MainWindow, qtbot) -> None:
    catcher = _catch_file_urls()
    try:
        window.data_locations_action.trigger()
        dialog = _shown(window, DataLocationsDialog)
        paths = window.workspace.paths
        assert dialog.findChild(type(dialog.open_buttons["Log"]), "open_log") is not None
        assert dialog.findChild(QObject, "path_database").text() == str(
            window.workspace.database.path
        )
        assert dialog.findChild(QObject, "path_log").text() == str(paths.log_file)
        qtbot.mouseClick(dialog.open_buttons["Database"], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.open_buttons["Settings"], Qt.MouseButton.LeftButton)
        opened = [Path(url.toLocalFile()) for url in catcher.urls]
        assert opened == [window.workspace.database.path.parent, paths.settings_file.parent]
        documents = dialog.open_buttons["Documents"]
        assert documents.isEnabled() == paths.documents_dir.is_dir()
        if not documents.isEnabled():
            assert "Not created yet" in documents.toolTip()
    finally:
        QDesktopServices.unsetUrlHandler("file")


def test_report_a_problem_opens_the_log_folder_and_says_what_to_send(
    window: MainWindow, qtbot
) -> None:
    catcher = _catch_file_urls()
    try:
        window.report_problem_action.trigger()
        log_folder = window.workspace.paths.log_file.parent
        assert [Path(url.toLocalFile()) for url in catcher.urls] == [log_folder]
        dialog = _shown(window, ReportProblemDialog)
        said = dialog.findChild(QObject, "reportText").text()
        assert "hirebench.log" in said and "Do not send the database" in said
        qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
        assert f"Hirebench {__version__}" in QGuiApplication.clipboard().text()
        qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
        assert len(catcher.urls) == 2
    finally:
        QDesktopServices.unsetUrlHandler("file")


def test_about_and_check_database_stay(window: MainWindow) -> None:
    texts = [a.text() for a in _help_menu(window).actions()]
    assert "&Check database…" in texts and "&About Hirebench" in texts
