"""Tasks: follow-ups with a due day (and time), an owner and a note, grouped for "My tasks",
announced once when due, and put on the candidate's timeline when done."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time

import pytest

from app.services.candidates.delete import delete_candidate
from app.services.candidates.records import CandidateInput, candidate_profile, create_candidate
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.core.users import ensure_user
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.jobs import JobInput, create_job
from app.services.pipeline.tasks import (
    DONE_SHOWN,
    TaskInput,
    complete_task,
    create_task,
    delete_task,
    due_now,
    edit_task,
    get_task,
    link_choices,
    list_tasks,
    local_now,
    move_candidate_tasks,
    reopen_task,
    take_due_reminders,
    tasks_about,
)
from app.store.database import Database
from app.store.models import Activity, ActivityKind, Candidate, Task
from tests.support import AuditWatch, count_rows, fail_on_changed

# A fixed moment, as this computer's wall clock shows it: 10:30 on a Wednesday.
NOW_LOCAL = dt.datetime(2026, 12, 9, 10, 30)
NOW = NOW_LOCAL.astimezone()  # aware, in the local zone
TODAY = NOW_LOCAL.date()


@pytest.fixture
def candidate_id(ctx: ServiceContext) -> int:
    return create_candidate(ctx, CandidateInput(first_name="Ada", last_name="Lovelace")).value


@pytest.fixture
def client_id(ctx: ServiceContext) -> int:
    return create_client(ctx, ClientInput(name="Acme Robotics")).value


@pytest.fixture
def job_id(ctx: ServiceContext, client_id: int) -> int:
    return create_job(ctx, JobInput(client_id=client_id, title="Firmware Engineer")).value


def _task(ctx: ServiceContext, title: str, due_on: dt.date, **fields: object) -> int:
    return create_task(ctx, TaskInput(title=title, due_on=due_on, **fields)).value  # type: ignore[arg-type]


def test_create_defaults_the_owner_to_me_and_audits(
    ctx: ServiceContext, database: Database, candidate_id: int
) -> None:
    watch = AuditWatch(database)
    result = create_task(
        ctx,
        TaskInput(
            title="  Call   back about the offer ",
            due_on=TODAY,
            due_time=dt.time(14, 0, 37),
            note=" Ask about notice period.\nAnd salary. ",
            candidate_id=candidate_id,
        ),
    )
    assert result.changes.ids == {
        ChangeKind.TASKS: frozenset({result.value}),
        ChangeKind.CANDIDATES: frozenset({candidate_id}),
    }
    row = get_task(ctx, result.value)
    assert row.title == "Call back about the offer"
    assert row.note == "Ask about notice period.\nAnd salary."
    assert row.due_time == dt.time(14, 0)  # minutes are what a recruiter sets
    assert row.owner_id == ctx.actor.user_id and row.owner_name == "Tester"
    assert (row.about_kind, row.about) == ("candidate", "Ada Lovelace")
    [entry] = watch.new()
    assert (entry.action, entry.entity_type, entry.entity_id) == ("task.create", "task", row.id)
    assert entry.after["title"] == "Call back about the offer"
    assert entry.after["candidate_id"] == candidate_id


def test_invalid_input_is_refused_per_field(ctx: ServiceContext, job_id: int, client_id: int):
    with pytest.raises(ValidationError) as refused:
        create_task(
            ctx, TaskInput(title=" ", due_on=None, note="x" * 5001, job_id=job_id, client_id=1)
        )
    assert set(refused.value.errors) == {"title", "due_on", "note", "about"}
    assert refused.value.errors["title"] == "What to do is required."
    with pytest.raises(ValidationError) as gone:
        create_task(ctx, TaskInput(title="Chase", due_on=TODAY, candidate_id=9999))
    assert gone.value.errors == {"about": "That candidate no longer exists."}
    with pytest.raises(ValidationError) as far:
        create_task(ctx, TaskInput(title="Chase", due_on=dt.date(2150, 1, 1)))
    assert "due_on" in far.value.errors


def test_my_tasks_are_grouped_overdue_today_upcoming_and_done(
    ctx: ServiceContext, database: Database, job_id: int, client_id: int
) -> None:
    other = ServiceContext(database.sessions, ensure_user(database.sessions, "grace.hopper"))
    late = _task(ctx, "Send contract", TODAY - dt.timedelta(days=2), job_id=job_id)
    evening = _task(ctx, "Debrief", TODAY, due_time=dt.time(17, 0))
    morning = _task(ctx, "Check references", TODAY, due_time=dt.time(9, 0))
    anytime = _task(ctx, "Update notes", TODAY, client_id=client_id)
    later = _task(ctx, "Quarterly review", TODAY + dt.timedelta(days=7))
    finished = _task(ctx, "Old chore", TODAY - dt.timedelta(days=9))
    complete_task(ctx, finished)
    _task(other, "Not mine", TODAY)

    groups = list_tasks(ctx, ctx.actor.user_id, NOW)
    assert [r.id for r in groups.overdue] == [late]
    assert [r.id for r in groups.today] == [morning, evening, anytime]  # timed first, by hour
    assert [r.id for r in groups.upcoming] == [later]
    assert [r.id for r in groups.done] == [finished] and groups.done_total == 1
    assert groups.open_count == 5
    assert groups.overdue[0].about == "Firmware Engineer (Acme Robotics)"
    assert groups.today[2].about == "Acme Robotics"

    everyone = list_tasks(ctx, None, NOW)
    assert len(everyone.today) == 4
    assert {r.owner_name for r in everyone.today} == {"Tester", "Grace Hopper"}


def test_done_group_is_capped_but_counts_everything(ctx: ServiceContext) -> None:
    for number in range(DONE_SHOWN + 3):
        complete_task(ctx, _task(ctx, f"Chore {number}", TODAY))
    groups = list_tasks(ctx, ctx.actor.user_id, NOW)
    assert len(groups.done) == DONE_SHOWN
    assert groups.done_total == DONE_SHOWN + 3
    assert groups.done[0].title == f"Chore {DONE_SHOWN + 2}"  # the latest done first


def test_done_goes_on_the_timeline_in_the_same_transaction(
    ctx: ServiceContext, database: Database, candidate_id: int
) -> None:
    task_id = _task(ctx, "Call about the offer", TODAY, candidate_id=candidate_id, note="Said yes")
    watch = AuditWatch(database)
    result = complete_task(ctx, task_id)
    assert result.changes.ids == {
        ChangeKind.TASKS: frozenset({task_id}),
        ChangeKind.CANDIDATES: frozenset({candidate_id}),
    }
    with database.sessions() as session:
        task = session.get(Task, task_id)
        activity = session.get(Activity, task.activity_id)
        assert task.done and task.completed_at is not None
        assert activity.kind is ActivityKind.TASK
        assert (activity.subject, activity.body) == ("Done: Call about the offer", "Said yes")
        assert activity.occurred_at == task.completed_at
        assert activity.user_id == ctx.actor.user_id
    [entry] = watch.new()
    assert (entry.action, entry.after["activity_id"]) == ("task.complete", activity.id)
    timeline = candidate_profile(ctx, candidate_id).activities
    assert [(a.kind, a.subject) for a in timeline] == [("task", "Done: Call about the offer")]
    with pytest.raises(ValidationError, match="already done"):
        complete_task(ctx, task_id)


def test_a_failed_completion_leaves_no_timeline_entry(
    ctx: ServiceContext, database: Database, candidate_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    task_id = _task(ctx, "Call", TODAY, candidate_id=candidate_id)
    activities = count_rows(database, "activities")
    audits = count_rows(database, "audit_entries")
    fail_on_changed(monkeypatch)
    with pytest.raises(RuntimeError):
        complete_task(ctx, task_id)
    assert count_rows(database, "activities") == activities
    assert count_rows(database, "audit_entries") == audits
    with database.sessions() as session:
        assert session.get(Task, task_id).done is False


def test_reopen_takes_the_entry_off_the_timeline(
    ctx: ServiceContext, database: Database, candidate_id: int
) -> None:
    task_id = _task(ctx, "Call", TODAY + dt.timedelta(days=1), candidate_id=candidate_id)
    complete_task(ctx, task_id)
    result = reopen_task(ctx, task_id, NOW)
    assert result.changes.touches(ChangeKind.CANDIDATES)
    assert candidate_profile(ctx, candidate_id).activities == ()
    row = get_task(ctx, task_id)
    assert not row.done and row.completed_at is None
    assert [r.id for r in list_tasks(ctx, ctx.actor.user_id, NOW).upcoming] == [task_id]
    with pytest.raises(ValidationError, match="not done"):
        reopen_task(ctx, task_id, NOW)


def test_edit_changes_fields_and_refuses_a_stale_version(
    ctx: ServiceContext, database: Database, job_id: int
) -> None:
    task_id = _task(ctx, "Send shortlist", TODAY, job_id=job_id)
    version = get_task(ctx, task_id).version
    watch = AuditWatch(database)
    edit_task(
        ctx,
        task_id,
        TaskInput(title="Send the shortlist", due_on=TODAY + dt.timedelta(days=1), job_id=job_id),
        expected_version=version,
    )
    row = get_task(ctx, task_id)
    assert (row.title, row.due_on, row.version) == (
        "Send the shortlist",
        TODAY + dt.timedelta(days=1),
        version + 1,
    )
    [entry] = watch.new()
    assert entry.action == "task.edit"
    assert entry.before == {"title": "Send shortlist", "due_on": TODAY.isoformat()}
    with pytest.raises(ValidationError) as stale:
        edit_task(ctx, task_id, TaskInput(title="Mine", due_on=TODAY), expected_version=version)
    assert "Someone else changed this task" in stale.value.errors["task"]
    assert get_task(ctx, task_id).title == "Send the shortlist"


def test_a_done_task_is_not_edited(ctx: ServiceContext) -> None:
    task_id = _task(ctx, "Chore", TODAY)
    complete_task(ctx, task_id)
    with pytest.raises(ValidationError, match="reopen it"):
        edit_task(ctx, task_id, TaskInput(title="Other", due_on=TODAY))


def test_delete_keeps_a_done_tasks_timeline_entry(
    ctx: ServiceContext, database: Database, candidate_id: int
) -> None:
    task_id = _task(ctx, "Call", TODAY, candidate_id=candidate_id)
    complete_task(ctx, task_id)
    watch = AuditWatch(database)
    delete_task(ctx, task_id)
    assert count_rows(database, "tasks") == 0
    assert len(candidate_profile(ctx, candidate_id).activities) == 1
    [entry] = watch.new()
    assert (entry.action, entry.before["title"], entry.before["done"]) == (
        "task.delete",
        "Call",
        True,
    )
    with pytest.raises(NotFoundError):
        delete_task(ctx, task_id)
    with pytest.raises(NotFoundError):
        complete_task(ctx, task_id)


def test_a_deleted_candidates_tasks_go_with_them(
    ctx: ServiceContext, database: Database, candidate_id: int, client_id: int
) -> None:
    _task(ctx, "Call", TODAY, candidate_id=candidate_id)
    kept = _task(ctx, "Invoice", TODAY, client_id=client_id)
    delete_candidate(ctx, candidate_id)
    with database.sessions() as session:
        assert [t.id for t in session.query(Task)] == [kept]


def test_a_task_about_a_removed_job_stays_without_its_link(
    ctx: ServiceContext, database: Database, job_id: int
) -> None:
    task_id = _task(ctx, "Chase feedback", TODAY, job_id=job_id)
    with database.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM jobs WHERE id = ?", (job_id,))
    row = get_task(ctx, task_id)
    assert (row.job_id, row.about_kind, row.title) == (None, None, "Chase feedback")


def test_due_now_and_reminders_are_announced_once(ctx: ServiceContext, database: Database) -> None:
    other = ServiceContext(database.sessions, ensure_user(database.sessions, "grace.hopper"))
    yesterday = _task(ctx, "Fell due while closed", TODAY - dt.timedelta(days=1))
    morning = _task(ctx, "Morning call", TODAY, due_time=dt.time(10, 0))
    day = _task(ctx, "Some time today", TODAY)
    _task(ctx, "Afternoon call", TODAY, due_time=dt.time(15, 0))
    _task(ctx, "Tomorrow", TODAY + dt.timedelta(days=1))
    theirs = _task(other, "Theirs", TODAY - dt.timedelta(days=1))
    complete_task(ctx, _task(ctx, "Done already", TODAY - dt.timedelta(days=3)))

    assert [r.id for r in due_now(ctx, ctx.actor.user_id, NOW)] == [yesterday, morning, day]
    assert {r.id for r in due_now(ctx, None, NOW)} == {yesterday, morning, day, theirs}

    watch = AuditWatch(database)
    first = take_due_reminders(ctx, NOW)
    assert [r.id for r in first.value] == [yesterday, morning, day]
    assert first.changes.ids == {ChangeKind.TASKS: frozenset({yesterday, morning, day})}
    [entry] = watch.new()
    assert (entry.action, entry.after) == ("task.remind", {"task_ids": [yesterday, morning, day]})
    assert take_due_reminders(ctx, NOW).value == []  # once only
    assert [e.id for e in watch.new()] == [entry.id]  # nothing announced, nothing written

    at_three = (NOW_LOCAL.replace(hour=15, minute=0)).astimezone()
    assert [r.title for r in take_due_reminders(ctx, at_three).value] == ["Afternoon call"]


def test_a_new_due_time_is_announced_again(ctx: ServiceContext) -> None:
    task_id = _task(ctx, "Call", TODAY, due_time=dt.time(9, 0))
    assert len(take_due_reminders(ctx, NOW).value) == 1
    edit_task(ctx, task_id, TaskInput(title="Call", due_on=TODAY, due_time=dt.time(11, 0)))
    assert take_due_reminders(ctx, NOW).value == []
    eleven = NOW_LOCAL.replace(hour=11).astimezone()
    assert [r.id for r in take_due_reminders(ctx, eleven).value] == [task_id]


def test_tasks_about_and_link_choices(
    ctx: ServiceContext, candidate_id: int, job_id: int, client_id: int
) -> None:
    mine = _task(ctx, "Call", TODAY + dt.timedelta(days=1), candidate_id=candidate_id)
    sooner = _task(ctx, "Email", TODAY, candidate_id=candidate_id)
    complete_task(ctx, _task(ctx, "Done", TODAY, candidate_id=candidate_id))
    _task(ctx, "Job thing", TODAY, job_id=job_id)
    assert [r.id for r in tasks_about(ctx, candidate_id=candidate_id)] == [sooner, mine]
    with pytest.raises(ValueError):
        tasks_about(ctx)
    choices = link_choices(ctx, get_task(ctx, mine))
    assert choices[0] == ("candidate", candidate_id, "Ada Lovelace")
    assert ("job", job_id, "Firmware Engineer (Acme Robotics)") in choices
    assert ("client", client_id, "Acme Robotics") in choices


def test_a_task_is_about_its_candidate_by_full_name_else_its_job_or_client(
    ctx: ServiceContext, database: Database, job_id: int, client_id: int
) -> None:
    with database.sessions() as session:
        person = Candidate(first_name="Grace", middle_name="Brewster", last_name="Hopper")
        session.add(person)
        session.commit()
        grace = person.id
    about = {
        _task(ctx, "Call", TODAY, candidate_id=grace): "Grace Brewster Hopper",
        _task(ctx, "Brief", TODAY, job_id=job_id): "Firmware Engineer (Acme Robotics)",
        _task(ctx, "Invoice", TODAY, client_id=client_id): "Acme Robotics",
        _task(ctx, "Think", TODAY): None,
    }
    assert {task_id: get_task(ctx, task_id).about for task_id in about} == about


def test_merge_helper_moves_tasks_to_the_survivor(
    ctx: ServiceContext, database: Database, candidate_id: int
) -> None:
    other = create_candidate(ctx, CandidateInput(first_name="Ada", last_name="King")).value
    task_id = _task(ctx, "Call", TODAY, candidate_id=other)
    with database.sessions() as session, session.begin():
        assert move_candidate_tasks(session, candidate_id, other) == 1
    assert get_task(ctx, task_id).candidate_id == candidate_id


def test_local_now_is_the_wall_clock() -> None:
    assert local_now(NOW) == NOW_LOCAL
    assert local_now().tzinfo is None


def test_merging_candidates_keeps_the_merged_away_ones_tasks(
    ctx: ServiceContext, database: Database, candidate_id: int
) -> None:
    from app.services.candidates.duplicates import merge_candidates

    other = create_candidate(ctx, CandidateInput(first_name="Ada", last_name="King")).value
    task_id = _task(ctx, "Call back", TODAY, candidate_id=other)
    merged = merge_candidates(ctx, candidate_id, other, {})
    assert merged.value.moved["tasks"] == 1
    assert get_task(ctx, task_id).candidate_id == candidate_id
    assert [r.id for r in tasks_about(ctx, candidate_id=candidate_id)] == [task_id]


def test_a_minute_with_nothing_due_takes_no_write_lock(
    ctx: ServiceContext, database: Database
) -> None:
    _task(ctx, "Tomorrow", TODAY + dt.timedelta(days=1))
    other_writer = sqlite3.connect(database.path, timeout=0)
    try:
        other_writer.execute("BEGIN IMMEDIATE")  # another program is writing right now
        started = time.monotonic()
        assert take_due_reminders(ctx, NOW).value == []
        assert time.monotonic() - started < 2  # did not wait for the other writer
    finally:
        other_writer.rollback()
        other_writer.close()
