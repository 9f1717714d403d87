"""Looking after the database file from the window: checks, backups, and the damage banner.

A damaged database must not get worse and must not be copied over good backups. At start-up
the store checks the tables the first screen reads; a few seconds later the whole file is
checked here in the background. Damage found either way switches the database to read-only
and shows a banner that says what to do. Backups and Help → Check database run off the GUI
thread too: on a large file they take seconds.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from app.store.database import Database
from app.store.errors import describe_database_error
from app.store.integrity import CheckResult, DatabaseDamaged, check_file
from app.ui.background import run_in_background
from app.ui.file_dialogs import remember_folder, remembered_folder

log = logging.getLogger(__name__)

BACKGROUND_CHECK_DELAY_MS = 4000


class DamageBanner(QFrame):
    """A strip above the sections: the database is damaged and read-only, and what to do."""

    check_requested = Signal()
    backups_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("damageBanner")
        self.setProperty("role", "error")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel()
        self.text.setObjectName("damageText")
        self.text.setWordWrap(True)
        check = QPushButton("Check again…")
        check.clicked.connect(self.check_requested)
        backups = QPushButton("Open backups folder")
        backups.clicked.connect(self.backups_requested)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 12, 8)
        row.addWidget(self.text, 1)
        row.addWidget(check)
        row.addWidget(backups)
        self.hide()

    def show_damage(self, database: Database, result: CheckResult) -> None:
        self.text.setText(
            f"<b>This database is damaged, so it is open read-only.</b> {result.problems[0]}. "
            "Nothing you do now can make it worse. Restore a recent backup (Open backups "
            f"folder; copy one over {database.path.name} while Hirebench is closed), or "
            f"salvage every readable row with <code>hirebench recover NEW-FILE</code>."
        )
        self.setToolTip("\n".join(result.problems[:20]))
        self.show()


class DatabaseCare(QObject):
    """Checks and backups of the open database, off the GUI thread."""

    damaged = Signal(str)  # the database was found damaged and is now read-only
    notice = Signal(str)  # a line for the status bar

    def __init__(self, database: Database, banner: DamageBanner, window: QWidget):
        super().__init__(window)
        self.database = database
        self.banner = banner
        self.window = window
        self.busy = False
        self.last_result: CheckResult | None = None
        banner.check_requested.connect(lambda: self.check(full=True, report=True))
        banner.backups_requested.connect(self.open_backups_folder)
        if database.damage is not None:
            banner.show_damage(database, database.damage)

    def check_soon(self, delay_ms: int = BACKGROUND_CHECK_DELAY_MS) -> None:
        """The whole-file quick check, once the window has settled after start-up, followed
        by the daily automatic backup when one is due (only of a sound file)."""
        if self.database.damage is None:
            QTimer.singleShot(delay_ms, self, self._settled)

    def _settled(self) -> None:
        if self.busy:
            return
        self.busy = True
        path = self.database.path
        folder = self.database.backups_dir or path.parent

        def work() -> tuple[CheckResult, Path | None]:
            # Deferred: backups load when one is made (~30 ms off start-up).
            from app.services.admin.maintenance import automatic_backup

            result = check_file(path)
            made = automatic_backup(path, folder, check=False) if result.ok else None
            return result, made

        def done(outcome: tuple[CheckResult, Path | None]) -> None:
            result, made = outcome
            self._checked(result, report=False)
            if made is not None:
                log.info("automatic backup written to %s", made)

        run_in_background(
            self,
            work,
            done,
            lambda error: self._failed("The automatic backup was not written", error, quiet=True),
            name="database-care",
        )

    def check(self, full: bool, report: bool) -> None:
        """Check the file; ``report`` shows the result in a dialog (Help → Check database)."""
        if self.busy:
            self.notice.emit("A check or backup of the database is already running.")
            return
        self.busy = True
        if report:
            self.notice.emit("Checking the database… (the window stays usable)")
        path = self.database.path
        run_in_background(
            self,
            lambda: check_file(path, full=full, max_errors=100),
            lambda result: self._checked(result, report),
            lambda error: self._failed("The check could not run", error),
            name="database-check",
        )

    def _checked(self, result: CheckResult, report: bool) -> None:
        self.busy = False
        self.last_result = result
        if not result.ok:
            self._mark_damaged(result)
        if not report:
            return
        if result.ok:
            self.notice.emit(result.summary())
            QMessageBox.information(self.window, "Database check", result.summary())
        else:
            listed = "\n".join(result.problems[:10])
            QMessageBox.warning(
                self.window,
                "The database is damaged",
                f"{result.summary()}\n\n{listed}\n\nHirebench switched to read-only so that "
                "nothing more is lost. Restore a backup, or salvage what can be read with "
                "'hirebench recover NEW-FILE'.",
            )

    def _mark_damaged(self, result: CheckResult) -> None:
        if self.database.damage is None:
            log.error("database damaged: %s", result.summary())
            self.database.mark_damaged(result)
            self.damaged.emit(result.summary())
        self.banner.show_damage(self.database, result)

    def backup(self) -> None:
        """Ask where, then copy the database there in the background (checked first)."""
        if self.busy:
            self.notice.emit("A check or backup of the database is already running.")
            return
        folder = (
            remembered_folder(self.window, "backup")
            or self.database.backups_dir
            or self.database.path.parent
        )
        suggested = str(folder / f"{self.database.path.stem}-backup.sqlite3")
        target, _filter = QFileDialog.getSaveFileName(
            self.window, "Back up database", suggested, "SQLite database (*.sqlite3 *.db)"
        )
        if target:
            remember_folder(self.window, "backup", target)
            self.backup_to(Path(target))

    def backup_to(self, target: Path) -> None:
        # Deferred: backups load when one is made (~30 ms off start-up).
        from app.services.admin.maintenance import backup

        self.busy = True
        self.notice.emit("Backing up the database…")
        source = self.database.path
        run_in_background(
            self,
            lambda: backup(source, target),
            self._backed_up,
            lambda error: self._failed("The backup was not written", error, target),
            name="database-backup",
        )

    def compact(self) -> None:
        """Maintenance (index merge, VACUUM when worth it) in the background; the sizes
        before and after in a dialog."""
        if self.busy:
            self.notice.emit("A check or backup of the database is already running.")
            return
        if self.database.read_only:
            self.notice.emit("The database is open read-only (damaged); it cannot be compacted.")
            return
        # Deferred: maintenance loads when it is asked for.
        from app.services.admin.compact import MaintenanceReport, run_maintenance

        self.busy = True
        self.notice.emit("Compacting the database… (the window stays usable)")
        database = self.database

        def done(report: MaintenanceReport) -> None:
            self.busy = False
            lines = report.summary_lines()
            self.notice.emit(lines[0])
            QMessageBox.information(self.window, "Database compacted", "\n".join(lines))

        run_in_background(
            self,
            lambda: run_maintenance(database),
            done,
            lambda error: self._failed("The database was not compacted", error),
            name="database-maintenance",
        )

    def _backed_up(self, written: Path) -> None:
        self.busy = False
        self.notice.emit(f"Backup written to {written}")

    def _failed(
        self, what: str, error: BaseException, where: Path | None = None, quiet: bool = False
    ) -> None:
        """Say what failed: in the status bar, and in a dialog unless ``quiet`` (work the
        user did not ask for does not interrupt them)."""
        self.busy = False
        if isinstance(error, DatabaseDamaged):
            self._mark_damaged(error.result)
            text = str(error)
        elif isinstance(error, FileExistsError):
            text = str(error)
        else:
            text = describe_database_error(error, where or self.database.path)
        self.notice.emit(f"{what}: {text}")
        if not quiet:
            QMessageBox.warning(self.window, what, f"{what}:\n{text}")

    def open_backups_folder(self) -> None:

        folder = self.database.backups_dir or self.database.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
