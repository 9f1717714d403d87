"""Talent pools: creation, validation and member counts."""

from __future__ import annotations

import pytest

from app.services.candidates.pools import list_pools
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.store.database import Database
from app.store.models import Candidate, PoolMembership, TalentPool
from tests.support import AuditWatch, count_rows, create_pool, fail_on_changed


def test_create_pool_writes_the_row_and_one_audit_entry(ctx: ServiceContext, database: Database):
    watch = AuditWatch(database)
    result = create_pool(ctx, "  Silver   medalists ", "Strong finalists")
    with database.sessions() as session:
        pool = session.get(TalentPool, result.value)
        assert (pool.name, pool.description, pool.owner_id) == (
            "Silver medalists",
            "Strong finalists",
            ctx.actor.user_id,
        )
    [entry] = watch.new()
    assert (entry.action, entry.entity_type, entry.entity_id, entry.actor) == (
        "pool.create",
        "talent_pool",
        result.value,
        "tester",
    )
    assert entry.after == {"name": "Silver medalists", "description": "Strong finalists"}
    assert dict(result.changes.ids) == {ChangeKind.POOLS: {result.value}}


@pytest.mark.parametrize("name", ["", "   ", "p" * 121])
def test_invalid_name_is_refused(ctx: ServiceContext, database: Database, name: str):
    watch = AuditWatch(database)
    with pytest.raises(ValidationError) as raised:
        create_pool(ctx, name)
    assert list(raised.value.errors) == ["name"]
    assert count_rows(database, "talent_pools") == 0
    assert watch.new() == []


def test_duplicate_name_is_refused(ctx: ServiceContext, database: Database):
    create_pool(ctx, "Campus")
    with pytest.raises(ValidationError) as raised:
        create_pool(ctx, " Campus ")
    assert "already exists" in raised.value.errors["name"]
    assert count_rows(database, "talent_pools") == 1


def test_failure_inside_the_transaction_leaves_nothing(
    ctx: ServiceContext, database: Database, monkeypatch: pytest.MonkeyPatch
):
    watch = AuditWatch(database)
    fail_on_changed(monkeypatch)
    with pytest.raises(RuntimeError, match="injected"):
        create_pool(ctx, "Campus")
    assert count_rows(database, "talent_pools") == 0
    assert watch.new() == []


def test_list_pools_counts_members(ctx: ServiceContext, database: Database):
    big = create_pool(ctx, "Big").value
    empty = create_pool(ctx, "Empty").value
    small = create_pool(ctx, "Small").value
    with database.sessions() as session, session.begin():
        people = [Candidate(first_name=f"P{n}", last_name="X") for n in range(5)]
        session.add_all(people)
        session.flush()
        for person in people:
            session.add(PoolMembership(pool_id=big, candidate_id=person.id))
        session.add(PoolMembership(pool_id=small, candidate_id=people[0].id))
    rows = list_pools(ctx)
    assert [row.name for row in rows] == ["Big", "Empty", "Small"]
    assert {row.id: row.members for row in rows} == {big: 5, empty: 0, small: 1}


def test_pool_text_is_cleaned_and_capped(ctx: ServiceContext, database: Database):
    with pytest.raises(ValidationError) as raised:
        create_pool(ctx, "p" * 121, "d" * 2_001)
    assert raised.value.errors == {
        "name": "At most 120 characters.",
        "description": "At most 2,000 characters.",
    }
    pool_id = create_pool(ctx, "Data\x00 people\x1b", "Good\r\nfolks\u202e").value
    with database.sessions() as session:
        pool = session.get(TalentPool, pool_id)
        assert (pool.name, pool.description) == ("Data people", "Good folks")


# ---- smart pools: the query is checked, and counted as it is typed ---------------------------


def _people(ctx: ServiceContext, *titles: str) -> list[int]:
    from app.services.candidates.records import CandidateInput, create_candidate

    return [
        create_candidate(
            ctx, CandidateInput(first_name=f"P{number}", last_name="Smith", current_title=title)
        ).value
        for number, title in enumerate(titles)
    ]


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ('"data engineer', "Searched for the words only: a quotation mark is not closed."),
        ("(python", "Searched for the words only: a parenthesis is not closed."),
        ("skill:", "Searched for the words only: skill: needs a word or a phrase after it."),
        ("()", "Nothing to search for: empty parentheses."),
    ],
)
def test_a_malformed_smart_query_is_refused_as_the_search_box_says_it(
    ctx: ServiceContext, database: Database, query: str, problem: str
) -> None:
    from app.services.candidates.pools import query_problem
    from app.services.candidates.search import search_candidates
    from tests.support import create_smart_pool

    assert search_candidates(ctx, query).warning == problem  # what the Candidates box shows
    assert query_problem(ctx, query) == problem
    watch = AuditWatch(database)
    with pytest.raises(ValidationError) as raised:
        create_smart_pool(ctx, "Broken", query)
    assert raised.value.errors == {"query": problem}
    assert count_rows(database, "talent_pools") == 0 and watch.new() == []


def test_the_smart_pool_preview_counts_every_match(ctx: ServiceContext, database: Database):
    from app.services.candidates.pools import SmartPreview, member_ids, preview_smart_pool
    from tests.support import create_smart_pool

    _people(ctx, "Data engineer", "Data analyst", "Chef")
    assert preview_smart_pool(ctx, "data") == SmartPreview(2)
    assert preview_smart_pool(ctx, "-data") == SmartPreview(1)
    assert preview_smart_pool(ctx, "zymurgy") == SmartPreview(0)
    assert preview_smart_pool(ctx, "   ") == SmartPreview(None)
    assert preview_smart_pool(ctx, '"data') == SmartPreview(
        None, "Searched for the words only: a quotation mark is not closed."
    )
    pool = create_smart_pool(ctx, "Data people", "data").value
    assert len(member_ids(ctx, pool)) == 2  # the preview counts as the pool will
