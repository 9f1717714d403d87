"""Drip sequences: ordered steps sent some days after a candidate is enrolled.

Steps are queued by `queue_due_steps`, which the dispatcher calls before each pass (and so
"day 3" goes out when the app next runs, if it was closed on day 3). Before a step is queued
the stop rules are applied — a reply logged since enrolment, an unsubscribe or do-not-contact,
or the watched application's stage changed — and the outbox row and the enrolment's advance
are written in one transaction, guarded by the step number, so a crash or a second caller
never queues a step twice.

What makes a sequence sendable is checked before anyone meets it: its steps when it is saved
(`engagement.sequence_checks`), and every step for each candidate when they are enrolled
(`engagement.enrollment`, re-exported here). The check at the step stays, for what changed
since.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, false, func, insert, select, update

from app.mail.render import MissingFieldsError, RenderedEmail, TemplateError, TemplateSource
from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import person_name
from app.services.core.unit_of_work import NotFoundError, Transaction, ValidationError
from app.services.engagement.campaigns import (
    MAX_NAME,
    Renderer,
    candidate_values,
    recipient_rows,
)
from app.services.engagement.enrollment import EnrollPlan as EnrollPlan
from app.services.engagement.enrollment import EnrollReport as EnrollReport
from app.services.engagement.enrollment import enroll as enroll
from app.services.engagement.enrollment import plan_enrollment as plan_enrollment
from app.services.engagement.optout import (
    REPLIED,
    STOP_REASON_LENGTH,
    block_reason,
    cancel_blocked_messages,
    stop_enrollment_ids,
)
from app.services.engagement.outbox import Draft, add_to_outbox
from app.services.engagement.sequence_checks import MAX_DELAY_DAYS as MAX_DELAY_DAYS
from app.services.engagement.sequence_checks import MAX_STEPS as MAX_STEPS
from app.services.engagement.sequence_checks import (
    check_steps,
    template_source,
)
from app.services.engagement.templates import (
    SUBJECT_BLANK,
    blank_once_merged,
    blank_parts,
    field_label,
    listed,
)
from app.store.engagement import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    EmailTemplate,
    EnrollmentStatus,
    MessageState,
    OutboxMessage,
    SequenceEnrollment,
    SequenceStep,
)
from app.store.models import (
    Activity,
    ActivityKind,
    Application,
    Candidate,
    Client,
    Job,
    utc_now,
)

BATCH = 200  # due enrolments handled per transaction
STAGE_CHANGED = "stage changed"
APPLICATION_REMOVED = "application removed"
STOPPED_BY_USER = "stopped by user"


@dataclass(frozen=True)
class SequenceStepInput:
    """One step of a sequence: which template, sent how many days after enrolment."""

    template_id: int
    delay_days: int


def _write_steps(tx: Transaction, campaign_id: int, steps: Sequence[SequenceStepInput]) -> None:
    tx.session.execute(
        insert(SequenceStep.__table__),
        [
            {
                "campaign_id": campaign_id,
                "position": position,
                "delay_days": step.delay_days,
                "template_id": step.template_id,
            }
            for position, step in enumerate(steps)
        ],
    )


def _steps_snapshot(steps: Sequence[SequenceStepInput]) -> list[dict[str, int]]:
    return [{"template_id": s.template_id, "delay_days": s.delay_days} for s in steps]


def create_sequence(
    ctx: ServiceContext, name: str, steps: Sequence[SequenceStepInput], job_id: int | None = None
) -> Outcome[int]:
    """A new, active sequence campaign with its steps; the value is the campaign's id."""
    title = " ".join((name or "").split())
    steps = list(steps)
    with ctx.write() as tx:
        errors: dict[str, str] = {}
        if job_id is not None and tx.session.get(Job, job_id) is None:
            errors["job_id"] = "That job no longer exists."
        else:
            renderer = Renderer(tx.session, ctx.actor)
            errors = check_steps(tx.session, steps, renderer, job_id=job_id)
        if not title:
            errors["name"] = "Name the sequence."
        elif len(title) > MAX_NAME:
            errors["name"] = f"At most {MAX_NAME} characters."
        if errors:
            raise ValidationError(errors)
        campaign = Campaign(
            name=title,
            kind=CampaignKind.SEQUENCE,
            status=CampaignStatus.ACTIVE,
            template_id=steps[0].template_id,
            job_id=job_id,
            created_by_id=tx.actor.user_id,
        )
        tx.session.add(campaign)
        tx.session.flush()
        _write_steps(tx, campaign.id, steps)
        tx.audit(
            "sequence.create",
            "campaign",
            campaign.id,
            after={"name": title, "job_id": job_id, "steps": _steps_snapshot(steps)},
        )
        tx.changed(ChangeKind.CAMPAIGNS, campaign.id)
        return outcome(campaign.id, tx)


def _sequence(tx: Transaction, campaign_id: int) -> Campaign:
    campaign = tx.session.get(Campaign, campaign_id)
    if campaign is None or campaign.kind is not CampaignKind.SEQUENCE:
        raise NotFoundError(f"Sequence #{campaign_id} no longer exists.")
    return campaign


def update_steps(
    ctx: ServiceContext, campaign_id: int, steps: Sequence[SequenceStepInput]
) -> Outcome[int]:
    """Replace the sequence's steps. Running enrolments continue by position: their next
    step is the new step at that position, due its new delay after their enrolment; those
    already past the last step are finished. The value is the number of steps."""
    steps = list(steps)
    with ctx.write() as tx:
        campaign = _sequence(tx, campaign_id)
        if campaign.status is CampaignStatus.STOPPED:
            raise ValidationError({"status": "A stopped sequence cannot be changed."})
        s = SequenceStep.__table__.c
        in_use = frozenset(
            tx.session.scalars(select(s.template_id).where(s.campaign_id == campaign_id))
        )
        renderer = Renderer(tx.session, ctx.actor)
        errors = check_steps(tx.session, steps, renderer, job_id=campaign.job_id, in_use=in_use)
        errors.pop("job_id", None)  # a sequence's job is set when it is created
        if errors:
            raise ValidationError(errors)
        before = [
            {"template_id": r.template_id, "delay_days": r.delay_days}
            for r in tx.session.execute(
                select(s.template_id, s.delay_days)
                .where(s.campaign_id == campaign_id)
                .order_by(s.position)
            )
        ]
        tx.session.execute(delete(SequenceStep.__table__).where(s.campaign_id == campaign_id))
        _write_steps(tx, campaign_id, steps)
        campaign.template_id = steps[0].template_id
        e = SequenceEnrollment.__table__.c
        active = tx.session.execute(
            select(e.id, e.next_step, e.enrolled_at).where(
                e.campaign_id == campaign_id, e.status == EnrollmentStatus.ACTIVE
            )
        ).all()
        now = utc_now()
        for row in active:
            if row.next_step < len(steps):
                values: dict[str, Any] = {
                    "next_due_at": row.enrolled_at
                    + dt.timedelta(days=steps[row.next_step].delay_days)
                }
            else:
                values = {"status": EnrollmentStatus.FINISHED, "next_due_at": None}
                values["stopped_at"] = now
            tx.session.execute(
                update(SequenceEnrollment.__table__).where(e.id == row.id).values(**values)
            )
        if active:
            tx.changed(ChangeKind.ENROLLMENTS, *(row.id for row in active))
        tx.audit(
            "sequence.steps",
            "campaign",
            campaign_id,
            before={"steps": before},
            after={"steps": _steps_snapshot(steps)},
        )
        tx.changed(ChangeKind.CAMPAIGNS, campaign_id)
        return outcome(len(steps), tx)


@dataclass(frozen=True)
class _Due:
    id: int
    campaign_id: int
    candidate_id: int
    application_id: int | None
    stage_id_at_enrollment: int | None
    enrolled_at: dt.datetime
    next_step: int
    campaign_job_id: int | None


class _StepQueuer:
    """Works through one batch of due enrolments inside one transaction: what the stop rules
    and the emails need is read for the whole batch at once, and the messages are queued in
    one insert."""

    def __init__(self, tx: Transaction, renderer: Renderer, now: dt.datetime):
        self.tx, self.renderer, self.now = tx, renderer, now
        self.session = tx.session
        self.steps: dict[int, list[tuple[int, int]]] = {}  # campaign → [(delay, template)]
        self.sources: dict[int, TemplateSource | None] = {}
        self.queued: dict[int, list[dict[str, int]]] = {}  # campaign → audit lines
        self.stopped: dict[int, list[dict[str, Any]]] = {}
        self.finished: dict[int, list[int]] = {}
        self.people: dict[int, Any] = {}
        self.last_reply: dict[int, dt.datetime] = {}
        self.applications: dict[int, tuple[int, int]] = {}  # id → (stage, job)
        self.advances: list[dict[str, Any]] = []

    def load(self, batch: Sequence[_Due]) -> None:
        candidates = list({due.candidate_id for due in batch})
        self.people = recipient_rows(self.session, candidates)
        act = Activity.__table__.c
        self.last_reply = dict(
            self.session.execute(
                select(act.candidate_id, func.max(act.occurred_at))
                .where(
                    act.candidate_id.in_(candidates),
                    act.kind == ActivityKind.EMAIL,
                    act.direction == "in",
                )
                .group_by(act.candidate_id)
            ).all()
        )
        watched = [due.application_id for due in batch if due.application_id is not None]
        if watched:
            a = Application.__table__.c
            self.applications = {
                row.id: (row.stage_id, row.job_id)
                for row in self.session.execute(
                    select(a.id, a.stage_id, a.job_id).where(a.id.in_(watched))
                )
            }

    def campaign_steps(self, campaign_id: int) -> list[tuple[int, int]]:
        if campaign_id not in self.steps:
            s = SequenceStep.__table__.c
            self.steps[campaign_id] = [
                (row.delay_days, row.template_id)
                for row in self.session.execute(
                    select(s.delay_days, s.template_id)
                    .where(s.campaign_id == campaign_id)
                    .order_by(s.position)
                )
            ]
        return self.steps[campaign_id]

    def source(self, template_id: int) -> TemplateSource | None:
        if template_id not in self.sources:
            row = self.session.get(EmailTemplate, template_id)
            self.sources[template_id] = template_source(row) if row is not None else None
        return self.sources[template_id]

    def stop_reason(self, due: _Due) -> str | None:
        """The first stop rule that applies to ``due``, or None to go on."""
        person = self.people.get(due.candidate_id)
        if person is None:
            return "candidate removed"
        blocked = block_reason(
            person.do_not_contact, person.unsubscribed_at, person.consent, person.email
        )
        if blocked is not None:
            return blocked
        replied = self.last_reply.get(due.candidate_id)
        if replied is not None and replied >= due.enrolled_at:
            return REPLIED
        if due.stage_id_at_enrollment is not None:
            application = self.applications.get(due.application_id) if due.application_id else None
            if application is None:
                return APPLICATION_REMOVED
            if application[0] != due.stage_id_at_enrollment:
                return STAGE_CHANGED
        return None

    def stop(self, due: _Due, reason: str, detail: str | None = None) -> None:
        stopped = stop_enrollment_ids(self.tx, [due.id], reason, now=self.now)
        if stopped:
            line: dict[str, Any] = {"enrollment_id": due.id, "reason": reason}
            if detail:
                line["detail"] = detail
            self.stopped.setdefault(due.campaign_id, []).append(line)

    def _advance(self, due: _Due, values: dict[str, Any]) -> bool:
        """Move the enrolment on, only if no one else did since it was read."""
        e = SequenceEnrollment.__table__.c
        result = self.session.execute(
            update(SequenceEnrollment.__table__)
            .where(
                e.id == due.id,
                e.status == EnrollmentStatus.ACTIVE,
                e.next_step == due.next_step,
            )
            .values(**values)
        )
        return result.rowcount == 1

    def _advance_all(self) -> None:
        """Move every enrolment whose step is being queued on, in one statement. The batch's
        transaction took the write lock before reading, so nothing can have moved them
        meanwhile; should the count still differ, the whole batch is rolled back."""
        if not self.advances:
            return
        table = SequenceEnrollment.__table__
        e = table.c
        result = self.session.execute(
            update(table)
            .where(
                e.id == bindparam("b_id"),
                e.next_step == bindparam("b_step"),
                e.status == EnrollmentStatus.ACTIVE,
            )
            .values(
                next_step=bindparam("n_step"),
                next_due_at=bindparam("n_due"),
                status=bindparam("n_status"),
            ),
            self.advances,
        )
        if result.rowcount != len(self.advances):
            raise RuntimeError("Sequence enrolments changed while their steps were queued.")

    def _render(self, due: _Due, source: TemplateSource | None) -> RenderedEmail | None:
        """The step's email, or None after stopping the enrolment for a template problem."""
        job_id = due.campaign_job_id
        if due.application_id in self.applications:
            job_id = self.applications[due.application_id][1]
        try:
            if source is None:
                raise TemplateError(["the template no longer exists"])
            if blank_parts(source):
                raise TemplateError(["no subject or text"])
            row = self.people[due.candidate_id]
            email = self.renderer.render_row(source, row, job_id)
            values = self.renderer.values(row, job_id)
            blank = blank_once_merged(source, values, self.renderer.branding, email)
            if not blank:
                return email
            detail = " and ".join(
                "empty subject" if b == SUBJECT_BLANK else "empty text" for b in blank
            )
        except MissingFieldsError as error:  # said short: the stop reason holds 40 characters
            detail = "no " + listed([field_label(field) for field in error.fields])
        except TemplateError as error:
            detail = "; ".join(error.problems or [str(error)])
        except NotFoundError as error:  # the job went between the read and the render
            detail = str(error)
        self.stop(due, f"template problem: {detail}", detail)
        return None

    def handle(self, due: _Due) -> Draft | None:
        """The draft of the enrolment's next step, with the enrolment advanced; or None when
        it was stopped or finished instead (or another caller got there first)."""
        steps = self.campaign_steps(due.campaign_id)
        if due.next_step >= len(steps):  # steps were removed since
            if self._advance(due, {"status": EnrollmentStatus.FINISHED, "next_due_at": None}):
                self.finished.setdefault(due.campaign_id, []).append(due.id)
                self.tx.changed(ChangeKind.ENROLLMENTS, due.id)
            return None
        reason = self.stop_reason(due)
        if reason is not None:
            self.stop(due, reason)
            return None
        delay, template_id = steps[due.next_step]
        email = self._render(due, self.source(template_id))
        if email is None:
            return None
        following = due.next_step + 1
        values: dict[str, Any] = {"next_step": following}
        if following < len(steps):
            # On time this is enrolled_at + the next delay; when running late (the app was
            # closed), the gap between the two steps is kept rather than sending both at once.
            gap = dt.timedelta(days=steps[following][0] - delay)
            on_time = due.enrolled_at + dt.timedelta(days=steps[following][0])
            values["next_due_at"] = max(on_time, self.now + gap)
        else:
            values |= {"status": EnrollmentStatus.FINISHED, "next_due_at": None}
        self.advances.append(
            {
                "b_id": due.id,
                "b_step": due.next_step,
                "n_step": following,
                "n_due": values.get("next_due_at"),
                "n_status": values.get("status", EnrollmentStatus.ACTIVE),
            }
        )
        if following >= len(steps):
            self.finished.setdefault(due.campaign_id, []).append(due.id)
        person = self.people[due.candidate_id]
        self.tx.changed(ChangeKind.ENROLLMENTS, due.id)
        return Draft(
            to_address=person.email,
            to_name=candidate_values(person)["full_name"],
            subject=email.subject,
            body_text=email.text,
            body_html=email.html,
            candidate_id=due.candidate_id,
            campaign_id=due.campaign_id,
            enrollment_id=due.id,
            step_position=due.next_step,
        )

    def run(self, batch: Sequence[_Due]) -> int:
        """Handle the batch; the number of messages queued."""
        self.load(batch)
        pairs = [(due, draft) for due in batch if (draft := self.handle(due)) is not None]
        self._advance_all()
        if pairs:
            message_ids = add_to_outbox(
                self.session,
                [draft for _due, draft in pairs],
                domain=self.renderer.account.sender_domain,
                created_by_id=self.tx.actor.user_id,
            )
            for (due, _draft), message_id in zip(pairs, message_ids, strict=True):
                self.queued.setdefault(due.campaign_id, []).append(
                    {"enrollment_id": due.id, "step": due.next_step, "message_id": message_id}
                )
            self.tx.changed(ChangeKind.OUTBOX, *message_ids)
        self.audit()
        return len(pairs)

    def audit(self) -> None:
        for campaign_id in sorted(set(self.queued) | set(self.stopped) | set(self.finished)):
            self.tx.audit(
                "sequence.steps",
                "campaign",
                campaign_id,
                after={
                    "queued": self.queued.get(campaign_id, []),
                    "stopped": self.stopped.get(campaign_id, []),
                    "finished": self.finished.get(campaign_id, []),
                },
            )
            self.tx.changed(ChangeKind.CAMPAIGNS, campaign_id)


def queue_due_steps(ctx: ServiceContext, now: dt.datetime | None = None) -> int:
    """Queue every sequence step due by ``now``; the value is the number of messages queued.

    The dispatcher calls this before each pass. Each due enrolment is looked at once per
    call: the stop rules first (stopped with the reason), then its step is rendered and
    queued and the enrolment advanced — in one transaction per batch, the advance guarded by
    the step number, so calling it twice (or after a crash) never queues a step twice. A step
    that cannot be rendered stops its enrolment with "template problem: …" instead of being
    retried forever. Paused and stopped sequences are left alone, and nothing is queued while
    the mail account is not set up.

    First, queued messages to people who may no longer be emailed are cancelled
    (`cancel_blocked_messages`), so one call before each pass keeps the outbox honest.
    """
    now = now or utc_now()
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    cancel_blocked_messages(ctx)
    e, c = SequenceEnrollment.__table__.c, Campaign.__table__.c
    total, last_id = 0, 0
    while True:
        with ctx.write() as tx:
            # Take the write lock before reading: a deferred transaction that reads first and
            # writes later fails at once if another connection committed in between.
            tx.session.execute(
                update(SequenceEnrollment.__table__).where(false()).values(next_step=e.next_step)
            )
            renderer = Renderer(tx.session, ctx.actor)
            if not renderer.account.configured:
                return total
            rows = tx.session.execute(
                select(
                    e.id,
                    e.campaign_id,
                    e.candidate_id,
                    e.application_id,
                    e.stage_id_at_enrollment,
                    e.enrolled_at,
                    e.next_step,
                    c.job_id,
                )
                .join(Campaign.__table__, c.id == e.campaign_id)
                .where(
                    e.status == EnrollmentStatus.ACTIVE,
                    e.next_due_at <= now,
                    e.id > last_id,
                    c.status == CampaignStatus.ACTIVE,
                    c.kind == CampaignKind.SEQUENCE,
                )
                .order_by(e.id)
                .limit(BATCH)
            ).all()
            if not rows:
                return total
            total += _StepQueuer(tx, renderer, now).run([_Due(*row) for row in rows])
            last_id = rows[-1].id
        if len(rows) < BATCH:
            return total


def stop_on_stage_change(tx: Transaction, application_ids: Iterable[int]) -> list[int]:
    """Stop, inside the caller's transaction, the running sequences that watch one of
    ``application_ids`` and whose stage is no longer the one at enrolment; for the pipeline's
    move to call so the stop shows at once (`queue_due_steps` applies the same rule anyway
    before any next step). The value is the enrolments stopped."""
    ids = list(application_ids)
    if not ids:
        return []
    e, a = SequenceEnrollment.__table__.c, Application.__table__.c
    moved = list(
        tx.session.scalars(
            select(e.id)
            .join(Application.__table__, a.id == e.application_id)
            .where(
                e.application_id.in_(ids),
                e.status == EnrollmentStatus.ACTIVE,
                e.stage_id_at_enrollment.is_not(None),
                a.stage_id != e.stage_id_at_enrollment,
            )
        )
    )
    return stop_enrollment_ids(tx, moved, STAGE_CHANGED)


def stop_enrollment(
    ctx: ServiceContext, enrollment_id: int, reason: str = STOPPED_BY_USER
) -> Outcome[bool]:
    """Stop one candidate's sequence by hand (and cancel a step it had queued, not sent).
    The value tells whether it was still running."""
    with ctx.write() as tx:
        enrollment = tx.session.get(SequenceEnrollment, enrollment_id)
        if enrollment is None:
            raise NotFoundError(f"Enrolment #{enrollment_id} no longer exists.")
        text = " ".join((reason or "").split()) or STOPPED_BY_USER
        stopped = stop_enrollment_ids(tx, [enrollment_id], text)
        if not stopped:
            return outcome(False, tx)
        tx.audit(
            "sequence.stop_enrollment",
            "campaign",
            enrollment.campaign_id,
            after={
                "enrollment_id": enrollment_id,
                "candidate_id": enrollment.candidate_id,
                "reason": text[:STOP_REASON_LENGTH],
            },
        )
        return outcome(True, tx)


@dataclass(frozen=True)
class StepRow:
    position: int
    delay_days: int
    template_id: int
    template_name: str


@dataclass(frozen=True)
class SequenceInfo:
    """A sequence as its editor and detail view show it."""

    id: int
    name: str
    status: CampaignStatus
    job_id: int | None
    job_title: str | None  # "Title — Client"
    steps: tuple[StepRow, ...]
    enrolled: int  # enrolments still running


def sequence_detail(ctx: ServiceContext, campaign_id: int) -> SequenceInfo:
    """The sequence's name, job, ordered steps and how many people are going through it."""

    s, t = SequenceStep.__table__.c, EmailTemplate.__table__.c
    with ctx.read() as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None or campaign.kind != CampaignKind.SEQUENCE:
            raise NotFoundError(f"Sequence #{campaign_id} no longer exists.")
        job_title = None
        if campaign.job_id is not None:
            found = session.execute(
                select(Job.title, Client.name)
                .join(Client, Client.id == Job.client_id)
                .where(Job.id == campaign.job_id)
            ).first()
            job_title = f"{found[0]} — {found[1]}" if found else None
        steps = tuple(
            StepRow(position, delay, template_id, name)
            for position, delay, template_id, name in session.execute(
                select(s.position, s.delay_days, s.template_id, t.name)
                .join(EmailTemplate.__table__, t.id == s.template_id)
                .where(s.campaign_id == campaign_id)
                .order_by(s.position)
            )
        )
        enrolled = session.scalar(
            select(func.count()).where(
                SequenceEnrollment.campaign_id == campaign_id,
                SequenceEnrollment.status == EnrollmentStatus.ACTIVE,
            )
        )
        return SequenceInfo(
            id=campaign.id,
            name=campaign.name,
            status=campaign.status,
            job_id=campaign.job_id,
            job_title=job_title,
            steps=steps,
            enrolled=enrolled or 0,
        )


@dataclass(frozen=True)
class EnrollmentRow:
    """One candidate in a sequence, as the Campaigns view lists them."""

    id: int
    candidate_id: int
    candidate_name: str
    next_step: int  # position of the next step (= steps already queued)
    steps: int
    status: EnrollmentStatus
    stop_reason: str | None
    enrolled_at: dt.datetime
    next_due_at: dt.datetime | None
    stopped_at: dt.datetime | None
    sent: int  # this enrolment's messages that went out

    @property
    def progress(self) -> str:
        """ "Step 2 of 3", "Finished" or "Stopped: replied"."""
        if self.status is EnrollmentStatus.STOPPED:
            return f"Stopped: {self.stop_reason or 'stopped'}"
        if self.status is EnrollmentStatus.FINISHED:
            return "Finished"
        return f"Step {min(self.next_step + 1, self.steps)} of {self.steps}"


def enrollment_rows(ctx: ServiceContext, campaign_id: int) -> list[EnrollmentRow]:
    """The sequence's enrolments, newest first."""
    e, c = SequenceEnrollment.__table__.c, Candidate.__table__.c
    s = SequenceStep.__table__.c
    o = OutboxMessage.__table__.c
    sent = (
        select(func.count())
        .where(o.enrollment_id == e.id, o.state == MessageState.SENT)
        .scalar_subquery()
    )
    with ctx.read() as session:
        if session.get(Campaign, campaign_id) is None:
            raise NotFoundError(f"Sequence #{campaign_id} no longer exists.")
        steps = session.scalar(select(func.count()).where(s.campaign_id == campaign_id)) or 0
        rows = session.execute(
            select(
                e.id,
                e.candidate_id,
                c.first_name,
                c.middle_name,
                c.last_name,
                e.next_step,
                e.status,
                e.stop_reason,
                e.enrolled_at,
                e.next_due_at,
                e.stopped_at,
                sent.label("sent"),
            )
            .join(Candidate.__table__, c.id == e.candidate_id)
            .where(e.campaign_id == campaign_id)
            .order_by(e.enrolled_at.desc(), e.id.desc())
        ).all()
    return [
        EnrollmentRow(
            id=row.id,
            candidate_id=row.candidate_id,
            candidate_name=person_name(row[2], row[3], row[4]),
            next_step=row.next_step,
            steps=steps,
            status=EnrollmentStatus(row.status),
            stop_reason=row.stop_reason,
            enrolled_at=row.enrolled_at,
            next_due_at=row.next_due_at,
            stopped_at=row.stopped_at,
            sent=row.sent,
        )
        for row in rows
    ]
