"""`hirebench interviews`: the interviews of a range of days, printed or written as an
iCalendar file (``--ics``) for any calendar program."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from app.cli_support import EXIT_OK, CommandError, open_for_command, printable, record_id
from app.paths import AppPaths
from app.wording import plural

MAX_RANGE_DAYS = 3_660  # ten years at once is plenty; more is a typing mistake


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def add_parser(commands: argparse._SubParsersAction, database_option: object) -> None:
    interviews = commands.add_parser(
        "interviews", help="list interviews between two days, or write them as an .ics file"
    )
    database_option(interviews)  # type: ignore[operator]
    interviews.add_argument("--from", dest="start", type=_day, required=True, metavar="DATE")
    interviews.add_argument(
        "--to", dest="end", type=_day, required=True, metavar="DATE", help="(included)"
    )
    interviews.add_argument("--ics", type=Path, metavar="FILE", help="write an iCalendar file")
    interviews.add_argument("--json", action="store_true", help="print the list as JSON")
    interviews.add_argument("--recruiter", type=record_id, metavar="ID", help="scheduled by")
    interviews.add_argument("--client", type=record_id, metavar="ID")
    interviews.add_argument("--job", type=record_id, metavar="ID")
    interviews.add_argument(
        "--cancelled", action="store_true", help="include cancelled interviews in the list"
    )


def run(paths: AppPaths, args: argparse.Namespace) -> int:
    """Days are this computer's: --from's midnight up to the end of --to."""
    if args.end < args.start:
        raise CommandError("--to is before --from.")
    if (args.end - args.start).days > MAX_RANGE_DAYS:
        raise CommandError(f"at most {MAX_RANGE_DAYS:,} days at once.")
    if args.ics is not None and args.cancelled:
        raise CommandError("--ics writes the scheduled interviews only; leave out --cancelled.")
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.services.core.context import ServiceContext
    from app.services.core.unit_of_work import Actor
    from app.services.pipeline.interview_export import interviews_calendar
    from app.services.pipeline.interview_list import list_interviews

    start = dt.datetime.combine(args.start, dt.time()).astimezone()
    end = dt.datetime.combine(args.end + dt.timedelta(days=1), dt.time()).astimezone()
    database = open_for_command(paths, args.database)
    try:
        ctx = ServiceContext(database.sessions, Actor(None, "cli"))  # reading only
        rows = list_interviews(
            ctx,
            start,
            end,
            recruiter_id=args.recruiter,
            client_id=args.client,
            job_id=args.job,
            include_cancelled=args.cancelled,
        )
        data = interviews_calendar(ctx, rows) if args.ics is not None else b""
    finally:
        database.close()
    if args.ics is not None:
        try:
            args.ics.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"cannot write {printable(args.ics)}: {exc.strerror}") from exc
        print(f"{plural(len(rows), 'interview')} written to {printable(args.ics)}.")
        return EXIT_OK
    if args.json:
        payload = [
            {
                "id": row.id,
                "uid": row.uid,
                "sequence": row.sequence,
                "status": row.status.value,
                "starts_at": row.starts_at.isoformat(),
                "local_start": row.local_start.isoformat(),
                "time_zone": row.time_zone,
                "duration_minutes": row.duration_minutes,
                "candidate": row.candidate_name,
                "job": row.job_title,
                "client": row.client_name,
                "interviewers": [a.name for a in row.attendees],
                "location": row.location,
                "video_link": row.video_link,
                "conflicts": list(row.conflicts),
            }
            for row in rows
        ]
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return EXIT_OK
    for row in rows:
        flags = " [cancelled]" if row.cancelled else ""
        flags += f" [double-booked: {', '.join(row.conflicts)}]" if row.conflicts else ""
        print(
            printable(
                f"#{row.id:<6} {row.when}  {row.candidate_name} — {row.job_title}"
                f" ({row.client_name}); with {row.interviewers}{flags}"
            )
        )
    print(f"{plural(len(rows), 'interview')}.", file=sys.stderr)
    return EXIT_OK
