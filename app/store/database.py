"""Open a Hirebench database: check it, migrate it (after a backup), hand out sessions."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.store.db import (
    DatabaseError,
    create_sqlite_engine,
    inspect_database,
    make_session_factory,
)
from app.store.migrate import migrate


@dataclass
class Database:
    """An open database file."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    migration_backup: Path | None = None

    def raw_connection(self) -> sqlite3.Connection:
        """A plain DB-API connection for bulk work; the caller closes it."""
        return sqlite3.connect(self.path)

    def close(self) -> None:
        self.engine.dispose()


def open_database(path: Path, backups_dir: Path) -> Database:
    """Open ``path``, creating or upgrading its schema; raise `DatabaseError` for bad files."""
    state = inspect_database(path)
    engine = create_sqlite_engine(path)
    try:
        backup = migrate(engine, state, backups_dir)
    except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
        engine.dispose()
        raise DatabaseError(f"Could not prepare the database {path}: {exc}") from exc
    return Database(
        path=path, engine=engine, sessions=make_session_factory(engine), migration_backup=backup
    )


def prepare_mappers() -> None:
    """Configure every ORM mapper now (tens of ms, once) rather than on first use."""
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
