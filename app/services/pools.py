"""Talent pools: the CRM side's long-term lists of people."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.services.context import Outcome, ServiceContext, outcome
from app.services.unit_of_work import ValidationError, columns_of
from app.services.validation import check_length, check_required, clean
from app.store.models import PoolMembership, TalentPool


@dataclass(frozen=True)
class PoolRow:
    id: int
    name: str
    description: str | None
    members: int


def create_pool(ctx: ServiceContext, name: str, description: str | None = None) -> Outcome[int]:
    errors: dict[str, str] = {}
    check_required(errors, "name", name, "Pool name")
    check_length(errors, "name", clean(name), 120)
    if not errors:
        with ctx.read() as session:
            if session.scalar(select(TalentPool.id).where(TalentPool.name == clean(name))):
                errors["name"] = "A pool with this name already exists."
    if errors:
        raise ValidationError(errors)
    with ctx.write() as tx:
        pool = TalentPool(
            name=clean(name), description=clean(description), owner_id=ctx.actor.user_id
        )
        tx.session.add(pool)
        tx.session.flush()
        tx.audit(
            "pool.create", "talent_pool", pool.id, after=columns_of(pool, ("name", "description"))
        )
        tx.changed("pools", pool.id)
        return outcome(pool.id, tx)


def list_pools(ctx: ServiceContext) -> list[PoolRow]:
    members = select(func.count()).where(PoolMembership.pool_id == TalentPool.id).scalar_subquery()
    with ctx.read() as session:
        rows = session.execute(
            select(TalentPool.id, TalentPool.name, TalentPool.description, members).order_by(
                TalentPool.name
            )
        )
        return [PoolRow(*row) for row in rows]
