"""The data model on a real SQLite file: types, constraints, pragmas, triggers and locking."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm.exc import StaleDataError

from app.store.database import Database
from app.store.db import BUSY_TIMEOUT_MS, PAGE_BYTES
from app.store.models import (
    Application,
    AuditEntry,
    Candidate,
    Client,
    Job,
    Stage,
    StageKind,
    UTCDateTime,
)


def _job_with_stage(database: Database) -> tuple[int, int]:
    with database.sessions() as session, session.begin():
        client = Client(name="Acme")
        job = Job(client=client, title="Engineer", opened_on=dt.date(2026, 1, 5))
        stage = Stage(job=job, name="Applied", position=0, kind=StageKind.ACTIVE)
        session.add_all([client, job, stage])
        session.flush()
        return job.id, stage.id


def _candidate(database: Database, first: str = "Ada") -> int:
    with database.sessions() as session, session.begin():
        candidate = Candidate(first_name=first, last_name="Lovelace")
        session.add(candidate)
        session.flush()
        return candidate.id


def _application(database: Database) -> int:
    job_id, stage_id = _job_with_stage(database)
    candidate_id = _candidate(database)
    with database.sessions() as session, session.begin():
        application = Application(candidate_id=candidate_id, job_id=job_id, stage_id=stage_id)
        session.add(application)
        session.flush()
        return application.id


class TestUTCDateTime:
    def test_aware_datetime_round_trips_as_the_same_instant_in_utc(self, database: Database):
        india = dt.timezone(dt.timedelta(hours=5, minutes=30))
        moment = dt.datetime(2026, 3, 1, 9, 15, 30, 123456, tzinfo=india)
        candidate_id = _candidate(database)
        with database.sessions() as session, session.begin():
            session.get(Candidate, candidate_id).consent_at = moment
        with database.sessions() as session:
            loaded = session.get(Candidate, candidate_id).consent_at
        assert loaded == moment
        assert loaded.utcoffset() == dt.timedelta(0)
        assert (loaded.hour, loaded.minute) == (3, 45)

    def test_stored_text_is_naive_utc(self, database: Database):
        moment = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-2)))
        candidate_id = _candidate(database)
        with database.sessions() as session, session.begin():
            session.get(Candidate, candidate_id).consent_at = moment
        with database.engine.connect() as connection:
            raw = connection.execute(
                text("SELECT consent_at FROM candidates WHERE id = :id"), {"id": candidate_id}
            ).scalar_one()
        assert raw.startswith("2026-03-02 01:30:00")
        assert "+" not in raw

    def test_naive_datetime_is_refused_and_nothing_is_written(self, database: Database):
        naive = dt.datetime(2026, 3, 1, 9, 0)
        with database.sessions() as session:
            session.add(AuditEntry(actor="x", action="a", entity_type="t", occurred_at=naive))
            with pytest.raises(StatementError, match="naive"):
                session.commit()
        with database.engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM audit_entries")) == 0

    def test_type_decorator_directly(self):
        decorator = UTCDateTime()
        with pytest.raises(ValueError, match="naive"):
            decorator.process_bind_param(dt.datetime(2026, 1, 1), None)
        assert decorator.process_bind_param(None, None) is None
        assert decorator.process_result_value(None, None) is None


def test_one_application_per_candidate_and_job(database: Database):
    application_id = _application(database)
    with database.sessions() as session:
        first = session.get(Application, application_id)
        duplicate = Application(
            candidate_id=first.candidate_id, job_id=first.job_id, stage_id=first.stage_id
        )
        session.add(duplicate)
        with pytest.raises(IntegrityError, match="UNIQUE"):
            session.commit()
    with database.engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM applications")) == 1


def test_same_candidate_may_apply_to_another_job(database: Database):
    application_id = _application(database)
    other_job, other_stage = _job_with_stage_for_new_client(database)
    with database.sessions() as session, session.begin():
        first = session.get(Application, application_id)
        session.add(
            Application(candidate_id=first.candidate_id, job_id=other_job, stage_id=other_stage)
        )
    with database.engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM applications")) == 2


def _job_with_stage_for_new_client(database: Database) -> tuple[int, int]:
    with database.sessions() as session, session.begin():
        job = Job(client=Client(name="Other"), title="Analyst", opened_on=dt.date(2026, 2, 1))
        stage = Stage(job=job, name="Applied", position=0)
        session.add_all([job, stage])
        session.flush()
        return job.id, stage.id


def test_foreign_keys_are_enforced(database: Database):
    with database.sessions() as session:
        session.add(Job(client_id=999, title="Ghost", opened_on=dt.date(2026, 1, 1)))
        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            session.commit()
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        assert connection.scalar(text("SELECT count(*) FROM jobs")) == 0


def test_deleting_a_candidate_cascades_to_applications(database: Database):
    application_id = _application(database)
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM candidates"))
        remaining = connection.scalar(
            text("SELECT count(*) FROM applications WHERE id = :id"), {"id": application_id}
        )
    assert remaining == 0


def test_a_new_database_has_8_kib_pages(database: Database):
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA page_size").scalar_one() == PAGE_BYTES == 8192


def test_engine_connections_use_wal_and_a_busy_timeout(database: Database):
    for _ in range(2):  # every pooled connection, not only the first
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
            timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one()
            assert timeout == BUSY_TIMEOUT_MS
            assert timeout >= 1000


def test_audit_entries_refuse_update_and_delete(database: Database):
    with database.sessions() as session, session.begin():
        session.add(AuditEntry(actor="tester", action="x.create", entity_type="x", entity_id=1))
    for statement in (
        "UPDATE audit_entries SET actor = 'mallory'",
        "DELETE FROM audit_entries",
    ):
        with (
            pytest.raises(IntegrityError, match="append-only"),
            database.engine.begin() as connection,
        ):
            connection.execute(text(statement))
    with database.engine.connect() as connection:
        rows = connection.execute(text("SELECT actor FROM audit_entries")).all()
    assert rows == [("tester",)]


class TestOptimisticLocking:
    def test_version_increments_on_update(self, database: Database):
        application_id = _application(database)
        with database.sessions() as session, session.begin():
            application = session.get(Application, application_id)
            assert application.version == 1
            application.rating = 4
        with database.sessions() as session, session.begin():
            application = session.get(Application, application_id)
            assert application.version == 2
            application.rating = 5
        with database.sessions() as session:
            assert session.get(Application, application_id).version == 3

    def test_stale_update_from_a_second_session_is_refused(self, database: Database):
        application_id = _application(database)
        first = database.sessions()
        second = database.sessions()
        try:
            mine = first.get(Application, application_id)
            theirs = second.get(Application, application_id)
            # End the read without expiring what it loaded (expire_on_commit=False), as a
            # dialog does between showing a record and saving it.
            second.commit()
            mine.rating = 3
            first.commit()
            theirs.rating = 1
            with pytest.raises(StaleDataError):
                second.commit()
            second.rollback()
        finally:
            first.close()
            second.close()
        with database.sessions() as session:
            stored = session.get(Application, application_id)
            assert (stored.rating, stored.version) == (3, 2)
