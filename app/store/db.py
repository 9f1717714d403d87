"""Opening the SQLite database safely: checks first, then an engine with the right pragmas.

The checks run before anything can write to the file, so a file that is not a Hirebench
database, or one from a newer version, is reported and left byte-for-byte untouched.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from app.store.audit_chain import install_sealing
from app.store.own_commits import TrackedConnection
from app.store.schema_version import KNOWN_REVISIONS
from app.store.textpack import register_text_function

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
MMAP_BYTES = 256 * 1024 * 1024
# Pages of 8 KiB, not SQLite's 4 KiB: a document row (~1.1 KB) and an index's entries fill
# them with less left over. At 100,000 candidates with resumes the file is 3 % smaller
# (808 → 784 MB), searches as fast. New databases get it; `hirebench maintenance` moves an
# older one over when it rewrites the file (app.services.admin.compact).
PAGE_BYTES = 8192


class DatabaseError(Exception):
    """A database that cannot be opened, with a message meant for the user."""


@dataclass(frozen=True)
class DatabaseState:
    """What the pre-flight check found."""

    path: Path
    exists: bool
    revision: str | None  # None: new or empty file, or a SQLite file without our schema

    @property
    def is_current(self) -> bool:
        return self.revision == KNOWN_REVISIONS[-1]


def inspect_database(path: Path, may_create: bool = True) -> DatabaseState:
    """Check that ``path`` can hold a Hirebench database, without writing to it.

    Only a regular file will do: a device, a pipe or a folder given by mistake is refused
    before SQLite could create its -journal or -wal files beside it. An empty (0-byte) file is
    refused too, since no Hirebench ever leaves one; ``may_create`` says whether a missing
    file may become a new database (opening the window, seed and import) or not (commands
    that only read, check or copy).
    """
    folder = path.parent
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise DatabaseError(f"{path} cannot be read: {exc.strerror or exc}.") from exc
    if info is None:
        if not may_create:
            raise DatabaseError(f"There is no database at {path}.")
        if not folder.is_dir():
            raise DatabaseError(f"The folder {folder} does not exist. Create it or choose another.")
    elif stat.S_ISDIR(info.st_mode):
        raise DatabaseError(f"{path} is a folder, not a database file.")
    elif not stat.S_ISREG(info.st_mode):
        raise DatabaseError(
            f"{path} is {_file_kind(info.st_mode)}, not a database file; choose a file."
        )
    elif info.st_size == 0:
        raise DatabaseError(
            f"{path} is empty (0 bytes), so it is not a Hirebench database; "
            "delete it or choose another file."
        )
    if not os.access(folder, os.W_OK):
        raise DatabaseError(
            f"The folder {folder} is read-only. Hirebench needs to write its database and "
            "journal files there; choose a writable folder."
        )
    if info is None:
        return DatabaseState(path=path, exists=False, revision=None)
    if not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseError(f"{path} cannot be read and written; check its permissions.")
    if not _in_use(path) and _header(path) != SQLITE_HEADER:
        raise DatabaseError(f"{path} is not a Hirebench database (it is not a SQLite file).")
    revision = _read_revision(path)
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise DatabaseError(
            f"{path} was written by a newer version of Hirebench (schema {revision}). "
            "Install the newer version to open it; this file was not changed."
        )
    if revision is None and _has_foreign_tables(path):
        raise DatabaseError(
            f"{path} is a SQLite database of another program, not a Hirebench database."
        )
    return DatabaseState(path=path, exists=True, revision=revision)


def _file_kind(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_only_connection(path: Path) -> sqlite3.Connection:
    """A connection that cannot write ``path`` nor leave files beside it."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    # A read-only connection to a WAL database creates -wal and -shm files that it cannot
    # remove on close. Without a -wal file no one has it open and the main file holds every
    # change, so read it as immutable and leave the folder exactly as it was.
    if not _in_use(path) and _is_wal(_header(path, 20)):
        uri += "&immutable=1"
    return sqlite3.connect(uri, uri=True)


def _in_use(path: Path) -> bool:
    """Whether a connection (perhaps one of this process's) has the WAL database open.

    Then the file must not be opened and closed by anything but SQLite: closing any handle
    on it drops every POSIX lock this process holds on it, and another process closing its
    own connection would then delete the -wal file still in use here, losing commits.
    """
    return Path(f"{path}-wal").exists()


def _header(path: Path, size: int = len(SQLITE_HEADER)) -> bytes:
    """The file's first bytes; only call while no connection has it open (see `_in_use`)."""
    with path.open("rb") as handle:
        return handle.read(size)


def _is_wal(header: bytes) -> bool:
    return len(header) == 20 and header[18] == 2 and header[19] == 2


def _read_revision(path: Path) -> str | None:
    try:
        connection = read_only_connection(path)
        try:
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if "alembic_version" not in tables:
                return None
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            return row[0] if row else None
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path} is not a usable database: {exc}.") from exc


def _has_foreign_tables(path: Path) -> bool:
    connection = read_only_connection(path)
    try:
        count = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        ).fetchone()[0]
    finally:
        connection.close()
    return bool(count)


class ReadOnlyDatabase(DatabaseError):  # noqa: N818 (reads as the situation it names)
    """A write was attempted on a database opened read-only (it is damaged)."""


@dataclass
class AccessMode:
    """How an engine may use its file; shared with its connection hooks, changeable later.

    A damaged database found after start-up is switched to read-only in place: every unit of
    work that begins afterwards is refused with ``reason``.
    """

    busy_timeout_ms: int = BUSY_TIMEOUT_MS
    read_only: bool = False
    reason: str = ""

    def make_read_only(self, reason: str) -> None:
        self.reason = reason
        self.read_only = True


def _connect_hook(mode: AccessMode) -> Any:
    def on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling is lazy).
        dbapi_connection.isolation_level = None
        # The candidate index's triggers read resume text through it (app.store.textpack).
        register_text_function(dbapi_connection)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(mode.busy_timeout_ms)}")
        if mode.read_only:
            cursor.execute("PRAGMA query_only=ON")
        else:
            # Takes effect only on a file with no tables yet (a new database).
            cursor.execute(f"PRAGMA page_size={PAGE_BYTES}")
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Read pages through memory mapping: boards touch thousands of scattered rows.
        cursor.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        cursor.close()

    return on_connect


# Execution option a unit of work sets on its connection to take the write lock up front.
WRITE_INTENT = "hirebench_write"


def _begin_hook(mode: AccessMode) -> Any:
    def on_begin(connection: Any) -> None:
        # A write transaction that began deferred and read first cannot wait for the lock
        # when another writer (the mail dispatcher, say) commits in between: SQLite fails it
        # at once with "database is locked", busy_timeout or not. BEGIN IMMEDIATE waits its
        # turn instead.
        if connection.get_execution_options().get(WRITE_INTENT):
            if mode.read_only:
                raise ReadOnlyDatabase(mode.reason or "The database is open read-only.")
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return on_begin


def create_sqlite_engine(path: Path, mode: AccessMode | None = None, **kwargs: Any) -> Engine:
    """An engine for ``path`` with WAL, foreign keys and a busy timeout on every connection."""
    mode = mode or AccessMode()
    # This process's commits are known as its own: the window's database watcher then
    # announces only other programs' (see `app.store.own_commits`).
    kwargs["connect_args"] = {"factory": TrackedConnection, **kwargs.get("connect_args", {})}
    engine = create_engine(f"sqlite:///{path}", **kwargs)
    event.listen(engine, "connect", _connect_hook(mode))
    event.listen(engine, "begin", _begin_hook(mode))
    install_sealing(engine, lambda: not mode.read_only)
    return engine


def lock_wait_ms(sessions: sessionmaker[Session]) -> int:
    """How long these sessions wait for another writer (their busy timeout), in ms."""
    with sessions() as session:
        return int(session.connection().exec_driver_sql("PRAGMA busy_timeout").scalar() or 0)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
