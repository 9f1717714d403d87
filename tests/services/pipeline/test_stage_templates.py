"""Stage templates per client, and new jobs starting from them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.jobs import DEFAULT_STAGES, JobInput, create_job
from app.services.pipeline.stage_templates import (
    get_client_template,
    save_client_template,
    save_template_from_job,
)
from app.services.pipeline.stages import StageInput, add_stage, rename_stage, set_stage_sla
from app.store.database import Database
from app.store.models import Client, Stage, StageKind
from tests.support import AuditWatch, count_rows, fail_on_changed

A, H, R, W = StageKind.ACTIVE, StageKind.HIRED, StageKind.REJECTED, StageKind.WITHDRAWN
LEAN = [
    StageInput("Sourced", A, 2),
    StageInput("Client review", A, 5),
    StageInput("Placed", H),
    StageInput("Declined", R),
]


@pytest.fixture
def client_id(ctx: ServiceContext) -> int:
    return create_client(ctx, ClientInput(name="Acme")).value


def _job_stages(database: Database, job_id: int) -> list[StageInput]:
    with database.sessions() as session:
        rows = session.execute(
            select(Stage.name, Stage.kind, Stage.sla_days)
            .where(Stage.job_id == job_id)
            .order_by(Stage.position)
        )
        return [StageInput(*row) for row in rows]


def test_a_client_has_no_template_until_one_is_saved(ctx: ServiceContext, client_id: int):
    assert get_client_template(ctx, client_id) is None
    assert get_client_template(ctx, 999) is None


def test_save_and_read_back(ctx: ServiceContext, database: Database, client_id: int):
    watch = AuditWatch(database)
    steps = [StageInput("  Sourced ", A, 2), *LEAN[1:]]
    result = save_client_template(ctx, client_id, steps)
    assert get_client_template(ctx, client_id) == LEAN  # names trimmed
    [entry] = watch.new()
    assert (entry.action, entry.entity_type, entry.entity_id, entry.before) == (
        "client.template.save",
        "client",
        client_id,
        None,
    )
    assert entry.after == {
        "steps": [
            {"name": "Sourced", "kind": "active", "sla_days": 2},
            {"name": "Client review", "kind": "active", "sla_days": 5},
            {"name": "Placed", "kind": "hired", "sla_days": None},
            {"name": "Declined", "kind": "rejected", "sla_days": None},
        ]
    }
    assert dict(result.changes.ids) == {
        ChangeKind.STAGE_TEMPLATES: {result.value},
        ChangeKind.CLIENTS: {client_id},
    }


def test_saving_again_replaces_the_steps(ctx: ServiceContext, database: Database, client_id: int):
    first = save_client_template(ctx, client_id, LEAN).value
    replacement = [StageInput("Placed", H), StageInput("Sourced", A, 9), StageInput("Declined", R)]
    watch = AuditWatch(database)
    second = save_client_template(ctx, client_id, replacement).value  # same names, new order
    assert second == first  # one template per client
    assert get_client_template(ctx, client_id) == replacement
    assert count_rows(database, "stage_templates") == 1
    assert count_rows(database, "stage_template_steps") == 3
    [entry] = watch.new()
    assert [step["name"] for step in entry.before["steps"]] == [s.name for s in LEAN]
    assert [step["name"] for step in entry.after["steps"]] == ["Placed", "Sourced", "Declined"]


@pytest.mark.parametrize(
    ("steps", "key"),
    [
        ([], "steps"),
        ([StageInput("Only", A), StageInput("Rejected", R)], "steps"),  # no hired stage
        ([*LEAN, StageInput("sourced", A)], "steps[4].name"),  # duplicate, ignoring case
        ([*LEAN, StageInput(" ", A)], "steps[4].name"),
        ([*LEAN, StageInput("x" * 81, W)], "steps[4].name"),
        ([*LEAN, StageInput("Slow", A, 366)], "steps[4].sla_days"),
        ([*LEAN, StageInput("Odd", "nonsense")], "steps[4].kind"),  # type: ignore[arg-type]
    ],
)
def test_invalid_templates_are_refused(
    ctx: ServiceContext, database: Database, client_id: int, steps: list, key: str
):
    save_client_template(ctx, client_id, LEAN)
    watch = AuditWatch(database)
    with pytest.raises(ValidationError) as raised:
        save_client_template(ctx, client_id, steps)
    assert key in raised.value.errors
    assert get_client_template(ctx, client_id) == LEAN
    assert watch.new() == []


def test_unknown_client(ctx: ServiceContext, database: Database):
    with pytest.raises(NotFoundError):
        save_client_template(ctx, 999, LEAN)
    assert count_rows(database, "stage_templates") == 0


def test_failure_keeps_the_previous_template(
    ctx: ServiceContext, database: Database, client_id: int, monkeypatch: pytest.MonkeyPatch
):
    save_client_template(ctx, client_id, LEAN)
    watch = AuditWatch(database)
    fail_on_changed(monkeypatch)
    with pytest.raises(RuntimeError, match="injected"):
        save_client_template(ctx, client_id, [StageInput("New", A), *LEAN[2:]])
    assert get_client_template(ctx, client_id) == LEAN
    assert watch.new() == []


def test_create_job_starts_from_the_client_template(
    ctx: ServiceContext, database: Database, client_id: int
):
    other_client = create_client(ctx, ClientInput(name="Globex")).value
    save_client_template(ctx, client_id, LEAN)
    watch = AuditWatch(database)
    job_id = create_job(ctx, JobInput(client_id=client_id, title="Welder")).value
    assert _job_stages(database, job_id) == LEAN  # names, kinds and SLAs, in order
    [entry] = watch.new()
    assert entry.after["stages"] == [step.name for step in LEAN]
    assert entry.after["from_template"] is True
    # A client without a template still gets the default stages.
    plain = create_job(ctx, JobInput(client_id=other_client, title="Welder")).value
    assert [(s.name, s.kind) for s in _job_stages(database, plain)] == list(DEFAULT_STAGES)


def test_template_changes_do_not_touch_existing_jobs(
    ctx: ServiceContext, database: Database, client_id: int
):
    save_client_template(ctx, client_id, LEAN)
    job_id = create_job(ctx, JobInput(client_id=client_id, title="Welder")).value
    save_client_template(ctx, client_id, [StageInput("Other", A), *LEAN[2:]])
    assert _job_stages(database, job_id) == LEAN


def test_save_template_from_job(ctx: ServiceContext, database: Database, client_id: int):
    job_id = create_job(ctx, JobInput(client_id=client_id, title="Welder")).value
    with database.sessions() as session:
        query = select(Stage.name, Stage.id).where(Stage.job_id == job_id)
        stages = dict(session.execute(query).all())
    add_stage(ctx, job_id, "Trade test", after_stage_id=stages["Screened"], sla_days=3)
    rename_stage(ctx, stages["Offered"], "Offer made")
    set_stage_sla(ctx, stages["Applied"], 2)
    watch = AuditWatch(database)
    result = save_template_from_job(ctx, job_id)
    expected = _job_stages(database, job_id)
    assert [s.name for s in expected][:4] == ["Applied", "Screened", "Trade test", "Interviewed"]
    assert get_client_template(ctx, client_id) == expected
    [entry] = watch.new()
    assert (entry.action, entry.entity_id) == ("client.template.save", client_id)
    assert result.changes.ids[ChangeKind.CLIENTS] == {client_id}
    # …and the client's next job has the same pipeline.
    next_job = create_job(ctx, JobInput(client_id=client_id, title="Fitter")).value
    assert _job_stages(database, next_job) == expected


def test_save_template_from_a_missing_job(ctx: ServiceContext, database: Database):
    with pytest.raises(NotFoundError):
        save_template_from_job(ctx, 999)
    assert count_rows(database, "stage_templates") == 0


def test_deleting_a_client_deletes_its_template(
    ctx: ServiceContext, database: Database, client_id: int
):
    save_client_template(ctx, client_id, LEAN)
    with database.sessions() as session, session.begin():
        session.delete(session.get(Client, client_id))
    assert count_rows(database, "stage_templates") == 0
    assert count_rows(database, "stage_template_steps") == 0
