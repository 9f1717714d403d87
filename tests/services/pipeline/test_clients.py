"""Client companies and their contacts: writes, audit entries, validation and the list."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.services.pipeline.clients import (
    ClientInput,
    ContactInput,
    add_contact,
    create_client,
    list_clients,
)
from app.store.database import Database
from app.store.models import Client, Contact, Job, JobStatus
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


class TestContacts:
    def test_add_contact_writes_row_audit_and_reports_both_kinds(
        self, ctx: ServiceContext, database: Database
    ):
        client_id = create_client(ctx, ClientInput(name="Acme")).value
        watch = AuditWatch(database)
        result = add_contact(
            ctx,
            ContactInput(
                client_id=client_id,
                first_name=" Grace ",
                last_name="Hopper",
                email="grace@acme.example",
                title="CTO",
            ),
        )
        with database.sessions() as session:
            contact = session.get(Contact, result.value)
            assert (contact.client_id, contact.first_name, contact.email) == (
                client_id,
                "Grace",
                "grace@acme.example",
            )
        [entry] = watch.new()
        assert (entry.action, entry.entity_type, entry.entity_id, entry.actor) == (
            "contact.create",
            "contact",
            result.value,
            "tester",
        )
        assert dict(result.changes.ids) == {
            ChangeKind.CONTACTS: {result.value},
            ChangeKind.CLIENTS: {client_id},
        }

    def test_unknown_client_is_refused_without_writing(
        self, ctx: ServiceContext, database: Database
    ):
        watch = AuditWatch(database)
        with pytest.raises(ValidationError) as raised:
            add_contact(ctx, ContactInput(client_id=4242, first_name="A", last_name="B"))
        assert list(raised.value.errors) == ["client_id"]
        assert count_rows(database, "contacts") == 0
        assert watch.new() == []

    def test_bad_fields_are_reported_together(self, ctx: ServiceContext, database: Database):
        client_id = create_client(ctx, ClientInput(name="Acme")).value
        with pytest.raises(ValidationError) as raised:
            add_contact(
                ctx,
                ContactInput(
                    client_id=client_id,
                    first_name="",
                    last_name="Hopper",
                    email="grace-at-acme",
                    phone="12",
                ),
            )
        assert set(raised.value.errors) == {"first_name", "email", "phone"}
        assert count_rows(database, "contacts") == 0


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


def test_client_and_contact_text_is_cleaned_and_capped(ctx: ServiceContext, database: Database):
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
    with pytest.raises(ValidationError) as raised:
        add_contact(
            ctx,
            ContactInput(client_id=client_id, first_name="f" * 101, last_name="L", title="t" * 201),
        )
    assert raised.value.errors == {
        "first_name": "At most 100 characters.",
        "title": "At most 200 characters.",
    }
    with database.sessions() as session:
        client = session.get(Client, client_id)
        assert (client.name, client.notes) == ("Acme[2J", "First line\n\tsecond line")
