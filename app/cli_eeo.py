"""``hirebench eeo-log --from DATE --to DATE [--job ID] --csv``: the OFCCP applicant flow log
(`app.services.compliance.flow_log`) as CSV on standard output or in a file.

Only the compliance role may read it: a login whose role does not allow it gets a one-line
refusal and exit status 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from app.atomic_files import open_replacing
from app.cli_support import EXIT_OK, CommandError, open_for_command, reading_actor, record_id
from app.paths import AppPaths


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def add_parsers(commands: argparse._SubParsersAction, database_option: object) -> None:
    log = commands.add_parser("eeo-log", help="write the OFCCP applicant flow log as CSV")
    database_option(log)  # type: ignore[operator]
    log.add_argument("--from", dest="start", type=_date, required=True, metavar="DATE")
    log.add_argument("--to", dest="end", type=_date, required=True, metavar="DATE")
    log.add_argument("--job", type=record_id, metavar="ID", help="one job only")
    log.add_argument("--csv", action="store_true", help="CSV (the only format)")
    log.add_argument("--out", type=Path, metavar="FILE", help="(default: standard output)")


def eeo_log(paths: AppPaths, args: argparse.Namespace) -> int:
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.services.compliance.flow_log import flow_log, write_flow_log_csv
    from app.services.core.context import ServiceContext
    from app.services.core.roles import PermissionDenied

    if not args.csv:
        raise CommandError("the flow log is written as CSV: add --csv.")
    if args.start > args.end:
        raise CommandError("--from is after --to.")
    database = open_for_command(paths, args.database)
    try:
        ctx = ServiceContext(database.sessions, reading_actor(database))
        try:
            rows = flow_log(ctx, args.start, args.end, args.job)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
    finally:
        database.close()
    if args.out is None:
        write_flow_log_csv(rows, sys.stdout)
        return EXIT_OK
    try:
        with open_replacing(args.out) as out:
            count = write_flow_log_csv(rows, out)
    except OSError as exc:
        raise CommandError(f"Could not write {args.out}: {exc.strerror or exc}") from exc
    print(f"{count:,} applications written to {args.out}")
    return EXIT_OK
