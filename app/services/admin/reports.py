"""Headline figures for the Reports section: open work, hires, time to fill, sources.

Hires, time to fill and the source table follow the reports' definitions
(`app.services.admin.report_defs`): a hire undone or moved out of Hired is no hire, and
moving a card to Hired and back many times counts at most once.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from sqlalchemy import func, select

from app.services.admin.report_defs import ReportFilter, hires
from app.services.admin.report_sources import sources
from app.services.core.context import ServiceContext
from app.store.models import Application, Job, JobStatus, Stage, StageKind

# The window of the hires card and of the source table.
RECENT_DAYS = 90


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
    recent = ReportFilter(today - dt.timedelta(days=RECENT_DAYS), today)
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
        hired = len(hires(session, recent))
        fills = session.execute(
            select(Job.opened_on, Job.filled_on).where(Job.filled_on.is_not(None))
        ).all()
    days = [(filled - opened).days for opened, filled in fills]
    return Overview(
        open_jobs=open_jobs,
        active_applications=active,
        hires_last_90_days=hired,
        median_days_to_fill=statistics.median(days) if days else None,
        sources=tuple(SourceFigures(row[0], row[1], row[4]) for row in sources(ctx, recent).rows),
    )
