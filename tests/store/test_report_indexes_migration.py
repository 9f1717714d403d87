"""Migration 0021: each stage change knows when the stage it leaves was entered (the history
already there is filled in, and a trigger fills new rows), and the reports' indexes exist;
a downgrade removes them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.store.database import open_database
from tests.support import database_at, sqlite_rows, upgraded_then_downgraded

BEFORE = "0018_interviews"
INDEXES = {
    "ix_stage_changes_stays",
    "ix_stage_changes_reach",
    "ix_applications_cohort",
    "ix_activities_report",
    "ix_stage_changes_undo",
}


def _history(path: Path) -> None:
    """Two applications, their changes written out of order between them."""
    database_at(path, BEFORE)
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO clients (id, name, created_at, updated_at) VALUES (1, 'A', "
                    "'2026-03-01 00:00:00', '2026-03-01 00:00:00')")  # fmt: skip
        raw.execute("INSERT INTO jobs (id, client_id, title, status, openings, opened_on, "
                    "created_at, updated_at) VALUES (1, 1, 'J', 'open', 1, '2026-03-01', "
                    "'2026-03-01 00:00:00', '2026-03-01 00:00:00')")  # fmt: skip
        for stage_id, name in ((1, "Applied"), (2, "Screened"), (3, "Offered")):
            raw.execute(
                "INSERT INTO stages (id, job_id, name, position, kind) VALUES (?, 1, ?, ?, "
                "'active')",
                (stage_id, name, stage_id),
            )
        for person in (1, 2):
            raw.execute(
                "INSERT INTO candidates (id, first_name, last_name, links, do_not_contact, "
                "consent, created_at, updated_at) VALUES (?, 'A', 'B', '[]', 0, 'unknown', "
                "'2026-03-01 00:00:00', '2026-03-01 00:00:00')",
                (person,),
            )
            raw.execute(
                "INSERT INTO applications (id, candidate_id, job_id, stage_id, applied_at, "
                "stage_entered_at, board_position, version, created_at, updated_at) VALUES "
                "(?, ?, 1, 1, '2026-03-01 00:00:00', '2026-03-01 00:00:00', 1, 1, "
                "'2026-03-01 00:00:00', '2026-03-01 00:00:00')",
                (person, person),
            )
        for application, source, target, when in (
            (1, None, 1, "2026-03-01 10:00:00"),
            (2, None, 1, "2026-03-02 10:00:00"),
            (1, 1, 2, "2026-03-03 10:00:00"),
            (2, 1, 3, "2026-03-05 10:00:00"),
            (1, 2, 3, "2026-03-09 10:00:00"),
        ):
            raw.execute(
                "INSERT INTO stage_changes (application_id, from_stage_id, to_stage_id, "
                "changed_at) VALUES (?, ?, ?, ?)",
                (application, source, target, when),
            )


def test_the_history_is_filled_in_and_new_changes_too(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _history(path)
    open_database(path, tmp_path / "backups").close()
    assert sqlite_rows(path, "SELECT from_entered_at FROM stage_changes ORDER BY id") == [
        (None,),
        (None,),
        ("2026-03-01 10:00:00",),
        ("2026-03-02 10:00:00",),
        ("2026-03-03 10:00:00",),
    ]
    with sqlite3.connect(path) as raw:
        raw.execute(
            "INSERT INTO stage_changes (application_id, from_stage_id, to_stage_id, changed_at)"
            " VALUES (2, 3, 2, '2026-03-10 10:00:00')"
        )
    assert sqlite_rows(path, "SELECT from_entered_at FROM stage_changes WHERE id = 6") == [
        ("2026-03-05 10:00:00",)
    ]
    names = {row[0] for row in sqlite_rows(path, "SELECT name FROM sqlite_master")}
    assert names >= INDEXES and "stage_changes_from_entered" in names


def test_downgrade_removes_the_column_trigger_and_indexes(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _history(path)
    upgraded_then_downgraded(path, tmp_path / "backups", BEFORE)
    names = {row[0] for row in sqlite_rows(path, "SELECT name FROM sqlite_master")}
    assert not INDEXES & names and "stage_changes_from_entered" not in names
    columns = {row[1] for row in sqlite_rows(path, "PRAGMA table_info(stage_changes)")}
    assert (
        "from_entered_at" not in columns
        and len(sqlite_rows(path, "SELECT id FROM stage_changes")) == 5
    )
