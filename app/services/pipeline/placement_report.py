"""Reading placements: one, a candidate's, a client's, and the placements report — placements
grouped by the month they start in, with the fees of each month and of the whole period
totalled per currency (amounts in different currencies are never added together)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError
from app.services.pipeline.hiring import application_query, info_from
from app.services.pipeline.money import money_text
from app.services.pipeline.placements import PlacementRow, terms_of
from app.store.models import Application, Job
from app.store.placements import Placement


def _rows(ctx: ServiceContext, *conditions: object) -> list[PlacementRow]:
    query = (
        application_query()
        .add_columns(Placement)
        .join(Placement, Placement.application_id == Application.id)
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(Placement.start_date.desc(), Placement.id.desc())
    )
    with ctx.read() as session:
        return [
            PlacementRow(row[-1].id, info_from(row), terms_of(row[-1]), row[-1].fee_cents)
            for row in session.execute(query)
        ]


def get_placement(ctx: ServiceContext, placement_id: int) -> PlacementRow:
    rows = _rows(ctx, Placement.id == placement_id)
    if not rows:
        raise NotFoundError(f"Placement #{placement_id} no longer exists.")
    return rows[0]


def placement_of(ctx: ServiceContext, application_id: int) -> PlacementRow | None:
    rows = _rows(ctx, Placement.application_id == application_id)
    return rows[0] if rows else None


def list_placements(
    ctx: ServiceContext,
    *,
    candidate_id: int | None = None,
    client_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[PlacementRow]:
    """Placements, latest start first: a candidate's, a client's, or all; ``start`` and
    ``end`` (inclusive) bound the start dates."""
    conditions: list[object] = []
    if candidate_id is not None:
        conditions.append(Application.candidate_id == candidate_id)
    if client_id is not None:
        conditions.append(Job.client_id == client_id)
    if start is not None:
        conditions.append(Placement.start_date >= start)
    if end is not None:
        conditions.append(Placement.start_date <= end)
    return _rows(ctx, *conditions)


Totals = tuple[tuple[str, int], ...]  # (currency, cents), by currency code


def fee_totals(rows: Iterable[PlacementRow]) -> Totals:
    """The fees of ``rows`` added up per currency, in cents (exact: integers only)."""
    sums: dict[str, int] = defaultdict(int)
    for row in rows:
        sums[row.terms.currency] += row.fee_cents
    return tuple(sorted(sums.items()))


def totals_text(totals: Totals) -> str:
    """ "EUR 4,000.00 · USD 25,500.00"; "—" when there is nothing."""
    return " · ".join(money_text(cents, currency) for currency, cents in totals) or "—"


@dataclass(frozen=True)
class MonthGroup:
    month: dt.date  # its first day
    placements: tuple[PlacementRow, ...]
    fees: Totals

    @property
    def label(self) -> str:
        return f"{self.month:%B %Y}"


@dataclass(frozen=True)
class PlacementReport:
    months: tuple[MonthGroup, ...]  # latest first
    fees: Totals

    @property
    def count(self) -> int:
        return sum(len(month.placements) for month in self.months)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_back(today: dt.date, months: int) -> dt.date:
    """The first day of the month ``months - 1`` months before ``today``'s (months=12: the
    last twelve months, this one included)."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


def group_by_month(rows: Iterable[PlacementRow]) -> PlacementReport:
    """Placements grouped by the month they start in, latest month first, with fee totals."""
    by_month: dict[dt.date, list[PlacementRow]] = defaultdict(list)
    every = []
    for row in rows:
        assert row.terms.start_date is not None  # a stored placement always has one
        by_month[month_start(row.terms.start_date)].append(row)
        every.append(row)
    months = tuple(
        MonthGroup(
            month,
            tuple(sorted(by_month[month], key=lambda r: (r.terms.start_date, r.id), reverse=True)),
            fee_totals(by_month[month]),
        )
        for month in sorted(by_month, reverse=True)
    )
    return PlacementReport(months, fee_totals(every))


def placements_report(
    ctx: ServiceContext,
    *,
    client_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> PlacementReport:
    """The placements (of one client, or all) starting between ``start`` and ``end``, by
    month with fee totals."""
    return group_by_month(list_placements(ctx, client_id=client_id, start=start, end=end))
