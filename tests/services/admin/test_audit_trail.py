"""Reading the audit trail for the viewer: filters, newest-first pages, choices."""

from __future__ import annotations

import datetime as dt

from app.services.admin.audit_trail import (
    AuditFilter,
    audit_choices,
    audit_count,
    audit_page,
    verify_trail,
)
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.candidates.timeline import add_note
from app.services.core.context import ServiceContext


def _people(ctx: ServiceContext, n: int) -> list[int]:
    ids = []
    for k in range(n):
        person = create_candidate(ctx, CandidateInput(f"Person{k}", "Example")).value
        add_note(ctx, person, f"note {k}")
        ids.append(person)
    return ids


def test_pages_run_newest_first_without_gaps_or_repeats(ctx: ServiceContext) -> None:
    _people(ctx, 7)
    everything = audit_page(ctx, AuditFilter(), limit=1000)
    seen, older_than = [], None
    while page := audit_page(ctx, AuditFilter(), older_than, limit=3):
        seen += page
        older_than = page[-1].id
    assert [row.id for row in seen] == [row.id for row in everything]
    assert [row.id for row in everything] == sorted((row.id for row in everything), reverse=True)
    assert audit_count(ctx, AuditFilter()) == len(everything)
    assert all(row.chain_hash for row in everything)


def test_filters_by_record_action_user_and_day(ctx: ServiceContext) -> None:
    ids = _people(ctx, 3)
    one = audit_page(ctx, AuditFilter(entity_type="candidate", entity_id=ids[1]))
    assert one and {(row.entity_type, row.entity_id) for row in one} == {("candidate", ids[1])}
    family = audit_page(ctx, AuditFilter(action="candidate."))
    assert family and all(row.action.startswith("candidate.") for row in family)
    exact = audit_page(ctx, AuditFilter(action=family[0].action))
    assert {row.action for row in exact} == {family[0].action}
    mine = audit_page(ctx, AuditFilter(actor=ctx.actor.name))
    everyone = audit_page(ctx, AuditFilter())
    assert mine == [row for row in everyone if row.actor == ctx.actor.name] and len(mine) >= 6
    assert audit_page(ctx, AuditFilter(actor="nobody")) == []
    today = dt.datetime.now(dt.UTC).date()
    assert audit_page(ctx, AuditFilter(start=today, end=today)) == [
        row for row in everyone if row.occurred_at.date() == today
    ]
    yesterday = today - dt.timedelta(days=1)
    assert audit_page(ctx, AuditFilter(start=yesterday, end=yesterday)) == []


def test_choices_list_what_the_trail_holds(ctx: ServiceContext) -> None:
    _people(ctx, 1)
    choices = audit_choices(ctx)
    assert "candidate" in choices.entity_types
    assert ctx.actor.name in choices.actors
    assert "candidate.create" in choices.actions


def test_verify_trail_through_the_service(ctx: ServiceContext) -> None:
    _people(ctx, 2)
    result = verify_trail(ctx)
    assert result.ok and result.entries == audit_count(ctx, AuditFilter())
