"""The list of rejection reasons: pre-filled by the migration, edited as a whole."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.services.admin.sample_data import REJECTION_REASONS
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.services.pipeline.board import MAX_REJECTION_REASON
from app.services.pipeline.reasons import (
    MAX_REASON_LENGTH,
    list_rejection_reasons,
    set_rejection_reasons,
)
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
    assert result.changes.touches(ChangeKind.REJECTION_REASONS)


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


# ---- cleaned and capped at the service boundary (issue #10) ---------------------------------
def test_labels_are_stored_as_clean_lines(ctx: ServiceContext, database: Database):
    result = set_rejection_reasons(
        ctx, ["Salary\x00 too\x1b[31m high\r\n", "\u202eNo right\tto work\x85", "Fine"]
    )
    assert result.value == ["Salary too[31m high", "No right to work", "Fine"]
    active = [label for label, active in _rows(database).items() if active]
    assert sorted(active) == ["Fine", "No right to work", "Salary too[31m high"]
    assert list_rejection_reasons(ctx) == result.value


def test_a_label_of_control_characters_only_is_blank(ctx: ServiceContext, database: Database):
    with pytest.raises(ValidationError) as raised:
        set_rejection_reasons(ctx, ["Fine", "\x00\x1b\u202e\r\n"])
    assert raised.value.errors == {"labels": "A reason cannot be blank."}
    assert list_rejection_reasons(ctx) == list(REJECTION_REASONS)


def test_an_over_long_label_is_refused_with_its_beginning(ctx: ServiceContext, database: Database):
    watch = AuditWatch(database)
    with pytest.raises(ValidationError) as raised:
        set_rejection_reasons(ctx, ["Fine", "\x1b[2J" + "x" * 198])  # 201 once cleaned
    assert raised.value.errors == {"labels": f"At most 200 characters: “[2J{'x' * 37}…”."}
    assert list_rejection_reasons(ctx) == list(REJECTION_REASONS)
    assert watch.new() == []


def test_the_cap_counts_what_is_stored(ctx: ServiceContext, database: Database):
    set_rejection_reasons(ctx, ["\u202e" + "x" * 200 + "\x00\x1b\r\n"])
    assert list_rejection_reasons(ctx) == ["x" * 200]
    assert _rows(database)["x" * 200] is True


def test_the_cap_is_the_columns_size():
    assert RejectionReason.__table__.c.label.type.length == MAX_REASON_LENGTH
    assert MAX_REJECTION_REASON == MAX_REASON_LENGTH  # a listed reason always fits a rejection
