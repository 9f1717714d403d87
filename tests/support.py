"""Small helpers shared by the tests (plain functions, not fixtures)."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from app.mail.mime import OutgoingEmail
from app.services.candidates.pools import PoolInput, save_pool
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.engagement import outbox
from app.services.pipeline.jobs import JobDetail, JobInput
from app.store.database import Database
from app.store.engagement import MessageState
from app.store.models import AuditEntry, utc_now
from app.store.textpack import register_text_function


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def side_files(path: Path) -> list[Path]:
    """The -wal, -shm and -journal files SQLite may leave next to ``path``, if present."""
    candidates = [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal")]
    return [p for p in candidates if p.exists()]


def audit_entries(database: Database) -> list[AuditEntry]:
    with database.sessions() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def count_rows(database: Database, table: str) -> int:
    with database.engine.connect() as connection:
        return connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()


def raw_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
    """A plain sqlite3 connection, with the one SQL function the schema's triggers and the
    candidate index's view call (``hirebench_text``), as every Hirebench connection has it."""
    connection = sqlite3.connect(*args, **kwargs)
    register_text_function(connection)
    return connection


def sqlite_rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows read with the plain sqlite3 module (read-only), independent of the app's code."""
    connection = raw_connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def integrity_ok(path: Path) -> bool:
    return sqlite_rows(path, "PRAGMA integrity_check") == [("ok",)]


class AuditWatch:
    """The audit entries written after the moment it was created."""

    def __init__(self, database: Database):
        self.database = database
        self.seen = {entry.id for entry in audit_entries(database)}

    def new(self) -> list[AuditEntry]:
        return [entry for entry in audit_entries(self.database) if entry.id not in self.seen]


def fail_on_changed(monkeypatch: Any) -> None:
    """Make `Transaction.changed` raise: the failure comes after the row and the audit entry
    were added to the session, inside ``ctx.write()``."""
    from app.services.core.unit_of_work import Transaction

    def boom(self: Transaction, kind: str, *ids: int) -> None:
        self.session.flush()  # the row and its audit entry really reach the database first
        raise RuntimeError("injected failure")

    monkeypatch.setattr(Transaction, "changed", boom)


def upgraded_then_downgraded(path: Path, backups: Path, revision: str) -> None:
    """Open ``path`` as the app does (migrating it to the newest revision), then take it back
    down to ``revision``: what a migration's downgrade test starts from."""
    from app.store.database import open_database
    from app.store.db import create_sqlite_engine
    from app.store.migrate import downgrade_to

    open_database(path, backups).close()
    engine = create_sqlite_engine(path)
    try:
        downgrade_to(engine, revision)
    finally:
        engine.dispose()


def index_sql(path: Path) -> dict[str, str]:
    """Each index of the file and the SQL that made it."""
    return dict(sqlite_rows(path, "SELECT name, sql FROM sqlite_master WHERE type = 'index'"))


def database_at(path: Path, revision: str) -> None:
    """A database file whose schema stops at ``revision`` (as an older version left it)."""
    from app.store.db import create_sqlite_engine
    from app.store.migrate import upgrade_to

    engine = create_sqlite_engine(path)
    try:
        upgrade_to(engine, revision)
    finally:
        engine.dispose()


# The tables a candidate's record spans, for comparing a whole database before and after.
CANDIDATE_TABLES = (
    "candidates",
    "candidate_emails",
    "candidate_phones",
    "experiences",
    "educations",
    "skills",
    "candidate_skills",
    "tags",
    "candidate_tags",
    "pool_memberships",
    "applications",
    "stage_changes",
    "stage_counts",
    "activities",
    "sequence_enrollments",
    "outbox_messages",
    "duplicate_suspects",
    "submittals",
)


def dump_candidate_tables(database: Database, skip_document: int | None = None) -> dict[str, Any]:
    """Every row of every table above (all columns, as SQLite stores them), the documents'
    links and the full-text index of candidates; read with the plain sqlite3 module."""
    rows: dict[str, Any] = {
        table: sqlite_rows(database.path, f"SELECT * FROM {table} ORDER BY rowid")
        for table in CANDIDATE_TABLES
    }
    rows["documents"] = [
        row
        for row in sqlite_rows(database.path, "SELECT id, candidate_id FROM documents ORDER BY id")
        if row[0] != skip_document
    ]
    rows["candidate_search"] = sqlite_rows(
        database.path, "SELECT rowid, * FROM candidate_search ORDER BY rowid"
    )
    return rows


def job_input(detail: JobDetail) -> JobInput:
    """The input that would save ``detail`` unchanged: tests change one field of it."""
    return JobInput(
        client_id=detail.client_id,
        title=detail.title,
        location=detail.location,
        description=detail.description,
        openings=detail.openings,
        opened_on=detail.opened_on,
        owner_id=detail.owner_id,
        status=detail.status,
        eeo_category=detail.eeo_category,
        posting_reference=detail.posting_reference,
    )


# The dispatcher's outbox steps, each in its own transaction (the dispatcher batches them).
def claim_next(ctx: ServiceContext, now: dt.datetime | None = None) -> OutgoingEmail | None:
    """Claim the oldest due message, or None when nothing is due."""
    with ctx.write() as tx:
        claimed = outbox.take_due(tx, now or utc_now())
        return claimed[0] if claimed else None


def mark_sent(
    ctx: ServiceContext,
    message_id: int,
    sent_at: dt.datetime | None = None,
    reply: str | None = None,
) -> Outcome[bool]:
    with ctx.write() as tx:
        return outcome(outbox.record_sent(tx, message_id, sent_at or utc_now(), reply), tx)


def mark_transient_failure(
    ctx: ServiceContext, message_id: int, reply: str, now: dt.datetime | None = None
) -> Outcome[MessageState]:
    with ctx.write() as tx:
        state = outbox.record_transient_failure(tx, message_id, reply, now or utc_now())
        return outcome(state, tx)


def mark_failed(ctx: ServiceContext, message_id: int, reply: str) -> Outcome[bool]:
    with ctx.write() as tx:
        return outcome(outbox.record_failed(tx, message_id, reply), tx)


def create_pool(ctx: ServiceContext, name: str, description: str | None = None) -> Outcome[int]:
    """A static pool (members added by hand), as the New pool dialog saves it."""
    return save_pool(ctx, PoolInput(name, description))


def create_smart_pool(
    ctx: ServiceContext, name: str, query: str, description: str | None = None
) -> Outcome[int]:
    """A smart pool: a saved search, as the New smart pool dialog saves it."""
    return save_pool(ctx, PoolInput(name, description, query, smart=True))


def applied_long_ago(where: Database | ServiceContext, candidate_id: int, years: int = 3) -> None:
    """Date the candidate's applications ``years`` back: past the applicant flow log's two
    years, so that deleting them is no longer refused."""
    received = utc_now() - dt.timedelta(days=365 * years)
    with where.sessions() as session:
        session.execute(
            text("UPDATE applications SET applied_at = :received WHERE candidate_id = :c"),
            {"received": received.strftime("%Y-%m-%d %H:%M:%S.%f"), "c": candidate_id},
        )
        session.commit()
