"""Tables for the end of the hiring loop: offers made to candidates and the placements (hires)
that earn the agency its fee (migration 0020_placements).

Money is stored in integer cents of the row's currency and percentages in hundredths of a
percent (basis points), so no amount ever passes through a float. Kept apart from
``app.store.models`` like ``app.store.engagement``: only foreign keys point back at the core
tables, no relationships. Both hang on the application alone (its candidate and job are read
through it), so a merge that moves an application to another candidate takes its offers and
placement along.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.enums import FeeKind as FeeKind
from app.store.enums import JobStatus as JobStatus
from app.store.enums import OfferStatus as OfferStatus
from app.store.enums import PayBasis as PayBasis
from app.store.enums import PlacementType as PlacementType
from app.store.enums import RateUnit as RateUnit
from app.store.models import Base, TimestampMixin, _enum


class Offer(TimestampMixin, Base):
    """An offer made to a candidate for a job: a salary or a rate, a start date and until
    when it stands. An application may collect several (a revised offer after a decline)."""

    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    pay_basis: Mapped[PayBasis] = mapped_column(_enum(PayBasis), default=PayBasis.SALARY)
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[OfferStatus] = mapped_column(
        _enum(OfferStatus), default=OfferStatus.EXTENDED, index=True
    )
    extended_on: Mapped[dt.date] = mapped_column(Date)
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)


class Placement(TimestampMixin, Base):
    """A hire: when the candidate starts, on what terms, and the agency's fee.

    One per application. ``filled_job_from`` is the status the job had when this placement
    took its last opening (None: it did not fill the job), so removing the placement gives
    the opening back and the job its status.
    """

    __tablename__ = "placements"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True
    )
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="SET NULL"))
    placement_type: Mapped[PlacementType] = mapped_column(_enum(PlacementType))
    start_date: Mapped[dt.date] = mapped_column(Date, index=True)
    currency: Mapped[str] = mapped_column(String(3))
    salary_cents: Mapped[int | None] = mapped_column(Integer)
    rate_unit: Mapped[RateUnit | None] = mapped_column(_enum(RateUnit))
    bill_rate_cents: Mapped[int | None] = mapped_column(Integer)
    pay_rate_cents: Mapped[int | None] = mapped_column(Integer)
    fee_kind: Mapped[FeeKind] = mapped_column(_enum(FeeKind), default=FeeKind.NONE)
    fee_percent_bp: Mapped[int | None] = mapped_column(Integer)
    fee_cents: Mapped[int] = mapped_column(Integer, default=0)
    guarantee_ends_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    filled_job_from: Mapped[JobStatus | None] = mapped_column(_enum(JobStatus))
