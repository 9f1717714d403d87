"""Salvaging a damaged database file: pages overwritten with garbage, then `recover_database`.

The damaged files are copies of the generated demo database with whole pages of a
table's b-tree overwritten. The outcome is compared with the undamaged original: the result
must equal the original with exactly the rows of the ruined page deleted through SQLite's own
cascades and the app's triggers (so the derived tables and the search index must agree too).
"""

from __future__ import annotations

import random
import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from app.services.candidates.search import search_candidates
from app.services.core.context import ServiceContext
from app.services.core.users import ensure_user
from app.store.database import open_database
from app.store.db import PAGE_BYTES, create_sqlite_engine
from app.store.migrate import downgrade_to
from app.store.recover import (
    DERIVED_COLUMNS,
    DERIVED_TABLES,
    RecoveryError,
    RecoveryReport,
    recover_database,
)
from app.store.schema_version import KNOWN_REVISIONS
from app.store.search import is_search_table
from tests.support import raw_connect, sha256_of, side_files

PAGE = PAGE_BYTES


def _read(path: Path, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows read without touching the file: immutable, so no -wal or -shm appears beside it."""
    connection = raw_connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return connection.execute(sql, parameters).fetchall()
    finally:
        connection.close()


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """SQLite's variable-length integer at ``at``: (value, offset after it)."""
    value = 0
    for index in range(9):
        byte = data[at + index]
        if index == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + index + 1
    raise AssertionError("unreachable")


def _damaged(path: Path) -> bool:
    """SQLite's own check finds the file damaged (it may report it, or fail outright)."""
    try:
        return _read(path, "PRAGMA integrity_check") != [("ok",)]
    except sqlite3.DatabaseError as exc:
        return "malformed" in str(exc)


def _leaf_rowids(page: bytes) -> list[int]:
    """The rowids stored on a table b-tree leaf page (never page 1 here)."""
    assert page[0] == 0x0D, "not a table leaf page"
    cells = int.from_bytes(page[3:5], "big")
    rowids = []
    for cell in range(cells):
        pointer = int.from_bytes(page[8 + 2 * cell : 10 + 2 * cell], "big")
        _payload, after = _varint(page, pointer)
        rowids.append(_varint(page, after)[0])
    return rowids


def _pages(path: Path, name: str, kind: str) -> list[int]:
    """The pages of ``name``'s b-tree of one kind ('leaf', 'internal'), in key order."""
    assert _read(path, "PRAGMA page_size") == [(PAGE,)]
    return [
        row[0]
        for row in _read(
            path,
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = ? ORDER BY path",
            (name, kind),
        )
    ]


def _ruin(path: Path, page_number: int, seed: int) -> bytes:
    """Overwrite one page with random bytes; return what it held."""
    data = bytearray(path.read_bytes())
    start = (page_number - 1) * PAGE
    before = bytes(data[start : start + PAGE])
    data[start : start + PAGE] = random.Random(seed).randbytes(PAGE)
    path.write_bytes(bytes(data))
    return before


def _ruin_leaf(path: Path, table: str, which: int, seed: int = 10) -> list[int]:
    """Ruin the ``which``-th leaf page of ``table``; return the rowids it held."""
    leaves = _pages(path, table, "leaf")
    assert len(leaves) > 12, "the table should span many pages"
    return _leaf_rowids(_ruin(path, leaves[which], seed))


def _tables(path: Path) -> list[str]:
    """The ordinary tables whose rows a comparison should cover (FTS shadows and SQLite's
    statistics left out; the search index itself is compared through its own rows)."""
    names = [
        row[0]
        for row in _read(path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    return [
        name
        for name in names
        if not name.startswith("sqlite_")
        and not (is_search_table(name) and name not in ("candidate_search", "search_control"))
    ]


def _content(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    return {
        name: sorted(_read(path, f'SELECT * FROM "{name}"'), key=repr) for name in _tables(path)
    }


def _with_rows_deleted(original: Path, folder: Path, table: str, ids: list[int]) -> Path:
    """A copy of ``original`` from which ``ids`` were deleted the normal way: foreign keys on
    (cascades, SET NULL) and the app's triggers maintaining counts and the search index."""
    reference = folder / "reference.sqlite3"
    shutil.copy(original, reference)
    connection = raw_connect(reference)
    try:
        connection.execute("PRAGMA foreign_keys=ON")
        marks = ",".join("?" * len(ids))
        connection.execute(f'DELETE FROM "{table}" WHERE id IN ({marks})', ids)
        connection.commit()
    finally:
        connection.close()
    return reference


def _assert_sound(path: Path) -> None:
    assert not _damaged(path)
    assert _read(path, "PRAGMA foreign_key_check") == []
    for index in ("candidate_search",):
        connection = raw_connect(path)
        try:  # FTS5 compares its index with its content and raises if they disagree
            connection.execute(f"INSERT INTO {index} ({index}) VALUES ('integrity-check')")
        finally:
            connection.close()


def _assert_counts_reported(report: RecoveryReport, path: Path) -> None:
    for table in report.tables:
        assert table.copied == _read(path, f'SELECT count(*) FROM "{table.name}"')[0][0]
    assert report.copied == sum(table.copied for table in report.tables)


def _no_leftovers(folder: Path, *keep: Path) -> None:
    """Only the files of the test itself remain: no .partial, no journals."""
    assert not list(folder.glob("*.partial*"))
    for path in keep:
        assert side_files(path) == []


@pytest.fixture
def original(tmp_path: Path, _demo_template: Path) -> Path:
    path = tmp_path / "original.sqlite3"
    shutil.copy(_demo_template, path)
    return path


@pytest.fixture
def damaged(tmp_path: Path, original: Path) -> Path:
    path = tmp_path / "damaged.sqlite3"
    shutil.copy(original, path)
    return path


def test_a_ruined_page_costs_only_its_own_rows(
    tmp_path: Path, original: Path, damaged: Path
) -> None:
    lost = _ruin_leaf(damaged, "activities", which=len(_pages(damaged, "activities", "leaf")) // 2)
    assert 0 < len(lost) < 300
    assert _damaged(damaged)
    with pytest.raises(sqlite3.DatabaseError, match="malformed"):
        _read(damaged, "SELECT * FROM activities")
    fingerprint = sha256_of(damaged)
    steps: list[str] = []
    out = tmp_path / "recovered.sqlite3"

    report = recover_database(damaged, out, tmp_path / "backups", progress=steps.append)

    assert sha256_of(damaged) == fingerprint
    _no_leftovers(tmp_path, damaged, out)
    _assert_sound(out)
    # Exactly the page's rows are missing: those before it and those after it were read.
    all_ids = [row[0] for row in _read(original, "SELECT id FROM activities ORDER BY id")]
    kept = [row[0] for row in _read(out, "SELECT id FROM activities ORDER BY id")]
    assert kept == [i for i in all_ids if i not in set(lost)]
    assert max(kept) == max(all_ids) > max(lost)
    assert min(kept) == min(all_ids) < min(lost)
    # ...and everything else, derived tables and search index included, is the original
    # with those rows deleted.
    reference = _with_rows_deleted(original, tmp_path, "activities", lost)
    assert _content(out) == _content(reference)

    activities = report.table("activities")
    assert activities.copied == len(all_ids) - len(lost)
    assert activities.source_count_estimate == len(all_ids)
    assert activities.lost_estimate == len(lost)
    assert activities.errors and "malformed" in activities.errors[0]
    assert f"{min(lost):,} to {max(lost):,}" in activities.errors[0]
    for table in report.tables:
        if table.name != "activities":
            assert (table.lost_estimate, table.errors) == (0, []), table
    _assert_counts_reported(report, out)
    assert report.orphans_removed == 0
    lines = report.summary_lines()
    assert lines[0].startswith(f"activities: {len(all_ids) - len(lost):,} of about")
    assert lines[-1] == (
        f"Recovered {report.copied:,} rows from {len(report.tables)} tables into {out}; "
        f"about {len(lost):,} rows in activities could not be read."
    )
    assert f"activities: {len(all_ids) - len(lost):,} rows (damaged)" in steps
    assert f"candidates: {500:,} rows" in steps


def test_rows_of_lost_parents_go_with_them(tmp_path: Path, original: Path, damaged: Path) -> None:
    lost = _ruin_leaf(damaged, "candidates", which=10, seed=11)
    out = tmp_path / "recovered.sqlite3"

    report = recover_database(damaged, out, tmp_path / "backups")

    _assert_sound(out)
    reference = _with_rows_deleted(original, tmp_path, "candidates", lost)
    assert _content(out) == _content(reference)
    candidates = report.table("candidates")
    assert (candidates.lost_estimate, candidates.orphans_removed) == (len(lost), 0)
    # Each dependent table lost exactly the rows that belonged to the lost candidates.
    for table in ("applications", "activities", "candidate_skills", "stage_changes"):
        before = _read(original, f"SELECT count(*) FROM {table}")[0][0]
        after = _read(reference, f"SELECT count(*) FROM {table}")[0][0]
        outcome = report.table(table)
        assert before > after
        assert outcome.orphans_removed == outcome.lost_estimate == before - after
        assert outcome.errors == []
    assert report.orphans_removed > 0
    _assert_counts_reported(report, out)
    assert report.summary_lines()[-1].endswith(
        f"about {len(lost)} rows in candidates could not be read, and "
        f"{report.orphans_removed:,} rows that belonged to lost rows were left out."
    )


def test_damage_at_both_ends_and_in_indexes(tmp_path: Path, original: Path, damaged: Path) -> None:
    first = _ruin_leaf(damaged, "activities", which=0, seed=12)
    last = _ruin_leaf(damaged, "activities", which=-1, seed=13)
    _ruin(damaged, _pages(damaged, "ix_activities_candidate", "leaf")[3], seed=14)
    _ruin(damaged, _pages(damaged, "candidate_search_data", "leaf")[5], seed=15)
    assert _damaged(damaged)
    out = tmp_path / "recovered.sqlite3"

    report = recover_database(damaged, out, tmp_path / "backups")

    _assert_sound(out)
    reference = _with_rows_deleted(original, tmp_path, "activities", first + last)
    # The ruined index pages cost nothing: indexes are rebuilt, never copied.
    assert _content(out) == _content(reference)
    activities = report.table("activities")
    assert activities.lost_estimate == len(first) + len(last)
    assert len(activities.errors) == 2


def test_rows_are_copied_as_they_were(tmp_path: Path, original: Path) -> None:
    out = tmp_path / "recovered.sqlite3"

    report = recover_database(original, out, tmp_path / "backups")

    assert _content(out) == _content(original)
    assert report.lost_estimate == report.orphans_removed == 0
    assert report.summary_lines() == [
        f"Recovered {report.copied:,} rows from {len(report.tables)} tables into {out}; "
        "nothing was lost."
    ]
    # The result is a working database at the current schema, its search index included.
    database = open_database(out, tmp_path / "backups")
    try:
        assert database.migration_backup is None
        ctx = ServiceContext(database.sessions, ensure_user(database.sessions, "tester"))
        candidate_id, last_name = _read(out, "SELECT id, last_name FROM candidates LIMIT 1")[0]
        hits = search_candidates(ctx, last_name, limit=500)
        assert candidate_id in {hit.candidate_id for hit in hits.hits}
    finally:
        database.close()
    _no_leftovers(tmp_path, original)


def test_an_older_schema_comes_back_at_the_current_one(tmp_path: Path, original: Path) -> None:
    engine = create_sqlite_engine(original)
    try:
        downgrade_to(engine, "0006_document_search")
    finally:
        engine.dispose()
    out = tmp_path / "recovered.sqlite3"

    report = recover_database(original, out, tmp_path / "backups")

    _assert_sound(out)
    assert report.source_revision == "0006_document_search"
    assert _read(out, "SELECT version_num FROM alembic_version") == [(KNOWN_REVISIONS[-1],)]
    assert {"campaigns", "outbox_messages"} <= set(report.missing_tables)
    assert "candidate_search" not in [table.name for table in report.tables]
    # The shared columns came across; a column added since has its default.
    for table in ("candidates", "activities", "applications", "stage_changes"):
        columns = ", ".join(row[1] for row in _read(original, f"PRAGMA table_info({table})"))
        query = f"SELECT {columns} FROM {table} ORDER BY id"
        assert _read(out, query) == _read(original, query)
    assert _read(out, "SELECT DISTINCT kind FROM talent_pools") == [("static",)]
    assert _read(out, "SELECT count(*) FROM rejection_reasons")[0][0] > 0
    assert any(
        line.startswith("Not in the damaged file (schema 0006") for line in report.summary_lines()
    )
    database = open_database(out, tmp_path / "backups")
    try:
        assert database.migration_backup is None
        ctx = ServiceContext(database.sessions, ensure_user(database.sessions, "tester"))
        candidate_id, last_name = _read(out, "SELECT id, last_name FROM candidates LIMIT 1")[0]
        hits = search_candidates(ctx, last_name, limit=500)
        assert candidate_id in {hit.candidate_id for hit in hits.hits}
    finally:
        database.close()


def test_an_existing_destination_is_never_replaced(tmp_path: Path, damaged: Path) -> None:
    out = tmp_path / "recovered.sqlite3"
    out.write_bytes(b"someone's file")

    with pytest.raises(FileExistsError, match="already exists"):
        recover_database(damaged, out, tmp_path / "backups")

    assert out.read_bytes() == b"someone's file"
    _no_leftovers(tmp_path, damaged)


@pytest.mark.parametrize("kind", ["text", "other program"])
def test_a_file_that_is_not_ours_is_refused(tmp_path: Path, kind: str) -> None:
    source = tmp_path / "other.db"
    if kind == "text":
        source.write_text("name,email\n")
    else:
        connection = raw_connect(source)
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        connection.commit()
        connection.close()
    fingerprint = sha256_of(source)
    out = tmp_path / "recovered.sqlite3"

    with pytest.raises(RecoveryError, match="not a Hirebench database"):
        recover_database(source, out, tmp_path / "backups")

    assert not out.exists()
    assert sha256_of(source) == fingerprint
    _no_leftovers(tmp_path, source)


def test_a_failure_half_way_leaves_nothing(
    tmp_path: Path, damaged: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.store import recover

    def fail(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(recover, "_remove_orphans", fail)
    out = tmp_path / "recovered.sqlite3"

    with pytest.raises(OSError, match="disk full"):
        recover_database(damaged, out, tmp_path / "backups")

    assert not out.exists()
    assert not list(tmp_path.glob("recovered*"))
    _no_leftovers(tmp_path, damaged)


def test_every_table_the_triggers_write_is_derived_again(_empty_template: Path) -> None:
    """A new trigger-maintained table must be added to `DERIVED_TABLES` (or be a search
    table), or recovery would copy stale rows into it and the triggers would disagree; a
    table whose trigger fills a column from its own rows, to `DERIVED_COLUMNS`."""
    written = set()
    for (sql,) in _read(_empty_template, "SELECT sql FROM sqlite_master WHERE type = 'trigger'"):
        body = sql.split(" BEGIN ", 1)[1]
        written |= set(re.findall(r"(?:INSERT INTO|UPDATE|DELETE FROM)\s+(\w+)", body))
    assert written
    expected = set(DERIVED_TABLES) | set(DERIVED_COLUMNS)
    assert {name for name in written if not is_search_table(name)} == expected


def test_a_row_the_schema_refuses_is_left_out_alone(
    tmp_path: Path, original: Path, damaged: Path
) -> None:
    # Damage that SQLite cannot see: a value its CHECK constraint would never have let in.
    connection = raw_connect(damaged)
    try:
        connection.execute("PRAGMA ignore_check_constraints=ON")
        connection.execute("UPDATE activities SET kind = 'garbled' WHERE id = 7")
        connection.commit()
    finally:
        connection.close()
    out = tmp_path / "recovered.sqlite3"

    report = recover_database(damaged, out, tmp_path / "backups")

    _assert_sound(out)
    assert _content(out) == _content(_with_rows_deleted(original, tmp_path, "activities", [7]))
    activities = report.table("activities")
    assert activities.lost_estimate == 1
    assert "CHECK constraint failed" in activities.errors[0]


def test_references_to_lost_rows_are_cleared_where_deleting_would_clear_them(
    tmp_path: Path, original: Path, damaged: Path
) -> None:
    (page,) = _pages(damaged, "users", "leaf")  # a table of one page, all of it ruined
    users = _leaf_rowids(_ruin(damaged, page, seed=16))
    owned = _read(original, "SELECT count(*) FROM candidates WHERE owner_id IS NOT NULL")[0][0]
    assert owned > 0
    out = tmp_path / "recovered.sqlite3"

    report = recover_database(damaged, out, tmp_path / "backups")

    _assert_sound(out)
    assert _content(out) == _content(_with_rows_deleted(original, tmp_path, "users", users))
    assert report.table("users").copied == 0
    candidates = report.table("candidates")
    assert (candidates.copied, candidates.lost_estimate, candidates.orphans_removed) == (500, 0, 0)
    assert candidates.references_cleared == owned
    assert (
        f"candidates: 500 of 500 rows recovered; {owned:,} kept without their link to a lost row."
        in (report.summary_lines())
    )
