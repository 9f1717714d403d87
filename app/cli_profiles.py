"""Commands over candidate profiles as a client sees them: ``hirebench profile-pdf``.

The PDF is the one a submittal attaches, made by the same service and renderer; Qt loads
only when the command runs (on the offscreen platform: no display is needed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli_support import EXIT_OK, CommandError, open_for_command, printable, record_id
from app.paths import AppPaths


def add_parsers(commands: argparse._SubParsersAction, database_option: object) -> None:
    pdf = commands.add_parser(
        "profile-pdf", help="write a candidate's profile as a PDF in the agency's branding"
    )
    database_option(pdf)  # type: ignore[operator]
    pdf.add_argument("candidate", type=record_id, metavar="CANDIDATE_ID")
    pdf.add_argument("out", type=Path, metavar="OUT.pdf")
    pdf.add_argument(
        "--blind",
        action="store_true",
        help="initials only; no email, phone, address or links",
    )
    pdf.add_argument(
        "--hide-employers", action="store_true", help="with --blind: leave out employer names"
    )
    pdf.add_argument("--job", type=record_id, metavar="ID", help="present them for this job")
    pdf.add_argument("--pitch", metavar="TEXT", help="the recruiter's note on the candidate")


def profile_pdf(paths: AppPaths, args: argparse.Namespace) -> int:
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.services.candidates.profile_document import ProfileOptions, profile_document
    from app.services.core.context import ServiceContext
    from app.services.core.unit_of_work import NotFoundError, ValidationError
    from app.services.core.users import current_login, ensure_user

    if args.hide_employers and not args.blind:
        raise CommandError("--hide-employers needs --blind.")
    options = ProfileOptions(
        blind=args.blind,
        show_employers=not args.hide_employers,
        pitch=args.pitch,
        job_id=args.job,
    )
    database = open_for_command(paths, args.database)
    try:
        ctx = ServiceContext(database.sessions, ensure_user(database.sessions, current_login()))
        try:
            document = profile_document(ctx, args.candidate, options)
        except (NotFoundError, ValidationError) as exc:
            raise CommandError(str(exc)) from exc
    finally:
        database.close()
    # Deferred: Qt loads only for this command, after the database work is done.
    from app.ui.printing.profile_pdf import ensure_gui_application, write_profile_pdf

    ensure_gui_application()
    try:
        write_profile_pdf(document, args.out)
    except OSError as exc:
        raise CommandError(f"cannot write {args.out}: {exc.strerror or exc}") from exc
    kind = "blind profile" if document.blind else "profile"
    print(
        f"Wrote the {kind} of {printable(document.name)} to {printable(args.out)}.", file=sys.stderr
    )
    return EXIT_OK
