"""Bring a database to the current schema, with a backup copy taken first.

Alembic is imported only when a database actually needs migrating, so that an up-to-date
database opens without paying for it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from sqlalchemy import Connection, Engine

from app.store.db import WRITE_INTENT, DatabaseState
from app.store.integrity import DatabaseDamaged, check_connection
from app.store.schema_version import KNOWN_REVISIONS

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# How long a process waits for another that is migrating the same file (a large file takes
# a while); ordinary work waits `BUSY_TIMEOUT_MS`.
MIGRATION_WAIT_MS = 10 * 60 * 1000


def backup_database(source: Path, destination: Path, check: bool = True) -> Path:
    """Copy a live database consistently with SQLite's online backup API.

    The source is checked first (``quick_check``): a damaged database is refused with
    `DatabaseDamaged` rather than copied, so a backup is always one worth restoring. Nothing
    is left behind when the copy fails (a full disk, a vanished folder).
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    if destination.exists():
        raise FileExistsError(f"{destination} already exists; choose another name.")
    partial = destination.with_name(destination.name + ".partial")
    # Read-write (never create): a read-only connection to a WAL database would leave -wal
    # and -shm files behind that only a writer can remove.
    source_connection = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True)
    try:
        if check:
            result = check_connection(source_connection, source)
            if not result.ok:
                raise DatabaseDamaged(result, "no backup was made (good backups stay as they are)")
        try:
            target_connection = sqlite3.connect(partial)
            try:
                source_connection.backup(target_connection)
            finally:
                target_connection.close()
            partial.replace(destination)  # never a half-written backup under the final name
        except BaseException:
            remove_with_side_files(partial)
            raise
    finally:
        source_connection.close()
    return destination


def remove_with_side_files(path: Path) -> None:
    """Delete a database file and any -journal, -wal or -shm file SQLite left beside it."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def unique_path(path: Path) -> Path:
    """``path``, or ``name-2.ext``, ``name-3.ext``… when it is taken (same-second backups)."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def _alembic_config(connection: object) -> object:
    # Deferred: alembic (~100 ms) loads only when the schema has to change.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade_to(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to ``revision`` in one transaction."""
    # Deferred: alembic (~100 ms) loads only when the schema has to change.
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), revision)


def downgrade_to(engine: Engine, revision: str) -> None:
    """Downgrade the schema to ``revision`` in one transaction (tests, recovery)."""
    # Deferred: alembic (~100 ms) loads only when the schema has to change.
    from alembic import command

    with engine.begin() as connection:
        command.downgrade(_alembic_config(connection), revision)


def upgrade_to_head(engine: Engine) -> None:
    upgrade_to(engine, "head")


def script_revisions() -> list[str]:
    """The revisions the migration scripts define, oldest first (used by tests)."""
    # Deferred: alembic (~100 ms) loads only when the schema has to change.
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(MIGRATIONS_DIR))
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]


def migrate(engine: Engine, state: DatabaseState, backups_dir: Path) -> Path | None:
    """Upgrade if needed; return the backup made, if any.

    The upgrade runs under SQLite's write lock, taken before the schema is read again: when
    two Hirebench processes open an old database at once, one backs it up and migrates
    while the other waits, then finds the schema current and does nothing.
    """
    if state.is_current:
        return None
    with engine.connect() as connection:
        driver = connection.connection.driver_connection  # a PRAGMA here must not autobegin
        usual_wait = driver.execute("PRAGMA busy_timeout").fetchone()[0]
        driver.execute(f"PRAGMA busy_timeout={MIGRATION_WAIT_MS}")
        try:
            locked = connection.execution_options(**{WRITE_INTENT: True})
            with locked.begin():  # BEGIN IMMEDIATE: the other process waits here
                if _revision(locked) == KNOWN_REVISIONS[-1]:
                    return None  # migrated by someone else while we waited
                backup = None
                if state.exists:
                    backup = backup_database(state.path, unique_path(backups_dir / _name(state)))
                # Deferred: alembic (~100 ms) loads only when the schema has to change.
                from alembic import command

                command.upgrade(_alembic_config(locked), "head")
        finally:
            driver.execute(f"PRAGMA busy_timeout={int(usual_wait)}")
    return backup


def _name(state: DatabaseState) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    revision = state.revision or "empty"
    return f"{state.path.stem}-before-{KNOWN_REVISIONS[-1]}-from-{revision}-{stamp}.sqlite3"


def _revision(connection: Connection) -> str | None:
    has_table = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
    ).first()
    if has_table is None:
        return None
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
