"""What the offer and placement forms share: the write they save through, the day they take
as today, a choice among labelled values, the notes box, and the optional second button that
moves the card without recording the terms (they are recorded later from the profile)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QPlainTextEdit, QWidget

from app.services.core.context import Outcome
from app.ui.dialogs.form import FormDialog
from app.ui.dialogs.terms_fields import FormData


class TermsDialog(FormDialog):
    def __init__(
        self,
        title: str,
        write: Callable[[Any], Outcome[Any]],
        *,
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(title, parent)
        self.write = write
        self.skipped = False  # closed by the second button: the card moves without terms
        self.today = today or dt.date.today()

    def add_choice(self, name: str, label: str, choices: Iterable[tuple[object, str]]) -> QComboBox:
        box = QComboBox()
        for value, text in choices:
            box.addItem(text, value)
        self.add_field(name, label, box)
        return box

    def add_notes(self, placeholder: str, height: int) -> QPlainTextEdit:
        notes = QPlainTextEdit()
        notes.setPlaceholderText(placeholder)
        notes.setMaximumHeight(height)
        notes.setTabChangesFocus(True)
        self.add_field("notes", "Notes", notes)
        return notes

    def add_skip_button(self, text: str | None, object_name: str) -> None:
        """The second button, when the form was opened by a move (``text`` names it)."""
        if not text:
            return
        skip = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        skip.setObjectName(object_name)
        skip.setAutoDefault(False)
        skip.clicked.connect(self.skip)

    def save(self, data: FormData[Any]) -> Outcome[Any]:
        return self.write(data.value)

    def skip(self) -> None:
        """Move the card without recording the terms."""
        self.skipped = True
        QDialog.accept(self)
