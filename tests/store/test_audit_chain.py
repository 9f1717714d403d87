"""The audit trail's SHA-256 chain: every entry sealed at commit, by services, bulk loads and
the migration; a changed, removed or inserted entry is found by `verify`; the database's
trigger allows sealing once and nothing else."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.services.admin.generate import demo_plan
from app.services.admin.maintenance import fill_generated
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.candidates.timeline import add_note
from app.services.core.context import ServiceContext
from app.store.audit_chain import GENESIS, content_hash, link_hash, redact, verify
from app.store.database import Database, open_database
from tests.support import database_at, raw_connect, sqlite_rows


def _verify(path: Path):
    connection = raw_connect(path)
    try:
        return verify(connection.execute)
    finally:
        connection.close()


def _tamper(path: Path, *statements: str) -> None:
    """Change the file as someone with sqlite3 and the file could: triggers dropped first."""
    connection = raw_connect(path)
    try:
        connection.execute("DROP TRIGGER audit_entries_no_update")
        connection.execute("DROP TRIGGER audit_entries_no_delete")
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def _some_history(ctx: ServiceContext) -> None:
    for first in ("Ada", "Grace", "Edsger"):
        person = create_candidate(ctx, CandidateInput(first, "Example")).value
        add_note(ctx, person, f"{first} called back.")


def test_entries_written_by_services_are_sealed_in_order(ctx: ServiceContext, database: Database):
    _some_history(ctx)
    rows = sqlite_rows(
        database.path,
        "SELECT id, content_hash, chain_hash FROM audit_entries ORDER BY id",
    )
    assert len(rows) >= 6 and all(content and chain for _id, content, chain in rows)
    previous = GENESIS
    for _id, content, chain in rows:  # the chain, recomputed independently of `verify`
        assert chain == link_hash(previous, content)
        previous = chain
    result = _verify(database.path)
    assert result.ok and result.entries == len(rows) and result.head == previous


def test_the_content_hash_covers_every_stored_value(ctx: ServiceContext, database: Database):
    _some_history(ctx)
    [(_entry_id, quoted, stored)] = sqlite_rows(
        database.path,
        "SELECT id, quote(id) || ',' || quote(occurred_at) || ',' || quote(user_id) || ',' || "
        "quote(actor) || ',' || quote(action) || ',' || quote(entity_type) || ',' || "
        "quote(entity_id) || ',' || quote(before) || ',' || quote(after), content_hash "
        "FROM audit_entries ORDER BY id DESC LIMIT 1",
    )
    assert content_hash(quoted) == stored


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ("UPDATE audit_entries SET actor = 'mallory' WHERE id = {target}", "content was changed"),
        ("UPDATE audit_entries SET after = NULL WHERE id = {target}", "content was changed"),
        (
            "UPDATE audit_entries SET occurred_at = '2020-01-01 00:00:00' WHERE id = {target}",
            "content was changed",
        ),
        ("UPDATE audit_entries SET user_id = user_id WHERE id = {target}", None),  # no change
    ],
)
def test_a_changed_entry_is_named(
    ctx: ServiceContext, database: Database, change: str, problem: str | None
):
    _some_history(ctx)
    count = sqlite_rows(database.path, "SELECT count(*) FROM audit_entries")[0][0]
    target = sqlite_rows(database.path, "SELECT id FROM audit_entries ORDER BY id LIMIT 1 OFFSET 2")
    database.close()
    _tamper(database.path, change.format(target=target[0][0]))
    result = _verify(database.path)
    if problem is None:
        assert result.ok and result.entries == count
    else:
        assert result.broken_at == target[0][0] and problem in result.problem
        assert result.entries == 2  # the two before it still verify


def test_a_removed_entry_breaks_the_link_of_the_next(ctx: ServiceContext, database: Database):
    _some_history(ctx)
    ids = [row[0] for row in sqlite_rows(database.path, "SELECT id FROM audit_entries ORDER BY id")]
    database.close()
    _tamper(database.path, f"DELETE FROM audit_entries WHERE id = {ids[3]}")
    result = _verify(database.path)
    assert result.broken_at == ids[4] and "link" in result.problem


def test_an_entry_inserted_with_copied_hashes_is_found(ctx: ServiceContext, database: Database):
    _some_history(ctx)
    database.close()
    _tamper(
        database.path,
        "INSERT INTO audit_entries (id, occurred_at, actor, action, entity_type, entity_id, "
        "content_hash, chain_hash) SELECT 1000, occurred_at, 'mallory', 'candidate.delete', "
        "'candidate', 1, content_hash, chain_hash FROM audit_entries ORDER BY id DESC LIMIT 1",
    )
    result = _verify(database.path)
    assert result.broken_at == 1000


def test_the_trigger_allows_sealing_once_and_nothing_else(database: Database, tmp_path: Path):
    connection = raw_connect(database.path)
    try:
        connection.execute(
            "INSERT INTO audit_entries (occurred_at, actor, action, entity_type) "
            "VALUES ('2026-01-01 00:00:00', 'x', 'test', 'none')"
        )
        entry = connection.execute("SELECT max(id) FROM audit_entries").fetchone()[0]
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute(
                "UPDATE audit_entries SET actor = 'y', chain_hash = 'a', content_hash = 'b' "
                f"WHERE id = {entry}"
            )
        connection.execute(
            f"UPDATE audit_entries SET chain_hash = 'a', content_hash = 'b' WHERE id = {entry}"
        )
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute(f"UPDATE audit_entries SET chain_hash = 'c' WHERE id = {entry}")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute(f"DELETE FROM audit_entries WHERE id = {entry}")
    finally:
        connection.rollback()
        connection.close()


def test_an_entry_from_a_plain_connection_is_sealed_by_the_next_commit(
    ctx: ServiceContext, database: Database
):
    """An entry another tool appended unsealed is caught by `verify` until the application's
    next commit seals it in order."""
    connection = raw_connect(database.path)
    connection.execute(
        "INSERT INTO audit_entries (occurred_at, actor, action, entity_type) "
        "VALUES ('2026-01-01 00:00:00', 'x', 'test', 'none')"
    )
    connection.commit()
    connection.close()
    assert "never sealed" in _verify(database.path).problem
    create_candidate(ctx, CandidateInput("Ada", "Lovelace"))
    assert _verify(database.path).ok


def test_a_bulk_load_is_sealed(database: Database):
    fill_generated(database, demo_plan())
    result = _verify(database.path)
    assert result.ok and result.entries >= 1


def test_a_read_only_database_is_not_written_at_commit(tmp_path: Path):
    path = tmp_path / "db.sqlite3"
    database = open_database(path, tmp_path / "backups")
    database.close()
    connection = raw_connect(path)
    connection.execute(
        "INSERT INTO audit_entries (occurred_at, actor, action, entity_type) "
        "VALUES ('2026-01-01 00:00:00', 'x', 'test', 'none')"
    )
    connection.commit()
    connection.close()
    database = open_database(path, tmp_path / "backups")
    database.mode.make_read_only("damaged (test)")
    try:
        with database.sessions() as session, session.begin():
            session.connection().exec_driver_sql("SELECT count(*) FROM candidates")
    finally:
        database.close()
    assert sqlite_rows(path, "SELECT count(*) FROM audit_entries WHERE chain_hash IS NULL") == [
        (1,)
    ]


def test_the_migration_seals_the_trail_already_there(tmp_path: Path):
    path = tmp_path / "old.sqlite3"
    database_at(path, "0021_report_indexes")
    connection = raw_connect(path)
    for n in range(5):
        connection.execute(
            "INSERT INTO audit_entries (occurred_at, actor, action, entity_type, entity_id, "
            "before, after) VALUES (?, 'old', 'candidate.update', 'candidate', ?, ?, ?)",
            (f"2026-01-0{n + 1} 10:00:00", n, '{"a": 1}', '{"a": "\u00e9"}'),
        )
    connection.commit()
    connection.close()
    database = open_database(path, tmp_path / "backups")
    database.close()
    result = _verify(path)
    assert result.ok and result.entries == 5


def test_two_entries_swapped_are_found(ctx: ServiceContext, database: Database):
    """Reordering: two entries' places exchanged (their ids swapped, hashes kept with them)."""
    _some_history(ctx)
    ids = [row[0] for row in sqlite_rows(database.path, "SELECT id FROM audit_entries ORDER BY id")]
    first, second = ids[2], ids[4]
    database.close()
    _tamper(
        database.path,
        f"UPDATE audit_entries SET id = -1 WHERE id = {first}",
        f"UPDATE audit_entries SET id = {first} WHERE id = {second}",
        f"UPDATE audit_entries SET id = {second} WHERE id = -1",
    )
    result = _verify(database.path)
    assert result.broken_at == first and result.entries == 2


def test_a_redacted_entry_keeps_the_chain_and_is_counted(ctx: ServiceContext, database: Database):
    _some_history(ctx)
    target = sqlite_rows(database.path, "SELECT max(id) - 2 FROM audit_entries")[0][0]
    connection = raw_connect(database.path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):  # no redaction row
            connection.execute(f"UPDATE audit_entries SET after = NULL WHERE id = {target}")
        assert redact(connection.execute, [target], "tester", "erasure", "2026-12-05 10:00:00") == 1
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):  # hashes stay as they are
            connection.execute(
                f"UPDATE audit_entries SET chain_hash = content_hash WHERE id = {target}"
            )
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute(f"DELETE FROM audit_redactions WHERE entry_id = {target}")
        connection.commit()
    finally:
        connection.close()
    after = sqlite_rows(
        database.path, f"SELECT before, after FROM audit_entries WHERE id = {target}"
    )
    assert "erased" in (after[0][1] or "") and "Ada" not in str(after)
    result = _verify(database.path)
    assert result.ok and result.redacted == 1
