"""The reject dialog refuses to close without a reason."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QDialogButtonBox

from app.services.pipeline import Card
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
