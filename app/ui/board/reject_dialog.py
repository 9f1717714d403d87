"""Asks why candidates are rejected: a reason from the agency's list is required."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.services.pipeline.board import Card


class RejectDialog(QDialog):
    def __init__(
        self, cards: Sequence[Card], reasons: Sequence[str], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle("Reject")
        self.setMinimumWidth(380)
        layout = QVBoxLayout(self)
        who = cards[0].name if len(cards) == 1 else f"{len(cards)} candidates"
        heading = QLabel(f"Reject {who}")
        heading.setProperty("role", "heading")
        layout.addWidget(heading)
        layout.addWidget(QLabel("Reason (required):"))
        self.reason = QComboBox()
        self.reason.setObjectName("rejectReason")
        self.reason.addItem("Choose a reason…", "")
        for reason in reasons:
            self.reason.addItem(reason, reason)
        layout.addWidget(self.reason)
        self.error = QLabel("A reason is required.")
        self.error.setProperty("role", "error")
        self.error.hide()
        layout.addWidget(self.error)
        # The message goes as soon as a reason is chosen, not only on the next click.
        self.reason.currentIndexChanged.connect(lambda _index: self.error.setVisible(False))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Reject")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def chosen(self) -> str:
        return self.reason.currentData() or ""

    def accept(self) -> None:
        if not self.chosen():
            self.error.show()  # a rejection without a reason is not allowed
            return
        super().accept()


def ask_reason(parent: QWidget, reasons: Sequence[str], cards: Sequence[Card]) -> str | None:
    dialog = RejectDialog(cards, reasons, parent)
    return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
