"""Coalesce bursts of reload requests into one reload per interval.

A 1,000-message campaign reports 1,000 state changes; the views must not run their queries
1,000 times. A hidden panel reloads only when it is shown again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

DEFAULT_INTERVAL_MS = 500


class ReloadThrottle(QObject):
    """Calls ``reload`` at most once per ``interval_ms`` after `request`, never while
    ``widget`` is hidden (then once when it is shown: call `shown` from its showEvent)."""

    def __init__(
        self,
        widget: QWidget,
        reload: Callable[[], None],
        interval_ms: int = DEFAULT_INTERVAL_MS,
    ):
        super().__init__(widget)
        self.widget = widget
        self.reload = reload
        self.pending = False  # a request arrived while hidden
        self.reloads = 0  # how many reloads ran, for tests and diagnostics
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._fire)

    def request(self) -> None:
        """Something changed: reload soon (the first request of a burst starts the clock)."""
        if not self.widget.isVisible():
            self.pending = True
            return
        if not self.timer.isActive():
            self.timer.start()

    def now(self) -> None:
        """Reload at once (the user acted here) and drop a reload already scheduled."""
        self.timer.stop()
        self.pending = False
        self._run()

    def shown(self) -> None:
        if self.pending:
            self.pending = False
            self._run()

    def _fire(self) -> None:
        if not self.widget.isVisible():
            self.pending = True
            return
        self._run()

    def _run(self) -> None:
        self.reloads += 1
        self.reload()
