"""Migration 0028: a database from before opens with the jobs' new posting reference column
and its case-blind unique index, the jobs it held untouched; a downgrade takes both away."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.store.database import open_database
from tests.support import database_at, index_sql, raw_connect, sqlite_rows, upgraded_then_downgraded

BEFORE = "0027_lean_indexes"
INDEX = "ix_jobs_posting_reference"


def _columns(path: Path) -> set[str]:
    return {name for (name,) in sqlite_rows(path, "SELECT name FROM pragma_table_info('jobs')")}


def _old_database(path: Path) -> None:
    """Two jobs, as an older version left them."""
    database_at(path, BEFORE)
    with raw_connect(path) as raw:
        raw.execute(
            "INSERT INTO clients (id, name, created_at, updated_at)"
            " VALUES (1, 'Initech', '2026-03-01 00:00:00', '2026-03-01 00:00:00')"
        )
        for job_id in (1, 2):
            raw.execute(
                "INSERT INTO jobs (id, client_id, title, status, openings, opened_on, created_at,"
                " updated_at) VALUES (?, 1, 'Data Engineer', 'open', 1, '2026-03-01',"
                " '2026-03-01 00:00:00', '2026-03-01 00:00:00')",
                (job_id,),
            )


def test_an_old_database_gets_the_column_and_the_unique_index(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _old_database(path)
    assert "posting_reference" not in _columns(path)
    open_database(path, tmp_path / "backups").close()
    assert "posting_reference" in _columns(path)
    sql = " ".join(index_sql(path)[INDEX].split())
    assert "UNIQUE" in sql and "(lower(posting_reference))" in sql
    assert "WHERE posting_reference IS NOT NULL" in sql
    assert sqlite_rows(path, "SELECT id, posting_reference FROM jobs ORDER BY id") == [
        (1, None),
        (2, None),
    ]
    with raw_connect(path) as raw:
        raw.execute("UPDATE jobs SET posting_reference = 'REQ-7' WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError):  # the same reference in other letters
            raw.execute("UPDATE jobs SET posting_reference = 'req-7' WHERE id = 2")


def test_downgrade_removes_the_column_and_the_index(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _old_database(path)
    upgraded_then_downgraded(path, tmp_path / "backups", BEFORE)
    assert "posting_reference" not in _columns(path)
    assert INDEX not in index_sql(path)
    assert sqlite_rows(path, "SELECT count(*) FROM jobs") == [(2,)]
