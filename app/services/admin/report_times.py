"""How long things take: time to fill a job, time to hire a candidate, time in each stage."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import BindParameter, and_, bindparam, func, select
from sqlalchemy.orm import Session

from app.services.admin.report_defs import (
    UNDO_PREFIX,
    Report,
    ReportFilter,
    days_between,
    distribution,
    hires,
    mean,
    median,
    percentile,
)
from app.services.core.context import ServiceContext
from app.store.models import Application, Candidate, Client, Job, Stage, StageChange, StageKind

# Rows read at a time from a long result.
CHUNK = 200


def _undo_repairs(session: Session) -> tuple[set[int], dict[int, float]]:
    """What undo changes in the stays: the changes to leave out (each undo, the move it took
    back, and the change after it), and for the change after each undo the day (as a
    julianday) its stay began: when the card entered the stage before the move taken back."""
    undo = StageChange.__table__.alias("undo")
    before = StageChange.__table__.alias("before")
    after = StageChange.__table__.alias("after")
    taken_back = (
        select(before.c.id)
        .where(before.c.application_id == undo.c.application_id, before.c.id < undo.c.id)
        .order_by(before.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    following = (
        select(after.c.id)
        .where(after.c.application_id == undo.c.application_id, after.c.id > undo.c.id)
        .order_by(after.c.id)
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(
        select(undo.c.id, taken_back, following).where(undo.c.reason.like(f"{UNDO_PREFIX}%"))
    ).all()
    if not rows:
        return set(), {}
    undos = {row[0] for row in rows}
    sc = StageChange.__table__.c
    began = dict(
        session.execute(
            select(sc.id, func.julianday(sc.from_entered_at)).where(
                sc.id.in_([row[1] for row in rows if row[1] is not None])
            )
        ).all()
    )
    skipped = undos | {row[1] for row in rows if row[1] is not None}
    resumed: dict[int, float] = {}
    for _undo, back, nxt in rows:
        if nxt is None or nxt in undos:  # still there, or undone further
            continue
        skipped.add(nxt)
        if began.get(back) is not None:
            resumed[nxt] = began[back]
    return skipped, resumed


def time_to_fill(ctx: ServiceContext, filters: ReportFilter) -> Report:
    """Jobs filled within the range: days from the day the job opened to the day it was
    filled (a job reopened and filled again counts once, from its opening to its last fill).
    The source filter does not apply: a job has no source."""
    j, cl = Job.__table__.c, Client.__table__.c
    with ctx.read() as session:
        rows = session.execute(
            select(j.title, cl.name, j.openings, j.opened_on, j.filled_on, j.id)
            .join(Client.__table__, cl.id == j.client_id)
            .where(
                j.filled_on.is_not(None),
                j.filled_on >= filters.start,
                j.filled_on <= filters.end,
                *filters.job_conditions(),
            )
            .order_by(j.filled_on, j.id)
        ).all()
    table = tuple(
        (title, client, openings, opened.isoformat(), filled.isoformat(), (filled - opened).days)
        for title, client, openings, opened, filled, _id in rows
    )
    days = [float(row[5]) for row in table]
    return Report(
        name="time-to-fill",
        title="Time to fill",
        columns=("Job", "Client", "Openings", "Opened", "Filled", "Days to fill"),
        rows=table,
        totals={"jobs": len(table), "median_days": median(days), "mean_days": mean(days)},
        chart=distribution(days),
    )


def time_to_hire(ctx: ServiceContext, filters: ReportFilter) -> Report:
    """Hires made within the range: days from the application to the hire."""
    c, j, cl = Candidate.__table__.c, Job.__table__.c, Client.__table__.c
    with ctx.read() as session:
        found = hires(session, filters)
        people = {
            row.id: f"{row.first_name} {row.last_name}".strip()
            for row in session.execute(
                select(c.id, c.first_name, c.last_name).where(
                    c.id.in_({hire.candidate_id for hire in found})
                )
            )
        }
        jobs = {
            row.id: (row.title, row.name)
            for row in session.execute(
                select(j.id, j.title, cl.name)
                .join(Client.__table__, cl.id == j.client_id)
                .where(j.id.in_({hire.job_id for hire in found}))
            )
        }
    table = []
    for hire in found:
        title, client = jobs[hire.job_id]
        table.append(
            (
                people.get(hire.candidate_id, ""),
                title,
                client,
                hire.source or "Unknown",
                hire.applied_at.date().isoformat(),
                hire.hired_at.date().isoformat(),
                round(days_between(hire.applied_at, hire.hired_at), 2),
            )
        )
    days = [row[6] for row in table]
    return Report(
        name="time-to-hire",
        title="Time to hire",
        columns=("Candidate", "Job", "Client", "Source", "Applied", "Hired", "Days to hire"),
        rows=tuple(table),
        totals={"hires": len(table), "median_days": median(days), "mean_days": mean(days)},
        chart=distribution(days),
    )


def time_in_stage(ctx: ServiceContext, filters: ReportFilter) -> Report:
    """Stays in active stages that ended within the range (the card left the stage then;
    a stay runs from the application's previous stage change to this one):
    median and 90th percentile in days, per stage name, in pipeline order. A stay is over its
    SLA when longer than its stage's ``sla_days``; a stage is flagged when its median stay is
    over its SLA (stages without an SLA are never flagged).

    A move taken back by undo did not happen: the stay it ended goes on until the card
    leaves the stage for good, and the card's short visit to where it was moved is no stay
    (as the board puts back the card's time in the stage)."""
    low, high = filters.bounds()
    sc, s, a, j = (
        StageChange.__table__.c,
        Stage.__table__.c,
        Application.__table__.c,
        Job.__table__.c,
    )
    # Days computed by SQLite (rounded, so that 7 days never reads 7.0000001): only a stage id
    # and a number per stay reach Python, read from one index.
    days = func.round(func.julianday(sc.changed_at) - func.julianday(sc.from_entered_at), 6)
    conditions = [
        sc.changed_at >= low,
        sc.changed_at < high,
        sc.from_stage_id.is_not(None),
        sc.from_entered_at.is_not(None),
    ]
    query = select(sc.from_stage_id, days).select_from(StageChange.__table__)
    if filters.application_conditions():
        query = query.join(Application.__table__, a.id == sc.application_id).join(
            Job.__table__, and_(j.id == a.job_id, *filters.job_conditions())
        )
        if filters.source is not None:
            conditions.append(a.source == filters.source)
    with ctx.read() as session:
        skipped, resumed = _undo_repairs(session)
        by_stage: dict[int, list[float]] = defaultdict(list)
        scope = list(conditions)
        if skipped:  # rare: rows around an undo are left out here and measured below
            ids: BindParameter[list[int]] = bindparam(
                "skipped", sorted(skipped), expanding=True, literal_execute=True
            )
            conditions.append(sc.id.not_in(ids))
        # Read in chunks: one fetch of every row would hold the GIL (and any window) for a
        # long while.
        result = session.execute(query.where(*conditions).execution_options(yield_per=CHUNK))
        for chunk in result.partitions():
            for stage_id, length in chunk:
                by_stage[stage_id].append(length)
        if resumed:
            left = func.julianday(sc.changed_at)
            again = query.with_only_columns(sc.id, sc.from_stage_id, left).where(
                *scope, sc.id.in_(list(resumed))
            )
            for change_id, stage_id, end in session.execute(again):
                by_stage[stage_id].append(round(end - resumed[change_id], 6))
        stages = {
            row.id: row
            for row in session.execute(
                select(s.id, s.name, s.position, s.sla_days).where(s.kind == StageKind.ACTIVE)
            )
        }
    stays: dict[str, list[float]] = defaultdict(list)
    over: dict[str, int] = defaultdict(int)
    slas: dict[str, set[int]] = defaultdict(set)
    order: dict[str, int] = {}
    for stage_id, lengths in by_stage.items():
        stage = stages.get(stage_id)
        if stage is None:  # an exit (rejected, withdrawn) or a hire taken back
            continue
        name, sla = stage.name, stage.sla_days
        stays[name].extend(lengths)
        order[name] = min(order.get(name, stage.position), stage.position)
        if sla is not None:
            slas[name].add(sla)
            over[name] += sum(1 for length in lengths if length > sla)
    table = []
    for name in sorted(stays, key=lambda n: (order[n], n)):
        values = stays[name]
        values.sort()  # once: the median and percentile below then sort in linear time
        sla_days = min(slas[name]) if slas[name] else None
        middle = median(values)
        flagged = sla_days is not None and middle is not None and middle > sla_days
        table.append(
            (
                name,
                len(values),
                middle,
                percentile(values, 0.9),
                sla_days,
                over[name],
                "Over SLA" if flagged else "",
            )
        )
    return Report(
        name="time-in-stage",
        title="Time in stage",
        columns=(
            "Stage",
            "Stays",
            "Median days",
            "90th percentile days",
            "SLA days",
            "Stays over SLA",
            "Flag",
        ),
        rows=tuple(table),
        totals={
            "stays": sum(row[1] for row in table),
            "over_sla": sum(row[5] for row in table),
            "flagged": [row[0] for row in table if row[6]],
        },
        chart=tuple((row[0], float(row[2] or 0.0)) for row in table),
    )
