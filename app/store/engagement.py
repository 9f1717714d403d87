"""Tables for candidate engagement: the mail account, branding, email templates, campaigns,
sequences and the outbox (migration 0009), the outbox's dispatch lease (0013) and the files
sent with its messages (0017).

Kept apart from ``app.store.models`` so that start-up, which never sends mail, does not pay for
creating these classes; the mail services import this module when they are first used. Only
foreign keys point back at the core tables, no relationships, so the core mappers never need
these classes to configure.

No password is ever stored here: the mail account's password lives in the OS keyring
(``app.mail.secrets``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.store.enums import CampaignKind as CampaignKind
from app.store.enums import CampaignStatus as CampaignStatus
from app.store.enums import EnrollmentStatus as EnrollmentStatus
from app.store.enums import MessageState as MessageState
from app.store.enums import SmtpSecurity as SmtpSecurity
from app.store.models import Base, _enum, utc_now


class MailAccount(Base):
    """The agency's outgoing mail server: one row (id 1). The password is in the keyring."""

    __tablename__ = "mail_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(255), default="")
    port: Mapped[int] = mapped_column(Integer, default=587)
    security: Mapped[SmtpSecurity] = mapped_column(
        _enum(SmtpSecurity), default=SmtpSecurity.STARTTLS
    )
    username: Mapped[str | None] = mapped_column(String(255))
    from_name: Mapped[str] = mapped_column(String(200), default="")
    from_address: Mapped[str] = mapped_column(String(255), default="")
    reply_to: Mapped[str | None] = mapped_column(String(255))
    signature: Mapped[str | None] = mapped_column(Text)
    # Messages per minute; 0 means no limit (a local relay).
    rate_per_minute: Mapped[int] = mapped_column(Integer, default=60)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class Branding(Base):
    """The agency's look, applied the same way to every email: one row (id 1)."""

    __tablename__ = "branding"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_name: Mapped[str] = mapped_column(String(200), default="")
    primary_color: Mapped[str] = mapped_column(String(7), default="#2563eb")
    accent_color: Mapped[str] = mapped_column(String(7), default="#0f172a")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_mime: Mapped[str | None] = mapped_column(String(40))
    footer: Mapped[str | None] = mapped_column(Text)
    unsubscribe_text: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class EmailTemplate(Base):
    """A reusable email: subject and bodies with merge fields, rendered in a sandbox."""

    __tablename__ = "email_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    # When empty, the HTML part is made from the text body; either way branding wraps it.
    body_html: Mapped[str | None] = mapped_column(Text)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class Campaign(Base):
    """A send to many (or one): what went out, to whom, and how far it has got."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[CampaignKind] = mapped_column(_enum(CampaignKind))
    status: Mapped[CampaignStatus] = mapped_column(
        _enum(CampaignStatus), default=CampaignStatus.ACTIVE
    )
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("email_templates.id", ondelete="SET NULL")
    )
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    audience: Mapped[str | None] = mapped_column(String(300))  # "Pool: Silver medalists"
    scheduled_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class SequenceStep(Base):
    """One step of a sequence campaign: which template, how many days after enrolment."""

    __tablename__ = "sequence_steps"
    __table_args__ = (UniqueConstraint("campaign_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    delay_days: Mapped[int] = mapped_column(Integer, default=0)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("email_templates.id", ondelete="RESTRICT"), index=True
    )


class SequenceEnrollment(Base):
    """A candidate going through a sequence; stops on a reply, unsubscribe or stage change."""

    __tablename__ = "sequence_enrollments"
    __table_args__ = (
        UniqueConstraint("campaign_id", "candidate_id"),
        Index("ix_sequence_enrollments_due", "status", "next_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    # The application whose stage is watched, and its stage when the candidate was enrolled.
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL")
    )
    stage_id_at_enrollment: Mapped[int | None] = mapped_column(
        ForeignKey("stages.id", ondelete="SET NULL")
    )
    enrolled_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    next_step: Mapped[int] = mapped_column(Integer, default=0)  # position of the next step
    next_due_at: Mapped[dt.datetime | None]
    status: Mapped[EnrollmentStatus] = mapped_column(
        _enum(EnrollmentStatus), default=EnrollmentStatus.ACTIVE
    )
    stop_reason: Mapped[str | None] = mapped_column(String(40))
    stopped_at: Mapped[dt.datetime | None]


class OutboxMessage(Base):
    """One email, written before any network I/O and moved through `MessageState`."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_due", "state", "next_attempt_at"),
        Index("ix_outbox_messages_campaign", "campaign_id", "state"),
        # The Outbox view pages newest first, in all states or one (migration 0011).
        Index("ix_outbox_messages_newest", "created_at", "id"),
        Index("ix_outbox_messages_state_newest", "state", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    enrollment_id: Mapped[int | None] = mapped_column(
        ForeignKey("sequence_enrollments.id", ondelete="SET NULL"), index=True
    )
    step_position: Mapped[int | None] = mapped_column(Integer)
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="SET NULL"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(255))
    to_name: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)  # "<...@domain>"
    state: Mapped[MessageState] = mapped_column(_enum(MessageState), default=MessageState.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Not sent before this time: a scheduled send, or the next retry after a transient failure.
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    last_error: Mapped[str | None] = mapped_column(Text)  # the server's reply, shown to the user
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    claimed_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # How many `OutboxPart` rows go with it (migration 0017): the claim reads parts only then.
    part_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class OutboxPart(Base):
    """A file sent with an outbox message (migration 0017): a calendar invitation shown inline
    beside the text, a profile PDF, a resume. Kept out of ``outbox_messages`` so the rows the
    dispatcher claims by the thousand stay small."""

    __tablename__ = "outbox_parts"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(200))  # may carry parameters (method=…)
    inline: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class DispatchLease(Base):
    """Which outbox dispatcher may send now: one row per lease, taken for a while and renewed
    while sending (migration 0013). A holder that vanished lets its lease expire; on the
    same computer a dead process is noticed at once by its pid."""

    __tablename__ = "dispatch_lease"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)  # "outbox"
    holder: Mapped[str | None] = mapped_column(String(100))  # a dispatcher's token; None: free
    host: Mapped[str] = mapped_column(String(255), default="")
    pid: Mapped[int] = mapped_column(Integer, default=0)
    acquired_at: Mapped[dt.datetime | None]
    expires_at: Mapped[dt.datetime | None]
