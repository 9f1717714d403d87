"""The review screen's original: a PDF as its pages, other files as their extracted text,
with the chosen value outlined where it is printed.

Rendering pages and finding values (PDFium) run through `BackgroundOps`; the answer for a
file the recruiter has already left is dropped (a newer "original" supersedes it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QColor, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QLabel,
    QPlainTextEdit,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.parsing.locate import PageHit, TextHit, locate_in_pdf, locate_in_text, render_pdf
from app.services.intake.review import ReviewItem
from app.ui.background import BackgroundOps
from app.ui.intake.page_view import PageView, to_qimage

PDF = "application/pdf"
NOT_FOUND = "Not found as printed in the original — compare by eye."


def load_pdf(path: Path, wanted: dict[str, list[str]], scale: float) -> tuple[list, list]:
    """Page renders and where each value is printed (run off the GUI thread)."""
    return render_pdf(path, scale), locate_in_pdf(path, wanted)


class OriginalView(QWidget):
    def __init__(self, ops: BackgroundOps, parent: QWidget | None = None):
        super().__init__(parent)
        self.ops = ops
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        self.text_view = QPlainTextEdit()
        self.text_view.setReadOnly(True)
        self.text_view.setObjectName("resumeText")
        self.page_view = PageView()
        self.stack.addWidget(self.text_view)
        self.stack.addWidget(self.page_view)
        layout.addWidget(self.stack, 1)
        self.note = QLabel()
        self.note.setObjectName("reviewLocateNote")
        self.note.setProperty("role", "muted")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.page_hits: dict[str, list[PageHit]] = {}
        self.text_hits: dict[str, list[TextHit]] = {}
        self.key: str | None = None
        self.loading = False
        self.failed = ""
        self.shown_text = ""

    def display(self, item: ReviewItem) -> None:
        """Start showing ``item``'s original; pages and positions follow when ready."""
        self.page_hits, self.text_hits, self.failed = {}, {}, ""
        self.loading = True
        self.note.setText("")
        if item.media_type == PDF and item.path.exists():
            self.stack.setCurrentWidget(self.page_view)
            self.page_view.clear()
            scale = self.logicalDpiX() / 72 * self.devicePixelRatioF()
            path, wanted = item.path, dict(item.wanted)
            self.ops.query(
                "original", lambda: load_pdf(path, wanted, scale), self._pages, self._failed
            )
        else:
            self.stack.setCurrentWidget(self.text_view)
            self.text_view.setPlainText(item.text or "(no text)")
            self.shown_text = item.text or ""
            text, wanted = item.text or "", dict(item.wanted)
            self.ops.query(
                "original", lambda: locate_in_text(text, wanted), self._text_hits, self._failed
            )

    def highlight(self, key: str | None) -> None:
        """Outline where ``key``'s values are printed (nothing for None)."""
        self.key = key
        found: bool
        if self.stack.currentWidget() is self.page_view:
            page_hits = self.page_hits.get(key or "", [])
            self.page_view.highlight(page_hits)
            found = bool(page_hits)
        else:
            text_hits = self.text_hits.get(key or "", [])
            self._select_text(text_hits)
            found = bool(text_hits)
        if self.loading:
            self.note.setText("Finding the values in the original…" if key else "")
        elif self.failed:
            self.note.setText(self.failed)
        else:
            self.note.setText(NOT_FOUND if key and not found else "")

    def overlay_rects(self) -> list[Any]:
        """The outlined rectangles on the pages (empty for a text original)."""
        return self.page_view.overlay_rects()

    def text_selections(self) -> list[tuple[int, int]]:
        """The outlined stretches of a text original, as (start, end) offsets."""
        return [
            (s.cursor.selectionStart(), s.cursor.selectionEnd())
            for s in self.text_view.extraSelections()
        ]

    def _pages(self, answer: tuple[list, list]) -> None:
        images, hits = answer
        self.page_view.set_pages(
            [to_qimage(image) for image in images], [image.size for image in images]
        )
        self.page_hits = _by_key(hits)
        self.loading = False
        self.highlight(self.key)

    def _text_hits(self, hits: list[TextHit]) -> None:
        self.text_hits = _by_key(hits)
        self.loading = False
        self.highlight(self.key)

    def _failed(self, error: BaseException) -> None:
        self.loading = False
        self.failed = f"The original could not be shown ({error})."
        self.highlight(self.key)

    def _select_text(self, hits: list[TextHit]) -> None:
        accent = self.palette().color(QPalette.ColorRole.Highlight)
        fill = QColor(accent)
        fill.setAlpha(90)
        selections = []
        for hit in hits:
            selection = QTextEdit.ExtraSelection()
            selection.format = QTextCharFormat()
            selection.format.setBackground(fill)
            selection.format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            selection.format.setUnderlineColor(accent)
            cursor = QTextCursor(self.text_view.document())
            cursor.setPosition(_utf16(self.shown_text, hit.start))
            cursor.setPosition(_utf16(self.shown_text, hit.end), QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selections.append(selection)
        self.text_view.setExtraSelections(selections)
        if selections:
            self.text_view.setTextCursor(QTextCursor(selections[0].cursor.block()))
            self.text_view.ensureCursorVisible()


def _by_key(hits: list[Any]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for hit in hits:
        out.setdefault(hit.key, []).append(hit)
    return out


def _utf16(text: str, index: int) -> int:
    """A Python string index as a Qt text position (characters beyond U+FFFF count two)."""
    return index + sum(1 for char in text[:index] if ord(char) > 0xFFFF)
