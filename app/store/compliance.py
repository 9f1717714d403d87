"""The voluntary self-identification answers (migration 0025_eeo).

Kept in a table of their own so that nothing which reads candidates or applications (the
search index's triggers, the profile, the board, exports, mail merge fields) ever meets
them: only `app.services.compliance` reads this table, and only for the compliance role.
One row per application: an applicant answers once for each job they apply to. A NULL
answer was not given at all; "declined" is the applicant's explicit choice. Only a foreign
key points back at the core tables, no relationships.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from app.store.enums import DisabilityStatus as DisabilityStatus
from app.store.enums import HispanicLatino as HispanicLatino
from app.store.enums import Race as Race
from app.store.enums import Sex as Sex
from app.store.enums import VeteranStatus as VeteranStatus
from app.store.models import Base, _enum, utc_now

EEO_TABLE = "eeo_answers"


class EeoAnswers(Base):
    """One application's self-identification answers."""

    __tablename__ = EEO_TABLE

    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
    )
    hispanic_latino: Mapped[HispanicLatino | None] = mapped_column(_enum(HispanicLatino))
    race: Mapped[Race | None] = mapped_column(_enum(Race))
    sex: Mapped[Sex | None] = mapped_column(_enum(Sex))
    veteran: Mapped[VeteranStatus | None] = mapped_column(_enum(VeteranStatus))
    disability: Mapped[DisabilityStatus | None] = mapped_column(_enum(DisabilityStatus))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
