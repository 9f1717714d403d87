"""Requisitions: creating jobs with their stage set, and listing them with pipeline counts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from app.services.context import Outcome, ServiceContext, outcome
from app.services.unit_of_work import ValidationError, columns_of
from app.services.validation import check_length, check_required, clean
from app.store.models import Client, Job, JobStatus, Stage, StageKind, StageTally, User

DEFAULT_STAGES: tuple[tuple[str, StageKind], ...] = (
    ("Applied", StageKind.ACTIVE),
    ("Screened", StageKind.ACTIVE),
    ("Interviewed", StageKind.ACTIVE),
    ("Offered", StageKind.ACTIVE),
    ("Hired", StageKind.HIRED),
    ("Rejected", StageKind.REJECTED),
    ("Withdrawn", StageKind.WITHDRAWN),
)
JOB_FIELDS = (
    "client_id",
    "title",
    "location",
    "description",
    "status",
    "openings",
    "opened_on",
    "owner_id",
)
MAX_OPENINGS = 999


@dataclass(frozen=True)
class JobInput:
    client_id: int | None
    title: str
    location: str | None = None
    description: str | None = None
    openings: int = 1
    opened_on: dt.date | None = None
    owner_id: int | None = None
    status: JobStatus = JobStatus.OPEN

    def validate(self, today: dt.date | None = None) -> dict[str, str]:
        errors: dict[str, str] = {}
        if self.client_id is None:
            errors["client_id"] = "Choose the client this job is for."
        check_required(errors, "title", self.title, "Job title")
        check_length(errors, "title", clean(self.title), 200)
        check_length(errors, "location", clean(self.location), 200)
        if not 1 <= self.openings <= MAX_OPENINGS:
            errors["openings"] = f"Openings must be between 1 and {MAX_OPENINGS}."
        today = today or dt.date.today()
        if self.opened_on and self.opened_on > today + dt.timedelta(days=365):
            errors["opened_on"] = "The opening date is more than a year ahead."
        return errors


def create_job(ctx: ServiceContext, data: JobInput) -> Outcome[int]:
    """Create a job with the default stages (Applied … Hired, Rejected, Withdrawn)."""
    errors = data.validate()
    if errors:
        raise ValidationError(errors)
    with ctx.write() as tx:
        if tx.session.get(Client, data.client_id) is None:
            raise ValidationError({"client_id": "That client no longer exists."})
        job = Job(
            client_id=data.client_id,
            title=clean(data.title),
            location=clean(data.location),
            description=data.description.strip() if data.description else None,
            status=data.status,
            openings=data.openings,
            opened_on=data.opened_on or dt.date.today(),
            owner_id=data.owner_id if data.owner_id is not None else ctx.actor.user_id,
            stages=[
                Stage(name=name, kind=kind, position=position)
                for position, (name, kind) in enumerate(DEFAULT_STAGES)
            ],
        )
        tx.session.add(job)
        tx.session.flush()
        after = columns_of(job, JOB_FIELDS) | {"stages": [s.name for s in job.stages]}
        tx.audit("job.create", "job", job.id, after=after)
        tx.changed("jobs", job.id)
        return outcome(job.id, tx)


@dataclass(frozen=True)
class StageCount:
    stage_id: int
    name: str
    kind: StageKind
    count: int


@dataclass(frozen=True)
class JobRow:
    """A job as the Jobs list shows it."""

    id: int
    title: str
    client_id: int
    client_name: str
    location: str | None
    status: JobStatus
    openings: int
    opened_on: dt.date
    filled_on: dt.date | None
    owner_name: str | None
    stages: tuple[StageCount, ...]

    @property
    def total_applications(self) -> int:
        return sum(stage.count for stage in self.stages)

    @property
    def active_applications(self) -> int:
        return sum(stage.count for stage in self.stages if stage.kind is StageKind.ACTIVE)

    def days_open(self, today: dt.date) -> int:
        end = self.filled_on or today
        return max(0, (end - self.opened_on).days)

    def count_for(self, stage_name: str) -> int | None:
        for stage in self.stages:
            if stage.name == stage_name:
                return stage.count
        return None


def list_jobs(ctx: ServiceContext, statuses: tuple[JobStatus, ...] | None = None) -> list[JobRow]:
    """Every job (or those in ``statuses``) with its per-stage application counts.

    Written against the tables rather than the mapped classes: this is the first screen's
    query, and Core statements spare start-up the ORM's one-off mapper configuration.
    """
    job, client, user, stage = (
        Job.__table__.c,
        Client.__table__.c,
        User.__table__.c,
        Stage.__table__.c,
    )
    query = (
        select(
            job.id,
            job.title,
            job.client_id,
            client.name,
            job.location,
            job.status,
            job.openings,
            job.opened_on,
            job.filled_on,
            user.display_name,
        )
        .join_from(Job.__table__, Client.__table__, client.id == job.client_id)
        .outerjoin(User.__table__, user.id == job.owner_id)
        .order_by(job.status, job.opened_on.desc(), job.id.desc())
    )
    tally = StageTally.__table__.c
    stage_query = (
        select(stage.id, stage.job_id, stage.name, stage.kind, tally.applications)
        .join_from(Stage.__table__, StageTally.__table__, tally.stage_id == stage.id)
        .order_by(stage.job_id, stage.position)
    )
    if statuses:
        query = query.where(job.status.in_(statuses))
    with ctx.read() as session:
        jobs = session.execute(query).all()
        if statuses:
            stage_query = stage_query.where(stage.job_id.in_([row.id for row in jobs]))
        stages_by_job: dict[int, list[StageCount]] = defaultdict(list)
        for stage_id, job_id, name, kind, count in session.execute(stage_query):
            stages_by_job[job_id].append(StageCount(stage_id, name, kind, count))
    return [JobRow(*row, stages=tuple(stages_by_job[row.id])) for row in jobs]
