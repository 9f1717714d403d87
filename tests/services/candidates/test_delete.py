"""Deleting a candidate: every dependent row and stored file goes, in one audited transaction,
and the search indexes and stage counts stay right."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.parsing.result import ParsedResume
from app.services.candidates.bulk import add_to_job, tag_candidates
from app.services.candidates.delete import (
    delete_candidate,
    deletion_preview,
    remove_unused_files,
)
from app.services.candidates.pools import add_members
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.candidates.search import search_candidates
from app.services.candidates.timeline import add_note
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.engagement.outbox import Draft, add_to_outbox
from app.services.intake.importer import import_resume
from app.services.pipeline.board import MoveRequest, move_applications
from app.services.pipeline.interviews import InterviewInput, schedule_interview
from app.services.pipeline.offers import OfferInput, record_offer
from app.store.database import Database
from app.store.engagement import (
    Campaign,
    CampaignKind,
    MessageState,
    OutboxMessage,
    SequenceEnrollment,
)
from app.store.enums import PayBasis
from app.store.models import DuplicateSuspect, StageTally
from app.store.search import rebuild_candidate_search
from tests.services.candidates.test_pools_crm import World
from tests.support import AuditWatch, applied_long_ago, count_rows, create_pool

# Every table with a candidate_id, and how to count one candidate's rows in it.
PER_CANDIDATE = {
    "candidate_emails": "candidate_id",
    "candidate_phones": "candidate_id",
    "candidate_skills": "candidate_id",
    "candidate_tags": "candidate_id",
    "experiences": "candidate_id",
    "educations": "candidate_id",
    "applications": "candidate_id",
    "activities": "candidate_id",
    "documents": "candidate_id",
    "pool_memberships": "candidate_id",
    "sequence_enrollments": "candidate_id",
    "outbox_messages": "candidate_id",
    "submittals": "candidate_id",
}


def _rows_of(database: Database, candidate_id: int) -> dict[str, int]:
    with database.engine.connect() as connection:
        counts = {
            table: connection.exec_driver_sql(
                f"SELECT count(*) FROM {table} WHERE {column} = ?", (candidate_id,)
            ).scalar_one()
            for table, column in PER_CANDIDATE.items()
        }
        counts["stage_changes"] = connection.exec_driver_sql(
            "SELECT count(*) FROM stage_changes s JOIN applications a"
            " ON a.id = s.application_id WHERE a.candidate_id = ?",
            (candidate_id,),
        ).scalar_one()
        for table in ("interviews", "offers"):
            counts[table] = connection.exec_driver_sql(
                f"SELECT count(*) FROM {table} t JOIN applications a"
                " ON a.id = t.application_id WHERE a.candidate_id = ?",
                (candidate_id,),
            ).scalar_one()
        counts["duplicate_suspects"] = connection.exec_driver_sql(
            "SELECT count(*) FROM duplicate_suspects WHERE candidate_id = ?"
            " OR other_candidate_id = ?",
            (candidate_id, candidate_id),
        ).scalar_one()
    return counts


class Setup:
    """Jane, with something in every table that hangs on a candidate, and Ann beside her."""

    def __init__(self, ctx: ServiceContext, database: Database, folder: Path):
        self.ctx, self.database, self.documents = ctx, database, folder / "documents"
        world = World(database)
        self.job = world.job("Engineer")
        self.other_job = world.job("Analyst")
        self.jane = create_candidate(
            ctx,
            CandidateInput(
                "Jane", "Roe", email="jane@roe.example", phone="+1 512 555 0100", location="Austin"
            ),
        ).value
        self.ann = create_candidate(ctx, CandidateInput("Ann", "Lee", email="ann@x.example")).value
        self.files = [self._resume(f"jane-{n}.txt", "jane@roe.example") for n in (1, 2)]
        self.ann_file = self._resume("ann.txt", "ann@x.example")
        both = [self.jane, self.ann]
        self.applications = add_to_job(ctx, both, self.job["job"], self.job["Screened"], "List")
        add_to_job(ctx, [self.jane], self.other_job["job"], self.other_job["Applied"], "List")
        add_note(ctx, self.jane, "Met at the meetup; knows Kafka.")
        tag_candidates(ctx, both, "Finance")
        self.pool = create_pool(ctx, "Engineers").value
        add_members(ctx, self.pool, both)
        with ctx.write() as tx:
            tx.session.add(
                DuplicateSuspect(
                    candidate_id=self.ann, other_candidate_id=self.jane, score=90, reason="x"
                )
            )
            one_off = Campaign(name="Email to Jane Roe: Hi", kind=CampaignKind.ONE_OFF)
            bulk = Campaign(name="Autumn roles", kind=CampaignKind.BULK)
            tx.session.add_all([one_off, bulk])
            tx.session.flush()
            self.one_off, self.bulk = one_off.id, bulk.id
            enrolment = SequenceEnrollment(campaign_id=bulk.id, candidate_id=self.jane)
            tx.session.add(enrolment)
            tx.session.flush()
            self.messages = add_to_outbox(
                tx.session,
                [
                    Draft(
                        "jane@roe.example",
                        "Hi",
                        "Hello Jane",
                        campaign_id=one_off.id,
                        candidate_id=self.jane,
                    ),
                    Draft(
                        "jane@roe.example",
                        "Roles",
                        "Roles for Jane",
                        campaign_id=bulk.id,
                        candidate_id=self.jane,
                        enrollment_id=enrolment.id,
                    ),
                    Draft(
                        "ann@x.example",
                        "Roles",
                        "Roles for Ann",
                        campaign_id=bulk.id,
                        candidate_id=self.ann,
                    ),
                ],
                domain="agency.example",
            )
            tx.session.execute(
                text("UPDATE outbox_messages SET state = 'sent' WHERE id = :i"),
                {"i": self.messages[0]},
            )

        # The hiring loop's records hang on her application: an interview and an offer.
        with ctx.read() as session:
            jane_application = session.scalar(
                text("SELECT id FROM applications WHERE candidate_id = :c ORDER BY id LIMIT 1"),
                {"c": self.jane},
            )
        schedule_interview(
            ctx,
            InterviewInput(
                jane_application,
                dt.date(2026, 12, 14),
                dt.time(10, 0),
                "Europe/London",
                user_ids=(ctx.actor.user_id,),
                candidate_invited=False,
            ),
        )
        record_offer(ctx, jane_application, OfferInput(PayBasis.SALARY, 9_000_000))

    def _resume(self, name: str, email: str) -> Path:
        source = self.documents.parent / name
        source.write_text(f"Resume {name} Kafka Rust\n", encoding="utf-8")
        parsed = ParsedResume(file=name, emails=(email,), text=f"Resume {name} Kafka Rust")
        result = import_resume(self.ctx, self.documents, source, parsed).value
        with self.ctx.read() as session:
            from app.store.models import Document

            return self.documents / session.get(Document, result.document_id).stored_path


@pytest.fixture
def setup(ctx: ServiceContext, database: Database, tmp_path: Path) -> Setup:
    made = Setup(ctx, database, tmp_path)
    leave_pipeline(ctx, made.jane)  # deleting someone still in a hiring process is refused
    applied_long_ago(database, made.jane)  # ... and someone the flow log must still list
    return made


def leave_pipeline(ctx: ServiceContext, candidate_id: int) -> None:
    """Move each of the candidate's applications to its job's rejected stage."""
    with ctx.read() as session:
        rows = session.execute(
            text(
                "SELECT a.id, a.version, s.id FROM applications a JOIN stages s"
                " ON s.job_id = a.job_id AND s.kind = 'rejected' WHERE a.candidate_id = :c"
            ),
            {"c": candidate_id},
        ).all()
    moves = [
        MoveRequest(app, version, stage, rejection_reason="Other") for app, version, stage in rows
    ]
    move_applications(ctx, moves)


def test_someone_still_in_a_hiring_process_is_not_deleted(
    ctx: ServiceContext, database: Database, setup: Setup
) -> None:
    preview = deletion_preview(ctx, setup.ann)
    assert preview.in_pipeline == ("Engineer",)
    assert "Ann Lee is still in the pipeline for Engineer" in (preview.refusal() or "")
    before = _rows_of(database, setup.ann)
    with pytest.raises(ValidationError) as refused:
        delete_candidate(ctx, setup.ann, setup.documents)
    assert "Withdraw or reject them there first" in refused.value.errors["candidate"]
    assert _rows_of(database, setup.ann) == before
    leave_pipeline(ctx, setup.ann)
    applied_long_ago(database, setup.ann)
    assert deletion_preview(ctx, setup.ann).refusal() is None
    delete_candidate(ctx, setup.ann, setup.documents)
    assert set(_rows_of(database, setup.ann).values()) == {0}


def test_someone_who_applied_within_two_years_is_erased_not_deleted(
    ctx: ServiceContext, database: Database, setup: Setup
) -> None:
    """The applicant flow log lists every application for two years: deleting the person
    would take their rows out of it, so it is refused and erasure (which keeps them,
    anonymised) is named instead."""
    leave_pipeline(ctx, setup.ann)
    preview = deletion_preview(ctx, setup.ann)
    assert preview.recent_applications == 1
    assert preview.refusal() == (
        "Ann Lee cannot be deleted yet: the applicant flow log must keep their application "
        "from the last two years. Erase their personal data instead (Privacy → Erase personal "
        "data…): the applications stay, anonymised."
    )
    before = _rows_of(database, setup.ann)
    with pytest.raises(ValidationError) as refused:
        delete_candidate(ctx, setup.ann, setup.documents)
    assert "the applicant flow log must keep" in refused.value.errors["candidate"]
    assert _rows_of(database, setup.ann) == before
    # Two years and a day after the last application, the records may go.
    applied_long_ago(database, setup.ann, years=2)
    assert deletion_preview(ctx, setup.ann).recent_applications == 1  # 730 days: not yet
    with database.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE applications SET applied_at = datetime(applied_at, '-2 days')"
            " WHERE candidate_id = ?",
            (setup.ann,),
        )
    assert deletion_preview(ctx, setup.ann).refusal() is None
    delete_candidate(ctx, setup.ann, setup.documents)
    assert set(_rows_of(database, setup.ann).values()) == {0}


def test_someone_who_never_applied_is_deleted_at_once(ctx: ServiceContext, setup: Setup) -> None:
    sourced = create_candidate(ctx, CandidateInput("Sam", "Ode", email="sam@x.example")).value
    assert deletion_preview(ctx, sourced).refusal() is None
    assert delete_candidate(ctx, sourced).value.name == "Sam Ode"


def test_the_preview_counts_what_goes(ctx: ServiceContext, setup: Setup) -> None:
    preview = deletion_preview(ctx, setup.jane)
    assert preview.name == "Jane Roe"
    assert (preview.applications, preview.documents, preview.pools) == (2, 2, 1)
    assert preview.activities >= 4  # two resumes, two applications, the note
    assert (preview.emails, preview.waiting_emails, preview.sequences) == (2, 1, 1)
    with pytest.raises(NotFoundError):
        deletion_preview(ctx, 9999)


def test_deleting_removes_every_dependent_row_and_nothing_of_anyone_else(
    ctx: ServiceContext, database: Database, setup: Setup
) -> None:
    before = _rows_of(database, setup.jane)
    assert all(
        before[table]
        for table in ("applications", "stage_changes", "documents", "interviews", "offers")
    )
    ann_before = _rows_of(database, setup.ann)
    documents = count_rows(database, "documents")
    watch = AuditWatch(database)
    done = delete_candidate(ctx, setup.jane, setup.documents)
    assert set(_rows_of(database, setup.jane).values()) == {0}
    assert count_rows(database, "documents") == documents - 2  # gone, not left unowned
    with database.engine.connect() as connection:
        assert (
            connection.exec_driver_sql(
                "SELECT count(*) FROM candidates WHERE id = ?", (setup.jane,)
            ).scalar_one()
            == 0
        )
    ann_after = _rows_of(database, setup.ann)
    assert ann_after == ann_before | {"duplicate_suspects": 0}  # the pair went with Jane
    assert done.value.removed["applications"] == 2 and done.value.removed["documents"] == 2
    assert done.value.removed["emails"] == 2 and done.value.removed["sequences"] == 1
    # One entry: who (name, id) and how much, none of her details.
    [entry] = watch.new()
    assert (entry.action, entry.entity_id, entry.before) == (
        "candidate.delete",
        setup.jane,
        {"name": "Jane Roe"},
    )
    recorded = json.dumps(entry.after)
    for detail in ("jane@roe.example", "555", "Austin", "Kafka", "Hello Jane"):
        assert detail not in recorded
    assert entry.after["removed"]["applications"] == 2
    assert done.changes.touches(
        ChangeKind.CANDIDATES,
        ChangeKind.APPLICATIONS,
        ChangeKind.JOBS,
        ChangeKind.POOLS,
        ChangeKind.OUTBOX,
    )


def test_mail_and_campaigns_follow(ctx: ServiceContext, database: Database, setup: Setup) -> None:
    delete_candidate(ctx, setup.jane)
    with ctx.read() as session:
        left = session.execute(select(OutboxMessage.id, OutboxMessage.candidate_id)).all()
        campaigns = set(session.scalars(select(Campaign.id)))
    assert left == [(setup.messages[2], setup.ann)]  # Ann's email stays, Jane's go
    assert campaigns == {setup.bulk}  # the one-off named after Jane went with her


def test_stage_counts_and_search_indexes_stay_right(
    ctx: ServiceContext, database: Database, setup: Setup
) -> None:
    def tally(stage_id: int) -> int:
        with ctx.read() as session:
            return session.get(StageTally, stage_id).applications

    rejected = tally(setup.job["Rejected"])  # where Jane left the pipeline (see `setup`)
    assert {h.candidate_id for h in search_candidates(ctx, "kafka").hits} == {
        setup.jane,
        setup.ann,
    }
    delete_candidate(ctx, setup.jane, setup.documents)
    assert tally(setup.job["Rejected"]) == rejected - 1
    assert tally(setup.other_job["Rejected"]) == 0
    assert search_candidates(ctx, "roe").hits == []
    assert {h.candidate_id for h in search_candidates(ctx, "kafka").hits} == {setup.ann}
    sql = "SELECT rowid, * FROM candidate_search ORDER BY rowid"
    with database.engine.begin() as connection:
        kept = connection.execute(text(sql)).all()
        assert setup.jane not in [row[0] for row in kept]
        rebuild_candidate_search(connection)
        assert connection.execute(text(sql)).all() == kept
        resumes = connection.exec_driver_sql(
            "SELECT count(*) FROM candidate_search WHERE candidate_search MATCH 'resume : jane'"
        ).scalar_one()
        suspended = connection.exec_driver_sql("SELECT suspended FROM search_control").scalar_one()
    assert resumes == 0 and suspended == 0


def test_stored_files_go_after_the_commit_and_others_stay(
    ctx: ServiceContext, setup: Setup
) -> None:
    assert all(path.is_file() for path in setup.files)
    done = delete_candidate(ctx, setup.jane, setup.documents)
    assert not any(path.exists() for path in setup.files)
    assert setup.ann_file.is_file()
    assert sorted(done.value.files_removed) == sorted(
        path.relative_to(setup.documents).as_posix() for path in setup.files
    )
    assert done.value.files_left == ()


def test_a_file_still_named_by_a_document_or_outside_the_folder_is_never_removed(
    ctx: ServiceContext, setup: Setup, tmp_path: Path
) -> None:
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me", encoding="utf-8")
    ann_path = setup.ann_file.relative_to(setup.documents).as_posix()
    removed, left = remove_unused_files(ctx, setup.documents, [ann_path, "../precious.txt"])
    assert (removed, left) == ((), ())
    assert setup.ann_file.is_file() and outside.is_file()


def test_refused_while_an_email_to_them_is_being_sent(
    ctx: ServiceContext, database: Database, setup: Setup
) -> None:
    with ctx.write() as tx:
        tx.session.execute(
            text("UPDATE outbox_messages SET state = 'sending' WHERE id = :i"),
            {"i": setup.messages[1]},
        )
    watch = AuditWatch(database)
    with pytest.raises(ValidationError) as refused:
        delete_candidate(ctx, setup.jane, setup.documents)
    assert "being sent right now" in refused.value.errors["candidate"]
    assert watch.new() == [] and all(path.is_file() for path in setup.files)
    assert _rows_of(database, setup.jane)["applications"] == 2
    with ctx.read() as session:
        assert session.get(OutboxMessage, setup.messages[1]).state is MessageState.SENDING


def test_deleting_someone_already_gone_says_so(ctx: ServiceContext, setup: Setup) -> None:
    delete_candidate(ctx, setup.jane)
    with pytest.raises(NotFoundError):
        delete_candidate(ctx, setup.jane)


def test_a_failure_midway_leaves_everything_in_place(
    ctx: ServiceContext, database: Database, setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support import fail_on_changed

    before = _rows_of(database, setup.jane)
    total = count_rows(database, "audit_entries")
    fail_on_changed(monkeypatch)
    with pytest.raises(RuntimeError):
        delete_candidate(ctx, setup.jane, setup.documents)
    assert _rows_of(database, setup.jane) == before
    assert count_rows(database, "audit_entries") == total
    assert all(path.is_file() for path in setup.files)
    with database.engine.connect() as connection:
        suspended = connection.exec_driver_sql("SELECT suspended FROM search_control").scalar_one()
    assert suspended == 0


def test_the_question_counts_their_tasks_and_deleting_takes_them(
    ctx: ServiceContext, setup: Setup, database: Database
) -> None:
    import datetime as dt

    from app.services.pipeline.tasks import TaskInput, create_task
    from app.ui.dialogs.candidate_actions import deletion_question
    from tests.support import count_rows

    for title in ("Call back", "Send offer"):
        create_task(ctx, TaskInput(title, dt.date(2026, 12, 10), candidate_id=setup.jane))
    preview = deletion_preview(ctx, setup.jane)
    assert preview.tasks == 2
    assert "2 tasks" in deletion_question(preview)
    delete_candidate(ctx, setup.jane)
    assert count_rows(database, "tasks") == 0
