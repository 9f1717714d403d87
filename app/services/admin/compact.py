"""Database maintenance: pack leftover document text, merge the search index, give free
pages back to the disk, and say how much smaller the file became.

Deletes and edits leave free pages inside the file and the search index in many segments;
neither shrinks the file by itself. ``VACUUM`` rewrites the whole file, so it runs only when
enough of it is free space, and only on a sound file: it is checked first (as backups are),
and a damaged or read-only database is refused. ``VACUUM`` needs room for two more copies
of the file (one in the temporary folder, one in the write-ahead log beside it); without
it, it is skipped and the report says why. Other connections may keep reading meanwhile;
a writer waits, as for any write.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from app.store.database import Database
from app.store.db import PAGE_BYTES, ReadOnlyDatabase
from app.store.integrity import DatabaseDamaged, check_connection
from app.store.models import utc_now
from app.store.textpack import pack_text

VACUUM_FREE_SHARE = 0.10  # rewrite the file when at least this share of it is free pages
PACK_BATCH = 500
# The indexes' own tables: segments, their directory, per-row sizes, settings.
INDEX_TABLES = tuple(
    f"{index}_{part}"
    for index in ("candidate_search", "candidate_name_search")
    for part in ("data", "idx", "docsize", "config")
)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class MaintenanceReport:
    """Sizes in bytes before and after; the index's is None where SQLite cannot measure it."""

    path: Path
    file_before: int
    file_after: int
    index_before: int | None
    index_after: int | None
    free_before: int  # bytes on free pages once the index was merged: what VACUUM gives back
    vacuumed: bool
    packed_documents: int
    seconds: float
    note: str = ""  # why VACUUM was skipped, or what it could not do

    def summary_lines(self) -> list[str]:
        lines = [
            f"Database {self.path}: {_mb(self.file_before)} before, {_mb(self.file_after)} after "
            f"({self.seconds:.1f} s).",
        ]
        if self.index_before is not None and self.index_after is not None:
            lines.append(
                f"Search index: {_mb(self.index_before)} before, {_mb(self.index_after)} after."
            )
        done = "rewritten (VACUUM)" if self.vacuumed else "not rewritten"
        lines.append(f"Free space inside the file was {_mb(self.free_before)}; file {done}.")
        if self.note:
            lines.append(self.note)
        if self.packed_documents:
            lines.append(f"Compressed the text of {self.packed_documents:,} documents.")
        return lines


def _mb(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


def file_size(path: Path) -> int:
    """The database file and its write-ahead log: what the file takes on disk."""
    wal = Path(f"{path}-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def index_size(connection: sqlite3.Connection) -> int | None:
    """Bytes of the candidate index's pages; None if this SQLite lacks the dbstat table."""
    try:
        return sum(
            connection.execute(
                "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = ?", (name,)
            ).fetchone()[0]
            for name in INDEX_TABLES
        )
    except sqlite3.OperationalError:
        return None


def _free_bytes(connection: sqlite3.Connection) -> tuple[int, int]:
    """(bytes on free pages, bytes of all pages)."""
    page = connection.execute("PRAGMA page_size").fetchone()[0]
    free = connection.execute("PRAGMA freelist_count").fetchone()[0]
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    return free * page, pages * page


def _write(connection: sqlite3.Connection, work: Callable[[], object]) -> None:
    """``work`` in one write transaction, committed through the connection so that the
    window's watcher knows the commit as this process's own (`app.store.own_commits`)."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        work()
        connection.commit()
    except BaseException:
        connection.rollback()
        raise


def _pack_documents(connection: sqlite3.Connection) -> int:
    """Compress document text still stored plain (a file recovered from an older version),
    a batch per transaction; the triggers index each candidate again, with the same words."""
    packed = 0
    while True:
        rows = connection.execute(
            "SELECT id, text FROM documents WHERE typeof(text) = 'text' LIMIT ?", (PACK_BATCH,)
        ).fetchall()
        if not rows:
            return packed

        def update(batch: list[tuple[int, str]] = rows) -> None:
            connection.executemany(
                "UPDATE documents SET text = ? WHERE id = ?",
                [(pack_text(text), row_id) for row_id, text in batch],
            )

        _write(connection, update)
        packed += len(rows)


def _vacuum(connection: sqlite3.Connection) -> tuple[str, bool]:
    """VACUUM, into pages of `PAGE_BYTES` if the file has others (made by an older version).
    Returns what could not be done, and whether the pages were moved.

    SQLite changes the page size only outside write-ahead logging, which needs the file to
    itself: when another program has it open, the rewrite keeps the old size and says so.
    """
    if connection.execute("PRAGMA page_size").fetchone()[0] == PAGE_BYTES:
        connection.execute("VACUUM")
        return "", False
    waits = connection.execute("PRAGMA busy_timeout").fetchone()[0]
    connection.execute("PRAGMA busy_timeout=0")  # another holder will not let go soon
    try:
        left_wal = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
    except sqlite3.OperationalError:
        left_wal = False
    finally:
        connection.execute(f"PRAGMA busy_timeout={int(waits)}")
    if not left_wal:
        connection.execute("VACUUM")
        return (
            f"Pages stay at {connection.execute('PRAGMA page_size').fetchone()[0]} bytes: "
            "the database is open elsewhere as well (a Hirebench window or another program). "
            f"Run `hirebench maintenance --vacuum` with Hirebench closed to move to "
            f"{PAGE_BYTES}-byte pages, which make the file smaller."
        ), False
    try:
        connection.execute(f"PRAGMA page_size={PAGE_BYTES}")
        connection.execute("VACUUM")
    finally:
        connection.execute("PRAGMA journal_mode=WAL").fetchall()
    return "", True


def _room_for_vacuum(path: Path, size: int) -> str:
    """Why there is no room to rewrite the file, or "" if there is.

    VACUUM writes a copy into SQLite's temporary folder, then the rewritten pages into the
    write-ahead log beside the database: about the file's size in each place.
    """
    folders = {path.parent: size * 1.1}
    temporary = Path(tempfile.gettempdir())
    if temporary.stat().st_dev == path.parent.stat().st_dev:
        folders[path.parent] += size * 1.1
    else:
        folders[temporary] = size * 1.1
    for folder, needed in folders.items():
        spare = shutil.disk_usage(folder).free
        if spare < needed:
            return (
                f"Not rewritten: the disk holding {folder} has {_mb(spare)} free and the "
                f"rewrite needs about {_mb(int(needed))} there."
            )
    return ""


def run_maintenance(
    database: Database,
    vacuum_share: float = VACUUM_FREE_SHARE,
    force_vacuum: bool = False,
    progress: Progress | None = None,
) -> MaintenanceReport:
    """Pack, merge the index, and VACUUM if at least ``vacuum_share`` of the file is free
    (or ``force_vacuum``). Raises `ReadOnlyDatabase` or `DatabaseDamaged` for a file that
    must not be rewritten, and sqlite3 errors (a lock held too long, a full disk) as they come."""
    say = progress or (lambda _text: None)
    if database.read_only:
        raise ReadOnlyDatabase(database.mode.reason or "The database is open read-only.")
    started = time.perf_counter()
    path = database.path
    pooled = database.engine.raw_connection()  # Hirebench's pragmas and SQL function
    try:
        connection: sqlite3.Connection = pooled.driver_connection  # type: ignore[assignment]
        connection.isolation_level = None
        say("Checking the database")
        result = check_connection(connection, path)
        if not result.ok:
            database.mark_damaged(result)
            raise DatabaseDamaged(result, "it was not rewritten")
        file_before, index_before = file_size(path), index_size(connection)
        say("Compressing document text")
        packed = _pack_documents(connection)
        say("Merging the search indexes")

        def optimize() -> None:
            for index in ("candidate_search", "candidate_name_search"):
                connection.execute(f"INSERT INTO {index} ({index}) VALUES ('optimize')")

        _write(connection, optimize)
        free, total = _free_bytes(connection)
        note = ""
        wanted = force_vacuum or (total and free / total >= vacuum_share)
        if wanted:
            note = _room_for_vacuum(path, total)
        vacuumed = bool(wanted and not note)
        moved_pages = False
        if vacuumed:
            say("Rewriting the file without its free space (VACUUM)")
            # This program's idle connections would keep the file from leaving
            # write-ahead logging, which a change of page size needs (see _vacuum).
            database.engine.dispose()
            note, moved_pages = _vacuum(connection)
        if not moved_pages:  # a file that left the log for its rewrite starts a new one
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA optimize")
        report = MaintenanceReport(
            path=path,
            file_before=file_before,
            file_after=file_size(path),
            index_before=index_before,
            index_after=index_size(connection),
            free_before=free,
            vacuumed=vacuumed,
            packed_documents=packed,
            seconds=time.perf_counter() - started,
            note=note,
        )
        _audit(connection, report)
        return report
    finally:
        pooled.close()


def _audit(connection: sqlite3.Connection, report: MaintenanceReport) -> None:
    after = {k: v for k, v in asdict(report).items() if k not in ("path", "note")}
    _write(
        connection,
        lambda: connection.execute(
            "INSERT INTO audit_entries (occurred_at, user_id, actor, action, entity_type,"
            " entity_id, before, after) VALUES (?, NULL, 'system', 'database.maintenance',"
            " 'database', NULL, NULL, ?)",
            (
                utc_now().strftime("%Y-%m-%d %H:%M:%S.%f"),
                json.dumps(after),
            ),
        ),
    )
