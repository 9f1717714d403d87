"""Migration 0019: the submittals table, and "submittal" among the timeline's kinds. A
database of the previous version opens with its timeline intact and takes submittal entries;
a downgrade removes both and keeps the timeline, the entries turned into notes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.store.database import open_database
from app.store.db import create_sqlite_engine
from app.store.migrate import downgrade_to
from tests.support import database_at, integrity_ok, raw_connect, sqlite_rows

BEFORE = "0017_outbox_parts"


def _old_database(path: Path) -> None:
    database_at(path, BEFORE)
    with raw_connect(path) as raw:
        raw.execute(
            "INSERT INTO candidates (id, first_name, last_name, links, do_not_contact, consent,"
            " created_at, updated_at) VALUES (1, 'Ann', 'Lee', '[]', 0, 'unknown',"
            " '2026-11-30 10:00:00', '2026-11-30 10:00:00')"
        )
        raw.execute(
            "INSERT INTO activities (candidate_id, kind, subject, occurred_at)"
            " VALUES (1, 'task', 'Called back', '2026-11-30 10:00:00')"
        )


def _add_submittal_entry(path: Path) -> None:
    with raw_connect(path) as raw:
        raw.execute(
            "INSERT INTO activities (candidate_id, kind, subject, occurred_at)"
            " VALUES (1, 'submittal', 'Submitted to Dana', '2026-12-01 10:00:00')"
        )


def test_an_older_database_takes_submittals_and_their_timeline_entries(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _old_database(path)
    with pytest.raises(sqlite3.IntegrityError):  # the old check refuses the new kind
        _add_submittal_entry(path)
    open_database(path, tmp_path / "backups").close()
    _add_submittal_entry(path)
    assert sqlite_rows(path, "SELECT kind FROM activities ORDER BY id") == [
        ("task",),
        ("submittal",),
    ]
    # Any other kind is still refused.
    with raw_connect(path) as raw, pytest.raises(sqlite3.IntegrityError):
        raw.execute(
            "INSERT INTO activities (candidate_id, kind, occurred_at)"
            " VALUES (1, 'gossip', '2026-12-01 10:00:00')"
        )
    indexes = {
        row[0]
        for row in sqlite_rows(
            path, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'submittals'"
        )
    }
    assert {"ix_submittals_job", "ix_submittals_candidate"} <= indexes
    assert integrity_ok(path)


def test_downgrade_drops_the_table_and_keeps_the_timeline(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _old_database(path)
    open_database(path, tmp_path / "backups").close()
    _add_submittal_entry(path)
    engine = create_sqlite_engine(path)
    try:
        downgrade_to(engine, BEFORE)
    finally:
        engine.dispose()
    assert sqlite_rows(path, "SELECT name FROM sqlite_master WHERE name = 'submittals'") == []
    assert sqlite_rows(path, "SELECT kind, subject FROM activities ORDER BY id") == [
        ("task", "Called back"),
        ("note", "Submitted to Dana"),
    ]
    with pytest.raises(sqlite3.IntegrityError):
        _add_submittal_entry(path)
    assert integrity_ok(path)
