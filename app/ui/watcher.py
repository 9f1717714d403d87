"""Notices when another process (or another Hirebench window) changed the database.

SQLite's ``PRAGMA data_version`` changes, on a given connection, whenever another
connection commits. Polling it on a timer is cheap (no table is read). Our own writes are
acknowledged after they are published, so they do not come back as external changes.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

POLL_MS = 1000


class DatabaseWatcher(QObject):
    changed_elsewhere = Signal()

    def __init__(self, path: Path, interval_ms: int = POLL_MS, parent: QObject | None = None):
        super().__init__(parent)
        self._connection = sqlite3.connect(path, check_same_thread=True)
        self._version = self._read()
        self.paused = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)

    def _read(self) -> int:
        return self._connection.execute("PRAGMA data_version").fetchone()[0]

    def start(self) -> None:
        self.timer.start()

    def pause(self) -> None:
        """Our own background writer is busy (an import): its commits are not news."""
        self.paused = True

    def resume(self) -> None:
        self.acknowledge()
        self.paused = False

    def acknowledge(self) -> None:
        """Our own commit: take its version as known."""
        with contextlib.suppress(sqlite3.Error):  # closed with the window
            self._version = self._read()

    def poll(self) -> bool:
        if self.paused:
            return False
        try:
            version = self._read()
        except sqlite3.Error:
            return False
        if version != self._version:
            self._version = version
            self.changed_elsewhere.emit()
            return True
        return False

    def close(self) -> None:
        self.timer.stop()
        self._connection.close()
