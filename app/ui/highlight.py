"""Search matches shown in bold, not as the ``[word]`` markers the search service puts in.

The service marks each matched word of a snippet as ``[word]`` (readable as plain text on a
terminal). Views split that into the plain text and the spans to emphasise; the delegate
paints the spans bold, so brackets never reach the screen.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

# A marked word: brackets around a run with no spaces or brackets inside.
_MARK = re.compile(r"\[([^\[\]\s]+)\]")
HIGHLIGHT_ROLE = Qt.ItemDataRole.UserRole + 40  # (start, length) spans in the display text

Spans = tuple[tuple[int, int], ...]


def split_marks(snippet: str | None) -> tuple[str, Spans]:
    """The snippet's text without markers, one line, and where its marked words are."""
    text = " ".join((snippet or "").split())
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    cursor = length = 0
    for found in _MARK.finditer(text):
        before = text[cursor : found.start()]
        plain.append(before)
        length += len(before)
        word = found.group(1)
        spans.append((length, len(word)))
        plain.append(word)
        length += len(word)
        cursor = found.end()
    plain.append(text[cursor:])
    return "".join(plain), tuple(spans)


def as_html(text: str, spans: Spans) -> str:
    """``text`` as escaped HTML with the spans in bold."""
    pieces: list[str] = []
    cursor = 0
    for start, length in spans:
        pieces.append(html.escape(text[cursor:start]))
        pieces.append(f"<b>{html.escape(text[start : start + length])}</b>")
        cursor = start + length
    pieces.append(html.escape(text[cursor:]))
    return "".join(pieces)


class HighlightDelegate(QStyledItemDelegate):
    """Paints a cell's text with the spans from `HIGHLIGHT_ROLE` in bold."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        spans = index.data(HIGHLIGHT_ROLE)
        if not spans:
            super().paint(painter, option, index)
            return
        options = QStyleOptionViewItem(option)
        self.initStyleOption(options, index)
        text = options.text
        options.text = ""
        style = options.widget.style() if options.widget else None
        if style is not None:
            style.drawControl(
                QStyle.ControlElement.CE_ItemViewItem, options, painter, options.widget
            )
        document = QTextDocument()
        document.setDefaultFont(options.font)
        document.setDocumentMargin(0)
        document.setHtml(as_html(text, spans))
        area = options.rect.adjusted(6, 0, -6, 0)
        selected = bool(options.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, options.palette.color(role))
        painter.save()
        top = area.top() + (area.height() - document.size().height()) / 2
        painter.translate(area.left(), top)
        painter.setClipRect(QRectF(0, 0, area.width(), area.height()))
        document.documentLayout().draw(painter, context)
        painter.restore()
