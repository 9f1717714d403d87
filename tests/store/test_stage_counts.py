"""Stage counts kept by triggers, and the upgrade of a version-1 database that adds them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import delete, func, select, update

from app.services.core.context import ServiceContext
from app.services.pipeline.jobs import JobInput, create_job
from app.store.database import Database, open_database
from app.store.models import Application, Candidate, Client, Stage, StageTally
from app.store.schema_version import KNOWN_REVISIONS
from tests.support import database_at, sqlite_rows


def _tallies_match_counts(database: Database) -> dict[int, int]:
    with database.sessions() as session:
        rows = session.execute(select(StageTally.stage_id, StageTally.applications))
        tallies = {stage_id: count for stage_id, count in rows}
        grouped = select(Application.stage_id, func.count()).group_by(Application.stage_id)
        counted = {stage_id: count for stage_id, count in session.execute(grouped)}
        stage_ids = set(session.scalars(select(Stage.id)))
    assert set(tallies) == stage_ids  # every stage has a tally row
    assert {s: n for s, n in tallies.items() if n} == counted
    return tallies


def test_generated_demo_tallies_are_exact(demo_database: Database) -> None:
    tallies = _tallies_match_counts(demo_database)
    assert sum(tallies.values()) > 500


def test_insert_move_and_delete_keep_tallies_exact(database: Database, ctx: ServiceContext) -> None:
    with ctx.write() as tx:
        tx.session.add(Client(name="Acme"))
    with database.sessions() as session:
        client_id = session.scalar(select(Client.id))
    job_id = create_job(ctx, JobInput(client_id=client_id, title="Welder")).value
    with database.sessions() as session, session.begin():
        stages = session.scalars(select(Stage).where(Stage.job_id == job_id)).all()
        people = [Candidate(first_name=f"P{i}", last_name="Q") for i in range(5)]
        session.add_all(people)
        session.flush()
        session.add_all(
            Application(candidate_id=p.id, job_id=job_id, stage_id=stages[0].id) for p in people
        )
    assert _tallies_match_counts(database)[stages[0].id] == 5
    with database.sessions() as session, session.begin():
        first = session.scalars(select(Application).order_by(Application.id)).first()
        first.stage_id = stages[2].id  # an ORM move
        session.execute(  # a bulk move of two more
            update(Application)
            .where(
                Application.id.in_(
                    select(Application.id).order_by(Application.id).offset(3).limit(2)
                )
            )
            .values(stage_id=stages[1].id)
        )
    tallies = _tallies_match_counts(database)
    assert (tallies[stages[0].id], tallies[stages[1].id], tallies[stages[2].id]) == (2, 2, 1)
    with database.sessions() as session, session.begin():
        session.execute(delete(Application).where(Application.stage_id == stages[1].id))
    assert _tallies_match_counts(database)[stages[1].id] == 0


def test_version_one_database_is_backed_up_and_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "agency.sqlite3"
    database_at(path, KNOWN_REVISIONS[0])
    with sqlite3.connect(path) as raw:  # data as version 1 wrote it, no tallies
        raw.execute(
            "INSERT INTO clients (id, name, created_at, updated_at)"
            " VALUES (1, 'Acme', '2026-01-01', '2026-01-01')"
        )
        raw.execute(
            "INSERT INTO jobs (id, client_id, title, status, openings, opened_on,"
            " created_at, updated_at) VALUES (1, 1, 'Clerk', 'open', 1, '2026-01-01',"
            " '2026-01-01', '2026-01-01')"
        )
        raw.executemany(
            "INSERT INTO stages (id, job_id, name, position, kind) VALUES (?, 1, ?, ?, 'active')",
            [(1, "Applied", 0), (2, "Screened", 1)],
        )
        raw.executemany(
            "INSERT INTO candidates (id, first_name, last_name, links, do_not_contact,"
            " consent, created_at, updated_at) VALUES (?, 'A', 'B', '[]', 0, 'unknown',"
            " '2026-01-01', '2026-01-01')",
            [(i,) for i in range(1, 4)],
        )
        raw.executemany(
            "INSERT INTO applications (candidate_id, job_id, stage_id, applied_at,"
            " stage_entered_at, board_position, version, created_at, updated_at)"
            " VALUES (?, 1, ?, '2026-01-01', '2026-01-01', 0, 1, '2026-01-01',"
            " '2026-01-01')",
            [(1, 1), (2, 1), (3, 2)],
        )
    database = open_database(path, tmp_path / "backups")
    try:
        backup = database.migration_backup
        assert backup is not None and backup.exists()
        assert sqlite_rows(backup, "SELECT version_num FROM alembic_version") == [
            (KNOWN_REVISIONS[0],)
        ]
        assert sqlite_rows(backup, "SELECT count(*) FROM applications") == [(3,)]
        assert sqlite_rows(path, "SELECT version_num FROM alembic_version") == [
            (KNOWN_REVISIONS[-1],)
        ]
        assert _tallies_match_counts(database) == {1: 2, 2: 1}
    finally:
        database.close()


def test_board_query_reads_the_covering_index(database: Database) -> None:
    plan = sqlite_rows(
        database.path,
        "EXPLAIN QUERY PLAN SELECT id, candidate_id, stage_id, board_position, version"
        " FROM applications WHERE job_id = 1 ORDER BY board_position, id",
    )
    details = " ".join(str(row[-1]) for row in plan)
    assert "COVERING INDEX ix_applications_board" in details
    assert "TEMP B-TREE" not in details  # already in board order
