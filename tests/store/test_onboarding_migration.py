"""Migration 0023: the onboarding checks and holidays tables. A database of the previous
version opens with them empty and their rules in force; a downgrade removes both."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.store.database import open_database
from app.store.db import create_sqlite_engine
from app.store.migrate import downgrade_to
from tests.support import database_at, integrity_ok, sqlite_rows

BEFORE = "0022_audit_chain"


def _upgraded(tmp_path: Path) -> Path:
    path = tmp_path / "old.sqlite3"
    database_at(path, BEFORE)
    assert sqlite_rows(path, "SELECT name FROM sqlite_master WHERE name = 'holidays'") == []
    open_database(path, tmp_path / "backups").close()
    return path


def test_an_older_database_takes_the_tables_with_their_rules(tmp_path: Path) -> None:
    path = _upgraded(tmp_path)
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO holidays (day, name) VALUES ('2026-12-25', 'Christmas Day')")
        with pytest.raises(sqlite3.IntegrityError):  # one row per day
            raw.execute("INSERT INTO holidays (day, name) VALUES ('2026-12-25', 'Again')")
        with pytest.raises(sqlite3.IntegrityError):  # a status outside the list
            raw.execute(
                "INSERT INTO onboarding_checks (application_id, kind, status, version,"
                " created_at, updated_at) VALUES (1, 'background', 'lost', 1,"
                " '2026-12-01 10:00:00', '2026-12-01 10:00:00')"
            )
    indexes = {
        row[0]
        for row in sqlite_rows(
            path,
            "SELECT name FROM sqlite_master WHERE type = 'index'"
            " AND tbl_name = 'onboarding_checks'",
        )
    }
    assert {"ix_onboarding_checks_status_due", "ix_onboarding_checks_application_id"} <= indexes
    assert integrity_ok(path)


def test_downgrade_drops_both_tables(tmp_path: Path) -> None:
    path = _upgraded(tmp_path)
    engine = create_sqlite_engine(path)
    try:
        downgrade_to(engine, BEFORE)
    finally:
        engine.dispose()
    names = sqlite_rows(
        path, "SELECT name FROM sqlite_master WHERE name IN ('holidays', 'onboarding_checks')"
    )
    assert names == []
    assert integrity_ok(path)
