"""Voluntary self-identification: recording an applicant's EEO answers, and the only view of
them, aggregates for the compliance role.

Recording is write-only (`Permission.RECORD_EEO`: recruiters, admins, compliance): a
recruiter types what the applicant filled on a paper form and can never read it back, so
nothing here returns one application's answers. The audit entry says that answers were
recorded, never what they are (the audit trail is read by admins).

The aggregates (`Permission.VIEW_EEO`, compliance alone) count applications by job, current
stage and category, one table per question. Any count under `SUPPRESS_BELOW` (zero
included) is suppressed and shown as "<5", and no totals are given, so a suppressed cell
cannot be worked out from the others.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.roles import Permission, require
from app.services.core.unit_of_work import NotFoundError
from app.store.compliance import EeoAnswers
from app.store.enums import (
    EEO_LABELS,
    DisabilityStatus,
    HispanicLatino,
    Race,
    Sex,
    VeteranStatus,
)
from app.store.models import Application, Job, Stage, utc_now

SUPPRESS_BELOW = 5
SUPPRESSED = "<5"
NOT_PROVIDED = "Not provided"
DECLINED = "Declined to answer"
QUESTIONS = ("Race/ethnicity", "Sex", "Veteran status", "Disability status")


@dataclass(frozen=True)
class EeoInput:
    """One applicant's answers; None is a question left unanswered on the form."""

    hispanic_latino: HispanicLatino | None = None
    race: Race | None = None
    sex: Sex | None = None
    veteran: VeteranStatus | None = None
    disability: DisabilityStatus | None = None

    def validate(self) -> dict[str, str]:
        """Every combination is valid: any question may be left unanswered or declined."""
        return {}


def record_eeo_answers(
    ctx: ServiceContext, application_id: int, answers: EeoInput
) -> Outcome[None]:
    """Store (or replace) the application's answers. Returns nothing about them."""
    with ctx.write(Permission.RECORD_EEO) as tx:
        if tx.session.get(Application, application_id) is None:
            raise NotFoundError(f"Application {application_id} no longer exists.")
        row = tx.session.get(EeoAnswers, application_id)
        replaced = row is not None
        if row is None:
            row = EeoAnswers(application_id=application_id)
            tx.session.add(row)
        row.hispanic_latino = answers.hispanic_latino
        row.race = answers.race
        row.sex = answers.sex
        row.veteran = answers.veteran
        row.disability = answers.disability
        row.recorded_at = utc_now()
        row.recorded_by_id = ctx.actor.user_id
        tx.session.flush()
        # The entry records the act only: the audit trail is read by admins.
        tx.audit("eeo.record", "application", application_id, after={"answers_replaced": replaced})
        tx.changed(ChangeKind.EEO, application_id)
        return outcome(None, tx)


def has_eeo_answers(ctx: ServiceContext, application_id: int) -> bool:
    """Whether answers were recorded (not what they are): the form says so before replacing."""
    require(ctx.actor, Permission.RECORD_EEO)
    with ctx.read() as session:
        return session.get(EeoAnswers, application_id) is not None


def race_ethnicity(hispanic: str | None, race: str | None) -> str:
    """The EEO-1 race/ethnicity category: Hispanic or Latino first, then the race."""
    if hispanic == HispanicLatino.YES or race == Race.HISPANIC_LATINO:
        return EEO_LABELS[Race][Race.HISPANIC_LATINO]
    if race is not None and race != Race.DECLINED:
        return EEO_LABELS[Race][race]
    if hispanic == HispanicLatino.DECLINED or race == Race.DECLINED:
        return DECLINED
    return NOT_PROVIDED


def answer_label(
    kind: type[Sex] | type[VeteranStatus] | type[DisabilityStatus], value: str | None
) -> str:
    if value is None:
        return NOT_PROVIDED
    if value == "declined":
        return DECLINED
    return EEO_LABELS[kind][value]


def categories(question: str) -> tuple[str, ...]:
    """A question's categories, in the order the tables show them."""
    if question == "Race/ethnicity":
        labels = [label for race, label in EEO_LABELS[Race].items() if race != Race.DECLINED]
    else:
        kind = {"Sex": Sex, "Veteran status": VeteranStatus}.get(question, DisabilityStatus)
        labels = [label for value, label in EEO_LABELS[kind].items() if value != "declined"]
    return (*labels, DECLINED, NOT_PROVIDED)


@dataclass(frozen=True)
class EeoTable:
    """One job's counts for one question: rows are stages, columns categories. A cell is a
    count of at least five, or None (suppressed: shown as "<5")."""

    job_id: int
    job_title: str
    question: str
    stages: tuple[str, ...]
    categories: tuple[str, ...]
    cells: tuple[tuple[int | None, ...], ...]

    def shown(self, row: int, column: int) -> str:
        value = self.cells[row][column]
        return SUPPRESSED if value is None else str(value)


def eeo_aggregates(
    ctx: ServiceContext,
    start: dt.date | None = None,
    end: dt.date | None = None,
    job_id: int | None = None,
) -> list[EeoTable]:
    """Applications (received within the range, of one job or all), counted by job, current
    stage and category for each question, small cells suppressed."""
    require(ctx.actor, Permission.VIEW_EEO)
    a, s, j, e = (
        Application.__table__.c,
        Stage.__table__.c,
        Job.__table__.c,
        EeoAnswers.__table__.c,
    )
    query = (
        select(
            a.job_id, j.title, s.name, s.position,
            e.hispanic_latino, e.race, e.sex, e.veteran, e.disability,
        )
        .select_from(Application.__table__)
        .join(Job.__table__, j.id == a.job_id)
        .join(Stage.__table__, s.id == a.stage_id)
        .outerjoin(EeoAnswers.__table__, e.application_id == a.id)
    )  # fmt: skip
    if start is not None:
        query = query.where(a.applied_at >= dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC))
    if end is not None:
        after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        query = query.where(a.applied_at < after)
    if job_id is not None:
        query = query.where(a.job_id == job_id)
    with ctx.read() as session:
        rows = session.execute(query).all()
        stage_rows = session.execute(
            select(s.job_id, s.name, s.position).where(s.job_id.in_({row[0] for row in rows}))
        ).all()
    titles = {row[0]: row[1] for row in rows}
    stages: dict[int, list[tuple[int, str]]] = {}
    for stage_job, name, position in stage_rows:
        stages.setdefault(stage_job, []).append((position, name))
    counts: Counter[tuple[int, str, str, str]] = Counter()
    for job, _title, stage, _pos, hispanic, race, sex, veteran, disability in rows:
        counts[(job, stage, QUESTIONS[0], race_ethnicity(hispanic, race))] += 1
        counts[(job, stage, QUESTIONS[1], answer_label(Sex, sex))] += 1
        counts[(job, stage, QUESTIONS[2], answer_label(VeteranStatus, veteran))] += 1
        counts[(job, stage, QUESTIONS[3], answer_label(DisabilityStatus, disability))] += 1
    tables = []
    for job in sorted(titles, key=lambda found: (titles[found].lower(), found)):
        names = tuple(name for _position, name in sorted(stages.get(job, [])))
        for question in QUESTIONS:
            columns = categories(question)
            cells = tuple(
                tuple(_suppressed(counts[(job, stage, question, column)]) for column in columns)
                for stage in names
            )
            tables.append(EeoTable(job, titles[job], question, names, columns, cells))
    return tables


def _suppressed(count: int) -> int | None:
    return count if count >= SUPPRESS_BELOW else None
