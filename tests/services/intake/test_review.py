"""Saving the resume review screen: values cleaned, and each field held to its cap."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.parsing.result import ParsedResume
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.services.intake.importer import import_resume
from app.services.intake.review import save_review
from app.store.database import Database
from app.store.models import Candidate
from tests.support import AuditWatch, count_rows


@pytest.fixture
def candidate_id(ctx: ServiceContext, tmp_path: Path) -> int:
    source = tmp_path / "jane.txt"
    source.write_text("Jane Doe\n", encoding="utf-8")
    parsed = ParsedResume(file="jane.txt", name="Jane Doe", text="Jane Doe")
    return import_resume(ctx, tmp_path / "documents", source, parsed).value.candidate_id


def test_control_characters_are_dropped_from_every_edit(
    ctx: ServiceContext, database: Database, candidate_id: int
) -> None:
    save_review(
        ctx,
        candidate_id,
        {
            "name": "Jane\x00 Q\x1b Doe\u202e",
            "location": "Austin\r\nTX\x1b",
            "current_title": "Data\x85Engineer",
            "current_employer": "Acme\x00",
            "email": "jane\x00@example.com",
            "phone": "+1 512 555 0142\x1b",
            "links": "linkedin.com/in/jane\x1b, github.com/jane",
            "skills": "Python\x00, SQL",
        },
    )
    with database.sessions() as session:
        candidate = session.get_one(Candidate, candidate_id)
        assert (candidate.first_name, candidate.middle_name, candidate.last_name) == (
            "Jane",
            "Q",
            "Doe",
        )
        assert (candidate.location, candidate.current_title, candidate.current_employer) == (
            "Austin TX",
            "Data Engineer",
            "Acme",
        )
        assert candidate.primary_email == "jane@example.com"
        assert [p.phone for p in candidate.phones] == ["+1 512 555 0142"]
        assert candidate.links == ["linkedin.com/in/jane", "github.com/jane"]
        assert sorted(s.name for s in candidate.skills) == ["Python", "SQL"]


def test_over_long_edits_are_refused_per_field_and_nothing_changes(
    ctx: ServiceContext, database: Database, candidate_id: int
) -> None:
    watch = AuditWatch(database)
    with pytest.raises(ValidationError) as raised:
        save_review(
            ctx,
            candidate_id,
            {
                "name": "Jane " + "D" * 101,
                "location": "L" * 201,
                "current_title": "T" * 1_000_000,
                "current_employer": "E" * 201,
                "links": ", ".join(f"example.com/{n}" for n in range(21)),
                "skills": "Python, " + "S" * 121,
            },
        )
    assert raised.value.errors == {
        "name": "At most 100 characters for each part of a name.",
        "location": "At most 200 characters.",
        "current_title": "At most 200 characters.",
        "current_employer": "At most 200 characters.",
        "links": "At most 20 links.",
        "skills": "At most 120 characters.",
    }
    assert watch.new() == []
    with database.sessions() as session:
        assert session.get_one(Candidate, candidate_id).current_title is None


def _waiting(ctx: ServiceContext, tmp_path: Path, target=None) -> int:
    """A resume that named nobody, stored and waiting for review: its document id."""
    from app.services.intake.importer import import_resume as intake

    source = tmp_path / "scan.txt"
    source.write_text("Data engineer, eight years, Python and SQL\n", encoding="utf-8")
    parsed = ParsedResume(file="scan.txt", skills=("Python", "SQL"), text="Data engineer")
    result = intake(ctx, tmp_path / "documents", source, parsed, target).value
    assert result.needs_review
    return result.document_id


def test_a_waiting_resume_becomes_a_candidate_once_named(
    ctx: ServiceContext, database: Database, tmp_path: Path
) -> None:
    from app.services.intake.importer import IntakeTarget
    from app.services.intake.review import create_from_review, review_item
    from app.services.pipeline.clients import ClientInput, create_client
    from app.services.pipeline.jobs import JobInput, create_job
    from app.store.models import Application, Document

    client = create_client(ctx, ClientInput(name="Initech")).value
    job = create_job(ctx, JobInput(client_id=client, title="Data Engineer")).value
    document_id = _waiting(ctx, tmp_path, IntakeTarget(job_id=job))
    item = review_item(ctx, document_id, tmp_path / "documents")
    assert item.needs_review and item.candidate_id is None and not item.can_split
    assert item.parsed["skills"] == "Python, SQL"
    edits = {name: "" for name in item.parsed} | {"skills": "Python, SQL"}
    with pytest.raises(ValidationError) as raised:
        create_from_review(ctx, document_id, edits)
    assert raised.value.errors == {"name": "A name is required."}
    assert count_rows(database, "candidates") == 0
    done = create_from_review(
        ctx, document_id, edits | {"name": "Ana Pérez", "email": "Ana@Example.com"}
    ).value
    assert done.created and done.application_id is not None  # placed where it was dropped
    with database.sessions() as session:
        candidate = session.get_one(Candidate, done.candidate_id)
        assert (candidate.first_name, candidate.last_name) == ("Ana", "Pérez")
        assert candidate.primary_email == "ana@example.com"
        assert sorted(s.name for s in candidate.skills) == ["Python", "SQL"]
        document = session.get_one(Document, document_id)
        assert (document.candidate_id, document.parse_status) == (done.candidate_id, "parsed")
        assert session.get_one(Application, done.application_id).job_id == job
    after = review_item(ctx, document_id, tmp_path / "documents")
    assert not after.needs_review and after.values["name"] == "Ana Pérez"
    with pytest.raises(ValidationError):
        create_from_review(ctx, document_id, edits | {"name": "Someone Else"})


def test_a_waiting_resume_cannot_take_another_candidates_email(
    ctx: ServiceContext, database: Database, candidate_id: int, tmp_path: Path
) -> None:
    from app.services.intake.review import create_from_review

    save_review(ctx, candidate_id, {"email": "jane@example.com"})
    document_id = _waiting(ctx, tmp_path)
    with pytest.raises(ValidationError) as raised:
        create_from_review(ctx, document_id, {"name": "Ann Other", "email": "jane@example.com"})
    assert raised.value.errors == {"email": f"Already the address of candidate #{candidate_id}."}
    assert count_rows(database, "candidates") == 1


def test_an_attached_resume_says_to_whom_and_why(ctx: ServiceContext, tmp_path: Path) -> None:
    from app.services.intake.importer import import_resume as intake
    from app.services.intake.review import review_item

    first = tmp_path / "one.txt"
    first.write_text("one\n", encoding="utf-8")
    second = tmp_path / "two.txt"
    second.write_text("two\n", encoding="utf-8")
    person = ParsedResume(file="one.txt", name="Jane Doe", emails=("jane@x.org",), text="1")
    made = intake(ctx, tmp_path / "documents", first, person).value
    again = intake(ctx, tmp_path / "documents", second, person).value
    assert review_item(ctx, made.document_id, tmp_path / "documents").attached == ""
    item = review_item(ctx, again.document_id, tmp_path / "documents")
    assert item.can_split
    assert item.attached == (
        f"Added to Jane Doe (#{made.candidate_id}) because of the same email address jane@x.org."
    )


def test_a_resume_read_by_ocr_says_so_with_its_confidence(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    from app.services.intake.importer import import_resume as intake
    from app.services.intake.review import review_item

    source = tmp_path / "scan.png"
    source.write_bytes(b"\x89PNG\r\n\x1a\n")  # the stored original; parsing is not redone
    parsed = ParsedResume(
        file="scan.png",
        name="Jane Doe",
        text="Jane Doe",
        media_type="image/png",
        ocr=True,
        ocr_confidence=0.834,
    )
    typed = tmp_path / "typed.txt"
    typed.write_text("John Roe\n", encoding="utf-8")
    plain = ParsedResume(file="typed.txt", name="John Roe", text="John Roe")
    scanned = intake(ctx, tmp_path / "documents", source, parsed).value
    typed_in = intake(ctx, tmp_path / "documents", typed, plain).value
    item = review_item(ctx, scanned.document_id, tmp_path / "documents")
    assert item.ocr_confidence == pytest.approx(0.834)
    assert item.ocr_note == "Read by OCR (confidence 83%) — check the values"
    other = review_item(ctx, typed_in.document_id, tmp_path / "documents")
    assert other.ocr_confidence is None and other.ocr_note == ""
