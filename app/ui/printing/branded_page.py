"""Every PDF Hirebench draws (profiles, reports): an HTML body laid out in A4 pages by a
`QTextDocument` onto a `QPdfWriter`, each page with the agency's furniture — a band in the
primary colour across the top with the logo and the agency's name, and a footer rule in the
accent colour with one line of text and the page number.

Units are device pixels at `DPI`; `MM` converts. Colours come as the branding stores them
("#RRGGBB").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

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


@dataclass(frozen=True)
class Furniture:
    """What every page of one PDF carries besides its body."""

    primary_color: str
    accent_color: str
    logo: bytes | None
    name: str  # the agency's, in the band
    heading: str  # the band's right-hand side: what the document is, and when
    footer_parts: tuple[str | None, ...]


def render_branded_pdf(
    title: str,
    creator: str,
    furniture: Furniture,
    body_html: Callable[[int], str],
    images: Mapping[QUrl, QImage] | None = None,
) -> bytes:
    """The PDF's bytes. ``body_html`` gets the body's width in device pixels (an image can be
    sized to it); ``images`` are the resources its ``<img src>`` names."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    writer.setTitle(title)
    writer.setCreator(creator)
    width, height = writer.width(), writer.height()
    body = QRectF(MARGIN, BAND + GAP, width - 2 * MARGIN, height - BAND - GAP - FOOTER)
    text = QTextDocument()
    text.documentLayout().setPaintDevice(writer)
    text.setDefaultFont(QFont(FONT_FAMILY, 10))
    text.setDocumentMargin(0)
    text.setPageSize(QSizeF(body.width(), body.height()))
    for url, image in (images or {}).items():
        text.addResource(QTextDocument.ResourceType.ImageResource, url, image)
    text.setHtml(body_html(int(body.width())))
    pages = max(1, text.pageCount())
    painter = QPainter(writer)
    try:
        for page in range(pages):
            if page:
                writer.newPage()
            f = furniture
            draw_band(painter, width, f.primary_color, f.logo, f.name, f.heading)
            draw_footer(painter, width, height, f.accent_color, f.footer_parts, page + 1, pages)
            painter.save()
            painter.translate(body.left(), body.top() - page * body.height())
            clip = QRectF(0, page * body.height(), body.width(), body.height())
            painter.setClipRect(clip)
            text.drawContents(painter, clip)
            painter.restore()
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())
