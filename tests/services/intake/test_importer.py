"""Importing one parsed resume: the stored file, the document, the candidate and placement.

The service's input is a `ParsedResume`, so these tests build it directly and pair it with a
real file (TXT or DOCX) that gets copied into the document store.
"""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import docx
import pytest
from sqlalchemy import select

from app.parsing.result import EducationEntry, Employment, ParsedResume
from app.services.candidates.record_snapshot import rows
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.intake.importer import (
    ImportResult,
    IntakeTarget,
    import_resume,
    split_name,
)
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.jobs import JobInput, create_job
from app.store.database import Database
from app.store.models import (
    Activity,
    ActivityKind,
    Application,
    Candidate,
    Document,
    PoolMembership,
    Stage,
    StageChange,
    StageTally,
)
from tests.support import AuditWatch, count_rows, create_pool, fail_on_changed, sha256_of


def write_txt(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


def write_docx(folder: Path, name: str, lines: list[str]) -> Path:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    path = folder / name
    document.save(str(path))
    return path


def jane(file: str = "jane.txt", **changes: object) -> ParsedResume:
    values: dict[str, object] = {
        "file": file,
        "name": "Jane Q. Doe",
        "emails": ("Jane.Doe@Example.com",),
        "phones": ("+15550102030",),
        "location": "Austin, TX",
        "links": ("https://linkedin.com/in/janedoe",),
        "current_title": "Data Engineer",
        "current_employer": "Acme Corp",
        "employers": (
            Employment("Acme Corp", "Data Engineer", "2021-03", "present"),
            Employment("Globex", "Analyst", "2018", "2021-02"),
        ),
        "education": (EducationEntry("University of Texas", "BSc Computer Science", "2018"),),
        "skills": ("Python", "SQL", "Airflow"),
        "confidence": {"name": 0.95},
        "text": "Jane Q. Doe\nData Engineer at Acme Corp",
        "media_type": "text/plain",
        "pages": 1,
    }
    values.update(changes)
    return ParsedResume(**values)  # type: ignore[arg-type]


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    return tmp_path / "documents"


@pytest.fixture
def resume_file(tmp_path: Path) -> Path:
    return write_txt(tmp_path, "jane.txt", "Jane Q. Doe\nData Engineer at Acme Corp\n")


def stored_files(docs: Path) -> list[Path]:
    return sorted(p for p in docs.rglob("*") if p.is_file()) if docs.exists() else []


def make_job(ctx: ServiceContext) -> int:
    client = create_client(ctx, ClientInput(name="Initech")).value
    return create_job(ctx, JobInput(client_id=client, title="Data Engineer")).value


class TestNewCandidate:
    def test_creates_candidate_document_and_stored_file(
        self, ctx: ServiceContext, database: Database, docs: Path, resume_file: Path
    ):
        watch = AuditWatch(database)
        result = import_resume(ctx, docs, resume_file, jane(), None)
        value = result.value
        assert value.created and not value.duplicate_document
        assert value.conflicts == {} and value.possible_duplicates == ()
        digest = sha256_of(resume_file)
        stored = docs / digest[:2] / f"{digest}.txt"
        assert stored_files(docs) == [stored]
        assert stored.read_bytes() == resume_file.read_bytes()
        with database.sessions() as session:
            document = session.get_one(Document, value.document_id)
            assert document.candidate_id == value.candidate_id
            assert (document.sha256, document.stored_path) == (digest, f"{digest[:2]}/{digest}.txt")
            assert document.original_name == "jane.txt"
            assert document.media_type == "text/plain"
            assert document.parse_status == "parsed"
            assert document.text.startswith("Jane Q. Doe")
            assert document.parsed_fields == jane().to_json()
            candidate = session.get_one(Candidate, value.candidate_id)
            assert (candidate.first_name, candidate.middle_name, candidate.last_name) == (
                "Jane",
                "Q.",
                "Doe",
            )
            assert [e.email for e in candidate.emails] == ["jane.doe@example.com"]
            assert [p.phone for p in candidate.phones] == ["+15550102030"]
            assert candidate.location == "Austin, TX"
            assert candidate.links == ["https://linkedin.com/in/janedoe"]
            assert (candidate.current_title, candidate.current_employer) == (
                "Data Engineer",
                "Acme Corp",
            )
            assert candidate.source == "Resume import"
            assert candidate.owner_id == ctx.actor.user_id
            assert [(e.company, e.title, e.start, e.end) for e in candidate.experiences] == [
                ("Acme Corp", "Data Engineer", "2021-03", "present"),
                ("Globex", "Analyst", "2018", "2021-02"),
            ]
            assert [(e.institution, e.degree, e.year) for e in candidate.educations] == [
                ("University of Texas", "BSc Computer Science", "2018")
            ]
            assert sorted(s.name for s in candidate.skills) == ["Airflow", "Python", "SQL"]
            [note] = session.scalars(select(Activity).where(Activity.candidate_id == candidate.id))
            assert (note.kind, note.subject) == (ActivityKind.NOTE, "Resume imported: jane.txt")
        actions = [(e.action, e.entity_type) for e in watch.new()]
        assert actions == [("candidate.create", "candidate"), ("document.import", "document")]
        assert result.changes.ids[ChangeKind.CANDIDATES] == {value.candidate_id}
        assert result.changes.ids[ChangeKind.DOCUMENTS] == {value.document_id}

    def test_result_is_plain_picklable_data(
        self, ctx: ServiceContext, docs: Path, resume_file: Path
    ):
        value = import_resume(ctx, docs, resume_file, jane(), None).value
        assert isinstance(value, ImportResult)
        assert pickle.loads(pickle.dumps(value)) == value

    def test_docx_file_is_stored_with_its_suffix(
        self, ctx: ServiceContext, database: Database, docs: Path, tmp_path: Path
    ):
        path = write_docx(tmp_path, "Jane Doe.DOCX", ["Jane Doe", "jane@example.com"])
        parsed = jane(
            "Jane Doe.DOCX",
            media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        value = import_resume(ctx, docs, path, parsed, None).value
        digest = sha256_of(path)
        assert stored_files(docs) == [docs / digest[:2] / f"{digest}.docx"]
        with database.sessions() as session:
            assert session.get_one(Document, value.document_id).original_name == "Jane Doe.DOCX"

    def test_warnings_mark_the_parse_status(self, ctx, database, docs, resume_file):
        value = import_resume(ctx, docs, resume_file, jane(warnings=("no dates",)), None).value
        with database.sessions() as session:
            assert session.get_one(Document, value.document_id).parse_status == (
                "parsed_with_warnings"
            )

    def test_a_resume_without_a_name_still_makes_a_findable_record(
        self, ctx, database, docs, resume_file
    ):
        value = import_resume(ctx, docs, resume_file, jane(name=None), None).value
        with database.sessions() as session:
            candidate = session.get_one(Candidate, value.candidate_id)
            assert (candidate.first_name, candidate.last_name) == ("Unknown", "(jane)")

    def test_skills_reuse_existing_rows_case_insensitively(self, ctx, database, docs, tmp_path):
        first = write_txt(tmp_path, "a.txt", "a")
        second = write_txt(tmp_path, "b.txt", "b")
        import_resume(ctx, docs, first, jane(skills=("Python",)), None)
        other = jane(name="Ann Other", emails=("ann@x.org",), phones=(), skills=("python", "Go"))
        import_resume(ctx, docs, second, other, None)
        assert count_rows(database, "skills") == 2
        assert count_rows(database, "candidate_skills") == 3


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Jane Doe", ("Jane", None, "Doe")),
        ("Jane Q. Doe", ("Jane", "Q.", "Doe")),
        ("Doe, Jane", ("Jane", None, "Doe")),
        ("Maria de la Cruz", ("Maria", None, "de la Cruz")),
        ("John Smith Jr.", ("John", None, "Smith Jr.")),
        ("Cher", ("Cher", None, "")),
        ("Anna Berg, PhD", ("Anna", None, "Berg")),
        ("  ", None),
    ],
)
def test_split_name(name: str, expected: tuple[str, str | None, str] | None):
    assert split_name(name) == expected


class TestSameFileTwice:
    def test_second_import_returns_the_existing_document(
        self, ctx: ServiceContext, database: Database, docs: Path, resume_file: Path, tmp_path
    ):
        first = import_resume(ctx, docs, resume_file, jane(), None).value
        copy = tmp_path / "copy-of-jane.txt"
        copy.write_bytes(resume_file.read_bytes())
        watch = AuditWatch(database)
        second = import_resume(ctx, docs, copy, jane(), None).value
        assert second.duplicate_document and not second.created
        assert (second.document_id, second.candidate_id) == (first.document_id, first.candidate_id)
        assert any("already imported" in note for note in second.notes)
        assert count_rows(database, "documents") == 1
        assert count_rows(database, "candidates") == 1
        assert count_rows(database, "activities") == 1
        assert len(stored_files(docs)) == 1
        assert watch.new() == []  # nothing was written

    def test_second_import_still_places_the_candidate(self, ctx, database, docs, resume_file):
        import_resume(ctx, docs, resume_file, jane(), None)
        job_id = make_job(ctx)
        value = import_resume(ctx, docs, resume_file, jane(), IntakeTarget(job_id=job_id)).value
        assert value.duplicate_document and value.application_id is not None
        assert count_rows(database, "applications") == 1

    def test_a_lost_stored_file_is_restored(self, ctx, docs, resume_file):
        import_resume(ctx, docs, resume_file, jane(), None)
        [stored] = stored_files(docs)
        stored.unlink()
        import_resume(ctx, docs, resume_file, jane(), None)
        assert stored.read_bytes() == resume_file.read_bytes()


class TestExistingCandidate:
    def test_same_email_attaches_fills_empty_fields_and_reports_conflicts(
        self, ctx: ServiceContext, database: Database, docs: Path, resume_file: Path
    ):
        existing = create_candidate(
            ctx,
            CandidateInput(
                first_name="Jane",
                last_name="Doe",
                email="JANE.DOE@example.com",
                location="Dallas, TX",
                current_title="data engineer",  # differs only in case: not a conflict
            ),
        ).value
        watch = AuditWatch(database)
        value = import_resume(ctx, docs, resume_file, jane(), None).value
        assert not value.created and value.candidate_id == existing
        assert value.conflicts == {"location": ("Dallas, TX", "Austin, TX")}
        with database.sessions() as session:
            candidate = session.get_one(Candidate, existing)
            assert candidate.location == "Dallas, TX"  # not applied
            assert candidate.current_employer == "Acme Corp"  # was empty: filled
            assert candidate.middle_name == "Q."
            assert candidate.source == "Manual entry"
            assert [p.phone for p in candidate.phones] == ["+15550102030"]
            assert len(candidate.experiences) == 2
            document = session.get_one(Document, value.document_id)
            assert document.candidate_id == existing
        [update, imported, attach] = watch.new()
        assert update.action == "candidate.update_from_resume"
        assert update.after["current_employer"] == "Acme Corp"
        assert update.after["conflicts"] == {"location": ["Dallas, TX", "Austin, TX"]}
        assert imported.action == "document.import"
        assert (attach.action, attach.entity_id, attach.id) == (
            "candidate.attach_resume",
            existing,
            value.attach_audit_id,
        )
        assert attach.after["matched_by"] == "same email address jane.doe@example.com"
        assert attach.after["document_id"] == value.document_id
        # What undo needs: the candidate's rows before (no document) and after (linked).
        before, after = attach.before["restore"], attach.after["restore"]
        [person] = rows(before, "candidates")
        assert (person["location"], person["current_employer"]) == ("Dallas, TX", None)
        assert rows(before, "documents") == [{"id": value.document_id, "candidate_id": None}]
        assert rows(after, "documents") == [{"id": value.document_id, "candidate_id": existing}]

    def test_same_phone_in_another_format_attaches(
        self, ctx: ServiceContext, database: Database, docs: Path, resume_file: Path
    ):
        existing = create_candidate(
            ctx, CandidateInput(first_name="Jane", last_name="Doe", phone="(555) 010-2030")
        ).value
        value = import_resume(ctx, docs, resume_file, jane(emails=()), None).value
        assert value.candidate_id == existing and not value.created
        assert count_rows(database, "candidate_phones") == 1

    def test_a_second_resume_is_a_new_document_version(
        self, ctx: ServiceContext, database: Database, docs: Path, tmp_path: Path
    ):
        first = write_txt(tmp_path, "v1.txt", "version one")
        second = write_docx(tmp_path, "v2.docx", ["version two"])
        one = import_resume(ctx, docs, first, jane("v1.txt"), None).value
        two = import_resume(
            ctx, docs, second, jane("v2.docx", current_title="Senior Data Engineer"), None
        ).value
        assert two.candidate_id == one.candidate_id and two.document_id != one.document_id
        assert two.conflicts == {"current_title": ("Data Engineer", "Senior Data Engineer")}
        with database.sessions() as session:
            documents = session.scalars(
                select(Document.id).where(Document.candidate_id == one.candidate_id)
            ).all()
            assert len(documents) == 2
            candidate = session.get_one(Candidate, one.candidate_id)
            assert len(candidate.experiences) == 2  # history is not duplicated
            notes = session.scalars(
                select(Activity.body).where(Activity.kind == ActivityKind.NOTE)
            ).all()
            assert any("Resume version 2" in body for body in notes)
            # The timeline names fields in words, never by their column names.
            assert any("Differs from the record in: current title." in body for body in notes)
            assert not any("current_title" in body for body in notes)
        assert len(stored_files(docs)) == 2


class TestTargets:
    def test_job_target_creates_application_stage_change_and_activity(
        self, ctx: ServiceContext, database: Database, docs: Path, resume_file: Path
    ):
        job_id = make_job(ctx)
        with database.sessions() as session:
            stage_id = session.scalars(
                select(Stage.id).where(Stage.job_id == job_id, Stage.name == "Screened")
            ).one()
        watch = AuditWatch(database)
        result = import_resume(ctx, docs, resume_file, jane(), IntakeTarget(job_id, stage_id))
        value = result.value
        with database.sessions() as session:
            application = session.get_one(Application, value.application_id)
            assert (application.candidate_id, application.stage_id) == (
                value.candidate_id,
                stage_id,
            )
            assert application.source == "Resume import"
            [change] = session.scalars(select(StageChange)).all()
            assert (change.from_stage_id, change.to_stage_id) == (None, stage_id)
            kinds = session.scalars(select(Activity.kind).order_by(Activity.id)).all()
            assert kinds == [ActivityKind.NOTE, ActivityKind.STAGE_CHANGE]
            assert session.get_one(StageTally, stage_id).applications == 1
        assert "application.create" in [e.action for e in watch.new()]
        assert result.changes.ids[ChangeKind.APPLICATIONS] == {value.application_id}
        assert result.changes.ids[ChangeKind.JOBS] == {job_id}

    def test_job_without_stage_uses_the_first_stage(self, ctx, database, docs, resume_file):
        job_id = make_job(ctx)
        value = import_resume(ctx, docs, resume_file, jane(), IntakeTarget(job_id=job_id)).value
        with database.sessions() as session:
            stage = session.get_one(Application, value.application_id).stage
            assert stage.name == "Applied"

    def test_existing_application_on_the_job_is_kept(
        self, ctx: ServiceContext, database: Database, docs: Path, tmp_path: Path
    ):
        job_id = make_job(ctx)
        first = write_txt(tmp_path, "1.txt", "one")
        second = write_txt(tmp_path, "2.txt", "two")
        one = import_resume(ctx, docs, first, jane(), IntakeTarget(job_id=job_id)).value
        two = import_resume(ctx, docs, second, jane(), IntakeTarget(job_id=job_id)).value
        assert one.application_id is not None and two.application_id is None
        assert any("Already in the pipeline" in note for note in two.notes)
        assert count_rows(database, "applications") == 1
        assert count_rows(database, "stage_changes") == 1

    def test_pool_target_adds_a_membership(self, ctx, database, docs, resume_file):
        pool_id = create_pool(ctx, "Data people").value
        value = import_resume(ctx, docs, resume_file, jane(), IntakeTarget(pool_id=pool_id)).value
        with database.sessions() as session:
            membership = session.get(PoolMembership, (pool_id, value.candidate_id))
            assert membership is not None and membership.added_by_id == ctx.actor.user_id

    def test_a_stage_of_another_job_is_refused_and_nothing_is_kept(
        self, ctx: ServiceContext, database: Database, docs: Path, resume_file: Path
    ):
        job_id = make_job(ctx)
        other = create_job(ctx, JobInput(client_id=1, title="Other")).value
        with database.sessions() as session:
            foreign = session.scalars(select(Stage.id).where(Stage.job_id == other)).first()
        with pytest.raises(ValidationError):
            import_resume(ctx, docs, resume_file, jane(), IntakeTarget(job_id, foreign))
        assert count_rows(database, "candidates") == 0
        assert count_rows(database, "documents") == 0
        assert stored_files(docs) == []

    def test_a_missing_pool_is_refused(self, ctx, database, docs, resume_file):
        with pytest.raises(NotFoundError):
            import_resume(ctx, docs, resume_file, jane(), IntakeTarget(pool_id=42))
        assert count_rows(database, "candidates") == 0


class TestOneTransactionPerFile:
    def test_failure_mid_import_leaves_no_rows_and_no_file(
        self,
        ctx: ServiceContext,
        database: Database,
        docs: Path,
        resume_file: Path,
        monkeypatch: pytest.MonkeyPatch,
    ):
        watch = AuditWatch(database)
        fail_on_changed(monkeypatch)  # after the rows were flushed and the file was placed
        with pytest.raises(RuntimeError, match="injected"):
            import_resume(ctx, docs, resume_file, jane(), None)
        for table in ("candidates", "documents", "candidate_emails", "skills", "activities"):
            assert count_rows(database, table) == 0, table
        assert watch.new() == []
        assert stored_files(docs) == []

    def test_failure_at_commit_removes_the_placed_file(
        self,
        ctx: ServiceContext,
        database: Database,
        docs: Path,
        resume_file: Path,
        monkeypatch: pytest.MonkeyPatch,
    ):
        from sqlalchemy.orm import SessionTransaction

        def refuse(self: SessionTransaction) -> None:
            raise RuntimeError("disk full")

        monkeypatch.setattr(SessionTransaction, "commit", refuse)
        with pytest.raises(RuntimeError, match="disk full"):
            import_resume(ctx, docs, resume_file, jane(), None)
        monkeypatch.undo()
        assert count_rows(database, "documents") == 0
        assert stored_files(docs) == []

    def test_a_failed_reimport_keeps_the_file_of_the_first(
        self, ctx, database, docs, resume_file, monkeypatch
    ):
        job_id = make_job(ctx)
        import_resume(ctx, docs, resume_file, jane(), None)
        fail_on_changed(monkeypatch)
        with pytest.raises(RuntimeError):
            import_resume(ctx, docs, resume_file, jane(), IntakeTarget(job_id=job_id))
        assert len(stored_files(docs)) == 1
        assert count_rows(database, "documents") == 1

    def test_an_unreadable_source_changes_nothing(self, ctx, database, docs, tmp_path):
        with pytest.raises(FileNotFoundError):
            import_resume(ctx, docs, tmp_path / "gone.txt", jane(), None)
        assert count_rows(database, "documents") == 0
        assert stored_files(docs) == []


def test_import_time_is_recorded_in_utc(ctx, database, docs, resume_file):
    value = import_resume(ctx, docs, resume_file, jane(), None).value
    with database.sessions() as session:
        created = session.get_one(Document, value.document_id).created_at
    assert created.tzinfo is dt.UTC


class TestHostileResumeValues:
    """A resume is an automatic path: over-long values are shortened and control characters
    dropped, and the import still succeeds."""

    def test_over_long_values_are_fitted_not_refused(
        self, ctx: ServiceContext, database: Database, docs: Path, tmp_path: Path
    ):
        source = write_txt(tmp_path, "long\x1b[31m.txt", "A resume\n")
        parsed = jane(
            name="Jane\x00 " + "Doe" * 2_000,
            current_title="Principal " * 500,
            current_employer="\x1bAcme\u202e " + "Holdings " * 300,
            location="Austin\r\nTX " + "x" * 5_000,
            emails=("jane@example.com", "a" * 300 + "@example.com"),
            phones=("+15550102030", "+1 555 " + "0" * 60),
            links=("https://example.com/" + "p" * 600, *(f"example.com/{n}" for n in range(40))),
            employers=(Employment("C" * 5_000, "T\x00" * 1_000, "2021-03-01T00", "present"),),
            education=(EducationEntry("U" * 900, "D" * 900, "2018-2019-2020"),),
            skills=("S" * 500, "Py\x00thon", *(f"skill {n}" for n in range(300))),
            text="line one\x00\x1b[2J\nline two\ttabbed\r\nend",
        )
        result = import_resume(ctx, docs, source, parsed, None).value
        assert result.created
        with database.sessions() as session:
            candidate = session.get_one(Candidate, result.candidate_id)
            assert (candidate.first_name, len(candidate.last_name)) == ("Jane", 100)
            assert candidate.last_name.endswith("…")
            assert len(candidate.current_title) <= 200 and candidate.current_title.endswith("…")
            assert candidate.current_title.startswith("Principal Principal")
            assert candidate.current_employer.startswith("Acme Holdings")
            assert len(candidate.current_employer) <= 200
            assert candidate.location.startswith("Austin TX") and len(candidate.location) <= 200
            assert [e.email for e in candidate.emails] == ["jane@example.com"]
            assert [p.phone for p in candidate.phones] == ["+15550102030"]
            assert candidate.links == [f"example.com/{n}" for n in range(20)]
            [job] = candidate.experiences
            assert (len(job.company), len(job.title), job.start) == (200, 200, "2021-03-01")
            assert "\x00" not in job.title
            [school] = candidate.educations
            assert (len(school.institution), len(school.degree), school.year) == (
                200,
                200,
                "2018-2019-",
            )
            skills = {s.name for s in candidate.skills}
            assert len(skills) == 200 and "Python" in skills
            assert all(len(name) <= 120 for name in skills)
            document = session.get_one(Document, result.document_id)
            assert document.original_name == "long[31m.txt"
            assert document.text == "line one[2J\nline two\ttabbed\nend"
            [note] = session.scalars(
                select(Activity).where(Activity.candidate_id == result.candidate_id)
            )
            assert note.subject == "Resume imported: long[31m.txt"

    def test_a_nameless_file_with_control_characters_names_the_candidate_cleanly(
        self, ctx: ServiceContext, database: Database, docs: Path, tmp_path: Path
    ):
        source = write_txt(tmp_path, "cv\x1b]0;owned\x07\r\n" + "z" * 150 + ".txt", "text\n")
        result = import_resume(ctx, docs, source, jane(name=None), None).value
        with database.sessions() as session:
            candidate = session.get_one(Candidate, result.candidate_id)
            assert candidate.first_name == "Unknown"
            assert (
                candidate.last_name.startswith("(cv]0;owned z") and len(candidate.last_name) <= 100
            )
            assert candidate.last_name.isprintable()


class TestNeedsReview:
    """A file naming nobody (no name, email or phone) makes no candidate by itself."""

    @pytest.mark.parametrize("phones", [(), ("(123) 456-7890",), ("555-0142",)])
    def test_it_is_stored_and_waits_for_review(
        self,
        ctx: ServiceContext,
        database: Database,
        docs: Path,
        tmp_path: Path,
        phones: tuple[str, ...],
    ):
        path = write_txt(tmp_path, "notes.txt", "Just some text saved with the wrong name.\n")
        pool = create_pool(ctx, "Inbox").value
        parsed = ParsedResume(file="notes.txt", phones=phones, skills=("Python",), text="x")
        watch = AuditWatch(database)
        result = import_resume(ctx, docs, path, parsed, IntakeTarget(pool_id=pool))
        value = result.value
        assert value.needs_review and value.candidate_id is None and not value.created
        assert value.notes == ("needs review: no name, email or phone found",)
        assert count_rows(database, "candidates") == 0
        assert count_rows(database, "pool_memberships") == 0
        with database.sessions() as session:
            document = session.get_one(Document, value.document_id)
            assert (document.candidate_id, document.parse_status) == (None, "needs_review")
        assert len(stored_files(docs)) == 1
        [entry] = watch.new()
        assert entry.action == "document.import"
        assert entry.after["target"] == {"job_id": None, "stage_id": None, "pool_id": pool}
        assert "candidates" not in result.changes.ids

    def test_a_name_alone_is_enough(self, ctx: ServiceContext, docs: Path, resume_file: Path):
        parsed = ParsedResume(file="jane.txt", name="Jane Doe", text="Jane Doe")
        assert import_resume(ctx, docs, resume_file, parsed).value.created


def test_the_command_line_says_needs_review_and_exits_1(
    paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """`hirebench import` on a note and on text saved as .docx: neither becomes anyone."""
    from app.cli import EXIT_FAILURE, run
    from tests.support import sqlite_rows

    notes = write_txt(tmp_path, "notes.txt", "some words about nothing in particular\n")
    fake = write_txt(tmp_path, "fake.docx", "Just some text saved with the wrong extension.\n")
    database = tmp_path / "agency.sqlite3"
    assert run(["import", str(notes), str(fake), "--database", str(database)]) == EXIT_FAILURE
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    by_file = {line.split(": ", 1)[0].split()[-1]: line for line in lines[:-1]}
    assert by_file[str(notes)].startswith("needs review ")
    assert by_file[str(notes)].endswith("needs review: no name, email or phone found")
    assert by_file[str(fake)].startswith("failed ")
    assert by_file[str(fake)].endswith("fake.docx is not a Word document (it is plain text).")
    assert lines[-1] == (
        "2 files: 0 new candidates, 0 updated, 0 duplicates, 1 failed, 1 needs review."
    )
    assert sqlite_rows(database, "SELECT count(*) FROM candidates") == [(0,)]
    assert sqlite_rows(database, "SELECT candidate_id FROM documents") == [(None,)]
