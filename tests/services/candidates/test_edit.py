"""Editing a candidate by hand: every field, validation, conflicts, audit and exact undo."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select, text

from app.services.candidates.edit import (
    CANCELLED_REASON,
    CandidateValues,
    EditConflictError,
    load_edit_form,
    read_values,
    redo_edit,
    undo_edit,
    update_candidate,
)
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.candidates.search import search_candidates
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.core.users import ensure_user
from app.store.database import Database
from app.store.models import Skill, Tag, User
from app.store.search import rebuild_candidate_search
from tests.support import AuditWatch


def _values(ctx: ServiceContext, candidate_id: int) -> CandidateValues:
    with ctx.read() as session:
        return read_values(session, candidate_id)


def _found(ctx: ServiceContext, query: str) -> set[int]:
    return {hit.candidate_id for hit in search_candidates(ctx, query, limit=50).hits}


@pytest.fixture
def jane(ctx: ServiceContext) -> int:
    return create_candidate(
        ctx,
        CandidateInput(
            "Jane",
            "Roe",
            email="jane@old.example",
            phone="+1 512 555 0100",
            location="Austin, TX",
            current_title="Analyst",
        ),
    ).value


EVERYTHING = CandidateValues(
    first_name="  Janet\x1b ",
    middle_name="Q.",
    last_name="Roe-Smith",
    headline="Data engineer who ships",
    current_title="Senior data engineer",
    current_employer="Initech",
    location="Denver, CO",
    source="Referral",
    summary="Ten years of pipelines.\n\nLikes Rust.",
    emails=("Janet@New.example", "jane@old.example", "janet@new.example"),
    phones=("+1 303 555 0101", "(303) 555-0101", "+1 512 555 0100"),
    links=("linkedin.com/in/janet", "github.com/janet"),
    skills=("Python", "dbt", "python"),
    tags=("Relocating", "hot lead"),
)


def test_every_field_is_saved_cleaned_in_one_audited_transaction(
    ctx: ServiceContext, database: Database, jane: int
) -> None:
    owner = ensure_user(database.sessions, "robin").user_id
    before = _values(ctx, jane)
    watch = AuditWatch(database)
    done = update_candidate(ctx, jane, dataclasses.replace(EVERYTHING, owner_id=owner), before)
    now = _values(ctx, jane)
    assert now == CandidateValues(
        first_name="Janet",
        middle_name="Q.",
        last_name="Roe-Smith",
        headline="Data engineer who ships",
        current_title="Senior data engineer",
        current_employer="Initech",
        location="Denver, CO",
        source="Referral",
        owner_id=owner,
        summary="Ten years of pipelines.\n\nLikes Rust.",
        emails=("janet@new.example", "jane@old.example"),  # first is primary; repeats once
        phones=("+1 303 555 0101", "+1 512 555 0100"),  # one number written two ways
        links=("linkedin.com/in/janet", "github.com/janet"),
        skills=("dbt", "Python"),
        tags=("hot lead", "Relocating"),
    )
    assert done.value.name == "Janet Q. Roe-Smith"
    assert set(done.value.fields) == {f.name for f in dataclasses.fields(CandidateValues)}
    entries = watch.new()
    edits = [entry for entry in entries if entry.action == "candidate.edit"]
    assert len(edits) == 1 and edits[0].entity_id == jane
    assert edits[0].before["first_name"] == "Jane" and edits[0].after["first_name"] == "Janet"
    assert edits[0].before["emails"] == ["jane@old.example"]
    assert edits[0].after["tags"] == ["hot lead", "Relocating"]
    assert sorted(
        (e.after["name"] for e in entries if e.action == "tag.create"), key=str.lower
    ) == [
        "hot lead",
        "Relocating",
    ]
    assert done.changes.touches(ChangeKind.CANDIDATES, ChangeKind.TAGS)


def test_only_changed_fields_are_written_and_nothing_changed_writes_nothing(
    ctx: ServiceContext, database: Database, jane: int
) -> None:
    before = _values(ctx, jane)
    watch = AuditWatch(database)
    same = update_candidate(ctx, jane, before, before)
    assert same.value.fields == () and watch.new() == [] and not same.changes.ids
    done = update_candidate(ctx, jane, dataclasses.replace(before, location="Dallas, TX"), before)
    assert done.value.fields == ("location",)
    [entry] = watch.new()
    assert (entry.before, entry.after) == ({"location": "Austin, TX"}, {"location": "Dallas, TX"})


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"first_name": "  "}, "first_name", "First name is required."),
        ({"last_name": ""}, "last_name", "Last name is required."),
        ({"middle_name": "x" * 101}, "middle_name", "At most 100 characters."),
        ({"headline": "x" * 301}, "headline", "At most 300 characters."),
        ({"source": "x" * 121}, "source", "At most 120 characters."),
        ({"summary": "x" * 10_001}, "summary", "At most 10,000 characters."),
        ({"emails": ("ok@example.com", "jane@")}, "emails", "“jane@”: Not a valid email"),
        ({"phones": ("call me",)}, "phones", "“call me”: Use digits"),
        ({"links": ("not a link",)}, "links", "“not a link”: Not a web address"),
        ({"emails": tuple(f"p{i}@x.example" for i in range(11))}, "emails", "At most 10"),
        ({"tags": ("t" * 81,)}, "tags", "at most 80 characters"),
        ({"skills": tuple(f"s{i}" for i in range(201))}, "skills", "At most 200 skills."),
    ],
)
def test_each_field_is_checked_and_nothing_is_saved(
    ctx: ServiceContext, database: Database, jane: int, change: dict, field: str, message: str
) -> None:
    before = _values(ctx, jane)
    watch = AuditWatch(database)
    with pytest.raises(ValidationError) as refused:
        update_candidate(ctx, jane, dataclasses.replace(before, **change), before)
    assert list(refused.value.errors) == [field]
    assert message in refused.value.errors[field]
    assert _values(ctx, jane) == before and watch.new() == []


def test_an_email_another_candidate_has_is_refused_naming_them(
    ctx: ServiceContext, jane: int
) -> None:
    john = create_candidate(ctx, CandidateInput("John", "Doe", email="john@x.example")).value
    before = _values(ctx, jane)
    wanted = dataclasses.replace(before, emails=("JOHN@x.example",), location="Paris")
    with pytest.raises(ValidationError) as refused:
        update_candidate(ctx, jane, wanted, before)
    assert refused.value.errors == {
        "emails": f"john@x.example belongs to John Doe (#{john}): one person, one record. "
        "Merge the two instead."
    }
    assert _values(ctx, jane) == before  # the valid location was not saved either


def test_an_inactive_or_unknown_owner_is_refused(
    ctx: ServiceContext, database: Database, jane: int
) -> None:
    gone = ensure_user(database.sessions, "left-the-agency").user_id
    with database.sessions() as session, session.begin():
        session.get(User, gone).is_active = False
    before = _values(ctx, jane)
    for owner in (gone, 9999):
        with pytest.raises(ValidationError) as refused:
            update_candidate(ctx, jane, dataclasses.replace(before, owner_id=owner), before)
        assert refused.value.errors == {"owner_id": "Choose an active recruiter, or no owner."}


def test_a_field_changed_elsewhere_is_kept_unless_the_user_changed_it_too(
    ctx: ServiceContext, jane: int
) -> None:
    form = _values(ctx, jane)  # what the form was filled with
    elsewhere = update_candidate(ctx, jane, dataclasses.replace(form, location="Boston"), form)
    assert elsewhere.value.fields == ("location",)
    # This user changed the title only: the other change stays.
    update_candidate(ctx, jane, dataclasses.replace(form, current_title="Lead"), form)
    assert (_values(ctx, jane).location, _values(ctx, jane).current_title) == ("Boston", "Lead")
    # This user changed the location too: refused for that field, with what it holds now.
    with pytest.raises(EditConflictError) as conflict:
        update_candidate(ctx, jane, dataclasses.replace(form, location="Denver"), form)
    assert conflict.value.errors == {
        "location": "Someone else changed this meanwhile; it is now “Boston”. "
        "Save again to keep yours."
    }
    assert conflict.value.current.location == "Boston"


def test_undo_restores_exactly_and_redo_applies_again(
    ctx: ServiceContext, database: Database, jane: int
) -> None:
    with database.sessions() as session, session.begin():  # an old record, not clean
        session.execute(
            text("UPDATE candidates SET headline = '  Old  headline' WHERE id = :i"), {"i": jane}
        )
    original = _values(ctx, jane)
    done = update_candidate(ctx, jane, EVERYTHING, original)
    watch = AuditWatch(database)
    undone = undo_edit(ctx, done.value)
    assert _values(ctx, jane) == original
    assert original.headline == "  Old  headline"
    with ctx.read() as session:  # the tags and skills the edit made went with it
        assert session.scalars(select(Tag.name)).all() == []
        assert session.scalars(select(Skill.name)).all() == []
    [undo_entry] = [e for e in watch.new() if e.action == "candidate.edit_undo"]
    assert undo_entry.after["headline"] == "  Old  headline"
    assert {e.action for e in watch.new()} == {"candidate.edit_undo", "tag.delete"}
    assert undone.changes.touches(ChangeKind.CANDIDATES, ChangeKind.TAGS)
    redone = redo_edit(ctx, done.value)
    assert _values(ctx, jane) == done.value.after
    assert set(redone.value.created_tags) == {"hot lead", "Relocating"}
    undo_edit(ctx, redone.value)
    assert _values(ctx, jane) == original


def test_undo_keeps_a_tag_someone_else_started_using(ctx: ServiceContext, jane: int) -> None:
    from app.services.candidates.bulk import tag_candidates

    other = create_candidate(ctx, CandidateInput("Ann", "Lee")).value
    before = _values(ctx, jane)
    done = update_candidate(ctx, jane, dataclasses.replace(before, tags=("Finance",)), before)
    tag_candidates(ctx, [other], "finance")
    undo_edit(ctx, done.value)
    assert _values(ctx, jane).tags == () and _values(ctx, other).tags == ("Finance",)


def test_undo_is_refused_when_the_fields_changed_since(ctx: ServiceContext, jane: int) -> None:
    before = _values(ctx, jane)
    done = update_candidate(ctx, jane, dataclasses.replace(before, location="Oslo"), before)
    after = _values(ctx, jane)
    update_candidate(ctx, jane, dataclasses.replace(after, location="Bergen"), after)
    with pytest.raises(EditConflictError) as conflict:
        undo_edit(ctx, done.value)
    assert conflict.value.errors == {"location": "Location changed since; it is now “Bergen”."}
    assert _values(ctx, jane).location == "Bergen"


def test_undo_of_a_deleted_candidate_says_so(ctx: ServiceContext, jane: int) -> None:
    from app.services.candidates.delete import delete_candidate

    before = _values(ctx, jane)
    done = update_candidate(ctx, jane, dataclasses.replace(before, location="Oslo"), before)
    delete_candidate(ctx, jane)
    with pytest.raises(NotFoundError):
        undo_edit(ctx, done.value)


def test_the_search_index_follows_the_edit_and_its_undo(
    ctx: ServiceContext, database: Database, jane: int
) -> None:
    before = _values(ctx, jane)
    done = update_candidate(ctx, jane, EVERYTHING, before)
    assert _found(ctx, "Janet") == {jane} and _found(ctx, "skill:dbt") == {jane}
    assert _found(ctx, "tag:relocating") == {jane} and _found(ctx, "Initech") == {jane}
    assert _found(ctx, "analyst") == set()
    sql = "SELECT rowid, * FROM candidate_search ORDER BY rowid"
    with database.engine.begin() as connection:
        kept = connection.execute(text(sql)).all()
        rebuild_candidate_search(connection)
        assert connection.execute(text(sql)).all() == kept
    undo_edit(ctx, done.value)
    assert _found(ctx, "analyst") == {jane} and _found(ctx, "skill:dbt") == set()


def test_taking_an_address_off_cancels_mail_queued_to_it_and_undo_queues_it_again(
    ctx: ServiceContext, jane: int
) -> None:
    from app.services.engagement.outbox import Draft, add_to_outbox
    from app.store.engagement import MessageState, OutboxMessage

    with ctx.write() as tx:
        [queued] = add_to_outbox(
            tx.session,
            [Draft("jane@old.example", "Hello", "Hi Jane", candidate_id=jane)],
            domain="agency.example",
        )
    before = _values(ctx, jane)
    done = update_candidate(
        ctx, jane, dataclasses.replace(before, emails=("j@new.example",)), before
    )
    with ctx.read() as session:
        message = session.get(OutboxMessage, queued)
        assert (message.state, message.last_error) == (MessageState.CANCELLED, CANCELLED_REASON)
    assert done.value.cancelled_messages == (queued,) and done.changes.touches(ChangeKind.OUTBOX)
    undo_edit(ctx, done.value)
    with ctx.read() as session:
        assert session.get(OutboxMessage, queued).state is MessageState.QUEUED


def test_the_form_offers_active_owners_and_the_current_one(
    ctx: ServiceContext, database: Database, jane: int
) -> None:
    gone = ensure_user(database.sessions, "left").user_id
    before = _values(ctx, jane)
    update_candidate(ctx, jane, dataclasses.replace(before, owner_id=gone), before)
    with database.sessions() as session, session.begin():
        session.get(User, gone).is_active = False
    form = load_edit_form(ctx, jane)
    assert form.name == "Jane Roe" and form.values.owner_id == gone
    assert (gone, "Left (inactive)") in form.owners
    assert (ctx.actor.user_id, "Tester") in form.owners
    with pytest.raises(NotFoundError):
        load_edit_form(ctx, 9999)
