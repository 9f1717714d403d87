"""``hirebench users``: who uses this database and with which role.

``users list`` lists them; ``users add NAME --role ROLE``, ``users set-role NAME ROLE``,
``users deactivate NAME`` and ``users activate NAME`` change them, as the person at the
keyboard (their login's account, whose role must allow managing users).
"""

from __future__ import annotations

import argparse

from app.cli_support import EXIT_OK, CommandError, open_for_command, printable
from app.paths import AppPaths

ROLES = ("admin", "recruiter", "compliance", "hiring_manager")


def add_parser(commands: argparse._SubParsersAction, database_option: object) -> None:
    users = commands.add_parser("users", help="list users, add them, change their roles")
    actions = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    actions.add_parser("list", help="everyone with an account, and their roles")
    add = actions.add_parser("add", help="add a user (their operating-system login)")
    add.add_argument("name", metavar="LOGIN")
    add.add_argument("--role", choices=ROLES, default="recruiter")
    add.add_argument("--display", metavar="NAME", help="the name shown in lists")
    role = actions.add_parser("set-role", help="change a user's role")
    role.add_argument("name", metavar="LOGIN")
    role.add_argument("role", choices=ROLES)
    for verb in ("deactivate", "activate"):
        action = actions.add_parser(verb, help=f"{verb} a user")
        action.add_argument("name", metavar="LOGIN")
    for action in actions.choices.values():
        database_option(action)  # type: ignore[operator]


def users(paths: AppPaths, args: argparse.Namespace) -> int:
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.services.admin.user_admin import add_user, list_user_rows, set_active, set_role
    from app.services.core.context import ServiceContext
    from app.services.core.unit_of_work import NotFoundError, ValidationError
    from app.services.core.users import current_login, ensure_user

    database = open_for_command(paths, args.database)
    try:
        ctx = ServiceContext(database.sessions, ensure_user(database.sessions, current_login()))
        command = args.users_command
        if command == "list":
            for row in list_user_rows(ctx):
                state = "" if row.active else "  (inactive)"
                print(f"{printable(row.username):24} {row.role_label:15} "
                      f"{printable(row.display_name)}{state}")  # fmt: skip
            return EXIT_OK
        try:
            if command == "add":
                add_user(ctx, args.name, args.display, args.role)
                print(f"Added {args.name} as {args.role.replace('_', ' ')}.")
                return EXIT_OK
            rows = {row.username: row for row in list_user_rows(ctx)}
            if args.name not in rows:
                raise CommandError(f"No user named {args.name!r}.")
            user_id = rows[args.name].id
            if command == "set-role":
                set_role(ctx, user_id, args.role)
                print(f"{args.name} is now {args.role.replace('_', ' ')}.")
            else:
                set_active(ctx, user_id, command == "activate")
                print(f"{args.name} {command}d.")
        except (ValidationError, NotFoundError) as exc:
            reason = (
                "; ".join(exc.errors.values()) if isinstance(exc, ValidationError) else str(exc)
            )
            raise CommandError(reason) from exc
        return EXIT_OK
    finally:
        database.close()
