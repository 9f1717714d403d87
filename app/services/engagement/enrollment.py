"""Enrolling candidates in a drip sequence: checked first, then written in one transaction.

`plan_enrollment` sorts the candidates out (already in it, not contactable, gone) and merges
every step for each one who would go in, so a value missing for someone is listed by name
before anything changes (`engagement.sequence_checks`); `enroll` writes the enrolments only
for those who pass, and only when told to leave the others out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.engagement.campaigns import CHUNK, Renderer, recipient_rows
from app.services.engagement.optout import contactable_condition
from app.services.engagement.sequence_checks import (
    campaign_steps,
    recipient_problems,
    sequence_problems,
)
from app.store.engagement import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    EnrollmentStatus,
    SequenceEnrollment,
    SequenceStep,
)
from app.store.models import Application, Candidate, utc_now


@dataclass(frozen=True)
class EnrollReport:
    enrolled: tuple[int, ...]  # enrolment ids
    already_enrolled: int
    not_contactable: int  # do not contact, consent withdrawn, unsubscribed or no email
    missing: int  # candidates deleted since they were selected
    with_problems: int = 0  # left out: some step's email cannot be made for them

    @property
    def skipped(self) -> int:
        return self.already_enrolled + self.not_contactable + self.missing + self.with_problems


@dataclass(frozen=True)
class EnrollPlan:
    """What enrolling would do, found before anything changes: who can go in, who is
    skipped, and who could not get every step's email (and why, one line per problem)."""

    ready: tuple[int, ...]  # would be enrolled, and every step can be made for them
    failing: tuple[int, ...]  # would be enrolled, but some step cannot be made for them
    already_enrolled: int
    not_contactable: int
    missing: int
    problems: tuple[str, ...]  # the sequence's own problems, or per candidate
    blocked: bool = False  # the sequence's own problems: nobody can be enrolled


@dataclass
class _Selection:
    """The candidates asked for, sorted out for one sequence."""

    existing: set[int]
    contactable: set[int]
    enrolled_already: set[int]
    applications: dict[int, tuple[int, int]]  # candidate → (application, stage) on the job
    chosen: list[int]  # existing, contactable, not in the sequence yet: in asking order


def _open_sequence(session: Any, campaign_id: int) -> tuple[Campaign, list[int]]:
    """The sequence and its steps' delays; refused when it is stopped or has no steps."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.kind is not CampaignKind.SEQUENCE:
        raise NotFoundError(f"Sequence #{campaign_id} no longer exists.")
    if campaign.status is CampaignStatus.STOPPED:
        raise ValidationError({"status": "This sequence was stopped; start a new one."})
    s = SequenceStep.__table__.c
    delays = list(
        session.scalars(
            select(s.delay_days).where(s.campaign_id == campaign_id).order_by(s.position)
        )
    )
    if not delays:
        raise ValidationError({"steps": "The sequence has no steps."})
    return campaign, delays


def _select(
    session: Any, campaign_id: int, ids: Sequence[int], watched_job: int | None
) -> _Selection:
    c, e = Candidate.__table__.c, SequenceEnrollment.__table__.c
    a = Application.__table__.c
    found = _Selection(set(), set(), set(), {}, [])
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found.existing |= set(session.scalars(select(c.id).where(c.id.in_(chunk))))
        found.contactable |= set(
            session.scalars(select(c.id).where(c.id.in_(chunk), contactable_condition()))
        )
        found.enrolled_already |= set(
            session.scalars(
                select(e.candidate_id).where(
                    e.campaign_id == campaign_id, e.candidate_id.in_(chunk)
                )
            )
        )
        if watched_job is not None:
            found.applications |= {
                row.candidate_id: (row.id, row.stage_id)
                for row in session.execute(
                    select(a.candidate_id, a.id, a.stage_id).where(
                        a.job_id == watched_job, a.candidate_id.in_(chunk)
                    )
                )
            }
    found.chosen = [
        i
        for i in ids
        if i in found.existing and i in found.contactable and i not in found.enrolled_already
    ]
    return found


def plan_enrollment(
    ctx: ServiceContext,
    campaign_id: int,
    candidate_ids: Iterable[int],
    job_id: int | None = None,
) -> EnrollPlan:
    """What `enroll` would do, without changing anything: every step is merged for each
    candidate who would go in, with the job their emails would name (that of their
    application to the watched job, else the sequence's), so that a missing value is listed
    by name now rather than found at the step. Problems of the sequence itself (a broken
    template, a field of the job with no job) block everyone: ``blocked``."""
    ids = list(dict.fromkeys(int(i) for i in candidate_ids))
    with ctx.read() as session:
        campaign, _delays = _open_sequence(session, campaign_id)
        watched_job = job_id if job_id is not None else campaign.job_id
        found = _select(session, campaign_id, ids, watched_job)
        steps = campaign_steps(session, campaign_id)
        renderer = Renderer(session, ctx.actor)
        # With another job watched, the job a step names differs per candidate: what the
        # job lacks is then found for each of them below.
        same_job = watched_job in (None, campaign.job_id)
        own = sequence_problems(session, steps, campaign.job_id, renderer, with_job=same_job)
        failing: list[int] = []
        lines: list[str] = []
        if not own and found.chosen:
            job_of = {
                i: watched_job if i in found.applications else campaign.job_id for i in found.chosen
            }
            people = recipient_rows(session, found.chosen)
            failing, lines = recipient_problems(renderer, steps, people, found.chosen, job_of)
    blocked = bool(own)
    failed = set(failing)
    return EnrollPlan(
        ready=() if blocked else tuple(i for i in found.chosen if i not in failed),
        failing=tuple(found.chosen) if blocked else tuple(failing),
        already_enrolled=len(found.enrolled_already & found.existing),
        not_contactable=len((found.existing - found.contactable) - found.enrolled_already),
        missing=len(ids) - len(found.existing),
        problems=tuple(own or lines),
        blocked=blocked,
    )


def enroll(
    ctx: ServiceContext,
    campaign_id: int,
    candidate_ids: Iterable[int],
    job_id: int | None = None,
    *,
    now: dt.datetime | None = None,
    skip_problems: bool = False,
) -> Outcome[EnrollReport]:
    """Start the sequence for each contactable candidate not already in it.

    The application whose stage is watched is the candidate's application for ``job_id``
    (default: the sequence's job); its current stage is recorded, and a later change stops
    the sequence. The first step is due ``now`` + its delay.

    Every step is merged for each of them first (`plan_enrollment`, outside the write
    lock): a problem of the sequence itself refuses the whole enrolment, and so does a
    problem for some candidates — unless ``skip_problems``, when only those who pass go in
    (``with_problems`` counts the others). `ValidationError` lists the problems.
    """
    now = now or utc_now()
    ids = list(dict.fromkeys(int(i) for i in candidate_ids))
    plan = plan_enrollment(ctx, campaign_id, ids, job_id)
    if plan.blocked:
        raise ValidationError({"templates": "\n".join(plan.problems)})
    if plan.failing and not skip_problems:
        raise ValidationError({"recipients": "\n".join(plan.problems)})
    left_out = set(plan.failing)
    with ctx.write() as tx:
        campaign, delays = _open_sequence(tx.session, campaign_id)
        watched_job = job_id if job_id is not None else campaign.job_id
        found = _select(tx.session, campaign_id, ids, watched_job)
        chosen = [i for i in found.chosen if i not in left_out]
        applications = found.applications
        rows = [
            {
                "campaign_id": campaign_id,
                "candidate_id": candidate_id,
                "application_id": applications.get(candidate_id, (None, None))[0],
                "stage_id_at_enrollment": applications.get(candidate_id, (None, None))[1],
                "enrolled_at": now,
                "next_step": 0,
                "next_due_at": now + dt.timedelta(days=delays[0]),
                "status": EnrollmentStatus.ACTIVE,
            }
            for candidate_id in chosen
        ]
        new_ids: list[int] = []
        if rows:
            new_ids = list(
                tx.session.scalars(
                    insert(SequenceEnrollment).returning(SequenceEnrollment.id), rows
                )
            )
        report = EnrollReport(
            enrolled=tuple(new_ids),
            already_enrolled=len(found.enrolled_already & found.existing),
            not_contactable=len((found.existing - found.contactable) - found.enrolled_already),
            missing=len(ids) - len(found.existing),
            with_problems=len(found.chosen) - len(chosen),
        )
        if new_ids:
            tx.audit(
                "sequence.enroll",
                "campaign",
                campaign_id,
                after={
                    "candidates": chosen,
                    "job_id": watched_job,
                    "skipped": report.skipped,
                    "with_problems": report.with_problems,
                },
            )
            tx.changed(ChangeKind.ENROLLMENTS, *new_ids)
            tx.changed(ChangeKind.CAMPAIGNS, campaign_id)
            tx.changed(ChangeKind.CANDIDATES, *chosen)
        return outcome(report, tx)
