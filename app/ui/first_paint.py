"""Work that should wait until a window's first frame is drawn.

A zero-delay timer set while the window is built fires before that window is painted: the
platform's expose, and with it the first paint, come after the event loop's first turns.
Work started there (a background count, a thread importing modules) then shares the
interpreter with the first paint and delays it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], None]):
        super().__init__(widget)
        self._widget = widget
        self._callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            # After the whole frame (the children paint after their window), not within it.
            QTimer.singleShot(0, self._widget, self._callback)
            self.deleteLater()
        return False


def after_first_paint(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call ``callback`` on the GUI thread once ``widget`` has first been painted."""
    _FirstPaint(widget, callback)
