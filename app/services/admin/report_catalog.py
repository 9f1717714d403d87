"""Every report by its name, as the command line and the Reports section ask for them, and
the choices the section's filters offer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from app.services.admin.report_activity import activity
from app.services.admin.report_campaigns import campaigns
from app.services.admin.report_defs import Report, ReportFilter
from app.services.admin.report_funnel import funnel
from app.services.admin.report_placements import placements
from app.services.admin.report_sources import sources
from app.services.admin.report_times import time_in_stage, time_to_fill, time_to_hire
from app.services.core.context import ServiceContext
from app.services.core.scope import require_all
from app.store.models import Application, Client, Job, User

REPORTS: dict[str, Callable[[ServiceContext, ReportFilter], Report]] = {
    "time-to-fill": time_to_fill,
    "time-to-hire": time_to_hire,
    "time-in-stage": time_in_stage,
    "funnel": funnel,
    "sources": sources,
    "activity": activity,
    "campaigns": campaigns,
    "placements": placements,
}


def run_report(ctx: ServiceContext, name: str, filters: ReportFilter) -> Report:
    """The report called ``name`` (a key of `REPORTS`) over ``filters``."""
    require_all(ctx)
    return REPORTS[name](ctx, filters)


@dataclass(frozen=True)
class FilterChoices:
    """What the Reports section offers in its filters: (id, label) pairs, and the sources."""

    clients: tuple[tuple[int, str], ...]
    jobs: tuple[tuple[int, str], ...]
    users: tuple[tuple[int, str], ...]
    sources: tuple[str, ...]


def filter_choices(ctx: ServiceContext) -> FilterChoices:
    c, j, u, a = Client.__table__.c, Job.__table__.c, User.__table__.c, Application.__table__.c
    with ctx.read() as session:
        clients = session.execute(select(c.id, c.name).order_by(c.name)).all()
        jobs = session.execute(
            select(j.id, j.title, c.name).join(Client.__table__, c.id == j.client_id)
            .order_by(c.name, j.title, j.id)
        ).all()  # fmt: skip
        users = session.execute(select(u.id, u.display_name).order_by(u.display_name)).all()
        sources = session.scalars(
            select(a.source).where(a.source.is_not(None)).distinct().order_by(a.source)
        ).all()
    return FilterChoices(
        clients=tuple((row[0], row[1]) for row in clients),
        jobs=tuple((row[0], f"{row[1]} — {row[2]}") for row in jobs),
        users=tuple((row[0], row[1]) for row in users),
        sources=tuple(sources),
    )
