"""Counts and summaries that read the whole database."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from app.services.core.context import ServiceContext
from app.store.models import Application, Base, Candidate, Job, JobStatus, Stage, StageKind


def table_counts(engine: Engine) -> dict[str, int]:
    """Row counts keyed by (plural) table name, e.g. ``{"candidates": 2000, …}``."""
    counts: dict[str, int] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            counts[table.name] = connection.scalar(select(func.count()).select_from(table)) or 0
    return dict(sorted(counts.items()))


@dataclass(frozen=True)
class PipelineSummary:
    """Applications per stage name across open jobs, in pipeline order."""

    stages: tuple[tuple[str, StageKind, int], ...]
    open_jobs: int


def pipeline_summary(ctx: ServiceContext) -> PipelineSummary:
    with ctx.read() as session:
        rows = session.execute(
            select(Stage.name, Stage.kind, func.min(Stage.position), func.count(Application.id))
            .join(Job, Job.id == Stage.job_id)
            .outerjoin(Application, Application.stage_id == Stage.id)
            .where(Job.status == JobStatus.OPEN)
            .group_by(Stage.name, Stage.kind)
            .order_by(func.min(Stage.position), Stage.name)
        ).all()
        open_jobs = (
            session.scalar(select(func.count(Job.id)).where(Job.status == JobStatus.OPEN)) or 0
        )
    return PipelineSummary(tuple((r[0], r[1], r[3]) for r in rows), open_jobs)


def headline_counts(ctx: ServiceContext) -> dict[str, int]:
    """Candidate and job counts for the status bar: two cheap COUNT queries."""

    with ctx.read() as session:  # Core statements: shown while the window first appears
        return {
            "candidates": session.scalar(select(func.count()).select_from(Candidate.__table__))
            or 0,
            "jobs": session.scalar(select(func.count()).select_from(Job.__table__)) or 0,
        }
