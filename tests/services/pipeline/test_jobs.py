"""Jobs: creation with the default pipeline, validation, and the list with stage counts."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.jobs import JobInput, JobRow, create_job, list_jobs
from app.store.database import Database
from app.store.models import Application, Candidate, Job, JobStatus, Stage, StageKind
from tests.support import AuditWatch, count_rows, fail_on_changed

# The pipeline every new job starts with, as the product describes it.
EXPECTED_STAGES = [
    ("Applied", StageKind.ACTIVE),
    ("Screened", StageKind.ACTIVE),
    ("Interviewed", StageKind.ACTIVE),
    ("Offered", StageKind.ACTIVE),
    ("Hired", StageKind.HIRED),
    ("Rejected", StageKind.REJECTED),
    ("Withdrawn", StageKind.WITHDRAWN),
]


@pytest.fixture
def client_id(ctx: ServiceContext) -> int:
    return create_client(ctx, ClientInput(name="Acme")).value


def test_create_job_writes_the_job_its_stages_and_one_audit_entry(
    ctx: ServiceContext, database: Database, client_id: int
):
    watch = AuditWatch(database)
    result = create_job(
        ctx,
        JobInput(
            client_id=client_id,
            title="  Senior   Accountant ",
            location="Denver, CO",
            openings=2,
            opened_on=dt.date(2026, 11, 1),
        ),
    )
    with database.sessions() as session:
        job = session.get(Job, result.value)
        assert (job.title, job.openings, job.status, job.opened_on) == (
            "Senior Accountant",
            2,
            JobStatus.OPEN,
            dt.date(2026, 11, 1),
        )
        assert job.owner_id == ctx.actor.user_id  # the recruiter creating it owns it
        stages = session.execute(
            select(Stage.name, Stage.kind, Stage.position)
            .where(Stage.job_id == job.id)
            .order_by(Stage.position)
        ).all()
    assert [(name, kind) for name, kind, _ in stages] == EXPECTED_STAGES
    positions = [position for *_, position in stages]
    assert positions == sorted(set(positions))
    [entry] = watch.new()
    assert (entry.action, entry.entity_type, entry.entity_id, entry.actor) == (
        "job.create",
        "job",
        result.value,
        "tester",
    )
    assert entry.after["stages"] == [name for name, _ in EXPECTED_STAGES]
    assert entry.after["title"] == "Senior Accountant"
    assert dict(result.changes.ids) == {ChangeKind.JOBS: {result.value}}


def test_opened_on_defaults_to_today(ctx: ServiceContext, database: Database, client_id: int):
    before = dt.date.today()
    job_id = create_job(ctx, JobInput(client_id=client_id, title="Clerk")).value
    with database.sessions() as session:
        opened = session.get(Job, job_id).opened_on
    assert before <= opened <= dt.date.today()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"openings": 0}, "openings"),
        ({"openings": 1000}, "openings"),
        ({"client_id": None}, "client_id"),
        ({"opened_on": dt.date.today() + dt.timedelta(days=400)}, "opened_on"),
    ],
)
def test_invalid_job_is_refused_per_field(
    ctx: ServiceContext, database: Database, client_id: int, changes: dict, field: str
):
    data = JobInput(**({"client_id": client_id, "title": "Clerk"} | changes))
    watch = AuditWatch(database)
    with pytest.raises(ValidationError) as raised:
        create_job(ctx, data)
    assert list(raised.value.errors) == [field]
    assert count_rows(database, "jobs") == 0
    assert count_rows(database, "stages") == 0
    assert watch.new() == []


@pytest.mark.parametrize("openings", [1, 999])
def test_openings_bounds_are_inclusive(ctx: ServiceContext, client_id: int, openings: int):
    assert create_job(ctx, JobInput(client_id=client_id, title="Clerk", openings=openings)).value


def test_unknown_client_is_refused_inside_the_transaction(ctx: ServiceContext, database: Database):
    watch = AuditWatch(database)
    with pytest.raises(ValidationError) as raised:
        create_job(ctx, JobInput(client_id=777, title="Clerk"))
    assert list(raised.value.errors) == ["client_id"]
    assert count_rows(database, "jobs") == 0
    assert watch.new() == []


def test_failure_inside_the_transaction_leaves_no_job_stages_or_audit(
    ctx: ServiceContext, database: Database, client_id: int, monkeypatch: pytest.MonkeyPatch
):
    watch = AuditWatch(database)
    fail_on_changed(monkeypatch)
    with pytest.raises(RuntimeError, match="injected"):
        create_job(ctx, JobInput(client_id=client_id, title="Clerk"))
    assert count_rows(database, "jobs") == 0
    assert count_rows(database, "stages") == 0
    assert watch.new() == []


def _apply(database: Database, job_id: int, placements: dict[str, int]) -> None:
    """Put new candidates into ``job_id`` at the named stages, directly with the ORM."""
    with database.sessions() as session, session.begin():
        stages = {
            stage.name: stage.id
            for stage in session.scalars(select(Stage).where(Stage.job_id == job_id))
        }
        for stage_name, how_many in placements.items():
            for n in range(how_many):
                candidate = Candidate(first_name=f"{stage_name}{n}", last_name=f"Job{job_id}")
                session.add(
                    Application(candidate=candidate, job_id=job_id, stage_id=stages[stage_name])
                )


def _row(rows: list[JobRow], job_id: int) -> JobRow:
    [row] = [row for row in rows if row.id == job_id]
    return row


def test_list_jobs_counts_applications_per_stage(
    ctx: ServiceContext, database: Database, client_id: int
):
    busy = create_job(ctx, JobInput(client_id=client_id, title="Busy")).value
    quiet = create_job(ctx, JobInput(client_id=client_id, title="Quiet")).value
    other = create_job(ctx, JobInput(client_id=client_id, title="Other")).value
    _apply(database, busy, {"Applied": 3, "Interviewed": 2, "Hired": 1, "Rejected": 4})
    _apply(database, other, {"Applied": 1, "Withdrawn": 2})

    rows = list_jobs(ctx)
    assert {row.id for row in rows} == {busy, quiet, other}
    row = _row(rows, busy)
    assert [stage.name for stage in row.stages] == [name for name, _ in EXPECTED_STAGES]
    assert {stage.name: stage.count for stage in row.stages} == {
        "Applied": 3,
        "Screened": 0,
        "Interviewed": 2,
        "Offered": 0,
        "Hired": 1,
        "Rejected": 4,
        "Withdrawn": 0,
    }
    assert row.total_applications == 10
    assert row.active_applications == 5
    assert row.count_for("Interviewed") == 2
    assert row.count_for("No such stage") is None
    assert row.client_name == "Acme"
    assert row.owner_name == "Tester"
    assert _row(rows, quiet).total_applications == 0
    other_row = _row(rows, other)
    assert (other_row.count_for("Applied"), other_row.count_for("Withdrawn")) == (1, 2)
    assert other_row.active_applications == 1


def test_list_jobs_filters_by_status(ctx: ServiceContext, client_id: int):
    open_job = create_job(ctx, JobInput(client_id=client_id, title="Open")).value
    held = create_job(
        ctx, JobInput(client_id=client_id, title="Held", status=JobStatus.ON_HOLD)
    ).value
    assert [row.id for row in list_jobs(ctx, (JobStatus.OPEN,))] == [open_job]
    assert {row.id for row in list_jobs(ctx, (JobStatus.OPEN, JobStatus.ON_HOLD))} == {
        open_job,
        held,
    }
    assert list_jobs(ctx, (JobStatus.CLOSED,)) == []


def test_list_jobs_on_an_empty_database(ctx: ServiceContext):
    assert list_jobs(ctx) == []


def test_job_without_owner_lists_no_owner_name(
    ctx: ServiceContext, database: Database, client_id: int
):
    job_id = create_job(ctx, JobInput(client_id=client_id, title="Clerk")).value
    with database.sessions() as session, session.begin():
        session.get(Job, job_id).owner_id = None
    assert _row(list_jobs(ctx), job_id).owner_name is None


def test_days_open_stops_when_filled(ctx: ServiceContext, database: Database, client_id: int):
    job_id = create_job(
        ctx, JobInput(client_id=client_id, title="Clerk", opened_on=dt.date(2026, 1, 1))
    ).value
    today = dt.date(2026, 1, 31)
    assert _row(list_jobs(ctx), job_id).days_open(today) == 30
    with database.sessions() as session, session.begin():
        session.get(Job, job_id).filled_on = dt.date(2026, 1, 11)
    assert _row(list_jobs(ctx), job_id).days_open(today) == 10


def test_job_text_is_cleaned_and_capped(ctx: ServiceContext, database: Database):
    client_id = create_client(ctx, ClientInput(name="Acme")).value
    with pytest.raises(ValidationError) as raised:
        create_job(
            ctx,
            JobInput(client_id=client_id, title="T" * 1_000_000, description="d" * 20_001),
        )
    assert raised.value.errors == {
        "title": "At most 200 characters.",
        "description": "At most 20,000 characters.",
    }
    job_id = create_job(
        ctx,
        JobInput(
            client_id=client_id,
            title="Data\x00 Engineer\u202e",
            location="Austin\r\nTX",
            description="About\x1b[2J\r\n\n\tthe role\x00",
        ),
    ).value
    with database.sessions() as session:
        job = session.get(Job, job_id)
        assert (job.title, job.location, job.description) == (
            "Data Engineer",
            "Austin TX",
            "About[2J\n\n\tthe role",
        )
