"""Whole-database operations: backups and generated (demo, scale) databases."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from app.services.admin.generate import Plan, Progress, generate
from app.store.audit_chain import seal, sqlite_execute
from app.store.database import Database
from app.store.migrate import backup_database, unique_path
from app.store.models import utc_now
from app.store.search import candidate_search_suspended


class NotEmptyError(RuntimeError):
    """Generated data only goes into a database with no users, clients, jobs or candidates yet."""


# The generator numbers these rows itself (ids from 1), so any existing row would collide.
_NUMBERED_TABLES = ("users", "clients", "jobs", "candidates", "skills", "tags", "talent_pools")
# Tables a new database already has rows in, written by its migrations (reference lists the
# generator leaves alone): they do not make a database "in use".
PREFILLED_TABLES = ("rejection_reasons",)


def _id_ranges(
    connection: sqlite3.Connection, counts: dict[str, int]
) -> dict[str, list[list[int]]]:
    """The ids of every row a bulk load wrote, per table, as ``[first, last]`` runs: the one
    audit entry of the load lists each record it created without a hundred thousand entries."""
    ranges: dict[str, list[list[int]]] = {}
    for table in counts:
        columns = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
        if "id" not in columns:
            continue  # a link table (candidate_skills…): its rows are named by their ends
        ranges[table] = [
            [first, last]
            for first, last in connection.execute(
                f"SELECT min(id), max(id) FROM (SELECT id, id - row_number() OVER (ORDER BY id)"
                f" AS run FROM {table}) GROUP BY run ORDER BY 1"
            )
        ]
    return ranges


def backup(source: Path, destination: Path) -> Path:
    """A consistent copy of the live database at ``destination`` (SQLite online backup).

    A folder as ``destination`` gets a dated file name. The database is checked first, and a
    damaged one is refused (`DatabaseDamaged`): a backup must be one worth restoring.
    """
    if destination.is_dir():
        destination = unique_path(destination / f"{source.stem}-{utc_now():%Y%m%dT%H%M%SZ}.sqlite3")
    return backup_database(source, destination)


AUTOMATIC_KEEP = 7  # daily copies kept: a week to notice that something went wrong
AUTOMATIC_EVERY = dt.timedelta(hours=20)  # "daily", for someone who opens it each morning


def automatic_backups(source: Path, folder: Path) -> list[Path]:
    """The automatic copies of ``source`` in ``folder``, oldest first."""
    copies = folder.glob(f"{source.stem}-auto-*.sqlite3")
    return sorted(copies, key=lambda path: (path.stat().st_mtime_ns, path.name))


def automatic_backup(
    source: Path,
    folder: Path,
    keep: int = AUTOMATIC_KEEP,
    every: dt.timedelta = AUTOMATIC_EVERY,
    now: dt.datetime | None = None,
    check: bool = True,
) -> Path | None:
    """Copy ``source`` into ``folder`` if the newest automatic copy is older than ``every``.

    The oldest automatic copies beyond ``keep`` are removed only after the new copy is
    written, and a damaged database is refused before anything is copied or removed
    (`DatabaseDamaged`): good backups are never rotated away by a damaged one.
    """
    moment = now or utc_now()
    existing = automatic_backups(source, folder)
    if existing:
        newest = dt.datetime.fromtimestamp(existing[-1].stat().st_mtime, dt.UTC)
        if moment - newest < every:
            return None
    name = f"{source.stem}-auto-{moment:%Y%m%dT%H%M%SZ}.sqlite3"
    made = backup_database(source, unique_path(folder / name), check=check)
    for old in automatic_backups(source, folder)[:-keep]:
        old.unlink(missing_ok=True)
    return made


def fill_generated(
    database: Database,
    plan: Plan,
    as_of: dt.datetime | None = None,
    action: str = "database.seed",
    progress: Progress | None = None,
) -> dict[str, int]:
    """Fill an empty database from ``plan`` in one transaction, audited as one entry."""
    moment = as_of or utc_now()
    connection = database.raw_connection()
    try:
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-1000000")  # 1 GB: index inserts stay in memory
        used = connection.execute(
            "SELECT " + " + ".join(f"(SELECT count(*) FROM {t})" for t in _NUMBERED_TABLES)
        ).fetchone()[0]
        if used:
            raise NotEmptyError(f"{database.path} already has data; generate into a new file.")
        connection.execute("BEGIN IMMEDIATE")
        # Rows are batched per table, so references are checked once, at commit.
        connection.execute("PRAGMA defer_foreign_keys=ON")
        try:
            # Indexing candidate by candidate through the triggers would re-derive each
            # index row once per skill and note; one rebuild at the end is far cheaper.
            with candidate_search_suspended(connection):
                counts = generate(connection, plan, moment, progress)
            connection.execute(
                "INSERT INTO audit_entries (occurred_at, user_id, actor, action, entity_type,"
                " entity_id, before, after) VALUES (?, NULL, 'system', ?, 'database', NULL,"
                " NULL, ?)",
                (
                    utc_now().strftime("%Y-%m-%d %H:%M:%S.%f"),
                    action,
                    json.dumps(
                        {
                            "plan": plan.__dict__,
                            "counts": counts,
                            "ids": _id_ranges(connection, counts),
                        }
                    ),
                ),
            )
            seal(sqlite_execute(connection))  # a plain connection: no commit hook here
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        connection.execute("PRAGMA optimize")
    finally:
        connection.close()
    return counts
