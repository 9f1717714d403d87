"""Client contacts: create, edit and archive with their audit entries, validation that writes
nothing, and a job's hiring manager and interviewers picked among the client's contacts."""

from __future__ import annotations

import pytest

from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.services.pipeline.clients import (
    ClientInput,
    create_client,
    get_client,
    list_clients,
    update_client,
)
from app.services.pipeline.contacts import (
    ContactInput,
    JobPeople,
    archive_contact,
    contact_choices,
    create_contact,
    list_contacts,
    update_contact,
)
from app.services.pipeline.jobs import JobInput, create_job, get_job, update_job
from app.store.database import Database
from app.store.models import Contact
from tests.support import AuditWatch, count_rows, fail_on_changed


@pytest.fixture
def client_id(ctx: ServiceContext) -> int:
    return create_client(ctx, ClientInput(name="Northwind")).value


def _grace(**changes: object) -> ContactInput:
    values: dict[str, object] = {
        "first_name": " Grace ",
        "last_name": "Hopper",
        "title": "CTO",
        "emails": ("Grace@Northwind.example", "grace@northwind.example", " "),
        "phones": ("+1 555 201 3344", "(555) 201-3344", "555 777 8899"),
        "is_hiring_manager": True,
        "notes": "  Prefers mornings. ",
    }
    return ContactInput(**(values | changes))  # type: ignore[arg-type]


def test_create_contact_normalises_and_audits(
    ctx: ServiceContext, database: Database, client_id: int
) -> None:
    watch = AuditWatch(database)
    result = create_contact(ctx, client_id, _grace())
    (row,) = list_contacts(ctx, client_id)
    assert row.id == result.value and row.name == "Grace Hopper"
    assert row.emails == ("grace@northwind.example",)
    assert row.phones == ("+1 555 201 3344", "555 777 8899")  # one number written two ways
    assert (row.is_hiring_manager, row.notes, row.archived) == (True, "Prefers mornings.", False)
    with database.sessions() as session:
        stored = session.get(Contact, result.value)
        assert (stored.email, stored.phone) == ("grace@northwind.example", "+1 555 201 3344")
    [entry] = watch.new()
    assert (entry.action, entry.entity_type, entry.entity_id) == (
        "contact.create",
        "contact",
        result.value,
    )
    assert entry.after["client_id"] == client_id and entry.after["first_name"] == "Grace"
    assert dict(result.changes.ids) == {
        ChangeKind.CONTACTS: {result.value},
        ChangeKind.CLIENTS: {client_id},
    }


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"first_name": "  "}, "first_name", "required"),
        ({"emails": ("not-an-address",)}, "emails", "valid email"),
        ({"phones": ("call me",)}, "phones", "digits"),
        ({"phones": ("12",)}, "phones", "7 to 15 digits"),
        ({"title": "x" * 201}, "title", "At most 200"),
    ],
)
def test_invalid_contact_is_refused_and_nothing_is_written(
    ctx: ServiceContext,
    database: Database,
    client_id: int,
    changes: dict[str, object],
    field: str,
    words: str,
) -> None:
    watch = AuditWatch(database)
    with pytest.raises(ValidationError) as raised:
        create_contact(ctx, client_id, _grace(**changes))
    assert set(raised.value.errors) == {field}
    assert words in raised.value.errors[field]
    assert count_rows(database, "contacts") == 0 and watch.new() == []


def test_a_failing_write_leaves_no_contact(
    ctx: ServiceContext, database: Database, client_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    watch = AuditWatch(database)
    fail_on_changed(monkeypatch)
    with pytest.raises(RuntimeError):
        create_contact(ctx, client_id, _grace())
    assert count_rows(database, "contacts") == 0 and watch.new() == []


def test_edit_audits_only_what_changed_and_unchanged_writes_nothing(
    ctx: ServiceContext, database: Database, client_id: int
) -> None:
    contact_id = create_contact(ctx, client_id, _grace()).value
    watch = AuditWatch(database)
    result = update_contact(ctx, contact_id, _grace(title="VP Engineering", emails=()))
    [entry] = watch.new()
    assert entry.action == "contact.update"
    assert entry.before == {"title": "CTO", "emails": ["grace@northwind.example"]}
    assert entry.after == {"title": "VP Engineering", "emails": []}
    assert ChangeKind.CONTACTS in result.changes.kinds
    (row,) = list_contacts(ctx, client_id)
    assert (row.title, row.emails) == ("VP Engineering", ())
    again = update_contact(ctx, contact_id, row.as_input())
    assert [e.id for e in watch.new()] == [entry.id] and again.changes.kinds == frozenset()
    with pytest.raises(ValidationError):
        update_contact(ctx, contact_id, _grace(first_name=""))
    assert list_contacts(ctx, client_id)[0].title == "VP Engineering"


def test_archived_contact_stays_on_its_job_but_is_not_offered(
    ctx: ServiceContext, database: Database, client_id: int
) -> None:
    grace = create_contact(ctx, client_id, _grace()).value
    alan = create_contact(ctx, client_id, ContactInput("Alan", "Kay")).value
    job = create_job(
        ctx,
        JobInput(client_id, "Engineer", people=JobPeople(grace, (alan,))),
    ).value
    watch = AuditWatch(database)
    result = archive_contact(ctx, grace)
    [entry] = watch.new()
    assert entry.action == "contact.archive" and entry.after["archived_at"] is not None
    assert ChangeKind.CONTACTS in result.changes.kinds
    assert [c.id for c in contact_choices(ctx, client_id)] == [alan]
    assert {c.id for c in contact_choices(ctx, client_id, keep=(grace,))} == {grace, alan}
    detail = get_job(ctx, job)
    assert detail.people == JobPeople(grace, (alan,))
    assert (detail.hiring_manager, detail.interviewers) == ("Grace Hopper", ("Alan Kay",))
    # Saving the job as it is keeps the archived hiring manager ...
    update_job(ctx, job, JobInput(client_id, "Senior Engineer", people=detail.people))
    assert get_job(ctx, job).people.hiring_manager_id == grace
    # ... but an archived contact cannot be newly chosen.
    with pytest.raises(ValidationError) as raised:
        update_job(
            ctx, job, JobInput(client_id, "Senior Engineer", people=JobPeople(alan, (grace,)))
        )
    assert raised.value.errors == {"interviewer_ids": "Grace Hopper is archived."}
    assert get_job(ctx, job).people == JobPeople(grace, (alan,))
    assert [c.client_id for c in list_contacts(ctx, client_id)] == [client_id, client_id]
    assert list_clients(ctx)[0].contacts == 1  # the archived one is not counted


def test_job_people_are_audited_and_must_belong_to_the_client(
    ctx: ServiceContext, database: Database, client_id: int
) -> None:
    grace = create_contact(ctx, client_id, _grace()).value
    other = create_client(ctx, ClientInput(name="Contoso")).value
    stranger = create_contact(ctx, other, ContactInput("Sam", "Other")).value
    job = create_job(ctx, JobInput(client_id, "Engineer")).value
    me = ctx.actor.user_id
    watch = AuditWatch(database)
    update_job(
        ctx, job, JobInput(client_id, "Engineer", owner_id=me, people=JobPeople(grace, (grace,)))
    )
    [entry] = watch.new()
    assert entry.before == {"hiring_manager_id": None, "interviewer_ids": []}
    assert entry.after == {"hiring_manager_id": grace, "interviewer_ids": [grace]}
    with pytest.raises(ValidationError) as raised:
        update_job(
            ctx, job, JobInput(client_id, "Engineer", owner_id=me, people=JobPeople(stranger))
        )
    assert raised.value.errors == {"hiring_manager_id": "Choose a contact of this job's client."}
    # A job saved without people (None) keeps them.
    update_job(ctx, job, JobInput(client_id, "Lead Engineer", owner_id=me))
    assert get_job(ctx, job).people == JobPeople(grace, (grace,))
    client = get_client(ctx, client_id)
    assert [(j.title, j.hiring_manager) for j in client.jobs] == [("Lead Engineer", "Grace Hopper")]
    actions = [a.action for a in client.activity]
    assert actions[0] == "job.update" and "contact.create" in actions and "client.create" in actions


def test_client_search_and_edit(ctx: ServiceContext, database: Database, client_id: int) -> None:
    create_client(ctx, ClientInput(name="Contoso", industry="Retail"))
    assert [c.name for c in list_clients(ctx, "retail")] == ["Contoso"]
    assert [c.name for c in list_clients(ctx, "NORTH")] == ["Northwind"]
    assert [c.name for c in list_clients(ctx, "%")] == []
    watch = AuditWatch(database)
    with pytest.raises(ValidationError) as raised:
        update_client(ctx, client_id, ClientInput(name="contoso"))
    assert "already exists" in raised.value.errors["name"] and watch.new() == []
    update_client(ctx, client_id, ClientInput(name="Northwind Traders", location="Leeds"))
    [entry] = watch.new()
    assert entry.after == {"name": "Northwind Traders", "location": "Leeds"}
    (row,) = list_clients(ctx, "leeds")
    assert row.last_activity is not None
