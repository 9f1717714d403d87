"""The reject dialog refuses to close without a reason."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QDialogButtonBox, QLabel

from app.services.pipeline.board import Card
from app.ui.board.reject_dialog import RejectDialog


def _card() -> Card:
    return Card(
        1, 1, 1, 1, "Ada Lovelace", None, None, dt.datetime.now(dt.UTC), None, None, 1.0, 1, None
    )


def test_reason_is_required(qtbot) -> None:
    dialog = RejectDialog([_card()], ["Salary expectations", "Skills mismatch"])
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    assert dialog.result() == 0 and not dialog.error.isHidden()
    dialog.reason.setCurrentIndex(2)
    ok.click()
    assert dialog.result() == RejectDialog.DialogCode.Accepted
    assert dialog.chosen() == "Skills mismatch"


def test_the_message_goes_once_a_reason_is_chosen_and_the_title_reads_as_text(qtbot) -> None:
    dialog = RejectDialog([_card()], ["Salary expectations", "Skills mismatch"])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.error.isVisible()
    dialog.reason.setCurrentIndex(1)
    assert not dialog.error.isVisible()
    heading = dialog.findChildren(QLabel)[0]
    assert heading.text() == "Reject Ada Lovelace"
    assert heading.property("role") == "heading"  # full-strength text, not the muted grey
