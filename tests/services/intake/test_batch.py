"""Several parsed files in one transaction: each file stands or falls alone, the search index
holds every candidate written, and a failed commit leaves neither rows nor files."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.services.candidates.search import search_candidates
from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.services.intake import batch as batch_module
from app.services.intake.batch import BatchItem, import_batch
from app.services.intake.importer import IntakeTarget
from app.services.pipeline.jobs import JobInput, create_job
from app.store.database import Database
from app.store.models import Stage
from app.store.search import rebuild_candidate_search
from tests.services.intake.test_importer import jane, make_job, stored_files, write_txt
from tests.support import count_rows


def _resumes(folder: Path) -> list[BatchItem]:
    first = write_txt(folder, "jane.txt", "Jane Q. Doe\nData Engineer\n")
    second = write_txt(folder, "omar.txt", "Omar Okafor\nKafka streams\n")
    third = write_txt(folder, "jane-2025.txt", "Jane Q. Doe\nData Engineer, 2025\n")
    omar = jane(
        "omar.txt",
        name="Omar Okafor",
        emails=("omar@example.org",),
        phones=("+15550109999",),
        skills=("Kafka",),
        text="Omar Okafor\nKafka streams",
    )
    return [BatchItem(first, jane()), BatchItem(second, omar), BatchItem(third, jane())]


def _index_rows(database: Database) -> list[tuple]:
    with database.engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.exec_driver_sql(
                "SELECT rowid, name, skills, resume FROM candidate_search ORDER BY rowid"
            )
        ]


def test_a_batch_stores_each_file_with_its_own_changes(
    ctx: ServiceContext, database: Database, tmp_path: Path
) -> None:
    docs = tmp_path / "documents"
    outcomes = import_batch(ctx, docs, _resumes(tmp_path))
    assert all(isinstance(o, Outcome) for o in outcomes)
    results = [o.value for o in outcomes if isinstance(o, Outcome)]
    assert [r.created for r in results] == [True, True, False]  # the third joins Jane
    assert results[2].candidate_id == results[0].candidate_id
    assert count_rows(database, "candidates") == 2
    assert count_rows(database, "documents") == 3
    assert len(stored_files(docs)) == 3
    for outcome, result in zip(outcomes, results, strict=True):
        assert isinstance(outcome, Outcome)
        assert outcome.changes.ids[ChangeKind.DOCUMENTS] == frozenset({result.document_id})
    # The index the batch left is the one the triggers would have kept.
    written = _index_rows(database)
    with database.sessions.begin() as session:
        rebuild_candidate_search(session)
    assert _index_rows(database) == written
    assert {h.candidate_id for h in search_candidates(ctx, "kafka").hits} == {
        results[1].candidate_id
    }


def test_a_file_that_fails_is_rolled_back_alone(
    ctx: ServiceContext, database: Database, tmp_path: Path
) -> None:
    job_id = make_job(ctx)
    other = create_job(ctx, JobInput(client_id=1, title="Other")).value
    with database.sessions() as session:
        foreign = session.scalars(select(Stage.id).where(Stage.job_id == other)).first()
    items = _resumes(tmp_path)
    items[1] = BatchItem(items[1].source, items[1].parsed, IntakeTarget(job_id, foreign))
    docs = tmp_path / "documents"
    outcomes = import_batch(ctx, docs, items)
    assert isinstance(outcomes[1], ValidationError)
    assert isinstance(outcomes[0], Outcome) and isinstance(outcomes[2], Outcome)
    assert count_rows(database, "candidates") == 1  # Jane, twice; Omar not at all
    assert count_rows(database, "documents") == 2
    assert len(stored_files(docs)) == 2
    assert search_candidates(ctx, "kafka").hits == []


def test_a_failed_commit_fails_every_file_and_keeps_nothing(
    ctx: ServiceContext, database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(batch_module, "rebuild_candidate_search", broken)
    docs = tmp_path / "documents"
    outcomes = import_batch(ctx, docs, _resumes(tmp_path))
    assert all(isinstance(o, OSError) for o in outcomes)
    assert count_rows(database, "candidates") == 0
    assert count_rows(database, "documents") == 0
    assert stored_files(docs) == []


def test_an_unreadable_source_fails_that_file_only(
    ctx: ServiceContext, database: Database, tmp_path: Path
) -> None:
    items = _resumes(tmp_path)
    items[0].source.unlink()
    outcomes = import_batch(ctx, tmp_path / "documents", items)
    assert isinstance(outcomes[0], OSError)
    assert isinstance(outcomes[1], Outcome) and isinstance(outcomes[2], Outcome)
    assert count_rows(database, "candidates") == 2


def test_a_candidate_made_in_a_batch_grows_by_a_later_file_of_it(
    ctx: ServiceContext, database: Database, tmp_path: Path
) -> None:
    """An attach adds rows by the candidate's id rather than through their collections, and
    reads the candidate from its snapshot: a later file in the same batch (and session) adds
    to what an earlier one created, in order, and its result names the filled record."""
    docs = tmp_path / "documents"
    thin = jane(
        name="Jane Doe",
        phones=(),
        links=(),
        employers=(),
        education=(),
        current_title=None,
        current_employer=None,
        skills=("Python",),
    )
    first = write_txt(tmp_path, "jane.txt", "Jane Doe\n")
    second = write_txt(tmp_path, "jane-full.txt", "Jane Q. Doe\nData Engineer\n")
    fuller = jane(
        "jane-full.txt",
        emails=("Jane.Doe@Example.com", "jane@home.example"),
        phones=("+15550102030", "+15550104040"),
    )
    outcomes = import_batch(ctx, docs, [BatchItem(first, thin), BatchItem(second, fuller)])
    made, grown = [o.value for o in outcomes if isinstance(o, Outcome)]
    assert made.created and not grown.created and grown.candidate_id == made.candidate_id
    assert grown.candidate_name == grown.attached_to == "Jane Q. Doe"
    with database.engine.connect() as connection:

        def rows_of(sql: str) -> list[tuple]:
            return [tuple(r) for r in connection.exec_driver_sql(sql, (made.candidate_id,))]

        assert rows_of(
            "SELECT email, position FROM candidate_emails WHERE candidate_id = ? ORDER BY position"
        ) == [("jane.doe@example.com", 0), ("jane@home.example", 1)]
        assert rows_of(
            "SELECT phone, position FROM candidate_phones WHERE candidate_id = ? ORDER BY position"
        ) == [("+15550102030", 0), ("+15550104040", 1)]
        assert rows_of(
            "SELECT company, position FROM experiences WHERE candidate_id = ? ORDER BY position"
        ) == [("Acme Corp", 0), ("Globex", 1)]
        assert rows_of("SELECT count(*) FROM educations WHERE candidate_id = ?") == [(1,)]
        assert rows_of(
            "SELECT middle_name, current_employer, links FROM candidates WHERE id = ?"
        ) == [("Q.", "Acme Corp", '["https://linkedin.com/in/janedoe"]')]
        assert rows_of(
            "SELECT s.name FROM candidate_skills c JOIN skills s ON s.id = c.skill_id"
            " WHERE c.candidate_id = ? ORDER BY s.name"
        ) == [("Airflow",), ("Python",), ("SQL",)]
