"""Moving applications: history, audit, reasons, order within a column, lost-update refusal."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.services.context import ServiceContext
from app.services.pipeline import (
    MoveRequest,
    VersionConflictError,
    load_board,
    load_pipeline,
    move_applications,
    skills_for_board,
    stage_history,
)
from app.services.unit_of_work import ValidationError
from app.store.database import Database
from app.store.models import (
    Activity,
    ActivityKind,
    Application,
    AuditEntry,
    Job,
    StageChange,
    StageKind,
)


def _busiest_job(ctx: ServiceContext) -> int:
    with ctx.read() as session:
        return session.scalar(
            select(Application.job_id).group_by(Application.job_id).order_by(func.count().desc())
        )


def _stage(board, kind: StageKind, name: str | None = None):
    return next(s for s in board.stages if s.kind is kind and (name is None or s.name == name))


def _count(ctx: ServiceContext, model) -> int:
    with ctx.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_board_has_every_application_in_stage_order(demo_ctx: ServiceContext) -> None:
    job_id = _busiest_job(demo_ctx)
    board = load_board(demo_ctx, job_id)
    with demo_ctx.read() as session:
        expected = set(session.scalars(select(Application.id).where(Application.job_id == job_id)))
    assert {card.application_id for card in board.cards} == expected
    assert [s.position for s in board.stages] == sorted(s.position for s in board.stages)
    assert all(card.job_id == job_id for card in board.cards)
    assert any(card.tags for card in board.cards)
    skills = skills_for_board(demo_ctx, board)
    assert skills and set(skills) <= {card.candidate_id for card in board.cards}


def test_move_writes_stage_change_activity_and_audit(demo_ctx: ServiceContext) -> None:
    board = load_board(demo_ctx, _busiest_job(demo_ctx))
    applied = _stage(board, StageKind.ACTIVE, "Applied")
    screened = _stage(board, StageKind.ACTIVE, "Screened")
    card = next(c for c in board.cards if c.stage_id == applied.id)
    before = (
        _count(demo_ctx, StageChange),
        _count(demo_ctx, Activity),
        _count(demo_ctx, AuditEntry),
    )
    done = move_applications(
        demo_ctx, [MoveRequest(card.application_id, card.version, screened.id)]
    )
    after = done.value.after[0]
    assert (after.stage_id, after.version) == (screened.id, card.version + 1)
    assert done.value.before[0].stage_id == applied.id
    assert (
        _count(demo_ctx, StageChange),
        _count(demo_ctx, Activity),
        _count(demo_ctx, AuditEntry),
    ) == (before[0] + 1, before[1] + 1, before[2] + 1)
    assert stage_history(demo_ctx, card.application_id)[-1] == (applied.id, screened.id)
    with demo_ctx.read() as session:
        activity = session.scalars(select(Activity).order_by(Activity.id.desc())).first()
        audit = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (
        activity.kind is ActivityKind.STAGE_CHANGE
        and activity.application_id == card.application_id
    )
    assert "Screened" in activity.subject
    assert (audit.action, audit.entity_id) == ("application.move", card.application_id)
    assert audit.before["stage_id"] == applied.id and audit.after["stage_id"] == screened.id
    assert done.changes.ids["applications"] == frozenset({card.application_id})


def test_rejection_needs_a_reason_and_nothing_is_written_without_one(
    demo_ctx: ServiceContext,
) -> None:
    board = load_board(demo_ctx, _busiest_job(demo_ctx))
    rejected = _stage(board, StageKind.REJECTED)
    card = next(c for c in board.cards if c.stage_id != rejected.id)
    history = _count(demo_ctx, StageChange)
    with pytest.raises(ValidationError) as error:
        move_applications(demo_ctx, [MoveRequest(card.application_id, card.version, rejected.id)])
    assert "rejection_reason" in error.value.errors
    assert _count(demo_ctx, StageChange) == history
    done = move_applications(
        demo_ctx,
        [MoveRequest(card.application_id, card.version, rejected.id, rejection_reason="Salary")],
    )
    assert done.value.after[0].rejection_reason == "Salary"
    with demo_ctx.read() as session:
        change = session.scalars(select(StageChange).order_by(StageChange.id.desc())).first()
    assert change.reason == "Salary"
    # Moving back out of Rejected clears the reason.
    applied = _stage(board, StageKind.ACTIVE, "Applied")
    back = move_applications(
        demo_ctx, [MoveRequest(card.application_id, done.value.after[0].version, applied.id)]
    )
    assert back.value.after[0].rejection_reason is None


def test_stale_version_is_refused_and_nothing_changes(
    demo_ctx: ServiceContext, demo_database: Database
) -> None:
    board = load_board(demo_ctx, _busiest_job(demo_ctx))
    screened = _stage(board, StageKind.ACTIVE, "Screened")
    interviewed = _stage(board, StageKind.ACTIVE, "Interviewed")
    first, second = [c for c in board.cards if c.stage_id not in (screened.id,)][:2]
    # Someone else (another session: another window or process) moves the first card.
    move_applications(demo_ctx, [MoveRequest(first.application_id, first.version, screened.id)])
    history = _count(demo_ctx, StageChange)
    with pytest.raises(VersionConflictError) as error:
        move_applications(
            demo_ctx,
            [
                MoveRequest(second.application_id, second.version, interviewed.id),
                MoveRequest(first.application_id, first.version, interviewed.id),  # stale
            ],
        )
    assert first.application_id in error.value.application_ids
    assert "changed since the board was loaded" in str(error.value)
    assert _count(demo_ctx, StageChange) == history  # all or nothing: the second did not move
    with demo_ctx.read() as session:
        assert session.get(Application, second.application_id).stage_id == second.stage_id


def test_reorder_within_a_column_places_the_card_before_another(demo_ctx: ServiceContext) -> None:
    board = load_board(demo_ctx, _busiest_job(demo_ctx))
    applied = _stage(board, StageKind.ACTIVE, "Applied")
    column = sorted(
        (c for c in board.cards if c.stage_id == applied.id),
        key=lambda c: (c.board_position, c.application_id),
    )
    assert len(column) >= 3
    last, first = column[-1], column[0]
    history = _count(demo_ctx, StageChange)
    done = move_applications(
        demo_ctx,
        [
            MoveRequest(
                last.application_id,
                last.version,
                applied.id,
                before_application_id=first.application_id,
            )
        ],
    )
    reloaded = load_board(demo_ctx, board.job_id)
    order = [
        c.application_id
        for c in sorted(
            (c for c in reloaded.cards if c.stage_id == applied.id),
            key=lambda c: (c.board_position, c.application_id),
        )
    ]
    assert order[:2] == [last.application_id, first.application_id]
    assert _count(demo_ctx, StageChange) == history  # a reorder is not a stage change
    with demo_ctx.read() as session:
        audit = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert audit.action == "application.reorder"
    assert done.value.after[0].stage_id == applied.id


def test_many_insertions_at_one_spot_keep_a_strict_order(demo_ctx: ServiceContext) -> None:
    board = load_board(demo_ctx, _busiest_job(demo_ctx))
    applied = _stage(board, StageKind.ACTIVE, "Applied")
    column = sorted(
        (c for c in board.cards if c.stage_id == applied.id),
        key=lambda c: (c.board_position, c.application_id),
    )
    anchor, mover = column[1], column[-1]
    version = mover.version
    for _ in range(60):  # bisecting the same gap 60 times forces a renumbering
        done = move_applications(
            demo_ctx,
            [
                MoveRequest(
                    mover.application_id,
                    version,
                    applied.id,
                    before_application_id=anchor.application_id,
                )
            ],
        )
        version = done.value.after[0].version
        other = load_board(demo_ctx, board.job_id)
        order = [
            c.application_id
            for c in sorted(
                (c for c in other.cards if c.stage_id == applied.id),
                key=lambda c: (c.board_position, c.application_id),
            )
        ]
        assert order.index(mover.application_id) + 1 == order.index(anchor.application_id)
        positions = [c.board_position for c in other.cards if c.stage_id == applied.id]
        assert len(set(positions)) == len(positions)
        mover = next(c for c in other.cards if c.application_id == mover.application_id)
        (anchor,) = [c for c in other.cards if c.application_id == anchor.application_id]
        # move the anchor up one so the mover must go between it and its new predecessor
        version = mover.version


def test_stage_of_another_job_is_refused(demo_ctx: ServiceContext) -> None:
    with demo_ctx.read() as session:
        job_ids = list(session.scalars(select(Job.id).order_by(Job.id).limit(2)))
    one, two = (load_board(demo_ctx, job_id) for job_id in job_ids)
    card = one.cards[0]
    with pytest.raises(ValidationError):
        move_applications(
            demo_ctx, [MoveRequest(card.application_id, card.version, two.stages[1].id)]
        )


def test_combined_pipeline_covers_open_jobs_and_maps_stage_names(demo_ctx: ServiceContext) -> None:
    board = load_pipeline(demo_ctx)
    with demo_ctx.read() as session:
        open_apps = session.scalar(
            select(func.count()).select_from(Application).join(Job).where(Job.status == "open")
        )
    assert len(board.cards) == open_apps
    names = [stage.name for stage in board.stages]
    assert names[:3] == ["Applied", "Screened", "Interviewed"]
    mapping = board.stage_by_job_and_name
    card = board.cards[0]
    assert mapping[(card.job_id, "Applied")] != mapping.get((card.job_id, "Hired"))
    owner_board = load_pipeline(demo_ctx, owner_id=1)
    assert 0 < len(owner_board.cards) < len(board.cards)
