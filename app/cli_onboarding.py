"""``hirebench onboarding``: the current hires' onboarding checks from a shell (``--overdue``:
only those past their due day; ``--json``: one object per check), as the Compliance section
groups them. Exit 1 with ``--overdue`` when any is overdue, so a scheduled job can alert."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from app.cli_support import EXIT_FAILURE, EXIT_OK, open_for_command
from app.paths import AppPaths


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def add_parser(commands: argparse._SubParsersAction, database_option: object) -> None:
    onboarding = commands.add_parser("onboarding", help="list the hires' onboarding checks")
    database_option(onboarding)  # type: ignore[operator]
    onboarding.add_argument("--overdue", action="store_true", help="only the overdue checks")
    onboarding.add_argument("--today", type=_date, metavar="DATE", help="as of this day")
    onboarding.add_argument("--json", action="store_true", help="one JSON object per line")


def run(paths: AppPaths, args: argparse.Namespace) -> int:
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.services.core.context import ServiceContext
    from app.services.core.unit_of_work import Actor
    from app.services.pipeline.onboarding import list_checks

    database = open_for_command(paths, args.database)
    try:
        ctx = ServiceContext(database.sessions, Actor(None, "cli"))  # reading only
        today = args.today or dt.date.today()
        groups = list_checks(ctx, today)
    finally:
        database.close()
    named = [("overdue", groups.overdue)]
    if not args.overdue:
        named += [("due soon", groups.due_soon), ("open", groups.open), ("done", groups.done)]
    for group, rows in named:
        for row in rows:
            due = row.due_on.isoformat() if row.due_on else None
            if args.json:
                print(
                    json.dumps(
                        {
                            "id": row.id,
                            "group": group,
                            "check": row.kind.value,
                            "status": row.status.value,
                            "candidate": row.candidate_name,
                            "job": row.job_title,
                            "client": row.client_name,
                            "due": due,
                            "owner": row.owner_name,
                        },
                        ensure_ascii=False,
                    )
                )
            else:
                print(
                    f"{group:<9} {due or 'no start':<10}  {row.kind_text:<16} "
                    f"{row.status_text:<30} {row.candidate_name} — {row.job_title} "
                    f"({row.client_name}); owner {row.owner_name or 'nobody'}"
                )
    if args.overdue and not args.json:
        print(f"{len(groups.overdue):,} onboarding checks overdue as of {today:%Y-%m-%d}")
    return EXIT_FAILURE if args.overdue and groups.overdue else EXIT_OK
