"""Paints board cards: name, title and employer, days in stage (flagged past the SLA),
where the client stands on them (submitted, interested, …), the scorecards' stars, tags and
source. One delegate paints every card; there is no widget per card, and each card's picture
is kept for the next repaint."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.services.pipeline.board import Card
from app.store.enums import SubmittalStatus
from app.ui.board.model import CARD_ROLE, SLA_ROLE, SUBMITTAL_MARKS
from app.ui.theme import Palette

CARD_HEIGHT = 92
COMBINED_EXTRA = 18
MARGIN = 6
PADDING = 10
# Cards painted, kept as pixmaps: a board repaints every visible card whenever the window is
# laid out again (a dock opening, a resize) or scrolled, and drawing a card's text and chips
# costs about 20 times drawing its picture. Keyed by everything a card shows.
CARD_CACHE_SIZE = 400


def score_text(card: Card) -> str:
    """The card's stars: its scorecards' average rounded to whole stars, then how many
    scorecards ("★★★★☆ 4.2 (3)"); nothing before the first scorecard."""
    if card.score is None or not card.score_count:
        return ""
    full = max(0, min(5, int(card.score + 0.5)))  # half a star up, as people round
    return f"{'★' * full}{'☆' * (5 - full)} {card.score:.1f} ({card.score_count})"


class CardDelegate(QStyledItemDelegate):
    def __init__(self, palette: Palette, combined: bool = False, parent: object = None):
        super().__init__(parent)
        self.palette = palette
        self.combined = combined
        self.now = dt.datetime.now(dt.UTC)
        self._cards: dict[tuple, QPixmap] = {}  # in the order last painted (see CARD_CACHE_SIZE)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        height = CARD_HEIGHT + (COMBINED_EXTRA if self.combined else 0)
        return QSize(220, height)  # the list view stretches it to the column's width

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        card: Card | None = index.data(CARD_ROLE)
        if card is None:
            return
        sla_days: int | None = index.data(SLA_ROLE)  # its own stage's, on combined boards too
        days = card.days_in_stage(self.now)
        late = card.is_overdue(sla_days, self.now)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        ratio = painter.device().devicePixelRatioF()
        size = option.rect.size()
        key = (
            card.name,
            card.current_title,
            card.current_employer,
            card.job_title,
            card.client_name,
            card.rejection_reason,
            card.tags[:2],
            card.submittal,
            card.score,
            card.score_count,
            card.source,
            days,
            late,
            selected,
            size.width(),
            size.height(),
            ratio,
            option.font.key(),
        )
        pixmap = self._cards.pop(key, None)
        if pixmap is None:
            pixmap = QPixmap(size * ratio)
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            card_painter = QPainter(pixmap)
            try:
                self._paint_card(
                    card_painter, QRect(QPoint(0, 0), size), option.font, card, days, late, selected
                )
            finally:
                card_painter.end()
            if len(self._cards) >= CARD_CACHE_SIZE:
                del self._cards[next(iter(self._cards))]  # the least recently painted
        self._cards[key] = pixmap  # (re)inserted last: the most recently painted
        painter.drawPixmap(option.rect.topLeft(), pixmap)

    def _paint_card(
        self,
        painter: QPainter,
        rect: QRect,
        font: QFont,
        card: Card,
        days: int,
        late: bool,
        selected: bool,
    ) -> None:
        p = self.palette
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        box = QRectF(rect.adjusted(MARGIN, MARGIN // 2, -MARGIN, -MARGIN // 2))
        painter.setPen(QPen(QColor(p.accent if selected else p.border), 2 if selected else 1))
        painter.setBrush(QColor(p.accent_soft if selected else p.card))
        painter.drawRoundedRect(box, 8, 8)
        inner = box.toRect().adjusted(PADDING, PADDING - 2, -PADDING, -PADDING + 2)

        base = QFont(font)
        bold = QFont(base)
        bold.setBold(True)
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() - 1))
        text_color = QColor(p.text)
        muted = QColor(p.text_muted)

        # Line 1: name, rating on the right.
        painter.setFont(small)
        stars = score_text(card)
        star_width = QFontMetrics(small).horizontalAdvance(stars)
        painter.setPen(QColor(p.warning))
        line_height = QFontMetrics(bold).height()
        painter.drawText(
            QRect(inner.right() - star_width, inner.top(), star_width, line_height),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            stars,
        )
        painter.setFont(bold)
        painter.setPen(text_color)
        name_rect = QRect(inner.left(), inner.top(), inner.width() - star_width - 6, line_height)
        painter.drawText(
            name_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            QFontMetrics(bold).elidedText(
                card.name, Qt.TextElideMode.ElideRight, name_rect.width()
            ),
        )
        y = inner.top() + line_height + 2

        # Line 2: title · employer.
        painter.setFont(base)
        painter.setPen(muted)
        role = " · ".join(part for part in (card.current_title, card.current_employer) if part)
        metrics = QFontMetrics(base)
        painter.drawText(
            QRect(inner.left(), y, inner.width(), metrics.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(role or "—", Qt.TextElideMode.ElideRight, inner.width()),
        )
        y += metrics.height() + 2
        if self.combined:
            painter.setFont(small)
            job = f"{card.job_title} — {card.client_name}"
            small_metrics = QFontMetrics(small)
            painter.drawText(
                QRect(inner.left(), y, inner.width(), small_metrics.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                small_metrics.elidedText(job, Qt.TextElideMode.ElideRight, inner.width()),
            )
            y += COMBINED_EXTRA

        # Bottom line: days in stage (flagged past the SLA), tags, source on the right.
        painter.setFont(small)
        small_metrics = QFontMetrics(small)
        chip_height = small_metrics.height() + 4
        chip_y = inner.bottom() - chip_height
        x = inner.left()
        label = f"{days}d in stage" if not card.rejection_reason else card.rejection_reason
        x = self._chip(
            painter,
            x,
            chip_y,
            chip_height,
            label,
            small_metrics,
            QColor(p.danger) if late else QColor(p.surface_alt),
            QColor("#ffffff") if late else muted,
            inner.right(),
        )
        if card.submittal:
            background, foreground = self._submittal_colours(card.submittal)
            x = self._chip(
                painter,
                x + 4,
                chip_y,
                chip_height,
                SUBMITTAL_MARKS.get(card.submittal, card.submittal),
                small_metrics,
                background,
                foreground,
                inner.right(),
            )
        for tag in card.tags[:2]:
            x = self._chip(
                painter,
                x + 4,
                chip_y,
                chip_height,
                tag,
                small_metrics,
                QColor(p.accent_soft),
                QColor(p.accent),
                inner.right(),
            )
        if card.source:
            source_width = small_metrics.horizontalAdvance(card.source)
            if inner.right() - source_width > x + 8:
                painter.setPen(muted)
                painter.drawText(
                    QRect(inner.right() - source_width, chip_y, source_width, chip_height),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                    card.source,
                )

    def _submittal_colours(self, status: str) -> tuple[QColor, QColor]:
        p = self.palette
        if status == SubmittalStatus.DECLINED:
            return QColor(p.danger_soft), QColor(p.danger)
        if status == SubmittalStatus.SUBMITTED:
            return QColor(p.surface_alt), QColor(p.text)
        return QColor(p.success), QColor("#ffffff")

    @staticmethod
    def _chip(
        painter: QPainter,
        x: int,
        y: int,
        height: int,
        text: str,
        metrics: QFontMetrics,
        background: QColor,
        foreground: QColor,
        limit: int,
    ) -> int:
        width = min(metrics.horizontalAdvance(text) + 14, max(0, limit - x))
        if width <= 12:
            return x
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(background)
        painter.drawRoundedRect(QRectF(x, y, width, height), height / 2, height / 2)
        painter.setPen(foreground)
        painter.drawText(
            QRect(x + 6, y, width - 12, height),
            Qt.AlignmentFlag.AlignCenter,
            metrics.elidedText(text, Qt.TextElideMode.ElideRight, width - 12),
        )
        return x + width
