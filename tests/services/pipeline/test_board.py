"""Moving applications: history, audit, reasons, order within a column, lost-update refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.services.pipeline.board import (
    MAX_REJECTION_REASON,
    UNDO_PREFIX,
    MoveRequest,
    Replay,
    VersionConflictError,
    load_board,
    load_pipeline,
    move_applications,
    skills_for_board,
)
from app.services.pipeline.stages import set_stage_sla
from app.store.database import Database
from app.store.models import (
    Activity,
    ActivityKind,
    Application,
    AuditEntry,
    Job,
    Stage,
    StageChange,
    StageKind,
)


def stage_history(ctx: ServiceContext, application_id: int) -> list[tuple[int | None, int]]:
    """(from, to) stage ids of every recorded move of an application, oldest first."""
    with ctx.read() as session:
        rows = session.execute(
            select(StageChange.from_stage_id, StageChange.to_stage_id)
            .where(StageChange.application_id == application_id)
            .order_by(StageChange.id)
        )
        return [(row[0], row[1]) for row in rows]


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
    assert done.changes.ids[ChangeKind.APPLICATIONS] == frozenset({card.application_id})


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


def test_combined_board_judges_each_card_by_its_own_stage_sla(demo_ctx: ServiceContext) -> None:
    board = load_pipeline(demo_ctx)
    job_ids = sorted({card.job_id for card in board.cards})
    assert len(job_ids) > 1
    # Give one job's Applied stage a different SLA from the other jobs' Applied stages.
    relaxed = board.stage_by_job_and_name[(job_ids[-1], "Applied")]
    set_stage_sla(demo_ctx, relaxed, 90)
    board = load_pipeline(demo_ctx)
    with demo_ctx.read() as session:
        sla = dict(session.execute(select(Stage.id, Stage.sla_days)).all())
    assert {board.sla_days(card) for card in board.cards} >= {3, 90}
    for card in board.cards:
        assert board.sla_days(card) == sla[card.stage_id]
    now = dt.datetime.now(dt.UTC)
    late = [c for c in board.cards if c.is_overdue(board.sla_days(c), now)]
    assert len({c.job_id for c in late}) > 1  # not only one job's cards


def _late_card(ctx: ServiceContext):
    """A card long past its active stage's SLA, and the next stage of its job."""
    board = load_board(ctx, _busiest_job(ctx))
    now = dt.datetime.now(dt.UTC)
    active = [s for s in board.stages if s.kind is StageKind.ACTIVE]
    card = next(
        c
        for c in board.cards
        if c.stage_id in {s.id for s in active[:-1]} and c.is_overdue(board.sla_days(c), now)
    )
    following = active[[s.id for s in active].index(card.stage_id) + 1]
    return board, card, following


def _last_change(ctx: ServiceContext, application_id: int) -> StageChange:
    with ctx.read() as session:
        return session.scalars(
            select(StageChange)
            .where(StageChange.application_id == application_id)
            .order_by(StageChange.id.desc())
        ).first()


def test_undo_and_redo_put_back_the_time_in_stage_and_say_so(demo_ctx: ServiceContext) -> None:
    board, card, following = _late_card(demo_ctx)
    origin = next(s for s in board.stages if s.id == card.stage_id)
    moved = move_applications(
        demo_ctx, [MoveRequest(card.application_id, card.version, following.id)]
    ).value
    before, after = moved.before[0], moved.after[0]
    assert before.stage_entered_at == card.stage_entered_at
    assert after.stage_entered_at > card.stage_entered_at  # a real move starts the clock
    undone = move_applications(
        demo_ctx,
        [
            MoveRequest(
                card.application_id,
                after.version,
                before.stage_id,
                position=before.board_position,
                replay=Replay.UNDO,
                stage_entered_at=before.stage_entered_at,
            )
        ],
    ).value.after[0]
    assert undone.stage_entered_at == card.stage_entered_at
    reloaded = load_board(demo_ctx, board.job_id)
    [again] = [c for c in reloaded.cards if c.application_id == card.application_id]
    now = dt.datetime.now(dt.UTC)
    assert again.stage_entered_at == card.stage_entered_at
    assert again.days_in_stage(now) == card.days_in_stage(now)
    assert again.is_overdue(reloaded.sla_days(again), now)  # still flagged
    change = _last_change(demo_ctx, card.application_id)
    assert (change.from_stage_id, change.to_stage_id) == (following.id, origin.id)
    assert change.reason == f"Undo of move from {origin.name} to {following.name}"
    assert change.reason.startswith(UNDO_PREFIX)
    with demo_ctx.read() as session:
        audit = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        activity = session.scalars(select(Activity).order_by(Activity.id.desc())).first()
    assert audit.action == "application.move.undo"
    assert audit.after["stage_entered_at"] == card.stage_entered_at.isoformat()
    assert activity.subject == change.reason
    redone = move_applications(
        demo_ctx,
        [
            MoveRequest(
                card.application_id,
                undone.version,
                after.stage_id,
                position=after.board_position,
                replay=Replay.REDO,
                stage_entered_at=after.stage_entered_at,
            )
        ],
    ).value.after[0]
    assert redone.stage_entered_at == after.stage_entered_at
    assert _last_change(demo_ctx, card.application_id).reason == (
        f"Redo of move from {origin.name} to {following.name}"
    )
    assert stage_history(demo_ctx, card.application_id)[-3:] == [
        (origin.id, following.id),
        (following.id, origin.id),
        (origin.id, following.id),
    ]


# ---- rejection reasons: cleaned and capped (issue #10) -------------------------------------
HOSTILE_REASON = "Salary\x00 too\x1b[31m high\r\nfor\u202e us\t\x85"


def _open_card(ctx: ServiceContext):
    board = load_board(ctx, _busiest_job(ctx))
    rejected = _stage(board, StageKind.REJECTED)
    active = {s.id for s in board.stages if s.kind is StageKind.ACTIVE}
    card = next(c for c in board.cards if c.stage_id in active)
    return board, card, rejected


def _stored(ctx: ServiceContext, application_id: int) -> tuple[str | None, str | None, str]:
    """The reason on the application, on its last stage change, and the timeline's subject."""
    with ctx.read() as session:
        application = session.get(Application, application_id)
        change = session.scalars(
            select(StageChange)
            .where(StageChange.application_id == application_id)
            .order_by(StageChange.id.desc())
        ).first()
        activity = session.scalars(
            select(Activity)
            .where(Activity.application_id == application_id)
            .order_by(Activity.id.desc())
        ).first()
        return application.rejection_reason, change.reason, activity.subject


def test_rejection_reason_is_stored_as_one_clean_line(demo_ctx: ServiceContext) -> None:
    board, card, rejected = _open_card(demo_ctx)
    done = move_applications(
        demo_ctx,
        [MoveRequest(card.application_id, card.version, rejected.id, None, None, HOSTILE_REASON)],
    )
    expected = "Salary too[31m high for us"
    assert done.value.after[0].rejection_reason == expected
    reason, change_reason, subject = _stored(demo_ctx, card.application_id)
    assert (reason, change_reason) == (expected, expected)
    origin = next(s.name for s in board.stages if s.id == card.stage_id)
    assert subject == f"Rejected ({expected}) after {origin}"
    # The card shows what was stored.
    [again] = [
        c
        for c in load_board(demo_ctx, board.job_id).cards
        if c.application_id == card.application_id
    ]
    assert again.rejection_reason == expected


def test_a_reason_of_control_characters_only_is_no_reason(demo_ctx: ServiceContext) -> None:
    _, card, rejected = _open_card(demo_ctx)
    history = _count(demo_ctx, StageChange)
    with pytest.raises(ValidationError) as error:
        move_applications(
            demo_ctx,
            [
                MoveRequest(
                    card.application_id,
                    card.version,
                    rejected.id,
                    rejection_reason="\x00\x1b\u202e \r\n",
                )
            ],
        )
    assert error.value.errors == {"rejection_reason": "Choose why the candidate is rejected."}
    assert _count(demo_ctx, StageChange) == history


def test_an_over_long_reason_is_refused_and_nothing_moves(demo_ctx: ServiceContext) -> None:
    board, card, rejected = _open_card(demo_ctx)
    active = {s.id for s in board.stages if s.kind is StageKind.ACTIVE}
    other = next(
        c for c in board.cards if c.stage_id in active and c.application_id != card.application_id
    )
    history, audits = _count(demo_ctx, StageChange), _count(demo_ctx, AuditEntry)
    fine = MoveRequest(other.application_id, other.version, rejected.id, rejection_reason="Salary")
    too_long = MoveRequest(
        card.application_id, card.version, rejected.id, rejection_reason="x" * 201
    )
    with pytest.raises(ValidationError) as error:
        move_applications(demo_ctx, [fine, too_long])
    assert error.value.errors == {"rejection_reason": "At most 200 characters."}
    assert (_count(demo_ctx, StageChange), _count(demo_ctx, AuditEntry)) == (history, audits)
    with demo_ctx.read() as session:
        stages = dict(
            session.execute(
                select(Application.id, Application.stage_id).where(
                    Application.id.in_([card.application_id, other.application_id])
                )
            ).all()
        )
    assert stages == {card.application_id: card.stage_id, other.application_id: other.stage_id}


def test_the_cap_counts_what_is_stored_not_the_control_characters(
    demo_ctx: ServiceContext,
) -> None:
    _, card, rejected = _open_card(demo_ctx)
    reason = "\u202e" + "y" * 100 + "\x00\x1b\r\n" + "z" * 99  # 200 once cleaned
    move_applications(
        demo_ctx,
        [MoveRequest(card.application_id, card.version, rejected.id, rejection_reason=reason)],
    )
    stored, change_reason, _ = _stored(demo_ctx, card.application_id)
    assert stored == change_reason == "y" * 100 + " " + "z" * 99
    assert len(stored) == MAX_REJECTION_REASON


def test_a_reason_given_when_withdrawing_is_checked_but_not_kept(demo_ctx: ServiceContext) -> None:
    board, card, _ = _open_card(demo_ctx)
    withdrawn = _stage(board, StageKind.WITHDRAWN)
    with pytest.raises(ValidationError) as error:
        move_applications(
            demo_ctx,
            [
                MoveRequest(
                    card.application_id, card.version, withdrawn.id, rejection_reason="w" * 201
                )
            ],
        )
    assert error.value.errors == {"rejection_reason": "At most 200 characters."}
    move_applications(
        demo_ctx,
        [
            MoveRequest(
                card.application_id, card.version, withdrawn.id, rejection_reason="Moved\x00 away"
            )
        ],
    )
    reason, change_reason, subject = _stored(demo_ctx, card.application_id)
    assert (reason, change_reason) == (None, None)
    assert subject.startswith("Withdrew at ")


def test_the_timeline_line_fits_its_column_even_with_a_long_legacy_stage_name(
    demo_ctx: ServiceContext,
) -> None:
    _, card, rejected = _open_card(demo_ctx)
    legacy = "Old\x1b[2J stage " + "name " * 60  # written before stage names were capped
    with demo_ctx.write() as tx:
        tx.session.get(Stage, card.stage_id).name = legacy
    move_applications(
        demo_ctx,
        [MoveRequest(card.application_id, card.version, rejected.id, rejection_reason="r" * 200)],
    )
    _, _, subject = _stored(demo_ctx, card.application_id)
    assert len(subject) <= 300 and subject.endswith("…")
    assert subject.startswith("Rejected (" + "r" * 200 + ") after Old[2J stage name")
    assert "\x1b" not in subject


def test_reason_cap_is_the_columns_size() -> None:
    for column in (Application.__table__.c.rejection_reason, StageChange.__table__.c.reason):
        assert column.type.length == MAX_REJECTION_REASON
