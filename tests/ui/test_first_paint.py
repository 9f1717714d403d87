"""`after_first_paint`: the callback runs once, after the widget's first frame, never before."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel


class PaintLog(QObject):
    def __init__(self, events: list[str]) -> None:
        super().__init__()
        self.events = events

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.events.append("paint")
        return False


def test_the_callback_waits_for_the_first_frame_and_runs_once(qtbot) -> None:
    from app.ui.first_paint import after_first_paint

    events: list[str] = []
    widget = QLabel("first screen")
    qtbot.addWidget(widget)
    log = PaintLog(events)
    widget.installEventFilter(log)
    after_first_paint(widget, lambda: events.append("callback"))
    qtbot.wait(50)
    assert events == []  # built, not shown: nothing painted, nothing run
    widget.show()
    qtbot.waitUntil(lambda: "callback" in events)
    assert events[0] == "paint"
    widget.update()
    widget.repaint()
    qtbot.wait(50)
    assert events.count("callback") == 1
