"""``hirebench audit verify`` and ``hirebench audit export``: the audit trail from a shell.

``verify`` recomputes the SHA-256 chain over every entry and prints "N entries verified"
(exit 0) or the first entry that does not verify and why (exit 1). ``export`` writes the
entries (filtered as the viewer filters them) as CSV to a file or to standard output.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.atomic_files import open_replacing
from app.cli_support import (
    EXIT_FAILURE,
    EXIT_OK,
    CommandError,
    iso_date,
    open_for_command,
    reading_actor,
    record_id,
)
from app.paths import AppPaths


def add_parsers(commands: argparse._SubParsersAction, database_option: object) -> None:
    audit = commands.add_parser("audit", help="verify or export the audit trail")
    actions = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    check = actions.add_parser("verify", help="check the audit trail's hash chain")
    database_option(check)  # type: ignore[operator]
    export = actions.add_parser("export", help="write audit entries as CSV")
    database_option(export)  # type: ignore[operator]
    export.add_argument("out", nargs="?", type=Path, help="CSV file (default: standard output)")
    export.add_argument("--from", dest="start", type=iso_date, metavar="DATE", help="first day")
    export.add_argument("--to", dest="end", type=iso_date, metavar="DATE", help="last day")
    export.add_argument("--record", metavar="TYPE", help="record type, e.g. candidate")
    export.add_argument("--id", dest="record_id", type=record_id, metavar="ID", help="record id")
    export.add_argument("--user", metavar="NAME", help="who made the change")
    export.add_argument(
        "--action", metavar="ACTION", help='an action, or a family ending in "." (candidate.)'
    )


def audit(paths: AppPaths, args: argparse.Namespace) -> int:
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.services.admin.audit_trail import AuditFilter, describe, verify_trail, write_audit_csv
    from app.services.core.context import ServiceContext

    database = open_for_command(paths, args.database)
    try:
        ctx = ServiceContext(database.sessions, reading_actor(database))
        if args.audit_command == "verify":
            result = verify_trail(ctx)
            print(describe(result))
            return EXIT_OK if result.ok else EXIT_FAILURE
        if args.start and args.end and args.start > args.end:
            raise CommandError("--from is after --to.")
        wanted = AuditFilter(
            args.record, args.record_id, args.user, args.action, args.start, args.end
        )
        if args.out is None:
            write_audit_csv(ctx, wanted, sys.stdout)
            return EXIT_OK
        try:
            with open_replacing(args.out) as out:
                count = write_audit_csv(ctx, wanted, out)
        except OSError as exc:
            raise CommandError(f"Could not write {args.out}: {exc.strerror or exc}") from exc
        print(f"{count:,} audit entries written to {args.out}")
        return EXIT_OK
    finally:
        database.close()
