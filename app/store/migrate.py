"""Bring a database to the current schema, with a backup copy taken first.

Alembic is imported only when a database actually needs migrating, so that an up-to-date
database opens without paying for it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from sqlalchemy import Engine

from app.store.db import DatabaseState
from app.store.schema_version import KNOWN_REVISIONS

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def backup_database(source: Path, destination: Path) -> Path:
    """Copy a live database consistently with SQLite's online backup API."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    if destination.exists():
        raise FileExistsError(f"{destination} already exists; choose another name.")
    partial = destination.with_name(destination.name + ".partial")
    # Read-write (never create): a read-only connection to a WAL database would leave -wal
    # and -shm files behind that only a writer can remove.
    source_connection = sqlite3.connect(f"{source.as_uri()}?mode=rw", uri=True)
    try:
        target_connection = sqlite3.connect(partial)
        try:
            source_connection.backup(target_connection)
        finally:
            target_connection.close()
    finally:
        source_connection.close()
    partial.replace(destination)  # never a half-written backup under the final name
    return destination


def _alembic_config(connection: object) -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade_to(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to ``revision`` in one transaction."""
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), revision)


def downgrade_to(engine: Engine, revision: str) -> None:
    """Downgrade the schema to ``revision`` in one transaction (tests, recovery)."""
    from alembic import command

    with engine.begin() as connection:
        command.downgrade(_alembic_config(connection), revision)


def upgrade_to_head(engine: Engine) -> None:
    upgrade_to(engine, "head")


def script_revisions() -> list[str]:
    """The revisions the migration scripts define, oldest first (used by tests)."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(MIGRATIONS_DIR))
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]


def migrate(engine: Engine, state: DatabaseState, backups_dir: Path) -> Path | None:
    """Upgrade if needed; return the backup made, if any."""
    if state.is_current:
        return None
    backup = None
    if state.exists:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        revision = state.revision or "empty"
        name = f"{state.path.stem}-before-{KNOWN_REVISIONS[-1]}-from-{revision}-{stamp}.sqlite3"
        backup = backup_database(state.path, backups_dir / name)
    upgrade_to_head(engine)
    return backup
