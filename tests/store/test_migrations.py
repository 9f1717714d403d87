"""Creating, upgrading and refusing database files: the checks that protect user data."""

from __future__ import annotations

import os
import sqlite3
import warnings
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, inspect
from sqlalchemy.dialects import sqlite
from sqlalchemy.schema import CreateIndex

from app.store import (  # noqa: F401  (their tables are in the schema)
    compliance,
    engagement,
    interviews,
    mailbox,
    onboarding,
    placements,
    submittals,
)
from app.store import db as store_db
from app.store.database import open_database
from app.store.db import DatabaseError, DatabaseState, create_sqlite_engine, inspect_database
from app.store.migrate import migrate, script_revisions
from app.store.models import Base
from app.store.schema_version import KNOWN_REVISIONS
from app.store.search import include_in_schema_comparison, is_search_table
from tests.support import integrity_ok, sha256_of, side_files, sqlite_rows


def _fresh(tmp_path: Path, name: str = "new.sqlite3") -> Path:
    path = tmp_path / name
    open_database(path, tmp_path / "backups").close()
    return path


def _empty_sqlite_file(path: Path) -> Path:
    """A valid SQLite file with no tables at all (as left by a program that dropped them)."""
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE scratch (x)")
    connection.execute("DROP TABLE scratch")
    connection.commit()
    connection.close()
    assert path.stat().st_size > 0
    return path


def _snapshot(path: Path) -> tuple[str, int, list[str]]:
    folder = sorted(p.name for p in path.parent.iterdir())
    return sha256_of(path), path.stat().st_mtime_ns, folder


class TestMigrateToHead:
    def test_new_file_gets_every_table_and_the_latest_revision(self, tmp_path: Path):
        path = tmp_path / "new.sqlite3"
        database = open_database(path, tmp_path / "backups")
        try:
            tables = set(inspect(database.engine).get_table_names())
            assert set(Base.metadata.tables) <= tables
            extra = {
                name for name in tables - set(Base.metadata.tables) if not is_search_table(name)
            }
            assert extra == {"alembic_version"}
            assert database.migration_backup is None  # nothing to back up in a new file
        finally:
            database.close()
        assert sqlite_rows(path, "SELECT version_num FROM alembic_version") == [
            (KNOWN_REVISIONS[-1],)
        ]
        assert not (tmp_path / "backups").exists() or not any((tmp_path / "backups").iterdir())

    def test_known_revisions_match_the_scripts(self):
        assert script_revisions() == list(KNOWN_REVISIONS)

    def test_migrated_schema_matches_the_models(self, tmp_path: Path):
        path = _fresh(tmp_path)
        engine = create_sqlite_engine(path)
        try:
            with engine.connect() as connection, warnings.catch_warnings():
                # SQLAlchemy cannot reflect an index on an expression and says so; Alembic
                # then leaves those out, and the test below compares them instead.
                warnings.filterwarnings(
                    "ignore", "Skipped unsupported reflection of expression-based index"
                )
                warnings.filterwarnings("ignore", "autogenerate skipping .* expression-based index")
                context = MigrationContext.configure(
                    connection,
                    opts={"compare_type": True, "include_object": include_in_schema_comparison},
                )
                differences = compare_metadata(context, Base.metadata)
        finally:
            engine.dispose()
        assert differences == []

    def test_migrated_expression_indexes_match_the_models(self, tmp_path: Path):
        """The indexes on an expression (``lower(posting_reference)``), which the comparison
        above cannot see: the migrations wrote the very statement the model declares."""
        expected = {
            index.name: " ".join(str(CreateIndex(index).compile(dialect=sqlite.dialect())).split())
            for table in Base.metadata.tables.values()
            for index in table.indexes
            if not all(isinstance(e, Column) for e in index.expressions)
        }
        assert "ix_jobs_posting_reference" in expected
        stored = dict(sqlite_rows(_fresh(tmp_path), "SELECT name, sql FROM sqlite_master"))
        assert {name: " ".join(stored.get(name, "").split()) for name in expected} == expected

    def test_audit_triggers_exist_after_migration(self, tmp_path: Path):
        path = _fresh(tmp_path)
        triggers = {
            name
            for (name,) in sqlite_rows(path, "SELECT name FROM sqlite_master WHERE type='trigger'")
        }
        assert {"audit_entries_no_update", "audit_entries_no_delete"} <= triggers

    def test_reopening_a_current_database_makes_no_backup(self, tmp_path: Path):
        path = _fresh(tmp_path)
        before = sha256_of(path)
        database = open_database(path, tmp_path / "backups")
        database.close()
        assert database.migration_backup is None
        assert not (tmp_path / "backups").exists() or not any((tmp_path / "backups").iterdir())
        assert sha256_of(path) == before


class TestBackupBeforeMigrating:
    def test_migrate_backs_up_an_existing_file_first(self, tmp_path: Path):
        path = _empty_sqlite_file(tmp_path / "old.sqlite3")
        original = path.read_bytes()
        backups = tmp_path / "backups"
        engine = create_sqlite_engine(path)
        try:
            made = migrate(engine, DatabaseState(path, exists=True, revision=None), backups)
        finally:
            engine.dispose()
        assert made is not None
        assert made.parent == backups and made.exists()
        assert made.suffix == ".sqlite3"
        assert KNOWN_REVISIONS[-1] in made.name
        assert integrity_ok(made)
        # The copy is the file as it was: no tables yet.
        assert sqlite_rows(made, "SELECT name FROM sqlite_master WHERE type='table'") == []
        assert made.read_bytes() != path.read_bytes()
        assert len(original) > 0
        # …while the original was then brought to the current schema.
        assert sqlite_rows(path, "SELECT version_num FROM alembic_version") == [
            (KNOWN_REVISIONS[-1],)
        ]

    def test_open_database_reports_the_backup_of_an_empty_existing_file(self, tmp_path: Path):
        path = _empty_sqlite_file(tmp_path / "old.sqlite3")
        state = inspect_database(path)
        assert (state.exists, state.revision, state.is_current) == (True, None, False)
        database = open_database(path, tmp_path / "backups")
        database.close()
        assert database.migration_backup is not None
        assert database.migration_backup.exists()
        assert list((tmp_path / "backups").iterdir()) == [database.migration_backup]
        assert integrity_ok(database.migration_backup)

    def test_no_partial_file_is_left_next_to_the_backup(self, tmp_path: Path):
        path = _empty_sqlite_file(tmp_path / "old.sqlite3")
        database = open_database(path, tmp_path / "backups")
        database.close()
        names = [p.name for p in (tmp_path / "backups").iterdir()]
        assert not [n for n in names if n.endswith(".partial")]


class TestRefusedFiles:
    def test_missing_folder(self, tmp_path: Path):
        missing = tmp_path / "nowhere" / "db.sqlite3"
        with pytest.raises(DatabaseError, match="does not exist"):
            open_database(missing, tmp_path / "backups")
        assert not missing.parent.exists()

    def test_read_only_folder(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o555)
        real_access = os.access

        def access(path: os.PathLike[str] | str, mode: int, **kwargs: object) -> bool:
            # Tests may run as root, for whom the permission bits do not apply.
            if Path(path) == folder and mode & os.W_OK:
                return False
            return real_access(path, mode, **kwargs)

        monkeypatch.setattr(store_db.os, "access", access)
        try:
            with pytest.raises(DatabaseError, match="read-only"):
                open_database(folder / "db.sqlite3", tmp_path / "backups")
        finally:
            folder.chmod(0o755)
        assert list(folder.iterdir()) == []

    def test_a_folder_in_place_of_the_file(self, tmp_path: Path):
        folder = tmp_path / "db.sqlite3"
        folder.mkdir()
        with pytest.raises(DatabaseError, match="folder"):
            open_database(folder, tmp_path / "backups")

    def test_text_file_is_not_touched(self, tmp_path: Path):
        path = tmp_path / "notes.sqlite3"
        path.write_text("Shopping list: eggs, milk\n" * 50, encoding="utf-8")
        before = _snapshot(path)
        with pytest.raises(DatabaseError, match="not a Hirebench database"):
            open_database(path, tmp_path / "backups")
        assert _snapshot(path) == before

    def test_sqlite_file_of_another_program_is_not_touched(self, tmp_path: Path):
        path = tmp_path / "other.sqlite3"
        connection = sqlite3.connect(path)
        connection.execute("CREATE TABLE foo (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO foo (name) VALUES ('bar')")
        connection.commit()
        connection.close()
        before = _snapshot(path)
        with pytest.raises(DatabaseError, match="another program"):
            open_database(path, tmp_path / "backups")
        assert _snapshot(path) == before
        assert sqlite_rows(path, "SELECT name FROM foo") == [("bar",)]

    def test_database_from_a_newer_version_is_not_touched(self, tmp_path: Path):
        path = _fresh(tmp_path, "future.sqlite3")
        connection = sqlite3.connect(path)
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
        connection.commit()
        connection.close()
        assert side_files(path) == []
        before = _snapshot(path)
        with pytest.raises(DatabaseError, match="newer") as raised:
            open_database(path, tmp_path / "backups")
        assert "9999_future" in str(raised.value)
        assert _snapshot(path) == before
        assert side_files(path) == []
        assert not (tmp_path / "backups").exists() or not any((tmp_path / "backups").iterdir())

    def test_inspection_leaves_no_side_files_for_a_current_database(self, tmp_path: Path):
        path = _fresh(tmp_path)
        state = inspect_database(path)
        assert state.is_current
        assert side_files(path) == []

    def test_inspection_reads_a_database_another_connection_has_open(self, tmp_path: Path):
        path = _fresh(tmp_path)
        engine = create_sqlite_engine(path)
        try:
            with engine.connect():  # the WAL files now exist and are in use
                assert side_files(path)
                assert inspect_database(path).is_current
        finally:
            engine.dispose()
        assert side_files(path) == []

    def test_truncated_sqlite_file_is_refused(self, tmp_path: Path):
        path = tmp_path / "broken.sqlite3"
        path.write_bytes(store_db.SQLITE_HEADER + b"\x00" * 40)
        before = _snapshot(path)
        with pytest.raises(DatabaseError):
            open_database(path, tmp_path / "backups")
        assert _snapshot(path) == before


def test_a_relative_path_opens_like_an_absolute_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _fresh(tmp_path, "agency.sqlite3")  # an existing, current database
    database = open_database(Path("agency.sqlite3"), Path("backups"))
    try:
        assert database.path.resolve() == (tmp_path / "agency.sqlite3").resolve()
    finally:
        database.close()


def test_an_old_database_named_by_a_relative_path_is_upgraded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support import database_at

    monkeypatch.chdir(tmp_path)
    database_at(Path("old.sqlite3"), KNOWN_REVISIONS[-2])
    database = open_database(Path("old.sqlite3"))
    try:
        assert database.migration_backup is not None and database.migration_backup.exists()
    finally:
        database.close()
    assert sqlite_rows(tmp_path / "old.sqlite3", "SELECT version_num FROM alembic_version") == [
        (KNOWN_REVISIONS[-1],)
    ]
