"""Migration 0022: document text packed and indexed once; the triggers keep the external-content
index exactly as a rebuild makes it; an existing database converts and converts back."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

from app.services.admin.generate import demo_plan
from app.services.admin.maintenance import fill_generated
from app.services.candidates.duplicates import merge_candidates
from app.services.candidates.search import matching_candidate_ids
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import Actor
from app.store.database import Database, open_database
from app.store.db import create_sqlite_engine
from app.store.migrate import downgrade_to, upgrade_to
from app.store.schema_version import KNOWN_REVISIONS
from app.store.search import rebuild_candidate_search, set_candidate_search_suspended
from app.store.textpack import pack_text, unpack_text
from tests.support import database_at, raw_connect, sqlite_rows

AS_OF = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
BEFORE = "0026_privacy"  # the revision before it (it once followed 0021 directly)
RESUMES = {
    1: "Ada Lovelace\nBuilt data pipelines in Kafka and Python for Analytical Engines Ltd.",
    2: "Alan Turing\nCryptanalysis, Bletchley; later the Manchester computer. Café owner.",
    3: "Grace Hopper\nCOBOL compilers, Navy; ran Kafka clusters in a later life.",
}
QUERIES = [
    "kafka",
    "resume : kafka",
    'resume : "data pipelines"',
    "lovelace",
    "notes : meetup",
    "skills : python",
    "cafe",
    '"kafka" NOT python',
    "resume : manchester OR notes : manchester",
]


def _fill_0021(path: Path) -> None:
    database_at(path, BEFORE)
    with raw_connect(path) as raw:
        raw.executescript(
            "INSERT INTO candidates (id, first_name, last_name, links, do_not_contact, consent,"
            " created_at, updated_at) VALUES"
            " (1, 'Ada', 'Lovelace', '[]', 0, 'unknown', '2026-01-01', '2026-01-01'),"
            " (2, 'Alan', 'Turing', '[]', 0, 'unknown', '2026-01-01', '2026-01-01'),"
            " (3, 'Grace', 'Hopper', '[]', 0, 'unknown', '2026-01-01', '2026-01-01');"
            "INSERT INTO skills (id, name) VALUES (1, 'Python');"
            "INSERT INTO candidate_skills (candidate_id, skill_id) VALUES (1, 1);"
            "INSERT INTO activities (candidate_id, kind, subject, body, occurred_at)"
            " VALUES (2, 'note', 'Met', 'at the Manchester meetup', '2026-02-01');"
        )
        for number, body in RESUMES.items():
            raw.execute(
                "INSERT INTO documents (id, candidate_id, sha256, original_name, media_type,"
                " size_bytes, stored_path, text, parse_status, created_at)"
                " VALUES (?, ?, ?, 'cv.pdf', 'application/pdf', 1, 'x', ?, 'parsed', '2026-01-01')",
                (number, number if number < 3 else None, f"{number:064d}", body),
            )
        raw.execute("UPDATE documents SET candidate_id = 3 WHERE id = 3")  # attached later


def _matches(path: Path) -> dict[str, list[int]]:
    sql = "SELECT rowid FROM candidate_search WHERE candidate_search MATCH ? ORDER BY rowid"
    with raw_connect(path) as raw:
        return {query: [row[0] for row in raw.execute(sql, (query,))] for query in QUERIES}


INDEXES = ("candidate_search", "candidate_name_search")


def vocabulary(connection) -> dict[str, list[tuple]]:
    """Every (word, candidate, column, position) each index holds: what it would answer."""
    words = {}
    for index in INDEXES:
        connection.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{index}_instances"
            f" USING fts5vocab(main, {index}, instance)"
        )
        words[index] = connection.execute(
            f"SELECT * FROM temp.{index}_instances ORDER BY 1, 2, 3, 4"
        ).fetchall()
    return words


def assert_index_as_rebuilt(path: Path) -> None:
    """The indexes the triggers kept hold exactly what a full rebuild from the source holds."""
    with raw_connect(path) as raw:
        kept = vocabulary(raw)
        assert all(kept.values()), "an index is empty"
        raw.execute("BEGIN")
        rebuild_candidate_search(raw)
        rebuilt = vocabulary(raw)
        raw.execute("ROLLBACK")
    assert kept == rebuilt


def test_0022_follows_0021() -> None:
    assert KNOWN_REVISIONS[KNOWN_REVISIONS.index("0022_search_size") - 1] == BEFORE


def test_a_0021_database_converts_with_the_same_answers_and_back(tmp_path: Path) -> None:
    path = tmp_path / "agency.sqlite3"
    _fill_0021(path)
    before = _matches(path)
    assert before["resume : kafka"] == [1, 3] and before["cafe"] == [2]
    counts = sqlite_rows(path, "SELECT (SELECT count(*) FROM candidates), count(*) FROM documents")
    resume_hits = sqlite_rows(
        path, "SELECT rowid FROM document_search WHERE document_search MATCH 'kafka' ORDER BY 1"
    )
    engine = create_sqlite_engine(path)
    try:
        upgrade_to(engine, "0022_search_size")
        assert _matches(path) == before
        tables = {row[0] for row in sqlite_rows(path, "SELECT name FROM sqlite_master")}
        assert "document_search" not in tables and "document_search_data" not in tables
        stored = sqlite_rows(path, "SELECT id, typeof(text), text FROM documents ORDER BY id")
        assert [kind for _id, kind, _text in stored] == ["blob"] * 3
        assert {row_id: unpack_text(body) for row_id, _kind, body in stored} == RESUMES
        assert (
            sqlite_rows(path, "SELECT (SELECT count(*) FROM candidates), count(*) FROM documents")
            == counts
        )
        assert_index_as_rebuilt(path)

        downgrade_to(engine, BEFORE)
        stored = sqlite_rows(path, "SELECT id, typeof(text), text FROM documents ORDER BY id")
        assert {row_id: body for row_id, _kind, body in stored} == RESUMES
        assert _matches(path) == before
        assert resume_hits == sqlite_rows(
            path,
            "SELECT rowid FROM document_search WHERE document_search MATCH 'kafka' ORDER BY 1",
        )
    finally:
        engine.dispose()


@pytest.fixture
def seeded(tmp_path: Path) -> Database:
    database = open_database(tmp_path / "seeded.sqlite3", tmp_path / "backups")
    fill_generated(database, dataclasses.replace(demo_plan(), resumes=True), as_of=AS_OF)
    yield database
    database.close()


def test_every_kind_of_change_keeps_the_index_as_a_rebuild_makes_it(seeded: Database) -> None:
    ctx = ServiceContext(seeded.sessions, Actor(None, "test"))
    path = seeded.path
    assert_index_as_rebuilt(path)  # as seeded (suspended, then rebuilt)
    merge_candidates(ctx, 1, 2, {})
    with seeded.engine.begin() as connection:
        run = connection.exec_driver_sql
        run("UPDATE candidates SET first_name = 'Zebedee' WHERE id IN (3, 4)")
        run("UPDATE skills SET name = 'Pythonic' WHERE name = 'Python'")
        run("DELETE FROM candidate_tags WHERE candidate_id < 100")
        run("UPDATE activities SET body = 'quasar meeting' WHERE candidate_id IN (5, 6)")
        run("UPDATE documents SET candidate_id = 8 WHERE candidate_id = 7")
        run("UPDATE documents SET text = ? WHERE candidate_id = 9", (pack_text("Nebula work"),))
        run("DELETE FROM documents WHERE candidate_id = 10")
        run("DELETE FROM candidates WHERE id IN (11, 12)")
    assert_index_as_rebuilt(path)
    assert matching_candidate_ids(ctx, "resume:nebula") == [9]
    assert matching_candidate_ids(ctx, "zebedee") == [3, 4]
    assert 7 not in matching_candidate_ids(ctx, "skills:pythonic OR resume:pythonic")

    # A bulk writer: the touched candidates leave the index until it indexes them again.
    with seeded.engine.begin() as connection:
        set_candidate_search_suspended(connection, True)
        connection.exec_driver_sql("UPDATE candidates SET last_name = 'Quokka' WHERE id = 20")
        connection.exec_driver_sql("DELETE FROM documents WHERE candidate_id = 21")
        assert (
            connection.execute(
                text("SELECT count(*) FROM candidate_search_docsize WHERE id IN (20, 21)")
            ).scalar_one()
            == 0
        )
        rebuild_candidate_search(connection, [20, 21, 22])
        set_candidate_search_suspended(connection, False)
    assert_index_as_rebuilt(path)
    assert matching_candidate_ids(ctx, "quokka") == [20]


def test_document_text_is_stored_packed_and_read_back_whole() -> None:
    for value in ("", "plain", "Zoë Ångström — 東京 🙂\n" * 50, "x" * 100_000):
        packed = pack_text(value)
        assert isinstance(packed, bytes) and unpack_text(packed) == value
    assert len(pack_text("Managed the team and the budget. " * 40)) < 200
    assert unpack_text("older plain text") == "older plain text"
    assert pack_text(None) is None and unpack_text(None) is None
    with pytest.raises(ValueError):
        unpack_text(b"\x09not a known format")


def test_a_one_word_search_over_the_cap_answers_as_a_full_count_would(
    seeded: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.services.candidates.search as search

    ctx = ServiceContext(seeded.sessions, Actor(None, "test"))
    monkeypatch.setattr(search, "COUNT_CAP", 40)
    queries = ["sa", "ma", "python", "analy", "zz", "resume:python", "jo", '"engine"', "qu"]
    shortcut = {query: search.search_candidates(ctx, query) for query in queries}
    with seeded.sessions() as session:
        used = {
            query
            for query in queries
            if search._one_word_over_cap(session, search.plan_query(query))
        }
    assert {"sa", "python", "analy"} <= used and "zz" not in used
    monkeypatch.setattr(search, "_one_word_over_cap", lambda _session, _plan: False)
    assert {query: search.search_candidates(ctx, query) for query in queries} == shortcut


def test_counting_with_the_floor_in_one_pass_answers_as_two_passes_would(
    seeded: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.services.candidates.search as search

    ctx = ServiceContext(seeded.sessions, Actor(None, "test"))
    monkeypatch.setattr(search, "COUNT_CAP", 40)
    queries = ["python sql", "resume:python OR skills:python", "billing engine", "zz qq", "a b"]
    pages = [(0, 50), (30, 20), (60, 10)]
    one_pass = {
        (query, page): search.search_candidates(ctx, query, limit=page[1], offset=page[0])
        for query in queries
        for page in pages
    }
    assert any(result.capped for result in one_pass.values())

    def two_passes(session, expression, narrow=None):
        total = search._count(session, expression, narrow)
        over = total > search.COUNT_CAP
        return total, search._newest_floor(session, expression, narrow) if over else None

    monkeypatch.setattr(search, "_count_and_floor", two_passes)
    for (query, page), result in one_pass.items():
        assert search.search_candidates(ctx, query, limit=page[1], offset=page[0]) == result
