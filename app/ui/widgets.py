"""Small building blocks shared by the sections: headers, empty states, metric cards."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget


class SectionHeader(QWidget):
    """A section's title, a one-line summary under it, and its main actions on the right."""

    def __init__(self, title: str, subtitle: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        text = QVBoxLayout()
        text.setSpacing(2)
        self.title = QLabel(title)
        self.title.setProperty("role", "title")
        self.subtitle = QLabel(subtitle)
        self.subtitle.setProperty("role", "muted")
        # Wraps in a narrow window instead of holding the whole section (and the window) wide.
        self.subtitle.setWordWrap(True)
        self.subtitle.setMinimumWidth(120)
        text.addWidget(self.title)
        text.addWidget(self.subtitle)
        row.addLayout(text, 1)
        self.actions = QHBoxLayout()
        self.actions.setSpacing(8)
        row.addLayout(self.actions)

    def add_action(self, widget: QWidget) -> None:
        self.actions.addWidget(widget)


class EmptyState(QWidget):
    """What a section shows when it has nothing yet: what it is for and how to start."""

    def __init__(self, heading: str, explanation: str, parent: QWidget | None = None):
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.addStretch(1)
        title = QLabel(heading)
        title.setProperty("role", "subtitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body = QLabel(explanation)
        body.setProperty("role", "muted")
        body.setWordWrap(True)
        body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body.setMaximumWidth(520)
        column.addWidget(title)
        column.addWidget(body, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(2)


class MetricCard(QFrame):
    """A figure with its label, for dashboards."""

    def __init__(self, label: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("role", "card")
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 14, 16, 14)
        column.setSpacing(4)
        self.caption = QLabel(label)
        self.caption.setProperty("role", "muted")
        self.value = QLabel("–")
        self.value.setProperty("role", "metric")
        self.detail = QLabel("")
        self.detail.setProperty("role", "muted")
        column.addWidget(self.caption)
        column.addWidget(self.value)
        column.addWidget(self.detail)

    def set_value(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)


def section_layout(widget: QWidget) -> QVBoxLayout:
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(24, 20, 24, 16)
    layout.setSpacing(14)
    return layout


class ReloadsWhenShown(QWidget):
    """A section that reloads on a change only while it is on screen; a hidden one notes
    that it is stale and reloads when next shown (a change to anything would otherwise
    reload a list nobody is looking at). Subclasses define ``reload``."""

    stale = False

    def reload(self) -> None:
        raise NotImplementedError

    def on_changes(self, changes: object) -> None:
        if self.isVisible():
            self.reload()
        else:
            self.stale = True

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.stale:
            self.stale = False
            self.reload()
