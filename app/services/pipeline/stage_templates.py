"""Stage templates per client: the pipeline a client's new jobs start with.

A client has at most one template; saving replaces it. Jobs made before a change keep their
own stages (a template is copied into a job, never linked).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.text_rules import clean
from app.services.core.unit_of_work import NotFoundError, Transaction, ValidationError
from app.services.pipeline.stages import StageInput, missing_kinds, missing_kinds_message
from app.store.models import Client, Job, Stage, StageKind, StageTemplate, StageTemplateStep


def validate_steps(steps: Sequence[StageInput]) -> dict[str, str]:
    """Per-step messages as ``steps[i].field``; list-wide ones under ``steps``."""
    errors: dict[str, str] = {}
    if not steps:
        return {"steps": "A template needs at least one stage."}
    seen: set[str] = set()
    for index, step in enumerate(steps):
        for field, message in step.validate().items():
            errors[f"steps[{index}].{field}"] = message
        name = (clean(step.name) or "").casefold()
        if name and name in seen:
            errors.setdefault(f"steps[{index}].name", f"“{clean(step.name)}” is listed twice.")
        seen.add(name)
    kinds = [StageKind(step.kind) for step in steps if step.kind in set(StageKind)]
    missing = missing_kinds(kinds)
    if missing:
        errors["steps"] = missing_kinds_message(missing)
    return errors


def _as_dicts(steps: Sequence[StageInput]) -> list[dict[str, object]]:
    return [{"name": s.name, "kind": s.kind, "sla_days": s.sla_days} for s in steps]


def template_steps(session: Session, client_id: int | None) -> list[StageInput] | None:
    """The client's template inside an open session (None when it has none)."""
    template_id = session.scalar(
        select(StageTemplate.id).where(StageTemplate.client_id == client_id)
    )
    if template_id is None:
        return None
    rows = session.execute(
        select(StageTemplateStep.name, StageTemplateStep.kind, StageTemplateStep.sla_days)
        .where(StageTemplateStep.template_id == template_id)
        .order_by(StageTemplateStep.position, StageTemplateStep.id)
    )
    return [StageInput(name, kind, sla_days) for name, kind, sla_days in rows]


def get_client_template(ctx: ServiceContext, client_id: int) -> list[StageInput] | None:
    with ctx.read() as session:
        return template_steps(session, client_id)


def _replace(tx: Transaction, client_id: int, steps: Sequence[StageInput]) -> int:
    session = tx.session
    client = session.get(Client, client_id)
    if client is None:
        raise NotFoundError(f"Client {client_id} no longer exists.")
    previous = template_steps(session, client_id)
    template = session.scalar(select(StageTemplate).where(StageTemplate.client_id == client_id))
    if template is None:
        template = StageTemplate(client_id=client_id)
        session.add(template)
        session.flush()
    else:
        # Deleted first, in SQL: the unit of work would insert the new steps before
        # deleting the old ones, and a kept name would then collide.
        session.execute(
            delete(StageTemplateStep).where(StageTemplateStep.template_id == template.id)
        )
        session.expire(template, ["steps"])
    cleaned = [StageInput(clean(s.name) or "", StageKind(s.kind), s.sla_days) for s in steps]
    session.add_all(
        StageTemplateStep(
            template_id=template.id,
            name=step.name,
            kind=step.kind,
            position=position,
            sla_days=step.sla_days,
        )
        for position, step in enumerate(cleaned)
    )
    session.flush()
    tx.audit(
        "client.template.save",
        "client",
        client_id,
        before={"steps": _as_dicts(previous)} if previous is not None else None,
        after={"steps": _as_dicts(cleaned)},
    )
    tx.changed(ChangeKind.STAGE_TEMPLATES, template.id)
    tx.changed(ChangeKind.CLIENTS, client_id)
    return template.id


def save_client_template(
    ctx: ServiceContext, client_id: int, steps: Sequence[StageInput]
) -> Outcome[int]:
    """Make ``steps`` the client's template (replacing any); returns the template's id."""
    errors = validate_steps(steps)
    if errors:
        raise ValidationError(errors)
    with ctx.write() as tx:
        return outcome(_replace(tx, client_id, steps), tx)


def save_template_from_job(ctx: ServiceContext, job_id: int) -> Outcome[int]:
    """Make the job's current stages its client's template."""
    with ctx.write() as tx:
        job = tx.session.get(Job, job_id)
        if job is None:
            raise NotFoundError(f"Job {job_id} no longer exists.")
        stages = tx.session.scalars(
            select(Stage).where(Stage.job_id == job_id).order_by(Stage.position, Stage.id)
        )
        steps = [StageInput(s.name, s.kind, s.sla_days) for s in stages]
        errors = validate_steps(steps)
        if errors:
            raise ValidationError(errors)
        return outcome(_replace(tx, job.client_id, steps), tx)
