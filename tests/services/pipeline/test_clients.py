"""Client companies: writes, audit entries, validation and the list."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.services.pipeline.clients import (
    ClientInput,
    create_client,
    list_clients,
)
from app.store.database import Database
from app.store.models import Client, Job, JobStatus
from tests.support import AuditWatch, count_rows, fail_on_changed


def test_create_client_writes_the_row_and_one_audit_entry(ctx: ServiceContext, database: Database):
    watch = AuditWatch(database)
    result = create_client(
        ctx,
        ClientInput(
            name="  Northwind   Traders ",
            industry="Retail",
            website="northwind.example",
            phone="+1 555 010 0199",
            notes="  Pays on time.  ",
        ),
    )
    with database.sessions() as session:
        client = session.get(Client, result.value)
        assert client.name == "Northwind Traders"
        assert client.website == "northwind.example"
        assert client.notes == "Pays on time."
        assert client.location is None
    [entry] = watch.new()
    assert (entry.action, entry.entity_type, entry.entity_id) == (
        "client.create",
        "client",
        result.value,
    )
    assert (entry.actor, entry.user_id) == ("tester", ctx.actor.user_id)
    assert entry.after["name"] == "Northwind Traders"
    assert dict(result.changes.ids) == {ChangeKind.CLIENTS: {result.value}}


def test_duplicate_name_is_refused_case_insensitively(ctx: ServiceContext, database: Database):
    create_client(ctx, ClientInput(name="Northwind"))
    watch = AuditWatch(database)
    with pytest.raises(ValidationError) as raised:
        create_client(ctx, ClientInput(name="  NORTHWIND "))
    assert set(raised.value.errors) == {"name"}
    assert "already exists" in raised.value.errors["name"]
    assert count_rows(database, "clients") == 1
    assert watch.new() == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (ClientInput(name="   "), "name"),
        (ClientInput(name="x" * 201), "name"),
        (ClientInput(name="Acme", phone="call the office"), "phone"),
        (ClientInput(name="Acme", website="not a site"), "website"),
    ],
)
def test_invalid_client_is_refused_with_a_message_for_the_field(
    ctx: ServiceContext, database: Database, data: ClientInput, field: str
):
    watch = AuditWatch(database)
    with pytest.raises(ValidationError) as raised:
        create_client(ctx, data)
    assert list(raised.value.errors) == [field]
    assert raised.value.errors[field]
    assert count_rows(database, "clients") == 0
    assert watch.new() == []


def test_failure_inside_the_transaction_leaves_nothing(
    ctx: ServiceContext, database: Database, monkeypatch: pytest.MonkeyPatch
):
    watch = AuditWatch(database)
    fail_on_changed(monkeypatch)
    with pytest.raises(RuntimeError, match="injected"):
        create_client(ctx, ClientInput(name="Acme"))
    assert count_rows(database, "clients") == 0
    assert watch.new() == []


def test_list_clients_counts_open_jobs_and_sorts_by_name(ctx: ServiceContext, database: Database):
    ids = {
        name: create_client(ctx, ClientInput(name=name)).value
        for name in ("beta Labs", "Acme", "Zeta")
    }
    statuses = [JobStatus.OPEN, JobStatus.OPEN, JobStatus.CLOSED, JobStatus.ON_HOLD]
    with database.sessions() as session, session.begin():
        for status in statuses:
            session.add(
                Job(
                    client_id=ids["Acme"],
                    title="Role",
                    status=status,
                    opened_on=dt.date(2026, 1, 1),
                )
            )
        session.add(
            Job(
                client_id=ids["Zeta"],
                title="Role",
                status=JobStatus.FILLED,
                opened_on=dt.date(2026, 1, 1),
            )
        )
    rows = list_clients(ctx)
    assert [row.name for row in rows] == ["Acme", "beta Labs", "Zeta"]
    assert {row.name: row.open_jobs for row in rows} == {"Acme": 2, "beta Labs": 0, "Zeta": 0}
    assert {row.name: row.id for row in rows} == ids


def test_client_text_is_cleaned_and_capped(ctx: ServiceContext, database: Database):
    with pytest.raises(ValidationError) as raised:
        create_client(
            ctx,
            ClientInput(
                name="Acme",
                industry="i" * 121,
                website="acme.example/" + "p" * 300,
                location="l" * 201,
                notes="n" * 10_001,
            ),
        )
    assert raised.value.errors == {
        "industry": "At most 120 characters.",
        "website": "At most 300 characters.",
        "location": "At most 200 characters.",
        "notes": "At most 10,000 characters.",
    }
    client_id = create_client(
        ctx, ClientInput(name="Acme\x1b[2J", notes="First\x00 line\r\n\tsecond\x1b line")
    ).value
    with database.sessions() as session:
        client = session.get(Client, client_id)
        assert (client.name, client.notes) == ("Acme[2J", "First line\n\tsecond line")
