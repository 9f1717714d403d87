"""Submittals on screen: the Submit to client dialog (contact, blind, resume, pitch, preview,
sending off the GUI thread), the mark on the board's card, and the profile's Submittals box
with answers recorded on Edit → Undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.services.candidates.bulk import add_to_job
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.candidates.submittal_records import (
    candidate_submittals,
    submit_choices,
    update_submittal,
)
from app.services.candidates.submittals import SubmittalRequest, submit_candidates
from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import ServiceContext
from app.services.pipeline.board import load_board
from app.services.pipeline.contacts import ContactInput, archive_contact, create_contact
from app.store.engagement import OutboxMessage, OutboxPart
from app.store.enums import SubmittalStatus
from app.store.models import Application, Job, JobStatus, Stage
from app.ui.board.view import BoardWidget
from app.ui.dialogs.profile import ProfileDialog
from app.ui.dialogs.profile_submittals import AnswerDialog, SubmittalAnswerCommand
from app.ui.dialogs.submit_to_client import SubmitDialog
from app.ui.printing.profile_pdf import render_profile_pdf
from app.ui.theme import LIGHT
from tests.services.candidates import profile_world as w


@pytest.fixture
def world(ctx: ServiceContext, tmp_path: Path, qapp: QApplication) -> w.ProfileWorld:
    built = w.build_world(ctx, tmp_path)
    board = load_board(ctx, built.job_id)
    add_to_job(ctx, [built.candidate_id], built.job_id, board.stages[0].id, "test")
    return built


def _dialog(qtbot, ctx: ServiceContext, world: w.ProfileWorld, ids: tuple[int, ...], tmp_path):
    published: list[Changes] = []
    choices = submit_choices(ctx, world.job_id, ids)
    dialog = SubmitDialog(ctx, choices, tmp_path / "documents", published.append)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog, published


def test_the_dialog_sends_to_the_hiring_manager_off_the_gui_thread(
    qtbot, ctx: ServiceContext, world: w.ProfileWorld, tmp_path: Path
) -> None:
    omar = create_candidate(ctx, CandidateInput("Omar", "Haddad", email="o@h.example")).value
    dialog, published = _dialog(qtbot, ctx, world, (world.candidate_id, omar), tmp_path)
    assert dialog.contact.currentData() == world.contact_id  # the hiring manager, chosen
    assert "Principal Data Engineer" in dialog.findChild(object, "submitAbout").text()
    # Blind: employers may go, the resume may not.
    assert not dialog.hide_employers.isEnabled() and dialog.with_resume.isEnabled()
    dialog.with_resume.setChecked(True)
    dialog.blind.setChecked(True)
    assert dialog.hide_employers.isEnabled()
    assert not dialog.with_resume.isEnabled() and not dialog.with_resume.isChecked()
    dialog.blind.setChecked(False)
    dialog.with_resume.setChecked(True)
    # One pitch per candidate.
    dialog.pitch.setPlainText("Kafka at scale.")
    dialog.pitch_of.setCurrentIndex(1)
    assert dialog.pitch.toPlainText() == ""
    dialog.pitch.setPlainText("Strong on Go.")
    dialog.pitch_of.setCurrentIndex(0)
    assert dialog.pitch.toPlainText() == "Kafka at scale."
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=10_000)
    assert dialog.result() == SubmitDialog.DialogCode.Accepted
    assert published and published[0].touches(ChangeKind.SUBMITTALS)
    rows = candidate_submittals(ctx, world.candidate_id)
    assert [(r.contact_name, r.with_resume, r.blind) for r in rows] == [
        ("Dana Whitfield", True, False)
    ]
    with ctx.read() as session:
        message = session.query(OutboxMessage).one()
        parts = session.query(OutboxPart).filter_by(message_id=message.id).count()
    assert parts == 3  # two profiles and one resume (Omar has none)


def test_refusals_show_in_the_form_and_nothing_is_sent(
    qtbot, ctx: ServiceContext, world: w.ProfileWorld, tmp_path: Path
) -> None:
    dialog, published = _dialog(qtbot, ctx, world, (world.candidate_id,), tmp_path)
    dialog.pitch.setPlainText("x" * 6000)
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert "5,000" in dialog.error_text("pitch")
    assert dialog.isVisible() and not published


def test_preview_shows_the_pdf(
    qtbot, ctx: ServiceContext, world: w.ProfileWorld, tmp_path: Path
) -> None:
    dialog, _ = _dialog(qtbot, ctx, world, (world.candidate_id,), tmp_path)
    dialog.blind.setChecked(True)
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(dialog, "preview_dialog", None) is not None, timeout=10_000)
    preview = dialog.preview_dialog
    qtbot.waitUntil(lambda: preview.document.pageCount() >= 1, timeout=5_000)
    assert "P. M." in preview.document.getAllText(0).text()
    assert w.LAST not in preview.document.getAllText(0).text()


def test_the_card_shows_the_mark_and_offers_submit_by_keyboard(
    qtbot, ctx: ServiceContext, world: w.ProfileWorld
) -> None:
    board = BoardWidget(
        ctx, LIGHT, QUndoStack(), lambda: load_board(ctx, world.job_id), lambda cards: None
    )
    qtbot.addWidget(board)
    board.reload()
    board.resize(1000, 600)
    board.show()
    qtbot.waitExposed(board)
    [card] = board.state.cards.values()
    assert card.submittal is None
    column = next(c for c in board.columns if c.model.visible)
    assert "Client" not in column.model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    menu = board.build_menu([card.application_id])
    submit = next(a for a in menu.actions() if a.objectName() == "submitToClient")
    assert submit.isEnabled()
    board.activateWindow()
    column.view.setFocus()
    column.view.setCurrentIndex(column.model.index(0))
    qtbot.waitUntil(column.view.hasFocus)
    with qtbot.waitSignal(board.submit_requested) as asked:
        qtbot.keyClick(
            column.view,
            Qt.Key.Key_S,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert asked.args == [world.job_id, (world.candidate_id,)]

    request = SubmittalRequest(world.job_id, world.contact_id, (world.candidate_id,))
    done = submit_candidates(ctx, request, render_profile_pdf)
    update_submittal(ctx, done.value.submittal_ids[0], SubmittalStatus.INTERESTED, None)
    board.reload()
    [card] = board.state.cards.values()
    assert card.submittal == SubmittalStatus.INTERESTED
    column = next(c for c in board.columns if c.model.visible)
    tip = column.model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    assert "Client: Client interested" in tip
    assert not board.grab().isNull()  # the card with its mark paints


def test_the_profile_lists_submittals_and_answers_are_undoable(
    qtbot, ctx: ServiceContext, world: w.ProfileWorld
) -> None:
    request = SubmittalRequest(world.job_id, world.contact_id, (world.candidate_id,), blind=True)
    submit_candidates(ctx, request, render_profile_pdf)
    stack = QUndoStack()
    profile = ProfileDialog(ctx, world.candidate_id, None, None, undo_stack=stack)
    qtbot.addWidget(profile)
    profile.show()
    box = profile.submittals_box
    qtbot.waitUntil(lambda: len(box.rows) == 1, timeout=5_000)
    text = box.list.item(0).text()
    assert "Principal Data Engineer — Halcyon Freight · to Dana Whitfield (blind)" in text
    assert text.endswith("· Submitted") and box.answer_button.isEnabled()
    assert any("Submitted to Dana" in profile.timeline.item(i).text() for i in range(3))

    answer = AnswerDialog(ctx, box.rows[0], profile)
    qtbot.addWidget(answer)
    answer.status.setCurrentIndex(answer.status.findData("interview_requested"))
    answer.feedback.setPlainText("Tuesday at ten")
    answer.accept()
    assert answer.outcome is not None
    notices: list[str] = []
    stack.push(SubmittalAnswerCommand(ctx, answer.outcome, lambda c: None, notices.append))
    box.reload()
    qtbot.waitUntil(lambda: box.rows[0].status is SubmittalStatus.INTERVIEW_REQUESTED)
    assert box.list.item(0).text().endswith("Interview requested: Tuesday at ten")
    stack.undo()
    [row] = candidate_submittals(ctx, world.candidate_id)
    assert (row.status, row.feedback) == (SubmittalStatus.SUBMITTED, None)
    stack.redo()
    [row] = candidate_submittals(ctx, world.candidate_id)
    assert row.status is SubmittalStatus.INTERVIEW_REQUESTED and not notices


def test_the_job_board_in_the_window_submits_and_marks_the_card(window, qtbot) -> None:
    """On the demo: Submit to client from a card opens the dialog for that job; Send queues
    the email and the card's mark follows."""
    with window.services.read() as session:
        job_id, application_id, candidate_id = session.execute(
            select(Application.job_id, Application.id, Application.candidate_id)
            .join(Job, Job.id == Application.job_id)
            .join(Stage, Stage.id == Application.stage_id)
            .where(Job.status == JobStatus.OPEN, Stage.position == 0)
            .order_by(Application.id)
            .limit(1)
        ).one()
    window.open_job_board(job_id)
    page = window.sections["job_board"]
    seen: list[SubmitDialog] = []

    def send() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SubmitDialog)
        seen.append(dialog)
        dialog.blind.setChecked(True)
        dialog.send_button.click()

    QTimer.singleShot(0, send)
    page.board.submit_cards([application_id])
    assert seen and seen[0].outcome is not None
    assert seen[0].choices.job_id == job_id
    qtbot.waitUntil(
        lambda: page.board.state.cards[application_id].submittal == SubmittalStatus.SUBMITTED,
        timeout=5_000,
    )
    [row, *_] = candidate_submittals(window.services, candidate_id)
    assert row.blind and row.job_id == job_id


def test_a_client_with_no_contact_to_email_says_so_and_sends_nothing(
    qtbot, ctx: ServiceContext, world: w.ProfileWorld, tmp_path: Path
) -> None:
    archive_contact(ctx, world.contact_id)
    create_contact(ctx, world.client_id, ContactInput("Sam", "Quiet"))  # no email address
    dialog, _ = _dialog(qtbot, ctx, world, (world.candidate_id,), tmp_path)
    assert dialog.contact.count() == 0
    assert "add one in Clients" in dialog.error_text("contact")
    assert not dialog.send_button.isEnabled() and not dialog.preview_button.isEnabled()
