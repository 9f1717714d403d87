"""Migration 0007: the candidate index built for an existing database, and kept complete
when seeding writes with its triggers suspended."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import inspect

from app.services.admin.generate import demo_plan
from app.services.admin.maintenance import fill_generated
from app.services.admin.sample_data import TAGS
from app.services.candidates.search import matching_candidate_ids
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import Actor
from app.store.database import Database, open_database
from app.store.db import create_sqlite_engine
from app.store.migrate import downgrade_to, upgrade_to
from app.store.schema_version import KNOWN_REVISIONS
from tests.support import database_at, integrity_ok, raw_connect, sqlite_rows

AS_OF = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def _reader(database: Database) -> ServiceContext:
    return ServiceContext(database.sessions, Actor(None, "test"))


def test_0007_follows_0006():
    index = KNOWN_REVISIONS.index("0007_candidate_search")
    assert KNOWN_REVISIONS[index - 1] == "0006_document_search"


def test_a_0006_database_is_backed_up_and_indexed(tmp_path: Path):
    path = tmp_path / "agency.sqlite3"
    database_at(path, "0006_document_search")
    with raw_connect(path) as raw:
        raw.executescript(
            "INSERT INTO candidates (id, first_name, last_name, current_title, location, links,"
            " do_not_contact, consent, created_at, updated_at) VALUES"
            " (1, 'Ada', 'Lovelace', 'Analyst', 'London', '[]', 0, 'unknown', '2026-01-01',"
            " '2026-01-01'),"
            " (2, 'Alan', 'Turing', 'Engineer', 'Manchester', '[]', 0, 'unknown', '2026-01-01',"
            " '2026-01-01');"
            "INSERT INTO skills (id, name) VALUES (1, 'Python');"
            "INSERT INTO candidate_skills (candidate_id, skill_id) VALUES (2, 1);"
            "INSERT INTO talent_pools (id, name, created_at, updated_at)"
            " VALUES (1, 'Old pool', '2026-01-01', '2026-01-01');"
        )
    database = open_database(path, tmp_path / "backups")
    try:
        backup = database.migration_backup
        assert backup is not None and backup.exists() and integrity_ok(backup)
        assert sqlite_rows(backup, "SELECT version_num FROM alembic_version") == [
            ("0006_document_search",)
        ]
        backup_tables = {name for (name,) in sqlite_rows(backup, "SELECT name FROM sqlite_master")}
        assert "candidate_search" not in backup_tables
        assert sqlite_rows(path, "SELECT version_num FROM alembic_version") == [
            (KNOWN_REVISIONS[-1],)
        ]
        ctx = _reader(database)
        assert matching_candidate_ids(ctx, "lovelace london") == [1]
        assert matching_candidate_ids(ctx, "skill:python") == [2]
        assert sqlite_rows(path, "SELECT suspended FROM search_control") == [(0,)]
        assert sqlite_rows(path, "SELECT kind, query FROM talent_pools") == [("static", None)]
    finally:
        database.close()


def test_downgrade_removes_the_index_and_keeps_pools(tmp_path: Path):
    path = tmp_path / "roundtrip.sqlite3"
    database_at(path, "head")
    with raw_connect(path) as raw:
        raw.execute("PRAGMA foreign_keys=ON")
        raw.executescript(
            "INSERT INTO candidates (id, first_name, last_name, links, do_not_contact, consent,"
            " created_at, updated_at) VALUES (1, 'Ada', 'Lovelace', '[]', 0, 'unknown',"
            " '2026-01-01', '2026-01-01');"
            "INSERT INTO talent_pools (id, name, kind, created_at, updated_at)"
            " VALUES (1, 'Pool', 'smart', '2026-01-01', '2026-01-01');"
            "INSERT INTO pool_memberships (pool_id, candidate_id, added_at)"
            " VALUES (1, 1, '2026-01-01');"
        )
    engine = create_sqlite_engine(path)
    try:
        downgrade_to(engine, "0006_document_search")
        names = set(inspect(engine).get_table_names())
        assert not {"candidate_search", "search_control"} & names
        assert {c["name"] for c in inspect(engine).get_columns("talent_pools")} >= {"name"}
        assert "kind" not in {c["name"] for c in inspect(engine).get_columns("talent_pools")}
        upgrade_to(engine)
    finally:
        engine.dispose()
    assert sqlite_rows(path, "SELECT count(*) FROM pool_memberships") == [(1,)]
    assert sqlite_rows(path, "SELECT rowid, name FROM candidate_search") == [(1, "Ada Lovelace")]


def test_seeding_with_suspended_triggers_yields_a_complete_index(tmp_path: Path):
    database = open_database(tmp_path / "seeded.sqlite3", tmp_path / "backups")
    try:
        fill_generated(database, demo_plan(), as_of=AS_OF)
        path = database.path
        ctx = _reader(database)
        assert sqlite_rows(path, "SELECT suspended FROM search_control") == [(0,)]
        assert sqlite_rows(path, "SELECT count(*) FROM candidate_search") == sqlite_rows(
            path, "SELECT count(*) FROM candidates"
        )

        def expected(sql: str) -> list[int]:
            return sorted(row[0] for row in sqlite_rows(path, sql))

        first, last, city = sqlite_rows(
            path, "SELECT first_name, last_name, location FROM candidates WHERE id = 7"
        )[0]
        assert 7 in matching_candidate_ids(ctx, f'name:"{first} {last}"')
        assert matching_candidate_ids(ctx, f'name:"{first} {last}" city:"{city}"') == expected(
            f"SELECT id FROM candidates WHERE first_name = '{first}' AND last_name = '{last}'"
            f" AND location = '{city}'"
        )
        assert matching_candidate_ids(ctx, 'skill:"postgresql"') == expected(
            "SELECT cs.candidate_id FROM candidate_skills cs JOIN skills s ON s.id = cs.skill_id"
            " WHERE s.name = 'PostgreSQL'"
        )
        tag = TAGS[2][0]  # "Relocating"
        assert matching_candidate_ids(ctx, f'tag:"{tag}"') == expected(
            "SELECT ct.candidate_id FROM candidate_tags ct JOIN tags t ON t.id = ct.tag_id"
            f" WHERE t.name = '{tag}'"
        )
        assert matching_candidate_ids(ctx, 'notes:"hybrid work"') == expected(
            "SELECT DISTINCT candidate_id FROM activities WHERE body LIKE '%hybrid work%'"
        )
    finally:
        database.close()
