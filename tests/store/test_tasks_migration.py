"""Migration 0014: the tasks table, and a "task" kind the timeline accepts, added without
copying the activities table (its rows, ids and search triggers stay as they were)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.store.db import create_sqlite_engine
from app.store.migrate import downgrade_to, upgrade_to
from tests.support import database_at, integrity_ok, raw_connect, sqlite_rows

SEED = (
    "INSERT INTO candidates (id, first_name, last_name, links, do_not_contact, consent,"
    " created_at, updated_at) VALUES (1, 'Ada', 'Lovelace', '[]', 0, 'unknown',"
    " '2026-01-01', '2026-01-01');"
    "INSERT INTO activities (id, candidate_id, kind, subject, body, occurred_at)"
    " VALUES (41, 1, 'note', NULL, 'Prefers mornings', '2026-02-01');"
)


def _insert_activity(path: Path, kind: str) -> None:
    with raw_connect(path) as raw:
        raw.execute(
            "INSERT INTO activities (candidate_id, kind, subject, occurred_at)"
            " VALUES (1, ?, 'Done: Call', '2026-03-01')",
            (kind,),
        )


def _triggers(path: Path) -> set[str]:
    rows = sqlite_rows(
        path, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'activities'"
    )
    return {name for (name,) in rows}


def _migrate(path: Path, revision: str, down: bool = False) -> None:
    engine = create_sqlite_engine(path)
    try:
        (downgrade_to if down else upgrade_to)(engine, revision)
    finally:
        engine.dispose()


def test_upgrade_accepts_task_entries_and_keeps_the_activities_table(tmp_path: Path) -> None:
    path = tmp_path / "at-0013.sqlite3"
    database_at(path, "0013_dispatch_lease")
    with raw_connect(path) as raw:
        raw.executescript(SEED)
    with pytest.raises(sqlite3.IntegrityError):
        _insert_activity(path, "task")  # the old schema refuses the new kind
    triggers = _triggers(path)
    assert triggers  # the search triggers hang on this table

    _migrate(path, "0014_tasks")
    _insert_activity(path, "task")
    with pytest.raises(sqlite3.IntegrityError):
        _insert_activity(path, "gossip")  # still a check, only one value wider
    assert _triggers(path) == triggers
    assert sqlite_rows(path, "SELECT id, body FROM activities WHERE kind = 'note'") == [
        (41, "Prefers mornings")
    ]
    indexes = {
        name
        for (name,) in sqlite_rows(
            path, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tasks'"
        )
    }
    assert "ix_tasks_owner_done_due" in indexes and "ix_tasks_candidate_id" in indexes
    assert integrity_ok(path)


def test_downgrade_keeps_done_tasks_as_notes(tmp_path: Path) -> None:
    path = tmp_path / "head.sqlite3"
    database_at(path, "0014_tasks")
    with raw_connect(path) as raw:
        raw.executescript(SEED)
    _insert_activity(path, "task")
    _migrate(path, "0013_dispatch_lease", down=True)
    assert sqlite_rows(path, "SELECT kind, subject FROM activities ORDER BY id") == [
        ("note", None),
        ("note", "Done: Call"),
    ]
    assert sqlite_rows(path, "SELECT name FROM sqlite_master WHERE name = 'tasks'") == []
    with pytest.raises(sqlite3.IntegrityError):
        _insert_activity(path, "task")
    assert integrity_ok(path)
    _migrate(path, "head")  # and up again
    _insert_activity(path, "task")
