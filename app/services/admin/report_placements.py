"""Placements and fees per client and month: the placements recorded (`Placement`), by the
month they start in, read through the placements service so that the figures are the
Placements tab's. Fees are added up per currency, never across currencies."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from app.services.admin.report_defs import Report, ReportFilter
from app.services.core.context import ServiceContext
from app.services.pipeline.placement_report import fee_totals, list_placements, totals_text
from app.services.pipeline.placements import PlacementRow
from app.store.models import Application, Job


def placements(ctx: ServiceContext, filters: ReportFilter) -> Report:
    """Placements starting within the range, per client and month (filters: client, job, the
    job's owner, the application's source)."""
    rows = list_placements(ctx, client_id=filters.client_id, start=filters.start, end=filters.end)
    rows = [row for row in rows if filters.job_id in (None, row.application.job_id)]
    if filters.owner_id is not None or filters.source is not None:
        rows = _narrowed(ctx, rows, filters)
    groups: dict[tuple[str, str], list[PlacementRow]] = defaultdict(list)
    for row in rows:
        assert row.terms.start_date is not None  # a stored placement always has one
        groups[(row.application.client_name, f"{row.terms.start_date:%Y-%m}")].append(row)
    table = tuple(
        (client, month, len(group), totals_text(fee_totals(group)))
        for (client, month), group in sorted(groups.items())
    )
    by_month: dict[str, int] = defaultdict(int)
    for (_client, month), group in groups.items():
        by_month[month] += len(group)
    fees = fee_totals(rows)
    return Report(
        name="placements",
        title="Placements and fees",
        columns=("Client", "Month", "Placements", "Fees"),
        rows=table,
        totals={
            "placements": len(rows),
            "clients": len({client for client, _month in groups}),
            "fees": totals_text(fees),
            "fee_cents": dict(fees),
        },
        chart=tuple((month, float(count)) for month, count in sorted(by_month.items())),
    )


def _narrowed(ctx: ServiceContext, rows: list[PlacementRow], filters: ReportFilter) -> list:
    a, j = Application.__table__.c, Job.__table__.c
    ids = {row.application.application_id for row in rows}
    with ctx.read() as session:
        facts = {
            application_id: (owner_id, source)
            for application_id, owner_id, source in session.execute(
                select(a.id, j.owner_id, a.source)
                .join(Job.__table__, j.id == a.job_id)
                .where(a.id.in_(ids))
            )
        }
    return [
        row
        for row in rows
        if filters.owner_id in (None, facts[row.application.application_id][0])
        and filters.source in (None, facts[row.application.application_id][1])
    ]
