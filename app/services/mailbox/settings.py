"""The incoming mail account and the mailbox's status: read as plain values, saved with
validation, and the last poll's outcome recorded for the status line.

The password never passes through here: it is kept in the OS keyring (``app.mail.secrets``
with ``app.mail.imap.KEYRING_SERVICE``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.mail.imap import ImapSettings
from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.unit_of_work import ValidationError
from app.services.core.validation import check_length, clean
from app.store.mailbox import (
    AfterImport,
    BouncingAddress,
    MailboxAccount,
    MailboxMessage,
    MailboxState,
    SmtpSecurity,
)
from app.store.models import utc_now

SINGLE_ROW_ID = 1
MAX_POLL_MINUTES = 24 * 60
FIELDS = (
    "host",
    "port",
    "security",
    "username",
    "applications_folder",
    "replies_folder",
    "after_import",
    "processed_folder",
    "poll_minutes",
    "use_idle",
    "enabled",
)


def load_settings(session: Session) -> ImapSettings:
    """The saved account, or defaults (not configured, not enabled)."""
    row = session.get(MailboxAccount, SINGLE_ROW_ID)
    if row is None:
        return ImapSettings()
    values = {name: getattr(row, name) for name in FIELDS}
    values["security"] = str(values["security"])
    values["after_import"] = str(values["after_import"])
    return ImapSettings(**values)


def get_settings(ctx: ServiceContext) -> ImapSettings:
    with ctx.read() as session:
        return load_settings(session)


def _validated(settings: ImapSettings) -> ImapSettings:
    errors: dict[str, str] = {}
    host = (clean(settings.host) or "").strip()
    username = (clean(settings.username) or "").strip()
    folders = {
        name: (clean(getattr(settings, name)) or "").strip()
        for name in ("applications_folder", "replies_folder", "processed_folder")
    }
    if settings.enabled and not host:
        errors["host"] = "Enter the incoming mail server (IMAP)."
    if settings.enabled and not username:
        errors["username"] = "Enter the user name the server expects."
    if " " in host:
        errors["host"] = "A server name has no spaces."
    check_length(errors, "host", host, 255)
    check_length(errors, "username", username, 255)
    if not 1 <= settings.port <= 65535:
        errors["port"] = "A port is a number from 1 to 65535."
    if settings.security not in {s.value for s in SmtpSecurity}:
        errors["security"] = "Choose SSL/TLS, STARTTLS or none."
    if settings.after_import not in {a.value for a in AfterImport}:
        errors["after_import"] = "Choose to move handled messages or to flag them."
    if not 1 <= settings.poll_minutes <= MAX_POLL_MINUTES:
        errors["poll_minutes"] = f"Between 1 and {MAX_POLL_MINUTES} minutes."
    for name, value in folders.items():
        if not value and (name != "processed_folder" or settings.after_import == "move"):
            errors[name] = "Enter a folder name (INBOX is the inbox)."
        check_length(errors, name, value, 255)
    if settings.after_import == "move" and folders["processed_folder"] in (
        folders["applications_folder"],
        folders["replies_folder"],
    ):
        errors["processed_folder"] = "Handled messages must go to another folder."
    if errors:
        raise ValidationError(errors)
    return replace(
        settings,
        host=host,
        username=username,
        applications_folder=folders["applications_folder"],
        replies_folder=folders["replies_folder"],
        processed_folder=folders["processed_folder"],
    )


def save_settings(ctx: ServiceContext, settings: ImapSettings) -> Outcome[ImapSettings]:
    """Save the account (never the password), audited with what changed."""
    settings = _validated(settings)
    with ctx.write() as tx:
        row = tx.session.get(MailboxAccount, SINGLE_ROW_ID)
        if row is None:
            row = MailboxAccount(id=SINGLE_ROW_ID)
            tx.session.add(row)
            before: dict[str, object] = {}
        else:
            before = {name: getattr(row, name) for name in FIELDS}
        for name in FIELDS:
            setattr(row, name, getattr(settings, name))
        after = {name: getattr(settings, name) for name in FIELDS}
        tx.audit("mailbox.account", "mailbox_account", SINGLE_ROW_ID, before, after)
        tx.changed(ChangeKind.MAILBOX, SINGLE_ROW_ID)
        return outcome(settings, tx)


def record_poll(
    ctx: ServiceContext, error: str | None = None, kind: str | None = None
) -> Outcome[dt.datetime]:
    """Note that a poll ended now, and how (its error and the error's kind, or none)."""
    now = utc_now()
    with ctx.write() as tx:
        row = tx.session.get(MailboxAccount, SINGLE_ROW_ID)
        if row is None:
            row = MailboxAccount(id=SINGLE_ROW_ID)
            tx.session.add(row)
        row.last_poll_at = now
        row.last_error = error
        row.last_error_kind = kind if error else None
        tx.changed(ChangeKind.MAILBOX, SINGLE_ROW_ID)
        return outcome(now, tx)


@dataclass(frozen=True)
class MailboxStatus:
    """What the status line shows: when, what went wrong, what was made of the mail."""

    settings: ImapSettings
    last_poll_at: dt.datetime | None
    next_poll_at: dt.datetime | None
    last_error: str | None
    last_error_kind: str | None
    counts: dict[str, int] = field(default_factory=dict)  # handled messages by kind
    pending: int = 0
    failed: int = 0
    bouncing: int = 0


def mailbox_status(ctx: ServiceContext) -> MailboxStatus:
    m = MailboxMessage.__table__.c
    with ctx.read() as session:
        settings = load_settings(session)
        row = session.get(MailboxAccount, SINGLE_ROW_ID)
        counts = {
            str(kind): number
            for kind, number in session.execute(
                select(m.kind, func.count())
                .where(m.state == MailboxState.HANDLED, m.duplicate_of_id.is_(None))
                .group_by(m.kind)
            )
        }
        by_state = {
            state: number
            for state, number in session.execute(select(m.state, func.count()).group_by(m.state))
        }
        bouncing = session.scalar(select(func.count()).select_from(BouncingAddress)) or 0
    last = row.last_poll_at if row is not None else None
    following = (
        last + dt.timedelta(minutes=settings.poll_minutes)
        if last is not None and settings.enabled
        else None
    )
    return MailboxStatus(
        settings=settings,
        last_poll_at=last,
        next_poll_at=following,
        last_error=row.last_error if row is not None else None,
        last_error_kind=row.last_error_kind if row is not None else None,
        counts=counts,
        pending=by_state.get(MailboxState.PENDING, 0),
        failed=by_state.get(MailboxState.FAILED, 0),
        bouncing=bouncing,
    )
