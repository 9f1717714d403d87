"""Editing jobs and moving them between open, on hold, filled and closed."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import event

from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.core.users import ensure_user
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.jobs import (
    TRANSITIONS,
    JobInput,
    JobState,
    allowed_actions,
    change_status,
    create_job,
    get_job,
    list_jobs,
    restore_status,
    update_job,
)
from app.services.pipeline.references import reference_owner
from app.store.database import Database
from app.store.models import Job, JobStatus
from tests.support import AuditWatch, fail_on_changed, job_input

# What each action does from each status: the resulting status, or None when refused.
EXPECTED = {
    ("hold", JobStatus.OPEN): JobStatus.ON_HOLD,
    ("hold", JobStatus.ON_HOLD): None,
    ("hold", JobStatus.FILLED): None,
    ("hold", JobStatus.CLOSED): None,
    ("close", JobStatus.OPEN): JobStatus.CLOSED,
    ("close", JobStatus.ON_HOLD): JobStatus.CLOSED,
    ("close", JobStatus.FILLED): None,
    ("close", JobStatus.CLOSED): None,
    ("fill", JobStatus.OPEN): JobStatus.FILLED,
    ("fill", JobStatus.ON_HOLD): JobStatus.FILLED,
    ("fill", JobStatus.FILLED): None,
    ("fill", JobStatus.CLOSED): None,
    ("reopen", JobStatus.OPEN): None,
    ("reopen", JobStatus.ON_HOLD): JobStatus.OPEN,
    ("reopen", JobStatus.FILLED): JobStatus.OPEN,
    ("reopen", JobStatus.CLOSED): JobStatus.OPEN,
}


@pytest.fixture
def client_id(ctx: ServiceContext) -> int:
    return create_client(ctx, ClientInput(name="Acme")).value


@pytest.fixture
def job_id(ctx: ServiceContext, client_id: int) -> int:
    return create_job(
        ctx,
        JobInput(
            client_id=client_id,
            title="Clerk",
            location="Denver, CO",
            description="Files things.",
            openings=1,
            opened_on=dt.date(2026, 1, 5),
        ),
    ).value


def _job(database: Database, job_id: int) -> Job:
    with database.sessions() as session:
        return session.get(Job, job_id)


def _set_status(database: Database, job_id: int, status: JobStatus) -> None:
    with database.sessions() as session, session.begin():
        job = session.get(Job, job_id)
        job.status = status
        job.filled_on = dt.date(2026, 2, 1) if status is JobStatus.FILLED else None


class TestUpdateJob:
    def test_saves_the_changed_fields_and_audits_only_those(
        self, ctx: ServiceContext, database: Database, client_id: int, job_id: int
    ):
        other_client = create_client(ctx, ClientInput(name="Globex")).value
        watch = AuditWatch(database)
        data = JobInput(
            client_id=other_client,
            title="  Senior   Clerk ",
            location="Denver, CO",  # unchanged
            description="Files things.",  # unchanged
            openings=3,
            opened_on=dt.date(2026, 1, 5),  # unchanged
            owner_id=ctx.actor.user_id,  # unchanged
        )
        result = update_job(ctx, job_id, data)
        job = _job(database, job_id)
        assert (job.client_id, job.title, job.openings, job.location) == (
            other_client,
            "Senior Clerk",
            3,
            "Denver, CO",
        )
        [entry] = watch.new()
        assert (entry.action, entry.entity_type, entry.entity_id, entry.actor) == (
            "job.update",
            "job",
            job_id,
            "tester",
        )
        assert entry.before == {"client_id": client_id, "title": "Clerk", "openings": 1}
        assert entry.after == {"client_id": other_client, "title": "Senior Clerk", "openings": 3}
        assert dict(result.changes.ids) == {ChangeKind.JOBS: {job_id}}
        assert result.value == job_id

    def test_unchanged_input_writes_nothing(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        before = _job(database, job_id)
        watch = AuditWatch(database)
        result = update_job(ctx, job_id, job_input(get_job(ctx, job_id)))
        assert watch.new() == []
        assert result.changes.ids == {}
        assert _job(database, job_id).updated_at == before.updated_at

    def test_blank_text_fields_are_cleared(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        data = job_input(get_job(ctx, job_id))
        update_job(
            ctx,
            job_id,
            JobInput(**(data.__dict__ | {"location": "  ", "description": " \n "})),
        )
        job = _job(database, job_id)
        assert (job.location, job.description) == (None, None)

    def test_status_is_not_changed_by_editing(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        _set_status(database, job_id, JobStatus.CLOSED)
        data = job_input(get_job(ctx, job_id))
        # JobInput's status defaults to OPEN: editing must not reopen the job.
        update_job(ctx, job_id, JobInput(**(data.__dict__ | {"status": JobStatus.OPEN})))
        assert _job(database, job_id).status is JobStatus.CLOSED

    def test_owner_can_be_changed_and_cleared(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        colleague = ensure_user(database.sessions, "pat.lee")
        data = job_input(get_job(ctx, job_id)).__dict__
        update_job(ctx, job_id, JobInput(**(data | {"owner_id": colleague.user_id})))
        assert _job(database, job_id).owner_id == colleague.user_id
        watch = AuditWatch(database)
        update_job(ctx, job_id, JobInput(**(data | {"owner_id": None})))
        assert _job(database, job_id).owner_id is None
        [entry] = watch.new()
        assert (entry.before, entry.after) == (
            {"owner_id": colleague.user_id},
            {"owner_id": None},
        )

    def test_missing_opened_on_keeps_the_date(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        data = job_input(get_job(ctx, job_id)).__dict__
        update_job(ctx, job_id, JobInput(**(data | {"opened_on": None, "openings": 2})))
        job = _job(database, job_id)
        assert (job.opened_on, job.openings) == (dt.date(2026, 1, 5), 2)

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"title": " "}, "title"),
            ({"openings": 0}, "openings"),
            ({"client_id": None}, "client_id"),
            ({"client_id": 777}, "client_id"),
            ({"owner_id": 777}, "owner_id"),
        ],
    )
    def test_invalid_edits_are_refused_and_nothing_is_written(
        self, ctx: ServiceContext, database: Database, job_id: int, changes: dict, field: str
    ):
        data = job_input(get_job(ctx, job_id)).__dict__
        watch = AuditWatch(database)
        with pytest.raises(ValidationError) as raised:
            update_job(ctx, job_id, JobInput(**(data | {"openings": 2} | changes)))
        assert list(raised.value.errors) == [field]
        job = _job(database, job_id)
        assert (job.title, job.openings) == ("Clerk", 1)
        assert watch.new() == []

    def test_missing_job(self, ctx: ServiceContext, client_id: int):
        with pytest.raises(NotFoundError):
            update_job(ctx, 999, JobInput(client_id=client_id, title="Ghost"))

    def test_failure_inside_the_transaction_leaves_the_job_as_it_was(
        self,
        ctx: ServiceContext,
        database: Database,
        job_id: int,
        monkeypatch: pytest.MonkeyPatch,
    ):
        data = job_input(get_job(ctx, job_id)).__dict__
        watch = AuditWatch(database)
        fail_on_changed(monkeypatch)
        with pytest.raises(RuntimeError, match="injected"):
            update_job(ctx, job_id, JobInput(**(data | {"title": "Changed"})))
        assert _job(database, job_id).title == "Clerk"
        assert watch.new() == []


class TestTransitions:
    @pytest.mark.parametrize(("action", "start"), sorted(EXPECTED, key=str))
    def test_every_action_from_every_status(
        self,
        ctx: ServiceContext,
        database: Database,
        job_id: int,
        action: str,
        start: JobStatus,
    ):
        _set_status(database, job_id, start)
        before_filled = _job(database, job_id).filled_on
        expected = EXPECTED[(action, start)]
        assert (action in allowed_actions(start)) == (expected is not None)
        watch = AuditWatch(database)
        if expected is None:
            with pytest.raises(ValidationError) as raised:
                change_status(ctx, job_id, action)
            assert list(raised.value.errors) == ["status"]
            job = _job(database, job_id)
            assert (job.status, job.filled_on) == (start, before_filled)
            assert watch.new() == []
            return
        result = change_status(ctx, job_id, action)
        job = _job(database, job_id)
        assert job.status is expected
        assert result.value.after.status is expected
        assert dict(result.changes.ids) == {ChangeKind.JOBS: {job_id}}
        [entry] = watch.new()
        assert (entry.action, entry.entity_type, entry.entity_id) == (
            f"job.{action}",
            "job",
            job_id,
        )
        assert entry.before["status"] == start.value
        assert entry.after["status"] == expected.value

    def test_mark_filled_dates_the_job_and_reopen_clears_it(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        watch = AuditWatch(database)
        change_status(ctx, job_id, "fill", dt.date(2026, 3, 9))
        assert _job(database, job_id).filled_on == dt.date(2026, 3, 9)
        change_status(ctx, job_id, "reopen")
        job = _job(database, job_id)
        assert (job.status, job.filled_on) == (JobStatus.OPEN, None)
        fill, reopen = watch.new()
        assert fill.before == {"status": "open", "filled_on": None}
        assert fill.after == {"status": "filled", "filled_on": "2026-03-09"}
        assert reopen.before == {"status": "filled", "filled_on": "2026-03-09"}
        assert reopen.after == {"status": "open", "filled_on": None}

    def test_mark_filled_defaults_to_today(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        change_status(ctx, job_id, "fill")
        assert _job(database, job_id).filled_on == dt.date.today()

    def test_refusal_explains_itself(self, ctx: ServiceContext, job_id: int):
        with pytest.raises(ValidationError, match="already open"):
            change_status(ctx, job_id, "reopen")

    def test_missing_job(self, ctx: ServiceContext):
        with pytest.raises(NotFoundError):
            change_status(ctx, 999, "hold")

    def test_failure_inside_the_transaction_keeps_the_status(
        self,
        ctx: ServiceContext,
        database: Database,
        job_id: int,
        monkeypatch: pytest.MonkeyPatch,
    ):
        watch = AuditWatch(database)
        fail_on_changed(monkeypatch)
        with pytest.raises(RuntimeError, match="injected"):
            change_status(ctx, job_id, "fill")
        job = _job(database, job_id)
        assert (job.status, job.filled_on) == (JobStatus.OPEN, None)
        assert watch.new() == []

    def test_every_action_is_checked_from_every_status(self):
        assert {action for action, _status in EXPECTED} == set(TRANSITIONS)
        assert {status for _action, status in EXPECTED} == set(JobStatus)


class TestUndo:
    """Status actions can be taken back exactly, unless the job changed since."""

    def test_undo_and_redo_of_mark_filled(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        done = change_status(ctx, job_id, "fill", today=dt.date(2026, 3, 9)).value
        assert (done.before, done.after) == (
            JobState(JobStatus.OPEN, None),
            JobState(JobStatus.FILLED, dt.date(2026, 3, 9)),
        )
        watch = AuditWatch(database)
        undone = restore_status(ctx, done, undo=True)
        job = _job(database, job_id)
        assert (job.status, job.filled_on) == (JobStatus.OPEN, None)
        assert dict(undone.changes.ids) == {ChangeKind.JOBS: {job_id}}
        restore_status(ctx, done, undo=False)  # redo: the same day, not today
        job = _job(database, job_id)
        assert (job.status, job.filled_on) == (JobStatus.FILLED, dt.date(2026, 3, 9))
        undo, redo = watch.new()
        assert (undo.action, undo.before, undo.after) == (
            "job.fill.undo",
            {"status": "filled", "filled_on": "2026-03-09"},
            {"status": "open", "filled_on": None},
        )
        assert (redo.action, redo.after) == (
            "job.fill.redo",
            {"status": "filled", "filled_on": "2026-03-09"},
        )

    def test_undo_of_reopen_gives_back_the_fill_date(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        _set_status(database, job_id, JobStatus.FILLED)
        done = change_status(ctx, job_id, "reopen").value
        assert _job(database, job_id).filled_on is None
        restore_status(ctx, done, undo=True)
        job = _job(database, job_id)
        assert (job.status, job.filled_on) == (JobStatus.FILLED, dt.date(2026, 2, 1))

    @pytest.mark.parametrize("action", ["hold", "close"])
    def test_undo_of_hold_and_close(
        self, ctx: ServiceContext, database: Database, job_id: int, action: str
    ):
        done = change_status(ctx, job_id, action).value
        restore_status(ctx, done, undo=True)
        assert _job(database, job_id).status is JobStatus.OPEN

    def test_undo_is_refused_when_the_status_changed_since(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        done = change_status(ctx, job_id, "hold").value
        change_status(ctx, job_id, "close")  # e.g. in another window
        watch = AuditWatch(database)
        with pytest.raises(ValidationError) as raised:
            restore_status(ctx, done, undo=True)
        assert raised.value.errors == {
            "status": "“Clerk” changed since (it is closed now); left as it is."
        }
        assert _job(database, job_id).status is JobStatus.CLOSED
        assert watch.new() == []
        with pytest.raises(NotFoundError):
            restore_status(ctx, replace(done, job_id=999), undo=True)


def test_get_job_counts_hires(ctx: ServiceContext, database: Database, job_id: int):
    from app.store.models import Application, Candidate, StageKind

    assert get_job(ctx, job_id).hires == 0
    with database.sessions() as session, session.begin():
        job = session.get(Job, job_id)
        hired = next(s for s in job.stages if s.kind is StageKind.HIRED)
        applied = job.stages[0]
        for n, stage in enumerate((hired, hired, applied)):
            person = Candidate(first_name=f"P{n}", last_name="Test")
            session.add(person)
            session.flush()
            session.add(Application(candidate_id=person.id, job_id=job_id, stage_id=stage.id))
    assert get_job(ctx, job_id).hires == 2


def test_get_job_returns_the_editable_fields(ctx: ServiceContext, client_id: int, job_id: int):
    detail = get_job(ctx, job_id)
    assert (detail.id, detail.client_id, detail.client_name, detail.title) == (
        job_id,
        client_id,
        "Acme",
        "Clerk",
    )
    assert (detail.status, detail.opened_on, detail.filled_on) == (
        JobStatus.OPEN,
        dt.date(2026, 1, 5),
        None,
    )
    assert job_input(detail).validate() == {}
    with pytest.raises(NotFoundError):
        get_job(ctx, 999)


class TestPostingReference:
    """The reference a job is advertised under: stored trimmed, one job each ignoring case,
    never another job's ``JOB-n`` tag form, and audited like the other fields."""

    def _new(self, ctx: ServiceContext, client_id: int, reference: str | None, title: str) -> int:
        data = JobInput(client_id=client_id, title=title, posting_reference=reference)
        return create_job(ctx, data).value

    def test_create_stores_it_trimmed_and_audits_it(
        self, ctx: ServiceContext, database: Database, client_id: int
    ):
        watch = AuditWatch(database)
        job_id = self._new(ctx, client_id, "  REQ-2026-014 ", "Data Engineer")
        assert _job(database, job_id).posting_reference == "REQ-2026-014"
        assert get_job(ctx, job_id).posting_reference == "REQ-2026-014"
        [entry] = watch.new()
        assert entry.action == "job.create"
        assert entry.after["posting_reference"] == "REQ-2026-014"

    def test_blank_means_none(self, ctx: ServiceContext, database: Database, client_id: int):
        job_id = self._new(ctx, client_id, "   ", "Data Engineer")
        assert _job(database, job_id).posting_reference is None
        # Any number of jobs may have none.
        assert self._new(ctx, client_id, None, "Analyst")

    def test_update_sets_changes_and_clears_it_with_the_audit_entry(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        watch = AuditWatch(database)
        unchanged = job_input(get_job(ctx, job_id))
        update_job(ctx, job_id, replace(unchanged, posting_reference="REQ-7"))
        update_job(ctx, job_id, replace(unchanged, posting_reference=" req-7 "))
        update_job(ctx, job_id, replace(unchanged, posting_reference=""))
        assert [(e.action, e.before, e.after) for e in watch.new()] == [
            ("job.update", {"posting_reference": None}, {"posting_reference": "REQ-7"}),
            ("job.update", {"posting_reference": "REQ-7"}, {"posting_reference": "req-7"}),
            ("job.update", {"posting_reference": "req-7"}, {"posting_reference": None}),
        ]
        assert _job(database, job_id).posting_reference is None

    def test_another_jobs_reference_is_refused_ignoring_case(
        self, ctx: ServiceContext, database: Database, client_id: int, job_id: int
    ):
        taken = self._new(ctx, client_id, "REQ-7", "Data Engineer")
        watch = AuditWatch(database)
        message = f"Reference req-7 is already used by job #{taken} “Data Engineer”."
        with pytest.raises(ValidationError) as raised:
            self._new(ctx, client_id, "req-7", "Analyst")
        assert raised.value.errors == {"posting_reference": message}
        with pytest.raises(ValidationError) as raised:
            update_job(
                ctx, job_id, replace(job_input(get_job(ctx, job_id)), posting_reference="req-7")
            )
        assert raised.value.errors == {"posting_reference": message}
        assert _job(database, job_id).posting_reference is None
        assert watch.new() == []

    def test_bad_characters_are_refused_before_writing(
        self, ctx: ServiceContext, database: Database, client_id: int
    ):
        watch = AuditWatch(database)
        with pytest.raises(ValidationError) as raised:
            self._new(ctx, client_id, "REQ 7!", "Data Engineer")
        assert list(raised.value.errors) == ["posting_reference"]
        assert "letters, digits" in raised.value.errors["posting_reference"]
        assert watch.new() == []

    def test_the_job_n_form_of_another_job_is_refused(
        self, ctx: ServiceContext, database: Database, client_id: int, job_id: int
    ):
        other = job_id + 1
        with pytest.raises(ValidationError) as raised:
            update_job(
                ctx,
                job_id,
                replace(job_input(get_job(ctx, job_id)), posting_reference=f"JOB-{other}"),
            )
        assert raised.value.errors == {
            "posting_reference": f"JOB-{other} is how an email's subject names job #{other}"
            f" ([JOB-{other}]); choose another reference."
        }
        with pytest.raises(ValidationError):
            self._new(ctx, client_id, f"job{job_id}", "Analyst")
        # Its own tag form names the job itself: harmless.
        update_job(
            ctx, job_id, replace(job_input(get_job(ctx, job_id)), posting_reference=f"JOB-{job_id}")
        )
        assert _job(database, job_id).posting_reference == f"JOB-{job_id}"

    def test_the_jobs_list_shows_it(self, ctx: ServiceContext, client_id: int):
        job_id = self._new(ctx, client_id, "REQ-7", "Data Engineer")
        [row] = [row for row in list_jobs(ctx) if row.id == job_id]
        assert row.posting_reference == "REQ-7"


def test_the_reference_look_up_reads_the_unique_index(database: Database) -> None:
    """The duplicate check finds the other job through the index, not by reading every job."""
    statements: list[tuple[str, object]] = []

    def record(_conn: object, _cursor: object, statement: str, parameters: object, *_: object):
        statements.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        with database.sessions() as session:
            assert reference_owner(session, "REQ-7", None) is None
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
    [(statement, parameters)] = [s for s in statements if s[0].lstrip().startswith("SELECT")]
    with database.engine.connect() as connection:
        raw = connection.connection.driver_connection
        plan = [row[-1] for row in raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)]
    assert any("USING INDEX ix_jobs_posting_reference" in detail for detail in plan), plan
