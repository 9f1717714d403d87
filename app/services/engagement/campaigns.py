"""Sending: one-off emails from a profile, bulk sends to a selection, and campaign control.

A send is planned first: recipients are picked through the one opt-out rule
(`app.services.engagement.optout`), and every recipient's email is rendered, so that an unknown or
missing merge field, a missing subject or text, or one that merges to nothing for someone,
blocks the send with a clear list *before* anything is queued. Sending
re-plans inside its own transaction and writes the campaign and all its outbox rows together:
either every message is queued or none is. The dispatcher then sends what is due, leaving alone
the messages of paused or stopped campaigns (`engagement.outbox.sendable_condition`).

A one-off or edited body is never saved as a template, yet it is held to a saved template's
caps and nesting bounds: `check_template` refuses an oversized subject or body before anything
is rendered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.mail.render import (
    MissingFieldsError,
    RenderedEmail,
    TemplateError,
    TemplateSource,
    check_template,
    render_email,
)
from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import person_name
from app.services.core.scope import require_all
from app.services.core.text_rules import clean, fit
from app.services.core.unit_of_work import Actor, NotFoundError, Transaction, ValidationError
from app.services.engagement.mail_settings import load_account, load_branding
from app.services.engagement.optout import (
    CONSENT_WITHDRAWN,
    DO_NOT_CONTACT,
    NO_EMAIL,
    UNSUBSCRIBED,
    block_reason,
)
from app.services.engagement.outbox import Draft, add_to_outbox
from app.services.engagement.templates import (
    JOB_FIELDS,
    blank_once_merged,
    blank_parts,
    field_label,
    listed,
    merge_values,
    recruiter_name,
    render_for_candidate,
)
from app.store.engagement import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    EnrollmentStatus,
    MessageState,
    OutboxMessage,
    SequenceEnrollment,
)
from app.store.mailbox import MailboxKind, MailboxMessage
from app.store.models import Candidate, CandidateEmail, utc_now

MAX_NAME = 200
MAX_AUDIENCE = 300
MAX_PROBLEMS = 50  # problem lines listed; the rest are summed up in one more line
NOT_CONFIGURED = "The mail account is not set up: add the server and From address in Settings."
CHUNK = 500  # ids per IN (...) query
SCHEDULE_GRACE = dt.timedelta(minutes=5)  # a "scheduled" time this little in the past is now


@dataclass(frozen=True)
class Recipient:
    candidate_id: int
    name: str
    email: str


@dataclass(frozen=True)
class SendPlan:
    """Who would receive a send, who is skipped and why, and what blocks it."""

    recipients: list[Recipient]
    skipped_do_not_contact: int  # do not contact, or consent withdrawn
    skipped_unsubscribed: int
    skipped_no_email: int
    problems: list[str]  # template errors, then "Ana Diaz: “Job: title” has no value" lines
    skipped_missing: int = 0  # ids of candidates deleted since they were selected
    needs_job: tuple[str, ...] = ()  # fields of the job the email uses while no job is chosen

    @property
    def skipped(self) -> int:
        return self.skipped_do_not_contact + self.skipped_unsubscribed + self.skipped_no_email

    @property
    def can_send(self) -> bool:
        return bool(self.recipients) and not self.problems

    def summary(self) -> str:
        """One line for the confirmation: "120 recipients; skipped: 3 do not contact, …"."""
        parts = [
            f"{count} {label}"
            for count, label in (
                (self.skipped_do_not_contact, "do not contact"),
                (self.skipped_unsubscribed, "unsubscribed"),
                (self.skipped_no_email, "without an email address"),
            )
            if count
        ]
        text = f"{len(self.recipients):,} recipient{'s' if len(self.recipients) != 1 else ''}"
        return text + (f"; skipped: {', '.join(parts)}" if parts else "")


class Renderer:
    """Renders templates for candidates with one copy of the account, branding and sender."""

    def __init__(self, session: Session, actor: Actor):
        self.session = session
        self.account = load_account(session)
        self.branding = load_branding(session)
        self.recruiter_name = recruiter_name(session, actor)
        self._shared: dict[int | None, dict[str, Any]] = {}

    def render(
        self, source: TemplateSource, candidate_id: int, job_id: int | None
    ) -> RenderedEmail:
        """The `RenderedEmail`; raises `TemplateError` or `MissingFieldsError`."""
        return render_for_candidate(
            self.session,
            source,
            candidate_id,
            job_id,
            self.account,
            self.branding,
            self.recruiter_name,
        )

    def shared(self, row: Any, job_id: int | None) -> dict[str, Any]:
        """The merge values every recipient shares (job, client, recruiter, agency…)."""
        shared = self._shared.get(job_id)
        if shared is None:
            shared = merge_values(
                self.session, row.id, job_id, self.account, self.branding, self.recruiter_name
            )
            self._shared[job_id] = shared
        return shared

    def context(self, row: Any, job_id: int | None) -> tuple[Any, ...]:
        """Everything besides the recipient's row that an email depends on, comparable."""
        shared = {k: v for k, v in self.shared(row, job_id).items() if k != "candidate"}
        return (self.account, self.branding, shared)

    def render_row(self, source: TemplateSource, row: Any, job_id: int | None) -> RenderedEmail:
        """As `render`, for a row of `recipient_rows`, without a query per recipient.

        The job, client, recruiter and agency values are the same for every recipient: they
        come from `merge_values` once (for this row's candidate), and only the candidate's own
        values are filled from the row — the same values `merge_values` gives (a test holds
        the two together). This is what keeps a 10,000-recipient send quick.
        """
        return render_email(source, self.values(row, job_id), self.branding)

    def values(self, row: Any, job_id: int | None) -> dict[str, Any]:
        """The merge values for a row of `recipient_rows`."""
        values = dict(self.shared(row, job_id))
        values["candidate"] = candidate_values(row)
        return values

    def problems(
        self, source: TemplateSource, row: Any, job_id: int | None
    ) -> tuple[RenderedEmail | None, list[str], list[str]]:
        """The email for ``row``, or None with what stops it: (email, problems, fields of
        the job it lacks while there is no job — a problem of the send, not the person's)."""
        try:
            email = self.render_row(source, row, job_id)
        except MissingFieldsError as error:
            fields = list(error.fields)
            no_job = [f for f in fields if f in JOB_FIELDS] if job_id is None else []
            lines = [f"{field_label(f)} has no value" for f in fields if f not in no_job]
            return None, lines, no_job
        except TemplateError as error:  # e.g. a subject too long once merged
            return None, list(error.problems or [str(error)]), []
        blank = blank_once_merged(source, self.values(row, job_id), self.branding, email)
        return (None if blank else email), blank, []


def candidate_values(row: Any) -> dict[str, Any]:
    """The "candidate" merge values from a `recipient_rows` row."""
    return {
        "first_name": row.first_name,
        "last_name": row.last_name,
        "full_name": person_name(row),
        "current_title": row.current_title,
        "email": row.email,
    }


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _unique(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(int(i) for i in ids))


def recipient_rows(session: Session, ids: Sequence[int]) -> dict[int, Any]:
    """Per candidate: name parts, opt-out columns and first email address (by position)."""
    c, e = Candidate.__table__.c, CandidateEmail.__table__.c
    first_email = (
        select(e.email)
        .where(e.candidate_id == c.id)
        .order_by(e.position, e.id)
        .limit(1)
        .scalar_subquery()
    )
    found: dict[int, Any] = {}
    for chunk in _chunks(ids):
        rows = session.execute(
            select(
                c.id,
                c.first_name,
                c.middle_name,
                c.last_name,
                c.current_title,
                c.do_not_contact,
                c.unsubscribed_at,
                c.consent,
                first_email.label("email"),
            ).where(c.id.in_(chunk))
        ).all()
        found.update((row.id, row) for row in rows)
    return found


@dataclass
class _Planned:
    plan: SendPlan
    rendered: dict[int, RenderedEmail] = field(default_factory=dict)
    rows: dict[int, Any] = field(default_factory=dict)  # what each email was rendered from
    context: Any = None  # the account, branding and shared merge values used


def _plan(
    session: Session,
    actor: Actor,
    candidate_ids: Iterable[int],
    template: TemplateSource,
    job_id: int | None,
    previous: _Planned | None = None,
) -> _Planned:
    """Plan a send. With ``previous`` (a plan made moments ago), an email is reused when its
    recipient's row and the shared values are unchanged, so planning again is cheap."""
    ids = _unique(candidate_ids)
    rows = recipient_rows(session, ids)
    recipients: list[Recipient] = []
    skipped = {DO_NOT_CONTACT: 0, UNSUBSCRIBED: 0, NO_EMAIL: 0}
    for candidate_id in ids:
        row = rows.get(candidate_id)
        if row is None:
            continue
        reason = block_reason(row.do_not_contact, row.unsubscribed_at, row.consent, row.email)
        if reason is None:
            recipients.append(Recipient(candidate_id, person_name(row), row.email))
        else:
            skipped[DO_NOT_CONTACT if reason == CONSENT_WITHDRAWN else reason] += 1
    problems = list(blank_parts(template).values()) + check_template(template)
    renderer = Renderer(session, actor)
    context = renderer.context(rows[recipients[0].candidate_id], job_id) if recipients else None
    reusable = previous is not None and previous.context == context
    rendered: dict[int, RenderedEmail] = {}
    personal: list[str] = []
    needs_job: dict[str, None] = {}
    failing = 0
    if not problems:  # the template is sound: what is left depends on each recipient's values
        for recipient in recipients:
            row = rows[recipient.candidate_id]
            if reusable and previous is not None and previous.rows.get(row.id) == row:
                email = previous.rendered.get(row.id)
                if email is not None:
                    rendered[row.id] = email
                    continue
            email, lines, no_job = renderer.problems(template, row, job_id)
            needs_job.update(dict.fromkeys(no_job))
            if email is not None:
                rendered[row.id] = email
                continue
            if not lines:
                continue  # only the job is missing: said once for everybody
            failing += 1
            if failing <= MAX_PROBLEMS:
                personal.extend(f"{recipient.name}: {line}" for line in lines)
        if failing > MAX_PROBLEMS:
            more = failing - MAX_PROBLEMS
            personal.append(
                f"… and {more:,} more recipient{'s' if more != 1 else ''} with problems"
            )
    if needs_job:
        names = listed([field_label(f) for f in needs_job])
        problems.append(f"The email uses {names}, but no job is chosen: choose a job above.")
    problems.extend(personal)
    if not renderer.account.configured:
        problems.append(NOT_CONFIGURED)
    plan = SendPlan(
        recipients=recipients,
        skipped_do_not_contact=skipped[DO_NOT_CONTACT],
        skipped_unsubscribed=skipped[UNSUBSCRIBED],
        skipped_no_email=skipped[NO_EMAIL],
        problems=problems,
        skipped_missing=len(ids) - len(rows),
        needs_job=tuple(needs_job),
    )
    if problems:
        return _Planned(plan)
    return _Planned(plan, rendered, rows, context)


def plan_send(
    ctx: ServiceContext,
    candidate_ids: Iterable[int],
    template: TemplateSource,
    job_id: int | None = None,
) -> SendPlan:
    """What sending ``template`` to ``candidate_ids`` would do, without queuing anything: the
    recipients, the skip counts and every problem that blocks the send."""
    with ctx.read() as session:
        return _plan(session, ctx.actor, candidate_ids, template, job_id).plan


def _check_schedule(errors: dict[str, str], scheduled_at: dt.datetime | None) -> None:
    if scheduled_at is None:
        return
    if scheduled_at.tzinfo is None:
        errors["scheduled_at"] = "Give the time with its time zone."
    elif scheduled_at < utc_now() - SCHEDULE_GRACE:
        errors["scheduled_at"] = "That time has passed: choose a later one, or send now."


def _refuse(plan: SendPlan) -> None:
    """Raise the `ValidationError` that tells why ``plan`` cannot be sent."""
    if plan.problems:
        raise ValidationError({"template": "\n".join(plan.problems)})
    if not plan.recipients:
        raise ValidationError({"recipients": f"No one to send to ({plan.summary()})."})


def send_to_candidates(
    ctx: ServiceContext,
    candidate_ids: Iterable[int],
    template: TemplateSource,
    *,
    name: str,
    template_id: int | None = None,
    job_id: int | None = None,
    audience: str | None = None,
    scheduled_at: dt.datetime | None = None,
    kind: CampaignKind | str = CampaignKind.BULK,
) -> Outcome[int]:
    """Queue ``template`` for every contactable candidate; the value is the campaign's id.

    One transaction: the plan is made again (the selection may have changed since the
    preview), and if anything blocks it a `ValidationError` lists the problems and nothing is
    written. Otherwise the campaign row, every outbox row and the audit entry are committed
    together. A scheduled send's messages are due at ``scheduled_at``, so they go out when the
    dispatcher next runs after it, even if the app was closed at that time.
    """
    kind = CampaignKind(kind)
    if kind is CampaignKind.SEQUENCE:
        raise ValueError(
            "Sequences are created with app.services.engagement.sequences.create_sequence."
        )
    errors: dict[str, str] = {}
    title = clean(name) or ""
    if not title:
        errors["name"] = "Name the campaign."
    elif len(title) > MAX_NAME:
        errors["name"] = f"At most {MAX_NAME} characters."
    where = fit(audience, MAX_AUDIENCE)
    _check_schedule(errors, scheduled_at)
    if errors:
        raise ValidationError(errors)
    ids = _unique(candidate_ids)
    # Render outside the write transaction (seconds for 10,000 people), then plan again inside
    # it, after taking the write lock, reusing every email whose inputs did not change.
    with ctx.read() as session:
        first = _plan(session, ctx.actor, ids, template, job_id)
    _refuse(first.plan)
    with ctx.write() as tx:
        campaign = Campaign(
            name=title,
            kind=kind,
            status=CampaignStatus.ACTIVE,
            template_id=template_id,
            job_id=job_id,
            audience=where,
            scheduled_at=scheduled_at,
            created_by_id=tx.actor.user_id,
        )
        tx.session.add(campaign)
        tx.session.flush()  # the write lock: nothing can change under the second plan now
        planned = _plan(tx.session, ctx.actor, ids, template, job_id, previous=first)
        plan = planned.plan
        _refuse(plan)
        drafts = [
            Draft(
                to_address=r.email,
                to_name=r.name,
                subject=planned.rendered[r.candidate_id].subject,
                body_text=planned.rendered[r.candidate_id].text,
                body_html=planned.rendered[r.candidate_id].html,
                candidate_id=r.candidate_id,
                campaign_id=campaign.id,
            )
            for r in plan.recipients
        ]
        account = load_account(tx.session)
        message_ids = add_to_outbox(
            tx.session,
            drafts,
            domain=account.sender_domain,
            not_before=scheduled_at,
            created_by_id=tx.actor.user_id,
        )
        tx.audit(
            "campaign.send",
            "campaign",
            campaign.id,
            after={
                "name": title,
                "kind": kind,
                "template_id": template_id,
                "job_id": job_id,
                "audience": where,
                "scheduled_at": scheduled_at,
                "queued": len(message_ids),
                "skipped": {
                    "do_not_contact": plan.skipped_do_not_contact,
                    "unsubscribed": plan.skipped_unsubscribed,
                    "no_email": plan.skipped_no_email,
                    "missing": plan.skipped_missing,
                },
            },
        )
        tx.changed(ChangeKind.CAMPAIGNS, campaign.id)
        tx.changed(ChangeKind.OUTBOX, *message_ids)
        return outcome(campaign.id, tx)


def send_one(
    ctx: ServiceContext,
    candidate_id: int,
    template: TemplateSource,
    job_id: int | None = None,
    scheduled_at: dt.datetime | None = None,
    template_id: int | None = None,
) -> Outcome[int]:
    """The one-off email from a candidate's profile; the value is the outbox message's id.

    Refused with a clear message when the candidate may not be emailed (do not contact,
    withdrawn consent, unsubscribed, no address) or the email cannot be rendered.
    """
    with ctx.read() as session:
        row = recipient_rows(session, [candidate_id]).get(candidate_id)
        if row is None:
            raise NotFoundError(f"Candidate #{candidate_id} no longer exists.")
        person = person_name(row)
        reason = block_reason(row.do_not_contact, row.unsubscribed_at, row.consent, row.email)
        if reason is not None:
            raise ValidationError({"candidate": f"{person} cannot be emailed: {reason}."})
        planned = _plan(session, ctx.actor, [candidate_id], template, job_id)
    _refuse(planned.plan)
    subject = planned.rendered[candidate_id].subject
    result = send_to_candidates(
        ctx,
        [candidate_id],
        template,
        name=fit(f"Email to {person}: {subject}", MAX_NAME) or "Email",
        template_id=template_id,
        job_id=job_id,
        audience=person,
        scheduled_at=scheduled_at,
        kind=CampaignKind.ONE_OFF,
    )
    with ctx.read() as session:
        message_id = session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.campaign_id == result.value)
        ).one()
    return Outcome(message_id, result.changes)


@dataclass(frozen=True)
class CampaignRow:
    id: int
    name: str
    kind: CampaignKind
    status: CampaignStatus
    audience: str | None
    created_at: dt.datetime
    counts: dict[str, int]  # outbox messages by state ("queued", "sent", …)
    total: int
    scheduled_at: dt.datetime | None = None
    enrollments: dict[str, int] = field(default_factory=dict)  # sequences: by status
    replies: int = 0  # people who answered (read from the mailbox; automatic replies not counted)

    @property
    def reply_rate(self) -> float | None:
        """Replies per message sent, 0-1; None before anything was sent."""
        sent = self.counts.get("sent", 0)
        return self.replies / sent if sent else None

    @property
    def pending(self) -> int:
        """Messages not settled yet (queued, being sent, or unknown after a crash)."""
        return sum(self.counts.get(s, 0) for s in ("queued", "sending", "unknown"))

    @property
    def display_status(self) -> str:
        """An active one-off or bulk campaign with nothing left to send reads "finished"."""
        if (
            self.status is CampaignStatus.ACTIVE
            and self.kind is not CampaignKind.SEQUENCE
            and self.total
            and not self.pending
        ):
            return str(CampaignStatus.FINISHED)
        return str(self.status)


def list_campaigns(ctx: ServiceContext) -> list[CampaignRow]:
    """Every campaign, newest first, with its messages counted by state."""
    require_all(ctx)
    c, o = Campaign.__table__.c, OutboxMessage.__table__.c
    e = SequenceEnrollment.__table__.c
    with ctx.read() as session:
        campaigns = session.execute(
            select(
                c.id, c.name, c.kind, c.status, c.audience, c.created_at, c.scheduled_at
            ).order_by(c.created_at.desc(), c.id.desc())
        ).all()
        counts: dict[int, dict[str, int]] = {}
        for campaign_id, state, number in session.execute(
            select(o.campaign_id, o.state, func.count())
            .where(o.campaign_id.is_not(None))
            .group_by(o.campaign_id, o.state)
        ):
            counts.setdefault(campaign_id, {})[str(state)] = number
        enrolled: dict[int, dict[str, int]] = {}
        for campaign_id, status, number in session.execute(
            select(e.campaign_id, e.status, func.count()).group_by(e.campaign_id, e.status)
        ):
            enrolled.setdefault(campaign_id, {})[str(status)] = number
        m = MailboxMessage.__table__.c
        replies: dict[int, int] = {
            campaign_id: number
            for campaign_id, number in session.execute(
                select(m.campaign_id, func.count(m.candidate_id.distinct()))
                .where(m.campaign_id.is_not(None), m.kind == MailboxKind.REPLY)
                .group_by(m.campaign_id)
            )
        }
    return [
        CampaignRow(
            id=row.id,
            name=row.name,
            kind=CampaignKind(row.kind),
            status=CampaignStatus(row.status),
            audience=row.audience,
            created_at=row.created_at,
            counts=counts.get(row.id, {}),
            total=sum(counts.get(row.id, {}).values()),
            scheduled_at=row.scheduled_at,
            enrollments=enrolled.get(row.id, {}),
            replies=replies.get(row.id, 0),
        )
        for row in campaigns
    ]


def _campaign(tx: Transaction, campaign_id: int) -> Campaign:
    campaign = tx.session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFoundError(f"Campaign #{campaign_id} no longer exists.")
    return campaign


def _set_status(
    ctx: ServiceContext,
    campaign_id: int,
    allowed: tuple[CampaignStatus, ...],
    target: CampaignStatus,
    action: str,
) -> Outcome[CampaignStatus]:
    with ctx.write() as tx:
        campaign = _campaign(tx, campaign_id)
        before = CampaignStatus(campaign.status)
        if before is target:
            return outcome(before, tx)
        if before not in allowed:
            raise ValidationError({"status": f"A {before} campaign cannot be {target}."})
        campaign.status = target
        after: dict[str, Any] = {"status": target}
        if target is CampaignStatus.STOPPED:
            after |= _stop_everything(tx, campaign_id)
        tx.audit(action, "campaign", campaign_id, before={"status": before}, after=after)
        tx.changed(ChangeKind.CAMPAIGNS, campaign_id)
        return outcome(target, tx)


def _stop_everything(tx: Transaction, campaign_id: int) -> dict[str, Any]:
    """Cancel the campaign's queued messages and stop its running enrolments. Messages in
    'unknown' stay for the user to decide; one being sent settles on its own."""
    o, e = OutboxMessage.__table__.c, SequenceEnrollment.__table__.c
    queued = list(
        tx.session.scalars(
            select(o.id).where(o.campaign_id == campaign_id, o.state == MessageState.QUEUED)
        )
    )
    if queued:
        tx.session.execute(
            update(OutboxMessage.__table__)
            .where(o.id.in_(queued), o.state == MessageState.QUEUED)
            .values(state=MessageState.CANCELLED, last_error="Cancelled: the campaign stopped.")
        )
        tx.changed(ChangeKind.OUTBOX, *queued)
    stopped = list(
        tx.session.scalars(
            select(e.id).where(e.campaign_id == campaign_id, e.status == EnrollmentStatus.ACTIVE)
        )
    )
    if stopped:
        tx.session.execute(
            update(SequenceEnrollment.__table__)
            .where(e.id.in_(stopped), e.status == EnrollmentStatus.ACTIVE)
            .values(
                status=EnrollmentStatus.STOPPED,
                stop_reason="campaign stopped",
                stopped_at=utc_now(),
                next_due_at=None,
            )
        )
        tx.changed(ChangeKind.ENROLLMENTS, *stopped)
    return {"cancelled_messages": len(queued), "stopped_enrollments": len(stopped)}


def pause_campaign(ctx: ServiceContext, campaign_id: int) -> Outcome[CampaignStatus]:
    """Hold the campaign: its queued messages wait and its sequence steps are not queued."""
    return _set_status(
        ctx, campaign_id, (CampaignStatus.ACTIVE,), CampaignStatus.PAUSED, "campaign.pause"
    )


def resume_campaign(ctx: ServiceContext, campaign_id: int) -> Outcome[CampaignStatus]:
    """Carry on: waiting messages go out and overdue steps are queued on the next pass."""
    return _set_status(
        ctx, campaign_id, (CampaignStatus.PAUSED,), CampaignStatus.ACTIVE, "campaign.resume"
    )


def stop_campaign(ctx: ServiceContext, campaign_id: int) -> Outcome[CampaignStatus]:
    """End the campaign for good: queued messages are cancelled, enrolments stopped."""
    return _set_status(
        ctx,
        campaign_id,
        (CampaignStatus.ACTIVE, CampaignStatus.PAUSED, CampaignStatus.FINISHED),
        CampaignStatus.STOPPED,
        "campaign.stop",
    )
