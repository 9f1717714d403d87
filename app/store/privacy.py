"""Consent records, retention rules and the retention review queue (migration 0026)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base, utc_now


class ConsentRecord(Base):
    """One answer about consent, as given: granted, withdrawn, or asked for."""

    __tablename__ = "consent_records"
    __table_args__ = (
        CheckConstraint("status IN ('granted', 'withdrawn', 'requested')", name="status"),
        CheckConstraint(
            "legal_basis IN ('consent', 'legitimate_interest', 'contract', 'legal_obligation')",
            name="legal_basis",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))
    legal_basis: Mapped[str] = mapped_column(String(30))
    source: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class RetentionRule(Base):
    """Who a scan lists for review: rejected for N days, inactive for N days, or whose
    consent lapsed N days ago."""

    __tablename__ = "retention_rules"
    __table_args__ = (
        CheckConstraint("kind IN ('rejected', 'inactive', 'consent_expired')", name="kind"),
        CheckConstraint("period_days >= 0", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    period_days: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class RetentionReview(Base):
    """A person a rule found, waiting for a decision (pending), or decided."""

    __tablename__ = "retention_reviews"
    __table_args__ = (
        UniqueConstraint("candidate_id", "rule_id"),
        CheckConstraint("status IN ('pending', 'kept', 'erased')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    rule_id: Mapped[int] = mapped_column(ForeignKey("retention_rules.id", ondelete="CASCADE"))
    found_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    decided_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    keep_until: Mapped[dt.date | None] = mapped_column(Date)
