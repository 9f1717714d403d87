"""Open a Hirebench database: check it, migrate it (after a backup), hand out sessions."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, configure_mappers, sessionmaker

from app.store.db import (
    BUSY_TIMEOUT_MS,
    AccessMode,
    DatabaseError,
    create_sqlite_engine,
    inspect_database,
    make_session_factory,
)
from app.store.errors import describe_database_error
from app.store.integrity import STARTUP_TABLES, CheckResult, DatabaseDamaged, check_file
from app.store.migrate import migrate, remove_with_side_files
from app.store.textpack import register_text_function


def default_backups_dir(path: Path) -> Path:
    """Where the backups of the database at ``path`` go: ``backups/`` beside it."""
    return path.parent / "backups"


@dataclass
class Database:
    """An open database file."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    migration_backup: Path | None = None
    backups_dir: Path | None = None
    mode: AccessMode = field(default_factory=AccessMode)
    damage: CheckResult | None = None  # set when a check found the file damaged

    @property
    def read_only(self) -> bool:
        return self.mode.read_only

    def mark_damaged(self, result: CheckResult) -> None:
        """Stop every further write: the file is damaged and must not get worse."""
        self.damage = result
        self.mode.make_read_only(
            f"The database {self.path} is damaged ({result.problems[0]}), so Hirebench opened "
            "it read-only and nothing can be changed. Restore a backup, or salvage it with "
            "'hirebench recover OUT'."
        )

    def raw_connection(self) -> sqlite3.Connection:
        """A plain DB-API connection for bulk work; the caller closes it."""
        connection = sqlite3.connect(self.path)
        register_text_function(connection)
        return connection

    def close(self) -> None:
        self.engine.dispose()


def open_database(
    path: Path,
    backups_dir: Path | None = None,
    *,
    may_create: bool = True,
    startup_check: bool = False,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
) -> Database:
    """Open ``path``, creating or upgrading its schema; raise `DatabaseError` for bad files.

    ``may_create``: a missing file becomes a new database (otherwise it is refused).
    ``startup_check``: check the tables the first screen reads; a damaged database then
    opens read-only (``Database.damage`` says why) instead of being written to.
    """
    backups_dir = backups_dir or default_backups_dir(path)
    state = inspect_database(path, may_create=may_create)
    damage = None
    if startup_check and state.exists:
        result = check_file(path, tables=STARTUP_TABLES)
        damage = None if result.ok else result
    mode = AccessMode(busy_timeout_ms=busy_timeout_ms)
    engine = create_sqlite_engine(path, mode)
    database = Database(
        path=path,
        engine=engine,
        sessions=make_session_factory(engine),
        backups_dir=backups_dir,
        mode=mode,
    )
    if damage is not None:
        if not state.is_current:
            engine.dispose()
            raise DatabaseDamaged(damage, "it was not upgraded to this version's schema")
        database.mark_damaged(damage)
        return database
    try:
        database.migration_backup = migrate(engine, state, backups_dir)
    except BaseException as exc:
        engine.dispose()
        if not state.exists:  # a database we were creating: leave nothing half-made
            remove_with_side_files(path)
        if isinstance(exc, SQLAlchemyError | sqlite3.Error | OSError):
            raise DatabaseError(
                f"Could not prepare the database {path}: {describe_database_error(exc, path)}"
            ) from exc
        raise
    return database


def prepare_mappers() -> None:
    """Configure every ORM mapper now (tens of ms, once) rather than on first use."""

    configure_mappers()
