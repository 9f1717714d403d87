"""Migration 0027: the activity report's index keeps only the rows it counts, the timeline's
index the candidate alone, and the stage changes lose an index that another one covers; the
rows stay, the reports read the new index, and a downgrade brings the old ones back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import event

from app.services.admin.report_activity import activity
from app.services.admin.report_defs import ReportFilter
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import Actor
from app.store.database import Database, open_database
from tests.support import database_at, index_sql, raw_connect, sqlite_rows, upgraded_then_downgraded

BEFORE = "0023_onboarding"
REMOVED = {"ix_activities_candidate_time", "ix_stage_changes_application_id"}
KINDS = ("note", "call", "email", "stage_change", "submittal", "meeting")


def _timeline(path: Path) -> None:
    """One person with an entry of each kind, as an older version left them."""
    database_at(path, BEFORE)
    with raw_connect(path) as raw:
        raw.execute(
            "INSERT INTO candidates (id, first_name, last_name, links, do_not_contact, consent,"
            " created_at, updated_at) VALUES (1, 'A', 'B', '[]', 0, 'unknown',"
            " '2026-03-01 00:00:00', '2026-03-01 00:00:00')"
        )
        for day, kind in enumerate(KINDS, start=1):
            raw.execute(
                "INSERT INTO activities (candidate_id, kind, subject, occurred_at) VALUES (1, ?,"
                " ?, ?)",
                (kind, f"{kind} entry", f"2026-03-{day:02d} 10:00:00"),
            )


def test_the_indexes_are_replaced_and_the_rows_kept(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _timeline(path)
    assert set(index_sql(path)) >= REMOVED
    open_database(path, tmp_path / "backups").close()
    indexes = index_sql(path)
    assert not REMOVED & set(indexes)
    assert "WHERE kind IN ('note', 'call', 'email')" in indexes["ix_activities_report"]
    assert "(candidate_id)" in indexes["ix_activities_candidate"]
    assert "ix_stage_changes_reach" in indexes  # serves the lookups by application
    assert sqlite_rows(path, "SELECT kind FROM activities ORDER BY occurred_at") == [
        (kind,) for kind in KINDS
    ]
    assert sqlite_rows(
        path,
        "SELECT count(*) FROM activities INDEXED BY ix_activities_report"
        " WHERE kind IN ('note', 'call', 'email')",
    ) == [(3,)]


def test_downgrade_brings_the_old_indexes_back(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _timeline(path)
    upgraded_then_downgraded(path, tmp_path / "backups", BEFORE)
    indexes = index_sql(path)
    assert set(indexes) >= REMOVED and "ix_activities_candidate" not in indexes
    assert "WHERE" not in indexes["ix_activities_report"]


def _plans(database: Database, work: Any) -> list[str]:
    """The query plan of every statement ``work`` runs, as SQLite details them."""
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        statements.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
    details = []
    with database.engine.connect() as connection:
        raw = connection.connection.driver_connection
        for statement, parameters in statements:
            if statement.lstrip().upper().startswith("SELECT"):
                rows = raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
                details.extend(row[-1] for row in rows)
    return details


def test_the_activity_report_reads_the_partial_index(database: Database) -> None:
    ctx = ServiceContext(database.sessions, Actor(None, "test"))
    filters = ReportFilter(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    plans = _plans(database, lambda: activity(ctx, filters))
    assert any("ix_activities_report" in detail for detail in plans), plans
    assert not any(detail.startswith("SCAN activities") for detail in plans), plans
