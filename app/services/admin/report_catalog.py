"""Every report by its name, as the command line and the Reports section ask for them; and
placements per client and month (hires, until placements are recorded)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from sqlalchemy import select

from app.services.admin.report_activity import activity
from app.services.admin.report_campaigns import campaigns
from app.services.admin.report_defs import Report, ReportFilter, hires
from app.services.admin.report_funnel import funnel
from app.services.admin.report_sources import sources
from app.services.admin.report_times import time_in_stage, time_to_fill, time_to_hire
from app.services.core.context import ServiceContext
from app.store.models import Client


def placements(ctx: ServiceContext, filters: ReportFilter) -> Report:
    """Hires per client and month (the month the hire was made)."""
    c = Client.__table__.c
    with ctx.read() as session:
        made = hires(session, filters)
        names = dict(
            session.execute(
                select(c.id, c.name).where(c.id.in_({hire.client_id for hire in made}))
            ).all()
        )
    counts = Counter((names[hire.client_id], hire.hired_at.strftime("%Y-%m")) for hire in made)
    table = tuple((client, month, count) for (client, month), count in sorted(counts.items()))
    by_month = Counter(hire.hired_at.strftime("%Y-%m") for hire in made)
    return Report(
        name="placements",
        title="Placements",
        columns=("Client", "Month", "Placements"),
        rows=table,
        totals={"placements": len(made), "clients": len({row[0] for row in table})},
        chart=tuple((month, float(count)) for month, count in sorted(by_month.items())),
    )


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
    return REPORTS[name](ctx, filters)
