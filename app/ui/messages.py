"""Saying things to the user the same way everywhere: an error in their words, a status line
in its role (muted or error), and the question before something that cannot be undone."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.pipeline.conflicts import VersionConflictError
from app.store.errors import describe_database_error


def reason(error: BaseException) -> str:
    """An error in the user's words: a form's messages, or the error's own text."""
    if isinstance(error, ValidationError):
        return "; ".join(error.errors.values())
    if isinstance(error, NotFoundError | VersionConflictError):
        return str(error)
    return describe_database_error(error)  # a full disk, a locked database, a bad folder…


def error_label(object_name: str = "") -> QLabel:
    """A hidden, wrapping label in the error role, shown by whoever has an error to say."""
    label = QLabel()
    if object_name:
        label.setObjectName(object_name)
    label.setProperty("role", "error")
    label.setWordWrap(True)
    label.hide()
    return label


def say(label: QLabel, text: str, error: bool = False) -> None:
    """Show ``text`` in a status label, styled as an error or muted (restyled at once: Qt
    re-reads a dynamic property only on a re-polish)."""
    label.setText(text)
    label.setProperty("role", "error" if error else "muted")
    style = label.style()
    style.unpolish(label)
    style.polish(label)


def confirm_destructive(
    parent: QWidget, title: str, text: str, action: str, object_name: str
) -> bool:
    """Ask before an act that cannot be undone; Cancel is the default. ``object_name`` names
    the act's button (tests and accessibility find it by that name)."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Cancel, parent
    )
    button = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    button.setObjectName(object_name)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is button
