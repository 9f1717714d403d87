"""Migration 0015: the review examples table. A database of the previous version opens in
this one with its documents as they were, and their reviews can then keep examples."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from app.services.core.context import ServiceContext
from app.services.core.users import ensure_user
from app.services.intake.examples import labelled_examples
from app.services.intake.review import create_from_review
from app.store.database import open_database
from app.store.db import create_sqlite_engine
from app.store.migrate import downgrade_to
from app.store.schema_version import KNOWN_REVISIONS
from tests.support import database_at, integrity_ok, sqlite_rows

PARSE = {"file": "ada.txt", "name": None, "emails": ["ada@example.com"], "confidence": {}}


def _old_database_with_a_waiting_resume(path: Path, documents: Path) -> None:
    """At 0014: a resume that waits for review, parsed before reasons were kept."""
    database_at(path, "0014_tasks")
    (documents / "ab").mkdir(parents=True)
    (documents / "ab" / "ada.txt").write_text("ada@example.com\n", encoding="utf-8")
    with sqlite3.connect(path) as raw:
        raw.execute(
            "INSERT INTO documents (id, candidate_id, sha256, original_name, media_type,"
            " size_bytes, stored_path, text, parsed_fields, parse_status, created_at)"
            " VALUES (7, NULL, ?, 'ada.txt', 'text/plain', 16, 'ab/ada.txt',"
            " 'ada@example.com', ?, 'needs_review', '2026-11-30 10:00:00')",
            ("ab" * 32, json.dumps(PARSE)),
        )


def test_an_older_database_opens_and_its_reviews_keep_examples(tmp_path: Path) -> None:
    path, documents = tmp_path / "old.sqlite3", tmp_path / "documents"
    _old_database_with_a_waiting_resume(path, documents)
    assert sqlite_rows(path, "SELECT name FROM sqlite_master WHERE name = 'review_examples'") == []

    database = open_database(path, tmp_path / "backups")
    try:
        assert database.migration_backup is not None and database.migration_backup.exists()
        ctx = ServiceContext(database.sessions, ensure_user(database.sessions, "tester"))
        create_from_review(ctx, 7, {"name": "Ada Lovelace", "email": "ada@example.com"})
        (example,) = labelled_examples(ctx, documents)
    finally:
        database.close()
    assert example.document_id == 7 and example.corrected == {"name": "Ada Lovelace"}
    assert example.parsed == PARSE  # the old parse, as stored (no reasons in it)
    assert example.path == documents / "ab" / "ada.txt"
    assert sqlite_rows(path, "SELECT version_num FROM alembic_version") == [(KNOWN_REVISIONS[-1],)]
    assert sqlite_rows(path, "SELECT id, original_name FROM documents") == [(7, "ada.txt")]
    indexes = sqlite_rows(
        path, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'review_examples'"
    )
    assert ("ix_review_examples_document_id",) in indexes
    assert integrity_ok(path)


def test_downgrade_drops_the_table_and_keeps_the_documents(tmp_path: Path) -> None:
    path, documents = tmp_path / "old.sqlite3", tmp_path / "documents"
    _old_database_with_a_waiting_resume(path, documents)
    open_database(path, tmp_path / "backups").close()
    engine = create_sqlite_engine(path)
    try:
        downgrade_to(engine, "0014_tasks")
    finally:
        engine.dispose()
    assert sqlite_rows(path, "SELECT name FROM sqlite_master WHERE name = 'review_examples'") == []
    assert sqlite_rows(path, "SELECT id FROM documents") == [(7,)]
    assert integrity_ok(path)
