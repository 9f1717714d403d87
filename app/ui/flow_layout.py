"""A layout that wraps its widgets onto more lines when the row is too narrow.

Toolbars and filter rows use it so that a section still fits a 1024-pixel window (with the
sidebar at its full width): the buttons move to a second line instead of forcing the window
wider or squeezing the sidebar.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QWidget


class FlowLayout(QLayout):
    """Left-to-right, wrapping; items keep their size hints (an expanding one takes the rest
    of its line)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        # Size hints, kept until Qt says something changed: a layout pass asks for the
        # height at a width several times, and tool buttons measure their text each time.
        self._hints: list[QSize] | None = None
        self._heights: dict[int, int] = {}
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)
        self.invalidate()

    def invalidate(self) -> None:
        self._hints = None
        self._heights.clear()
        super().invalidate()

    def _sizes(self) -> list[QSize]:
        if self._hints is None:
            self._hints = [item.sizeHint() for item in self._items]
        return self._hints

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        if not 0 <= index < len(self._items):
            return None
        self.invalidate()
        return self._items.pop(index)

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        if width not in self._heights:
            self._heights[width] = self._arrange(QRect(0, 0, width, 0), move=False)
        return self._heights[width]

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        hints = self._sizes()
        width = sum(hint.width() for hint in hints)
        width += self._spacing * max(0, len(hints) - 1)
        height = max((hint.height() for hint in hints), default=0)
        margins = self.contentsMargins()
        return QSize(width + margins.left() + margins.right(), height)

    def minimumSize(self) -> QSize:
        """As narrow as the widest single item: everything else can wrap."""
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        lines: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        used = 0
        for item, hint in zip(self._items, self._sizes(), strict=True):
            if item.isEmpty():
                continue
            width = hint.width()
            needed = width if not lines[-1] else used + self._spacing + width
            if lines[-1] and needed > area.width():
                lines.append([])
                used = width
            else:
                used = needed
            lines[-1].append((item, hint))
        y = area.y()
        for line in lines:
            if not line:
                continue
            height = max(hint.height() for _item, hint in line)
            if move:
                self._place(line, QRect(area.x(), y, area.width(), height))
            y += height + self._spacing
        return y - self._spacing - rect.y() + margins.bottom()

    def _place(self, line: list[tuple[QLayoutItem, QSize]], row: QRect) -> None:
        natural = sum(hint.width() for _item, hint in line)
        natural += self._spacing * (len(line) - 1)
        spare = max(0, row.width() - natural)
        growing = [item for item, _hint in line if _expands(item)]
        extra = spare // len(growing) if growing else 0
        x = row.x()
        for item, hint in line:
            width = hint.width() + (extra if item in growing else 0)
            item.setGeometry(QRect(QPoint(x, row.y()), QSize(width, row.height())))
            x += width + self._spacing


def _expands(item: QLayoutItem) -> bool:
    widget = item.widget()
    if widget is None:
        return bool(item.expandingDirections() & Qt.Orientation.Horizontal)
    policy = widget.sizePolicy().horizontalPolicy()
    return bool(policy.value & QSizePolicy.PolicyFlag.ExpandFlag.value)
