"""The Candidates list's filters: one service query, counted and paged alike."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import select

from app.services.candidates.bulk import tag_candidates
from app.services.candidates.pools import SILVER_MEDALISTS, add_members
from app.services.candidates.records import (
    SORT_KEYS,
    CandidateFilters,
    candidate_page,
    count_candidates,
    filter_options,
)
from app.services.core.context import ServiceContext
from app.store.database import Database
from app.store.models import (
    Activity,
    ActivityKind,
    Candidate,
    CandidateEmail,
    CandidateSkill,
    JobStatus,
    Skill,
    utc_now,
)
from tests.services.candidates.test_pools_crm import World
from tests.support import create_pool


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


# --- sorting by every column, both ways ------------------------------------------------------

FIELD_OF = {
    "title": "current_title",
    "employer": "current_employer",
    "location": "location",
    "source": "source",
    "email": "email",
}


def _varied_people(database: Database, count: int = 40) -> None:
    """Candidates whose list columns repeat, are blank (NULL or ""), hold accents and capitals,
    with several emails each (only the first by position is shown and sorted by)."""
    rng = random.Random(7)
    values = ["Analyst", "analyst", "Émile Co", "Zeta", "Beta", "", None, None]
    with database.sessions() as session, session.begin():
        for n in range(count):
            person = Candidate(
                first_name=rng.choice(["Ann", "Bo", "Cy", "Åsa"]),
                last_name=rng.choice(["Lee", "Kim", "Ng"]),
                current_title=rng.choice(values),
                current_employer=rng.choice(values),
                location=rng.choice(values),
                source=rng.choice(values),
                created_at=dt.datetime(2026, 1, 1 + n % 5, tzinfo=dt.UTC),
            )
            for position, local in enumerate(rng.sample(["zed", "amy", "kit", "bob"], n % 3)):
                person.emails.append(
                    CandidateEmail(email=f"{local}{n % 4}@example.com", position=3 - position)
                )
            session.add(person)


def _expected(database: Database, order: str, descending: bool) -> list[int]:
    """The order worked out in Python from every candidate's own values: blanks last."""
    with database.sessions() as session:
        people = session.scalars(select(Candidate)).all()
        if order == "name":
            keyed = [((p.last_name, p.first_name, p.id), p.id) for p in people]
            return [i for _k, i in sorted(keyed, reverse=descending)]
        if order == "added":
            keyed = [((p.created_at, p.id), p.id) for p in people]
            return [i for _k, i in sorted(keyed, reverse=descending)]
        if order == "email":
            value = {
                p.id: min(p.emails, key=lambda e: (e.position, e.id)).email if p.emails else None
                for p in people
            }
        else:
            value = {p.id: getattr(p, FIELD_OF[order]) for p in people}
    filled = sorted(((v, i) for i, v in value.items() if v), reverse=descending)
    blank = sorted((i for i, v in value.items() if not v), reverse=descending)
    return [i for _v, i in filled] + blank


def _walk(ctx: ServiceContext, order: str, descending: bool, size: int, keyset: bool) -> list[int]:
    """Every page in turn: after the last row shown (keyset) or by offset."""
    ids: list[int] = []
    last = None
    for _ in range(100):  # a cursor that does not advance must fail, not hang
        page = candidate_page(
            ctx,
            0 if keyset else len(ids),
            size,
            order,
            descending=descending,
            after=last if keyset else None,
        )
        ids.extend(row.id for row in page)
        if len(page) < size:
            return ids
        last = page[-1]
    raise AssertionError(f"paging never ended: {len(ids)} rows so far")


@pytest.mark.parametrize("order", SORT_KEYS)
@pytest.mark.parametrize("descending", [False, True])
def test_every_column_sorts_both_ways_page_by_page(
    ctx: ServiceContext, database: Database, order: str, descending: bool
):
    _varied_people(database)
    expected = _expected(database, order, descending)
    assert len(expected) == 40
    for size, keyset in ((7, True), (7, False), (40, True)):
        assert _walk(ctx, order, descending, size, keyset) == expected, (size, keyset)
    assert _walk(ctx, order, not descending, 9, True) == _expected(database, order, not descending)


def test_sorted_pages_show_the_first_email_and_keep_filters(
    ctx: ServiceContext, database: Database
):
    _varied_people(database)
    with database.sessions() as session:
        beta = set(session.scalars(select(Candidate.id).where(Candidate.source == "Beta")))
    for order in SORT_KEYS:
        rows = candidate_page(ctx, 0, 100, order, CandidateFilters(source="beta"), True)
        assert {row.id for row in rows} == beta, order
        assert [row.id for row in rows] == [
            i for i in _expected(database, order, True) if i in beta
        ]
    by_email = candidate_page(ctx, 0, 100, "email")
    with database.sessions() as session:
        for row in by_email:
            emails = session.scalars(
                select(CandidateEmail.email)
                .where(CandidateEmail.candidate_id == row.id)
                .order_by(CandidateEmail.position, CandidateEmail.id)
            ).all()
            assert row.email == (emails[0] if emails else None)
    assert candidate_page(ctx, 0, 10, "recent") == candidate_page(ctx, 0, 10, "added", None, True)
