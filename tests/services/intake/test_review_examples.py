"""Corrections on the review screen kept as labelled examples, in the review's transaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.parsing.result import Employment, ParsedResume
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import Transaction
from app.services.intake import review as review_service
from app.services.intake.examples import labelled_examples
from app.services.intake.importer import import_resume
from app.services.intake.review import create_from_review, save_review
from app.store.database import Database
from app.store.models import Candidate, ReviewExample
from tests.support import count_rows

PARSED = ParsedResume(
    file="jane.txt",
    name="Jane Doe",
    emails=("jane@exmaple.com",),  # misread: corrected on review
    phones=("+15125550142",),
    location="Austin, TX",
    current_title="Engineer",
    current_employer="Acme",
    employers=(Employment("Acme", "Engineer", "2019", "present"),),
    skills=("Python",),
    confidence={"name": 0.9, "emails": 0.99},
    text="Jane Doe\njane@example.com",
)


def _import(ctx: ServiceContext, tmp_path: Path, parsed: ParsedResume = PARSED) -> tuple[int, int]:
    source = tmp_path / "jane.txt"
    source.write_text("Jane Doe\njane@example.com\n(512) 555-0142\n", encoding="utf-8")
    result = import_resume(ctx, tmp_path / "documents", source, parsed).value
    return result.candidate_id, result.document_id


def test_a_correction_is_kept_with_the_parse_and_the_file(
    ctx: ServiceContext, database: Database, tmp_path: Path
) -> None:
    candidate_id, document_id = _import(ctx, tmp_path)
    save_review(
        ctx,
        candidate_id,
        {"email": "Jane@Example.com", "phone": "(512) 555-0142", "current_title": "Staff Engineer"},
        document_id=document_id,
    )
    with database.sessions() as session:
        (example,) = session.query(ReviewExample).all()
        assert example.document_id == document_id and example.original_name == "jane.txt"
        assert example.parsed["emails"] == ["jane@exmaple.com"]  # the parser's own output
        # The phone says the same number as parsed, only formatted: not a correction.
        assert example.corrected == {
            "email": "jane@example.com",
            "current_title": "Staff Engineer",
        }
    (labelled,) = labelled_examples(ctx, tmp_path / "documents")
    assert labelled.path is not None and labelled.path.read_text().startswith("Jane Doe")
    assert labelled.truth["email"] == "jane@example.com"
    assert labelled.truth["current_title"] == "Staff Engineer"
    assert labelled.truth["employers"] == [
        {"company": "Acme", "title": "Staff Engineer", "start": "2019", "end": "present"}
    ]
    assert labelled.truth["phone"] == "+15125550142" and labelled.truth["skills"] == ["Python"]


def test_accepting_what_the_parser_read_keeps_no_example(
    ctx: ServiceContext, database: Database, tmp_path: Path
) -> None:
    candidate_id, document_id = _import(ctx, tmp_path)
    save_review(ctx, candidate_id, {"skills": "python", "name": "Jane  Doe"}, document_id)
    assert count_rows(database, "review_examples") == 0


def test_a_failed_review_keeps_neither_its_edits_nor_the_example(
    ctx: ServiceContext, database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    candidate_id, document_id = _import(ctx, tmp_path)

    def failing_audit(self: Transaction, *args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Transaction, "audit", failing_audit)
    with pytest.raises(RuntimeError):
        save_review(ctx, candidate_id, {"current_title": "Staff Engineer"}, document_id)
    assert count_rows(database, "review_examples") == 0
    with database.sessions() as session:
        assert session.get_one(Candidate, candidate_id).current_title == "Engineer"


def test_a_candidate_made_on_review_keeps_its_corrections_in_the_same_transaction(
    ctx: ServiceContext, database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nameless = ParsedResume(file="scan.txt", emails=(), text="jane")
    _none, document_id = _import(ctx, tmp_path, nameless)
    candidates = count_rows(database, "candidates")
    real = review_service.record_corrections

    def record_then_fail(*args: object) -> None:
        real(*args)  # type: ignore[arg-type]
        raise RuntimeError("disk full")

    monkeypatch.setattr(review_service, "record_corrections", record_then_fail)
    with pytest.raises(RuntimeError):
        create_from_review(ctx, document_id, {"name": "Jane Doe"})
    assert count_rows(database, "review_examples") == 0
    assert count_rows(database, "candidates") == candidates
    monkeypatch.setattr(review_service, "record_corrections", real)
    create_from_review(ctx, document_id, {"name": "Jane Doe", "email": ""})
    assert count_rows(database, "candidates") == candidates + 1
    (labelled,) = labelled_examples(ctx, tmp_path / "documents")
    assert labelled.corrected == {"name": "Jane Doe"}
    assert labelled.truth["name"] == "Jane Doe" and labelled.truth["email"] is None
