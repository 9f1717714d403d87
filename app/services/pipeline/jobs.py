"""Requisitions: creating and editing jobs, their status, and the list with pipeline counts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.scope import job_scope, require_job
from app.services.core.text_rules import LIMITS, clean, clean_text
from app.services.core.unit_of_work import NotFoundError, Transaction, ValidationError, columns_of
from app.services.core.validation import check_length, check_required
from app.services.pipeline.contacts import JobPeople, names_of, people_of, set_job_people
from app.services.pipeline.references import check_reference, reference_owner, tag_clash
from app.store.models import (
    Application,
    Client,
    EeoJobCategory,
    Job,
    JobStatus,
    Stage,
    StageKind,
    StageTally,
    User,
)

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
    "eeo_category",
    "posting_reference",
)
# What `update_job` may change; the status moves only through the transitions below.
EDITABLE_FIELDS = (
    "client_id",
    "title",
    "location",
    "description",
    "openings",
    "opened_on",
    "owner_id",
    "eeo_category",
    "posting_reference",
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
    # The hiring manager and interviewers; None leaves them as they are.
    people: JobPeople | None = None
    eeo_category: EeoJobCategory | None = None  # for the applicant flow log
    # The requisition number it is advertised under; in an email's subject it files the
    # applicant under this job (see `app.services.pipeline.references`).
    posting_reference: str | None = None

    def validate(self, today: dt.date | None = None) -> dict[str, str]:
        errors: dict[str, str] = {}
        if self.client_id is None:
            errors["client_id"] = "Choose the client this job is for."
        check_required(errors, "title", self.title, "Job title")
        check_length(errors, "title", clean(self.title), LIMITS["job_title"])
        check_length(errors, "location", clean(self.location), LIMITS["job_location"])
        check_length(errors, "description", clean_text(self.description), LIMITS["job_description"])
        if not 1 <= self.openings <= MAX_OPENINGS:
            errors["openings"] = f"Openings must be between 1 and {MAX_OPENINGS}."
        today = today or dt.date.today()
        if self.opened_on and self.opened_on > today + dt.timedelta(days=365):
            errors["opened_on"] = "The opening date is more than a year ahead."
        check_reference(errors, "posting_reference", clean(self.posting_reference))
        return errors


def _normalised(data: JobInput) -> dict[str, object]:
    """The stored form of the editable fields (trimmed text, empty meaning absent)."""
    return {
        "client_id": data.client_id,
        "title": clean(data.title),
        "location": clean(data.location),
        "description": clean_text(data.description),
        "openings": data.openings,
        "opened_on": data.opened_on or dt.date.today(),
        "owner_id": data.owner_id,
        "eeo_category": data.eeo_category,
        "posting_reference": clean(data.posting_reference),
    }


def _check_reference_free(tx: Transaction, reference: object, job_id: int | None) -> None:
    """Refuse a reference the mailbox could not tell apart: another job's (ignoring case),
    or the ``JOB-n`` form of another job's tag."""
    if not isinstance(reference, str):
        return
    clash = tag_clash(reference, job_id)
    if clash is not None:
        raise ValidationError({"posting_reference": clash})
    owner = reference_owner(tx.session, reference, job_id)
    if owner is not None:
        raise ValidationError(
            {
                "posting_reference": f"Reference {reference} is already used by job"
                f" #{owner.id} “{owner.title}”."
            }
        )


def create_job(ctx: ServiceContext, data: JobInput) -> Outcome[int]:
    """Create a job with its client's stage template, or the default stages (Applied … Hired,
    Rejected, Withdrawn) when the client has none. ``owner_id`` None means the acting user."""
    errors = data.validate()
    if errors:
        raise ValidationError(errors)
    with ctx.write() as tx:
        if tx.session.get(Client, data.client_id) is None:
            raise ValidationError({"client_id": "That client no longer exists."})
        values = _normalised(data)
        _check_reference_free(tx, values["posting_reference"], None)
        # Deferred: only a new job needs the stage templates (~15 ms off start-up).
        from app.services.pipeline.stage_templates import (
            template_steps,  # not needed to show the list
        )

        steps = template_steps(tx.session, data.client_id)
        if steps is None:
            stages = [
                Stage(name=name, kind=kind, position=position)
                for position, (name, kind) in enumerate(DEFAULT_STAGES)
            ]
        else:
            stages = [
                Stage(name=step.name, kind=step.kind, position=position, sla_days=step.sla_days)
                for position, step in enumerate(steps)
            ]
        if values["owner_id"] is None:
            values["owner_id"] = ctx.actor.user_id
        job = Job(**values, status=data.status, stages=stages)
        tx.session.add(job)
        tx.session.flush()
        after = columns_of(job, JOB_FIELDS) | {"stages": [s.name for s in job.stages]}
        if data.people is not None:
            people = set_job_people(tx, job, data.people)
            after |= {name: new for name, (_old, new) in people.items()}
        if steps is not None:
            after["from_template"] = True
        tx.audit("job.create", "job", job.id, after=after)
        tx.changed(ChangeKind.JOBS, job.id)
        return outcome(job.id, tx)


def update_job(ctx: ServiceContext, job_id: int, data: JobInput) -> Outcome[int]:
    """Save the edited fields of a job (not its status: see `change_status`).

    ``owner_id`` None leaves the job without an owner. The audit entry holds only the fields
    that changed; saving an unchanged job writes nothing and reports no change.
    """
    errors = data.validate()
    if errors:
        raise ValidationError(errors)
    values = _normalised(data)
    with ctx.write() as tx:
        job = tx.session.get(Job, job_id)
        if job is None:
            raise NotFoundError(f"Job {job_id} no longer exists.")
        if data.opened_on is None:
            values["opened_on"] = job.opened_on
        if values["client_id"] != job.client_id and tx.session.get(Client, data.client_id) is None:
            raise ValidationError({"client_id": "That client no longer exists."})
        owner_id = values["owner_id"]
        if (
            owner_id is not None
            and owner_id != job.owner_id
            and tx.session.get(User, owner_id) is None
        ):
            raise ValidationError({"owner_id": "That recruiter no longer exists."})
        if values["posting_reference"] != job.posting_reference:
            _check_reference_free(tx, values["posting_reference"], job_id)
        changed = [name for name in EDITABLE_FIELDS if getattr(job, name) != values[name]]
        before = columns_of(job, tuple(changed))
        for name in changed:
            setattr(job, name, values[name])
        after = columns_of(job, tuple(changed))
        if data.people is not None:
            for name, (old, new) in set_job_people(tx, job, data.people).items():
                before[name], after[name] = old, new
        if not after:
            return outcome(job_id, tx)
        tx.session.flush()
        tx.audit("job.update", "job", job_id, before=before, after=after)
        tx.changed(ChangeKind.JOBS, job_id)
        return outcome(job_id, tx)


# Status transitions: action -> (the statuses it starts from, the status it leads to).
TRANSITIONS: dict[str, tuple[frozenset[JobStatus], JobStatus]] = {
    "hold": (frozenset({JobStatus.OPEN}), JobStatus.ON_HOLD),
    "close": (frozenset({JobStatus.OPEN, JobStatus.ON_HOLD}), JobStatus.CLOSED),
    "fill": (frozenset({JobStatus.OPEN, JobStatus.ON_HOLD}), JobStatus.FILLED),
    "reopen": (
        frozenset({JobStatus.ON_HOLD, JobStatus.CLOSED, JobStatus.FILLED}),
        JobStatus.OPEN,
    ),
}
_REFUSALS = {
    "hold": "Only an open job can be put on hold (this one is {status}).",
    "close": "This job is already {status}; reopen it first.",
    "fill": "This job is already {status}; reopen it first.",
    "reopen": "This job is already open.",
}
_STATUS_WORDS = {
    JobStatus.OPEN: "open",
    JobStatus.ON_HOLD: "on hold",
    JobStatus.FILLED: "filled",
    JobStatus.CLOSED: "closed",
}


def allowed_actions(status: JobStatus) -> frozenset[str]:
    """The transitions (keys of `TRANSITIONS`) a job in ``status`` can take."""
    return frozenset(action for action, (sources, _) in TRANSITIONS.items() if status in sources)


@dataclass(frozen=True)
class JobState:
    """What a status action changes, and what undoing it puts back exactly."""

    status: JobStatus
    filled_on: dt.date | None


@dataclass(frozen=True)
class StatusChange:
    """A status action carried out on a job: enough to undo and redo it."""

    job_id: int
    title: str
    action: str  # a key of TRANSITIONS
    before: JobState
    after: JobState


def change_status(
    ctx: ServiceContext, job_id: int, action: str, today: dt.date | None = None
) -> Outcome[StatusChange]:
    """Take one of the `TRANSITIONS` (hold, close, fill, reopen); refused with a
    `ValidationError` when the job's status does not allow it."""
    sources, target = TRANSITIONS[action]
    with ctx.write() as tx:
        job = tx.session.get(Job, job_id)
        if job is None:
            raise NotFoundError(f"Job {job_id} no longer exists.")
        if job.status not in sources:
            message = _REFUSALS[action].format(status=_STATUS_WORDS[job.status])
            raise ValidationError({"status": message})
        before = JobState(job.status, job.filled_on)
        if target is JobStatus.FILLED:
            filled_on: dt.date | None = today or dt.date.today()
        elif target is JobStatus.OPEN:
            filled_on = None
        else:
            filled_on = job.filled_on
        change = StatusChange(job_id, job.title, action, before, JobState(target, filled_on))
        _set_state(tx, job, change.after, f"job.{action}")
        return outcome(change, tx)


def restore_status(ctx: ServiceContext, change: StatusChange, undo: bool) -> Outcome[StatusChange]:
    """Undo (or redo) a status action: put back the exact status and fill date it found (or
    left), provided nobody changed the job's status since. Audited as ``job.<action>.undo``
    (or ``.redo``)."""
    expected, wanted = (change.after, change.before) if undo else (change.before, change.after)
    with ctx.write() as tx:
        job = tx.session.get(Job, change.job_id)
        if job is None:
            raise NotFoundError(f"“{change.title}” no longer exists.")
        if JobState(job.status, job.filled_on) != expected:
            status = _STATUS_WORDS[job.status]
            raise ValidationError(
                {"status": f"“{job.title}” changed since (it is {status} now); left as it is."}
            )
        _set_state(tx, job, wanted, f"job.{change.action}.{'undo' if undo else 'redo'}")
        return outcome(change, tx)


def _set_state(tx: Transaction, job: Job, state: JobState, action: str) -> None:
    before = columns_of(job, ("status", "filled_on"))
    job.status, job.filled_on = state.status, state.filled_on
    tx.session.flush()
    tx.audit(action, "job", job.id, before, columns_of(job, ("status", "filled_on")))
    tx.changed(ChangeKind.JOBS, job.id)


@dataclass(frozen=True)
class JobDetail:
    """One job's editable fields and status, for the edit dialog."""

    id: int
    client_id: int
    client_name: str
    title: str
    location: str | None
    description: str | None
    status: JobStatus
    openings: int
    opened_on: dt.date
    filled_on: dt.date | None
    owner_id: int | None
    hires: int = 0  # applications in a hired stage now
    people: JobPeople = field(default_factory=JobPeople)
    hiring_manager: str | None = None
    interviewers: tuple[str, ...] = ()
    eeo_category: EeoJobCategory | None = None
    posting_reference: str | None = None


def get_job(ctx: ServiceContext, job_id: int) -> JobDetail:
    require_job(ctx, job_id)
    with ctx.read() as session:
        job = session.get(Job, job_id)
        if job is None:
            raise NotFoundError(f"Job {job_id} no longer exists.")
        people = people_of(session, job)
        names = names_of(session, people)
        return JobDetail(
            id=job.id,
            client_id=job.client_id,
            client_name=job.client.name,
            title=job.title,
            location=job.location,
            description=job.description,
            status=job.status,
            openings=job.openings,
            opened_on=job.opened_on,
            filled_on=job.filled_on,
            owner_id=job.owner_id,
            hires=_hires(session, job_id),
            people=people,
            hiring_manager=names.hiring_manager,
            interviewers=names.interviewers,
            eeo_category=job.eeo_category,
            posting_reference=job.posting_reference,
        )


def _hires(session: Session, job_id: int) -> int:
    return (
        session.scalar(
            select(func.count(Application.id))
            .join(Stage, Stage.id == Application.stage_id)
            .where(Application.job_id == job_id, Stage.kind == StageKind.HIRED)
        )
        or 0
    )


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
    posting_reference: str | None
    stages: tuple[StageCount, ...]

    @property
    def total_applications(self) -> int:
        return sum(stage.count for stage in self.stages)

    @property
    def active_applications(self) -> int:
        return sum(stage.count for stage in self.stages if stage.kind is StageKind.ACTIVE)

    @property
    def hires(self) -> int:
        return sum(stage.count for stage in self.stages if stage.kind is StageKind.HIRED)

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
            job.posting_reference,
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
    scope = job_scope(ctx)
    if scope is not None:  # a hiring manager: the jobs they follow
        query = query.where(job.id.in_(scope))
    with ctx.read() as session:
        jobs = session.execute(query).all()
        if statuses or scope is not None:
            stage_query = stage_query.where(stage.job_id.in_([row.id for row in jobs]))
        stages_by_job: dict[int, list[StageCount]] = defaultdict(list)
        for stage_id, job_id, name, kind, count in session.execute(stage_query):
            stages_by_job[job_id].append(StageCount(stage_id, name, kind, count))
    return [JobRow(*row, stages=tuple(stages_by_job[row.id])) for row in jobs]
