"""What every command shares: checked arguments, opening the database, one-line errors.

A command that fails says so in one line on stderr and exits 1; arguments are checked by
argparse (exit 2) before anything is opened, so a huge or negative number never reaches
SQLite as an ``OverflowError``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from app.paths import AppPaths, choose_database
from app.textsafe import printable as escape

if TYPE_CHECKING:
    from app.services.core.unit_of_work import Actor
    from app.store.database import Database

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
SQLITE_MAX_ID = 2**63 - 1  # SQLite's largest INTEGER
DEFAULT_LOCK_WAIT_S = 30.0
MAX_LOCK_WAIT_S = 3600.0


class CommandError(Exception):
    """A failure to report on stderr, without a traceback."""


def bounded_int(low: int, high: int, what: str = "a whole number") -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``, else a usage error."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip().replace("_", ""), 10)
        except ValueError:
            shown = text if len(text) <= 40 else text[:37] + "…"
            raise argparse.ArgumentTypeError(f"{shown!r} is not {what}") from None
        if not low <= value <= high:
            shown = f"{value:,}" if len(text) <= 40 else f"a {len(text)}-digit number"
            raise argparse.ArgumentTypeError(f"{shown} is out of range ({low:,} to {high:,})")
        return value

    parse.__name__ = what  # argparse names the type in its messages
    return parse


record_id = bounded_int(1, SQLITE_MAX_ID, "an id")


def lock_wait_seconds(environ: Mapping[str, str] | None = None) -> float:
    """How long a command waits for another writer: ``HIREBENCH_LOCK_WAIT`` or 30 s."""
    env = os.environ if environ is None else environ
    text = env.get("HIREBENCH_LOCK_WAIT", "").strip()
    if not text:
        return DEFAULT_LOCK_WAIT_S
    try:
        seconds = float(text)
    except ValueError:
        raise CommandError(f"HIREBENCH_LOCK_WAIT={text!r} is not a number of seconds.") from None
    if not 0 <= seconds <= MAX_LOCK_WAIT_S:
        raise CommandError(f"HIREBENCH_LOCK_WAIT must be 0 to {MAX_LOCK_WAIT_S:g} seconds.")
    return seconds


def database_path(paths: AppPaths, argument: str | None, default: Path | None = None) -> Path:
    try:
        if default is not None and argument is None:
            return default
        return choose_database(paths, argument)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc


def open_for_command(
    paths: AppPaths,
    argument: str | None,
    *,
    default: Path | None = None,
    may_create: bool = False,
    will_write: bool = False,
) -> Database:
    """Open the chosen database for a command.

    ``may_create``: only the commands that make databases (seed, import, demo) create a
    missing file. ``will_write``: the whole file is checked first (about a second per
    500 MB), so that nothing is written into a damaged database.
    """
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.store.database import open_database
    from app.store.db import DatabaseError
    from app.store.integrity import DatabaseDamaged, check_file

    path = database_path(paths, argument, default)
    if path in (paths.default_database, paths.demo_database):
        path.parent.mkdir(parents=True, exist_ok=True)
    wait_ms = int(lock_wait_seconds() * 1000)
    try:
        database = open_database(path, may_create=may_create, busy_timeout_ms=wait_ms)
    except DatabaseError as exc:
        raise CommandError(str(exc)) from exc
    if will_write:
        result = check_file(path)
        if not result.ok:
            database.close()
            raise CommandError(str(DatabaseDamaged(result, "nothing was written to it")))
    return database


def printable(value: object) -> str:
    """``value`` for one line of terminal output: control characters shown escaped."""
    return escape(str(value))


def iso_date(text: str) -> dt.date:
    """An argparse type: a day written YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def reading_actor(database: Database) -> Actor:
    """Who a read-only command acts as: the user the operating-system login names, with
    their role, when they have an account here (nothing is created for them); otherwise
    the file's owner at the keyboard, who could read it with any SQLite tool anyway."""
    # Deferred: only the commands that run load these.
    from sqlalchemy import select

    # Deferred: as above.
    from app.services.core.roles import SYSTEM_ROLE
    from app.services.core.unit_of_work import Actor
    from app.services.core.users import current_login
    from app.store.models import User

    login = current_login()
    users = User.__table__.c
    with database.sessions() as session:
        found = session.execute(
            select(users.id, users.role).where(users.username == login, users.is_active)
        ).first()
    if found is None:
        return Actor(None, "cli", SYSTEM_ROLE)
    return Actor(found.id, login, found.role)
