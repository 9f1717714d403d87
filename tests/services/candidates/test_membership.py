"""The pools a candidate's profile lists: static, smart and built-in."""

from __future__ import annotations

from app.services.candidates.membership import candidate_pools
from app.services.candidates.pools import PAST_APPLICANTS, SILVER_MEDALISTS, add_members
from app.services.core.context import ServiceContext
from app.store.database import Database
from app.store.models import JobStatus
from tests.services.candidates.test_pools_crm import World
from tests.support import create_pool, create_smart_pool


def test_a_profile_lists_every_kind_of_pool_the_candidate_is_in(
    ctx: ServiceContext, database: Database
) -> None:
    world = World(database)
    filled = world.job("Analyst", JobStatus.FILLED)
    winner = world.person("Winner")
    jane = world.person("Jane", "Kafkaesque", location="Austin")
    other = world.person("Other")
    world.history(winner, filled, "Applied", "Interviewed", "Offered", "Hired")
    world.history(jane, filled, "Applied", "Interviewed", "Rejected")
    engineers = create_pool(ctx, "Engineers").value
    austin = create_pool(ctx, "Austin talent").value
    smart = create_smart_pool(ctx, "Kafka people", "kafkaesque").value
    create_smart_pool(ctx, "Nobody", "zzzz")
    add_members(ctx, engineers, [jane, other])
    add_members(ctx, austin, [jane])

    rows = candidate_pools(ctx, jane)
    assert [(r.pool_id, r.name, r.kind, r.removable) for r in rows] == [
        (austin, "Austin talent", "static", True),
        (engineers, "Engineers", "static", True),
        (smart, "Kafka people", "smart", False),
        (SILVER_MEDALISTS, "Silver medalists", "builtin", False),
        (PAST_APPLICANTS, "Past applicants", "builtin", False),
    ]
    assert rows[0].added_at is not None and rows[2].added_at is None
    assert [r.pool_id for r in candidate_pools(ctx, other)] == [engineers]
    assert candidate_pools(ctx, winner) == []
