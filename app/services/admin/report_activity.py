"""Recruiter activity: what each user did within the range.

Notes, calls and emails come from the timeline (emails: those sent, not replies logged);
moves are stage changes of existing applications (adding a candidate to a job is not a
move); interviews are moves into a stage named for an interview; submittals are candidates
sent to a client; placements are the hires (as defined in `report_defs`) the user made.
The owner filter picks the user; client, job and source filters keep only what concerns an
application matching them (a note on no application is left out then).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, func, or_, select, text

from app.services.admin.report_defs import INTERVIEW_WORD, Report, ReportFilter, hires
from app.services.core.context import ServiceContext
from app.store.models import (
    ACTIVITY_REPORT_ROWS,
    Activity,
    ActivityKind,
    Application,
    Job,
    Stage,
    StageChange,
    User,
)
from app.store.submittals import Submittal

COLUMNS = ("User", "Notes", "Calls", "Emails", "Moves", "Submittals", "Interviews", "Placements")
_KIND_COLUMN = {ActivityKind.NOTE: 1, ActivityKind.CALL: 2, ActivityKind.EMAIL: 3}


def activity(ctx: ServiceContext, filters: ReportFilter) -> Report:
    low, high = filters.bounds()
    act, sc, s, a, j, sub, u = (
        Activity.__table__.c,
        StageChange.__table__.c,
        Stage.__table__.c,
        Application.__table__.c,
        Job.__table__.c,
        Submittal.__table__.c,
        User.__table__.c,
    )
    narrow = bool(_application_filters(filters))
    figures: dict[int, list[int]] = defaultdict(lambda: [0] * (len(COLUMNS) - 1))
    with ctx.read() as session:
        timeline = (
            select(act.user_id, act.kind, func.count())
            .where(
                act.occurred_at >= low,
                act.occurred_at < high,
                act.user_id.is_not(None),
                # The kinds of _KIND_COLUMN, written as the partial index's own term so that
                # SQLite reads the index rather than every stage change (migration 0027).
                text(f"activities.{ACTIVITY_REPORT_ROWS}"),
                or_(
                    act.kind != ActivityKind.EMAIL, act.direction.is_(None), act.direction == "out"
                ),
            )
            .group_by(act.user_id, act.kind)
        )
        if filters.owner_id is not None:
            timeline = timeline.where(act.user_id == filters.owner_id)
        if narrow:
            timeline = timeline.join(Application.__table__, a.id == act.application_id).join(
                Job.__table__, j.id == a.job_id
            )
            timeline = timeline.where(*_application_filters(filters))
        for user_id, kind, count in session.execute(timeline):
            figures[user_id][_KIND_COLUMN[ActivityKind(kind)] - 1] += count
        interview = func.instr(func.lower(s.name), INTERVIEW_WORD) > 0
        moves = (
            select(sc.changed_by_id, func.count(), func.sum(func.iif(interview, 1, 0)))
            .join(Stage.__table__, s.id == sc.to_stage_id)
            .where(
                sc.changed_at >= low,
                sc.changed_at < high,
                sc.from_stage_id.is_not(None),
                sc.changed_by_id.is_not(None),
            )
            .group_by(sc.changed_by_id)
        )
        if filters.owner_id is not None:
            moves = moves.where(sc.changed_by_id == filters.owner_id)
        if narrow:
            moves = moves.join(Application.__table__, a.id == sc.application_id).join(
                Job.__table__, j.id == a.job_id
            )
            moves = moves.where(*_application_filters(filters))
        for user_id, count, interviews in session.execute(moves):
            figures[user_id][3] += count
            figures[user_id][5] += int(interviews or 0)
        sent = (
            select(sub.submitted_by_id, func.count())
            .join(Job.__table__, j.id == sub.job_id)
            .where(
                sub.submitted_at >= low,
                sub.submitted_at < high,
                sub.submitted_by_id.is_not(None),
                *_without_owner(filters).job_conditions(),
            )
            .group_by(sub.submitted_by_id)
        )
        if filters.source is not None:
            sent = sent.join(
                Application.__table__,
                and_(a.job_id == sub.job_id, a.candidate_id == sub.candidate_id),
            ).where(a.source == filters.source)
        if filters.owner_id is not None:  # the owner filter names the user here
            sent = sent.where(sub.submitted_by_id == filters.owner_id)
        for user_id, count in session.execute(sent):
            figures[user_id][4] += count
        made = hires(session, _without_owner(filters))
        for hire in made:
            if hire.hired_by_id is not None and filters.owner_id in (None, hire.hired_by_id):
                figures[hire.hired_by_id][6] += 1
        names = dict(
            session.execute(select(u.id, u.display_name).where(u.id.in_(set(figures)))).all()
        )
    table = tuple(
        (names.get(user_id, f"User {user_id}"), *values)
        for user_id, values in sorted(
            figures.items(), key=lambda item: (names.get(item[0], ""), item[0])
        )
    )
    totals = {
        column.lower(): sum(row[index] for row in table)
        for index, column in enumerate(COLUMNS)
        if index
    }
    return Report(
        name="activity",
        title="Recruiter activity",
        columns=COLUMNS,
        rows=table,
        totals=totals,
        chart=tuple((row[0], float(sum(row[1:]))) for row in table),
    )


def _application_filters(filters: ReportFilter) -> list:  # type: ignore[type-arg]
    """The client, job and source filters (the owner names the user in this report)."""
    return _without_owner(filters).application_conditions()


def _without_owner(filters: ReportFilter) -> ReportFilter:
    return ReportFilter(
        filters.start, filters.end, filters.client_id, filters.job_id, None, filters.source
    )
