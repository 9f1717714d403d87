"""Submittals: a candidate sent to a client contact for a job, and how the client answered
(migration 0019).

Kept apart from ``app.store.models`` like the mail tables (``app.store.engagement``): only
foreign keys point back at the core tables, so the core mappers never need this class. A
submittal outlives the message that carried it (its outbox row may be cleaned away) and the
contact it went to (kept as a name and address too, in case the contact is ever removed).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.enums import SubmittalStatus as SubmittalStatus
from app.store.models import Base, _enum, utc_now


class Submittal(Base):
    """One candidate presented to one client contact for one job."""

    __tablename__ = "submittals"
    __table_args__ = (
        # A job's submittals, newest first (the board marks its cards from this).
        Index("ix_submittals_job", "job_id", "submitted_at"),
        Index("ix_submittals_candidate", "candidate_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(320))
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[SubmittalStatus] = mapped_column(
        _enum(SubmittalStatus), default=SubmittalStatus.SUBMITTED
    )
    status_changed_at: Mapped[dt.datetime | None]
    feedback: Mapped[str | None] = mapped_column(Text)
    blind: Mapped[bool] = mapped_column(Boolean, default=False)
    with_resume: Mapped[bool] = mapped_column(Boolean, default=False)
    pitch: Mapped[str | None] = mapped_column(Text)
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL"), index=True
    )
    # Raised by every edit, so an undo never overwrites a later change.
    version: Mapped[int] = mapped_column(Integer, default=1)
