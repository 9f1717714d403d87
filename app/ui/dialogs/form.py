"""A form dialog with inline validation: messages under each field, nothing saved while invalid.

The checks are the use case's own (`validate()` on its input, then `ValidationError` from the
service for what only the database knows, such as a duplicate name), so the dialog and the
CLI can never disagree about what is valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.services.core.changes import Changes
from app.services.core.context import Outcome
from app.services.core.unit_of_work import ValidationError
from app.ui.theme import set_invalid

W = TypeVar("W", bound=QWidget)


class FormDialog(QDialog):
    """Subclasses add fields, then implement `collect` and `save`."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(460)
        self.outcome: Outcome[Any] | None = None
        self.side_changes: list[Changes] = []  # from dialogs opened from this one
        self._attempted = False  # after a refused save, messages update as the user types
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}
        self._shown_once = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(12)
        heading = QLabel(title)
        heading.setProperty("role", "title")
        layout.addWidget(heading)
        self.form = QFormLayout()
        self.form.setSpacing(6)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        layout.addLayout(self.form)
        self.general_error = QLabel()
        self.general_error.setProperty("role", "error")
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        layout.addWidget(self.general_error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setProperty("role", "primary")
        save.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def add_field(self, name: str, label: str, widget: W, required: bool = False) -> W:
        error = QLabel()
        error.setProperty("role", "error")
        error.setObjectName(f"error_{name}")
        error.setWordWrap(True)
        error.hide()
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(error)
        widget.setObjectName(name)
        self.form.addRow(f"{label}{' *' if required else ''}", holder)
        self._fields[name] = (widget, error)
        return widget

    def watch(self, *signals: Any) -> None:
        """Re-check the form when these signals fire (after the first refused save)."""
        for signal in signals:
            signal.connect(self._recheck)

    def _recheck(self, *_args: Any) -> None:
        if self._attempted:
            self.show_errors(self.collect().validate())

    def all_changes(self) -> Changes:
        """Everything this dialog saved, for the application's change broadcast."""
        changes = Changes()
        for side in self.side_changes:
            changes = changes | side
        if self.outcome is not None:
            changes = changes | self.outcome.changes
        return changes

    def field(self, name: str) -> QWidget:
        return self._fields[name][0]

    def error_text(self, name: str) -> str:
        """The message shown under a field ('' when it is valid)."""
        widget_error = self._fields.get(name)
        if widget_error is None:
            return self.general_error.text() if not self.general_error.isHidden() else ""
        return widget_error[1].text() if not widget_error[1].isHidden() else ""

    def showEvent(self, event: QShowEvent) -> None:
        """Typing starts in the first field: never lost, and Space never presses Save."""
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            first = next(
                (
                    widget
                    for widget, _error in self._fields.values()
                    if widget.isEnabled() and widget.focusPolicy() != Qt.FocusPolicy.NoFocus
                ),
                None,
            )
            if first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_errors(self, errors: Mapping[str, str], focus_first: bool = False) -> None:
        """Show each field's message; ``focus_first`` (after Save) moves to the first
        invalid field. While the user types, focus stays where they are."""
        unplaced = []
        first_invalid: QWidget | None = None
        for name, (widget, label) in self._fields.items():
            message = errors.get(name, "")
            label.setText(message)
            label.setVisible(bool(message))
            set_invalid(widget, bool(message))
            if message and first_invalid is None:
                first_invalid = widget
        for name, message in errors.items():
            if name not in self._fields:
                unplaced.append(message)
        self.general_error.setText("\n".join(unplaced))
        self.general_error.setVisible(bool(unplaced))
        if focus_first and first_invalid is not None:
            first_invalid.setFocus()

    def collect(self) -> Any:
        raise NotImplementedError

    def save(self, data: Any) -> Outcome[Any]:
        raise NotImplementedError

    def accept(self) -> None:
        data = self.collect()
        errors = data.validate()
        self._attempted = True
        if errors:
            self.show_errors(errors, focus_first=True)
            return
        try:
            self.outcome = self.save(data)
        except ValidationError as exc:
            self.show_errors(exc.errors, focus_first=True)
            return
        self.show_errors({})
        super().accept()
