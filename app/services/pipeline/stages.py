"""A job's own pipeline: adding, renaming, ordering, timing and removing its stages.

Each function is one audited transaction. A job always keeps at least one active stage, one
hired stage and one rejected stage, and its stage names are unique (ignoring case).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.unit_of_work import NotFoundError, ValidationError, columns_of
from app.services.core.validation import check_length, check_required, clean
from app.store.models import (
    Activity,
    ActivityKind,
    Application,
    Job,
    Stage,
    StageChange,
    StageKind,
    StageTally,
    utc_now,
)

MAX_STAGE_NAME = 80  # stages.name is String(80); names are cleaned (text_rules.clean)
MAX_SLA_DAYS = 365
# Kinds every pipeline needs: somewhere to work, to hire and to reject.
REQUIRED_KINDS: tuple[StageKind, ...] = (StageKind.ACTIVE, StageKind.HIRED, StageKind.REJECTED)
KIND_LABELS = {
    StageKind.ACTIVE: "Active",
    StageKind.HIRED: "Hired",
    StageKind.REJECTED: "Rejected",
    StageKind.WITHDRAWN: "Withdrawn",
}
REMOVED_REASON = "Stage removed"
STAGE_FIELDS = ("job_id", "name", "kind", "position", "sla_days")


def check_stage_name(errors: dict[str, str], field: str, name: str | None) -> None:
    check_required(errors, field, name, "Stage name")
    check_length(errors, field, clean(name), MAX_STAGE_NAME)


def check_sla(errors: dict[str, str], field: str, days: int | None) -> None:
    if days is not None and not 1 <= days <= MAX_SLA_DAYS:
        errors[field] = f"An SLA is 1 to {MAX_SLA_DAYS} days, or none."


@dataclass(frozen=True)
class StageInput:
    """One stage as a template (or a new stage) describes it."""

    name: str
    kind: StageKind = StageKind.ACTIVE
    sla_days: int | None = None

    def validate(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        check_stage_name(errors, "name", self.name)
        if self.kind not in set(StageKind):
            errors["kind"] = "Choose what the stage means: active, hired, rejected or withdrawn."
        check_sla(errors, "sla_days", self.sla_days)
        return errors


def missing_kinds(kinds: Iterable[StageKind]) -> list[StageKind]:
    """The required kinds absent from ``kinds``, in `REQUIRED_KINDS` order."""
    present = set(kinds)
    return [kind for kind in REQUIRED_KINDS if kind not in present]


def missing_kinds_message(missing: Sequence[StageKind]) -> str:
    names = ", ".join(KIND_LABELS[kind].lower() for kind in missing)
    return f"A pipeline needs an active, a hired and a rejected stage (no {names} stage)."


@dataclass(frozen=True)
class StageRow:
    """A stage as the set-up dialog shows it."""

    id: int
    job_id: int
    name: str
    kind: StageKind
    position: int
    sla_days: int | None
    applications: int


def list_stages(ctx: ServiceContext, job_id: int) -> list[StageRow]:
    """The job's stages in pipeline order, with how many applications stand in each."""
    with ctx.read() as session:
        rows = session.execute(
            select(
                Stage.id,
                Stage.job_id,
                Stage.name,
                Stage.kind,
                Stage.position,
                Stage.sla_days,
                func.coalesce(StageTally.applications, 0),
            )
            .outerjoin(StageTally, StageTally.stage_id == Stage.id)
            .where(Stage.job_id == job_id)
            .order_by(Stage.position, Stage.id)
        )
        return [StageRow(*row) for row in rows]


def _job_stages(session: Session, job_id: int) -> list[Stage]:
    return list(
        session.scalars(
            select(Stage).where(Stage.job_id == job_id).order_by(Stage.position, Stage.id)
        )
    )


def _name_taken(stages: Iterable[Stage], name: str, except_id: int | None = None) -> bool:
    return any(s.name.casefold() == name.casefold() and s.id != except_id for s in stages)


def _duplicate_message(name: str) -> str:
    return f"This job already has a stage named “{name}”."


def _renumber(stages: Sequence[Stage]) -> None:
    for position, stage in enumerate(stages):
        if stage.position != position:
            stage.position = position


def _get_stage(session: Session, stage_id: int) -> Stage:
    stage = session.get(Stage, stage_id)
    if stage is None:
        raise NotFoundError(f"Stage {stage_id} no longer exists.")
    return stage


def add_stage(
    ctx: ServiceContext,
    job_id: int,
    name: str,
    kind: StageKind = StageKind.ACTIVE,
    after_stage_id: int | None = None,
    sla_days: int | None = None,
) -> Outcome[int]:
    """Add a stage after ``after_stage_id``; without one, after the job's last stage of the
    same kind (so a new active step lands before Hired), or last if the job has none."""
    errors = StageInput(name, kind, sla_days).validate()
    if errors:
        raise ValidationError(errors)
    name, kind = clean(name), StageKind(kind)
    with ctx.write() as tx:
        if tx.session.get(Job, job_id) is None:
            raise NotFoundError(f"Job {job_id} no longer exists.")
        stages = _job_stages(tx.session, job_id)
        if _name_taken(stages, name):
            raise ValidationError({"name": _duplicate_message(name)})
        ids = [stage.id for stage in stages]
        if after_stage_id is not None:
            if after_stage_id not in ids:
                raise ValidationError({"after_stage_id": "That stage is not part of this job."})
            index = ids.index(after_stage_id) + 1
        else:
            same = [i for i, stage in enumerate(stages) if stage.kind is kind]
            index = same[-1] + 1 if same else len(stages)
        stage = Stage(job_id=job_id, name=name, kind=kind, sla_days=sla_days, position=index)
        stages.insert(index, stage)
        tx.session.add(stage)
        _renumber(stages)
        tx.session.flush()
        tx.audit("stage.create", "stage", stage.id, after=columns_of(stage, STAGE_FIELDS))
        tx.changed(ChangeKind.STAGES, stage.id)
        tx.changed(ChangeKind.JOBS, job_id)
        return outcome(stage.id, tx)


def rename_stage(ctx: ServiceContext, stage_id: int, name: str) -> Outcome[int]:
    errors: dict[str, str] = {}
    check_stage_name(errors, "name", name)
    if errors:
        raise ValidationError(errors)
    name = clean(name)
    with ctx.write() as tx:
        stage = _get_stage(tx.session, stage_id)
        if stage.name == name:
            return outcome(stage_id, tx)
        if _name_taken(_job_stages(tx.session, stage.job_id), name, except_id=stage_id):
            raise ValidationError({"name": _duplicate_message(name)})
        before = {"name": stage.name}
        stage.name = name
        tx.session.flush()
        tx.audit("stage.rename", "stage", stage_id, before=before, after={"name": name})
        tx.changed(ChangeKind.STAGES, stage_id)
        tx.changed(ChangeKind.JOBS, stage.job_id)
        return outcome(stage_id, tx)


def reorder_stages(
    ctx: ServiceContext, job_id: int, ordered_stage_ids: Sequence[int]
) -> Outcome[int]:
    """Put the job's stages in this order; every stage of the job must be listed once."""
    ordered = list(ordered_stage_ids)
    with ctx.write() as tx:
        if tx.session.get(Job, job_id) is None:
            raise NotFoundError(f"Job {job_id} no longer exists.")
        stages = _job_stages(tx.session, job_id)
        current = [stage.id for stage in stages]
        if len(ordered) != len(set(ordered)) or set(ordered) != set(current):
            raise ValidationError(
                {"stages": "The new order must list each of the job's stages exactly once."}
            )
        if ordered == current:
            return outcome(job_id, tx)
        by_id = {stage.id: stage for stage in stages}
        before = {"stage_ids": current, "names": [stage.name for stage in stages]}
        _renumber([by_id[stage_id] for stage_id in ordered])
        tx.session.flush()
        after = {"stage_ids": ordered, "names": [by_id[i].name for i in ordered]}
        tx.audit("stage.reorder", "job", job_id, before=before, after=after)
        tx.changed(ChangeKind.STAGES, *ordered)
        tx.changed(ChangeKind.JOBS, job_id)
        return outcome(job_id, tx)


def set_stage_sla(ctx: ServiceContext, stage_id: int, days: int | None) -> Outcome[int]:
    """How many days an application may wait in the stage (None: no limit)."""
    errors: dict[str, str] = {}
    check_sla(errors, "sla_days", days)
    if errors:
        raise ValidationError(errors)
    with ctx.write() as tx:
        stage = _get_stage(tx.session, stage_id)
        if stage.sla_days == days:
            return outcome(stage_id, tx)
        before = {"sla_days": stage.sla_days}
        stage.sla_days = days
        tx.session.flush()
        tx.audit("stage.sla", "stage", stage_id, before=before, after={"sla_days": days})
        tx.changed(ChangeKind.STAGES, stage_id)
        tx.changed(ChangeKind.JOBS, stage.job_id)
        return outcome(stage_id, tx)


def remove_stage(ctx: ServiceContext, stage_id: int, move_to_stage_id: int) -> Outcome[int]:
    """Move the stage's applications to ``move_to_stage_id`` (same job), then delete it.

    Each moved application gets a stage change and a timeline entry ("Stage removed"), and
    leaves any rejection reason behind unless it lands in a rejected stage. Earlier history
    that entered the removed stage is re-pointed to the receiving stage (the schema keeps
    every stage change's destination), and the audit entry records how many rows that was.
    Returns the number of applications moved.
    """
    with ctx.write() as tx:
        session = tx.session
        stage = _get_stage(session, stage_id)
        stages = _job_stages(session, stage.job_id)
        if stage.kind in REQUIRED_KINDS and sum(s.kind is stage.kind for s in stages) == 1:
            kind = KIND_LABELS[stage.kind].lower()
            raise ValidationError(
                {"stage": f"“{stage.name}” is the job's only {kind} stage; a job needs one."}
            )
        target = session.get(Stage, move_to_stage_id)
        if target is None or target.job_id != stage.job_id or target.id == stage.id:
            raise ValidationError(
                {"move_to_stage_id": "Choose another stage of the same job to receive them."}
            )
        before = columns_of(stage, STAGE_FIELDS)
        applications = list(
            session.scalars(
                select(Application)
                .where(Application.stage_id == stage.id)
                .order_by(Application.board_position, Application.id)
            )
        )
        now = utc_now()
        last = session.scalar(
            select(func.max(Application.board_position)).where(Application.stage_id == target.id)
        )
        next_position = (last or 0.0) + 1.0
        for application in applications:
            application.stage_id = target.id
            application.stage_entered_at = now
            application.board_position = next_position
            next_position += 1.0
            if target.kind is not StageKind.REJECTED:
                application.rejection_reason = None
            session.add(
                StageChange(
                    application_id=application.id,
                    from_stage_id=stage.id,
                    to_stage_id=target.id,
                    changed_at=now,
                    changed_by_id=tx.actor.user_id,
                    reason=REMOVED_REASON,
                )
            )
            session.add(
                Activity(
                    candidate_id=application.candidate_id,
                    application_id=application.id,
                    kind=ActivityKind.STAGE_CHANGE,
                    subject=f"Moved from {stage.name} to {target.name}",
                    body=f"{REMOVED_REASON}: “{stage.name}” is no longer part of this job.",
                    occurred_at=now,
                    user_id=tx.actor.user_id,
                )
            )
        session.flush()
        repointed = session.execute(
            update(StageChange)
            .where(StageChange.to_stage_id == stage.id)
            .values(to_stage_id=target.id)
            .execution_options(synchronize_session=False)
        ).rowcount
        session.delete(stage)
        session.flush()
        _renumber([s for s in stages if s.id != stage_id])
        session.flush()
        moved = [application.id for application in applications]
        tx.audit(
            "stage.delete",
            "stage",
            stage_id,
            before=before,
            after={
                "moved_to_stage_id": target.id,
                "moved_to": target.name,
                "applications": moved,
                "history_repointed": repointed,
            },
        )
        tx.changed(ChangeKind.STAGES, stage_id, target.id)
        tx.changed(ChangeKind.JOBS, stage.job_id)
        if moved:
            tx.changed(ChangeKind.APPLICATIONS, *moved)
        return outcome(len(moved), tx)
