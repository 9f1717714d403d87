"""The QApplication, the crash dialog and the main window's start-up (`run_gui`)."""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app import APP_NAME, __version__
from app.bootstrap import Workspace, open_workspace
from app.paths import AppPaths
from app.resources import resources_dir
from app.store.db import DatabaseError, ReadOnlyDatabase
from app.store.errors import describe_database_error, is_damage
from app.ui.collector import GuiThreadCollector
from app.ui.icons import IconProvider, app_icon
from app.ui.input_guards import install_wheel_guard
from app.ui.main_window import MainWindow
from app.ui.theme import apply_theme

log = logging.getLogger(__name__)

DESKTOP_FILE_NAME = "org.hirebench.Hirebench"
STARTUP_PROBE_ENV = "HIREBENCH_STARTUP_PROBE"


def create_application(argv: list[str]) -> QApplication:
    app = QApplication(argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName(DESKTOP_FILE_NAME)

    install_wheel_guard(app)
    return app


class CrashReporter(QObject):
    """Shows uncaught exceptions in a dialog and logs them; the event loop keeps running."""

    def __init__(
        self,
        log_file: Path,
        parent: QWidget | None = None,
        show_dialog: Callable[[str, str], None] | None = None,
    ):
        super().__init__(parent)
        self.log_file = log_file
        self.parent_widget = parent
        self._show = show_dialog or self._default_dialog
        self._previous = sys.excepthook
        self.reported: list[str] = []

    def install(self) -> None:
        sys.excepthook = self.handle

    def uninstall(self) -> None:
        if sys.excepthook == self.handle:
            sys.excepthook = self._previous

    def handle(
        self, kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous(kind, error, trace)
            return
        if isinstance(error, ReadOnlyDatabase):  # expected while a damaged file is open
            log.warning("write refused: %s", error)
            self.reported.append(f"{kind.__name__}: {error}")
            self._show("The database is read-only", f"{error}\n\nThat change was not made.")
            return
        if is_damage(error):
            log.error("damaged database: %s", error)
            self.reported.append(f"{kind.__name__}: {error}")
            self._show(
                "The database is damaged",
                f"{describe_database_error(error)}\n\nThat action was stopped; nothing was "
                "changed. Help → Check database lists the problems.",
            )
            return
        log.error("uncaught exception", exc_info=(kind, error, trace))
        frames = traceback.extract_tb(trace)
        where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "unknown"
        summary = f"{kind.__name__}: {error}"
        self.reported.append(summary)
        self._show(
            "Something went wrong",
            f"Hirebench hit an unexpected error and stopped that action.\n\n{summary}\n"
            f"(in {where})\n\nYour data is safe: unfinished changes were not saved.\n"
            f"Details are in the log: {self.log_file}",
        )

    def _default_dialog(self, title: str, text: str) -> None:
        QMessageBox.critical(self.parent_widget, title, text)


def _peak_kb() -> int:
    """This process's peak resident memory (VmHWM; 0 where /proc is missing)."""
    try:
        with open(f"/proc/{os.getpid()}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _startup_probe(app: QApplication, window: QWidget) -> None:
    """For the start-up benchmark: report when the first screen is painted with data, then quit."""

    view = window.first_screen_view()  # type: ignore[attr-defined]
    target = view.viewport()

    class _Probe(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if watched is target and event.type() == QEvent.Type.Paint and view.model().rowCount():
                target.removeEventFilter(self)
                QTimer.singleShot(0, _finish)
            return False

    def _finish() -> None:
        rows = view.model().rowCount()
        collecting = app.findChild(GuiThreadCollector) is not None
        print(
            f"HIREBENCH_PAINTED {time.time():.6f} rows={rows} peak_kb={_peak_kb()}"
            f" gc={int(collecting)}",
            flush=True,
        )
        app.quit()

    probe = _Probe(window)
    target.installEventFilter(probe)


def show_main_window(app: QApplication, workspace: Workspace) -> QWidget:

    resources = resources_dir()
    palette = apply_theme(app, workspace.settings.theme)
    app.setWindowIcon(app_icon(resources))
    window = MainWindow(workspace, IconProvider(resources, palette))
    reporter = CrashReporter(workspace.paths.log_file, window)
    reporter.install()
    app.aboutToQuit.connect(reporter.uninstall)
    if os.environ.get(STARTUP_PROBE_ENV):
        _startup_probe(app, window)
    window.show()
    QTimer.singleShot(0, lambda: end_startup_gc(app))
    return window


def end_startup_gc(app: QApplication) -> GuiThreadCollector | None:
    """Start collecting cycles once the window is up (``app.__main__`` turned the collector
    off), from the GUI thread only (`app.ui.collector`).

    Freezing first moves everything start-up made out of the collector's sight, so later
    collections only walk what the session itself creates.
    """
    if app.findChild(GuiThreadCollector) is not None:
        return None
    gc.freeze()
    return GuiThreadCollector(app)


def run_gui(paths: AppPaths, database_argument: str | None, demo: bool = False) -> int:
    """Open the main window; return the process exit code."""
    app = QApplication.instance() or create_application(sys.argv)
    try:
        workspace = open_workspace(paths, database_argument, demo)
    except DatabaseError as exc:
        log.error("cannot open database: %s", exc)
        print(f"hirebench: {exc}", file=sys.stderr)
        QMessageBox.critical(None, "Hirebench cannot open the database", str(exc))
        return 1
    window = show_main_window(app, workspace)
    code = app.exec()
    window.deleteLater()
    workspace.database.close()
    return code
