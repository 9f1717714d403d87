"""The kanban board: drag and drop (mime data and real drop events), undo/redo, reasons,
conflicts with another session, filtering, keyboard moves and file drops."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QUndoStack
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from app.services.core.context import ServiceContext
from app.services.pipeline.board import Card, MoveRequest, load_board, move_applications
from app.store.models import Application, Stage, StageChange, StageKind
from app.ui.board.model import CARD_MIME, SLA_ROLE, StageDrop
from app.ui.board.view import BoardWidget, card_ids
from app.ui.theme import LIGHT


def busiest_job(ctx: ServiceContext) -> int:
    with ctx.read() as session:
        return session.scalar(
            select(Application.job_id).group_by(Application.job_id).order_by(func.count().desc())
        )


class Reasons:
    """Stands in for the reason dialog: answers what the test says."""

    def __init__(self) -> None:
        self.answer: str | None = "Skills mismatch"
        self.asked: list[Sequence[Card]] = []

    def __call__(self, cards: Sequence[Card]) -> str | None:
        self.asked.append(cards)
        return self.answer


@pytest.fixture
def reasons() -> Reasons:
    return Reasons()


@pytest.fixture
def board(qtbot, demo_ctx: ServiceContext, reasons: Reasons) -> BoardWidget:
    job_id = busiest_job(demo_ctx)
    widget = BoardWidget(
        demo_ctx, LIGHT, QUndoStack(), lambda: load_board(demo_ctx, job_id), reasons
    )
    qtbot.addWidget(widget)
    widget.reload()
    widget.resize(1800, 900)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def stage_key(board: BoardWidget, name: str) -> str:
    return next(board.state.key_of(s) for s in board.state.columns if s.name == name)


def db_stage(ctx: ServiceContext, application_id: int) -> int:
    with ctx.read() as session:
        return session.get(Application, application_id).stage_id


def test_columns_follow_stages_with_counts(board: BoardWidget, demo_ctx: ServiceContext) -> None:
    with demo_ctx.read() as session:
        stages = session.scalars(
            select(Stage).where(Stage.job_id == board.state.board.job_id).order_by(Stage.position)
        ).all()
        counts = dict(
            session.execute(
                select(Application.stage_id, func.count())
                .where(Application.job_id == board.state.board.job_id)
                .group_by(Application.stage_id)
            ).all()
        )
    assert [c.model.key for c in board.columns] == [str(s.id) for s in stages]
    for column, stage in zip(board.columns, stages, strict=True):
        assert column.model.rowCount() == counts.get(stage.id, 0)
        assert column.header.text().startswith(f"{stage.name}   {counts.get(stage.id, 0)}")


def test_drop_through_mime_data_moves_and_undo_redo(
    board: BoardWidget, demo_ctx: ServiceContext
) -> None:
    applied, screened = (
        board.column(stage_key(board, "Applied")),
        board.column(stage_key(board, "Screened")),
    )
    moving = applied.model.visible[0]
    mime = applied.model.mimeData([applied.model.index(0)])
    assert mime.hasFormat(CARD_MIME)
    screened.model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, screened.model.index(-1))
    assert moving in screened.model.visible and moving not in applied.model.visible
    assert screened.model.visible[0] == moving  # dropped at the top
    assert db_stage(demo_ctx, moving) == int(screened.model.key)
    stack = board.undo_stack
    assert stack.count() == 1 and stack.undoText().startswith("Move ")
    stack.undo()
    assert moving in applied.model.visible and moving not in screened.model.visible
    assert db_stage(demo_ctx, moving) == int(applied.model.key)
    stack.redo()
    assert db_stage(demo_ctx, moving) == int(screened.model.key)
    with demo_ctx.read() as session:
        history = session.execute(
            select(StageChange.from_stage_id, StageChange.to_stage_id)
            .where(StageChange.application_id == moving)
            .order_by(StageChange.id)
        ).all()
    a, s = int(applied.model.key), int(screened.model.key)
    assert [tuple(row) for row in history[-3:]] == [(a, s), (s, a), (a, s)]


def _drop_event(qtbot, view, mime: QMimeData, row: int) -> None:
    """Send a real drag-enter, drag-move and drop to a list view's viewport."""
    model = view.model()
    if row < model.rowCount():
        rect = view.visualRect(model.index(row))
        point = QPointF(view.viewport().width() / 2, rect.top() + 2)
    else:
        point = QPointF(view.viewport().rect().center().x(), view.viewport().rect().bottom() - 2)
    actions = Qt.DropAction.MoveAction | Qt.DropAction.CopyAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    viewport = view.viewport()
    enter = QDragEnterEvent(point.toPoint(), actions, mime, buttons, modifiers)
    QApplication.sendEvent(viewport, enter)
    move = QDragMoveEvent(point.toPoint(), actions, mime, buttons, modifiers)
    QApplication.sendEvent(viewport, move)
    drop = QDropEvent(point, actions, mime, buttons, modifiers)
    QApplication.sendEvent(viewport, drop)
    qtbot.wait(10)


def test_real_drop_event_between_columns(
    qtbot,
    board: BoardWidget,
    demo_ctx: ServiceContext,
) -> None:
    applied = board.column(stage_key(board, "Applied"))
    interviewed = board.column(stage_key(board, "Interviewed"))
    moving = applied.model.visible[1]
    mime = applied.model.mimeData([applied.model.index(1)])
    _drop_event(qtbot, interviewed.view, mime, 1)
    assert db_stage(demo_ctx, moving) == int(interviewed.model.key)
    assert interviewed.model.visible[1] == moving  # dropped where the pointer was
    assert moving not in applied.model.visible


def test_real_drop_within_a_column_reorders(
    qtbot,
    board: BoardWidget,
    demo_ctx: ServiceContext,
) -> None:
    applied = board.column(stage_key(board, "Applied"))
    last = applied.model.visible[-1]
    mime = applied.model.mimeData([applied.model.index(applied.model.rowCount() - 1)])
    _drop_event(qtbot, applied.view, mime, 0)
    assert applied.model.visible[0] == last
    reloaded = load_board(demo_ctx, board.state.board.job_id)
    column = sorted(
        (c for c in reloaded.cards if c.stage_id == int(applied.model.key)),
        key=lambda c: (c.board_position, c.application_id),
    )
    assert column[0].application_id == last  # the order persists


def test_multi_select_move(board: BoardWidget, demo_ctx: ServiceContext) -> None:
    applied = board.column(stage_key(board, "Applied"))
    offered = board.column(stage_key(board, "Offered"))
    ids = applied.model.visible[:3]
    board.move_cards(ids, offered.model.key)
    assert all(db_stage(demo_ctx, i) == int(offered.model.key) for i in ids)
    assert offered.model.visible[-3:] == ids
    board.undo_stack.undo()
    assert all(db_stage(demo_ctx, i) == int(applied.model.key) for i in ids)


def test_rejection_asks_for_a_reason_and_cancel_moves_nothing(
    board: BoardWidget, reasons: Reasons, demo_ctx: ServiceContext
) -> None:
    applied = board.column(stage_key(board, "Applied"))
    rejected_key = next(
        board.state.key_of(s) for s in board.state.columns if s.kind is StageKind.REJECTED
    )
    card = applied.model.visible[0]
    reasons.answer = None  # the recruiter cancels the reason dialog
    assert board.move_cards([card], rejected_key) is False
    assert db_stage(demo_ctx, card) == int(applied.model.key)
    reasons.answer = "Salary expectations"
    assert board.move_cards([card], rejected_key) is True
    assert db_stage(demo_ctx, card) == int(rejected_key)
    assert board.state.cards[card].rejection_reason == "Salary expectations"
    assert len(reasons.asked) == 2
    board.undo_stack.undo()
    with demo_ctx.read() as session:
        application = session.get(Application, card)
    assert application.stage_id == int(applied.model.key) and application.rejection_reason is None


def test_conflict_with_another_session_is_refused_and_reloads(
    board: BoardWidget, demo_ctx: ServiceContext
) -> None:
    applied = board.column(stage_key(board, "Applied"))
    hired_key = stage_key(board, "Hired")
    offered_key = stage_key(board, "Offered")
    card = board.state.cards[applied.model.visible[0]]
    # Another process moves it first (a separate session through the same service).
    move_applications(demo_ctx, [MoveRequest(card.application_id, card.version, int(hired_key))])
    history = demo_history(demo_ctx, card.application_id)
    assert board.move_cards([card.application_id], offered_key) is False
    assert "changed since the board was loaded" in board.banner.text()
    assert not board.banner.isHidden()
    assert card.application_id in board.column(hired_key).model.visible  # reloaded
    assert db_stage(demo_ctx, card.application_id) == int(hired_key)  # not overwritten
    assert demo_history(demo_ctx, card.application_id) == history
    assert board.undo_stack.count() == 0


def demo_history(ctx: ServiceContext, application_id: int) -> list[tuple[int | None, int]]:
    with ctx.read() as session:
        return [
            tuple(r)
            for r in session.execute(
                select(StageChange.from_stage_id, StageChange.to_stage_id)
                .where(StageChange.application_id == application_id)
                .order_by(StageChange.id)
            )
        ]


def test_undo_refused_after_someone_else_moved_the_card(
    board: BoardWidget, demo_ctx: ServiceContext
) -> None:
    applied = board.column(stage_key(board, "Applied"))
    screened_key, hired_key = stage_key(board, "Screened"), stage_key(board, "Hired")
    card_id = applied.model.visible[0]
    board.move_cards([card_id], screened_key)
    fresh = next(
        c
        for c in load_board(demo_ctx, board.state.board.job_id).cards
        if c.application_id == card_id
    )
    move_applications(demo_ctx, [MoveRequest(card_id, fresh.version, int(hired_key))])
    board.undo_stack.undo()
    assert db_stage(demo_ctx, card_id) == int(hired_key)  # the other move stands
    assert "Could not undo" in board.banner.text()
    assert board.undo_stack.count() == 0  # the obsolete command is dropped
    assert card_id in board.column(hired_key).model.visible


def test_filter_by_name_tag_and_skill(board: BoardWidget, demo_ctx: ServiceContext) -> None:
    from app.services.candidates.records import candidate_profile

    cards = list(board.state.cards.values())
    assert board.state.skills is None  # not loaded until the filter is used
    skilled = next(c for c in cards if candidate_profile(demo_ctx, c.candidate_id).skills)
    skill = candidate_profile(demo_ctx, skilled.candidate_id).skills[0]
    board.filter.setText(skill.lower())
    shown = {i for ids in card_ids(board).values() for i in ids}
    assert skilled.application_id in shown
    expected = {
        c.application_id
        for c in cards
        if skill in candidate_profile(demo_ctx, c.candidate_id).skills
        or skill.lower() in c.name.lower()
        or any(skill.lower() in t.lower() for t in c.tags)
    }
    assert shown == expected
    tagged = next(c for c in cards if c.tags)
    board.filter.setText(tagged.tags[0])
    shown = {i for ids in card_ids(board).values() for i in ids}
    assert tagged.application_id in shown
    name = cards[0].name
    board.filter.setText(name)
    shown = {i for ids in card_ids(board).values() for i in ids}
    assert shown == {c.application_id for c in cards if name.lower() in c.name.lower()}
    board.filter.clear()
    assert sum(len(ids) for ids in card_ids(board).values()) == len(cards)


def test_keyboard_moves_selection_to_next_stage(
    qtbot,
    board: BoardWidget,
    demo_ctx: ServiceContext,
) -> None:
    applied = board.column(stage_key(board, "Applied"))
    screened_key = stage_key(board, "Screened")
    card_id = applied.model.visible[0]
    applied.view.setFocus()
    applied.view.setCurrentIndex(applied.model.index(0))
    qtbot.keyClick(applied.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert db_stage(demo_ctx, card_id) == int(screened_key)
    screened = board.column(screened_key)
    assert screened.selected_ids() == [card_id]  # selection follows, so it can keep going
    qtbot.keyClick(screened.view, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert db_stage(demo_ctx, card_id) == int(applied.model.key)


def test_context_menu_moves_and_withdraws(board: BoardWidget, demo_ctx: ServiceContext) -> None:
    applied = board.column(stage_key(board, "Applied"))
    card_id = applied.model.visible[0]
    menu = board.build_menu([card_id])
    labels = [a.text() for a in menu.actions()]
    assert {"Move to", "Reject…", "Withdraw", "Open profile"} <= set(labels)
    withdraw = next(a for a in menu.actions() if a.text() == "Withdraw")
    withdraw.trigger()
    withdrawn = next(s for s in board.state.columns if s.kind is StageKind.WITHDRAWN)
    assert db_stage(demo_ctx, card_id) == withdrawn.id
    opened: list[int] = []
    board.open_profile.connect(opened.append)
    next(a for a in board.build_menu([card_id]).actions() if a.text() == "Open profile").trigger()
    assert opened == [board.state.cards[card_id].candidate_id]


def test_files_dropped_on_a_column_are_handed_to_intake(
    qtbot,
    board: BoardWidget,
    tmp_path,
) -> None:
    resume = tmp_path / "jane.pdf"
    resume.write_bytes(b"%PDF-1.4\n")
    screened = board.column(stage_key(board, "Screened"))
    targets: list[StageDrop] = []
    board.intake_requested.connect(targets.append)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(resume))])
    _drop_event(qtbot, screened.view, mime, 0)
    assert len(targets) == 1
    target = targets[0]
    assert (target.job_id, target.stage_id, target.stage_name) == (
        board.state.board.job_id,
        int(screened.model.key),
        "Screened",
    )
    assert target.paths == (str(resume),)


def test_sla_is_flagged(board: BoardWidget) -> None:
    stages = {s.id: s for s in board.state.columns}
    now = board.columns[0].view.itemDelegate().now
    late = [
        c
        for c in board.state.cards.values()
        if stages[c.stage_id].sla_days and c.days_in_stage(now) > stages[c.stage_id].sla_days
    ]
    assert late  # six months of demo history leaves some cards past their stage's SLA
    assert f"{len(late)} past their stage's SLA" in board.summary.text()
    column = board.column(str(late[0].stage_id))
    row = column.model.visible.index(late[0].application_id)
    assert column.model.index(row).data(SLA_ROLE) == stages[late[0].stage_id].sla_days


def test_the_late_count_follows_the_filter(board: BoardWidget) -> None:
    now = board.columns[0].view.itemDelegate().now
    board_data = board.state.board
    late = [c for c in board.state.cards.values() if c.is_overdue(board_data.sla_days(c), now)]
    name = late[0].name
    board.filter.setText(name)
    shown = [c for c in board.state.cards.values() if name.lower() in c.name.lower()]
    late_shown = [c for c in shown if c.is_overdue(board_data.sla_days(c), now)]
    total = len(board.state.cards)
    assert board.summary.text() == (
        f"{len(shown)} of {total} candidates shown · {len(late_shown)} past their stage's SLA"
    )
    board.filter.clear()
    assert board.summary.text() == f"{total} candidates · {len(late)} past their stage's SLA"
