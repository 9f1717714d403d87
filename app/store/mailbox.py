"""Tables for the mailbox: the agency's incoming mail account, each message read from it,
and the addresses that bounce (migration 0022).

Kept apart from ``app.store.models`` like the mail tables (``app.store.engagement``): only
foreign keys point back at the core tables. No password is stored here: the account's
password lives in the OS keyring (``app.mail.secrets``).

A message is remembered by its folder, the folder's UIDVALIDITY and its UID (what the server
names it by) and by its Message-ID (what stays the same when the server renumbers the folder),
so that no message is handled twice.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.store.enums import AfterImport as AfterImport
from app.store.enums import MailboxKind as MailboxKind
from app.store.enums import MailboxState as MailboxState
from app.store.enums import SmtpSecurity as SmtpSecurity
from app.store.models import Base, _enum, utc_now


class MailboxAccount(Base):
    """The agency's incoming mail server (IMAP) and how it is watched: one row (id 1),
    with the last poll's outcome for the status line."""

    __tablename__ = "mailbox_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(255), default="")
    port: Mapped[int] = mapped_column(Integer, default=993)
    security: Mapped[SmtpSecurity] = mapped_column(_enum(SmtpSecurity), default=SmtpSecurity.SSL)
    username: Mapped[str] = mapped_column(String(255), default="")
    applications_folder: Mapped[str] = mapped_column(String(255), default="INBOX")
    replies_folder: Mapped[str] = mapped_column(String(255), default="INBOX")
    after_import: Mapped[AfterImport] = mapped_column(_enum(AfterImport), default=AfterImport.FLAG)
    processed_folder: Mapped[str] = mapped_column(String(255), default="Processed")
    poll_minutes: Mapped[int] = mapped_column(Integer, default=5)
    use_idle: Mapped[bool] = mapped_column(Boolean, default=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    last_poll_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_kind: Mapped[str | None] = mapped_column(String(20))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class MailboxMessage(Base):
    """One message read from a watched folder, and what was made of it."""

    __tablename__ = "mailbox_messages"
    __table_args__ = (
        UniqueConstraint("folder", "uidvalidity", "uid"),
        Index("ix_mailbox_messages_message_id", "message_id"),
        Index("ix_mailbox_messages_state", "state", "received_at"),
        Index("ix_mailbox_messages_campaign", "campaign_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    folder: Mapped[str] = mapped_column(String(255))
    uidvalidity: Mapped[int] = mapped_column(Integer)
    uid: Mapped[int] = mapped_column(Integer)
    message_id: Mapped[str | None] = mapped_column(String(255))
    kind: Mapped[MailboxKind] = mapped_column(_enum(MailboxKind))
    state: Mapped[MailboxState] = mapped_column(_enum(MailboxState))
    sender: Mapped[str] = mapped_column(String(320), default="")
    sender_name: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str | None] = mapped_column(String(300))
    body_text: Mapped[str | None] = mapped_column(Text)  # kept while a decision is pending
    detail: Mapped[str | None] = mapped_column(Text)  # what was done, or why it failed
    received_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    handled_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="SET NULL"), index=True
    )
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL")
    )
    # Its entry on the candidate's timeline (a reply, an automatic reply, an unsubscribe).
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL")
    )
    # The same message (by Message-ID) seen again under another UID: remembered, not redone.
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("mailbox_messages.id", ondelete="SET NULL")
    )


class BouncingAddress(Base):
    """An address a hard bounce said does not take mail: nothing more is sent to it."""

    __tablename__ = "bouncing_addresses"

    email: Mapped[str] = mapped_column(String(320), primary_key=True)  # lower case
    status: Mapped[str | None] = mapped_column(String(20))  # "5.1.1"
    diagnostic: Mapped[str | None] = mapped_column(Text)
    bounced_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="SET NULL"), index=True
    )
