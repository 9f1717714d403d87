"""Salvage a damaged database: every row that can still be read, copied into a new file.

A damaged page makes a plain ``SELECT *`` stop with "database disk image is malformed"
partway through a table. Each table is therefore first copied in one statement and, if that
fails, read again in rowid order around the damage (see `_TableReader`), so the rows before
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
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.store.db import SQLITE_HEADER, DatabaseError
from app.store.schema_version import KNOWN_REVISIONS
from app.store.search import (
    CANDIDATE_SEARCH_TABLE,
    is_search_table,
    rebuild_candidate_search,
)

Progress = Callable[[str], None]

# Tables whose rows the triggers derive from other tables: computed again, never copied.
DERIVED_TABLES: dict[str, str] = {
    "stage_counts": (
        "INSERT INTO stage_counts (stage_id, applications) "
        "SELECT stages.id, (SELECT count(*) FROM applications "
        "WHERE applications.stage_id = stages.id) FROM stages"
    ),
}
# Rows inserted per statement on the slow path, and how often it reports progress.
BATCH_ROWS = 500
PROGRESS_ROWS = 50_000
# The most queries spent looking for readable rows around damage, per table: a table whose
# b-tree is mostly destroyed gives up after this rather than probing for minutes.
MAX_PROBES = 5_000
# A damaged stretch of at most this many rowids is read id by id (a page that is only partly
# garbage may still give up some of its rows to a direct lookup).
POINT_SPAN = 256
MAX_ERRORS_LISTED = 10
_SIDE_SUFFIXES = ("-journal", "-wal", "-shm")


class RecoveryError(DatabaseError):
    """Recovery could not start or finish; the message is meant for the user."""


@dataclass(frozen=True)
class TableRecovery:
    """What became of one table.

    ``copied`` is the number of rows the new database holds. ``source_count_estimate`` is how
    many the damaged file had (exact for an undamaged table; for a damaged one, counted
    through an intact index when there is one); ``lost_estimate`` is the difference, rows
    removed because their parent was lost included; None when nothing allows a guess.
    """

    name: str
    copied: int
    source_count_estimate: int | None
    lost_estimate: int | None
    errors: list[str]
    orphans_removed: int = 0  # rows left out because a row they belong to was lost
    references_cleared: int = 0  # rows kept with a reference to a lost row set to NULL

    @property
    def damaged(self) -> bool:
        """Rows of this table could not be read (as opposed to only orphans removed)."""
        return bool(self.errors)

    @property
    def lost(self) -> bool:
        return bool(self.errors) or bool(self.lost_estimate)


@dataclass(frozen=True)
class RecoveryReport:
    """The outcome of `recover_database`, table by table."""

    source: Path
    destination: Path
    source_revision: str | None  # None: the file's schema revision could not be read
    tables: list[TableRecovery]
    missing_tables: list[str] = field(default_factory=list)  # current tables not in the source
    skipped_tables: list[str] = field(default_factory=list)  # source tables this version lacks
    rebuilt_tables: list[str] = field(default_factory=list)  # derived again, not copied
    notes: list[str] = field(default_factory=list)

    @property
    def copied(self) -> int:
        return sum(table.copied for table in self.tables)

    @property
    def orphans_removed(self) -> int:
        return sum(table.orphans_removed for table in self.tables)

    @property
    def references_cleared(self) -> int:
        return sum(table.references_cleared for table in self.tables)

    @property
    def lost_estimate(self) -> int:
        """Rows that are not in the new database, as far as they can be counted."""
        return sum(table.lost_estimate or 0 for table in self.tables)

    def table(self, name: str) -> TableRecovery:
        return next(table for table in self.tables if table.name == name)

    def summary_lines(self) -> list[str]:
        """One line per table that lost rows, then anything else worth knowing, then a total."""
        lines = [
            _table_line(table) for table in self.tables if table.lost or table.references_cleared
        ]
        if self.missing_tables:
            at = f" (schema {self.source_revision})" if self.source_revision else ""
            lines.append(
                f"Not in the damaged file{at}, so as in a new database: "
                + ", ".join(self.missing_tables)
                + "."
            )
        if self.skipped_tables:
            lines.append(
                "Not copied, unknown to this version of Hirebench: "
                + ", ".join(self.skipped_tables)
                + "."
            )
        lines.extend(self.notes)
        lines.append(self._total_line())
        return lines

    def _total_line(self) -> str:
        total = (
            f"Recovered {self.copied:,} rows from {len(self.tables)} tables into {self.destination}"
        )
        damaged = [table for table in self.tables if table.damaged]
        unread = sum(
            max(0, (table.lost_estimate or 0) - table.orphans_removed) for table in damaged
        )
        if not damaged and not self.orphans_removed:
            return f"{total}; nothing was lost."
        parts = []
        if damaged:
            names = ", ".join(table.name for table in damaged)
            amount = f"about {unread:,} rows" if unread else "some rows"
            parts.append(f"{amount} in {names} could not be read")
        if self.orphans_removed:
            parts.append(f"{self.orphans_removed:,} rows that belonged to lost rows were left out")
        return f"{total}; " + ", and ".join(parts) + "."


def _table_line(table: TableRecovery) -> str:
    about = "about " if table.damaged else ""
    of = (
        f" of {about}{table.source_count_estimate:,}"
        if table.source_count_estimate is not None
        else ""
    )
    line = f"{table.name}: {table.copied:,}{of} rows recovered"
    details = []
    unread = (table.lost_estimate or 0) - table.orphans_removed
    if table.damaged:
        details.append(
            f"about {unread:,} could not be read" if unread > 0 else "some could not be read"
        )
    if table.orphans_removed:
        details.append(
            f"{table.orphans_removed:,} left out because the row they belong to was lost"
        )
    if table.references_cleared:
        details.append(f"{table.references_cleared:,} kept without their link to a lost row")
    if details:
        line += "; " + ", ".join(details)
    if table.errors:
        more = f" (and {len(table.errors) - 1} more)" if len(table.errors) > 1 else ""
        line += f" — {table.errors[0]}{more}"
    return line + "."


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
    _remove_with_side_files(partial)  # left by an interrupted attempt: ours to replace
    try:
        result = _build(source, destination, partial, backups_dir, found, report)
        _publish(partial, destination)
    except BaseException:
        _remove_with_side_files(partial)
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


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _known_tables() -> set[str]:
    """The tables of the current models (engagement's included): what makes a file ours."""
    from app.store import engagement, models  # noqa: F401  (engagement registers its tables)

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
                table: [row[1] for row in connection.execute(f"PRAGMA table_info({_quote(table)})")]
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
    from app.store.database import open_database

    report(f"Creating {partial.name}")
    open_database(partial, backups_dir).close()  # the current schema, by the migrations
    connection = sqlite3.connect(f"{partial.resolve().as_uri()}?mode=rw", uri=True)
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
            count = connection.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0]
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
) -> dict[str, _Copied]:
    """Copy the tables in ``order`` that both files have, the columns they share."""
    connection.execute("ATTACH DATABASE ? AS src", (_source_uri(source),))
    # Reads around damage use a connection of their own: once a statement of a write
    # transaction has met a corrupt page, SQLite fails that transaction's later writes.
    reader = sqlite3.connect(_source_uri(source), uri=True)
    # A damaged row may hold bytes that are not UTF-8; keep the row, mark the bad bytes.
    reader.text_factory = lambda data: data.decode("utf-8", "replace")
    try:
        results: dict[str, _Copied] = {}
        for name in order:
            if name in present:
                shared = set(found.columns[name])
                columns = [column for column in present[name] if column in shared]
                results[name] = _copy_table(connection, reader, name, columns, report)
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
        name: [row[1] for row in connection.execute(f"PRAGMA main.table_info({_quote(name)})")]
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
        connection.execute(f"DROP TRIGGER main.{_quote(name)}")
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
        connection.execute(f"DELETE FROM {_quote(name)}")
        connection.execute(fill)
        rebuilt.append(name)
    indexes = connection.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'table'"
        " AND sql LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
    ).fetchall()
    for name, sql in indexes:
        if name == CANDIDATE_SEARCH_TABLE:
            rebuild_candidate_search(connection)
        elif re.search(r"\bcontent\s*=\s*'[^']+'", sql):
            # External content: the index reads its rows from the table it indexes.
            connection.execute(f"INSERT INTO {_quote(name)} ({_quote(name)}) VALUES ('rebuild')")
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
                for row in connection.execute(f"PRAGMA main.foreign_key_list({_quote(table)})"):
                    action, columns = keys[table].setdefault(row[0], (row[6], []))
                    columns.append(row[3])
                nullable[table] = {
                    row[1]
                    for row in connection.execute(f"PRAGMA main.table_info({_quote(table)})")
                    if not row[3] and not row[5]
                }
            if rowid is None:
                raise RecoveryError(f"{table} has rows without a rowid that refer to lost rows.")
            action, columns = keys[table][key_id]
            if action == "SET NULL" and set(columns) <= nullable[table]:
                assignments = ", ".join(f"{_quote(column)} = NULL" for column in columns)
                changed = connection.execute(
                    f"UPDATE {_quote(table)} SET {assignments} WHERE rowid = ?", (rowid,)
                ).rowcount
                cleared[table] = cleared.get(table, 0) + changed
            else:
                changed = connection.execute(
                    f"DELETE FROM {_quote(table)} WHERE rowid = ?", (rowid,)
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


def _remove_with_side_files(path: Path) -> None:
    for candidate in (path, *(Path(f"{path}{suffix}") for suffix in _SIDE_SUFFIXES)):
        candidate.unlink(missing_ok=True)


# --- Copying one table ------------------------------------------------------------------


@dataclass
class _Copied:
    """What copying one table found, before orphans are removed."""

    read: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)
    unread_estimate: int | None = 0  # rowids in damaged stretches; None: cannot say
    count_estimate: int | None = None  # the damaged file's own count, if one could be had

    def outcome(self, name: str, copied: int, removed: int, cleared: int) -> TableRecovery:
        if not self.errors:
            estimate: int | None = self.read
        elif self.count_estimate is not None:
            estimate = max(self.count_estimate, self.read)
        elif self.unread_estimate is not None:
            estimate = self.read + self.unread_estimate
        else:
            estimate = None
        lost = None if estimate is None else max(0, estimate - copied)
        return TableRecovery(
            name=name,
            copied=copied,
            source_count_estimate=estimate,
            lost_estimate=lost,
            errors=list(self.errors),
            orphans_removed=removed,
            references_cleared=cleared,
        )


def _copy_table(
    connection: sqlite3.Connection,
    reader: sqlite3.Connection,
    name: str,
    columns: list[str],
    report: Progress,
) -> _Copied:
    """Copy ``columns`` of table ``name`` from the damaged file into ``main``: in one
    statement from ``src`` when the table reads cleanly, else through ``reader`` around the
    damage."""
    table = _quote(name)
    names = ", ".join(_quote(column) for column in columns)
    result = _Copied()
    connection.execute("BEGIN")
    try:
        connection.execute(f"DELETE FROM main.{table}")  # rows a new database starts with
        cursor = connection.execute(
            f"INSERT INTO main.{table} ({names}) SELECT {names} FROM src.{table}"
        )
        connection.execute("COMMIT")
    except sqlite3.DatabaseError:
        connection.execute("ROLLBACK")  # the whole transaction: see `_copy_tables`
    else:
        result.read = cursor.rowcount
        report(f"{name}: {result.read:,} rows")
        return result
    rows = _TableReader(reader, name, columns)
    insert = f"INSERT INTO main.{table} ({names}) VALUES ({', '.join('?' * len(columns))})"
    batch: list[tuple[Any, ...]] = []
    reported = 0
    connection.execute("BEGIN")
    try:
        connection.execute(f"DELETE FROM main.{table}")
        for row in rows.rows():
            batch.append(row)
            result.read += 1
            if len(batch) >= BATCH_ROWS:
                result.rejected += _insert(connection, insert, batch, result.errors)
                batch.clear()
            if result.read - reported >= PROGRESS_ROWS:
                reported = result.read
                report(f"{name}: {result.read:,} rows (damaged, reading around it)")
        result.rejected += _insert(connection, insert, batch, result.errors)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    result.errors[:0] = rows.errors
    result.unread_estimate = rows.unread
    result.count_estimate = _count_estimate(reader, name)
    report(f"{name}: {result.read - result.rejected:,} rows (damaged)")
    return result


def _insert(
    connection: sqlite3.Connection, insert: str, rows: list[tuple[Any, ...]], errors: list[str]
) -> int:
    """Insert ``rows``; rows the current schema refuses are left out one by one. Returns
    how many were refused."""
    if not rows:
        return 0
    connection.execute("SAVEPOINT batch")
    try:
        connection.executemany(insert, rows)
    except sqlite3.IntegrityError:
        connection.execute("ROLLBACK TO batch")
    else:
        connection.execute("RELEASE batch")
        return 0
    connection.execute("RELEASE batch")
    refused = 0
    for row in rows:
        try:
            connection.execute(insert, row)
        except sqlite3.IntegrityError as exc:
            refused += 1
            message = f"rows the current schema does not accept were left out ({exc})"
            if message not in errors and len(errors) < MAX_ERRORS_LISTED:
                errors.append(message)
    return refused


def _count_estimate(connection: sqlite3.Connection, name: str) -> int | None:
    """How many rows the damaged table had, counted through any structure still readable:
    the table's own b-tree, else each of its (full) indexes, which are separate b-trees."""
    table = _quote(name)
    attempts = [f"SELECT count(*) FROM {table}", f"SELECT count(*) FROM {table} NOT INDEXED"]
    attempts += [
        f"SELECT count(*) FROM {table} INDEXED BY {_quote(index)}"
        for index in _full_indexes(connection, name)
    ]
    for sql in attempts:
        try:
            return int(connection.execute(sql).fetchone()[0])
        except sqlite3.DatabaseError:
            continue
    return None


def _full_indexes(connection: sqlite3.Connection, name: str) -> list[str]:
    """The source table's indexes that hold every row (a partial index holds only some)."""
    try:
        rows = connection.execute(f"PRAGMA index_list({_quote(name)})").fetchall()
    except sqlite3.DatabaseError:
        return []
    return [row[1] for row in rows if not row[4]]


def _plus_one(value: int | None) -> int | None:
    return None if value is None else value + 1


class _TableReader:
    """Every row of a damaged table that can still be read, found around the bad pages.

    The table is a b-tree keyed by rowid: a bad leaf page only hides the rowids it holds,
    and a search for a rowid beyond it goes down through intact interior pages. So the table
    is read upwards until the damage, then downwards from the end until the damage; what is
    left between is a stretch whose both ends are bad. A short stretch is read rowid by
    rowid; in a long one a readable rowid is looked for at growing distances from its lower
    end, and the stretch splits there. Every query counts against `MAX_PROBES`.
    """

    def __init__(self, connection: sqlite3.Connection, name: str, columns: list[str]):
        self.connection = connection
        self.name = name
        self.table = _quote(name)
        self.columns = ", ".join(_quote(column) for column in columns)
        self.errors: list[str] = []
        self.unread: int | None = 0
        self.probes = 0
        self._more_errors = 0
        self._rowid_bounds: tuple[int, int | None] | None = None

    def rows(self) -> Iterator[tuple[Any, ...]]:
        if not self._has_rowid():
            yield from self._plain_scan()
            return
        stretches: list[tuple[int | None, int | None]] = [(None, None)]
        while stretches:
            low, high = stretches.pop()
            if self.probes >= MAX_PROBES:
                self._gave_up(low, high)
                continue
            last, failure = yield from self._scan(low, high, descending=False)
            if failure is None:
                continue
            first, failure = yield from self._scan(last, high, descending=True)
            if failure is None:
                continue
            # Both ends of what is left are unreadable; where the table itself cannot say
            # where it starts or ends, an intact index can.
            low = last if last is not None else self._bounds()[0] - 1
            high = first if first is not None else _plus_one(self._bounds()[1])
            if high is not None and high - low - 1 <= POINT_SPAN:
                yield from self._lookups(low, high, failure)
                continue
            stretches.extend((yield from self._split(low, high, failure)))
        if self._more_errors:
            self.errors.append(f"{self._more_errors:,} more damaged stretches")

    def _bounds(self) -> tuple[int, int | None]:
        """The lowest and highest rowid, read from the first full index that can be read
        (rowids are positive in Hirebench's tables: 1 and unknown when none can)."""
        if self._rowid_bounds is None:
            self._rowid_bounds = (1, None)
            for index in _full_indexes(self.connection, self.name):
                self.probes += 1
                try:
                    lowest, highest = self.connection.execute(
                        f"SELECT min(rowid), max(rowid) FROM {self.table}"
                        f" INDEXED BY {_quote(index)}"
                    ).fetchone()
                except sqlite3.DatabaseError:
                    continue
                if lowest is not None:
                    self._rowid_bounds = (int(lowest), int(highest))
                break
        return self._rowid_bounds

    def _has_rowid(self) -> bool:
        try:
            self.connection.execute(f"SELECT rowid FROM {self.table} LIMIT 0")
        except sqlite3.OperationalError:
            return False
        return True

    def _plain_scan(self) -> Iterator[tuple[Any, ...]]:
        """A table without rowids cannot be entered past its damage: keep what comes first."""
        self.probes += 1
        try:
            for row in self.connection.execute(f"SELECT {self.columns} FROM {self.table}"):
                yield tuple(row)
        except sqlite3.DatabaseError as exc:
            self.unread = None
            self._error(f"the rest of the table unreadable: {exc}")

    def _scan(
        self, low: int | None, high: int | None, descending: bool
    ) -> Iterator[tuple[Any, ...]]:
        """Read the rows strictly between ``low`` and ``high`` in one direction until the end
        or the first error; return (the last rowid reached, the error or None).

        The rowid reached is ``low`` (or ``high`` downwards) when not even one row could be
        read.
        """
        self.probes += 1
        where, parameters = _between(low, high)
        order = "DESC" if descending else "ASC"
        reached = high if descending else low
        try:
            cursor = self.connection.execute(
                f"SELECT rowid, {self.columns} FROM {self.table} NOT INDEXED"
                f" {where} ORDER BY rowid {order}",
                parameters,
            )
            for row in cursor:
                reached = row[0]
                yield tuple(row[1:])
        except sqlite3.DatabaseError as exc:
            return reached, str(exc)
        return reached, None

    def _lookups(self, low: int, high: int, reason: str) -> Iterator[tuple[Any, ...]]:
        """Read each rowid strictly between ``low`` and ``high`` on its own."""
        unread_from: int | None = None
        for rowid in range(low + 1, high):
            if self.probes >= MAX_PROBES:
                self._gave_up(rowid - 1, high)
                break
            self.probes += 1
            try:
                row = self.connection.execute(
                    f"SELECT {self.columns} FROM {self.table} NOT INDEXED WHERE rowid = ?",
                    (rowid,),
                ).fetchone()
            except sqlite3.DatabaseError:
                self._add_unread(1)
                unread_from = rowid if unread_from is None else unread_from
                continue
            if unread_from is not None:
                self._error(_stretch(unread_from, rowid, reason))
                unread_from = None
            if row is not None:
                yield tuple(row)
        if unread_from is not None:
            self._error(_stretch(unread_from, high, reason))

    def _split(
        self, low: int, high: int | None, reason: str
    ) -> Generator[tuple[Any, ...], None, list[tuple[int | None, int | None]]]:
        """Find a readable row inside a long unreadable stretch: yield it, return the two
        stretches on either side of it (each strictly smaller, so the search ends).

        Looks at growing distances above ``low``: past a bad leaf page the search for a rowid
        goes down intact interior pages to a good leaf, at most twice as far as the damage.
        The whole row is read, not only its rowid, which a page with a bad payload still gives.
        """
        step = 1
        while self.probes < MAX_PROBES and low + step < 2**63:
            probe = low + step
            if high is not None and probe >= high:
                break
            self.probes += 1
            where, parameters = _between(probe - 1, high)
            try:
                row = self.connection.execute(
                    f"SELECT rowid, {self.columns} FROM {self.table} NOT INDEXED {where}"
                    " ORDER BY rowid LIMIT 1",
                    parameters,
                ).fetchone()
            except sqlite3.DatabaseError:
                step *= 2
                continue
            if row is None:  # nothing readable from the probe up: the damage is all below it
                return [(low, probe)]
            yield tuple(row[1:])
            return [(row[0], high), (low, row[0])]
        self._gave_up(low, high, reason)
        return []

    def _gave_up(self, low: int | None, high: int | None, reason: str | None = None) -> None:
        if low is None or high is None:
            self.unread = None
        else:
            self._add_unread(max(0, high - low - 1))
        why = reason or f"gave up after {MAX_PROBES:,} attempts"
        self._error(_stretch(None if low is None else low + 1, high, why))

    def _add_unread(self, count: int) -> None:
        if self.unread is not None:
            self.unread += count

    def _error(self, message: str) -> None:
        if len(self.errors) < MAX_ERRORS_LISTED:
            self.errors.append(message)
        else:
            self._more_errors += 1


def _between(low: int | None, high: int | None) -> tuple[str, tuple[int, ...]]:
    """A WHERE clause for rowids strictly between ``low`` and ``high`` (None: unbounded)."""
    conditions = []
    parameters: list[int] = []
    if low is not None:
        conditions.append("rowid > ?")
        parameters.append(low)
    if high is not None:
        conditions.append("rowid < ?")
        parameters.append(high)
    where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
    return where, tuple(parameters)


def _stretch(first: int | None, end: int | None, reason: str) -> str:
    """'ids 120 to 164 unreadable: reason' for the rowids from ``first`` up to (not
    including) ``end``."""
    if first is None and end is None:
        span = "rows"
    elif first is None:
        span = f"ids below {end:,}"
    elif end is None:
        span = f"ids from {first:,} on"
    elif end - first <= 1:
        span = f"id {first:,}"
    else:
        span = f"ids {first:,} to {end - 1:,}"
    return f"{span} unreadable: {reason}"
