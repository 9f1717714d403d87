"""Pipeline conversion: how far the applications made within the range got.

An application *reached* a stage when it ever entered that stage or a later one (by the
stage-change history; a move taken back by undo did not happen, a move back by hand did);
the Hired stage only when it is a hire now (a hire undone is not a hire). An application
opened straight into Hired reached Hired, and so every stage before it. Exits (Rejected,
Withdrawn) are not steps of the funnel. Jobs with their own stage sets are put together by
stage name, in pipeline order, so counts never grow down the stages.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, and_, bindparam, func, select
from sqlalchemy.orm import Session

from app.services.admin.report_defs import UNDO_PREFIX, Report, ReportFilter
from app.services.core.context import ServiceContext
from app.store.models import Application, Job, Stage, StageChange, StageKind

FUNNEL_KINDS = (StageKind.ACTIVE, StageKind.HIRED)


@dataclass(frozen=True)
class Reach:
    """How many applications of a job and source got how far."""

    job_id: int
    source: str | None
    top_position: int  # the furthest funnel stage reached (its position in the job)
    count: int


@dataclass(frozen=True)
class FunnelStage:
    job_id: int
    name: str
    position: int
    kind: StageKind


def reach_counts(session: Session, filters: ReportFilter) -> list[Reach]:
    """Applications made within the range, counted by job, source and furthest stage."""
    low, high = filters.bounds()
    a, sc, s, j = (
        Application.__table__.c,
        StageChange.__table__.c,
        Stage.__table__.c,
        Job.__table__.c,
    )
    current = Stage.__table__.alias("current")
    # Each application's furthest active stage, read in one pass over the history's index
    # (faster than looking up the history of each application made in the range).
    furthest_query = (
        select(sc.application_id.label("application_id"), func.max(s.position).label("top"))
        .select_from(StageChange.__table__)
        .join(Stage.__table__, and_(s.id == sc.to_stage_id, s.kind == StageKind.ACTIVE))
        .group_by(sc.application_id)
    )
    undone = moves_undone(session)
    if undone:  # rare: leave them out by id, keeping the one pass for everything else
        # Written into the statement: any number of them, not bound one by one.
        ids: BindParameter[list[int]] = bindparam(
            "undone", undone, expanding=True, literal_execute=True
        )
        furthest_query = furthest_query.where(sc.id.not_in(ids))
    furthest = furthest_query.subquery()
    hired_at = func.iif(current.c.kind == StageKind.HIRED, current.c.position, -1)
    per_application = (
        select(
            a.job_id.label("job_id"),
            a.source.label("source"),
            func.max(furthest.c.top, hired_at).label("top"),
        )
        .select_from(furthest)
        .join(Application.__table__, a.id == furthest.c.application_id)
        .join(current, current.c.id == a.stage_id)
        .where(a.applied_at >= low, a.applied_at < high)
    )
    # Hires with no move into an active stage in their history (opened straight into Hired):
    # few, found apart so the pass above keeps its plan. The hires in the range are taken
    # first (materialised), then the history probed for those only: left to itself, SQLite
    # probes the history of every application in the range.
    hires = (
        select(a.id.label("id"), a.job_id.label("job_id"), a.source.label("source"))
        .add_columns(current.c.position.label("top"))
        .select_from(Application.__table__)
        .join(current, and_(current.c.id == a.stage_id, current.c.kind == StageKind.HIRED))
        .where(a.applied_at >= low, a.applied_at < high)
    )
    if filters.job_conditions():
        per_application = per_application.join(
            Job.__table__, and_(j.id == a.job_id, *filters.job_conditions())
        )
        hires = hires.join(Job.__table__, and_(j.id == a.job_id, *filters.job_conditions()))
    if filters.source is not None:
        per_application = per_application.where(a.source == filters.source)
        hires = hires.where(a.source == filters.source)
    hired = hires.cte("hired").prefix_with("MATERIALIZED")
    into_active = (
        select(sc.id)
        .join(Stage.__table__, and_(s.id == sc.to_stage_id, s.kind == StageKind.ACTIVE))
        .where(sc.application_id == hired.c.id)
    )
    if undone:
        into_active = into_active.where(sc.id.not_in(ids))
    direct = select(hired.c.job_id, hired.c.source, hired.c.top).where(~into_active.exists())
    rows: list[Any] = []
    for part in (per_application.subquery(), direct.subquery()):
        top = part.c.top
        rows += session.execute(
            select(part.c.job_id, part.c.source, top, func.count()).group_by(
                part.c.job_id, part.c.source, top
            )
        ).all()
    return [Reach(job_id, source, top, count) for job_id, source, top, count in rows]


def moves_undone(session: Session) -> list[int]:
    """The stage changes taken back by undo: each undo takes back its application's change
    before it. Few, and read through a partial index of the undo rows."""
    undo, before = StageChange.__table__.alias("undo"), StageChange.__table__.alias("before")
    taken_back = (
        select(before.c.id)
        .where(before.c.application_id == undo.c.application_id, before.c.id < undo.c.id)
        .order_by(before.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    found = session.scalars(select(taken_back).where(undo.c.reason.like(f"{UNDO_PREFIX}%")))
    return [change_id for change_id in found if change_id is not None]


def funnel_stages(session: Session, job_ids: set[int]) -> list[FunnelStage]:
    s = Stage.__table__.c
    rows = session.execute(
        select(s.job_id, s.name, s.position, s.kind).where(
            s.job_id.in_(job_ids), s.kind.in_(FUNNEL_KINDS)
        )
    ).all()
    return [
        FunnelStage(job_id, name, position, StageKind(kind))
        for job_id, name, position, kind in rows
    ]


def stage_order(stages: list[FunnelStage]) -> list[str]:
    """Stage names in pipeline order: by the earliest position any job gives them."""
    first: dict[str, int] = {}
    for stage in stages:
        first[stage.name] = min(first.get(stage.name, stage.position), stage.position)
    return sorted(first, key=lambda name: (first[name], name))


def funnel(ctx: ServiceContext, filters: ReportFilter) -> Report:
    with ctx.read() as session:
        reaches = reach_counts(session, filters)
        stages = funnel_stages(session, {reach.job_id for reach in reaches})
    names = stage_order(stages)
    rank = {name: index for index, name in enumerate(names)}
    name_at = {(stage.job_id, stage.position): stage.name for stage in stages}
    furthest: dict[int, int] = defaultdict(int)  # rank -> applications stopping there
    for reach in reaches:
        name = name_at.get((reach.job_id, reach.top_position))
        if name is not None:
            furthest[rank[name]] += reach.count
    reached = []
    running = 0
    for index in reversed(range(len(names))):
        running += furthest[index]
        reached.append(running)
    reached.reverse()
    table = []
    for index, name in enumerate(names):
        following = reached[index + 1] if index + 1 < len(names) else None
        passed = (
            round(following / reached[index], 4)
            if following is not None and reached[index]
            else None
        )
        overall = round(reached[index] / reached[0], 4) if reached[0] else None
        table.append((name, reached[index], passed, overall))
    hired_at = {(stage.job_id, stage.position) for stage in stages if stage.kind is StageKind.HIRED}
    return Report(
        name="funnel",
        title="Pipeline conversion",
        columns=("stage", "reached", "pass-through", "of applications"),
        rows=tuple(table),
        totals={
            "applications": reached[0] if reached else 0,
            "hires": sum(
                reach.count for reach in reaches if (reach.job_id, reach.top_position) in hired_at
            ),
        },
        chart=tuple((row[0], float(row[1])) for row in table),
    )
