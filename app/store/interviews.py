"""Tables for the hiring loop with a client: interviews and who attends them, the scorecard
templates a job's attributes come from, and the scorecards interviewers return
(migration 0018).

Kept apart from ``app.store.models`` like ``app.store.engagement``: only foreign keys point
back at the core tables, no relationships, so the core mappers never need these classes and
start-up does not pay for them.

An interview's start is an instant (UTC) together with the IANA time zone it was agreed in:
the invite is written in that zone, so a daylight-saving change between scheduling and the
interview keeps the wall-clock time everybody agreed on.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.store.enums import InterviewStatus as InterviewStatus
from app.store.enums import Recommendation as Recommendation
from app.store.models import Base, _enum, utc_now


class Interview(Base):
    """An interview of one application: when, where, and the invite's identity.

    ``uid`` and ``sequence`` are the iCalendar UID and SEQUENCE: the UID never changes, the
    sequence rises with every change sent, so calendars replace the event rather than add one.
    """

    __tablename__ = "interviews"
    __table_args__ = (
        Index("ix_interviews_starts_at", "starts_at"),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[InterviewStatus] = mapped_column(
        _enum(InterviewStatus), default=InterviewStatus.SCHEDULED
    )
    starts_at: Mapped[dt.datetime]
    time_zone: Mapped[str] = mapped_column(String(64))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    location: Mapped[str | None] = mapped_column(String(300))
    video_link: Mapped[str | None] = mapped_column(String(500))
    notes: Mapped[str | None] = mapped_column(Text)
    candidate_invited: Mapped[bool] = mapped_column(Boolean, default=True)
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Set once the reminder before the interview was shown, so it is shown once.
    reminded_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class InterviewAttendee(Base):
    """An interviewer: a client contact or a user of Hirebench, with the name and address
    the invites went to (kept, so a cancellation reaches the same inbox). Should the contact
    or user be deleted, the row stays with its name (both links empty): their scorecard is
    still theirs."""

    __tablename__ = "interview_attendees"
    __table_args__ = (
        UniqueConstraint("interview_id", "contact_id"),
        UniqueConstraint("interview_id", "user_id", name="uq_interview_attendees_user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    position: Mapped[int] = mapped_column(Integer, default=0)


class ScorecardTemplate(Base):
    """A named list of attributes to judge: the agency's own (no client) or a client's."""

    __tablename__ = "scorecard_templates"
    __table_args__ = (
        UniqueConstraint("client_id", "name", name="uq_scorecard_templates_client_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class ScorecardAttribute(Base):
    """One attribute to judge, on a template or on a job (a job's are copied from a
    template, so editing the template later never rewrites a job's scorecards)."""

    __tablename__ = "scorecard_attributes"
    __table_args__ = (
        CheckConstraint("(template_id IS NULL) != (job_id IS NULL)", name="template_or_job"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("scorecard_templates.id", ondelete="CASCADE"), index=True
    )
    job_id: Mapped[int | None] = mapped_column(
        ForeignKey("jobs.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)


class JobScorecard(Base):
    """A job's scorecard settings: the template its attributes came from, and whether a card
    may leave the Interviewed stage only once a scorecard is in."""

    __tablename__ = "job_scorecards"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("scorecard_templates.id", ondelete="SET NULL")
    )
    required: Mapped[bool] = mapped_column(Boolean, default=False)


class Scorecard(Base):
    """One interviewer's judgement of one interview, entered from their reply."""

    __tablename__ = "scorecards"
    __table_args__ = (UniqueConstraint("interview_id", "attendee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    attendee_id: Mapped[int] = mapped_column(
        ForeignKey("interview_attendees.id", ondelete="CASCADE"), index=True
    )
    recommendation: Mapped[Recommendation] = mapped_column(_enum(Recommendation))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class ScorecardRating(Base):
    """A 1–5 rating of one attribute on one scorecard, with the attribute's name as it was."""

    __tablename__ = "scorecard_ratings"
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),)

    scorecard_id: Mapped[int] = mapped_column(
        ForeignKey("scorecards.id", ondelete="CASCADE"), primary_key=True
    )
    attribute_id: Mapped[int] = mapped_column(
        ForeignKey("scorecard_attributes.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    rating: Mapped[int] = mapped_column(Integer)
