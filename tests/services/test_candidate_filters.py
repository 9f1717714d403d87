"""The Candidates list's filters: one service query, counted and paged alike."""

from __future__ import annotations

import datetime as dt

from app.services.bulk import tag_candidates
from app.services.candidates import (
    CandidateFilters,
    candidate_page,
    count_candidates,
    filter_options,
)
from app.services.context import ServiceContext
from app.services.pools import SILVER_MEDALISTS, add_members, create_pool
from app.store.database import Database
from app.store.models import (
    Activity,
    ActivityKind,
    CandidateSkill,
    JobStatus,
    Skill,
    utc_now,
)
from tests.services.test_pools_crm import World


def _names(ctx: ServiceContext, **fields: object) -> list[str]:
    filters = CandidateFilters(**fields)  # type: ignore[arg-type]
    rows = candidate_page(ctx, 0, 50, "name", filters)
    assert count_candidates(ctx, filters) == len(rows)
    return [row.name.split()[0] for row in rows]


def test_each_filter_narrows_the_list(ctx: ServiceContext, database: Database):
    world = World(database)
    ada = world.person("Ada", "A", location="Chicago, IL", source="Referral")
    bob = world.person("Bob", "B", location="Denver, CO", source="LinkedIn", do_not_contact=True)
    cy = world.person("Cy", "C", location="chicago", owner_id=ctx.actor.user_id)
    with database.sessions() as session, session.begin():
        python = Skill(name="Python")
        session.add(python)
        session.flush()
        session.add_all(
            [
                CandidateSkill(candidate_id=ada, skill_id=python.id),
                CandidateSkill(candidate_id=bob, skill_id=python.id),
                Activity(candidate_id=bob, kind=ActivityKind.CALL, occurred_at=utc_now()),
                Activity(
                    candidate_id=cy,
                    kind=ActivityKind.EMAIL,
                    occurred_at=utc_now() - dt.timedelta(days=40),
                ),
            ]
        )
    tag_candidates(ctx, [ada, cy], "Top talent")
    pool = create_pool(ctx, "Bench").value
    add_members(ctx, pool, [cy])
    job = world.job("Analyst", JobStatus.FILLED)
    world.history(bob, job, "Applied", "Hired")
    world.history(ada, job, "Applied", "Interviewed", "Rejected")

    assert _names(ctx) == ["Ada", "Bob", "Cy"]
    assert _names(ctx, skills=("python",)) == ["Ada", "Bob"]
    assert _names(ctx, location="CHICAGO") == ["Ada", "Cy"]
    assert _names(ctx, location="%") == []  # LIKE wildcards are taken literally
    assert _names(ctx, tags=("top talent",), skills=("Python",)) == ["Ada"]
    assert _names(ctx, source="linkedin") == ["Bob"]
    assert _names(ctx, owner_id=ctx.actor.user_id) == ["Cy"]
    assert _names(ctx, contacted_within_days=30) == ["Bob"]
    assert _names(ctx, contacted_within_days=60) == ["Bob", "Cy"]
    assert _names(ctx, pool_id=pool) == ["Cy"]
    assert _names(ctx, pool_id=SILVER_MEDALISTS) == ["Ada"]
    assert _names(ctx, furthest_stage="Interviewed") == ["Ada", "Bob"]  # Hired is further
    assert _names(ctx, furthest_stage="Offered") == ["Bob"]
    assert _names(ctx, do_not_contact=True) == ["Bob"]
    assert _names(ctx, do_not_contact=False) == ["Ada", "Cy"]
    assert not CandidateFilters().active and CandidateFilters(source="x").active

    options = filter_options(ctx)
    assert options.sources == ("LinkedIn", "Referral")
    assert options.tags == ("Top talent",)
    assert options.stages[:3] == ("Applied", "Screened", "Interviewed")
