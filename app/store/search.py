"""The full-text indexes (SQLite FTS5) over resume text and whole candidates.

Both are virtual tables outside the ORM models, kept in step by triggers (migrations 0006
and 0007), so schema comparisons must skip them, their shadow tables and the
``search_control`` switch that bulk writers use to suspend the candidate triggers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

DOCUMENT_SEARCH_TABLE = "document_search"
CANDIDATE_SEARCH_TABLE = "candidate_search"
SEARCH_CONTROL_TABLE = "search_control"
# The candidate index's columns, in order (field terms and bm25 weights refer to them).
CANDIDATE_SEARCH_COLUMNS = (
    "name",
    "headline",
    "title",
    "city",
    "skills",
    "tags",
    "resume",
    "notes",
)
_COLUMNS = ", ".join(CANDIDATE_SEARCH_COLUMNS)
# One index row per candidate: must stay the same as the triggers' row in migrations 0007
# and 0010 (a test compares a rebuilt index with the one the triggers keep). Emails we sent
# are left out (0010); the candidate's replies are in.
_ROW_SELECT = (
    "SELECT c.id,"
    " c.first_name || coalesce(' ' || c.middle_name, '') || ' ' || c.last_name,"
    " c.headline,"
    " CASE WHEN c.current_employer IS NULL THEN c.current_title"
    " WHEN c.current_title IS NULL THEN c.current_employer"
    " ELSE c.current_title || ', ' || c.current_employer END,"
    " c.location,"
    " (SELECT group_concat(name, ', ') FROM (SELECT s.name FROM candidate_skills cs"
    " JOIN skills s ON s.id = cs.skill_id WHERE cs.candidate_id = c.id ORDER BY s.name)),"
    " (SELECT group_concat(name, ', ') FROM (SELECT t.name FROM candidate_tags ct"
    " JOIN tags t ON t.id = ct.tag_id WHERE ct.candidate_id = c.id ORDER BY t.name)),"
    " (SELECT group_concat(text, char(10)) FROM (SELECT d.text FROM documents d"
    " WHERE d.candidate_id = c.id AND d.text IS NOT NULL ORDER BY d.id)),"
    " (SELECT group_concat(note, char(10)) FROM (SELECT trim(coalesce(a.subject, '') || ' ' ||"
    " coalesce(a.body, '')) AS note FROM activities a WHERE a.candidate_id = c.id"
    " AND a.kind IN ('note', 'email', 'call', 'meeting') AND coalesce(a.direction, '') <> 'out'"
    " ORDER BY a.occurred_at, a.id))"
    " FROM candidates c"
)

AnyConnection = sqlite3.Connection | Connection | Session


def is_search_table(name: str | None) -> bool:
    """The FTS tables, the shadow tables SQLite keeps for them, and the trigger switch."""
    if not name:
        return False
    if name == SEARCH_CONTROL_TABLE:
        return True
    return any(
        name == table or name.startswith(f"{table}_")
        for table in (DOCUMENT_SEARCH_TABLE, CANDIDATE_SEARCH_TABLE)
    )


def include_in_schema_comparison(obj: object, name: str | None, type_: str, *_args: object) -> bool:
    """Alembic ``include_object`` hook: leave the full-text tables out of comparisons."""
    return not (type_ == "table" and is_search_table(name))


def _execute(connection: AnyConnection, sql: str, parameters: tuple[Any, ...] = ()) -> Any:
    """Run plain SQL on a DB-API connection, a SQLAlchemy connection or a session."""
    if isinstance(connection, Session):
        connection = connection.connection()
    if isinstance(connection, Connection):
        return connection.exec_driver_sql(sql, parameters)
    return connection.execute(sql, parameters)


def set_candidate_search_suspended(connection: AnyConnection, suspended: bool) -> None:
    """Switch the candidate index's triggers off (bulk writes) or back on.

    Do it inside the bulk writer's own transaction: other connections never see the index
    suspended, and a rollback switches the triggers back on by itself.
    """
    _execute(connection, "UPDATE search_control SET suspended = ?", (int(suspended),))


def rebuild_candidate_search(
    connection: AnyConnection, candidate_ids: Iterable[int] | None = None
) -> None:
    """Re-derive the index rows of ``candidate_ids`` (None: every candidate) in one statement.

    After a bulk write with the triggers suspended. A full rebuild of an empty index (a new,
    generated database) also merges the index into one segment, which keeps queries fast.
    """
    if candidate_ids is not None:
        ids = sorted(set(candidate_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            _execute(
                connection, f"DELETE FROM candidate_search WHERE rowid IN ({marks})", tuple(chunk)
            )
            _execute(
                connection,
                f"INSERT INTO candidate_search (rowid, {_COLUMNS}) {_ROW_SELECT}"
                f" WHERE c.id IN ({marks})",
                tuple(chunk),
            )
        return
    _execute(connection, "DELETE FROM candidate_search")
    _execute(connection, f"INSERT INTO candidate_search (rowid, {_COLUMNS}) {_ROW_SELECT}")
    _execute(connection, "INSERT INTO candidate_search (candidate_search) VALUES ('optimize')")


@contextmanager
def candidate_search_suspended(connection: AnyConnection) -> Iterator[None]:
    """Suspend the candidate triggers for a bulk write, then rebuild the whole index once.

    Use inside the caller's transaction; on an error nothing is rebuilt (the rollback
    undoes the writes and the suspension together).
    """
    set_candidate_search_suspended(connection, True)
    yield
    rebuild_candidate_search(connection)
    set_candidate_search_suspended(connection, False)
