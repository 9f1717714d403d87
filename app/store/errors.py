"""What went wrong with the database file, in words a recruiter can act on.

SQLite reports a full disk, a lock held by another program or a damaged file with terse
codes ("database or disk is full", "database is locked"); the user needs to know which disk,
which file and what to do. One place turns those into a sentence, for the CLI's one-line
errors and the window's messages alike.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from app.store.db import BUSY_TIMEOUT_MS


def _root_error(exc: BaseException) -> BaseException:
    """The DB-API or OS error under SQLAlchemy's wrapper, if there is one."""
    original = getattr(exc, "orig", None)
    return original if isinstance(original, BaseException) else exc


def is_disk_full(exc: BaseException) -> bool:
    root = _root_error(exc)
    if isinstance(root, OSError) and root.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return True
    return "database or disk is full" in str(root)


def is_locked(exc: BaseException) -> bool:
    text = str(_root_error(exc))
    return "database is locked" in text or "database table is locked" in text


def is_damage(exc: BaseException) -> bool:
    """SQLite met a page it cannot read: the file is damaged."""
    text = str(_root_error(exc))
    return "malformed" in text or "file is not a database" in text


def describe_database_error(
    exc: BaseException, path: Path | None = None, waited_ms: int = BUSY_TIMEOUT_MS
) -> str:
    """One sentence for ``exc`` raised while using the database at ``path``."""
    root = _root_error(exc)
    where = path.parent if path is not None else None
    if is_disk_full(root):
        place = f"the disk holding {where}" if where is not None else "the disk"
        return f"{place} is full; free some space and try again (nothing was saved)."
    if is_locked(root):
        name = path if path is not None else "the database"
        return (
            f"another Hirebench (or another program) is writing to {name}; waited "
            f"{waited_ms / 1000:g} s for it to finish. Try again when it is done "
            "(HIREBENCH_LOCK_WAIT sets how long a command waits)."
        )
    text = str(root)
    if "malformed" in text or "not a database" in text:
        name = path if path is not None else "the database"
        return (
            f"{name} is damaged ({text}). Run 'hirebench check' and restore a backup or "
            "'hirebench recover OUT'."
        )
    if "readonly database" in text or "read-only" in text:
        return f"{path or 'the database'} cannot be written (read-only file or folder)."
    if "disk I/O error" in text:
        place = f"the disk holding {where}" if where is not None else "the disk"
        return f"{place} reported an input/output error; check the disk and try again."
    if isinstance(root, OSError):
        filename = f" ({root.filename})" if root.filename else ""
        return f"{root.strerror or root}{filename}."
    if isinstance(root, sqlite3.Error):
        return f"SQLite reported: {text}."
    return f"{type(root).__name__}: {text}"
