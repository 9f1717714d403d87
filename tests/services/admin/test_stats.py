"""Whole-database counts and the pipeline summary."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import inspect

from app.services.admin.maintenance import PREFILLED_TABLES
from app.services.admin.sample_data import REJECTION_REASONS
from app.services.admin.stats import pipeline_summary, table_counts
from app.services.core.context import ServiceContext
from app.store.database import Database
from app.store.models import Application, Candidate, Client, Job, JobStatus, Stage, StageKind
from app.store.search import is_search_table
from tests.support import count_rows


def test_table_counts_has_one_plural_key_per_model_table(database: Database):
    counts = table_counts(database.engine)
    on_disk = {
        name
        for name in inspect(database.engine).get_table_names()
        if name != "alembic_version" and not is_search_table(name)  # the FTS index's own
    }
    assert set(counts) == on_disk
    assert list(counts) == sorted(counts)
    for singular in ("candidate", "job", "client", "application", "user"):
        assert singular not in counts
        assert f"{singular}s" in counts
    # A new database is empty but for the reference rows its migrations write.
    assert {t for t, n in counts.items() if n} == set(PREFILLED_TABLES)
    assert counts["rejection_reasons"] == len(REJECTION_REASONS)


def test_table_counts_match_the_rows(demo_database: Database):
    counts = table_counts(demo_database.engine)
    assert counts == {table: count_rows(demo_database, table) for table in counts}
    assert counts["candidates"] > 0
    assert counts["applications"] > 0


def _job(session, client: Client, status: JobStatus, placements: dict[str, int]) -> Job:
    job = Job(client=client, title=f"{status} job", status=status, opened_on=dt.date(2026, 1, 1))
    stages = [
        Stage(job=job, name=name, kind=kind, position=position)
        for position, (name, kind) in enumerate(
            [
                ("Applied", StageKind.ACTIVE),
                ("Offered", StageKind.ACTIVE),
                ("Hired", StageKind.HIRED),
            ]
        )
    ]
    session.add_all([job, *stages])
    by_name = {stage.name: stage for stage in stages}
    for name, how_many in placements.items():
        for n in range(how_many):
            person = Candidate(first_name=f"{name}{n}", last_name=str(status))
            session.add(Application(candidate=person, job=job, stage=by_name[name]))
    return job


def test_pipeline_summary_counts_open_jobs_only_in_pipeline_order(
    ctx: ServiceContext, database: Database
):
    with database.sessions() as session, session.begin():
        client = Client(name="Acme")
        _job(session, client, JobStatus.OPEN, {"Applied": 2, "Hired": 1})
        _job(session, client, JobStatus.OPEN, {"Applied": 1, "Offered": 3})
        _job(session, client, JobStatus.CLOSED, {"Applied": 50, "Offered": 50})
    summary = pipeline_summary(ctx)
    assert summary.open_jobs == 2
    assert summary.stages == (
        ("Applied", StageKind.ACTIVE, 3),
        ("Offered", StageKind.ACTIVE, 3),
        ("Hired", StageKind.HIRED, 1),
    )


def test_pipeline_summary_agrees_with_sql_on_the_demo(demo_ctx: ServiceContext, demo_database):
    summary = pipeline_summary(demo_ctx)
    with demo_database.engine.connect() as connection:
        open_jobs = connection.exec_driver_sql(
            "SELECT count(*) FROM jobs WHERE status = 'open'"
        ).scalar_one()
        in_open_jobs = connection.exec_driver_sql(
            "SELECT count(*) FROM applications a JOIN jobs j ON j.id = a.job_id"
            " WHERE j.status = 'open'"
        ).scalar_one()
    assert summary.open_jobs == open_jobs > 0
    assert sum(count for _, _, count in summary.stages) == in_open_jobs > 0


def test_pipeline_summary_of_an_empty_database(ctx: ServiceContext):
    summary = pipeline_summary(ctx)
    assert (summary.stages, summary.open_jobs) == ((), 0)
