"""The agency's page furniture for every PDF Hirebench draws (profiles, reports): a band in
the primary colour across the top with the logo and the agency's name, and a footer rule in
the accent colour with one line of text and the page number.

Units are device pixels at `DPI`; `MM` converts. Colours come as the branding stores them
("#RRGGBB").
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter

DPI = 300
MM = DPI / 25.4
MARGIN = 16 * MM
BAND = 24 * MM  # the branded band across the top of each page
FOOTER = 14 * MM
GAP = 8 * MM  # between the band and the body
MUTED = "#5b6170"
FONT_FAMILY = "sans-serif"


def on_color(color: QColor) -> QColor:
    """White or near-black, whichever reads better on ``color``."""
    light = 0.299 * color.redF() + 0.587 * color.greenF() + 0.114 * color.blueF()
    return QColor("#111111") if light > 0.6 else QColor("#ffffff")


def font(points: float, bold: bool = False) -> QFont:
    chosen = QFont(FONT_FAMILY)
    chosen.setPointSizeF(points)
    chosen.setBold(bold)
    return chosen


def draw_band(
    painter: QPainter,
    width: int,
    primary_color: str,
    logo: bytes | None,
    name: str,
    right_text: str,
) -> None:
    """The top band: logo and ``name`` on the left, ``right_text`` (two short lines) right."""
    primary = QColor(primary_color)
    painter.fillRect(QRectF(0, 0, width, BAND), primary)
    left = MARGIN
    if logo:
        image = QImage.fromData(logo)
        if not image.isNull():
            box = BAND - 8 * MM
            scaled = image.scaled(
                int(box * 3),
                int(box),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            painter.drawImage(QRectF(left, 4 * MM, scaled.width(), scaled.height()), scaled)
            left += scaled.width() + 4 * MM
    painter.setPen(on_color(primary))
    painter.setFont(font(16, bold=True))
    align = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
    painter.drawText(QRectF(left, 0, width - left - MARGIN, BAND), int(align), name)
    painter.setFont(font(9))
    right = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
    painter.drawText(QRectF(MARGIN, 0, width - 2 * MARGIN, BAND), int(right), right_text)


def draw_footer(
    painter: QPainter,
    width: int,
    height: int,
    accent_color: str,
    parts: Iterable[str | None],
    page: int,
    pages: int,
) -> None:
    """The footer: the accent rule, then ``parts`` as one line (each line of a part, such as
    the branding footer's address and web site, a part of its own) and "page / pages"."""
    top = height - FOOTER + 3 * MM
    painter.fillRect(QRectF(MARGIN, top, width - 2 * MARGIN, 0.6 * MM), QColor(accent_color))
    painter.setPen(QColor(MUTED))
    painter.setFont(font(8))
    box = QRectF(MARGIN, top + 2 * MM, width - 2 * MARGIN, FOOTER - 6 * MM)
    pieces = [piece.strip() for part in parts if part for piece in part.splitlines()]
    line = " · ".join(piece for piece in pieces if piece)
    painter.drawText(box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), line)
    painter.drawText(
        box, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop), f"{page} / {pages}"
    )
