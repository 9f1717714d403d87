"""Commands over the database file as a whole: seed, backup, check, maintenance, recover.

Backup, check and recover work on the file as it is (any schema version Hirebench knows,
nothing migrated or created); seed makes a new database and removes it again if it fails.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path

from app.cli_support import (
    EXIT_FAILURE,
    EXIT_OK,
    CommandError,
    bounded_int,
    database_path,
    open_for_command,
    printable,
)
from app.paths import AppPaths

MAX_SEED_CANDIDATES = 2_000_000  # about 10 GB and 20 minutes; beyond that, a mistake


def add_parsers(commands: argparse._SubParsersAction, database_option: object) -> None:
    seed = commands.add_parser("seed", help="build a large deterministic database for benchmarks")
    database_option(seed)  # type: ignore[operator]
    seed.add_argument(
        "--candidates",
        type=bounded_int(1, MAX_SEED_CANDIDATES, "a number of candidates"),
        default=100_000,
        metavar="N",
        help=f"1 to {MAX_SEED_CANDIDATES:,} (%(default)s)",
    )
    seed.add_argument(
        "--seed", type=bounded_int(0, 2**63 - 1, "a seed"), default=20261125, help="(%(default)s)"
    )
    seed.add_argument(
        "--resumes",
        action="store_true",
        help="give every candidate a generated resume (~350 words)",
    )

    backup = commands.add_parser("backup", help="copy the live database to PATH (online backup)")
    database_option(backup)  # type: ignore[operator]
    backup.add_argument("path", type=Path, metavar="PATH")

    check = commands.add_parser("check", help="check the database file for damage")
    database_option(check)  # type: ignore[operator]
    check.add_argument(
        "--quick", action="store_true", help="page structure only (faster; no index comparison)"
    )

    maintenance = commands.add_parser(
        "maintenance",
        help="merge the search index and give free space back to the disk (VACUUM when worth it)",
    )
    database_option(maintenance)  # type: ignore[operator]
    maintenance.add_argument(
        "--vacuum", action="store_true", help="rewrite the file even with little free space"
    )

    recover = commands.add_parser(
        "recover", help="copy every row that can still be read into a new database OUT"
    )
    database_option(recover)  # type: ignore[operator]
    recover.add_argument("out", type=Path, metavar="OUT")


def existing_database(paths: AppPaths, argument: str | None) -> Path:
    """The chosen database file, which must exist and be a Hirebench database (any version)."""
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.store.db import DatabaseError, inspect_database

    path = database_path(paths, argument)
    try:
        inspect_database(path, may_create=False)
    except DatabaseError as exc:
        raise CommandError(str(exc)) from exc
    return path


def seed(paths: AppPaths, args: argparse.Namespace) -> int:
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.services.admin.generate import scale_plan
    from app.services.admin.maintenance import NotEmptyError, fill_generated
    from app.store.errors import describe_database_error
    from app.store.migrate import remove_with_side_files

    if not args.database:
        raise CommandError("--database is required, so that benchmarks never touch real data.")
    target = database_path(paths, args.database)
    created = not target.exists()
    database = open_for_command(paths, args.database, may_create=True)
    started = time.perf_counter()

    def progress(done: int, planned: int) -> None:
        print(f"  {done:,} of {planned:,} candidates…", file=sys.stderr, flush=True)

    try:
        counts = fill_generated(
            database,
            scale_plan(args.candidates, seed=args.seed, resumes=args.resumes),
            progress=progress,
        )
    except NotEmptyError as exc:
        raise CommandError(str(exc)) from exc
    except BaseException as exc:
        database.close()
        if created:  # nothing half-made is left behind, whatever stopped it
            remove_with_side_files(target)
        if isinstance(exc, sqlite3.Error | OSError):
            message = describe_database_error(exc, target)
            raise CommandError(f"seeding failed: {message}") from exc
        raise
    finally:
        database.close()
    elapsed = time.perf_counter() - started
    summary = ", ".join(f"{n:,} {table}" for table, n in counts.items())
    print(f"Seeded {printable(database.path)} in {elapsed:.1f} s: {summary}", file=sys.stderr)
    return EXIT_OK


def backup(paths: AppPaths, args: argparse.Namespace) -> int:
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.services.admin.maintenance import backup as make_backup
    from app.store.errors import describe_database_error
    from app.store.integrity import DatabaseDamaged

    source = existing_database(paths, args.database)
    try:
        destination = make_backup(source, args.path.expanduser().absolute())
    except DatabaseDamaged as exc:
        raise CommandError(str(exc)) from exc
    except FileExistsError as exc:
        raise CommandError(str(exc)) from exc
    except (OSError, sqlite3.Error) as exc:
        where = args.path.expanduser().absolute()
        raise CommandError(f"backup failed: {describe_database_error(exc, where)}") from exc
    print(printable(destination))
    return EXIT_OK


def check(paths: AppPaths, args: argparse.Namespace) -> int:
    """The full check (``integrity_check``) by default; exit 1 when anything is wrong."""
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.store.integrity import check_file

    source = existing_database(paths, args.database)
    result = check_file(source, full=not args.quick, max_errors=100)
    if result.ok:
        print(printable(result.summary()))
        return EXIT_OK
    print(printable(result.summary()), file=sys.stderr)
    for problem in result.problems:
        print(f"  {printable(problem)}", file=sys.stderr)
    print(
        "Restore a backup, or salvage what can be read with 'hirebench recover OUT'.",
        file=sys.stderr,
    )
    return EXIT_FAILURE


def maintenance(paths: AppPaths, args: argparse.Namespace) -> int:
    """Pack, optimize, VACUUM when worth it; print the sizes before and after."""
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.services.admin.compact import run_maintenance
    from app.store.db import DatabaseError
    from app.store.errors import describe_database_error

    existing_database(paths, args.database)
    database = open_for_command(paths, args.database)

    def progress(text: str) -> None:
        print(f"  {printable(text)}…", file=sys.stderr, flush=True)

    try:
        report = run_maintenance(database, force_vacuum=args.vacuum, progress=progress)
    except DatabaseError as exc:
        raise CommandError(str(exc)) from exc
    except (OSError, sqlite3.Error) as exc:
        message = describe_database_error(exc, database.path)
        raise CommandError(f"maintenance failed: {message}") from exc
    finally:
        database.close()
    for line in report.summary_lines():
        print(printable(line))
    return EXIT_OK


def recover(paths: AppPaths, args: argparse.Namespace) -> int:
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.store.database import default_backups_dir
    from app.store.db import DatabaseError
    from app.store.errors import describe_database_error
    from app.store.recover import recover_database

    source = existing_database(paths, args.database)
    out = args.out.expanduser().absolute()
    if out.exists():
        raise CommandError(f"{out} already exists; name a new file to recover into.")
    if out.resolve() == source.resolve():
        raise CommandError("OUT must be a new file, not the database being recovered.")

    def progress(text: str) -> None:
        print(f"  {printable(text)}", file=sys.stderr, flush=True)

    try:
        report = recover_database(source, out, default_backups_dir(out), progress=progress)
    except (DatabaseError, FileExistsError, ValueError) as exc:
        raise CommandError(str(exc)) from exc
    except (OSError, sqlite3.Error) as exc:
        raise CommandError(f"recovery failed: {describe_database_error(exc, out)}") from exc
    for line in report.summary_lines():
        print(printable(line))
    return EXIT_OK
