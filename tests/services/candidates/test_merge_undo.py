"""Undoing an attach (a resume added to an existing candidate) or a merge: every row back
exactly as it was, compared table by table with what SQLite itself holds; redo; refusal when
the record changed since; "This is a different person" (split)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.parsing.result import EducationEntry, Employment, ParsedResume
from app.services.candidates.bulk import add_to_job
from app.services.candidates.duplicates import list_duplicate_suspects, merge_candidates
from app.services.candidates.merge_undo import (
    UndoRefusedError,
    latest_step,
    redo_step,
    split_attached_resume,
    undo_step,
)
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.candidates.timeline import add_note
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError
from app.services.engagement.optout import unsubscribe
from app.services.engagement.outbox import Draft, add_to_outbox
from app.services.intake.importer import ImportResult, IntakeTarget, import_resume
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.jobs import JobInput, create_job
from app.store.database import Database
from app.store.engagement import Campaign, CampaignKind, MessageState, SequenceEnrollment
from app.store.models import AuditEntry, CandidateTag, Document, Stage, Tag, utc_now
from tests.support import (
    AuditWatch,
    create_pool,
    dump_candidate_tables,
    fail_on_changed,
    sqlite_rows,
)


# Every table a candidate's record lives in, and the indexes and counts derived from them.
def owned(database: Database, table: str, candidate_id: int) -> list[tuple[Any, ...]]:
    """The rows of ``table`` that belong to the candidate."""
    return sqlite_rows(
        database.path, f"SELECT * FROM {table} WHERE candidate_id = {candidate_id} ORDER BY rowid"
    )


def resume(file: str, **values: object) -> ParsedResume:
    base: dict[str, object] = {"file": file, "text": f"{values.get('name')}\n", "pages": 1}
    return ParsedResume(**(base | values))  # type: ignore[arg-type]


class Desk:
    """A recruiter's desk: imports real small files into the document store."""

    def __init__(self, ctx: ServiceContext, folder: Path):
        self.ctx, self.folder, self.count = ctx, folder, 0
        self.docs = folder / "documents"

    def drop(self, parsed: ParsedResume, target: IntakeTarget | None = None) -> ImportResult:
        self.count += 1
        path = self.folder / parsed.file
        path.write_text(f"{parsed.name} #{self.count}\n", encoding="utf-8")
        return import_resume(self.ctx, self.docs, path, parsed, target).value


@pytest.fixture
def desk(ctx: ServiceContext, tmp_path: Path) -> Desk:
    return Desk(ctx, tmp_path)


def tag(database: Database, candidate_id: int, name: str) -> None:
    with database.sessions() as session, session.begin():
        found = session.scalar(select(Tag).where(Tag.name == name)) or Tag(name=name)
        session.add(found)
        session.flush()
        session.add(CandidateTag(candidate_id=candidate_id, tag_id=found.id))


@pytest.fixture
def places(ctx: ServiceContext) -> dict[str, int]:
    client = create_client(ctx, ClientInput(name="Initech")).value
    return {
        "job": create_job(ctx, JobInput(client_id=client, title="Data Engineer")).value,
        "other_job": create_job(ctx, JobInput(client_id=client, title="Analyst")).value,
        "pool": create_pool(ctx, "Silver medalists").value,
    }


@pytest.fixture
def maria(desk: Desk, database: Database, places: dict[str, int]) -> ImportResult:
    """A full record: emails, phone, links, skills, tag, history, a pool and a job."""
    first = desk.drop(
        resume(
            "maria-2024.txt",
            name="Maria Lopez",
            emails=("maria@example.com",),
            phones=("+1 415 867 5309",),
            location="Denver, CO",
            links=("https://linkedin.com/in/marialopez",),
            current_title="Account Manager",
            employers=(Employment("Northwind", "Account Manager", "2020", "present"),),
            education=(EducationEntry("CU Boulder", "BA Economics", "2015"),),
            skills=("Salesforce", "Negotiation"),
        ),
        IntakeTarget(job_id=places["other_job"], pool_id=places["pool"]),
    )
    tag(database, first.candidate_id, "Remote")
    return first


def test_a_wrong_attach_is_undone_exactly_and_can_be_redone(
    ctx: ServiceContext, database: Database, desk: Desk, maria: ImportResult, places: dict
) -> None:
    before = dump_candidate_tables(database)
    attached = desk.drop(
        resume(
            "maria-2026.txt",
            name="Maria Lopez",
            emails=("maria@example.com", "m.lopez@work.example"),
            phones=("+1 303 555 2671",),
            location="Austin, TX",
            current_employer="Contoso",
            links=("https://github.com/mlopez",),
            skills=("Salesforce", "Kubernetes-Operators-Unique"),  # one skill nobody had
        ),
        IntakeTarget(job_id=places["job"], pool_id=None),
    )
    assert not attached.created and attached.candidate_id == maria.candidate_id
    assert attached.attach_audit_id is not None and attached.application_id is not None
    merged = dump_candidate_tables(database)
    assert merged != before

    watch = AuditWatch(database)
    undone = undo_step(ctx, attached.attach_audit_id)
    # Exactly the record as it was: every row of every table, indexes and counts included;
    # only the new resume stays stored, linked to nobody (it can be reviewed again).
    assert dump_candidate_tables(database, skip_document=attached.document_id) == before
    with database.sessions() as session:
        assert session.get_one(Document, attached.document_id).candidate_id is None
    assert undone.value.candidate_ids == (maria.candidate_id,)
    assert undone.value.document_id == attached.document_id
    assert undone.changes.ids[ChangeKind.CANDIDATES] == {maria.candidate_id}
    assert attached.application_id in undone.changes.ids[ChangeKind.APPLICATIONS]
    [entry] = watch.new()
    assert (entry.action, entry.entity_id) == ("candidate.merge_undone", maria.candidate_id)
    assert entry.after["audit_id"] == attached.attach_audit_id

    redo_step(ctx, attached.attach_audit_id)
    assert dump_candidate_tables(database) == merged
    undo_step(ctx, attached.attach_audit_id)
    assert dump_candidate_tables(database, skip_document=attached.document_id) == before


def test_undo_is_refused_when_the_record_changed_since(
    ctx: ServiceContext, database: Database, desk: Desk, maria: ImportResult
) -> None:
    attached = desk.drop(resume("again.txt", name="Maria Lopez", emails=("maria@example.com",)))
    assert attached.attach_audit_id is not None
    add_note(ctx, maria.candidate_id, "Called her about the Austin role.")
    now = dump_candidate_tables(database)
    with pytest.raises(UndoRefusedError) as refused:
        undo_step(ctx, attached.attach_audit_id)
    assert "Maria Lopez changed since (timeline)" in str(refused.value)
    assert "lose" in str(refused.value)
    assert dump_candidate_tables(database) == now
    step = latest_step(ctx, maria.candidate_id)
    assert step is not None and not step.possible and "timeline" in step.reason


def test_an_undo_is_one_transaction(
    ctx: ServiceContext,
    database: Database,
    desk: Desk,
    maria: ImportResult,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    attached = desk.drop(resume("again.txt", name="Maria Lopez", emails=("maria@example.com",)))
    now = dump_candidate_tables(database)
    watch = AuditWatch(database)
    fail_on_changed(monkeypatch)
    with pytest.raises(RuntimeError, match="injected"):
        undo_step(ctx, attached.attach_audit_id)  # type: ignore[arg-type]
    assert dump_candidate_tables(database) == now and watch.new() == []


def test_undo_twice_and_unknown_steps_are_refused(
    ctx: ServiceContext, desk: Desk, maria: ImportResult
) -> None:
    attached = desk.drop(resume("again.txt", name="Maria Lopez", emails=("maria@example.com",)))
    assert attached.attach_audit_id is not None
    step = latest_step(ctx, maria.candidate_id)
    assert step is not None and step.possible and step.audit_id == attached.attach_audit_id
    assert step.description == "adding again.txt to Maria Lopez"
    undo_step(ctx, attached.attach_audit_id)
    assert latest_step(ctx, maria.candidate_id) is None  # nothing left to undo
    with pytest.raises(UndoRefusedError, match="already undone"):
        undo_step(ctx, attached.attach_audit_id)
    redo_step(ctx, attached.attach_audit_id)
    with pytest.raises(UndoRefusedError, match="already done"):
        redo_step(ctx, attached.attach_audit_id)
    with pytest.raises(NotFoundError):
        undo_step(ctx, 999_999)


def sequence(database: Database, candidate_id: int, name: str) -> int:
    with database.sessions() as session, session.begin():
        campaign = Campaign(name=name, kind=CampaignKind.SEQUENCE)
        session.add(campaign)
        session.flush()
        enrolment = SequenceEnrollment(
            campaign_id=campaign.id,
            candidate_id=candidate_id,
            next_due_at=utc_now() + dt.timedelta(days=1),
        )
        session.add(enrolment)
        session.flush()
        add_to_outbox(
            session,
            [
                Draft(
                    "x@example.com",
                    "Hi",
                    "Hello",
                    candidate_id=candidate_id,
                    enrollment_id=enrolment.id,
                )
            ],
            domain="example.com",
        )
        return enrolment.id


def test_a_merge_is_undone_exactly_and_can_be_redone(
    ctx: ServiceContext, database: Database, desk: Desk, maria: ImportResult, places: dict
) -> None:
    """Both on one job (the other's application is dropped, its history deleted), both in
    one sequence (the other's enrolment is dropped), one unsubscribed (the survivor's queued
    email is cancelled), tags, skills, pools, suspects: all of it comes back."""
    other = desk.drop(
        resume(
            "marie.txt",
            name="Marie Lopez",
            emails=("marie@example.org",),
            location="Denver, CO",
            skills=("Negotiation", "Excel"),
        ),
        IntakeTarget(job_id=places["other_job"]),
    )
    assert other.possible_duplicates == (maria.candidate_id,)
    with database.sessions() as session:
        stages = session.scalars(
            select(Stage.id).where(Stage.job_id == places["job"]).order_by(Stage.position)
        ).all()
    add_to_job(ctx, [other.candidate_id], places["job"], stages[1], "test")
    tag(database, other.candidate_id, "Remote")
    tag(database, other.candidate_id, "Spanish")
    sequence(database, maria.candidate_id, "Nurture")
    sequence(database, other.candidate_id, "Follow-up")
    unsubscribe(ctx, other.candidate_id)
    before = dump_candidate_tables(database)

    merge_candidates(ctx, maria.candidate_id, other.candidate_id, {"location": "other"})
    merged = dump_candidate_tables(database)
    assert merged != before
    with database.sessions() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "candidate.merge")
        ).one()
    step = latest_step(ctx, maria.candidate_id)
    assert step is not None and step.possible and step.audit_id == entry.id
    assert step.description == "merging Marie Lopez into Maria Lopez"

    undone = undo_step(ctx, entry.id)
    assert dump_candidate_tables(database) == before
    assert set(undone.value.candidate_ids) == {maria.candidate_id, other.candidate_id}
    assert [s.other_candidate_id for s in list_duplicate_suspects(ctx)] == [maria.candidate_id]
    redo_step(ctx, entry.id)
    assert dump_candidate_tables(database) == merged
    undo_step(ctx, entry.id)
    assert dump_candidate_tables(database) == before


def test_a_merge_is_not_undone_after_an_email_went_out(
    ctx: ServiceContext, database: Database, maria: ImportResult
) -> None:
    other = create_candidate(ctx, CandidateInput("Maria", "Lopez", email="ml@x.org")).value
    sequence(database, other, "Follow-up")
    merge_candidates(ctx, maria.candidate_id, other, {})
    with database.sessions() as session, session.begin():
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "candidate.merge")
        ).one()
        from app.store.engagement import OutboxMessage

        for message in session.scalars(select(OutboxMessage)):
            message.state = MessageState.SENT  # the dispatcher sent it meanwhile
    with pytest.raises(UndoRefusedError, match=r"changed since \(emails\)"):
        undo_step(ctx, entry.id)


class TestDifferentPerson:
    def test_a_phone_only_match_never_merges(
        self, ctx: ServiceContext, database: Database, desk: Desk, maria: ImportResult
    ) -> None:
        """Another person's resume with the same number: a new candidate and a suspect."""
        tables = ("candidate_emails", "candidate_phones", "candidate_skills", "pool_memberships")
        before = {table: owned(database, table, maria.candidate_id) for table in tables}
        other = desk.drop(
            resume(
                "tom.txt",
                name="Tom Baker",
                emails=("tom@example.net",),
                phones=("(415) 867-5309",),
                skills=("Welding",),
            )
        )
        assert other.created and other.candidate_id != maria.candidate_id
        [suspect] = list_duplicate_suspects(ctx)
        assert (suspect.candidate_id, suspect.other_candidate_id) == (
            other.candidate_id,
            maria.candidate_id,
        )
        assert "same phone number" in suspect.reason and "Maria Lopez" in suspect.reason
        assert {table: owned(database, table, maria.candidate_id) for table in tables} == before

    @pytest.mark.parametrize(
        "number",
        [
            "(123) 456-7890",
            "123-456-7890",
            "1234567890",
            "0123456789",
            "000-000-0000",
            "111-111-1111",
            "555-0100",
            "(303) 555-0142",
            "+1 720 555 0199",
        ],
    )
    def test_placeholder_numbers_are_kept_but_never_matched(
        self, ctx: ServiceContext, database: Database, desk: Desk, number: str
    ) -> None:
        first = desk.drop(resume("a.txt", name="Ann Able", emails=("ann@a.org",), phones=(number,)))
        second = desk.drop(resume("b.txt", name="Ann Able", phones=(number,)))
        assert second.created and second.candidate_id != first.candidate_id
        assert list_duplicate_suspects(ctx) == []  # no city or employer: nothing to suspect
        [stored] = owned(database, "candidate_phones", second.candidate_id)  # type: ignore[arg-type]
        assert stored[2] == number

    def test_split_undoes_the_attach_and_makes_a_new_candidate(
        self,
        ctx: ServiceContext,
        database: Database,
        desk: Desk,
        maria: ImportResult,
        places: dict,
    ) -> None:
        tables = ("candidate_emails", "candidate_phones", "candidate_skills", "applications")
        before = {table: owned(database, table, maria.candidate_id) for table in tables}
        wrong = desk.drop(
            resume(
                "maria-l.txt",
                name="Maria Lopez",
                phones=("+1 415 867 5309",),
                location="Denver, CO",
                current_title="Nurse",
                skills=("Triage",),
            ),
            IntakeTarget(job_id=places["job"]),
        )
        assert not wrong.created and wrong.matched_by.startswith("same phone number")
        split = split_attached_resume(ctx, wrong.document_id).value
        assert split.created and split.candidate_id not in (None, maria.candidate_id)
        assert split.application_id is not None  # placed where the file was dropped
        assert {table: owned(database, table, maria.candidate_id) for table in tables} == before
        rows = sqlite_rows(
            database.path,
            f"SELECT first_name, last_name, current_title FROM candidates WHERE id = "
            f"{split.candidate_id}",
        )
        assert rows == [("Maria", "Lopez", "Nurse")]
        with database.sessions() as session:
            assert session.get_one(Document, wrong.document_id).candidate_id == split.candidate_id
        assert list_duplicate_suspects(ctx) == []  # the recruiter said: two people
        with pytest.raises(UndoRefusedError, match="not added to an existing candidate"):
            split_attached_resume(ctx, wrong.document_id)


def test_undoing_a_merge_gives_each_person_their_tasks_back(demo_ctx, demo_database) -> None:
    import datetime as dt

    from app.services.candidates.duplicates import merge_candidates
    from app.services.candidates.merge_undo import undo_step
    from app.services.pipeline.tasks import TaskInput, create_task
    from tests.support import sqlite_rows

    def owners() -> dict[int, int]:
        return dict(sqlite_rows(demo_database.path, "SELECT id, candidate_id FROM tasks"))

    due = dt.date(2026, 12, 10)
    kept = create_task(demo_ctx, TaskInput("Call back", due, candidate_id=11)).value
    moved = create_task(demo_ctx, TaskInput("Send offer", due, candidate_id=12)).value
    merged = merge_candidates(demo_ctx, 11, 12, {}).value
    assert owners() == {kept: 11, moved: 11}  # the merged-away person's task went along
    undo_step(demo_ctx, merged.audit_id)
    assert owners() == {kept: 11, moved: 12}


def test_a_snapshot_from_before_tasks_still_undoes(demo_ctx, demo_database) -> None:
    """Merges recorded by an older version have no tasks in their snapshots."""
    import json

    from sqlalchemy import text

    from app.services.candidates.duplicates import merge_candidates
    from app.services.candidates.merge_undo import undo_step
    from tests.support import sqlite_rows

    merged = merge_candidates(demo_ctx, 21, 22, {}).value
    with demo_database.engine.begin() as connection:
        before, after = connection.execute(
            text("SELECT before, after FROM audit_entries WHERE id = :id"),
            {"id": merged.audit_id},
        ).one()
    old_before, old_after = json.loads(before), json.loads(after)
    for shot in (old_before["restore"], old_after["restore"]):
        del shot["tables"]["tasks"], shot["columns"]["tasks"]
    with demo_database.engine.begin() as connection:  # the audit table is append-only:
        connection.exec_driver_sql("DROP TRIGGER IF EXISTS audit_entries_no_update")
        connection.execute(
            text("UPDATE audit_entries SET before = :b, after = :a WHERE id = :id"),
            {"b": json.dumps(old_before), "a": json.dumps(old_after), "id": merged.audit_id},
        )
    undo_step(demo_ctx, merged.audit_id)
    assert sqlite_rows(demo_database.path, "SELECT count(*) FROM candidates WHERE id = 22") == [
        (1,)
    ]


def test_undoing_a_merge_puts_interviews_and_offers_back_on_their_application(
    demo_ctx, demo_database
) -> None:
    """Both applied to the same job: the merge keeps one application and moves the other's
    interview and offer onto it; undo gives each back to the application it came from."""
    from app.services.pipeline.interviews import InterviewInput, schedule_interview
    from app.services.pipeline.offers import OfferInput, record_offer
    from app.store.enums import PayBasis
    from tests.support import sqlite_rows

    [(job, stage)] = sqlite_rows(
        demo_database.path,
        "SELECT j.id, min(s.id) FROM jobs j JOIN stages s ON s.job_id = j.id"
        " WHERE j.status = 'open' AND s.kind = 'active' GROUP BY j.id ORDER BY j.id LIMIT 1",
    )
    one = create_candidate(demo_ctx, CandidateInput("Ines", "Duarte", email="ines@a.example"))
    two = create_candidate(demo_ctx, CandidateInput("Ines", "Duarte", email="ines@b.example"))
    add_to_job(demo_ctx, [one.value, two.value], job, stage, "Referral")
    kept_app, dropped_app = (
        sqlite_rows(
            demo_database.path,
            f"SELECT id FROM applications WHERE candidate_id = {person.value} AND job_id = {job}",
        )[0][0]
        for person in (one, two)
    )
    interview = schedule_interview(
        demo_ctx,
        InterviewInput(
            dropped_app,
            dt.date(2026, 12, 15),
            dt.time(9, 30),
            "Europe/Lisbon",
            user_ids=(demo_ctx.actor.user_id,),
            candidate_invited=False,
        ),
    ).value.interview_id
    offer = record_offer(demo_ctx, dropped_app, OfferInput(PayBasis.SALARY, 6_500_000)).value

    def homes() -> tuple[int, int]:
        [(on_interview,)] = sqlite_rows(
            demo_database.path, f"SELECT application_id FROM interviews WHERE id = {interview}"
        )
        [(on_offer,)] = sqlite_rows(
            demo_database.path, f"SELECT application_id FROM offers WHERE id = {offer}"
        )
        return on_interview, on_offer

    merged = merge_candidates(demo_ctx, one.value, two.value, {}).value
    assert homes() == (kept_app, kept_app)
    undo_step(demo_ctx, merged.audit_id)
    assert homes() == (dropped_app, dropped_app)
