"""What the reports mean, said once: a hire, the date range, the filters, the table shape.

Every report and the Reports section's headline cards use these, so two figures about the
same thing cannot disagree.

- **A hire** is an application standing in a Hired stage now. Moving a card out of Hired
  (by hand or by undo) takes the hire back; moving it to Hired and back any number of times
  leaves at most one hire. It was hired when it last entered Hired by a move that was not a
  redo (a redo puts back the hire it repeats, as the board puts back its time in the stage).
- **The date range** is whole days, both ends included, in UTC.
- **The filters** narrow to a client, a job, a job owner (the recruiter who owns the job;
  for recruiter activity, the user) and an application source.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from app.store.models import Application, Job, Stage, StageChange, StageKind

# How a stage change made by redo begins its reason (see app.services.pipeline.board).
REDO_PREFIX = "Redo of "
UNDO_PREFIX = "Undo of "
# Stages whose names say an interview or an offer (stage kinds only know active and exits).
INTERVIEW_WORD = "interview"
OFFER_WORD = "offer"
DAY_SECONDS = 86_400.0


@dataclass(frozen=True)
class ReportFilter:
    """A date range (inclusive, UTC days) and the optional filters."""

    start: dt.date
    end: dt.date
    client_id: int | None = None
    job_id: int | None = None
    owner_id: int | None = None
    source: str | None = None

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The range as instants: from the start of ``start`` to the start of the day after
        ``end`` (excluded)."""
        low = dt.datetime.combine(self.start, dt.time(), tzinfo=dt.UTC)
        high = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        return low, high

    def contains(self, when: dt.datetime | dt.date) -> bool:
        if isinstance(when, dt.datetime):
            low, high = self.bounds()
            return low <= when < high
        return self.start <= when <= self.end

    def job_conditions(self) -> list[ColumnElement[bool]]:
        """Conditions on the ``jobs`` table for the client, job and owner filters."""
        job = Job.__table__.c
        conditions: list[ColumnElement[bool]] = []
        if self.client_id is not None:
            conditions.append(job.client_id == self.client_id)
        if self.job_id is not None:
            conditions.append(job.id == self.job_id)
        if self.owner_id is not None:
            conditions.append(job.owner_id == self.owner_id)
        return conditions

    def application_conditions(self) -> list[ColumnElement[bool]]:
        """The job filters plus the source filter (on ``applications``)."""
        conditions = self.job_conditions()
        if self.source is not None:
            conditions.append(Application.__table__.c.source == self.source)
        return conditions


@dataclass(frozen=True)
class Report:
    """A report as the screen shows it: a table (column names as headed) and totals.

    ``chart`` is what the chart draws: (label, value) pairs, in table order.
    """

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    totals: dict[str, Any] = field(default_factory=dict)
    chart: tuple[tuple[str, float], ...] = ()

    def records(self) -> list[dict[str, Any]]:
        """One mapping per row, keyed by the column names."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Hire:
    application_id: int
    candidate_id: int
    job_id: int
    client_id: int
    source: str | None
    applied_at: dt.datetime
    hired_at: dt.datetime
    hired_by_id: int | None


def hires(session: Session, filters: ReportFilter) -> list[Hire]:
    """The hires (see the module's definition) made within the range, oldest first."""
    a, s, j, c = (
        Application.__table__.c,
        Stage.__table__.c,
        Job.__table__.c,
        StageChange.__table__.c,
    )
    rows = session.execute(
        select(
            a.id,
            a.candidate_id,
            a.job_id,
            j.client_id,
            a.source,
            a.applied_at,
            c.changed_at,
            c.changed_by_id,
            c.reason,
            c.id,
        )
        .select_from(Application.__table__)
        .join(Stage.__table__, and_(s.id == a.stage_id, s.kind == StageKind.HIRED))
        .join(Job.__table__, j.id == a.job_id)
        .join(StageChange.__table__, and_(c.application_id == a.id, c.to_stage_id == a.stage_id))
        .where(*filters.application_conditions())
        .order_by(a.id, c.id)
    ).all()
    chosen: dict[int, Any] = {}
    for row in rows:
        redo = (row.reason or "").startswith(REDO_PREFIX)
        if not redo or row[0] not in chosen:  # the latest plain entry, else the first
            chosen[row[0]] = row
    found = [
        Hire(row[0], row[1], row[2], row[3], row[4], _aware(row[5]), _aware(row[6]), row[7])
        for row in chosen.values()
    ]
    found = [hire for hire in found if filters.contains(hire.hired_at)]
    return sorted(found, key=lambda hire: (hire.hired_at, hire.application_id))


def _aware(value: dt.datetime) -> dt.datetime:
    """Core selects bypass the ORM's type on some paths; stored times are UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def days_between(start: dt.datetime, end: dt.datetime) -> float:
    return (end - start).total_seconds() / DAY_SECONDS


def median(values: Sequence[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def mean(values: Sequence[float]) -> float | None:
    return round(statistics.fmean(values), 2) if values else None


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Nearest rank: the smallest value with at least ``fraction`` of them at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return round(ordered[rank - 1], 2)


# Buckets of a days distribution: (label, lowest day included, first day of the next).
DAY_BUCKETS: tuple[tuple[str, float, float], ...] = (
    ("0–7 days", 0.0, 7.0),
    ("8–14 days", 7.0, 14.0),
    ("15–30 days", 14.0, 30.0),
    ("31–60 days", 30.0, 60.0),
    ("61–90 days", 60.0, 90.0),
    ("Over 90 days", 90.0, math.inf),
)


def distribution(values: Iterable[float]) -> tuple[tuple[str, float], ...]:
    """How many values fall in each of `DAY_BUCKETS` (a value of 7 days is in the first)."""
    counts = [0] * len(DAY_BUCKETS)
    for value in values:
        for index, (_label, _low, high) in enumerate(DAY_BUCKETS):
            if value <= high or index == len(DAY_BUCKETS) - 1:
                counts[index] += 1
                break
    return tuple(
        (label, float(count)) for (label, _l, _h), count in zip(DAY_BUCKETS, counts, strict=True)
    )


def matches(name: str, word: str) -> bool:
    return word in name.casefold()
