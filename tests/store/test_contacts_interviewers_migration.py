"""Migration 0016: contacts gain their lists of emails and phones and an archived mark, and
jobs their interviewers. A database of the previous version opens in this one with its
contacts as they were, their single email and phone first in the new lists."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.services.core.context import ServiceContext
from app.services.core.users import ensure_user
from app.services.pipeline.contacts import list_contacts
from app.store.database import open_database
from app.store.db import create_sqlite_engine
from app.store.migrate import downgrade_to
from app.store.schema_version import KNOWN_REVISIONS
from tests.support import database_at, integrity_ok, sqlite_rows


def _old_database_with_a_contact(path: Path) -> None:
    """At 0015: a client, one contact with an email and a phone, one without, and a job."""
    database_at(path, "0015_review_examples")
    with sqlite3.connect(path) as raw:
        raw.execute(
            "INSERT INTO clients (id, name, created_at, updated_at)"
            " VALUES (1, 'Northwind', '2026-11-30 10:00:00', '2026-11-30 10:00:00')"
        )
        raw.execute(
            "INSERT INTO contacts (id, client_id, first_name, last_name, title, email, phone,"
            " is_hiring_manager, created_at, updated_at) VALUES (4, 1, 'Grace', 'Hopper',"
            " 'CTO', 'grace@northwind.example', '+1 555 201 3344', 1,"
            " '2026-11-30 10:00:00', '2026-11-30 10:00:00')"
        )
        raw.execute(
            "INSERT INTO contacts (id, client_id, first_name, last_name, is_hiring_manager,"
            " created_at, updated_at) VALUES (5, 1, 'Alan', 'Kay', 0,"
            " '2026-11-30 10:00:00', '2026-11-30 10:00:00')"
        )
        raw.execute(
            "INSERT INTO jobs (id, client_id, title, status, openings, opened_on,"
            " hiring_manager_id, created_at, updated_at) VALUES (9, 1, 'Engineer', 'open', 1,"
            " '2026-11-30', 4, '2026-11-30 10:00:00', '2026-11-30 10:00:00')"
        )


def test_an_older_database_opens_with_its_contacts_listed(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _old_database_with_a_contact(path)
    assert sqlite_rows(path, "SELECT name FROM sqlite_master WHERE name = 'job_interviewers'") == []

    database = open_database(path, tmp_path / "backups")
    try:
        assert database.migration_backup is not None and database.migration_backup.exists()
        ctx = ServiceContext(database.sessions, ensure_user(database.sessions, "tester"))
        grace, alan = sorted(list_contacts(ctx, 1), key=lambda c: c.id)
    finally:
        database.close()
    assert (grace.name, grace.emails, grace.phones) == (
        "Grace Hopper",
        ("grace@northwind.example",),
        ("+1 555 201 3344",),
    )
    assert (alan.name, alan.emails, alan.phones, alan.archived) == ("Alan Kay", (), (), False)
    assert sqlite_rows(path, "SELECT version_num FROM alembic_version") == [(KNOWN_REVISIONS[-1],)]
    assert sqlite_rows(path, "SELECT id, hiring_manager_id FROM jobs") == [(9, 4)]
    indexes = sqlite_rows(
        path,
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'job_interviewers'",
    )
    assert ("ix_job_interviewers_contact_id",) in indexes
    assert integrity_ok(path)


def test_downgrade_drops_the_new_columns_and_keeps_the_contacts(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _old_database_with_a_contact(path)
    open_database(path, tmp_path / "backups").close()
    engine = create_sqlite_engine(path)
    try:
        downgrade_to(engine, "0015_review_examples")
    finally:
        engine.dispose()
    assert sqlite_rows(path, "SELECT name FROM sqlite_master WHERE name = 'job_interviewers'") == []
    columns = [row[1] for row in sqlite_rows(path, "PRAGMA table_info(contacts)")]
    assert "archived_at" not in columns and "emails" not in columns
    assert sqlite_rows(path, "SELECT id, email FROM contacts ORDER BY id") == [
        (4, "grace@northwind.example"),
        (5, None),
    ]
    assert integrity_ok(path)
