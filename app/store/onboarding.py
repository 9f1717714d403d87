"""Tables for onboarding compliance: the checks a hire brings (I-9 sections, a background
check) and the agency's holidays that business-day deadlines skip (migration 0023_onboarding).

Kept apart from ``app.store.models`` like ``app.store.placements``: only foreign keys point
back at the core tables. A check hangs on the application (its candidate and job are read
through it), so a merge that moves an application takes its checks along. Holidays are the
agency's, in the database every user of it shares, not in one user's settings file.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.store.enums import CheckKind as CheckKind
from app.store.enums import CheckStatus as CheckStatus
from app.store.models import Base, TimestampMixin, _enum


class OnboardingCheck(TimestampMixin, Base):
    """One compliance step of a hire, with its due day, owner and status.

    ``start_date`` is the hire's first day (from the placement, or set by hand); the due day
    follows from it and the kind. ``notice_sent_on`` is the day a pre-adverse-action notice
    went out, from which the waiting period is counted. ``version`` guards against two
    people changing one check at once.
    """

    __tablename__ = "onboarding_checks"
    __table_args__ = (
        UniqueConstraint("application_id", "kind"),
        Index("ix_onboarding_checks_status_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[CheckKind] = mapped_column(_enum(CheckKind))
    status: Mapped[CheckStatus] = mapped_column(_enum(CheckStatus))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    notice_sent_on: Mapped[dt.date | None] = mapped_column(Date)
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Holiday(Base):
    """A day the agency does not work: business-day deadlines skip it."""

    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(100))
