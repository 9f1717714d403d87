"""Every row that makes up a few candidates, as plain JSON, and putting such rows back.

An attach (a resume added to an existing candidate) and a merge (two candidates folded into
one) are undoable. Each keeps, in its audit entry, a snapshot of the candidates' rows from
just before and just after (`capture`, `capture_after`); undo writes the before rows back
and redo the after rows (`restore`). Values are read and written as SQLite holds them, so a
restored record is byte for byte what it was, and the database's triggers keep the stage
counts and search indexes in step.

Rows the operations only re-link (timeline entries, documents, outbox messages) are kept as
their ids and links, not their text; the few rows an operation creates are kept whole in the
after snapshot (``created``), so that redo can write them again. Each table's rows are kept
as one JSON text of arrays (``tables``, with ``columns`` naming them); `rows` reads them.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.services.core.changes import ChangeKind
from app.services.core.unit_of_work import driver_cursor
from app.store import (  # noqa: F401  (their tables join the metadata)
    engagement,
    interviews,
    onboarding,
    placements,
    privacy,
    submittals,
)
from app.store.models import Base

Row = dict[str, Any]
Snapshot = dict[str, Any]


@dataclass(frozen=True)
class _Part:
    """One table's share of a candidate: how its rows are found, keyed and kept."""

    table: str
    key: tuple[str, ...]
    owner: str  # "self" (candidates), "candidate", "application", "suspect" or "document"
    label: str  # what the user calls it, for "changed since" messages
    columns: tuple[str, ...] | None = None  # None: the whole row
    on_leave: str = "delete"  # a row that is not in the target: "delete" or "unlink"


PARTS = (
    _Part("candidates", ("id",), "self", "details"),
    _Part("candidate_emails", ("id",), "candidate", "email addresses"),
    _Part("candidate_phones", ("id",), "candidate", "phone numbers"),
    _Part("experiences", ("id",), "candidate", "work history"),
    _Part("educations", ("id",), "candidate", "education"),
    _Part("candidate_skills", ("candidate_id", "skill_id"), "candidate", "skills"),
    _Part("candidate_tags", ("candidate_id", "tag_id"), "candidate", "tags"),
    _Part("pool_memberships", ("pool_id", "candidate_id"), "candidate", "talent pools"),
    _Part("applications", ("id",), "candidate", "applications"),
    _Part("stage_changes", ("id",), "application", "applications"),
    _Part("sequence_enrollments", ("id",), "candidate", "sequences"),
    _Part("activities", ("id",), "candidate", "timeline", ("id", "candidate_id", "application_id")),
    _Part("documents", ("id",), "document", "resumes", ("id", "candidate_id"), "unlink"),
    _Part(
        "outbox_messages",
        ("id",),
        "candidate",
        "emails",
        ("id", "candidate_id", "enrollment_id", "state", "last_error"),
        "unlink",
    ),
    _Part("duplicate_suspects", ("id",), "suspect", "possible duplicates"),
    _Part("tasks", ("id",), "candidate", "tasks", ("id", "candidate_id"), "unlink"),
    _Part("submittals", ("id",), "candidate", "submittals", ("id", "candidate_id")),
    # A merge moves the dropped application's hiring records onto the kept one (both applied
    # to the same job); only where each belongs is kept, to be put back.
    _Part("interviews", ("id",), "application", "interviews", ("id", "application_id")),
    _Part("offers", ("id",), "application", "offers", ("id", "application_id")),
    _Part("placements", ("id",), "application", "placements", ("id", "application_id")),
    # Kept whole: a merge may delete the dropped application's checks (the kept one has its
    # own of that kind), and its undo writes them back.
    _Part("onboarding_checks", ("id",), "application", "onboarding checks"),
)
_BY_TABLE = {part.table: part for part in PARTS}


@functools.cache
def _table_columns(table: str) -> tuple[str, ...]:
    return tuple(column.name for column in Base.metadata.tables[table].columns)


def _columns(part: _Part) -> tuple[str, ...]:
    return part.columns if part.columns is not None else _table_columns(part.table)


_ENCODER = json.JSONEncoder(separators=(",", ":"))


def _to_json(found: list[Any]) -> str:
    """Rows as one JSON text of arrays: one string per table (rather than a dict per row,
    copied again for the audit entry) keeps the garbage collector, which stops every thread,
    out of the way while imports run beside the window. Python's JSON keeps every float
    exactly. One encoder serves every call (``json.dumps`` makes one per call when given
    separators); most parts of a candidate have no rows."""
    return _ENCODER.encode(found) if found else "[]"


def _fetch_json(session: Session, sql: str, params: list[Any]) -> str:
    """The rows of ``sql`` as JSON text (`_to_json`), straight from the driver's cursor."""
    cursor = driver_cursor(session)
    try:
        return _to_json(cursor.execute(sql, params).fetchall())
    finally:
        cursor.close()


def _marks(values: list[int]) -> str:
    return ", ".join("?" * len(values))


def _where_owned(part: _Part, people: str, named: str) -> str:
    """How the part's rows of the candidates (and the named documents) are found."""
    if part.owner == "self":
        return f"id IN ({people})"
    if part.owner == "candidate":
        return f"candidate_id IN ({people})"
    if part.owner == "application":
        return f"application_id IN (SELECT id FROM applications WHERE candidate_id IN ({people}))"
    if part.owner == "suspect":
        return f"candidate_id IN ({people}) OR other_candidate_id IN ({people})"
    # documents: the candidates' own and the ones named (a resume being attached)
    return f"candidate_id IN ({people}) OR id IN ({named})"


@functools.lru_cache(maxsize=256)
def _select_sql(part: _Part, people: int, named: int) -> str:
    """The part's SELECT for ``people`` candidate ids and ``named`` document ids, built once
    (an attach takes two snapshots of 23 tables each)."""
    where = _where_owned(part, ", ".join("?" * people), ", ".join("?" * named))
    return (
        f"SELECT {', '.join(_columns(part))} FROM {part.table} "
        f"WHERE {where} ORDER BY {', '.join(part.key)}"
    )


def _capture_params(part: _Part, ids: list[int], documents: list[int]) -> list[Any]:
    if part.owner == "suspect":
        return ids + ids
    if part.owner == "document":
        return ids + documents
    return ids


def _read_parts(
    session: Session, ids: list[int], documents: list[int]
) -> tuple[dict[str, str], int]:
    """Every part's rows of the candidates in key order, as JSON text per table, and the top
    skill id; on one cursor of the driver's, without SQLAlchemy's work per statement.

    A SELECT per table: one statement for all (a UNION ALL, padded to the widest table)
    measured slower, its sorting and padding costing more than the statements it saves."""
    named = documents or [-1]
    cursor = driver_cursor(session)
    try:
        tables = {
            part.table: _to_json(
                cursor.execute(
                    _select_sql(part, len(ids), len(named)), _capture_params(part, ids, named)
                ).fetchall()
            )
            for part in PARTS
        }
        top_skill = cursor.execute("SELECT max(id) FROM skills").fetchone()[0]
    finally:
        cursor.close()
    return tables, top_skill or 0


def rows(snapshot: Snapshot, table: str) -> list[Row]:
    """A table's rows from a snapshot (or its ``created`` part), as column → value."""
    columns = snapshot["columns"][table]
    return [dict(zip(columns, row, strict=True)) for row in json.loads(snapshot["tables"][table])]


def capture(
    session: Session, candidate_ids: Iterable[int], document_ids: Iterable[int] = ()
) -> Snapshot:
    """The rows of ``candidate_ids`` (and the links of ``document_ids``) as they are now."""
    session.flush()
    ids = sorted(set(candidate_ids))
    documents = sorted(set(document_ids))
    tables, top_skill = _read_parts(session, ids, documents)
    return {
        "candidates": ids,
        "documents": documents,
        "top_skill_id": top_skill,
        "columns": {part.table: list(_columns(part)) for part in PARTS},
        "tables": tables,
    }


def _column_values(snapshot: Snapshot, table: str, column: str) -> list[Any]:
    """One column of a table's rows in a snapshot, without building a dict per row."""
    at = snapshot["columns"][table].index(column)
    return [row[at] for row in json.loads(snapshot["tables"][table])]


def capture_after(session: Session, before: Snapshot) -> Snapshot:
    """The same rows once the operation is done, with whole copies of the rows it created
    (timeline entries, skills), which redo needs and the kept links alone cannot give."""
    after = capture(session, before["candidates"], before["documents"])
    known = set(_column_values(before, "activities", "id"))
    new_activities = [n for n in _column_values(after, "activities", "id") if n not in known]
    linked = set(_column_values(after, "candidate_skills", "skill_id"))
    new_skills = sorted(s for s in linked if s > before["top_skill_id"])
    made = {"activities": new_activities, "skills": new_skills}
    after["created"] = {
        "columns": {table: list(_table_columns(table)) for table in made},
        "tables": {table: _whole_rows(session, table, ids) for table, ids in made.items()},
    }
    return after


def _whole_rows(session: Session, table: str, ids: list[int]) -> str:
    if not ids:
        return "[]"
    listed = ", ".join(_table_columns(table))
    sql = f"SELECT {listed} FROM {table} WHERE id IN ({_marks(ids)}) ORDER BY id"
    return _fetch_json(session, sql, list(ids))


def _parts_in(*snapshots: Snapshot) -> list[_Part]:
    """The parts every snapshot holds: one saved by an older version lacks the newer ones
    (tasks), which its undo then leaves as they are."""
    return [part for part in PARTS if all(part.table in shot["tables"] for shot in snapshots)]


def differences(current: Snapshot, expected: Snapshot) -> list[str]:
    """What differs between two snapshots of the same candidates, in the user's words."""
    labels: list[str] = []
    for part in _parts_in(current, expected):
        differs = current["tables"][part.table] != expected["tables"][part.table]
        if differs and part.label not in labels:
            labels.append(part.label)
    return labels


def _key(part: _Part, row: Row) -> tuple[Any, ...]:
    return tuple(row[name] for name in part.key)


def _where(part: _Part) -> str:
    return " AND ".join(f"{name} = :k_{name}" for name in part.key)


def _key_params(part: _Part, row: Row) -> dict[str, Any]:
    return {f"k_{name}": row[name] for name in part.key}


def _insert(session: Session, table: str, row: Row) -> None:
    names = list(row)
    session.execute(
        text(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})"
        ),
        row,
    )


def _update(session: Session, part: _Part, row: Row, old: Row | None) -> None:
    changed = [
        name for name in row if name not in part.key and (old is None or old.get(name) != row[name])
    ]
    if not changed:
        return
    assignments = ", ".join(f"{name} = :v_{name}" for name in changed)
    params = {f"v_{name}": row[name] for name in changed} | _key_params(part, row)
    session.execute(text(f"UPDATE {part.table} SET {assignments} WHERE {_where(part)}"), params)


def _exists(session: Session, part: _Part, row: Row) -> bool:
    found = session.execute(
        text(f"SELECT 1 FROM {part.table} WHERE {_where(part)}"), _key_params(part, row)
    )
    return found.first() is not None


def _leave(session: Session, part: _Part, row: Row) -> None:
    """Take a row out of the candidates' records: delete it, or unlink it where the row is
    not theirs to delete (a stored resume, an email in the outbox)."""
    if part.on_leave == "unlink":
        session.execute(
            text(f"UPDATE {part.table} SET candidate_id = NULL WHERE {_where(part)}"),
            _key_params(part, row),
        )
    else:
        session.execute(
            text(f"DELETE FROM {part.table} WHERE {_where(part)}"), _key_params(part, row)
        )


def restore(session: Session, target: Snapshot, current: Snapshot, created: Snapshot) -> None:
    """Make the rows of ``current`` (just captured) what ``target`` holds.

    Candidates that come back are inserted first and rows that go are deleted before any row
    is re-linked, so no unique rule sees two owners at once; candidates that go are deleted
    last, when nothing of theirs is left. ``created`` holds whole rows for those the target
    has but `current` cannot have kept (see `capture_after`).
    """
    whole = {
        table: {row["id"]: row for row in rows(created, table)}
        for table in (created.get("tables") or {})
    }
    people = _BY_TABLE["candidates"]
    wanted = {_key(people, row): row for row in rows(target, "candidates")}
    present = {_key(people, row): row for row in rows(current, "candidates")}
    for key, row in wanted.items():
        if key in present:
            _update(session, people, row, present[key])
        else:
            _insert(session, "candidates", row)
    for row in whole.get("skills", {}).values():
        exists = session.execute(text("SELECT 1 FROM skills WHERE id = :id"), row).first()
        if exists is None:
            _insert(session, "skills", row)
    children = [part for part in _parts_in(target, current) if part.owner != "self"]
    for part in reversed(children):
        keep = {_key(part, row) for row in rows(target, part.table)}
        for row in rows(current, part.table):
            if _key(part, row) not in keep:
                _leave(session, part, row)
    for part in children:
        now = {_key(part, row): row for row in rows(current, part.table)}
        for row in rows(target, part.table):
            old = now.get(_key(part, row))
            # A row gone with an application deleted above is written whole again.
            whole_child = part.owner == "application" and part.columns is None
            if old is not None and whole_child and not _exists(session, part, row):
                old = None
            if old is not None or part.on_leave == "unlink":
                _update(session, part, row, old)
            elif part.columns is None:
                _insert(session, part.table, row)
            else:  # a row kept by its links only: written whole from ``created``
                _insert(session, part.table, whole[part.table][row["id"]])
    for key, row in present.items():
        if key not in wanted:
            session.execute(text("DELETE FROM candidates WHERE id = :id"), {"id": row["id"]})
    _drop_unused_skills(session, current, target)
    session.expire_all()


def _drop_unused_skills(session: Session, current: Snapshot, target: Snapshot) -> None:
    """Skills an undone import created, now linked to nobody, go with it."""
    linked_now = {row["skill_id"] for row in rows(current, "candidate_skills")}
    linked_then = {row["skill_id"] for row in rows(target, "candidate_skills")}
    for skill_id in sorted(linked_now - linked_then):
        if skill_id <= target.get("top_skill_id", skill_id):
            continue
        session.execute(
            text(
                "DELETE FROM skills WHERE id = :id AND NOT EXISTS "
                "(SELECT 1 FROM candidate_skills WHERE skill_id = :id)"
            ),
            {"id": skill_id},
        )


def touched(current: Snapshot, target: Snapshot) -> dict[ChangeKind, set[int]]:
    """Ids by change kind (`Changes`) of what a restore between the two snapshots affects."""
    kinds: dict[ChangeKind, set[int]] = {ChangeKind.CANDIDATES: set(current["candidates"])}
    for snapshot in (current, target):
        for row in rows(snapshot, "applications"):
            kinds.setdefault(ChangeKind.APPLICATIONS, set()).add(row["id"])
            kinds.setdefault(ChangeKind.JOBS, set()).add(row["job_id"])
            kinds.setdefault(ChangeKind.STAGES, set()).add(row["stage_id"])
        for table, kind, column in (
            ("pool_memberships", ChangeKind.POOLS, "pool_id"),
            ("documents", ChangeKind.DOCUMENTS, "id"),
            ("duplicate_suspects", ChangeKind.DUPLICATES, "id"),
            ("outbox_messages", ChangeKind.OUTBOX, "id"),
            ("sequence_enrollments", ChangeKind.ENROLLMENTS, "id"),
        ):
            for row in rows(snapshot, table):
                kinds.setdefault(kind, set()).add(row[column])
    return kinds
