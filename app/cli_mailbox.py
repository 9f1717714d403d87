"""`hirebench mailbox`: the mailbox's status, or one headless pass over the agency's inbox
(``--poll``) with the saved account, or with the account given on the command line."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, replace
from typing import TYPE_CHECKING

from app.cli_support import EXIT_FAILURE, EXIT_OK, CommandError, open_for_command, printable
from app.paths import AppPaths

if TYPE_CHECKING:
    from app.mail.imap import ImapSettings

SECURITY = ("none", "starttls", "ssl")


def add_parser(commands: argparse._SubParsersAction, database_option: object) -> None:
    mailbox = commands.add_parser(
        "mailbox", help="show the mailbox's status, or read new mail once (--poll)"
    )
    database_option(mailbox)  # type: ignore[operator]
    mailbox.add_argument("--poll", action="store_true", help="read new mail once, then exit")
    mailbox.add_argument("--json", action="store_true", help="print the result as JSON")
    mailbox.add_argument("--host", help="the IMAP server (instead of the saved one)")
    mailbox.add_argument("--port", type=int, help="its port")
    mailbox.add_argument("--user", help="the user name")
    mailbox.add_argument("--tls", choices=SECURITY, help="none, starttls or ssl")
    mailbox.add_argument(
        "--folder", action="append", metavar="NAME", help="a folder to read (repeatable)"
    )
    mailbox.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )


def run(paths: AppPaths, args: argparse.Namespace) -> int:
    database = open_for_command(paths, args.database, will_write=args.poll)
    try:
        if args.poll:
            return _poll(paths, database, args)
        return _status(database, args)
    finally:
        database.close()


def _overridden(settings: ImapSettings, args: argparse.Namespace) -> ImapSettings:
    changes: dict[str, object] = {}
    if args.host:
        changes["host"] = args.host
    if args.port:
        changes["port"] = args.port
    if args.user:
        changes["username"] = args.user
    if args.tls:
        changes["security"] = args.tls
        if not args.port and not settings.host:
            changes["port"] = 993 if args.tls == "ssl" else 143
    if args.folder:
        changes["applications_folder"] = args.folder[0]
        changes["replies_folder"] = args.folder[-1]
        if len(args.folder) > 2:
            raise CommandError("--folder: at most two (applications, then replies).")
    return replace(settings, **changes)  # type: ignore[arg-type]


def _password(settings: ImapSettings, args: argparse.Namespace) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("--password-stdin: no password on standard input.")
        return password
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.mail.imap import KEYRING_SERVICE
    from app.mail.secrets import KeyringUnavailable, PasswordStore

    store = PasswordStore(service=KEYRING_SERVICE)
    if store.problem:
        raise CommandError(store.problem)
    try:
        password = store.get(settings)
    except KeyringUnavailable as exc:
        raise CommandError(str(exc)) from None
    if not password:
        raise CommandError(
            "no mailbox password is saved: enter it in Settings → Mailbox, or use --password-stdin."
        )
    return password


def _poll(paths: AppPaths, database: object, args: argparse.Namespace) -> int:
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.services.core.context import ServiceContext
    from app.services.core.users import current_login, ensure_user
    from app.services.mailbox.settings import get_settings, record_poll
    from app.workers.mailbox_pass import poll_once

    sessions = database.sessions  # type: ignore[attr-defined]
    ctx = ServiceContext(sessions, ensure_user(sessions, current_login()))
    settings = _overridden(get_settings(ctx), args)
    if not settings.configured:
        raise CommandError(
            "the mailbox is not set up: enter the IMAP server and user in Settings, or give "
            "--host and --user."
        )
    password = _password(settings, args)
    report = poll_once(ctx, paths.documents_dir, settings, password)
    record_poll(ctx, report.error, report.error_kind)
    lines = sys.stderr if args.json else sys.stdout
    for line in report.lines:
        print(printable(line), file=lines)
    if args.json:
        print(json.dumps(asdict(report), indent=2, ensure_ascii=False))
    if report.error:
        print(f"hirebench mailbox: {printable(report.error)}", file=sys.stderr)
        return EXIT_FAILURE
    handled = (
        ", ".join(f"{kind} {n}" for kind, n in sorted(report.handled.items())) or "nothing new"
    )
    print(
        f"Read {report.fetched}: {handled}; waiting for a decision {report.pending}, "
        f"failed {report.failed}, seen before {report.duplicates}.",
        file=lines,
    )
    return EXIT_OK


def _status(database: object, args: argparse.Namespace) -> int:
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.services.core.context import ServiceContext
    from app.services.core.unit_of_work import Actor
    from app.services.mailbox.settings import mailbox_status

    ctx = ServiceContext(database.sessions, Actor(None, "cli"))  # type: ignore[attr-defined]
    status = mailbox_status(ctx)
    payload = {
        "configured": status.settings.configured,
        "enabled": status.settings.enabled,
        "last_poll_at": status.last_poll_at.isoformat() if status.last_poll_at else None,
        "last_error": status.last_error,
        "handled": status.counts,
        "pending": status.pending,
        "failed": status.failed,
        "bouncing": status.bouncing,
    }
    if args.json:
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        for key, value in payload.items():
            print(f"{key}: {printable(value)}")
    return EXIT_OK
