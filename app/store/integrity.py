"""Checking a database file for damage before it can spread (into backups, into new rows).

SQLite's own checks do the work: ``quick_check`` reads every page and verifies the b-tree
structure (seconds even on a large file), ``integrity_check`` also compares every index
with its table. Both can be limited to a few tables, which keeps the check at start-up
inside the start-up budget. A file so damaged that the check itself cannot run is reported
as damaged too, with SQLite's words.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.store.db import DatabaseError, read_only_connection

# What the first screen reads: a damaged page here would show at once.
STARTUP_TABLES = ("alembic_version", "users", "clients", "jobs", "stages", "stage_counts")


@dataclass(frozen=True)
class CheckResult:
    """What a check found: no problems means the checked part of the file is sound."""

    path: Path
    kind: str  # "quick" or "full"
    problems: tuple[str, ...]
    seconds: float

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One line for the user."""
        if self.ok:
            return f"No problems found in {self.path} ({self.kind} check, {self.seconds:.1f} s)."
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        return f"{self.path} is damaged: {self.problems[0]}{more}."


class DatabaseDamaged(DatabaseError):  # noqa: N818 (reads as the situation it names)
    """A check found damage; the message says what to do."""

    def __init__(self, result: CheckResult, action: str):
        self.result = result
        super().__init__(
            f"The database {result.path} is damaged ({result.problems[0]}), so {action}. "
            "Restore a backup, or salvage what can be read with "
            "'hirebench recover OUT', then check it with 'hirebench check'."
        )


def check_connection(
    connection: sqlite3.Connection,
    path: Path,
    full: bool = False,
    tables: Sequence[str] | None = None,
    max_errors: int = 20,
) -> CheckResult:
    """Run the check on an open connection (the caller's, so it sees the live state)."""
    pragma = "integrity_check" if full else "quick_check"
    started = time.perf_counter()
    problems: list[str] = []
    try:
        if tables:
            present = _existing_tables(connection, tables)
            for table in present:
                problems += _run(connection, f"PRAGMA {pragma}({_quote(table)})")
                if len(problems) >= max_errors:
                    break
        else:
            problems = _run(connection, f"PRAGMA {pragma}({int(max_errors)})")
    except sqlite3.DatabaseError as exc:  # the check could not even read the file
        problems = [str(exc)]
    return CheckResult(
        path=path,
        kind="full" if full else "quick",
        problems=tuple(problems[:max_errors]),
        seconds=time.perf_counter() - started,
    )


def check_file(
    path: Path, full: bool = False, tables: Sequence[str] | None = None, max_errors: int = 20
) -> CheckResult:
    """Check the database file at ``path`` without writing to it (or creating files beside it)."""

    try:
        connection = read_only_connection(path)
    except sqlite3.DatabaseError as exc:
        return CheckResult(
            path=path, kind="full" if full else "quick", problems=(str(exc),), seconds=0.0
        )
    try:
        return check_connection(connection, path, full=full, tables=tables, max_errors=max_errors)
    finally:
        connection.close()


def _run(connection: sqlite3.Connection, statement: str) -> list[str]:
    rows = [row[0] for row in connection.execute(statement).fetchall()]
    return [] if rows == ["ok"] else [str(row) for row in rows]


def _existing_tables(connection: sqlite3.Connection, tables: Sequence[str]) -> list[str]:
    names = {
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
    }
    return [table for table in tables if table in names]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
