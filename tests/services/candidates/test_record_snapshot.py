"""A snapshot read in one statement holds exactly what a SELECT per table holds: the same
rows, values as stored (floats, texts that look like numbers), in key order."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text

from app.services.candidates import record_snapshot
from app.services.candidates.record_snapshot import PARTS, capture
from app.store.database import Database


def per_table(database: Database, ids: list[int], documents: list[int]) -> dict[str, str]:
    """Each part's rows read on their own, as `capture` kept them before it read them all
    in one statement."""
    people = ", ".join(str(n) for n in ids)
    named = ", ".join(str(n) for n in documents or [-1])
    found: dict[str, str] = {}
    with database.sessions() as session:
        cursor = session.connection().connection.driver_connection.cursor()
        for part in PARTS:
            where = record_snapshot._where_owned(part, people, named)
            columns = ", ".join(record_snapshot._columns(part))
            sql = f"SELECT {columns} FROM {part.table} WHERE {where} ORDER BY {', '.join(part.key)}"
            found[part.table] = json.dumps(cursor.execute(sql).fetchall(), separators=(",", ":"))
    return found


def snapshot_of(database: Database, ids: list[int], documents: list[int]) -> dict[str, Any]:
    with database.sessions() as session:
        return capture(session, ids, documents)


def test_one_statement_reads_what_a_select_per_table_reads(demo_database: Database) -> None:
    with demo_database.sessions() as session:
        busiest = list(
            session.execute(
                text(
                    "SELECT candidate_id FROM applications GROUP BY candidate_id "
                    "ORDER BY count(*) DESC, candidate_id LIMIT 3"
                )
            ).scalars()
        )
        suspect = session.execute(
            text(
                "SELECT candidate_id, other_candidate_id FROM duplicate_suspects "
                "WHERE other_candidate_id IS NOT NULL LIMIT 1"
            )
        ).first()
        unlinked = session.execute(text("SELECT max(id) FROM documents")).scalar()
        top_skill = session.execute(text("SELECT max(id) FROM skills")).scalar()
    cases = [(busiest, []), (busiest[:1], [unlinked or 424_242]), ([999_999], [])]
    if suspect is not None:
        cases.append((sorted(set(suspect)), []))
    shots = []
    for ids, documents in cases:
        shot = snapshot_of(demo_database, ids, documents)
        assert shot["tables"] == per_table(demo_database, sorted(ids), documents), ids
        assert shot["top_skill_id"] == top_skill
        shots.append(shot)
    filled = {table for shot in shots for table, found in shot["tables"].items() if found != "[]"}
    assert {"candidates", "applications", "stage_changes", "activities"} <= filled
