"""The command line: the GUI by default, and headless commands over the same services.

Heavy modules (Qt, Alembic) are imported only by the commands that need them, so that
``hirebench stats`` stays quick.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import sqlite3
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from app import (
    __version__,
    cli_audit,
    cli_eeo,
    cli_interviews,
    cli_mailbox,
    cli_maintenance,
    cli_onboarding,
    cli_privacy,
    cli_profiles,
    cli_reports,
    cli_users,
)
from app.cli_support import (
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    bounded_int,
    database_path,
    lock_wait_seconds,
    open_for_command,
    printable,
    record_id,
)
from app.paths import AppPaths, resolve_paths
from app.wording import plural

if TYPE_CHECKING:
    from app.mail.account import AccountSettings
    from app.store.database import Database

log = logging.getLogger(__name__)

__all__ = ["EXIT_FAILURE", "EXIT_OK", "EXIT_USAGE", "CommandError", "build_parser", "run"]

MAX_LIMIT = 100_000  # rows a listing prints at most
MAX_DAYS = 36_500  # a hundred years: any longer look-back means "ever"


def _database_option(parser: argparse.ArgumentParser, default: object = argparse.SUPPRESS) -> None:
    """``--database``, accepted before the command or after it. A command's own copy sets
    the value only when given, so that one given before the command is not reset to None."""
    parser.add_argument(
        "--database",
        default=default,
        metavar="URL-or-path",
        help="SQLite database file or sqlite:/// URL (default: HIREBENCH_DATABASE, "
        "else the user data folder)",
    )


class _Parser(argparse.ArgumentParser):
    """Usage mistakes in one line (with where to read more), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {printable(message)} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="hirebench",
        description="Hirebench: applicant tracking and candidate relationships, offline.",
    )
    parser.add_argument("--version", action="version", version=f"hirebench {__version__}")
    _database_option(parser, default=None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = commands.add_parser("gui", help="open the application window (the default)")
    _database_option(gui)

    demo = commands.add_parser("demo", help="open the demo database, creating it if absent")
    _database_option(demo)
    demo.add_argument(
        "--no-gui", action="store_true", help="only create the demo database and print its path"
    )

    cli_maintenance.add_parsers(commands, _database_option)
    cli_profiles.add_parsers(commands, _database_option)
    cli_reports.add_parsers(commands, _database_option)
    cli_audit.add_parsers(commands, _database_option)
    cli_eeo.add_parsers(commands, _database_option)
    cli_privacy.add_parsers(commands, _database_option)
    cli_users.add_parser(commands, _database_option)

    stats = commands.add_parser("stats", help="print row counts as JSON")
    _database_option(stats)

    search = commands.add_parser("search", help="search candidates (words, fields, AND/OR/NOT)")
    _database_option(search)
    search.add_argument("query", metavar="QUERY", help='e.g. skill:python city:austin -"data"')
    search.add_argument("--json", action="store_true", help="print the result as JSON")
    search.add_argument(
        "--limit", type=bounded_int(1, MAX_LIMIT), default=20, metavar="N", help="(%(default)s)"
    )
    narrow = search.add_argument_group("filters (as in the Candidates view)")
    narrow.add_argument("--skill", action="append", default=[], metavar="NAME", help="repeatable")
    narrow.add_argument("--tag", action="append", default=[], metavar="NAME", help="repeatable")
    narrow.add_argument("--location", metavar="TEXT", help="part of the location")
    narrow.add_argument("--source", metavar="NAME")
    narrow.add_argument("--pool", type=record_id, metavar="ID", help="members of this talent pool")
    narrow.add_argument("--stage", metavar="NAME", help="reached at least this stage on a job")
    narrow.add_argument(
        "--contacted-within", type=bounded_int(0, MAX_DAYS, "a number of days"), metavar="DAYS"
    )
    narrow.add_argument(
        "--do-not-contact", choices=("only", "hide"), help="only them, or leave them out"
    )

    parse = commands.add_parser("parse", help="parse resume files and print their fields")
    _database_option(parse)
    parse.add_argument("files", type=Path, nargs="*", metavar="FILE")
    parse.add_argument("--json", action="store_true", help="print a JSON list (the only format)")
    parse.add_argument(
        "--region", default="US", help="region for phone numbers without a country code"
    )
    parse.add_argument(
        "--corrections",
        action="store_true",
        help="instead of parsing files, print the corrections made on the review screen as "
        "labelled examples (truth record, parser output)",
    )
    parse.add_argument(
        "--corrections-dir",
        type=Path,
        metavar="DIR",
        help="write each corrected example's file, DIR/truth/<file>.json and DIR/parsed.json",
    )

    intake = commands.add_parser("import", help="import resume files, folders or zip archives")
    _database_option(intake)
    intake.add_argument("files", type=Path, nargs="+", metavar="FILE_OR_FOLDER")
    intake.add_argument(
        "--job", type=record_id, metavar="ID", help="add each candidate to this job"
    )
    intake.add_argument("--stage", metavar="NAME", help="at this stage (default: the first)")
    intake.add_argument(
        "--pool", type=record_id, metavar="ID", help="add each candidate to this pool"
    )

    _outbox_parser(commands)
    cli_interviews.add_parser(commands, _database_option)
    cli_mailbox.add_parser(commands, _database_option)
    cli_onboarding.add_parser(commands, _database_option)
    return parser


def run(argv: list[str]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version, or a usage mistake (said in one line)
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    paths = resolve_paths()
    try:
        paths.ensure()
        # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
        from app.logs import configure_logging

        configure_logging(paths.log_file)
    except OSError as exc:
        print(f"hirebench: cannot use the data folder: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    command = args.command or "gui"
    log.info("command %s", command)
    if command in ("gui", "demo") and not getattr(args, "no_gui", False):
        # Deferred: Qt and the window load only for the GUI, not for `--help` or other commands.
        # The composition root (SQLAlchemy, the models) loads before PySide6 does: imported
        # after it, the same modules took about 15 MB more peak memory at start-up.
        from app import bootstrap  # noqa: F401
        from app.ui.application import run_gui

        return run_gui(paths, args.database, demo=command == "demo")
    handlers = {
        "demo": _demo,
        "seed": cli_maintenance.seed,
        "stats": _stats,
        "search": _search,
        "backup": cli_maintenance.backup,
        "check": cli_maintenance.check,
        "maintenance": cli_maintenance.maintenance,
        "recover": cli_maintenance.recover,
        "parse": _parse,
        "import": _import,
        "outbox": _outbox,
        "profile-pdf": cli_profiles.profile_pdf,
        "interviews": cli_interviews.run,
        "mailbox": cli_mailbox.run,
        "report": cli_reports.report,
        "audit": cli_audit.audit,
        "eeo-log": cli_eeo.eeo_log,
        "export-person": cli_privacy.export_person_command,
        "erase": cli_privacy.erase_command,
        "users": cli_users.users,
        "onboarding": cli_onboarding.run,
    }
    gc.enable()  # off only while the GUI starts (see app.__main__)
    try:
        return handlers[command](paths, args)
    except CommandError as exc:
        print(f"hirebench {command}: {printable(exc)}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print(f"hirebench {command}: interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        if not _is_storage_error(exc):
            raise
        log.exception("command %s failed", command)
        print(
            f"hirebench {command}: {printable(_storage_problem(exc, paths, args))}", file=sys.stderr
        )
        return EXIT_FAILURE


def _storage_problem(exc: Exception, paths: AppPaths, args: argparse.Namespace) -> str:
    """The sentence for a storage failure, naming the command's database and its lock wait."""
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.store.errors import describe_database_error

    try:
        path: Path | None = database_path(paths, getattr(args, "database", None))
        waited_ms = int(lock_wait_seconds() * 1000)
    except CommandError:
        path, waited_ms = None, 0
    return describe_database_error(exc, path, waited_ms)


def _is_storage_error(exc: Exception) -> bool:
    """A full disk, a lock, a damaged file: said in one line rather than a traceback."""
    if isinstance(exc, sqlite3.Error | OSError):
        return True
    exceptions = sys.modules.get("sqlalchemy.exc")  # loaded whenever a database was opened
    return exceptions is not None and isinstance(exc, exceptions.SQLAlchemyError)


def _demo(paths: AppPaths, args: argparse.Namespace) -> int:
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.bootstrap import ensure_demo_database

    database = open_for_command(paths, args.database, default=paths.demo_database, may_create=True)
    try:
        ensure_demo_database(database)
    finally:
        database.close()
    print(printable(database.path))
    return EXIT_OK


def _stats(paths: AppPaths, args: argparse.Namespace) -> int:
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.services.admin.stats import table_counts

    database = open_for_command(paths, args.database)
    try:
        print(json.dumps(table_counts(database.engine), indent=2))
    finally:
        database.close()
    return EXIT_OK


def _search(paths: AppPaths, args: argparse.Namespace) -> int:
    """Best matches first, one per line (or JSON); a query read differently warns on stderr."""

    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.services.candidates.records import CandidateFilters
    from app.services.candidates.search import search_candidates
    from app.services.core.context import ServiceContext
    from app.services.core.unit_of_work import Actor, NotFoundError

    filters = CandidateFilters(
        skills=tuple(args.skill),
        tags=tuple(args.tag),
        location=args.location,
        source=args.source,
        pool_id=args.pool,
        furthest_stage=args.stage,
        contacted_within_days=args.contacted_within,
        do_not_contact={"only": True, "hide": False}.get(args.do_not_contact or ""),
    )
    database = open_for_command(paths, args.database)
    try:
        # Reading only: no user row is created for the person at the keyboard.
        ctx = ServiceContext(database.sessions, Actor(None, "cli"))
        result = search_candidates(ctx, args.query, limit=args.limit, filters=filters)
    except NotFoundError as exc:  # --pool names a talent pool that does not exist
        raise CommandError(str(exc)) from exc
    finally:
        database.close()
    if result.warning:
        print(f"hirebench search: {printable(result.warning)}", file=sys.stderr)
    if args.json:
        payload = {
            "query": args.query,
            "expression": result.expression,
            "total": result.total,
            "warning": result.warning,
            "hits": [asdict(hit) for hit in result.hits],
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return EXIT_OK
    for hit in result.hits:
        about = " · ".join(part for part in (hit.current_title, hit.location) if part)
        name, about, snippet = printable(hit.name), printable(about), printable(hit.snippet)
        print(f"#{hit.candidate_id:<7} {name:<28} {about}\n         {snippet}")
    shown = len(result.hits)
    print(f"{shown} of {plural(result.total, 'candidate')} shown.", file=sys.stderr)
    return EXIT_OK


def _parse(paths: AppPaths, args: argparse.Namespace) -> int:
    """One JSON object per file; a file that fails reports its error and the rest go on."""
    if args.corrections or args.corrections_dir is not None:
        if args.files:
            raise CommandError("give either files to parse or --corrections, not both.")
        # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
        from app import cli_corrections

        return cli_corrections.export(paths, args)
    if not args.files:  # a usage mistake, as when argparse required the files
        print("hirebench parse: give the files to parse, or --corrections.", file=sys.stderr)
        return EXIT_USAGE
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.parsing import ParseError, parse_file

    results: list[dict] = []
    parsed = 0
    for path in args.files:
        try:
            results.append(parse_file(path, default_region=args.region.upper()).to_json())
            parsed += 1
        except ParseError as exc:
            results.append({"file": str(path), "error": str(exc), "warnings": [exc.kind]})
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return EXIT_OK if parsed else EXIT_FAILURE


def _import(paths: AppPaths, args: argparse.Namespace) -> int:
    """Import resumes through the background workers: a line per file, then a summary."""
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.services.core.context import ServiceContext
    from app.services.core.users import current_login, ensure_user
    from app.workers.intake import IntakeRunner, ItemUpdate

    if args.stage and args.job is None:
        raise CommandError("--stage needs --job.")
    if not any(path.exists() for path in args.files):
        missing = ", ".join(printable(path) for path in args.files[:3])
        raise CommandError(f"no such file or folder: {missing}.")
    created = not database_path(paths, args.database).exists()
    database = open_for_command(paths, args.database, may_create=True, will_write=True)
    finals: dict[int, ItemUpdate] = {}
    interrupted = nothing_found = False

    def report(update: ItemUpdate) -> None:  # called on the runner's thread, in order
        if update.state in ("done", "failed", "cancelled", "review"):
            duplicate = update.result is not None and update.result.duplicate_document
            label = "duplicate" if duplicate else update.state
            label = "needs review" if update.state == "review" else label  # no one made of it
            print(f"{label:<10} {printable(update.path)}: {printable(update.message)}", flush=True)
            # Counted once its line is out: the summary never counts a file it has not named.
            finals[update.item_id] = update

    try:
        target = _intake_target(database, args)
        ctx = ServiceContext(database.sessions, ensure_user(database.sessions, current_login()))
        with IntakeRunner(ctx, paths.documents_dir, report) as runner:
            if not runner.submit(args.files, target):
                nothing_found = True
                raise CommandError("no resume files found.")
            try:
                runner.wait()
            except KeyboardInterrupt:
                interrupted = True
                print("hirebench import: interrupted; stopping…", file=sys.stderr, flush=True)
                runner.cancel()
                runner.wait(30)
    finally:
        database.close()
        if created and nothing_found:  # a database made for nothing is not left behind
            # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
            from app.store.migrate import remove_with_side_files

            remove_with_side_files(database.path)
    results = [u.result for u in finals.values() if u.result is not None]
    failed = sum(u.state == "failed" for u in finals.values())
    cancelled = sum(u.state == "cancelled" for u in finals.values())
    held = sum(u.state == "review" for u in finals.values())
    updated = sum(r.candidate_id is not None and not r.created for r in results)
    updated -= sum(r.duplicate_document for r in results)
    print(
        f"{plural(len(finals), 'file')}: "
        f"{plural(sum(r.created for r in results), 'new candidate')}, "
        f"{updated} updated, "
        f"{plural(sum(r.duplicate_document for r in results), 'duplicate')}, {failed} failed"
        + (f", {held} {'needs' if held == 1 else 'need'} review" if held else "")
        + (f", {cancelled} cancelled." if cancelled else ".")
    )
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAILURE if failed or cancelled or held else EXIT_OK


def _intake_target(database: Database, args: argparse.Namespace) -> object:
    """The `IntakeTarget` named by --job/--stage/--pool, checked before any file is read."""
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from sqlalchemy import select

    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.services.intake.importer import IntakeTarget
    from app.store.models import Job, Stage, TalentPool

    if args.job is None and args.pool is None:
        return None
    stage_id = None
    with database.sessions() as session:
        if args.job is not None:
            if session.get(Job, args.job) is None:
                raise CommandError(f"There is no job #{args.job}.")
            stages = session.execute(
                select(Stage.id, Stage.name)
                .where(Stage.job_id == args.job)
                .order_by(Stage.position)
            ).all()
            if args.stage:
                found = [i for i, name in stages if name.casefold() == args.stage.casefold()]
                if not found:
                    names = ", ".join(name for _i, name in stages)
                    raise CommandError(f"Job #{args.job} has no stage {args.stage!r} ({names}).")
                stage_id = found[0]
        if args.pool is not None and session.get(TalentPool, args.pool) is None:
            raise CommandError(f"There is no talent pool #{args.pool}.")
    return IntakeTarget(job_id=args.job, stage_id=stage_id, pool_id=args.pool)


# --- hirebench outbox ------------------------------------------------------------------------

OUTBOX_STATES = ("queued", "sending", "sent", "failed", "cancelled", "unknown")


def _outbox_parser(commands: argparse._SubParsersAction) -> None:
    outbox = commands.add_parser(
        "outbox", help="list outgoing email by state, or send what is due (--dispatch)"
    )
    _database_option(outbox)
    outbox.add_argument("--json", action="store_true", help="print the result as JSON")
    outbox.add_argument(
        "--state",
        action="append",
        choices=OUTBOX_STATES,
        metavar="STATE",
        help=f"only these states (repeatable): {', '.join(OUTBOX_STATES)}",
    )
    outbox.add_argument(
        "--limit", type=bounded_int(1, MAX_LIMIT), default=50, metavar="N", help="(%(default)s)"
    )
    outbox.add_argument(
        "--dispatch", action="store_true", help="send every message due now, then exit"
    )


def _outbox(paths: AppPaths, args: argparse.Namespace) -> int:
    """List the outbox (counts by state, then the newest messages), or send what is due."""
    database = open_for_command(paths, args.database, will_write=args.dispatch)
    try:
        if args.dispatch:
            return _outbox_dispatch(database, args)
        return _outbox_list(database, args)
    finally:
        database.close()


def _outbox_list(database: Database, args: argparse.Namespace) -> int:

    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.services.core.context import ServiceContext
    from app.services.core.unit_of_work import Actor
    from app.services.engagement.outbox import list_messages, outbox_counts

    ctx = ServiceContext(database.sessions, Actor(None, "cli"))  # reading only
    counts = outbox_counts(ctx)
    rows = list_messages(ctx, states=args.state, limit=args.limit)
    if args.json:
        payload = {
            "counts": counts,
            "messages": [
                {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in asdict(r).items()}
                for r in rows
            ],
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return EXIT_OK
    print("  ".join(f"{state} {counts.get(state, 0)}" for state in OUTBOX_STATES))
    for row in rows:
        recipient = printable(f"{row.candidate_name or row.to_name or ''} <{row.to_address}>")
        when = row.sent_at or row.next_attempt_at
        subject = printable(row.subject)
        print(f"#{row.id:<7} {row.state:<9} {when:%Y-%m-%d %H:%M}  {recipient.strip()}  {subject}")
        if row.last_error:
            print(f"         {printable(' '.join(row.last_error.split()))}")
    total = sum(counts.get(state, 0) for state in (args.state or OUTBOX_STATES))
    print(f"{len(rows)} of {plural(total, 'message')} shown.", file=sys.stderr)
    return EXIT_OK


def _outbox_password(account: AccountSettings) -> str | None:
    """The saved password, from the OS keyring; None (said on stderr) when there is none."""
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.mail.secrets import KeyringUnavailable, PasswordStore

    store = PasswordStore()
    if store.problem:
        print(f"hirebench outbox: {store.problem}", file=sys.stderr)
        return None
    try:
        return store.get(account)
    except KeyringUnavailable as exc:
        print(f"hirebench outbox: {exc}", file=sys.stderr)
        return None


def _outbox_dispatch(database: Database, args: argparse.Namespace) -> int:
    """Send what is due now, without the GUI: a line per message, then a summary."""

    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.services.core.context import ServiceContext
    from app.services.core.users import current_login, ensure_user
    from app.services.engagement.mail_settings import get_account
    from app.workers.dispatcher import Dispatcher, DispatchEvent

    ctx = ServiceContext(database.sessions, ensure_user(database.sessions, current_login()))
    account = get_account(ctx)
    if not account.configured:
        raise CommandError("Email is not set up: enter the mail server and From address first.")
    password = _outbox_password(account) if account.username else None
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.services.engagement.sequences import queue_due_steps as before_pass

    lines = sys.stderr if args.json else sys.stdout  # with --json, stdout holds only JSON

    def report(event: DispatchEvent) -> None:  # on the dispatcher's threads, in order
        if event.message_id is not None:
            detail = f": {event.error}" if event.error else ""
            print(f"{event.state:<9} #{event.message_id}{detail}", file=lines, flush=True)

    dispatcher = Dispatcher(
        database.sessions, ctx.actor, account, lambda: password, report, before_pass
    )
    result = dispatcher.run_until_idle()
    if result.busy_since is not None:  # another window or command holds the dispatch lease
        # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
        from app.services.engagement.dispatch_lease import local_time_text

        since = local_time_text(result.busy_since)
        print(
            f"hirebench outbox: another Hirebench is sending (since {since}); try again later.",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    if result.recovered:
        print(
            f"hirebench outbox: {plural(result.recovered, 'message')} "
            f"{'was' if result.recovered == 1 else 'were'} being sent when Hirebench "
            "last stopped; they are 'unknown' until you check whether they arrived.",
            file=sys.stderr,
        )
    if result.problem:
        print(f"hirebench outbox: {result.problem}", file=sys.stderr)
    summary = (
        f"Sent {result.sent}, to retry later {result.retrying}, failed {result.failed}, "
        f"unknown {result.unknown}, cancelled {result.cancelled}."
    )
    print(summary, file=lines)
    if args.json:
        print(json.dumps(asdict(result), indent=2))
    attention = result.problem or result.failed or result.unknown or result.recovered
    return EXIT_FAILURE if attention else EXIT_OK
