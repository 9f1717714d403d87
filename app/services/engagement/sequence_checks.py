"""What makes a drip sequence sendable, checked before anyone goes into it.

A sequence's steps are checked when it is saved (`check_steps`): each step's template must
exist, be free of template errors, have a subject and a text, and not use a field of the job
when the sequence has no job (or one the job has no value for). When candidates are enrolled,
every step is merged for each of them first (`recipient_problems`), so a value missing for
someone is listed by name before anything changes — instead of their enrolment stopping at
the first step with "template problem", and nothing sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.mail.render import TemplateSource, check_template
from app.services.core.names import person_name
from app.services.core.unit_of_work import NotFoundError
from app.services.engagement.campaigns import MAX_PROBLEMS, Renderer
from app.services.engagement.templates import NO_JOB, blank_parts, field_label, job_problems, listed
from app.store.engagement import EmailTemplate, SequenceStep

MAX_STEPS = 20
MAX_DELAY_DAYS = 365


class StepLike(Protocol):
    @property
    def template_id(self) -> int: ...
    @property
    def delay_days(self) -> int: ...


@dataclass(frozen=True)
class StepTemplate:
    """One step as the checks need it: its number (from 1), its template's name and text."""

    number: int
    name: str
    source: TemplateSource | None  # None: the template no longer exists

    def label(self) -> str:
        return f"Step {self.number} ({self.name})" if self.source else f"Step {self.number}"


def template_source(row: EmailTemplate) -> TemplateSource:
    return TemplateSource(subject=row.subject, body_text=row.body_text, body_html=row.body_html)


def _own_problems(step: StepTemplate) -> list[str]:
    """The template's own problems: missing, empty subject or text, template errors."""
    if step.source is None:
        return ["the template no longer exists"]
    blank = blank_parts(step.source)
    parts = (("subject", "subject"), ("body_text", "text"))
    missing = [word for part, word in parts if part in blank]
    if missing:
        return [f"the template has no {' or '.join(missing)}"]
    return check_template(step.source)


def sequence_problems(
    session: Session,
    steps: Sequence[StepTemplate],
    job_id: int | None,
    renderer: Renderer,
    *,
    with_job: bool = True,
) -> list[str]:
    """What no recipient could get past, step by step: the template's own problems, then
    (``with_job``) what merging for a sample candidate with ``job_id`` shows (a field of the
    job without a job, a subject that merges to nothing)."""
    problems: list[str] = []
    for step in steps:
        own = _own_problems(step)
        if with_job and not own and step.source is not None:
            own = job_problems(
                session,
                step.source,
                job_id,
                renderer.account,
                renderer.branding,
                renderer.recruiter_name,
            )
        problems += [f"{step.label()}: {line}" for line in own]
    return problems


def check_steps(
    session: Session,
    steps: Sequence[StepLike],
    renderer: Renderer,
    *,
    job_id: int | None = None,
    in_use: frozenset[int] = frozenset(),
) -> dict[str, str]:
    """Problems with ``steps`` for a sequence on ``job_id``: at least one, delays from 0 and
    never going back, each template present, sendable (see `sequence_problems`) and not
    archived (unless ``in_use``: the sequence already had it, and archiving does not stop
    sequences using a template). Keyed "steps" (the schedule), "templates" (one line per
    problem) and "job_id" (the steps use fields of a job, and there is none)."""
    errors: dict[str, str] = {}
    if not steps:
        return {"steps": "Add at least one step."}
    if len(steps) > MAX_STEPS:
        return {"steps": f"At most {MAX_STEPS} steps."}
    delays = [step.delay_days for step in steps]
    if any(d < 0 or d > MAX_DELAY_DAYS for d in delays):
        errors["steps"] = f"Each step's delay is between 0 and {MAX_DELAY_DAYS} days."
    elif any(later < earlier for earlier, later in pairwise(delays)):
        errors["steps"] = "Each step's day must be the same as or later than the step before."
    problems: list[str] = []
    chosen: list[StepTemplate] = []
    for number, step in enumerate(steps, start=1):
        row = session.get(EmailTemplate, step.template_id)
        if row is None:
            chosen.append(StepTemplate(number, "", None))
            continue
        if row.archived and row.id not in in_use:
            problems.append(f"Step {number}: the template “{row.name}” is archived.")
        chosen.append(StepTemplate(number, row.name, template_source(row)))
    problems += sequence_problems(session, chosen, job_id, renderer)
    if problems:
        errors["templates"] = "\n".join(problems)
    if job_id is None and any(NO_JOB in line for line in problems):
        errors["job_id"] = "The steps use fields of a job: choose the job they are about."
    return errors


def campaign_steps(session: Session, campaign_id: int) -> list[StepTemplate]:
    """The sequence's steps in order, with their templates."""
    s, t = SequenceStep.__table__.c, EmailTemplate.__table__.c
    rows = session.execute(
        select(s.position, t.name, t.subject, t.body_text, t.body_html)
        .outerjoin(EmailTemplate.__table__, t.id == s.template_id)
        .where(s.campaign_id == campaign_id)
        .order_by(s.position)
    ).all()
    return [
        StepTemplate(
            number,
            row.name or "",
            TemplateSource(row.subject, row.body_text, row.body_html)
            if row.name is not None
            else None,
        )
        for number, row in enumerate(rows, start=1)
    ]


def recipient_problems(
    renderer: Renderer,
    steps: Sequence[StepTemplate],
    people: Mapping[int, Any],
    candidate_ids: Iterable[int],
    job_of: Mapping[int, int | None],
) -> tuple[list[int], list[str]]:
    """Merge every step for each candidate (a row of `recipient_rows`, with the job their
    emails would name): the ids for whom some step cannot be made, and a line per problem
    ("Ana Diaz: step 2 (Nudge): “Job: title” has no value"), at most `MAX_PROBLEMS`
    candidates' worth and then a count of the rest."""
    failing: list[int] = []
    lines: list[str] = []
    for candidate_id in candidate_ids:
        row = people[candidate_id]
        found: list[str] = []
        for step in steps:
            if step.source is None:
                continue  # the sequence's own problem, said once
            try:
                _email, problems, no_job = renderer.problems(
                    step.source, row, job_of.get(candidate_id)
                )
            except NotFoundError as error:  # the job went meanwhile
                problems, no_job = [str(error)], []
            if no_job:
                names = listed([field_label(field) for field in no_job])
                problems = [*problems, f"uses {names}, but there is no job for them"]
            found += [f"step {step.number} ({step.name}): {problem}" for problem in problems]
        if not found:
            continue
        failing.append(candidate_id)
        if len(failing) <= MAX_PROBLEMS:
            name = person_name(row)
            lines += [f"{name}: {problem}" for problem in found]
    if len(failing) > MAX_PROBLEMS:
        more = len(failing) - MAX_PROBLEMS
        lines.append(f"… and {more:,} more candidate{'s' if more != 1 else ''} with problems")
    return failing, lines
