"""Maintenance: leftover plain text packed, the index merged, free pages given back (VACUUM)
when worth it, sizes reported; a damaged or read-only database is left alone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.cli import EXIT_FAILURE, EXIT_OK, run
from app.services.admin.compact import file_size, run_maintenance
from app.services.candidates.search import matching_candidate_ids
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import Actor
from app.store.database import Database, open_database
from app.store.db import PAGE_BYTES, ReadOnlyDatabase
from app.store.integrity import CheckResult
from tests.store.test_search_size_migration import assert_index_as_rebuilt
from tests.support import raw_connect, sqlite_rows


def _plain_resume(path: Path, candidate_id: int, body: str) -> None:
    """A document as recovery copies it from an older file: its text plain, not packed."""
    with raw_connect(path) as raw:
        raw.execute(
            "INSERT INTO documents (candidate_id, sha256, original_name, media_type, size_bytes,"
            " stored_path, text, parse_status, created_at) VALUES (?, ?, 'cv.txt',"
            " 'text/plain', 1, 'x', ?, 'parsed', '2026-01-01')",
            (candidate_id, "f" * 64, body),
        )


def test_deleted_rows_give_their_space_back_and_searches_still_answer(
    demo_database: Database,
) -> None:
    path = demo_database.path
    ctx = ServiceContext(demo_database.sessions, Actor(None, "test"))
    with demo_database.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM candidates WHERE id > 60")
    _plain_resume(path, 5, "Zanzibar logistics and dhow restoration")
    before = matching_candidate_ids(ctx, "skill:python OR resume:zanzibar")
    assert 5 in before
    size = file_size(path)

    report = run_maintenance(demo_database)

    assert report.vacuumed and report.free_before > 0
    assert report.file_before == size and report.file_after < size
    assert report.index_after is not None and report.index_before is not None
    assert report.index_after <= report.index_before
    assert report.packed_documents == 1
    assert sqlite_rows(path, "SELECT DISTINCT typeof(text) FROM documents") == [("blob",)]
    assert sqlite_rows(path, "PRAGMA freelist_count") == [(0,)]
    assert matching_candidate_ids(ctx, "skill:python OR resume:zanzibar") == before
    assert_index_as_rebuilt(path)
    (after,) = sqlite_rows(
        path, "SELECT after FROM audit_entries WHERE action = 'database.maintenance'"
    )[0]
    assert json.loads(after)["file_after"] == report.file_after
    lines = report.summary_lines()
    assert "before" in lines[0] and "after" in lines[0] and "Search index" in lines[1]


def test_little_free_space_is_not_worth_a_rewrite(demo_database: Database) -> None:
    first = run_maintenance(demo_database, force_vacuum=True)
    again = run_maintenance(demo_database)
    assert first.vacuumed and not again.vacuumed
    assert again.free_before < 0.10 * again.file_before


def test_a_read_only_or_damaged_database_is_not_rewritten(demo_database: Database) -> None:
    fingerprint = file_size(demo_database.path)
    demo_database.mark_damaged(
        CheckResult(demo_database.path, "quick", ("page 7 is damaged",), 0.0)
    )
    with pytest.raises(ReadOnlyDatabase):
        run_maintenance(demo_database, force_vacuum=True)
    assert file_size(demo_database.path) == fingerprint


@pytest.mark.usefixtures("paths")
def test_the_command_prints_the_sizes(
    tmp_path: Path, _demo_template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo_copy = tmp_path / "agency.sqlite3"
    shutil.copy(_demo_template, demo_copy)
    assert run(["maintenance", "--database", str(demo_copy), "--vacuum"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "MB before" in out and "after" in out and "VACUUM" in out
    assert run(["maintenance", "--database", str(demo_copy.with_name("none.sqlite3"))]) == (
        EXIT_FAILURE
    )


def test_no_rewrite_without_room_for_it(
    demo_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.services.admin.compact as compact

    usage = shutil.disk_usage(demo_database.path.parent)
    monkeypatch.setattr(compact.shutil, "disk_usage", lambda _path: usage._replace(free=4096))
    report = run_maintenance(demo_database, force_vacuum=True)
    assert not report.vacuumed and "Not rewritten" in report.note
    assert report.note in report.summary_lines()


def _with_4_kib_pages(path: Path) -> None:
    """The file as an older version made it: SQLite's default 4 KiB pages."""
    raw = raw_connect(path, isolation_level=None)
    try:
        raw.execute("PRAGMA journal_mode=DELETE")
        raw.execute("PRAGMA page_size=4096")
        raw.execute("VACUUM")
        raw.execute("PRAGMA journal_mode=WAL")
    finally:
        raw.close()
    assert sqlite_rows(path, "PRAGMA page_size") == [(4096,)]


def _older_copy(tmp_path: Path, template: Path) -> Database:
    path = tmp_path / "older.sqlite3"
    shutil.copy(template, path)
    _with_4_kib_pages(path)
    return open_database(path, tmp_path / "backups")


def test_a_rewrite_moves_an_older_file_to_larger_pages(tmp_path: Path, _demo_template: Path):
    database = _older_copy(tmp_path, _demo_template)
    try:
        ctx = ServiceContext(database.sessions, Actor(None, "test"))
        query = "skill:python OR title:engineer"
        before = matching_candidate_ids(ctx, query)
        report = run_maintenance(database, force_vacuum=True)
        assert report.vacuumed and report.note == ""
        assert sqlite_rows(database.path, "PRAGMA page_size") == [(PAGE_BYTES,)]
        assert sqlite_rows(database.path, "PRAGMA journal_mode") == [("wal",)]
        assert sqlite_rows(database.path, "PRAGMA integrity_check") == [("ok",)]
        assert before and matching_candidate_ids(ctx, query) == before
    finally:
        database.close()


def test_pages_stay_while_another_program_has_the_file_open(
    tmp_path: Path, _demo_template: Path
) -> None:
    database = _older_copy(tmp_path, _demo_template)
    other = raw_connect(database.path)
    try:
        other.execute("SELECT count(*) FROM candidates").fetchone()
        report = run_maintenance(database, force_vacuum=True)
        assert report.vacuumed
        assert "Pages stay at 4096 bytes" in report.note and report.note in report.summary_lines()
        assert sqlite_rows(database.path, "PRAGMA page_size") == [(4096,)]
        assert other.execute("SELECT count(*) FROM candidates").fetchone()[0] > 0
    finally:
        other.close()
        database.close()
