"""This process's own commits, told apart from other programs' for the database watcher.

``PRAGMA data_version`` on a connection changes whenever *another* connection commits. A
window has several connections (its own pool, the mail dispatcher's thread, the import
worker's), so to a watcher's connection its own process's commits look foreign too.

Every connection `create_sqlite_engine` opens is a `TrackedConnection`. A commit that wrote
something runs between two reads of each `CommitObserver`'s data_version on the same file:
just before the commit, while the writer still holds SQLite's write lock so no other program
can commit in between (a change seen then is another program's, and is kept for the next
`poll`), and just after it (the observer's new baseline). A poll therefore reports only what
other programs committed. The one blind spot is the few microseconds between the commit
releasing the write lock and the read after it: a foreign commit landing exactly there is
taken for ours.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# One lock for every observer and commit of this process: a poll never runs halfway through
# one of our commits. It is held for the commit itself only (microseconds in WAL mode).
_lock = threading.Lock()
_observers: dict[str, weakref.WeakSet[CommitObserver]] = {}
# An observer's reads give up at once rather than wait for a busy file (a poll is retried).
READ_TIMEOUT_S = 0.05


def _key(path: str | os.PathLike[str]) -> str:
    return os.path.realpath(path)


class CommitObserver:
    """Watches one database file for commits made by other programs (see the module)."""

    def __init__(self, path: Path):
        self._connection = sqlite3.connect(path, timeout=READ_TIMEOUT_S, check_same_thread=False)
        self._key = _key(path)
        self._foreign = False  # another program committed just before one of ours
        self._closed = False
        with _lock:
            self._version = self._read()
            _observers.setdefault(self._key, weakref.WeakSet()).add(self)

    def _read(self) -> int:
        return int(self._connection.execute("PRAGMA data_version").fetchall()[0][0])

    def poll(self) -> bool:
        """Whether another program committed since the last poll."""
        with _lock:
            if self._closed:
                return False
            try:
                version = self._read()
            except sqlite3.Error:  # busy or going away: ask again next time
                return False
            changed = self._foreign or version != self._version
            self._version, self._foreign = version, False
            return changed

    def _before_own_commit(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            if self._read() != self._version:
                self._foreign = True

    def _after_own_commit(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._version = self._read()

    def close(self) -> None:
        with _lock:
            if self._closed:
                return
            self._closed = True
            watching = _observers.get(self._key)
            if watching is not None:
                watching.discard(self)
                if not watching:
                    del _observers[self._key]
            self._connection.close()


@contextlib.contextmanager
def _own_commit(key: str) -> Iterator[None]:
    """Around one of this process's commits to the file ``key``."""
    if not _observers.get(key):
        yield
        return
    with _lock:
        watching = [o for o in _observers.get(key, ()) if not o._closed]
        for observer in watching:
            observer._before_own_commit()
        try:
            yield
        finally:
            for observer in watching:
                observer._after_own_commit()


class TrackedConnection(sqlite3.Connection):
    """A connection whose commits that wrote something are known as this process's own."""

    def __init__(self, database: str | os.PathLike[str], *args: Any, **kwargs: Any):
        super().__init__(database, *args, **kwargs)
        self._file_key = _key(database)
        self._changes_seen = self.total_changes

    def commit(self) -> None:
        if self.total_changes == self._changes_seen:  # nothing written: nobody can notice
            super().commit()
            return
        with _own_commit(self._file_key):
            super().commit()
        self._changes_seen = self.total_changes  # a failed commit is still to come

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._changes_seen = self.total_changes
