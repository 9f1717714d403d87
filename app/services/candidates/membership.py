"""Which talent pools a candidate is in, for their profile.

Static pools hold members by hand (and can let them go); smart pools (a saved search) and the
built-in pools are computed, so membership there follows the record and is shown, not edited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from app.services.candidates.pools import (
    BUILTIN,
    BUILTIN_POOLS,
    PAST_APPLICANTS,
    SILVER_MEDALISTS,
    SMART,
    STATIC,
    past_applicant_ids,
    silver_medalist_ids,
)
from app.services.candidates.search import matching_candidate_ids
from app.services.core.context import ServiceContext
from app.store.models import Application, PoolMembership, TalentPool


@dataclass(frozen=True)
class PoolMembershipRow:
    pool_id: int
    name: str
    kind: str  # "static", "smart" or "builtin"
    added_at: dt.datetime | None = None  # static pools only

    @property
    def removable(self) -> bool:
        return self.kind == STATIC


def candidate_pools(ctx: ServiceContext, candidate_id: int) -> list[PoolMembershipRow]:
    """The candidate's pools: static ones by name, then smart ones, then the built-ins."""

    with ctx.read() as session:
        static = [
            PoolMembershipRow(row.id, row.name, STATIC, row.added_at)
            for row in session.execute(
                select(TalentPool.id, TalentPool.name, PoolMembership.added_at)
                .join(PoolMembership, PoolMembership.pool_id == TalentPool.id)
                .where(PoolMembership.candidate_id == candidate_id)
                .order_by(TalentPool.name)
            )
        ]
        smart_pools = session.execute(
            select(TalentPool.id, TalentPool.name, TalentPool.query)
            .where(TalentPool.kind == SMART)
            .order_by(TalentPool.name)
        ).all()
        builtins = []
        for pool_id, members in (
            (SILVER_MEDALISTS, silver_medalist_ids()),
            (PAST_APPLICANTS, past_applicant_ids()),
        ):
            # Narrowed to this candidate's applications, the computed lists cost little.
            found = session.scalar(members.where(Application.candidate_id == candidate_id))
            if found is not None:
                builtins.append(PoolMembershipRow(pool_id, BUILTIN_POOLS[pool_id][0], BUILTIN))
    smart = [
        PoolMembershipRow(row.id, row.name, SMART)
        for row in smart_pools
        if row.query and candidate_id in set(matching_candidate_ids(ctx, row.query))
    ]
    return static + smart + builtins
