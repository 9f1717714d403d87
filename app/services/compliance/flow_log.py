"""The OFCCP applicant flow log: one row per application received in a period, with the
applicant's self-identification, how far they got and how it ended (compliance role only).

Definitions, as the reports use them (docs/reports.md): the *highest stage reached* is the
furthest active stage the application ever entered by its stage-change history (a move
taken back by undo did not happen), or the Hired stage when it is a hire now. The
*disposition* is what the application's current stage means: hired, rejected (with the
reason given), withdrawn, or still in process; its date is when it entered that stage.
The *hiring manager* is the job's hiring-manager contact at the client.

Erased applicants stay in the log under their candidate id: erasure keeps applications,
their history and the answers of the last two years (`app.services.candidates.privacy`).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.compliance.eeo import answer_label, race_ethnicity
from app.services.core.context import ServiceContext
from app.services.core.names import person_name
from app.services.core.roles import Permission, require
from app.services.pipeline.board import UNDO_PREFIX
from app.store.compliance import EeoAnswers
from app.store.enums import (
    EEO_JOB_CATEGORY_LABELS,
    BasicQualifications,
    DisabilityStatus,
    EeoJobCategory,
    Sex,
    StageKind,
    VeteranStatus,
)
from app.store.models import Application, Contact, Job, Stage, StageChange

COLUMNS = (
    "requisition",
    "job title",
    "EEO job category",
    "applicant id",
    "date received",
    "source",
    "sex",
    "race/ethnicity",
    "veteran status",
    "disability status",
    "basic qualifications met",
    "highest stage reached",
    "disposition",
    "disposition reason",
    "hire or rejection date",
    "hiring manager",
)
DISPOSITIONS = {
    StageKind.ACTIVE: "In process",
    StageKind.HIRED: "Hired",
    StageKind.REJECTED: "Rejected",
    StageKind.WITHDRAWN: "Withdrew",
}
QUALIFIED = {
    BasicQualifications.MET: "Yes",
    BasicQualifications.NOT_MET: "No",
    BasicQualifications.UNKNOWN: "Unknown",
}


@dataclass(frozen=True)
class FlowLogRow:
    requisition: int
    job_title: str
    eeo_job_category: str
    applicant_id: int
    date_received: dt.date
    source: str
    sex: str
    race_ethnicity: str
    veteran: str
    disability: str
    basic_qualifications: str
    highest_stage: str
    disposition: str
    disposition_reason: str
    decided_on: dt.date | None
    hiring_manager: str


def flow_log(
    ctx: ServiceContext, start: dt.date, end: dt.date, job_id: int | None = None
) -> list[FlowLogRow]:
    """The applications received from ``start`` to ``end`` (days included, UTC), by job
    and date received."""
    require(ctx.actor, Permission.VIEW_EEO)
    low = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
    high = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    a, s, j, e, c = (
        Application.__table__.c,
        Stage.__table__.c,
        Job.__table__.c,
        EeoAnswers.__table__.c,
        Contact.__table__.c,
    )
    query = (
        select(
            a.id, a.job_id, j.title, j.eeo_category, a.candidate_id, a.applied_at, a.source,
            e.sex, e.hispanic_latino, e.race, e.veteran, e.disability, a.basic_qualifications,
            s.kind, s.name, a.rejection_reason, a.stage_entered_at, c.first_name, c.last_name,
        )
        .select_from(Application.__table__)
        .join(Job.__table__, j.id == a.job_id)
        .join(Stage.__table__, s.id == a.stage_id)
        .outerjoin(EeoAnswers.__table__, e.application_id == a.id)
        .outerjoin(Contact.__table__, c.id == j.hiring_manager_id)
        .where(a.applied_at >= low, a.applied_at < high)
        .order_by(a.job_id, a.applied_at, a.id)
    )  # fmt: skip
    if job_id is not None:
        query = query.where(a.job_id == job_id)
    with ctx.read() as session:
        rows = session.execute(query).all()
        furthest = _furthest_active(session, [row[0] for row in rows])
    log = []
    for row in rows:
        (
            application_id, job, title, category, candidate, applied_at, source,
            sex, hispanic, race, veteran, disability, qualified,
            kind, stage_name, reason, entered_at, manager_first, manager_last,
        ) = row  # fmt: skip
        kind = StageKind(kind)
        highest = stage_name if kind is StageKind.HIRED else furthest.get(application_id, "")
        log.append(
            FlowLogRow(
                requisition=job,
                job_title=title,
                eeo_job_category=(
                    EEO_JOB_CATEGORY_LABELS[EeoJobCategory(category)] if category else ""
                ),
                applicant_id=candidate,
                date_received=applied_at.date(),
                source=source or "",
                sex=answer_label(Sex, sex),
                race_ethnicity=race_ethnicity(hispanic, race),
                veteran=answer_label(VeteranStatus, veteran),
                disability=answer_label(DisabilityStatus, disability),
                basic_qualifications=QUALIFIED[BasicQualifications(qualified)],
                highest_stage=highest,
                disposition=DISPOSITIONS[kind],
                disposition_reason=(reason or "") if kind is StageKind.REJECTED else "",
                decided_on=(
                    entered_at.date()
                    if kind in (StageKind.HIRED, StageKind.REJECTED, StageKind.WITHDRAWN)
                    else None
                ),
                hiring_manager=person_name(manager_first, None, manager_last),
            )
        )
    return log


def _furthest_active(session: Session, application_ids: list[int]) -> dict[int, str]:
    """Each application's furthest active stage entered, by its history less undone moves."""
    sc, s = StageChange.__table__.c, Stage.__table__.c
    moves: dict[int, list[tuple[int, int, str | None]]] = defaultdict(list)
    positions: dict[int, tuple[int, str, StageKind]] = {}
    for chunk in _chunks(application_ids, 500):
        for change, application, to_stage, reason in session.execute(
            select(sc.id, sc.application_id, sc.to_stage_id, sc.reason)
            .where(sc.application_id.in_(chunk))
            .order_by(sc.application_id, sc.id)
        ):
            moves[application].append((change, to_stage, reason))
    stage_ids = {to_stage for found in moves.values() for _c, to_stage, _r in found}
    for chunk in _chunks(sorted(stage_ids), 500):
        for stage, position, name, kind in session.execute(
            select(s.id, s.position, s.name, s.kind).where(s.id.in_(chunk))
        ):
            positions[stage] = (position, name, StageKind(kind))
    furthest = {}
    for application, found in moves.items():
        kept: list[int] = []
        for _change, to_stage, reason in found:
            if reason and reason.startswith(UNDO_PREFIX):
                if kept:
                    kept.pop()  # an undo takes back the change before it
                continue
            kept.append(to_stage)
        active = [positions[stage] for stage in kept if positions[stage][2] is StageKind.ACTIVE]
        if active:
            furthest[application] = max(active)[1]
    return furthest


def _chunks(values: list[int], size: int) -> Iterable[list[int]]:
    for index in range(0, len(values), size):
        yield values[index : index + size]


def write_flow_log_csv(rows: Iterable[FlowLogRow], out: TextIO) -> int:
    """Write the log as CSV with a header row; how many applications it holds."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(["" if value is None else value for value in astuple(row)])
        count += 1
    return count
