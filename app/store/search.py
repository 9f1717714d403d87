"""The full-text indexes (SQLite FTS5) over whole candidates and over their names alone,
and the views they index.

``candidate_search`` is an external-content index: its rows come from the view
``candidate_search_source`` (one row per candidate, derived from the source tables, the
resume text read through ``hirebench_text``) and it stores no text of its own. Triggers
(migration 0022) keep it in step: a BEFORE trigger takes a candidate's row out while the
source still reads as indexed, an AFTER trigger indexes it again. Schema comparisons skip
the indexes, their shadow tables and the ``search_control`` switch that bulk writers use to
suspend the AFTER triggers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

# The resume-only index of migrations 0006 to 0021; older files (and recovery from them)
# still have it.
DOCUMENT_SEARCH_TABLE = "document_search"
CANDIDATE_SEARCH_TABLE = "candidate_search"
CANDIDATE_SEARCH_SOURCE = "candidate_search_source"
# Names alone, with prefix indexes, for the name tier of a search (migration 0022).
NAME_SEARCH_TABLE = "candidate_name_search"
NAME_SEARCH_SOURCE = "candidate_name_source"
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
# Each index: its columns, the view it indexes.
_INDEXES = {
    CANDIDATE_SEARCH_TABLE: (_COLUMNS, CANDIDATE_SEARCH_SOURCE),
    NAME_SEARCH_TABLE: ("name", NAME_SEARCH_SOURCE),
}

AnyConnection = sqlite3.Connection | Connection | Session


def is_search_table(name: str | None) -> bool:
    """The FTS tables, the shadow tables SQLite keeps for them, and the trigger switch."""
    if not name:
        return False
    if name == SEARCH_CONTROL_TABLE:
        return True
    return any(
        name == table or name.startswith(f"{table}_")
        for table in (DOCUMENT_SEARCH_TABLE, CANDIDATE_SEARCH_TABLE, NAME_SEARCH_TABLE)
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
    """Index ``candidate_ids`` (None: every candidate) again from the source tables.

    After a bulk write with the AFTER triggers suspended (the BEFORE triggers have taken the
    touched candidates out already; any still in the index are taken out first). A full
    rebuild also merges the index into one segment, which keeps queries fast.
    """
    if candidate_ids is not None:
        ids = sorted(set(candidate_ids))
        for start in range(0, len(ids), 500):
            chunk = tuple(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            drop_candidate_search_rows(connection, chunk)
            for index, (columns, source) in _INDEXES.items():
                _execute(
                    connection,
                    f"INSERT INTO {index} (rowid, {columns}) SELECT id, {columns}"
                    f" FROM {source} WHERE id IN ({marks})",
                    chunk,
                )
        return
    for index in _INDEXES:
        _execute(connection, f"INSERT INTO {index} ({index}) VALUES ('rebuild')")
        _execute(connection, f"INSERT INTO {index} ({index}) VALUES ('optimize')")


def drop_candidate_search_rows(connection: AnyConnection, candidate_ids: Iterable[int]) -> None:
    """Take these candidates out of the indexes, those that are in them (an external-content
    index must never be told to remove a row it does not hold)."""
    ids = tuple(sorted(set(candidate_ids)))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for index in _INDEXES:  # FTS5 keeps a row of column sizes for each indexed candidate
            _execute(
                connection,
                f"DELETE FROM {index} WHERE rowid IN"
                f" (SELECT id FROM {index}_docsize WHERE id IN ({marks}))",
                chunk,
            )


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
