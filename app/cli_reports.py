"""``hirebench report NAME``: a report over a date range, as the Reports section shows it.

``--json`` prints ``{"rows": [...], "totals": {...}}`` (rows keyed by the screen's column
names), ``--csv`` the table; otherwise a plain table. The range is whole days in UTC, both
ends included; without ``--from``/``--to`` it is the last 90 days up to today.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json

from app.cli_support import EXIT_OK, CommandError, iso_date, open_for_command, record_id
from app.paths import AppPaths

NAMES = (
    "time-to-fill",
    "time-to-hire",
    "time-in-stage",
    "funnel",
    "sources",
    "activity",
    "campaigns",
    "placements",
)
DEFAULT_DAYS = 90


def add_parsers(commands: argparse._SubParsersAction, database_option: object) -> None:
    report = commands.add_parser("report", help="print a report (time to fill, funnel, …)")
    database_option(report)  # type: ignore[operator]
    report.add_argument("name", choices=NAMES, metavar="NAME", help=", ".join(NAMES))
    report.add_argument("--from", dest="start", type=iso_date, metavar="DATE", help="first day")
    report.add_argument("--to", dest="end", type=iso_date, metavar="DATE", help="last day")
    narrow = report.add_argument_group("filters")
    narrow.add_argument("--client", type=record_id, metavar="ID")
    narrow.add_argument("--job", type=record_id, metavar="ID")
    narrow.add_argument("--owner", type=record_id, metavar="ID", help="the job's owner (user)")
    narrow.add_argument("--source", metavar="NAME", help="where the applications came from")
    output = report.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="rows and totals as JSON")
    output.add_argument("--csv", action="store_true", help="the table as CSV")


def report(paths: AppPaths, args: argparse.Namespace) -> int:
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.services.admin.report_catalog import run_report
    from app.services.admin.report_defs import ReportFilter
    from app.services.admin.report_export import report_csv, report_json, report_text
    from app.services.core.context import ServiceContext
    from app.services.core.unit_of_work import Actor

    end = args.end or dt.date.today()
    start = args.start or end - dt.timedelta(days=DEFAULT_DAYS)
    if start > end:
        raise CommandError("--from is after --to.")
    filters = ReportFilter(start, end, args.client, args.job, args.owner, args.source)
    database = open_for_command(paths, args.database)
    try:
        # Reading only: no user row is created for the person at the keyboard.
        result = run_report(
            ServiceContext(database.sessions, Actor(None, "cli")), args.name, filters
        )
    finally:
        database.close()
    if args.json:
        print(json.dumps(report_json(result), indent=2, ensure_ascii=False))
    elif args.csv:
        print(report_csv(result), end="")
    else:
        print(report_text(result), end="")
    return EXIT_OK
