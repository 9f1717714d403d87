"""The list of rejection reasons: pre-filled by the migration, edited as a whole."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.services.context import ServiceContext
from app.services.reasons import list_rejection_reasons, set_rejection_reasons
from app.services.sample_data import REJECTION_REASONS
from app.services.unit_of_work import ValidationError
from app.store.database import Database
from app.store.models import RejectionReason
from tests.support import AuditWatch, count_rows, fail_on_changed


def _rows(database: Database) -> dict[str, bool]:
    with database.sessions() as session:
        return dict(session.execute(select(RejectionReason.label, RejectionReason.active)).all())


def test_a_new_database_offers_the_standard_reasons(ctx: ServiceContext):
    assert list_rejection_reasons(ctx) == list(REJECTION_REASONS)


def test_set_orders_adds_and_retires(ctx: ServiceContext, database: Database):
    wanted = ["Salary expectations", "  No   right to work ", "Not enough experience"]
    watch = AuditWatch(database)
    result = set_rejection_reasons(ctx, wanted)
    assert list_rejection_reasons(ctx) == [
        "Salary expectations",
        "No right to work",
        "Not enough experience",
    ]
    assert result.value == list_rejection_reasons(ctx)
    rows = _rows(database)
    assert rows["Skills mismatch"] is False  # retired, not deleted
    assert sum(rows.values()) == 3
    assert len(rows) == len(REJECTION_REASONS) + 1
    [entry] = watch.new()
    assert (entry.action, entry.entity_type, entry.entity_id) == (
        "rejection_reasons.set",
        "rejection_reasons",
        None,
    )
    assert entry.before == {"labels": list(REJECTION_REASONS)}
    assert entry.after == {"labels": result.value}
    assert "rejection_reasons" in result.changes.ids


def test_a_retired_reason_comes_back_on_its_own_row(ctx: ServiceContext, database: Database):
    set_rejection_reasons(ctx, ["Skills mismatch"])
    set_rejection_reasons(ctx, ["POSITION FILLED", "Skills mismatch"])
    assert list_rejection_reasons(ctx) == ["POSITION FILLED", "Skills mismatch"]
    assert count_rows(database, "rejection_reasons") == len(REJECTION_REASONS)


def test_the_same_list_is_a_no_op(ctx: ServiceContext, database: Database):
    watch = AuditWatch(database)
    assert set_rejection_reasons(ctx, list(REJECTION_REASONS)).changes.ids == {}
    assert watch.new() == []


@pytest.mark.parametrize(
    "labels",
    [
        [],
        ["Fine", "  "],
        ["Fine", "fine"],
        ["x" * 201],
    ],
)
def test_invalid_lists_are_refused(ctx: ServiceContext, database: Database, labels: list[str]):
    watch = AuditWatch(database)
    with pytest.raises(ValidationError) as raised:
        set_rejection_reasons(ctx, labels)
    assert list(raised.value.errors) == ["labels"]
    assert list_rejection_reasons(ctx) == list(REJECTION_REASONS)
    assert watch.new() == []


def test_a_reason_of_200_characters_is_accepted(ctx: ServiceContext):
    set_rejection_reasons(ctx, ["x" * 200])
    assert list_rejection_reasons(ctx) == ["x" * 200]


def test_failure_keeps_the_list(
    ctx: ServiceContext, database: Database, monkeypatch: pytest.MonkeyPatch
):
    watch = AuditWatch(database)
    fail_on_changed(monkeypatch)
    with pytest.raises(RuntimeError, match="injected"):
        set_rejection_reasons(ctx, ["Only one"])
    assert list_rejection_reasons(ctx) == list(REJECTION_REASONS)
    assert count_rows(database, "rejection_reasons") == len(REJECTION_REASONS)
    assert watch.new() == []
