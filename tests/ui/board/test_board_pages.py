"""Boards inside the main window: opening a job's board, My pipeline, changes elsewhere."""

from __future__ import annotations

import datetime as dt
import sqlite3

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QPushButton
from sqlalchemy import select

from app.services.pipeline.board import MoveRequest, load_board, move_applications
from app.store.models import Application, Job, JobStatus, Stage
from app.ui.board.model import SLA_ROLE, StageDrop
from app.ui.dialogs.profile import ProfileDialog
from app.ui.main_window import MainWindow
from app.ui.sections.jobs import ROW_ROLE


def _open_job(window: MainWindow) -> int:
    with window.services.read() as session:
        job_id = session.scalar(select(Job.id).where(Job.status == JobStatus.OPEN).order_by(Job.id))
    window.open_job_board(job_id)
    return job_id


def test_double_click_on_a_job_opens_its_board(window: MainWindow, qtbot) -> None:
    jobs = window.section("jobs")
    index = jobs.table.model().index(0, 0)
    job = jobs.table.model().data(index, ROW_ROLE)
    jobs.table.doubleClicked.emit(index)
    page = window.sections["job_board"]
    assert window.stack.currentWidget() is page
    assert page.board.state.board.job_id == job.id
    assert page.header.title.text().startswith(job.title)
    page.findChild(QPushButton, "backToJobs").click()
    assert window.stack.currentWidget() is jobs


def test_a_move_on_the_board_updates_the_jobs_counts(window: MainWindow) -> None:
    job_id = _open_job(window)
    page = window.sections["job_board"]
    jobs = window.section("jobs")
    row_before = next(r for r in jobs.model.rows if r.id == job_id)
    applied = next(
        c for c in page.board.columns if c.model.state.column(c.model.key).name == "Applied"
    )
    screened = next(
        c for c in page.board.columns if c.model.state.column(c.model.key).name == "Screened"
    )
    page.board.move_cards([applied.model.visible[0]], screened.model.key)
    row_after = next(r for r in jobs.model.rows if r.id == job_id)
    assert row_after.count_for("Applied") == row_before.count_for("Applied") - 1
    assert row_after.count_for("Screened") == row_before.count_for("Screened") + 1
    assert window.undo_action.isEnabled()
    window.undo_action.trigger()
    row_undone = next(r for r in jobs.model.rows if r.id == job_id)
    assert row_undone.count_for("Applied") == row_before.count_for("Applied")


def test_change_by_another_process_reloads_the_board(window: MainWindow, qtbot) -> None:
    job_id = _open_job(window)
    page = window.sections["job_board"]
    card = next(iter(page.board.state.cards.values()))
    target = next(s for s in page.board.state.columns if s.id != card.stage_id)
    other = sqlite3.connect(window.workspace.database.path)  # another program's connection
    with other:
        other.execute(
            "UPDATE applications SET stage_id = ?, version = version + 1 WHERE id = ?",
            (target.id, card.application_id),
        )
    other.close()
    assert window.watcher.poll() is True
    qtbot.waitUntil(lambda: page.board.state.cards[card.application_id].stage_id == target.id)
    assert card.application_id in page.board.column(str(target.id)).model.visible
    assert window.watcher.poll() is False  # nothing new since
    assert job_id == page.board.state.board.job_id


def test_own_moves_are_not_mistaken_for_external_changes(window: MainWindow) -> None:
    _open_job(window)
    page = window.sections["job_board"]
    # A card in an active stage: a hired one leaving Hired would be asked about its placement.
    active = {s.id for s in page.board.state.columns if s.kind.value == "active"}
    card = next(c for c in page.board.state.cards.values() if c.stage_id in active)
    target = next(
        s for s in page.board.state.columns if s.id != card.stage_id and s.kind.value == "active"
    )
    assert target.name != "Offered"  # which would offer to record the offer
    assert page.board.move_cards([card.application_id], str(target.id))
    assert window.watcher.poll() is False


def test_files_dropped_on_a_column_reach_the_intake_hand_over(window: MainWindow) -> None:
    _open_job(window)
    page = window.sections["job_board"]
    stage = page.board.state.columns[1]
    target = StageDrop(stage.job_id, stage.id, stage.name, ("/tmp/a.pdf", "/tmp/b.docx"))
    page.board.intake_requested.emit(target)
    assert window.intake_targets == [target]
    assert "Importing 2 files into" in window.statusBar().currentMessage()


def test_open_profile_shows_the_candidate(window: MainWindow, qtbot) -> None:
    _open_job(window)
    page = window.sections["job_board"]
    card = next(iter(page.board.state.cards.values()))
    seen: list[str] = []

    def close_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ProfileDialog):
            QTimer.singleShot(20, close_dialog)
            return
        seen.append(dialog.browser.toPlainText())
        dialog.reject()

    QTimer.singleShot(20, close_dialog)
    page.board.open_profile.emit(card.candidate_id)
    assert seen and card.name in seen[0] and card.job_title in seen[0]


def test_my_pipeline_filters_by_owner_and_client(window: MainWindow) -> None:
    window.show_section("pipeline")
    page = window.section("pipeline")
    everyone = len(page.board.state.cards)
    page.owner.setCurrentIndex(1)
    owner_id = page.owner.currentData()
    assert 0 < len(page.board.state.cards) < everyone
    with window.services.read() as session:
        owned = set(session.scalars(select(Job.id).where(Job.owner_id == owner_id)))
    assert {c.job_id for c in page.board.state.cards.values()} <= owned
    page.owner.setCurrentIndex(0)
    page.client.setCurrentIndex(1)
    client_jobs = {c.job_id for c in page.board.state.cards.values()}
    assert client_jobs and all(
        c.client_name == page.client.currentText() for c in page.board.state.cards.values()
    )


def test_move_on_my_pipeline_goes_to_that_jobs_stage(window: MainWindow) -> None:
    window.show_section("pipeline")
    board = window.section("pipeline").board
    card = board.state.cards[board.column("Applied").model.visible[0]]
    assert board.move_cards([card.application_id], "Interviewed")
    fresh = load_board(window.services, card.job_id)
    stage = next(s for s in fresh.stages if s.name == "Interviewed")
    with window.services.read() as session:
        assert session.get(Application, card.application_id).stage_id == stage.id
    assert card.application_id in board.column("Interviewed").model.visible
    moved = board.state.cards[card.application_id]
    move_applications(
        window.services, [MoveRequest(moved.application_id, moved.version, card.stage_id)]
    )


def test_navigation_leaves_a_job_board(window: MainWindow) -> None:
    _open_job(window)
    assert window.stack.currentWidget() is window.sections["job_board"]
    window.show_section("jobs")  # the Jobs entry is still the selected one
    assert window.stack.currentWidget() is window.section("jobs")


def test_unrelated_changes_do_not_reload_a_board(window: MainWindow) -> None:
    from app.services.core.changes import ChangeKind, Changes

    job_id = _open_job(window)
    board = window.sections["job_board"].board
    other_job = job_id + 1
    assert not board.concerns(Changes({ChangeKind.JOBS: frozenset({other_job})}))
    assert not board.concerns(Changes({ChangeKind.CANDIDATES: frozenset({10**9})}))
    assert board.concerns(Changes({ChangeKind.JOBS: frozenset({job_id})}))
    some_card = next(iter(board.state.cards.values()))
    assert board.concerns(Changes({ChangeKind.CANDIDATES: frozenset({some_card.candidate_id})}))
    assert board.concerns(Changes({ChangeKind.APPLICATIONS: frozenset({some_card.application_id})}))
    assert board.concerns(Changes({ChangeKind.EXTERNAL: frozenset()}))


def test_a_hidden_board_reloads_when_shown_again(window: MainWindow, qtbot) -> None:
    from app.services.core.changes import ChangeKind, Changes

    job_id = _open_job(window)
    page = window.sections["job_board"]
    window.show_section("jobs")
    assert not page.board.isVisible()
    state_before = page.board.state
    window.events.publish(Changes({ChangeKind.JOBS: frozenset({job_id})}))
    qtbot.wait(300)
    assert page.board.state is state_before  # hidden: not rebuilt
    window.stack.setCurrentWidget(page)  # shown again: the stale board reloads
    qtbot.waitUntil(lambda: page.board.state is not state_before)


def _late_by_the_database(window: MainWindow, application_ids: set[int]) -> set[int]:
    """The applications past their own stage's SLA, worked out from the tables."""
    now = dt.datetime.now(dt.UTC)
    with window.services.read() as session:
        rows = session.execute(
            select(Application.id, Application.stage_entered_at, Stage.sla_days)
            .join(Stage, Stage.id == Application.stage_id)
            .where(Application.id.in_(application_ids))
        ).all()
    return {i for i, entered, sla in rows if sla and (now - entered).days > sla}


def test_my_pipeline_counts_late_cards_of_every_job(window: MainWindow, qtbot) -> None:
    window.show_section("pipeline")
    page = window.section("pipeline")
    page.owner.setCurrentIndex(0)  # all owners
    board = page.board
    late = _late_by_the_database(window, set(board.state.cards))
    assert len({board.state.cards[i].job_id for i in late}) > 1
    total = len(board.state.cards)
    assert board.summary.text() == (
        f"{total:,} applications · {len(late):,} past their stage's SLA"
    )
    # The filter box narrows the count to the cards shown.
    name = board.state.cards[min(late)].name
    qtbot.keyClicks(board.filter, name)
    shown = {i for column in board.columns for i in column.model.visible}
    assert min(late) in shown and len(shown) < total
    assert board.summary.text() == (
        f"{len(shown):,} of {total:,} applications shown · "
        f"{len(late & shown):,} past their stage's SLA"
    )
    # So does the client chosen above the board.
    board.filter.clear()
    page.client.setCurrentIndex(1)
    late = _late_by_the_database(window, set(board.state.cards))
    assert board.summary.text().endswith(f" · {len(late):,} past their stage's SLA")


def test_undo_of_a_move_keeps_the_time_in_stage_and_the_sla_flag(window: MainWindow, qtbot) -> None:
    job_id = _open_job(window)
    board = window.sections["job_board"].board
    late = _late_by_the_database(window, set(board.state.cards))
    summary = board.summary.text()
    column, card = next(
        (column, board.state.cards[i])
        for column in board.columns[:3]
        for i in column.model.visible
        if i in late
    )
    following = board.columns[board.columns.index(column) + 1]
    row = column.model.visible.index(card.application_id)
    column.view.setFocus()
    column.view.setCurrentIndex(column.model.index(row))
    qtbot.keyClick(column.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert card.application_id in following.model.visible
    moved = board.state.cards[card.application_id]
    assert moved.days_in_stage(dt.datetime.now(dt.UTC)) == 0
    window.undo_action.trigger()  # Edit → Undo
    assert card.application_id in column.model.visible
    back = board.state.cards[card.application_id]
    assert back.stage_entered_at == card.stage_entered_at
    index = column.model.index(column.model.visible.index(card.application_id))
    assert back.is_overdue(index.data(SLA_ROLE), dt.datetime.now(dt.UTC))  # still flagged red
    assert board.summary.text() == summary
    fresh = next(
        c
        for c in load_board(window.services, job_id).cards
        if c.application_id == back.application_id
    )
    assert fresh.stage_entered_at == card.stage_entered_at
    assert window.redo_action.isEnabled()
    window.redo_action.trigger()
    assert board.state.cards[card.application_id].stage_entered_at == moved.stage_entered_at
