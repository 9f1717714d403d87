"""Opening the SQLite database safely: checks first, then an engine with the right pragmas.

The checks run before anything can write to the file, so a file that is not a Hirebench
database, or one from a newer version, is reported and left byte-for-byte untouched.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from app.store.schema_version import KNOWN_REVISIONS

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
MMAP_BYTES = 256 * 1024 * 1024


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


def inspect_database(path: Path) -> DatabaseState:
    """Check that ``path`` can hold a Hirebench database, without writing to it."""
    folder = path.parent
    if not folder.is_dir():
        raise DatabaseError(f"The folder {folder} does not exist. Create it or choose another.")
    if path.exists() and path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file.")
    exists = path.exists() and path.stat().st_size > 0
    if not os.access(folder, os.W_OK):
        raise DatabaseError(
            f"The folder {folder} is read-only. Hirebench needs to write its database and "
            "journal files there; choose a writable folder."
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseError(f"{path} cannot be read and written; check its permissions.")
    if not exists:
        return DatabaseState(path=path, exists=False, revision=None)
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
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


def _read_only(path: Path) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    # A read-only connection to a WAL database creates -wal and -shm files that it cannot
    # remove on close. Without a -wal file no one has it open and the main file holds every
    # change, so read it as immutable and leave the folder exactly as it was.
    if _is_wal(path) and not Path(f"{path}-wal").exists():
        uri += "&immutable=1"
    return sqlite3.connect(uri, uri=True)


def _is_wal(path: Path) -> bool:
    with path.open("rb") as handle:
        header = handle.read(20)
    return len(header) == 20 and header[18] == 2 and header[19] == 2


def _read_revision(path: Path) -> str | None:
    try:
        connection = _read_only(path)
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
    connection = _read_only(path)
    try:
        count = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        ).fetchone()[0]
    finally:
        connection.close()
    return bool(count)


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling is lazy).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Read pages through memory mapping: boards touch thousands of scattered rows.
    cursor.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
    cursor.close()


# Execution option a unit of work sets on its connection to take the write lock up front.
WRITE_INTENT = "hirebench_write"


def _on_begin(connection: Any) -> None:
    # A write transaction that began deferred and read first cannot wait for the lock when
    # another writer (the mail dispatcher, say) commits in between: SQLite fails it at once
    # with "database is locked", busy_timeout or not. BEGIN IMMEDIATE waits its turn instead.
    if connection.get_execution_options().get(WRITE_INTENT):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def create_sqlite_engine(path: Path, **kwargs: Any) -> Engine:
    """An engine for ``path`` with WAL, foreign keys and a busy timeout on every connection."""
    engine = create_engine(f"sqlite:///{path}", **kwargs)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
