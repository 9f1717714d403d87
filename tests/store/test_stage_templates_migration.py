"""Migration 0003: stage templates and rejection reasons, added to an existing database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import inspect

from app.services.admin.sample_data import REJECTION_REASONS
from app.store.database import open_database
from app.store.db import create_sqlite_engine
from app.store.migrate import downgrade_to, upgrade_to
from app.store.schema_version import KNOWN_REVISIONS
from tests.support import database_at, integrity_ok, sqlite_rows

NEW_TABLES = {"stage_templates", "stage_template_steps", "rejection_reasons"}


def test_0003_follows_0002():
    index = KNOWN_REVISIONS.index("0003_stage_templates")
    assert KNOWN_REVISIONS[index - 1] == "0002_stage_counts"


def test_a_0002_database_is_backed_up_and_upgraded_with_the_reasons(tmp_path: Path):
    path = tmp_path / "agency.sqlite3"
    database_at(path, "0002_stage_counts")
    with sqlite3.connect(path) as raw:
        raw.execute(
            "INSERT INTO clients (id, name, created_at, updated_at)"
            " VALUES (1, 'Acme', '2026-01-01', '2026-01-01')"
        )
    database = open_database(path, tmp_path / "backups")
    try:
        backup = database.migration_backup
        assert backup is not None and backup.exists() and integrity_ok(backup)
        assert sqlite_rows(backup, "SELECT version_num FROM alembic_version") == [
            ("0002_stage_counts",)
        ]
        backup_tables = {name for (name,) in sqlite_rows(backup, "SELECT name FROM sqlite_master")}
        assert not NEW_TABLES & backup_tables  # the copy is the database as it was
        assert sqlite_rows(path, "SELECT version_num FROM alembic_version") == [
            (KNOWN_REVISIONS[-1],)  # upgraded through 0003 to the latest
        ]
        assert set(inspect(database.engine).get_table_names()) >= NEW_TABLES
        reasons = sqlite_rows(path, "SELECT label, active FROM rejection_reasons ORDER BY position")
        assert reasons == [(label, 1) for label in REJECTION_REASONS]
        assert sqlite_rows(path, "SELECT name FROM clients") == [("Acme",)]
        assert sqlite_rows(path, "SELECT count(*) FROM stage_templates") == [(0,)]
    finally:
        database.close()


def test_downgrade_removes_the_tables_and_upgrade_restores_them(tmp_path: Path):
    path = tmp_path / "roundtrip.sqlite3"
    database_at(path, "head")
    engine = create_sqlite_engine(path)
    try:
        downgrade_to(engine, "0002_stage_counts")
        assert not NEW_TABLES & set(inspect(engine).get_table_names())
        upgrade_to(engine)
        assert set(inspect(engine).get_table_names()) >= NEW_TABLES
    finally:
        engine.dispose()
    assert sqlite_rows(path, "SELECT count(*) FROM rejection_reasons") == [
        (len(REJECTION_REASONS),)
    ]
