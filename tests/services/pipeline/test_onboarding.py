"""Onboarding checks: made by a move into Hired in the move's transaction, taken back by its
undo and made again by its redo; due days from the start date over business days; the
background check's steps allowed and refused; overdue ones found."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.services.core.users import ensure_user
from app.services.pipeline.board import (
    MovedCard,
    MoveRequest,
    MoveResult,
    Replay,
    load_board,
    move_applications,
)
from app.services.pipeline.holidays import HolidayRow, list_holidays, set_holidays
from app.services.pipeline.onboarding import (
    CheckRow,
    advance_check,
    checks_of,
    list_checks,
    overdue_count,
    set_owner,
    set_start_date,
)
from app.services.pipeline.placements import PlacementInput, update_placement
from app.services.pipeline.stage_terms import move_with_placement
from app.store.database import Database
from app.store.enums import CheckKind, CheckStatus
from app.store.models import AuditEntry
from app.store.placements import FeeKind, PlacementType
from tests.services.pipeline.hiring_support import Hiring, hiring
from tests.support import count_rows

START = dt.date(2027, 1, 4)  # a Monday
D = dt.date


def _request(world: Hiring, name: str, stage_name: str) -> MoveRequest:
    board = load_board(world.ctx, world.job_id)
    stage = next(s for s in board.stages if s.name == stage_name)
    card = next(c for c in board.cards if c.application_id == world.applications[name])
    return MoveRequest(card.application_id, card.version, stage.id)


def _placement(start: dt.date = START) -> PlacementInput:
    return PlacementInput(
        PlacementType.PERMANENT,
        start,
        salary_cents=10_000_000,
        fee_kind=FeeKind.PERCENT,
        fee_percent_bp=2000,
    )


def _replay(
    states: tuple[MovedCard, ...], versions: MoveResult, replay: Replay
) -> list[MoveRequest]:
    """What the board's undo and redo send: each card back exactly as ``states`` had it."""
    current = {s.application_id: s.version for s in versions.after}
    return [
        MoveRequest(
            s.application_id,
            current[s.application_id],
            s.stage_id,
            position=s.board_position,
            rejection_reason=s.rejection_reason,
            replay=replay,
            stage_entered_at=s.stage_entered_at,
        )
        for s in states
    ]


def _content(rows: list[CheckRow]) -> list[tuple[object, ...]]:
    return [(r.kind, r.status, r.start_date, r.due_on, r.owner_id) for r in rows]


def _by_kind(ctx: ServiceContext, application_id: int) -> dict[CheckKind, CheckRow]:
    return {row.kind: row for row in checks_of(ctx, application_id)}


def test_a_move_into_hired_creates_the_three_checks_in_its_transaction(
    ctx: ServiceContext, database: Database
) -> None:
    world = hiring(ctx)
    done = move_applications(ctx, [_request(world, "Ada", "Hired")])
    checks = checks_of(ctx, world.applications["Ada"])
    assert [(c.kind, c.status) for c in checks] == [
        (CheckKind.I9_SECTION1, CheckStatus.OPEN),
        (CheckKind.I9_SECTION2, CheckStatus.OPEN),
        (CheckKind.BACKGROUND, CheckStatus.REQUESTED),
    ]
    assert all(c.start_date is None and c.due_on is None for c in checks)  # no placement yet
    assert done.changes.touches(ChangeKind.ONBOARDING)
    with database.sessions() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity_type == "onboarding_check")
        ).all()
    assert actions == ["onboarding.create"] * 3
    # Another stage creates nothing.
    move_applications(ctx, [_request(world, "Brian", "Offered")])
    assert checks_of(ctx, world.applications["Brian"]) == []


def test_a_hire_with_a_placement_takes_its_start_date_and_due_days(ctx: ServiceContext) -> None:
    world = hiring(ctx)
    move_with_placement(ctx, _request(world, "Ada", "Hired"), _placement(), D(2026, 12, 1))
    checks = _by_kind(ctx, world.applications["Ada"])
    assert checks[CheckKind.I9_SECTION1].due_on == START
    assert checks[CheckKind.I9_SECTION2].due_on == D(2027, 1, 7)  # three business days after
    assert checks[CheckKind.BACKGROUND].due_on == START
    assert {c.start_date for c in checks.values()} == {START}


def test_editing_the_placements_start_moves_the_due_days_across_a_weekend(
    ctx: ServiceContext,
) -> None:
    world = hiring(ctx)
    done = move_with_placement(ctx, _request(world, "Ada", "Hired"), _placement(), D(2026, 12, 1))
    update_placement(ctx, done.value.record_id, _placement(D(2027, 1, 7)))  # a Thursday
    checks = _by_kind(ctx, world.applications["Ada"])
    assert checks[CheckKind.I9_SECTION1].due_on == D(2027, 1, 7)
    assert checks[CheckKind.I9_SECTION2].due_on == D(2027, 1, 12)  # Fri, Mon, Tue


def test_undo_of_the_move_removes_the_checks_and_redo_makes_them_again(
    ctx: ServiceContext, database: Database
) -> None:
    world = hiring(ctx)
    application = world.applications["Ada"]
    set_start_date_after = move_applications(ctx, [_request(world, "Ada", "Hired")])
    set_start_date(ctx, application, START)
    before = _content(checks_of(ctx, application))
    undone = move_applications(
        ctx, _replay(set_start_date_after.value.before, set_start_date_after.value, Replay.UNDO)
    )
    assert checks_of(ctx, application) == []
    assert count_rows(database, "onboarding_checks") == 0
    assert undone.changes.touches(ChangeKind.ONBOARDING)
    move_applications(ctx, _replay(undone.value.before, undone.value, Replay.REDO))
    again = checks_of(ctx, application)
    # Redo makes the checks a move into Hired makes; the start date set by hand is not part
    # of the move (a placement's start comes back with the placement's own redo).
    assert [(r.kind, r.status, r.owner_id) for r in again] == [
        (kind, status, owner) for kind, status, _, _, owner in before
    ]


def test_undo_and_redo_of_a_hire_with_its_placement_are_exact(ctx: ServiceContext) -> None:
    from app.services.pipeline.placements import delete_placement, record_placement

    world = hiring(ctx)
    application = world.applications["Ada"]
    done = move_with_placement(ctx, _request(world, "Ada", "Hired"), _placement(), D(2026, 12, 1))
    before = _content(checks_of(ctx, application))
    # The board's undo: the placement first, then the move.
    delete_placement(ctx, done.value.record_id, expected=_placement())
    undone = move_applications(ctx, _replay(done.value.move.before, done.value.move, Replay.UNDO))
    assert checks_of(ctx, application) == []
    move_applications(ctx, _replay(undone.value.before, undone.value, Replay.REDO))
    record_placement(ctx, application, _placement())
    assert _content(checks_of(ctx, application)) == before


def test_a_check_worked_on_stays_when_the_hire_is_undone(ctx: ServiceContext) -> None:
    world = hiring(ctx)
    application = world.applications["Ada"]
    done = move_applications(ctx, [_request(world, "Ada", "Hired")])
    section1 = _by_kind(ctx, application)[CheckKind.I9_SECTION1]
    advance_check(ctx, section1.id, CheckStatus.DONE, section1.version, today=D(2027, 1, 4))
    undone = move_applications(ctx, _replay(done.value.before, done.value, Replay.UNDO))
    kept = checks_of(ctx, application)
    assert [(r.kind, r.status) for r in kept] == [(CheckKind.I9_SECTION1, CheckStatus.DONE)]
    # Not in Hired any more: nothing of it is listed as owed.
    assert list_checks(ctx, D(2027, 2, 1)).done == ()
    move_applications(ctx, _replay(undone.value.before, undone.value, Replay.REDO))
    assert [r.kind for r in checks_of(ctx, application)] == list(CheckKind)  # none twice


def _hired_with_start(ctx: ServiceContext, start: dt.date = START) -> tuple[Hiring, int]:
    world = hiring(ctx)
    move_applications(ctx, [_request(world, "Ada", "Hired")])
    set_start_date(ctx, world.applications["Ada"], start)
    return world, world.applications["Ada"]


def _step(ctx: ServiceContext, check_id: int, to: CheckStatus, today: dt.date) -> CheckRow:
    row = next(r for r in checks_of(ctx, _application_of(ctx, check_id)) if r.id == check_id)
    return advance_check(ctx, check_id, to, row.version, today=today).value


def check_actions(database: Database, check_id: int) -> list[str]:
    """The audit trail's actions on one check, in order."""
    with database.sessions() as session:
        return list(
            session.scalars(
                select(AuditEntry.action)
                .where(
                    AuditEntry.entity_id == check_id, AuditEntry.entity_type == "onboarding_check"
                )
                .order_by(AuditEntry.id)
            )
        )


def _application_of(ctx: ServiceContext, check_id: int) -> int:
    from app.services.pipeline.onboarding import get_check

    return get_check(ctx, check_id).application_id


def test_the_background_check_goes_through_its_states(
    ctx: ServiceContext, database: Database
) -> None:
    _, application = _hired_with_start(ctx)
    check = _by_kind(ctx, application)[CheckKind.BACKGROUND]
    with pytest.raises(ValidationError, match="cannot go"):
        _step(ctx, check.id, CheckStatus.CLEAR, D(2027, 1, 4))  # not from requested
    with pytest.raises(ValidationError, match="cannot go"):
        _step(ctx, check.id, CheckStatus.DONE, D(2027, 1, 4))  # an I-9 status
    _step(ctx, check.id, CheckStatus.IN_PROGRESS, D(2027, 1, 4))
    with pytest.raises(ValidationError, match="cannot go"):
        _step(ctx, check.id, CheckStatus.PRE_ADVERSE_SENT, D(2027, 1, 4))
    _step(ctx, check.id, CheckStatus.CONSIDER, D(2027, 1, 5))
    notice = D(2027, 1, 6)  # a Wednesday
    sent = _step(ctx, check.id, CheckStatus.PRE_ADVERSE_SENT, notice)
    assert sent.notice_sent_on == notice
    assert sent.due_on == D(2027, 1, 13)  # five business days: Thu, Fri, Mon, Tue, Wed
    with pytest.raises(ValidationError, match="not before 2027-01-13"):
        _step(ctx, check.id, CheckStatus.ADVERSE_ACTION, D(2027, 1, 12))
    done = _step(ctx, check.id, CheckStatus.ADVERSE_ACTION, D(2027, 1, 13))
    assert done.done and done.completed_on == D(2027, 1, 13)
    with pytest.raises(ValidationError, match="cannot go"):
        _step(ctx, check.id, CheckStatus.CLEAR, D(2027, 1, 14))  # finished
    assert check_actions(database, check.id) == [
        "onboarding.create",
        "onboarding.start_date",
        "onboarding.in_progress",
        "onboarding.consider",
        "onboarding.pre_adverse_sent",
        "onboarding.adverse_action",
    ]


def test_the_waiting_period_counts_holidays_out(ctx: ServiceContext) -> None:
    _, application = _hired_with_start(ctx)
    check = _by_kind(ctx, application)[CheckKind.BACKGROUND]
    for to, day in (
        (CheckStatus.IN_PROGRESS, D(2027, 1, 4)),
        (CheckStatus.CONSIDER, D(2027, 1, 4)),
        (CheckStatus.PRE_ADVERSE_SENT, D(2027, 1, 6)),
    ):
        _step(ctx, check.id, to, day)
    set_holidays(ctx, [HolidayRow(D(2027, 1, 8), "Company day")])  # a Friday
    assert _by_kind(ctx, application)[CheckKind.BACKGROUND].due_on == D(2027, 1, 14)
    with pytest.raises(ValidationError):
        _step(ctx, check.id, CheckStatus.ADVERSE_ACTION, D(2027, 1, 13))
    assert _step(ctx, check.id, CheckStatus.ADVERSE_ACTION, D(2027, 1, 14)).done


@pytest.mark.parametrize(
    "path",
    [
        (CheckStatus.IN_PROGRESS,),
        (CheckStatus.IN_PROGRESS, CheckStatus.CONSIDER),
        (CheckStatus.IN_PROGRESS, CheckStatus.CONSIDER, CheckStatus.PRE_ADVERSE_SENT),
    ],
)
def test_clear_from_in_progress_or_consider_or_after_the_notice(
    ctx: ServiceContext, path: tuple[CheckStatus, ...]
) -> None:
    _, application = _hired_with_start(ctx)
    check = _by_kind(ctx, application)[CheckKind.BACKGROUND]
    for to in path:
        _step(ctx, check.id, to, D(2027, 1, 4))
    assert _step(ctx, check.id, CheckStatus.CLEAR, D(2027, 1, 5)).status is CheckStatus.CLEAR


def test_an_i9_section_is_done_once(ctx: ServiceContext) -> None:
    _, application = _hired_with_start(ctx)
    section2 = _by_kind(ctx, application)[CheckKind.I9_SECTION2]
    with pytest.raises(ValidationError):
        _step(ctx, section2.id, CheckStatus.IN_PROGRESS, D(2027, 1, 4))
    done = _step(ctx, section2.id, CheckStatus.DONE, D(2027, 1, 5))
    assert done.done and done.completed_on == D(2027, 1, 5)
    with pytest.raises(ValidationError):
        _step(ctx, section2.id, CheckStatus.DONE, D(2027, 1, 6))


def test_a_stale_version_is_refused(ctx: ServiceContext) -> None:
    _, application = _hired_with_start(ctx)
    section1 = _by_kind(ctx, application)[CheckKind.I9_SECTION1]
    set_owner(ctx, section1.id, ctx.actor.user_id, section1.version)
    with pytest.raises(ValidationError, match="changed this check"):
        advance_check(ctx, section1.id, CheckStatus.DONE, section1.version, D(2027, 1, 4))


def test_owner_is_assigned_and_named(ctx: ServiceContext, database: Database) -> None:
    _, application = _hired_with_start(ctx)
    other = ensure_user(database.sessions, "compliance")
    section1 = _by_kind(ctx, application)[CheckKind.I9_SECTION1]
    row = set_owner(ctx, section1.id, other.user_id).value
    assert row.owner_id == other.user_id and row.owner_name
    with pytest.raises(ValidationError):
        set_owner(ctx, section1.id, 99_999)


def test_overdue_due_soon_open_and_done(ctx: ServiceContext) -> None:
    _, application = _hired_with_start(ctx, D(2027, 1, 4))
    today = D(2027, 1, 6)  # Section 1 and the background check were due on the 4th
    groups = list_checks(ctx, today)
    assert {r.kind for r in groups.overdue} == {CheckKind.I9_SECTION1, CheckKind.BACKGROUND}
    assert [r.kind for r in groups.due_soon] == [CheckKind.I9_SECTION2]  # due the 7th
    assert overdue_count(ctx, today) == 2
    assert overdue_count(ctx, D(2027, 1, 4)) == 0  # due today is not overdue
    section1 = _by_kind(ctx, application)[CheckKind.I9_SECTION1]
    _step(ctx, section1.id, CheckStatus.DONE, today)
    groups = list_checks(ctx, today)
    assert [r.kind for r in groups.done] == [CheckKind.I9_SECTION1]
    assert overdue_count(ctx, today) == 1
    later = list_checks(ctx, D(2026, 12, 1))  # well before the start
    assert {r.kind for r in later.open} == {CheckKind.I9_SECTION2, CheckKind.BACKGROUND}


def test_checks_without_a_start_date_are_open_never_overdue(ctx: ServiceContext) -> None:
    world = hiring(ctx)
    move_applications(ctx, [_request(world, "Ada", "Hired")])
    groups = list_checks(ctx, D(2030, 1, 1))
    assert len(groups.open) == 3 and groups.overdue == () and groups.due_soon == ()


def test_holidays_are_stored_once_each_and_move_open_due_days(ctx: ServiceContext) -> None:
    _, application = _hired_with_start(ctx, D(2027, 1, 4))
    done = set_holidays(
        ctx, [HolidayRow(D(2027, 1, 5), " Founders' day "), HolidayRow(D(2026, 12, 25), "")]
    )
    assert done.changes.touches(ChangeKind.HOLIDAYS, ChangeKind.ONBOARDING)
    assert list_holidays(ctx) == [
        HolidayRow(D(2026, 12, 25), "2026-12-25"),
        HolidayRow(D(2027, 1, 5), "Founders' day"),
    ]
    assert _by_kind(ctx, application)[CheckKind.I9_SECTION2].due_on == D(2027, 1, 8)
    assert not set_holidays(ctx, list_holidays(ctx)).changes.kinds  # unchanged: no write
    with pytest.raises(ValidationError):
        set_holidays(ctx, [HolidayRow(D(2027, 1, 5), "a"), HolidayRow(D(2027, 1, 5), "b")])
    set_holidays(ctx, [])
    assert _by_kind(ctx, application)[CheckKind.I9_SECTION2].due_on == D(2027, 1, 7)


@pytest.mark.parametrize("both_hired", [True, False])
def test_a_merge_takes_the_checks_along_and_its_undo_puts_them_back(
    ctx: ServiceContext, database: Database, both_hired: bool
) -> None:
    from app.services.candidates.duplicates import merge_candidates
    from app.services.candidates.merge_undo import redo_step, undo_step
    from tests.support import sqlite_rows

    world = hiring(ctx, openings=2)
    move_applications(ctx, [_request(world, "Brian", "Hired")])
    set_start_date(ctx, world.applications["Brian"], START)
    if both_hired:
        move_applications(ctx, [_request(world, "Ada", "Hired")])
        worked = _by_kind(ctx, world.applications["Ada"])[CheckKind.BACKGROUND]
        set_owner(ctx, worked.id, ctx.actor.user_id)

    def dump() -> list[tuple[object, ...]]:
        return sqlite_rows(database.path, "SELECT * FROM onboarding_checks ORDER BY id")

    before = dump()
    merged = merge_candidates(ctx, world.candidates["Ada"], world.candidates["Brian"], {}).value
    kept = {
        row[0]
        for row in sqlite_rows(
            database.path, "SELECT DISTINCT application_id FROM onboarding_checks"
        )
    }
    assert len(kept) == 1  # one application left for the job, with one check of each kind
    assert [r.kind for r in checks_of(ctx, kept.pop())] == list(CheckKind)
    after = dump()
    undo_step(ctx, merged.audit_id)
    assert dump() == before
    redo_step(ctx, merged.audit_id)
    assert dump() == after
