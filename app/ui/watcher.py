"""Notices when another process (or another Hirebench window) changed the database.

A `CommitObserver` polls SQLite's ``PRAGMA data_version`` on a timer (cheap: no table is
read) and tells this process's own commits — from the window, the mail dispatcher's thread or
the import worker's, on whichever connection — from other programs' as they are made (see
`app.store.own_commits`). Only the latter are announced as `changed_elsewhere`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from app.store.own_commits import CommitObserver

POLL_MS = 1000


class DatabaseWatcher(QObject):
    changed_elsewhere = Signal()

    def __init__(self, path: Path, interval_ms: int = POLL_MS, parent: QObject | None = None):
        super().__init__(parent)
        self._observer = CommitObserver(path)
        self.paused = False
        self._held = False  # a foreign change seen while paused, announced on resume
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)

    def start(self) -> None:
        self.timer.start()

    def pause(self) -> None:
        """Hold announcements while a burst of our own changes is being shown (a campaign
        sending, an import): a foreign change seen meanwhile is announced on `resume`."""
        self.paused = True

    def resume(self) -> None:
        self.paused = False
        if self._held:
            self._held = False
            self.changed_elsewhere.emit()

    def poll(self) -> bool:
        """Whether another program changed the database since the last poll (announced
        now, or on `resume` while paused)."""
        if not self._observer.poll():
            return False
        if self.paused:
            self._held = True
        else:
            self.changed_elsewhere.emit()
        return True

    def close(self) -> None:
        self.timer.stop()
        self._observer.close()
