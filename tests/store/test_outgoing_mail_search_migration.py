"""Migration 0010: emails we send stay out of the candidate index; replies stay in."""

from __future__ import annotations

from pathlib import Path

from app.services.candidates.search import matching_candidate_ids
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import Actor
from app.store.database import open_database
from app.store.db import create_sqlite_engine
from app.store.migrate import downgrade_to
from app.store.search import rebuild_candidate_search
from tests.support import database_at, raw_connect, sqlite_rows

CANDIDATES = (
    "INSERT INTO candidates (id, first_name, last_name, links, do_not_contact, consent,"
    " created_at, updated_at) VALUES"
    " (1, 'Ada', 'Lovelace', '[]', 0, 'unknown', '2026-01-01', '2026-01-01'),"
    " (2, 'Alan', 'Turing', '[]', 0, 'unknown', '2026-01-01', '2026-01-01');"
)


def _email(candidate_id: int, direction: str, body: str) -> str:
    return (
        "INSERT INTO activities (candidate_id, kind, subject, body, occurred_at, direction)"
        f" VALUES ({candidate_id}, 'email', 'Hello', '{body}', '2026-02-01', '{direction}');"
    )


def _finds(path: Path, words: str) -> list[int]:
    database = open_database(path, path.parent / "backups")
    try:
        return matching_candidate_ids(ServiceContext(database.sessions, Actor(None, "t")), words)
    finally:
        database.close()


def _index(path: Path) -> list[tuple]:
    return sqlite_rows(path, "SELECT rowid, notes FROM candidate_search ORDER BY rowid")


def test_sent_mail_is_not_searchable_but_a_reply_is(tmp_path: Path) -> None:
    path = tmp_path / "head.sqlite3"
    database_at(path, "head")
    with raw_connect(path) as raw:
        raw.executescript(
            CANDIDATES
            + _email(1, "out", "Our quantumleap role is open")
            + _email(2, "in", "Happy to talk about zeppelins")
        )
    assert _finds(path, "quantumleap") == []
    assert _finds(path, "zeppelins") == [2]
    kept = _index(path)
    with raw_connect(path) as raw:
        rebuild_candidate_search(raw)
    assert _index(path) == kept  # the triggers and a full rebuild agree


def test_upgrading_drops_sent_mail_from_the_index_and_downgrading_restores_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "at-0009.sqlite3"
    database_at(path, "0009_engagement")
    with raw_connect(path) as raw:
        raw.executescript(CANDIDATES + _email(1, "out", "Our quantumleap role is open"))
    assert (
        "quantumleap"
        in sqlite_rows(path, "SELECT notes FROM candidate_search WHERE rowid = 1")[0][0]
    )
    assert _finds(path, "quantumleap") == []  # opening upgrades to head (after a backup)
    engine = create_sqlite_engine(path)
    try:
        downgrade_to(engine, "0009_engagement")
    finally:
        engine.dispose()
    assert (
        "quantumleap"
        in sqlite_rows(path, "SELECT notes FROM candidate_search WHERE rowid = 1")[0][0]
    )
