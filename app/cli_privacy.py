"""``hirebench export-person ID OUT.zip`` and ``hirebench erase ID``: a person's rights over
their data, from a shell (see `app.services.candidates.privacy`).

``erase`` cannot be undone, so it asks for ``--yes``; it prints what it removed, and the
backups made before it that still hold the person.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli_support import EXIT_FAILURE, EXIT_OK, CommandError, open_for_command, record_id
from app.paths import AppPaths

if TYPE_CHECKING:
    from app.services.core.context import ServiceContext
    from app.store.database import Database


def add_parsers(commands: argparse._SubParsersAction, database_option: object) -> None:
    export = commands.add_parser(
        "export-person", help="write everything held about a candidate to a zip (subject access)"
    )
    database_option(export)  # type: ignore[operator]
    export.add_argument("candidate", type=record_id, metavar="ID", help="the candidate's id")
    export.add_argument("out", type=Path, metavar="OUT.zip", help="the zip file to write")
    erase = commands.add_parser("erase", help="erase a candidate's personal data everywhere")
    database_option(erase)  # type: ignore[operator]
    erase.add_argument("candidate", type=record_id, metavar="ID", help="the candidate's id")
    erase.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")


def _context(database: Database) -> ServiceContext:
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.services.core.context import ServiceContext
    from app.services.core.users import current_login, ensure_user

    return ServiceContext(database.sessions, ensure_user(database.sessions, current_login()))


def export_person_command(paths: AppPaths, args: argparse.Namespace) -> int:
    # Deferred: only the command that runs loads these.
    from app.services.candidates.privacy import export_person
    from app.services.core.unit_of_work import NotFoundError

    if args.out.suffix.lower() != ".zip":
        raise CommandError(f"{args.out} should end in .zip.")
    database = open_for_command(paths, args.database)
    try:
        rows, files = export_person(
            _context(database), args.candidate, paths.documents_dir, args.out
        )
    except NotFoundError as exc:
        raise CommandError(str(exc)) from exc
    except OSError as exc:
        raise CommandError(f"Could not write {args.out}: {exc.strerror or exc}") from exc
    finally:
        database.close()
    print(f"{rows:,} records and {files} files written to {args.out}")
    return EXIT_OK


def erase_command(paths: AppPaths, args: argparse.Namespace) -> int:
    # Deferred: only the command that runs loads these.
    from app.services.candidates.privacy import erase_person
    from app.services.core.unit_of_work import NotFoundError, ValidationError

    if not args.yes:
        raise CommandError(
            f"erasing candidate #{args.candidate} cannot be undone; run again with --yes."
        )
    database = open_for_command(paths, args.database, will_write=True)
    try:
        result = erase_person(
            _context(database),
            args.candidate,
            paths.documents_dir,
            database.backups_dir,
        ).value
    except (NotFoundError, ValidationError) as exc:
        raise CommandError(str(exc)) from exc
    finally:
        database.close()
    removed = ", ".join(f"{table} {count}" for table, count in sorted(result.counts.items()))
    print(f"Candidate #{result.candidate_id} erased ({removed}).")
    print(f"{result.redacted_audit_entries} audit entries redacted; a tombstone entry was added.")
    if result.files_removed:
        print(f"{len(result.files_removed)} resume files deleted.")
    for note in result.notes:
        print(note)
    if result.backups_holding:
        print("These backups were made before and still hold the person's data:")
        for backup in result.backups_holding:
            print(f"  {backup}")
    return EXIT_FAILURE if result.files_left else EXIT_OK
