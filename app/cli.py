"""The command line: the GUI by default, and headless commands over the same services.

Heavy modules (Qt, Alembic) are imported only by the commands that need them, so that
``hirebench stats`` stays quick.
"""

from __future__ import annotations

import argparse
import json
import logging
import sqlite3
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from app import __version__
from app.paths import AppPaths, choose_database, resolve_paths

if TYPE_CHECKING:
    from app.store.database import Database

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


def _database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        metavar="URL-or-path",
        help="SQLite database file or sqlite:/// URL (default: HIREBENCH_DATABASE, "
        "else the user data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hirebench",
        description="Hirebench: applicant tracking and candidate relationships, offline.",
    )
    parser.add_argument("--version", action="version", version=f"hirebench {__version__}")
    _database_option(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = commands.add_parser("gui", help="open the application window (the default)")
    _database_option(gui)

    demo = commands.add_parser("demo", help="open the demo database, creating it if absent")
    _database_option(demo)
    demo.add_argument(
        "--no-gui", action="store_true", help="only create the demo database and print its path"
    )

    seed = commands.add_parser("seed", help="build a large deterministic database for benchmarks")
    _database_option(seed)
    seed.add_argument("--candidates", type=int, default=100_000, metavar="N")
    seed.add_argument("--seed", type=int, default=20261125, help="random seed (%(default)s)")

    stats = commands.add_parser("stats", help="print row counts as JSON")
    _database_option(stats)

    backup = commands.add_parser("backup", help="copy the live database to PATH (online backup)")
    _database_option(backup)
    backup.add_argument("path", type=Path, metavar="PATH")
    return parser


def run(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    paths = resolve_paths()
    try:
        paths.ensure()
        from app.logs import configure_logging

        configure_logging(paths.log_file)
    except OSError as exc:
        print(f"hirebench: cannot use the data folder: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    command = args.command or "gui"
    log.info("command %s", command)
    if command in ("gui", "demo") and not getattr(args, "no_gui", False):
        from app.bootstrap import run_gui

        return run_gui(paths, args.database, demo=command == "demo")
    handlers = {"demo": _demo, "seed": _seed, "stats": _stats, "backup": _backup}
    try:
        return handlers[command](paths, args)
    except CommandError as exc:
        print(f"hirebench {command}: {exc}", file=sys.stderr)
        return EXIT_FAILURE


class CommandError(Exception):
    """A failure to report on stderr, without a traceback."""


def _open(
    paths: AppPaths,
    database_argument: str | None,
    default: Path | None = None,
    must_exist: bool = False,
) -> Database:
    """Open the chosen database; ``must_exist`` for commands that only read or copy it."""
    from app.store.database import open_database
    from app.store.db import DatabaseError

    try:
        path = (
            default
            if default is not None and not database_argument
            else choose_database(paths, database_argument)
        )
        if must_exist and not path.exists():
            raise CommandError(f"There is no database at {path}.")
        if path == paths.default_database or path == paths.demo_database:
            path.parent.mkdir(parents=True, exist_ok=True)
        return open_database(path, paths.backups_dir)
    except (ValueError, DatabaseError) as exc:
        raise CommandError(str(exc)) from exc


def _demo(paths: AppPaths, args: argparse.Namespace) -> int:
    from app.bootstrap import ensure_demo_database

    database = _open(paths, args.database, default=paths.demo_database)
    try:
        ensure_demo_database(database)
    finally:
        database.close()
    print(database.path)
    return EXIT_OK


def _seed(paths: AppPaths, args: argparse.Namespace) -> int:
    from app.services.generate import scale_plan
    from app.services.maintenance import NotEmptyError, fill_generated

    if not args.database:
        raise CommandError("--database is required, so that benchmarks never touch real data.")
    if args.candidates < 1:
        raise CommandError("--candidates must be at least 1.")
    database = _open(paths, args.database)
    started = time.perf_counter()
    try:
        counts = fill_generated(database, scale_plan(args.candidates, seed=args.seed))
    except NotEmptyError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        database.close()
    elapsed = time.perf_counter() - started
    summary = ", ".join(f"{n:,} {table}" for table, n in counts.items())
    print(f"Seeded {database.path} in {elapsed:.1f} s: {summary}", file=sys.stderr)
    return EXIT_OK


def _stats(paths: AppPaths, args: argparse.Namespace) -> int:
    from app.services.stats import table_counts

    database = _open(paths, args.database, must_exist=True)
    try:
        print(json.dumps(table_counts(database.engine), indent=2))
    finally:
        database.close()
    return EXIT_OK


def _backup(paths: AppPaths, args: argparse.Namespace) -> int:
    from app.services.maintenance import backup

    database = _open(paths, args.database, must_exist=True)
    try:
        destination = backup(database, args.path.expanduser().absolute())
    except (OSError, sqlite3.Error) as exc:
        raise CommandError(f"backup failed: {exc}") from exc
    finally:
        database.close()
    print(destination)
    return EXIT_OK
