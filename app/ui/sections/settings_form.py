"""A Settings panel that edits one use case's input: fields with their validation message
underneath (like `FormDialog`), a Save button with a note beside it, and messages that
follow the typing once a save was refused."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.ui.theme import set_invalid

NOT_SAVED_TEXT = "Not saved: see the messages above."


class FieldForm(QFormLayout):
    """A form whose fields show their validation message underneath, like `FormDialog`."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSpacing(6)
        self.fields: dict[str, tuple[QWidget, QLabel]] = {}

    def add(self, name: str, label: str, widget: QWidget, extra: QWidget | None = None) -> None:
        error = QLabel()
        error.setProperty("role", "error")
        error.setObjectName(f"error_{name}")
        error.setWordWrap(True)
        error.hide()
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(extra or widget)
        column.addWidget(error)
        widget.setObjectName(name)
        self.addRow(label, holder)
        self.fields[name] = (widget, error)

    def show_errors(self, errors: Mapping[str, str], focus_first: bool = False) -> list[str]:
        """Show each message under its field; return the messages that have no field.

        ``focus_first`` (after Save) moves to the first invalid field; while the user types,
        focus stays where they are."""
        first: QWidget | None = None
        for name, (widget, label) in self.fields.items():
            message = errors.get(name, "")
            label.setText(message)
            label.setVisible(bool(message))
            set_invalid(widget, bool(message))
            if message and first is None:
                first = widget
        if focus_first and first is not None:
            first.setFocus()
        return [message for name, message in errors.items() if name not in self.fields]

    def error_text(self, name: str) -> str:
        label = self.fields[name][1]
        return label.text() if not label.isHidden() else ""


class FormPanel(QGroupBox):
    """A group box around ``self.form`` (in ``self.column``); subclasses add the fields, call
    `add_save_row`, and implement `collect` (an input with ``validate()``) and `save`."""

    def __init__(
        self,
        title: str,
        object_name: str,
        services: ServiceContext,
        parent: QWidget | None = None,
    ):
        super().__init__(title, parent)
        self.setObjectName(object_name)
        self.services = services
        self._attempted = False  # after a refused save, messages update as the user types
        self.column = QVBoxLayout(self)
        self.form = FieldForm()
        self.column.addLayout(self.form)

    def add_save_row(
        self, text: str, button_name: str, note_name: str, *, wrap: bool = False
    ) -> None:
        """The primary Save button and, beside it, the note saying what happened."""
        buttons = QHBoxLayout()
        self.save_button = QPushButton(text)
        self.save_button.setObjectName(button_name)
        self.save_button.setProperty("role", "primary")
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        self.saved_note = QLabel()
        self.saved_note.setObjectName(note_name)
        self.saved_note.setProperty("role", "muted")
        if wrap:
            self.saved_note.setWordWrap(True)
        buttons.addWidget(self.saved_note, 1)
        self.column.addLayout(buttons)

    def collect(self) -> Any:
        raise NotImplementedError

    def save(self) -> bool:
        raise NotImplementedError

    def error_text(self, name: str) -> str:
        return self.form.error_text(name)

    def _recheck(self, *_args: object) -> None:
        if self._attempted:
            self.form.show_errors(self.collect().validate())

    def _save_input(
        self, data: Any, save: Callable[[ServiceContext, Any], Outcome[Any]]
    ) -> Outcome[Any] | None:
        """Check ``data`` and hand it to the use case ``save``; None (the messages shown, and
        "Not saved" beside the button) when either refuses it."""
        errors = data.validate()
        self._attempted = True
        if errors:
            self.form.show_errors(errors, focus_first=True)
            self.saved_note.setText(NOT_SAVED_TEXT)
            return None
        try:
            result = save(self.services, data)
        except ValidationError as exc:
            self.form.show_errors(exc.errors, focus_first=True)
            self.saved_note.setText(NOT_SAVED_TEXT)
            return None
        self.form.show_errors({})
        return result
