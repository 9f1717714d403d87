"""Paints board cards: name, title and employer, days in stage (flagged past the SLA),
where the client stands on them (submitted, interested, …), the scorecards' stars, tags and
source. One delegate paints every card; there is no widget per card."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.services.pipeline.board import Card
from app.store.enums import SubmittalStatus
from app.ui.board.model import CARD_ROLE, SLA_ROLE, SUBMITTAL_MARKS
from app.ui.theme import Palette

CARD_HEIGHT = 92
COMBINED_EXTRA = 18
MARGIN = 6
PADDING = 10


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
        p = self.palette
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        box = QRectF(option.rect.adjusted(MARGIN, MARGIN // 2, -MARGIN, -MARGIN // 2))
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setPen(QPen(QColor(p.accent if selected else p.border), 2 if selected else 1))
        painter.setBrush(QColor(p.accent_soft if selected else p.card))
        painter.drawRoundedRect(box, 8, 8)
        inner = box.toRect().adjusted(PADDING, PADDING - 2, -PADDING, -PADDING + 2)

        base = QFont(option.font)
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
        days = card.days_in_stage(self.now)
        late = card.is_overdue(sla_days, self.now)
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
        painter.restore()

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
