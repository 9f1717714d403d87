"""Submittals read back (a candidate's, a job's board marks, the dialog's choices) and the
client's answers recorded: status and feedback, undoable, each on the candidate's timeline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from app.services.candidates.submittals import MAX_FEEDBACK, STATUS_WORDS, timeline_entry
from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import person_name
from app.services.core.text_rules import clean_text
from app.services.core.unit_of_work import (
    NotFoundError,
    Transaction,
    ValidationError,
    columns_of,
)
from app.services.pipeline.contacts import ContactRow, contact_choices, people_of
from app.store.models import Activity, Candidate, Client, Job, utc_now
from app.store.submittals import Submittal, SubmittalStatus


# ---- reading --------------------------------------------------------------------------------
@dataclass(frozen=True)
class SubmittalRow:
    id: int
    candidate_id: int
    candidate_name: str
    job_id: int
    job_title: str
    client_name: str
    contact_name: str
    contact_email: str
    submitted_at: dt.datetime
    status: SubmittalStatus
    feedback: str | None
    blind: bool
    with_resume: bool
    version: int

    @property
    def status_text(self) -> str:
        return STATUS_WORDS[self.status]


def _rows(ctx: ServiceContext, *conditions: object) -> list[SubmittalRow]:
    s = Submittal
    query = (
        select(s, Candidate.first_name, Candidate.middle_name, Candidate.last_name, Job.title)
        .join(Candidate, Candidate.id == s.candidate_id)
        .join(Job, Job.id == s.job_id)
        .add_columns(Client.name)
        .join(Client, Client.id == Job.client_id)
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(s.submitted_at.desc(), s.id.desc())
    )
    with ctx.read() as session:
        return [
            SubmittalRow(
                id=row.id,
                candidate_id=row.candidate_id,
                candidate_name=person_name(first, middle, last),
                job_id=row.job_id,
                job_title=title,
                client_name=client,
                contact_name=row.contact_name,
                contact_email=row.contact_email,
                submitted_at=row.submitted_at,
                status=row.status,
                feedback=row.feedback,
                blind=row.blind,
                with_resume=row.with_resume,
                version=row.version,
            )
            for row, first, middle, last, title, client in session.execute(query)
        ]


def candidate_submittals(ctx: ServiceContext, candidate_id: int) -> list[SubmittalRow]:
    """The candidate's submittals, newest first (the profile's list)."""
    return _rows(ctx, Submittal.candidate_id == candidate_id)


def job_submittals(ctx: ServiceContext, job_id: int) -> list[SubmittalRow]:
    return _rows(ctx, Submittal.job_id == job_id)


def submittal_marks(ctx: ServiceContext, job_id: int) -> dict[int, SubmittalStatus]:
    """Each submitted candidate's latest status on this job (the board's card marks)."""
    latest = (
        select(Submittal.candidate_id, func.max(Submittal.id).label("last"))
        .where(Submittal.job_id == job_id)
        .group_by(Submittal.candidate_id)
        .subquery()
    )
    query = select(Submittal.candidate_id, Submittal.status).join(
        latest, latest.c.last == Submittal.id
    )
    with ctx.read() as session:
        return {cid: SubmittalStatus(status) for cid, status in session.execute(query)}


@dataclass(frozen=True)
class SubmitChoices:
    """What the Submit to client dialog offers for a job."""

    job_id: int
    job_title: str
    client_name: str
    contacts: tuple[ContactRow, ...]  # current contacts with an email address
    suggested_contact_id: int | None  # the hiring manager, when they can be emailed
    candidate_names: dict[int, str]


def submit_choices(
    ctx: ServiceContext, job_id: int, candidate_ids: tuple[int, ...]
) -> SubmitChoices:
    with ctx.read() as session:
        job = session.get(Job, job_id)
        if job is None:
            raise NotFoundError(f"Job #{job_id} no longer exists.")
        client = session.get(Client, job.client_id)
        manager = people_of(session, job).hiring_manager_id
        names = {
            c.id: person_name(c)
            for c in session.scalars(select(Candidate).where(Candidate.id.in_(candidate_ids)))
        }
        title, client_id = job.title, job.client_id
    contacts = tuple(c for c in contact_choices(ctx, client_id) if c.emails and not c.archived)
    suggested = manager if any(c.id == manager for c in contacts) else None
    if suggested is None:
        suggested = next((c.id for c in contacts if c.is_hiring_manager), None)
    return SubmitChoices(
        job_id,
        title,
        client.name if client else "",
        contacts,
        suggested,
        {cid: names[cid] for cid in candidate_ids if cid in names},
    )


# ---- the client's answers -------------------------------------------------------------------
@dataclass(frozen=True)
class SubmittalState:
    status: SubmittalStatus
    feedback: str | None


@dataclass(frozen=True)
class SubmittalUpdate:
    """One recorded answer, with what it replaced: enough to undo and redo it."""

    submittal_id: int
    candidate_name: str
    before: SubmittalState
    after: SubmittalState
    activity_id: int | None  # its timeline entry (None when undone)


def update_submittal(
    ctx: ServiceContext,
    submittal_id: int,
    status: SubmittalStatus,
    feedback: str | None,
    expected_version: int | None = None,
) -> Outcome[SubmittalUpdate]:
    """Record the client's answer. Refused when ``expected_version`` (what the screen showed)
    is no longer the stored one. An unchanged answer writes nothing (``activity_id`` None)."""
    text = clean_text(feedback)
    if len(text or "") > MAX_FEEDBACK:
        raise ValidationError({"feedback": f"At most {MAX_FEEDBACK:,} characters."})
    after = SubmittalState(SubmittalStatus(status), text)
    with ctx.write() as tx:
        submittal = _submittal(tx, submittal_id)
        if expected_version is not None and submittal.version != expected_version:
            raise ValidationError(
                {"status": "This submittal changed since it was shown; look again."}
            )
        before = SubmittalState(submittal.status, submittal.feedback)
        name = _candidate_name(tx, submittal)
        if before == after:
            return outcome(SubmittalUpdate(submittal_id, name, before, after, None), tx)
        activity_id = _apply(tx, submittal, after, "submittal.update", timeline=True)
        return outcome(SubmittalUpdate(submittal_id, name, before, after, activity_id), tx)


def restore_submittal(
    ctx: ServiceContext, update: SubmittalUpdate, undo: bool
) -> Outcome[SubmittalUpdate]:
    """Undo (or redo) an answer, provided nobody changed the submittal since. Undo takes its
    timeline entry away; redo writes it again."""
    expected, wanted = (update.after, update.before) if undo else (update.before, update.after)
    with ctx.write() as tx:
        submittal = _submittal(tx, update.submittal_id)
        if SubmittalState(submittal.status, submittal.feedback) != expected:
            who = update.candidate_name
            raise ValidationError(
                {"status": f"The submittal of {who} changed since; left as it is."}
            )
        action = f"submittal.update.{'undo' if undo else 'redo'}"
        if undo:
            if update.activity_id is not None:
                tx.session.execute(delete(Activity).where(Activity.id == update.activity_id))
            _apply(tx, submittal, wanted, action, timeline=False)
            return outcome(
                SubmittalUpdate(
                    update.submittal_id, update.candidate_name, update.before, update.after, None
                ),
                tx,
            )
        activity_id = _apply(tx, submittal, wanted, action, timeline=True)
        return outcome(
            SubmittalUpdate(
                update.submittal_id, update.candidate_name, update.before, update.after, activity_id
            ),
            tx,
        )


def _submittal(tx: Transaction, submittal_id: int) -> Submittal:
    submittal = tx.session.get(Submittal, submittal_id)
    if submittal is None:
        raise NotFoundError(f"Submittal #{submittal_id} no longer exists.")
    return submittal


def _candidate_name(tx: Transaction, submittal: Submittal) -> str:
    candidate = tx.session.get(Candidate, submittal.candidate_id)
    return person_name(candidate) if candidate is not None else f"#{submittal.candidate_id}"


def _apply(
    tx: Transaction, submittal: Submittal, state: SubmittalState, action: str, timeline: bool
) -> int | None:
    fields = ("status", "feedback", "status_changed_at", "version")
    before = columns_of(submittal, fields)
    now = utc_now()
    submittal.status, submittal.feedback = state.status, state.feedback
    submittal.status_changed_at = now
    submittal.version += 1
    tx.session.flush()
    tx.audit(action, "submittal", submittal.id, before, columns_of(submittal, fields))
    tx.changed(ChangeKind.SUBMITTALS, submittal.id)
    tx.changed(ChangeKind.CANDIDATES, submittal.candidate_id)
    if not timeline:
        return None
    job = tx.session.get(Job, submittal.job_id)
    title = job.title if job is not None else "the job"
    subject = f"{submittal.contact_name} for {title}: {STATUS_WORDS[state.status]}"
    return timeline_entry(tx, submittal, subject, state.feedback, now).id
