"""Tasks: the follow-ups a recruiter owes on a candidate, a job or a client, by a day and,
when it matters, an hour.

Each write is one audited transaction returning what it changed ("tasks", and "candidates"
when a candidate's timeline gained or lost an entry). Due days and times are the recruiter's
local calendar (see `app.store.models.Task`); the functions that depend on the moment take
``now`` so that the window's timer, the command line and the tests agree on what is due.
No Qt here: the CLI can use all of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import person_name
from app.services.core.scope import require_all
from app.services.core.text_rules import clean, clean_text
from app.services.core.unit_of_work import (
    NotFoundError,
    Transaction,
    ValidationError,
    columns_of,
)
from app.services.core.validation import check_length, check_required
from app.store.models import (
    Activity,
    ActivityKind,
    Candidate,
    Client,
    Job,
    JobStatus,
    Task,
    User,
    utc_now,
)

TITLE_LIMIT = 200
NOTE_LIMIT = 5000
DONE_SHOWN = 100  # the Done group lists the latest this many; its count is the whole number
TASK_FIELDS = (
    "title",
    "note",
    "due_on",
    "due_time",
    "owner_id",
    "candidate_id",
    "job_id",
    "client_id",
)
EARLIEST_DUE = dt.date(2000, 1, 1)
LATEST_DUE = dt.date(2099, 12, 31)


def local_now(now: dt.datetime | None = None) -> dt.datetime:
    """``now`` (aware; default the clock) on this computer's wall clock, without a zone."""
    moment = now if now is not None else dt.datetime.now(dt.UTC)
    return moment.astimezone().replace(tzinfo=None)


@dataclass(frozen=True)
class TaskInput:
    """What a recruiter fills in. ``owner_id`` None means the recruiter acting; at most one
    of candidate, job and client is what the task is about."""

    title: str
    due_on: dt.date | None
    due_time: dt.time | None = None
    owner_id: int | None = None
    note: str | None = None
    candidate_id: int | None = None
    job_id: int | None = None
    client_id: int | None = None

    def validate(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        check_required(errors, "title", self.title, "What to do")
        check_length(errors, "title", clean(self.title), TITLE_LIMIT)
        check_length(errors, "note", clean_text(self.note), NOTE_LIMIT)
        if self.due_on is None:
            errors["due_on"] = "Choose the day it is due."
        elif not EARLIEST_DUE <= self.due_on <= LATEST_DUE:
            errors["due_on"] = f"Choose a day between {EARLIEST_DUE.year} and {LATEST_DUE.year}."
        links = [v for v in (self.candidate_id, self.job_id, self.client_id) if v is not None]
        if len(links) > 1:
            errors["about"] = "A task is about one candidate, job or client."
        return errors


@dataclass(frozen=True)
class TaskRow:
    """One task as the lists show it; ``about`` names the candidate, job or client."""

    id: int
    title: str
    note: str | None
    due_on: dt.date
    due_time: dt.time | None
    owner_id: int | None
    owner_name: str | None
    candidate_id: int | None
    job_id: int | None
    client_id: int | None
    about: str | None
    done: bool
    completed_at: dt.datetime | None
    version: int

    @property
    def about_kind(self) -> str | None:
        """What it is about: "candidate", "job", "client", or None (nothing in particular)."""
        if self.candidate_id is not None:
            return "candidate"
        if self.job_id is not None:
            return "job"
        if self.client_id is not None:
            return "client"
        return None


@dataclass(frozen=True)
class TaskGroups:
    """A recruiter's tasks as "My tasks" shows them: open ones by day, and the latest done."""

    overdue: tuple[TaskRow, ...] = ()
    today: tuple[TaskRow, ...] = ()
    upcoming: tuple[TaskRow, ...] = ()
    done: tuple[TaskRow, ...] = ()
    done_total: int = 0
    today_date: dt.date = field(default_factory=dt.date.today)

    @property
    def open_count(self) -> int:
        return len(self.overdue) + len(self.today) + len(self.upcoming)


# ---- reading --------------------------------------------------------------------------------
def _rows_query() -> Any:
    job_client = Client.__table__.alias("job_client")
    job_label = Job.title + " (" + job_client.c.name + ")"
    about = func.coalesce(job_label, Client.name)  # when the task is about no candidate
    return (
        select(
            Task.id,
            Task.title,
            Task.note,
            Task.due_on,
            Task.due_time,
            Task.owner_id,
            User.display_name,
            Task.candidate_id,
            Task.job_id,
            Task.client_id,
            about,
            Task.done,
            Task.completed_at,
            Task.version,
            Candidate.first_name,
            Candidate.middle_name,
            Candidate.last_name,
        )
        .outerjoin(User, User.id == Task.owner_id)
        .outerjoin(Candidate, Candidate.id == Task.candidate_id)
        .outerjoin(Job, Job.id == Task.job_id)
        .outerjoin(job_client, job_client.c.id == Job.client_id)
        .outerjoin(Client, Client.id == Task.client_id)
    )


def _row(values: Any) -> TaskRow:
    about = person_name(values[14], values[15], values[16]) or values[10]
    return TaskRow(*values[:10], about, bool(values[11]), values[12], values[13])


def _order(row: TaskRow) -> tuple[dt.date, bool, dt.time, int]:
    """By day; within a day timed tasks by hour, then those with no hour."""
    return (row.due_on, row.due_time is None, row.due_time or dt.time.min, row.id)


def get_task(ctx: ServiceContext, task_id: int) -> TaskRow:
    with ctx.read() as session:
        values = session.execute(_rows_query().where(Task.id == task_id)).first()
    if values is None:
        raise NotFoundError(f"Task #{task_id} no longer exists (someone deleted it).")
    return _row(values)


def list_tasks(
    ctx: ServiceContext, owner_id: int | None, now: dt.datetime | None = None
) -> TaskGroups:
    """``owner_id``'s tasks (None: everyone's) in Overdue (an earlier day), Today and
    Upcoming, and the `DONE_SHOWN` most recently done with the number done in all."""
    require_all(ctx)
    today = local_now(now).date()
    owner = [Task.owner_id == owner_id] if owner_id is not None else []
    with ctx.read() as session:
        open_rows = sorted(
            (_row(v) for v in session.execute(_rows_query().where(Task.done.is_(False), *owner))),
            key=_order,
        )
        done_rows = [
            _row(v)
            for v in session.execute(
                _rows_query()
                .where(Task.done.is_(True), *owner)
                .order_by(Task.completed_at.desc(), Task.id.desc())
                .limit(DONE_SHOWN)
            )
        ]
        done_total = session.scalar(select(func.count(Task.id)).where(Task.done.is_(True), *owner))
    return TaskGroups(
        overdue=tuple(r for r in open_rows if r.due_on < today),
        today=tuple(r for r in open_rows if r.due_on == today),
        upcoming=tuple(r for r in open_rows if r.due_on > today),
        done=tuple(done_rows),
        done_total=done_total or 0,
        today_date=today,
    )


def tasks_about(
    ctx: ServiceContext,
    *,
    candidate_id: int | None = None,
    job_id: int | None = None,
    client_id: int | None = None,
) -> list[TaskRow]:
    """The open tasks about one candidate, job or client, soonest first (for their pages)."""
    links = {Task.candidate_id: candidate_id, Task.job_id: job_id, Task.client_id: client_id}
    conditions = [column == value for column, value in links.items() if value is not None]
    if len(conditions) != 1:
        raise ValueError("name exactly one candidate, job or client")
    with ctx.read() as session:
        rows = session.execute(_rows_query().where(Task.done.is_(False), *conditions))
        return sorted((_row(v) for v in rows), key=_order)


def _fallen_due(now_local: dt.datetime) -> Any:
    today, clock = now_local.date(), now_local.time()
    return and_(
        Task.done.is_(False),
        or_(
            Task.due_on < today,
            and_(Task.due_on == today, or_(Task.due_time.is_(None), Task.due_time <= clock)),
        ),
    )


def due_now(
    ctx: ServiceContext, owner_id: int | None, now: dt.datetime | None = None
) -> list[TaskRow]:
    """Open tasks that have fallen due by ``now`` (a day's task at the start of its day), for
    ``owner_id`` (None: everyone), announced or not."""
    condition = _fallen_due(local_now(now))
    owner = [Task.owner_id == owner_id] if owner_id is not None else []
    with ctx.read() as session:
        rows = session.execute(_rows_query().where(condition, *owner))
        return sorted((_row(v) for v in rows), key=_order)


def take_due_reminders(
    ctx: ServiceContext, now: dt.datetime | None = None
) -> Outcome[list[TaskRow]]:
    """The acting recruiter's tasks that fell due and were not announced yet, marked as
    announced in the same transaction: each task is announced once, by one window, even with
    two Hirebench windows open, and those that fell due while Hirebench was closed come at
    the next start."""
    condition = and_(
        _fallen_due(local_now(now)),
        Task.owner_id == ctx.actor.user_id,
        Task.reminded_at.is_(None),
    )
    with ctx.read() as session:  # most minutes nothing is due: no write lock for that
        if session.scalar(select(Task.id).where(condition).limit(1)) is None:
            return Outcome([], Changes())
    with ctx.write() as tx:
        rows = sorted(
            (_row(v) for v in tx.session.execute(_rows_query().where(condition))), key=_order
        )
        if not rows:  # another window announced them meanwhile
            return outcome([], tx)
        ids = [row.id for row in rows]
        tx.session.execute(update(Task).where(Task.id.in_(ids)).values(reminded_at=utc_now()))
        tx.audit("task.remind", "task", None, after={"task_ids": ids})
        tx.changed(ChangeKind.TASKS, *ids)
        return outcome(rows, tx)


def link_choices(ctx: ServiceContext, keep: TaskRow | None = None) -> list[tuple[str, int, str]]:
    """What a task can be about, as (kind, id, label): jobs still being worked on, with
    their client, and every client; plus ``keep``'s own link whatever it is."""
    kept_job = keep.job_id if keep is not None else None
    with ctx.read() as session:
        jobs = session.execute(
            select(Job.id, Job.title, Client.name)
            .join(Client, Client.id == Job.client_id)
            .where(
                or_(Job.status.in_((JobStatus.OPEN, JobStatus.ON_HOLD)), Job.id == kept_job)
                if kept_job is not None
                else Job.status.in_((JobStatus.OPEN, JobStatus.ON_HOLD))
            )
            .order_by(func.lower(Job.title), Job.id)
        ).all()
        clients = session.execute(select(Client.id, Client.name).order_by(func.lower(Client.name)))
        choices = [("job", row.id, f"{row.title} ({row.name})") for row in jobs]
        choices += [("client", row.id, row.name) for row in clients]
    if keep is not None and keep.candidate_id is not None and keep.about:
        choices.insert(0, ("candidate", keep.candidate_id, keep.about))
    return choices


# ---- writing --------------------------------------------------------------------------------
def _task(tx: Transaction, task_id: int) -> Task:
    task = tx.session.get(Task, task_id)
    if task is None:
        raise NotFoundError(f"Task #{task_id} no longer exists (someone deleted it).")
    return task


def _check_links(session: Session, data: TaskInput, errors: dict[str, str]) -> None:
    for model, value, what in (
        (Candidate, data.candidate_id, "candidate"),
        (Job, data.job_id, "job"),
        (Client, data.client_id, "client"),
    ):
        if value is not None and session.get(model, value) is None:
            errors["about"] = f"That {what} no longer exists."
    if data.owner_id is not None and session.get(User, data.owner_id) is None:
        errors["owner_id"] = "That recruiter no longer exists."


def _apply(task: Task, data: TaskInput, owner_id: int | None) -> None:
    task.title = clean(data.title) or ""
    task.note = clean_text(data.note)
    task.due_on = data.due_on  # type: ignore[assignment]  # validated
    task.due_time = data.due_time.replace(second=0, microsecond=0) if data.due_time else None
    task.owner_id = owner_id
    task.candidate_id = data.candidate_id
    task.job_id = data.job_id
    task.client_id = data.client_id


def _fields(task: Task, *more: str) -> dict[str, Any]:
    """The task's values for its audit entry (a time of day as "HH:MM")."""
    values = columns_of(task, (*TASK_FIELDS, *more))
    if task.due_time is not None:
        values["due_time"] = task.due_time.strftime("%H:%M")
    return values


def _changed(tx: Transaction, task: Task, *candidate_ids: int | None) -> None:
    tx.changed(ChangeKind.TASKS, task.id)
    for candidate_id in candidate_ids:
        if candidate_id is not None:
            tx.changed(ChangeKind.CANDIDATES, candidate_id)


def create_task(ctx: ServiceContext, data: TaskInput) -> Outcome[int]:
    """A new open task; the value is its id."""
    errors = data.validate()
    if errors:
        raise ValidationError(errors)
    with ctx.write() as tx:
        _check_links(tx.session, data, errors)
        if errors:
            raise ValidationError(errors)
        task = Task(done=False, version=1)
        _apply(task, data, data.owner_id if data.owner_id is not None else ctx.actor.user_id)
        tx.session.add(task)
        tx.session.flush()
        tx.audit("task.create", "task", task.id, after=_fields(task))
        _changed(tx, task, task.candidate_id)
        return outcome(task.id, tx)


def _check_version(task: Task, expected: int | None) -> None:
    if expected is not None and task.version != expected:
        raise ValidationError(
            {"task": "Someone else changed this task meanwhile; look at it again first."}
        )


def edit_task(
    ctx: ServiceContext, task_id: int, data: TaskInput, expected_version: int | None = None
) -> Outcome[int]:
    """Change an open task. A new due day or time makes it announced again when it falls due;
    a change made meanwhile by someone else (``expected_version``) is never overwritten."""
    errors = data.validate()
    if errors:
        raise ValidationError(errors)
    with ctx.write() as tx:
        task = _task(tx, task_id)
        _check_version(task, expected_version)
        if task.done:
            raise ValidationError({"task": "This task is done; reopen it to change it."})
        _check_links(tx.session, data, errors)
        if errors:
            raise ValidationError(errors)
        before = _fields(task)
        old_candidate = task.candidate_id
        _apply(task, data, data.owner_id if data.owner_id is not None else task.owner_id)
        after = _fields(task)
        if after == before:
            return outcome(task.id, tx)
        if (before["due_on"], before["due_time"]) != (after["due_on"], after["due_time"]):
            task.reminded_at = None
        task.version += 1
        changed = {k: v for k, v in after.items() if before[k] != v}
        tx.audit("task.edit", "task", task.id, {k: before[k] for k in changed}, changed)
        _changed(tx, task, old_candidate, task.candidate_id)
        return outcome(task.id, tx)


def complete_task(
    ctx: ServiceContext, task_id: int, expected_version: int | None = None
) -> Outcome[int]:
    """Mark a task done; a candidate's task goes on their timeline in the same transaction."""
    with ctx.write() as tx:
        task = _task(tx, task_id)
        if task.done:
            raise ValidationError({"task": "This task is already done."})
        _check_version(task, expected_version)
        task.done = True
        task.completed_at = utc_now()
        task.version += 1
        if task.candidate_id is not None:
            activity = record_task_done(
                tx, task.candidate_id, task.title, task.note, task.completed_at
            )
            task.activity_id = activity.id
        tx.audit(
            "task.complete",
            "task",
            task.id,
            {"done": False},
            {
                "done": True,
                "completed_at": task.completed_at,
                "candidate_id": task.candidate_id,
                "activity_id": task.activity_id,
            },
        )
        _changed(tx, task, task.candidate_id)
        return outcome(task.id, tx)


def reopen_task(ctx: ServiceContext, task_id: int, now: dt.datetime | None = None) -> Outcome[int]:
    """Make a done task open again; its timeline entry goes, since it is not done. A task
    not yet due will be announced when it falls due."""
    with ctx.write() as tx:
        task = _task(tx, task_id)
        if not task.done:
            raise ValidationError({"task": "This task is not done."})
        before = {
            "done": True,
            "completed_at": task.completed_at,
            "activity_id": task.activity_id,
        }
        if task.activity_id is not None:
            remove_task_done(tx, task.activity_id)
        task.done = False
        task.completed_at = None
        task.activity_id = None
        moment = dt.datetime.combine(task.due_on, task.due_time or dt.time.min)
        if moment > local_now(now):
            task.reminded_at = None
        task.version += 1
        tx.audit("task.reopen", "task", task.id, before, {"done": False})
        _changed(tx, task, task.candidate_id)
        return outcome(task.id, tx)


def delete_task(ctx: ServiceContext, task_id: int) -> Outcome[int]:
    """Delete a task. A done one's timeline entry stays: the follow-up did happen."""
    with ctx.write() as tx:
        task = _task(tx, task_id)
        before = _fields(task, "done", "completed_at")
        tx.session.delete(task)
        tx.audit("task.delete", "task", task_id, before=before)
        _changed(tx, task, task.candidate_id)
        return outcome(task_id, tx)


def move_candidate_tasks(session: Session, survivor_id: int, other_id: int) -> int:
    """Give ``other_id``'s tasks to ``survivor_id`` (for a merge, inside its transaction),
    so that deleting the merged-away record does not take them along; the count moved."""
    result = session.execute(
        update(Task).where(Task.candidate_id == other_id).values(candidate_id=survivor_id)
    )
    return int(result.rowcount or 0)


# ---- tasks marked done, on the candidate's timeline -------------------------------------------
TASK_DONE_PREFIX = "Done: "


def task_done_subject(title: str) -> str:
    """How a done task reads on the timeline ("task: Done: Call about the offer — …")."""
    return f"{TASK_DONE_PREFIX}{title}"


def record_task_done(
    tx: Transaction, candidate_id: int, title: str, note: str | None, at: dt.datetime
) -> Activity:
    """The timeline entry of a candidate's task marked done, written in the caller's
    transaction (`complete_task` audits the whole change)."""
    if tx.session.get(Candidate, candidate_id) is None:
        raise NotFoundError(f"Candidate #{candidate_id} no longer exists.")
    activity = Activity(
        candidate_id=candidate_id,
        kind=ActivityKind.TASK,
        subject=task_done_subject(title),
        body=note,
        occurred_at=at,
        user_id=tx.actor.user_id,
    )
    tx.session.add(activity)
    tx.session.flush()
    return activity


def remove_task_done(tx: Transaction, activity_id: int) -> None:
    """Take a reopened task's entry off the timeline (only a task entry: never a note)."""
    activity = tx.session.get(Activity, activity_id)
    if activity is not None and activity.kind is ActivityKind.TASK:
        tx.session.delete(activity)
