"""The pages of a PDF resume, fitted to the width and scrolled, with the rectangles where the
selected field's value is printed drawn over them.

Pages arrive as `PageImage` renders made off the GUI thread (``app.parsing.locate``); the
rectangles are in page points and are scaled with the page, so they stay on the words
whatever the window's size.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QImage,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QScrollArea, QWidget

from app.parsing.locate import PageHit, PageImage

MARGIN = 8  # pixels around and between pages
MIN_ZOOM, MAX_ZOOM = 1.0, 3.0


def to_qimage(page: PageImage) -> QImage:
    """A deep copy, so the image does not depend on the render's buffer."""
    kind = QImage.Format.Format_RGBA8888 if page.channels == 4 else QImage.Format.Format_RGB888
    return QImage(page.pixels, page.width, page.height, page.stride, kind).copy()


class _Pages(QWidget):
    """Draws the pages one under another and the highlight over them."""

    def __init__(self, view: PageView):
        super().__init__()
        self.view = view
        self.images: list[QImage] = []
        self.sizes: list[tuple[float, float]] = []  # in points
        self.hits: tuple[PageHit, ...] = ()

    def page_rects(self) -> list[QRectF]:
        """Where each page is drawn, in this widget's coordinates."""
        width = max(50.0, self.width() - 2.0 * MARGIN)
        rects: list[QRectF] = []
        top = float(MARGIN)
        for page_width, page_height in self.sizes:
            height = width * page_height / page_width if page_width else 0.0
            rects.append(QRectF(MARGIN, top, width, height))
            top += height + MARGIN
        return rects

    def overlay_rects(self) -> list[QRectF]:
        """The highlight rectangles as drawn, in this widget's coordinates."""
        pages = self.page_rects()
        out: list[QRectF] = []
        for hit in self.hits:
            if hit.page >= len(pages):
                continue
            page = pages[hit.page]
            scale = page.width() / self.sizes[hit.page][0]
            for box in hit.boxes:
                out.append(
                    QRectF(
                        QPointF(page.left() + box.left * scale, page.top() + box.top * scale),
                        QPointF(page.left() + box.right * scale, page.top() + box.bottom * scale),
                    ).adjusted(-2, -2, 2, 2)
                )
        return out

    def sizeHint(self) -> QSize:
        rects = self.page_rects()
        return QSize(400, int(rects[-1].bottom() + MARGIN) if rects else 100)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        exposed = event.rect()
        border = self.palette().color(QPalette.ColorRole.Mid)
        for image, rect in zip(self.images, self.page_rects(), strict=False):
            if not rect.intersects(QRectF(exposed)):
                continue
            painter.setPen(QPen(border, 1))
            painter.drawRect(rect.adjusted(-1, -1, 0, 0))
            painter.drawImage(rect, image)
        # The page is paper-white in both themes: a strong accent outline with a light fill
        # reads on it whatever the window's colours.
        accent = self.palette().color(QPalette.ColorRole.Highlight)
        fill = QColor(accent)
        fill.setAlpha(60)
        painter.setPen(QPen(accent, 2))
        painter.setBrush(fill)
        for rect in self.overlay_rects():
            painter.drawRoundedRect(rect, 2, 2)
        painter.end()


class PageView(QScrollArea):
    """Pages fitted to the viewport's width (Ctrl+wheel zooms from there); the view scrolls
    to a highlighted value."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("resumePages")
        self.pages = _Pages(self)
        self.pages.setObjectName("resumePageCanvas")
        self.setWidget(self.pages)
        self.setWidgetResizable(False)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.zoom = 1.0  # times the viewport's width
        self.setToolTip("Ctrl+wheel to zoom")

    def set_zoom(self, zoom: float) -> None:
        self.zoom = min(MAX_ZOOM, max(MIN_ZOOM, zoom))
        self._fit()
        self.highlight(self.pages.hits)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            self.set_zoom(self.zoom * (1.25**steps))
            event.accept()
            return
        super().wheelEvent(event)

    def set_pages(self, images: Sequence[QImage], sizes: Sequence[tuple[float, float]]) -> None:
        self.pages.images, self.pages.sizes = list(images), list(sizes)
        self.pages.hits = ()
        self._fit()
        self.verticalScrollBar().setValue(0)

    def clear(self) -> None:
        self.set_pages([], [])

    def highlight(self, hits: Sequence[PageHit]) -> None:
        """Draw ``hits`` over the pages and scroll the first into view."""
        self.pages.hits = tuple(hits)
        self.pages.update()
        rects = self.pages.overlay_rects()
        if rects:
            first = rects[0]
            center = first.center()
            margin_x = min(int(first.width() / 2) + 16, self.viewport().width() // 2)
            margin_y = min(int(first.height() / 2) + 48, self.viewport().height() // 2)
            self.ensureVisible(int(center.x()), int(center.y()), margin_x, margin_y)

    def overlay_rects(self) -> list[QRectF]:
        return self.pages.overlay_rects()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        width = int(self.viewport().width() * self.zoom)
        self.pages.resize(width, 1)  # the height follows from the width
        self.pages.resize(width, self.pages.sizeHint().height())
        self.pages.update()
