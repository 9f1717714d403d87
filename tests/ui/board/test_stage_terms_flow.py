"""A card moved to Offered offers to record the offer and one moved to Hired asks for the
placement: Save moves and records in one write (one undo takes back both), the second button
moves without, and Cancel (like Escape) leaves the card where it was."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QPushButton

from app.services.core.context import ServiceContext
from app.services.pipeline.board import load_board
from app.services.pipeline.offers import list_offers
from app.services.pipeline.placement_report import placement_of
from app.store.enums import JobStatus, OfferStatus
from app.ui.board.stage_terms import KEEP_BUTTON, TAKE_BACK_BUTTON, ask_terms
from app.ui.board.view import BoardWidget
from app.ui.dialogs.form import FormDialog
from app.ui.dialogs.offer_dialog import SKIP_BUTTON as SKIP_OFFER
from app.ui.dialogs.offer_dialog import OfferDialog
from app.ui.dialogs.placement_dialog import PlacementDialog
from app.ui.theme import LIGHT
from tests.services.pipeline.hiring_support import Hiring, hiring

TODAY = dt.date(2026, 12, 1)


class World:
    def __init__(self, qtbot, ctx: ServiceContext) -> None:
        self.hiring: Hiring = hiring(ctx)
        self.ctx = ctx
        job_id = self.hiring.job_id
        self.board = BoardWidget(
            ctx,
            LIGHT,
            QUndoStack(),
            lambda: load_board(ctx, job_id),
            lambda cards: "Other",
            ask_terms=lambda card, stage, request: ask_terms(
                self.board,
                ctx,
                card,
                stage,
                request,
                self.board.changes_made.emit,
                self.board.show_notice,
                TODAY,
            ),
        )
        qtbot.addWidget(self.board)
        self.board.reload()
        self.seen: list[QDialog] = []

    def key(self, name: str) -> str:
        state = self.board.state
        return next(state.key_of(s) for s in state.columns if s.name == name)

    def stage_of(self, name: str) -> str:
        board = load_board(self.ctx, self.hiring.job_id)
        application = self.hiring.applications[name]
        card = next(c for c in board.cards if c.application_id == application)
        return next(s.name for s in board.stages if s.id == card.stage_id)

    def move(self, name: str, stage: str, answer: Callable[[QDialog], None]) -> bool:
        """Move the card, answering the dialog that opens with ``answer``."""

        def step() -> None:
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, QDialog):
                QTimer.singleShot(10, step)
                return
            self.seen.append(dialog)
            answer(dialog)

        QTimer.singleShot(0, step)
        return self.board.move_cards([self.hiring.applications[name]], self.key(stage))


@pytest.fixture
def world(qtbot, ctx: ServiceContext) -> World:
    return World(qtbot, ctx)


def _save(dialog: QDialog) -> None:
    assert isinstance(dialog, FormDialog)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def _cancel(dialog: QDialog) -> None:
    dialog.reject()  # what Cancel and Escape do


def _fill_offer(amount: str) -> Callable[[QDialog], None]:
    def answer(dialog: QDialog) -> None:
        assert isinstance(dialog, OfferDialog)
        dialog.amount.setText(amount)
        dialog.currency.setText("eur")
        _save(dialog)

    return answer


def test_offer_saved_with_the_move_and_one_undo_takes_back_both(world: World) -> None:
    assert world.move("Ada", "Offered", _fill_offer("72,500")) is True
    assert world.stage_of("Ada") == "Offered"
    (offer,) = list_offers(world.ctx, application_id=world.hiring.applications["Ada"])
    assert offer.amount_text == "EUR 72,500.00 a year" and offer.status is OfferStatus.EXTENDED
    assert offer.extended_on == TODAY
    stack = world.board.undo_stack
    assert stack.count() == 1
    stack.undo()
    assert world.stage_of("Ada") == "Applied"
    assert list_offers(world.ctx, application_id=world.hiring.applications["Ada"]) == []
    stack.redo()
    assert world.stage_of("Ada") == "Offered"
    (again,) = list_offers(world.ctx, application_id=world.hiring.applications["Ada"])
    assert again.terms == offer.terms


def test_cancel_moves_nothing_and_the_second_button_moves_without_an_offer(
    world: World,
) -> None:
    assert world.move("Ada", "Offered", _cancel) is False
    assert world.stage_of("Ada") == "Applied" and world.board.undo_stack.count() == 0

    def skip(dialog: QDialog) -> None:
        dialog.findChild(QPushButton, SKIP_OFFER).click()

    assert world.move("Ada", "Offered", skip) is True
    assert world.stage_of("Ada") == "Offered"
    assert list_offers(world.ctx, application_id=world.hiring.applications["Ada"]) == []
    assert world.board.undo_stack.count() == 1


def test_an_unreadable_amount_keeps_the_dialog_open(world: World) -> None:
    messages: list[str] = []

    def answer(dialog: QDialog) -> None:
        assert isinstance(dialog, OfferDialog)
        dialog.amount.setText("12.345")
        _save(dialog)
        messages.append(dialog.error_text("amount"))
        assert dialog.isVisible()
        dialog.reject()

    assert world.move("Ada", "Offered", answer) is False
    assert messages == ["The amount has at most two decimals."]
    assert world.stage_of("Ada") == "Applied"


def test_hired_asks_for_the_placement_started_from_the_offer(world: World) -> None:
    world.move("Ada", "Offered", _fill_offer("100,000"))
    shown: list[tuple[str, str, str]] = []

    def answer(dialog: QDialog) -> None:
        assert isinstance(dialog, PlacementDialog)
        shown.append((dialog.salary.text(), dialog.currency.text(), dialog.figures.text()))
        dialog.fee_value.setText("22.5")
        shown.append(("", "", dialog.figures.text()))
        _save(dialog)

    assert world.move("Ada", "Hired", answer) is True
    assert shown[0][:2] == ("100,000.00", "EUR")
    assert shown[1][2] == "Fee EUR 22,500.00"
    placed = placement_of(world.ctx, world.hiring.applications["Ada"])
    assert placed is not None and placed.fee_cents == 2_250_000
    assert placed.terms.offer_id is not None
    assert world.hiring.job_state() == (JobStatus.FILLED, TODAY)

    world.board.undo_stack.undo()  # the placement and the move together
    assert placement_of(world.ctx, world.hiring.applications["Ada"]) is None
    assert world.hiring.job_state() == (JobStatus.OPEN, None)
    assert world.stage_of("Ada") == "Offered"


def test_a_refused_placement_shows_why_and_cancel_leaves_the_card(world: World) -> None:
    def contract(dialog: QDialog) -> None:
        assert isinstance(dialog, PlacementDialog)
        dialog.placement_type.setCurrentIndex(1)  # Contract
        dialog.bill_rate.setText("95")
        dialog.pay_rate.setText("70")
        dialog.fee_kind.setCurrentIndex(2)  # No fee
        assert dialog.figures.text().startswith("Margin USD 25.00 an hour (26.32 % of bill")
        _save(dialog)

    assert world.move("Ada", "Hired", contract) is True
    errors: list[str] = []

    def second(dialog: QDialog) -> None:
        contract_again = dialog
        assert isinstance(contract_again, PlacementDialog)
        contract_again.salary.setText("50,000")
        contract_again.fee_value.setText("20")
        _save(contract_again)
        errors.append(contract_again.general_error.text())
        contract_again.reject()

    assert world.move("Brian", "Hired", second) is False
    assert "Every opening of Backend Engineer is taken" in errors[0]
    assert world.stage_of("Brian") == "Applied"


def _hire(world: World) -> None:
    def place(dialog: QDialog) -> None:
        assert isinstance(dialog, PlacementDialog)
        dialog.salary.setText("80,000")
        dialog.fee_value.setText("20")
        _save(dialog)

    assert world.move("Ada", "Hired", place) is True
    assert world.hiring.job_state()[0] is JobStatus.FILLED


def _click(name: str) -> Callable[[QDialog], None]:
    def answer(dialog: QDialog) -> None:
        dialog.findChild(QPushButton, name).click()

    return answer


def test_a_placed_card_leaving_hired_asks_to_take_the_placement_back(world: World) -> None:
    _hire(world)
    application = world.hiring.applications["Ada"]
    assert world.move("Ada", "Offered", _cancel) is False
    assert world.stage_of("Ada") == "Hired" and placement_of(world.ctx, application) is not None

    assert world.move("Ada", "Offered", _click(TAKE_BACK_BUTTON)) is True
    assert world.stage_of("Ada") == "Offered" and placement_of(world.ctx, application) is None
    assert world.hiring.job_state() == (JobStatus.OPEN, None)

    world.board.undo_stack.undo()  # the placement back, then the card
    assert world.stage_of("Ada") == "Hired"
    placed = placement_of(world.ctx, application)
    assert placed is not None and placed.fee_cents == 1_600_000
    assert world.hiring.job_state() == (JobStatus.FILLED, dt.date.today())


def test_keeping_the_placement_moves_only_the_card(world: World) -> None:
    _hire(world)
    assert world.move("Ada", "Interviewed", _click(KEEP_BUTTON)) is True
    assert world.stage_of("Ada") == "Interviewed"
    assert placement_of(world.ctx, world.hiring.applications["Ada"]) is not None
    assert world.hiring.job_state()[0] is JobStatus.FILLED


def test_several_cards_moved_to_offered_are_asked_one_by_one(world: World) -> None:
    asked: list[str] = []
    answers = [_fill_offer("90,000"), _cancel]  # Ada's offer saved, Brian's question cancelled

    def step() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog):
            QTimer.singleShot(10, step)
            return
        asked.append(dialog.windowTitle())
        answers.pop(0)(dialog)
        if answers:
            QTimer.singleShot(10, step)

    before = world.stage_of("Brian")
    QTimer.singleShot(0, step)
    ids = [world.hiring.applications[name] for name in ("Ada", "Brian")]
    assert world.board.move_cards(ids, world.key("Offered")) is True
    assert len(asked) == 2 and not answers
    assert world.stage_of("Ada") == "Offered" and world.stage_of("Brian") == before
    (offer,) = list_offers(world.ctx, application_id=world.hiring.applications["Ada"])
    assert offer.terms.amount_cents == 9_000_000
    assert list_offers(world.ctx, application_id=world.hiring.applications["Brian"]) == []
