"""Input rules for the whole application, installed once as an application event filter.

Scrolling a long form or settings page with the mouse wheel must scroll the page: a spin
box or combo box that merely passes under the pointer must not change its value (a
recruiter's openings count or rate limit changed that way goes unnoticed). Such a field
takes wheel input only once it has focus (clicked or tabbed into).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

_GUARDED = (QAbstractSpinBox, QComboBox)


def _guarded_field(widget: QWidget) -> QWidget | None:
    """The spin box or combo ``widget`` belongs to (it may be its line edit), if any."""
    current: QWidget | None = widget
    for _ in range(3):  # the field itself, or its editor one or two levels down
        if current is None:
            return None
        if isinstance(current, _GUARDED):
            return current
        current = current.parentWidget()
    return None


class WheelGuard(QObject):
    """Sends wheel turns over an unfocused spin box or combo on to the page behind it."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget):
            return False
        field = _guarded_field(watched)
        focus = QApplication.focusWidget()
        if field is None or field.hasFocus() or (focus is not None and field.isAncestorOf(focus)):
            return False
        assert isinstance(event, QWheelEvent)
        _pass_to_ancestors(field, event)
        return True  # the field itself never sees it


def _pass_to_ancestors(field: QWidget, event: QWheelEvent) -> None:
    """Offer the turn to each enclosing widget until one (a scroll area) takes it.

    Qt itself propagates only wheel events that come from the system, so the copy is handed
    up the chain by hand.
    """
    target = field.parentWidget()
    while target is not None:
        position = field.mapTo(target, event.position().toPoint())
        passed_on = QWheelEvent(
            position,
            event.globalPosition(),
            event.pixelDelta(),
            event.angleDelta(),
            event.buttons(),
            event.modifiers(),
            event.phase(),
            event.inverted(),
        )
        QApplication.sendEvent(target, passed_on)
        if passed_on.isAccepted() or target.isWindow():
            return
        target = target.parentWidget()


def install_wheel_guard(app: QApplication) -> WheelGuard:
    """Install the guard on ``app`` once; later calls return the same one."""
    existing = app.findChild(WheelGuard)
    if existing is not None:
        return existing
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    return guard
