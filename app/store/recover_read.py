"""Reading a table of a damaged database: every row that can still be read, around the damage.

A damaged page makes a plain ``SELECT *`` stop with "database disk image is malformed"
partway through a table. The table is then read again in rowid order up to the damage and
down from the end to it, and a damaged stretch is probed (row by row when short, at growing
distances when long) so that rows past a bad page are kept. The work is bounded per table.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

from app.store.recover_report import TableRecovery

Progress = Callable[[str], None]

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


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class CopiedTable:
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


def copy_table(
    connection: sqlite3.Connection,
    reader: sqlite3.Connection,
    name: str,
    columns: list[str],
    report: Progress,
) -> CopiedTable:
    """Copy ``columns`` of table ``name`` from the damaged file into ``main``: in one
    statement from ``src`` when the table reads cleanly, else through ``reader`` around the
    damage."""
    table = quoted(name)
    names = ", ".join(quoted(column) for column in columns)
    result = CopiedTable()
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
    table = quoted(name)
    attempts = [f"SELECT count(*) FROM {table}", f"SELECT count(*) FROM {table} NOT INDEXED"]
    attempts += [
        f"SELECT count(*) FROM {table} INDEXED BY {quoted(index)}"
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
        rows = connection.execute(f"PRAGMA index_list({quoted(name)})").fetchall()
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
        self.table = quoted(name)
        self.columns = ", ".join(quoted(column) for column in columns)
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
                        f" INDEXED BY {quoted(index)}"
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
