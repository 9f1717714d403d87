"""The transaction wrapper: commit with its audit entries, or roll back everything."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import (
    Actor,
    ValidationError,
    columns_of,
    snapshot,
    transaction,
)
from app.store.database import Database
from app.store.models import AuditEntry, Client, JobStatus
from tests.support import AuditWatch, count_rows, sqlite_rows


def test_validation_error_keeps_a_message_per_field():
    error = ValidationError({"title": "Job title is required.", "openings": "Too many."})
    assert error.errors == {"title": "Job title is required.", "openings": "Too many."}
    assert "title: Job title is required." in str(error)
    assert "openings: Too many." in str(error)
    assert isinstance(error, ValueError)


def test_snapshot_makes_values_json_safe():
    value = {
        "status": JobStatus.ON_HOLD,
        "when": dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC),
        "day": dt.date(2026, 1, 2),
        "tags": ("a", "b"),
        "nested": {1: {JobStatus.OPEN}},
        "n": 3,
    }
    assert snapshot(value) == {
        "status": "on_hold",
        "when": "2026-01-02T03:04:00+00:00",
        "day": "2026-01-02",
        "tags": ["a", "b"],
        "nested": {"1": ["open"]},
        "n": 3,
    }


def test_columns_of_reads_named_attributes():
    client = Client(name="Acme", industry="Retail")
    assert columns_of(client, ("name", "industry")) == {"name": "Acme", "industry": "Retail"}


def test_commit_writes_the_row_and_its_audit_entry(ctx: ServiceContext, database: Database):
    watch = AuditWatch(database)
    with ctx.write() as tx:
        client = Client(name="Acme")
        tx.session.add(client)
        tx.session.flush()
        tx.audit("client.create", "client", client.id, after={"name": "Acme"})
        tx.changed(ChangeKind.CLIENTS, client.id)
        tx.changed(ChangeKind.CLIENTS, client.id)
        changes = tx.changes
    assert dict(changes.ids) == {ChangeKind.CLIENTS: {client.id}}
    [entry] = watch.new()
    assert (entry.action, entry.entity_type, entry.entity_id) == (
        "client.create",
        "client",
        client.id,
    )
    assert (entry.actor, entry.user_id) == (ctx.actor.name, ctx.actor.user_id)
    assert entry.after == {"name": "Acme"}
    assert entry.before is None
    assert entry.occurred_at.tzinfo is not None


def test_an_exception_rolls_back_the_row_and_the_audit_entry(
    ctx: ServiceContext, database: Database
):
    watch = AuditWatch(database)
    with pytest.raises(RuntimeError, match="boom"), ctx.write() as tx:
        client = Client(name="Acme")
        tx.session.add(client)
        tx.session.flush()
        tx.audit("client.create", "client", client.id)
        tx.session.flush()
        raise RuntimeError("boom")
    assert count_rows(database, "clients") == 0
    assert watch.new() == []


def test_transaction_uses_the_given_actor(database: Database):
    actor = Actor(user_id=None, name="importer")
    with transaction(database.sessions, actor) as tx:
        tx.audit("thing.touch", "thing", None, before={"a": 1})
    with database.sessions() as session:
        entries = session.execute(
            select(AuditEntry.actor, AuditEntry.user_id, AuditEntry.action, AuditEntry.before)
        ).all()
    assert entries == [("importer", None, "thing.touch", {"a": 1})]


def test_read_sessions_do_not_persist_changes(ctx: ServiceContext, database: Database):
    with ctx.read() as session:
        session.add(Client(name="Never saved"))
        session.flush()
    assert count_rows(database, "clients") == 0


class TestWriteLock:
    """A unit of work holds SQLite's write lock from its start, so a read-then-write use case
    waits for a concurrent writer instead of failing with "database is locked"."""

    def test_a_write_takes_the_lock_before_its_first_statement(self, database: Database):
        import sqlite3

        from app.services.core.context import ServiceContext
        from app.services.core.unit_of_work import Actor

        ctx = ServiceContext(database.sessions, Actor(None, "test"))
        other = sqlite3.connect(database.path, timeout=0, isolation_level=None)
        try:
            with ctx.write(), pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            other.execute("BEGIN IMMEDIATE")  # released at commit
            other.execute("ROLLBACK")
            with ctx.read() as session:
                session.execute(select(Client.id)).all()
                other.execute("BEGIN IMMEDIATE")  # reads take no write lock
                other.execute("ROLLBACK")
        finally:
            other.close()

    def test_read_then_write_waits_for_a_concurrent_writer(self, database: Database):
        import threading

        from app.services.core.context import ServiceContext
        from app.services.core.unit_of_work import Actor

        ctx = ServiceContext(database.sessions, Actor(None, "test"))
        errors: list[BaseException] = []
        started = threading.Barrier(2)

        def writer(prefix: str) -> None:
            try:
                started.wait()
                for number in range(40):
                    with ctx.write() as tx:
                        tx.session.execute(select(Client.id)).all()  # read first…
                        tx.session.add(Client(name=f"{prefix} {number}"))  # …then write
                        tx.audit("client.create", "client", None)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=writer, args=(p,)) for p in ("A", "B")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        names = sqlite_rows(database.path, "SELECT name FROM clients")
        assert sum(name.startswith("A ") for (name,) in names) == 40
        assert sum(name.startswith("B ") for (name,) in names) == 40
