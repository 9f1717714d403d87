"""Headline figures for the Reports section: open work, hires, time to fill, sources."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from sqlalchemy import func, select

from app.services.core.context import ServiceContext
from app.store.models import Application, Job, JobStatus, Stage, StageChange, StageKind


@dataclass(frozen=True)
class SourceFigures:
    source: str
    applications: int
    hires: int

    @property
    def hire_rate(self) -> float:
        return self.hires / self.applications if self.applications else 0.0


@dataclass(frozen=True)
class Overview:
    open_jobs: int
    active_applications: int
    hires_last_90_days: int
    median_days_to_fill: float | None
    sources: tuple[SourceFigures, ...]


def overview(ctx: ServiceContext, today: dt.date | None = None) -> Overview:
    today = today or dt.date.today()
    since = dt.datetime.combine(today - dt.timedelta(days=90), dt.time(), tzinfo=dt.UTC)
    with ctx.read() as session:
        open_jobs = (
            session.scalar(select(func.count(Job.id)).where(Job.status == JobStatus.OPEN)) or 0
        )
        active = (
            session.scalar(
                select(func.count(Application.id))
                .join(Stage, Stage.id == Application.stage_id)
                .join(Job, Job.id == Application.job_id)
                .where(Stage.kind == StageKind.ACTIVE, Job.status == JobStatus.OPEN)
            )
            or 0
        )
        hires = (
            session.scalar(
                select(func.count(StageChange.id))
                .join(Stage, Stage.id == StageChange.to_stage_id)
                .where(Stage.kind == StageKind.HIRED, StageChange.changed_at >= since)
            )
            or 0
        )
        fills = session.execute(
            select(Job.opened_on, Job.filled_on).where(Job.filled_on.is_not(None))
        ).all()
        hired = func.sum(func.iif(Stage.kind == StageKind.HIRED, 1, 0))
        source_rows = session.execute(
            select(Application.source, func.count(Application.id), hired)
            .join(Stage, Stage.id == Application.stage_id)
            .group_by(Application.source)
            .order_by(func.count(Application.id).desc())
        ).all()
    days = [(filled - opened).days for opened, filled in fills]
    return Overview(
        open_jobs=open_jobs,
        active_applications=active,
        hires_last_90_days=hires,
        median_days_to_fill=statistics.median(days) if days else None,
        sources=tuple(
            SourceFigures(source or "Unknown", count, int(hired_count or 0))
            for source, count, hired_count in source_rows
        ),
    )
