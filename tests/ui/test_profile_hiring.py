"""The profile's offers and placements: record an offer, answer it, record the placement it
leads to, edit it; each on the undo stack and on the timeline."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from app.services.core.context import ServiceContext
from app.services.pipeline.offers import list_offers
from app.services.pipeline.placement_report import list_placements
from app.store.enums import JobStatus, OfferStatus
from app.ui.dialogs.form import FormDialog
from app.ui.dialogs.offer_dialog import OfferDialog
from app.ui.dialogs.placement_dialog import PlacementDialog
from app.ui.dialogs.profile import ProfileDialog
from tests.services.pipeline.hiring_support import Hiring, hiring


class Profile:
    def __init__(self, qtbot, ctx: ServiceContext) -> None:
        self.world: Hiring = hiring(ctx, names=("Ada",))
        self.ctx = ctx
        self.stack = QUndoStack()
        self.published: list[object] = []
        (self.candidate_id,) = self.world.candidates.values()
        self.dialog = ProfileDialog(
            ctx, self.candidate_id, undo_stack=self.stack, publish=self.published.append
        )
        qtbot.addWidget(self.dialog)
        self.panel = self.dialog.hiring

    def answer(self, act: Callable[[], None], respond: Callable[[QDialog], None]) -> None:
        def step() -> None:
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, OfferDialog | PlacementDialog):
                QTimer.singleShot(10, step)
                return
            respond(dialog)

        QTimer.singleShot(0, step)
        act()

    def lines(self) -> list[str]:
        return [self.panel.list.item(i).text() for i in range(self.panel.list.count())]

    def timeline(self) -> list[str]:
        return [self.dialog.timeline.item(i).text() for i in range(self.dialog.timeline.count())]


@pytest.fixture
def profile(qtbot, ctx: ServiceContext) -> Profile:
    return Profile(qtbot, ctx)


def _save(dialog: QDialog) -> None:
    assert isinstance(dialog, FormDialog)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_offer_answer_placement_and_edit_with_undo(profile: Profile) -> None:
    panel = profile.panel
    assert profile.lines() == ["No offer or placement yet"]
    assert not panel.edit_button.isEnabled() and not panel.placement_button.isHidden()

    def offer(dialog: QDialog) -> None:
        assert isinstance(dialog, OfferDialog)
        dialog.amount.setText("90000")
        dialog.start.check.setChecked(True)
        _save(dialog)

    profile.answer(panel.new_offer, offer)
    (line,) = profile.lines()
    assert line.startswith("Offer · Backend Engineer at Northwind · USD 90,000.00 a year · start")
    assert "extended (until" in line
    assert any("offer: Offer extended for Backend Engineer" in t for t in profile.timeline())
    assert panel.answer_button.isEnabled()

    panel.answer(OfferStatus.ACCEPTED)
    assert profile.lines()[0].endswith("accepted") and not panel.answer_button.isEnabled()
    profile.stack.undo()
    (offer_row,) = list_offers(profile.ctx, candidate_id=profile.candidate_id)
    assert offer_row.status is OfferStatus.EXTENDED
    profile.stack.redo()
    (offer_row,) = list_offers(profile.ctx, candidate_id=profile.candidate_id)
    assert offer_row.status is OfferStatus.ACCEPTED
    profile.dialog.reload()

    seen: list[str] = []

    def place(dialog: QDialog) -> None:
        assert isinstance(dialog, PlacementDialog)
        seen.append(dialog.salary.text())
        dialog.fee_value.setText("20")
        _save(dialog)

    profile.answer(panel.new_placement, place)
    assert seen == ["90,000.00"]  # started from the accepted offer
    assert profile.lines()[0].startswith("Placed · Backend Engineer at Northwind · Permanent")
    assert "fee USD 18,000.00" in profile.lines()[0]
    assert profile.world.job_state()[0] is JobStatus.FILLED
    assert not panel.placement_button.isEnabled()  # the one application is placed

    panel.list.setCurrentRow(0)

    def raise_salary(dialog: QDialog) -> None:
        assert isinstance(dialog, PlacementDialog)
        dialog.salary.setText("95,000.05")
        _save(dialog)

    profile.answer(panel.edit_selected, raise_salary)
    (placed,) = list_placements(profile.ctx, candidate_id=profile.candidate_id)
    assert placed.fee_cents == 1_900_001  # 20 % of 95,000.05 = 19,000.01
    profile.stack.undo()
    (placed,) = list_placements(profile.ctx, candidate_id=profile.candidate_id)
    assert placed.fee_cents == 1_800_000
    assert profile.published  # the undo told the window
    assert any("placement: Placed at Northwind" in t for t in profile.timeline())
