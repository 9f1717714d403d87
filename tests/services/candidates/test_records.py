"""Candidates: creation, duplicate detection, validation, and the paged list."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.services.candidates.records import (
    CandidateInput,
    candidate_page,
    count_candidates,
    create_candidate,
)
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.names import person_name
from app.services.core.unit_of_work import ValidationError
from app.store.database import Database
from app.store.models import Candidate, CandidateEmail
from tests.support import AuditWatch, count_rows, fail_on_changed


def test_create_candidate_writes_person_contacts_and_one_audit_entry(
    ctx: ServiceContext, database: Database
):
    watch = AuditWatch(database)
    result = create_candidate(
        ctx,
        CandidateInput(
            first_name=" Ada ",
            last_name="Lovelace",
            email="Ada.Lovelace@Example.COM",
            phone="+44 20 7946 0958",
            current_title="Analyst",
            links=("github.com/ada", "  "),
        ),
    )
    with database.sessions() as session:
        candidate = session.get(Candidate, result.value)
        assert person_name(candidate) == "Ada Lovelace"
        assert candidate.primary_email == "ada.lovelace@example.com"
        assert [p.phone for p in candidate.phones] == ["+44 20 7946 0958"]
        assert candidate.links == ["github.com/ada"]
        assert candidate.source == "Manual entry"
        assert candidate.owner_id == ctx.actor.user_id
        assert candidate.created_at.tzinfo is not None
    [entry] = watch.new()
    assert (entry.action, entry.entity_type, entry.entity_id, entry.actor, entry.user_id) == (
        "candidate.create",
        "candidate",
        result.value,
        "tester",
        ctx.actor.user_id,
    )
    assert entry.after["emails"] == ["ada.lovelace@example.com"]
    assert entry.after["first_name"] == "Ada"
    assert dict(result.changes.ids) == {ChangeKind.CANDIDATES: {result.value}}


def test_candidate_without_email_or_phone(ctx: ServiceContext, database: Database):
    candidate_id = create_candidate(ctx, CandidateInput("Alan", "Turing", source="Referral")).value
    with database.sessions() as session:
        candidate = session.get(Candidate, candidate_id)
        assert (candidate.primary_email, candidate.phones, candidate.source) == (
            None,
            [],
            "Referral",
        )


def test_duplicate_email_is_refused_whatever_its_case(ctx: ServiceContext, database: Database):
    first = create_candidate(ctx, CandidateInput("Ada", "Lovelace", email="ada@example.com")).value
    watch = AuditWatch(database)
    with pytest.raises(ValidationError) as raised:
        create_candidate(ctx, CandidateInput("Ada", "King", email=" ADA@example.com "))
    assert list(raised.value.errors) == ["email"]
    assert f"#{first}" in raised.value.errors["email"]
    assert count_rows(database, "candidates") == 1
    assert count_rows(database, "candidate_emails") == 1
    assert watch.new() == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"first_name": ""}, "first_name"),
        ({"last_name": "   "}, "last_name"),
        ({"first_name": "x" * 101}, "first_name"),
        ({"email": "ada-at-example.com"}, "email"),
        ({"phone": "12-34"}, "phone"),
        ({"phone": "phone me"}, "phone"),
        ({"links": ("not a link",)}, "links"),
    ],
)
def test_invalid_candidate_is_refused_per_field(
    ctx: ServiceContext, database: Database, changes: dict, field: str
):
    data = CandidateInput(**({"first_name": "Ada", "last_name": "Lovelace"} | changes))
    watch = AuditWatch(database)
    with pytest.raises(ValidationError) as raised:
        create_candidate(ctx, data)
    assert list(raised.value.errors) == [field]
    assert count_rows(database, "candidates") == 0
    assert watch.new() == []


def test_failure_inside_the_transaction_leaves_nothing(
    ctx: ServiceContext, database: Database, monkeypatch: pytest.MonkeyPatch
):
    watch = AuditWatch(database)
    fail_on_changed(monkeypatch)
    with pytest.raises(RuntimeError, match="injected"):
        create_candidate(ctx, CandidateInput("Ada", "Lovelace", email="ada@example.com"))
    for table in ("candidates", "candidate_emails", "candidate_phones"):
        assert count_rows(database, table) == 0
    assert watch.new() == []


# --- paging ---------------------------------------------------------------------------------


def _all_pages(ctx: ServiceContext, size: int, order: str) -> list[int]:
    ids: list[int] = []
    offset = 0
    while True:
        page = candidate_page(ctx, offset, size, order)
        assert len(page) <= size
        ids.extend(row.id for row in page)
        if len(page) < size:
            return ids
        offset += size


def _expected_order(database: Database, order: str) -> list[int]:
    """The order computed independently, in Python, from every candidate's sort keys."""
    with database.sessions() as session:
        rows = session.execute(
            select(Candidate.id, Candidate.last_name, Candidate.first_name, Candidate.created_at)
        ).all()
    if order == "name":
        rows.sort(key=lambda r: (r.last_name, r.first_name, r.id))
    else:
        rows.sort(key=lambda r: (r.created_at, r.id), reverse=True)
    return [r.id for r in rows]


@pytest.mark.parametrize("order", ["name", "recent"])
@pytest.mark.parametrize("size", [37, 100])
def test_pages_cover_every_candidate_once_in_order(
    demo_ctx: ServiceContext, demo_database: Database, order: str, size: int
):
    ids = _all_pages(demo_ctx, size, order)
    total = count_candidates(demo_ctx)
    assert total == count_rows(demo_database, "candidates") > size
    assert len(ids) == len(set(ids)) == total
    assert ids == _expected_order(demo_database, order)


def test_pages_break_ties_by_id(ctx: ServiceContext, database: Database):
    same_moment = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
    with database.sessions() as session, session.begin():
        for _ in range(11):
            session.add(Candidate(first_name="Sam", last_name="Lee", created_at=same_moment))
    for order in ("name", "recent"):
        ids = _all_pages(ctx, 3, order)
        assert sorted(ids) == sorted(set(ids))
        assert len(ids) == 11
        assert ids == sorted(ids, reverse=order == "recent")


def test_page_rows_carry_the_list_columns(ctx: ServiceContext):
    created = create_candidate(
        ctx,
        CandidateInput(
            "Grace",
            "Hopper",
            email="grace@example.com",
            current_title="Admiral",
            current_employer="US Navy",
            location="Arlington, VA",
        ),
    ).value
    [row] = candidate_page(ctx, 0, 10)
    assert (row.id, row.name, row.email, row.current_title, row.current_employer) == (
        created,
        "Grace Hopper",
        "grace@example.com",
        "Admiral",
        "US Navy",
    )
    assert row.location == "Arlington, VA"
    assert row.created_at.tzinfo is not None


def test_page_shows_the_first_email_by_position(ctx: ServiceContext, database: Database):
    candidate_id = create_candidate(ctx, CandidateInput("Ada", "L", email="main@example.com")).value
    with database.sessions() as session, session.begin():
        session.add(CandidateEmail(candidate_id=candidate_id, email="aaa@example.com", position=5))
    assert candidate_page(ctx, 0, 1)[0].email == "main@example.com"


def test_past_the_end_and_bad_order(ctx: ServiceContext):
    create_candidate(ctx, CandidateInput("Ada", "Lovelace"))
    assert candidate_page(ctx, 1, 10) == []
    assert count_candidates(ctx) == 1
    with pytest.raises(ValueError, match="order"):
        candidate_page(ctx, 0, 10, order="shoe size")


def test_count_on_an_empty_database(ctx: ServiceContext):
    assert count_candidates(ctx) == 0
    assert candidate_page(ctx, 0, 50) == []


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("first_name", 100),
        ("last_name", 100),
        ("current_title", 200),
        ("current_employer", 200),
        ("location", 200),
        ("headline", 300),
        ("source", 120),
    ],
)
def test_every_text_field_is_capped_with_a_message_for_that_field(
    ctx: ServiceContext, database: Database, field: str, limit: int
):
    values = {"first_name": "Ada", "last_name": "Lovelace", field: "x" * (limit + 1)}
    with pytest.raises(ValidationError) as refused:
        create_candidate(ctx, CandidateInput(**values))
    assert refused.value.errors == {field: f"At most {limit} characters."}
    assert count_rows(database, "candidates") == 0
    values[field] = "x" * limit  # the cap itself is allowed
    candidate_id = create_candidate(ctx, CandidateInput(**values)).value
    with database.sessions() as session:
        assert len(getattr(session.get(Candidate, candidate_id), field)) == limit


def test_a_megabyte_title_is_refused(ctx: ServiceContext, database: Database):
    with pytest.raises(ValidationError) as refused:
        create_candidate(
            ctx, CandidateInput(first_name="Ada", last_name="L", current_title="T" * 1_000_000)
        )
    assert refused.value.errors == {"current_title": "At most 200 characters."}


def test_contact_values_and_links_are_capped(ctx: ServiceContext, database: Database):
    with pytest.raises(ValidationError) as refused:
        create_candidate(
            ctx,
            CandidateInput(
                first_name="Ada",
                last_name="Lovelace",
                email="a" * 250 + "@example.com",
                phone="+1 555 0100 " + "-" * 40,
                links=tuple(f"example.com/{n}" for n in range(21)),
            ),
        )
    assert refused.value.errors == {
        "email": "At most 254 characters.",
        "phone": "At most 40 characters.",
        "links": "At most 20 links.",
    }
    with pytest.raises(ValidationError) as refused:
        create_candidate(
            ctx,
            CandidateInput(first_name="Ada", last_name="L", links=("example.com/" + "p" * 500,)),
        )
    assert refused.value.errors == {"links": "At most 500 characters."}


def test_control_characters_are_stripped_from_every_field(ctx: ServiceContext, database: Database):
    hostile = "\x00\x1b[2J\u202e\x85"
    candidate_id = create_candidate(
        ctx,
        CandidateInput(
            first_name=f"Ada{hostile}",
            last_name=f"Love\r\nlace{hostile}",
            email="ada\x00\x1b\u202e@example.com",
            phone="+44 20\x00 7946 0958\x1b",
            location=f"London{hostile}",
            current_title=f"Analyst\x00{hostile}",
            current_employer=f"Engines\tLtd{hostile}",
            headline=f"Poetical science{hostile}",
            source=f"Referral{hostile}",
            links=(f"github.com/ada{hostile}",),
        ),
    ).value
    with database.sessions() as session:
        candidate = session.get(Candidate, candidate_id)
        stored = [
            candidate.first_name,
            candidate.last_name,
            candidate.location,
            candidate.current_title,
            candidate.current_employer,
            candidate.headline,
            candidate.source,
            *candidate.links,
            *(e.email for e in candidate.emails),
            *(p.phone for p in candidate.phones),
        ]
    assert stored == [
        "Ada[2J",
        "Love lace[2J",
        "London[2J",
        "Analyst[2J",
        "Engines Ltd[2J",
        "Poetical science[2J",
        "Referral[2J",
        "github.com/ada[2J",
        "ada@example.com",
        "+44 20 7946 0958",
    ]
