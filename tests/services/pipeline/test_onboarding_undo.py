"""Undo and redo of onboarding-check writes: each check's fields exactly as they were, in one
audited transaction, refused when the check changed since."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.pipeline.onboarding import advance_check, checks_of, set_owner, set_start_date
from app.services.pipeline.onboarding_undo import (
    restore_checks,
    state_of,
    states_of_application,
)
from app.store.database import Database
from app.store.enums import CheckKind, CheckStatus
from tests.services.pipeline.test_onboarding import _by_kind, _hired_with_start, check_actions

D = dt.date


def test_a_step_undone_and_redone(ctx: ServiceContext, database: Database) -> None:
    _, application = _hired_with_start(ctx)
    check = _by_kind(ctx, application)[CheckKind.BACKGROUND]
    moved = advance_check(ctx, check.id, CheckStatus.IN_PROGRESS, check.version, D(2027, 1, 4))
    moved = advance_check(ctx, check.id, CheckStatus.CONSIDER, moved.value.version, D(2027, 1, 5))
    noticed = advance_check(
        ctx, check.id, CheckStatus.PRE_ADVERSE_SENT, moved.value.version, D(2027, 1, 6)
    ).value
    before, after = state_of(moved.value), state_of(noticed)
    assert after.notice_sent_on == D(2027, 1, 6) and after.due_on != before.due_on

    undone = restore_checks(ctx, {check.id: before}, {check.id: after})
    assert undone.value == [check.id]
    assert undone.changes.touches(ChangeKind.ONBOARDING)
    assert undone.changes.touches(ChangeKind.CANDIDATES)
    assert state_of(_by_kind(ctx, application)[CheckKind.BACKGROUND]) == before

    restore_checks(ctx, {check.id: after}, {check.id: before})
    assert state_of(_by_kind(ctx, application)[CheckKind.BACKGROUND]) == after
    assert check_actions(database, check.id)[-2:] == ["onboarding.restore", "onboarding.restore"]


def test_an_undo_is_refused_when_the_check_changed_since(ctx: ServiceContext) -> None:
    _, application = _hired_with_start(ctx)
    section1 = _by_kind(ctx, application)[CheckKind.I9_SECTION1]
    owned = set_owner(ctx, section1.id, ctx.actor.user_id, section1.version).value
    done = advance_check(ctx, section1.id, CheckStatus.DONE, owned.version, D(2027, 1, 4))
    with pytest.raises(ValidationError, match="I-9 Section 1 check changed since"):
        restore_checks(ctx, {section1.id: state_of(section1)}, {section1.id: state_of(owned)})
    assert state_of(_by_kind(ctx, application)[CheckKind.I9_SECTION1]) == state_of(done.value)


def test_a_start_date_undone_puts_every_check_back_in_one_go(ctx: ServiceContext) -> None:
    _, application = _hired_with_start(ctx, D(2027, 1, 4))
    before = states_of_application(ctx, application)
    changed = set_start_date(ctx, application, D(2027, 2, 1)).value
    after = states_of_application(ctx, application)
    assert sorted(changed) == sorted(before) and before != after
    restore_checks(ctx, before, after)
    assert states_of_application(ctx, application) == before
    # One of them changed meanwhile: the whole undo of the redo is refused, nothing written.
    restore_checks(ctx, after, before)
    section2 = _by_kind(ctx, application)[CheckKind.I9_SECTION2]
    advance_check(ctx, section2.id, CheckStatus.DONE, section2.version, D(2027, 2, 2))
    now = states_of_application(ctx, application)
    with pytest.raises(ValidationError):
        restore_checks(ctx, before, after)
    assert states_of_application(ctx, application) == now


def test_a_check_gone_is_said(ctx: ServiceContext) -> None:
    _, application = _hired_with_start(ctx)
    row = checks_of(ctx, application)[0]
    with pytest.raises(NotFoundError):
        restore_checks(ctx, {99_999: state_of(row)}, {99_999: state_of(row)})
