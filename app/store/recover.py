"""Salvage a damaged database: every row that can still be read, copied into a new file.

A damaged page makes a plain ``SELECT *`` stop with "database disk image is malformed"
partway through a table. Each table is therefore first copied in one statement and, if that
fails, read again in rowid order around the damage (`app.store.recover_read`), so the rows before
and after a bad page are kept. The new file is a fresh database at the current schema, filled
under a ``.partial`` name and renamed only when it is complete and consistent: rows whose
parent was lost are removed (or their reference cleared, as deleting the parent would have),
and the tables the triggers derive (stage counts, the search indexes) are computed again.

The damaged file is only ever read, through a read-only (and, with no ``-wal`` beside it,
immutable) connection, so not even a ``-shm`` file appears next to it.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app.store import (  # noqa: F401  (they register their tables)
    compliance,
    engagement,
    interviews,
    mailbox,
    models,
    onboarding,
    placements,
    privacy,
    submittals,
)
from app.store.database import open_database
from app.store.db import SQLITE_HEADER, DatabaseError
from app.store.migrate import remove_with_side_files
from app.store.recover_read import CopiedTable, Progress, copy_table, quoted
from app.store.recover_report import RecoveryReport
from app.store.schema_version import KNOWN_REVISIONS
from app.store.search import (
    CANDIDATE_SEARCH_TABLE,
    NAME_SEARCH_TABLE,
    is_search_table,
    rebuild_candidate_search,
)
from app.store.textpack import register_text_function

__all__ = [
    "DERIVED_COLUMNS",
    "DERIVED_TABLES",
    "RecoveryError",
    "RecoveryReport",
    "recover_database",
]

# Tables whose rows the triggers derive from other tables: computed again, never copied.
DERIVED_TABLES: dict[str, str] = {
    "stage_counts": (
        "INSERT INTO stage_counts (stage_id, applications) "
        "SELECT stages.id, (SELECT count(*) FROM applications "
        "WHERE applications.stage_id = stages.id) FROM stages"
    ),
}

# Columns a trigger fills from other rows of their own table (migration 0021): filled again
# from the recovered rows, since the row they were read from may be among those lost.
DERIVED_COLUMNS: dict[str, str] = {
    "stage_changes": (
        "UPDATE stage_changes SET from_entered_at = previous.changed_at FROM ("
        "SELECT id, lag(changed_at) OVER (PARTITION BY application_id ORDER BY id) AS changed_at "
        "FROM stage_changes) AS previous "
        "WHERE previous.id = stage_changes.id AND stage_changes.from_stage_id IS NOT NULL"
    ),
}


class RecoveryError(DatabaseError):
    """Recovery could not start or finish; the message is meant for the user."""


def recover_database(
    source: Path,
    destination: Path,
    backups_dir: Path,
    progress: Progress | None = None,
) -> RecoveryReport:
    """Copy every readable row of the (damaged) database ``source`` into a new ``destination``.

    ``destination`` must not exist; it is written as ``<name>.partial`` and renamed when
    complete, so a failure never leaves a half-written file under its name. ``source`` is
    only read. Raises `RecoveryError` when ``source`` is not a Hirebench database that can
    be read at all, `FileExistsError` when ``destination`` exists.
    """
    report = progress or (lambda _text: None)
    source = Path(source)
    destination = Path(destination)
    if destination.exists():
        raise FileExistsError(
            f"{destination} already exists; recovery writes a new file and never replaces one."
        )
    if not destination.parent.is_dir():
        raise RecoveryError(f"The folder {destination.parent} does not exist.")
    report(f"Reading {source}")
    found = _inspect_source(source)
    partial = destination.with_name(destination.name + ".partial")
    remove_with_side_files(partial)  # left by an interrupted attempt: ours to replace
    try:
        result = _build(source, destination, partial, backups_dir, found, report)
        _publish(partial, destination)
    except BaseException:
        remove_with_side_files(partial)
        raise
    report(f"Recovered {result.copied:,} rows into {destination}")
    return result


# --- The damaged file -------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    """What could be read of the damaged file's schema."""

    revision: str | None
    columns: dict[str, list[str]]  # table -> column names, as the file declares them
    notes: list[str]


def _source_uri(path: Path) -> str:
    """A read-only URI for ``path``; immutable when no -wal says another writer is around.

    Immutable means SQLite neither locks nor looks for journals, so it creates no -shm or
    -wal next to a file that may be a user's only copy of their data.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not Path(f"{path}-wal").exists():
        uri += "&immutable=1"
    return uri


def _known_tables() -> set[str]:
    """The tables of the current models (engagement's included): what makes a file ours."""

    return set(models.Base.metadata.tables)


def _inspect_source(source: Path) -> _Source:
    if not source.is_file():
        raise RecoveryError(f"{source} does not exist or is not a file.")
    with source.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise RecoveryError(f"{source} is not a Hirebench database (it is not a SQLite file).")
    try:
        connection = sqlite3.connect(_source_uri(source), uri=True)
    except sqlite3.Error as exc:
        raise RecoveryError(f"{source} cannot be opened: {exc}.") from exc
    notes: list[str] = []
    try:
        try:
            # Virtual tables (the search indexes) are never read: they are built anew, and
            # even listing their columns would read their possibly damaged shadow tables.
            tables = [
                row[0]
                for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                    " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
                )
            ]
            columns = {
                table: [row[1] for row in connection.execute(f"PRAGMA table_info({quoted(table)})")]
                for table in tables
            }
        except sqlite3.DatabaseError as exc:
            raise RecoveryError(
                f"The list of tables in {source} is damaged ({exc}); nothing can be recovered "
                "from it. Restore a backup instead."
            ) from exc
        if not set(tables) & _known_tables():
            raise RecoveryError(
                f"{source} is not a Hirebench database (none of its tables are Hirebench's)."
            )
        revision = None
        if "alembic_version" in tables:
            try:
                row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
            except sqlite3.DatabaseError as exc:
                notes.append(f"The schema version could not be read ({exc}).")
        if revision is not None and revision not in KNOWN_REVISIONS:
            raise RecoveryError(
                f"{source} was written by a newer version of Hirebench (schema {revision}); "
                "recover it with that version."
            )
    finally:
        connection.close()
    return _Source(revision=revision, columns=columns, notes=notes)


# --- Building the new file --------------------------------------------------------------


def _build(
    source: Path,
    destination: Path,
    partial: Path,
    backups_dir: Path,
    found: _Source,
    report: Progress,
) -> RecoveryReport:

    report(f"Creating {partial.name}")
    open_database(partial, backups_dir).close()  # the current schema, by the migrations
    connection = sqlite3.connect(f"{partial.resolve().as_uri()}?mode=rw", uri=True)
    register_text_function(connection)  # the candidate index reads resume text through it
    try:
        connection.isolation_level = None  # transactions are begun explicitly below
        connection.execute("PRAGMA foreign_keys=OFF")
        connection.execute("PRAGMA synchronous=NORMAL")
        triggers = _drop_triggers(connection)
        current = _current_tables(connection)
        copyable = [
            name
            for name in current
            if not (
                name == "alembic_version"
                or name in DERIVED_TABLES
                or is_search_table(name)
                or name.startswith("sqlite_")
            )
        ]
        present = {
            name: columns
            for name, columns in current.items()
            if set(columns) & set(found.columns.get(name, ()))
        }
        results = _copy_tables(connection, source, present, found, copyable, report)

        report("Removing rows whose parent was lost")
        removed, cleared = _remove_orphans(connection)
        report("Rebuilding stage counts and search indexes")
        rebuilt, notes = _rebuild_derived(connection)
        _recreate_triggers(connection, triggers)
        connection.execute("PRAGMA analysis_limit=1000")
        connection.execute("ANALYZE")

        report("Checking the recovered database")
        _verify(connection, partial)
        tables = []
        for name, copied in results.items():
            count = connection.execute(f"SELECT count(*) FROM {quoted(name)}").fetchone()[0]
            tables.append(copied.outcome(name, count, removed.get(name, 0), cleared.get(name, 0)))
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    if Path(f"{partial}-wal").exists() or Path(f"{partial}-journal").exists():
        raise RecoveryError(f"{partial} was not closed cleanly; try again.")
    Path(f"{partial}-shm").unlink(missing_ok=True)  # only an index into the WAL, now empty
    return RecoveryReport(
        source=source,
        destination=destination,
        source_revision=found.revision,
        tables=tables,
        missing_tables=[name for name in copyable if name not in present],
        skipped_tables=sorted(
            name
            for name in found.columns
            if name not in current
            and name != "alembic_version"
            and not is_search_table(name)
            and not name.startswith("sqlite_")
        ),
        rebuilt_tables=rebuilt,
        notes=found.notes + notes,
    )


def _copy_tables(
    connection: sqlite3.Connection,
    source: Path,
    present: dict[str, list[str]],
    found: _Source,
    order: list[str],
    report: Progress,
) -> dict[str, CopiedTable]:
    """Copy the tables in ``order`` that both files have, the columns they share."""
    connection.execute("ATTACH DATABASE ? AS src", (_source_uri(source),))
    # Reads around damage use a connection of their own: once a statement of a write
    # transaction has met a corrupt page, SQLite fails that transaction's later writes.
    reader = sqlite3.connect(_source_uri(source), uri=True)
    # A damaged row may hold bytes that are not UTF-8; keep the row, mark the bad bytes.
    reader.text_factory = lambda data: data.decode("utf-8", "replace")
    try:
        results: dict[str, CopiedTable] = {}
        for name in order:
            if name in present:
                shared = set(found.columns[name])
                columns = [column for column in present[name] if column in shared]
                results[name] = copy_table(connection, reader, name, columns, report)
        return results
    finally:
        reader.close()
        connection.execute("DETACH DATABASE src")


def _current_tables(connection: sqlite3.Connection) -> dict[str, list[str]]:
    """The new file's ordinary tables and their columns (virtual tables left out)."""
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'table'"
            " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
        )
    ]
    return {
        name: [row[1] for row in connection.execute(f"PRAGMA main.table_info({quoted(name)})")]
        for name in names
    }


def _drop_triggers(connection: sqlite3.Connection) -> list[tuple[str, str]]:
    """Drop the new file's triggers for the copy: rows arrive complete, and derived tables
    are computed once at the end rather than row by row (or twice)."""
    triggers = connection.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' ORDER BY name"
    ).fetchall()
    connection.execute("BEGIN")
    for name, _sql in triggers:
        connection.execute(f"DROP TRIGGER main.{quoted(name)}")
    connection.execute("COMMIT")
    return triggers


def _recreate_triggers(connection: sqlite3.Connection, triggers: list[tuple[str, str]]) -> None:
    connection.execute("BEGIN")
    for _name, sql in triggers:
        connection.execute(sql)
    connection.execute("COMMIT")


def _rebuild_derived(connection: sqlite3.Connection) -> tuple[list[str], list[str]]:
    """Compute the trigger-maintained tables from the recovered rows."""
    rebuilt: list[str] = []
    notes: list[str] = []
    connection.execute("BEGIN")
    for name, fill in DERIVED_TABLES.items():
        connection.execute(f"DELETE FROM {quoted(name)}")
        connection.execute(fill)
        rebuilt.append(name)
    for fill in DERIVED_COLUMNS.values():
        connection.execute(fill)
    indexes = connection.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'table'"
        " AND sql LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
    ).fetchall()
    for name, sql in indexes:
        if "fts5vocab" in sql.lower():
            continue  # a view of another index's words, with nothing of its own
        if name == NAME_SEARCH_TABLE:
            pass  # rebuilt with the candidate index, just before
        elif name == CANDIDATE_SEARCH_TABLE:
            rebuild_candidate_search(connection)
        elif re.search(r"\bcontent\s*=\s*'[^']+'", sql):
            # External content: the index reads its rows from the table it indexes.
            connection.execute(f"INSERT INTO {quoted(name)} ({quoted(name)}) VALUES ('rebuild')")
        else:
            notes.append(f"The index {name} could not be rebuilt; it starts empty.")
            continue
        rebuilt.append(name)
    connection.execute("COMMIT")
    return rebuilt, notes


def _remove_orphans(connection: sqlite3.Connection) -> tuple[dict[str, int], dict[str, int]]:
    """Make every reference point at a row that exists, as if the lost rows were deleted.

    A reference declared ON DELETE SET NULL is cleared (the row is kept); any other row that
    refers to a lost row is removed, which can orphan its own children: repeat until clean.
    """
    removed: dict[str, int] = {}
    cleared: dict[str, int] = {}
    keys: dict[str, dict[int, tuple[str, list[str]]]] = {}
    nullable: dict[str, set[str]] = {}
    connection.execute("BEGIN")
    for _round in range(1000):
        problems = connection.execute("PRAGMA main.foreign_key_check").fetchall()
        if not problems:
            break
        for table, rowid, _parent, key_id in problems:
            if table not in keys:
                keys[table] = {}
                for row in connection.execute(f"PRAGMA main.foreign_key_list({quoted(table)})"):
                    action, columns = keys[table].setdefault(row[0], (row[6], []))
                    columns.append(row[3])
                nullable[table] = {
                    row[1]
                    for row in connection.execute(f"PRAGMA main.table_info({quoted(table)})")
                    if not row[3] and not row[5]
                }
            if rowid is None:
                raise RecoveryError(f"{table} has rows without a rowid that refer to lost rows.")
            action, columns = keys[table][key_id]
            if action == "SET NULL" and set(columns) <= nullable[table]:
                assignments = ", ".join(f"{quoted(column)} = NULL" for column in columns)
                changed = connection.execute(
                    f"UPDATE {quoted(table)} SET {assignments} WHERE rowid = ?", (rowid,)
                ).rowcount
                cleared[table] = cleared.get(table, 0) + changed
            else:
                changed = connection.execute(
                    f"DELETE FROM {quoted(table)} WHERE rowid = ?", (rowid,)
                ).rowcount
                removed[table] = removed.get(table, 0) + changed
    connection.execute("COMMIT")
    return removed, cleared


def _verify(connection: sqlite3.Connection, partial: Path) -> None:
    """The new file must be sound before it gets its final name."""
    problems = connection.execute("PRAGMA main.foreign_key_check").fetchall()
    if problems:
        raise RecoveryError(f"{partial} still has broken references: {problems[:5]}")
    check = connection.execute("PRAGMA main.quick_check").fetchall()
    if check != [("ok",)]:
        raise RecoveryError(f"{partial} failed its check: {check[:5]}")


def _publish(partial: Path, destination: Path) -> None:
    """Give the finished file its name, without ever replacing a file that appeared there."""
    try:
        os.link(partial, destination)
    except FileExistsError:
        raise FileExistsError(
            f"{destination} appeared while recovering; the recovered copy was not kept."
        ) from None
    except OSError:  # a file system without hard links
        if destination.exists():
            raise FileExistsError(f"{destination} appeared while recovering.") from None
        partial.replace(destination)
        return
    partial.unlink()
