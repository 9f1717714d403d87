"""A report as a PDF in the agency's branding: a band in its primary colour with its logo and
name, the chart, the table and the totals, and its footer on every page.

Drawn like the candidate profile (`profile_pdf`): a `QTextDocument` laid out in pages onto a
`QPdfWriter`; the chart comes in as an image already drawn.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, QUrl
from PySide6.QtGui import (
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from app.mail.account import BrandingSettings
from app.services.admin.report_defs import Report
from app.ui.printing.branded_page import (
    BAND,
    DPI,
    FONT_FAMILY,
    FOOTER,
    GAP,
    MARGIN,
    MUTED,
    draw_band,
    draw_footer,
)

CHART_URL = QUrl("report://chart")


def render_report_pdf(
    report: Report, brand: BrandingSettings, chart: QImage | None, period: str
) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    _render(report, brand, chart, period, buffer)
    buffer.close()
    return bytes(data.data())


def write_report_pdf(
    report: Report, brand: BrandingSettings, chart: QImage | None, period: str, path: Path
) -> None:
    """Write the PDF to ``path`` (replaced whole: written beside it, then renamed)."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(render_report_pdf(report, brand, chart, period))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def _render(
    report: Report,
    brand: BrandingSettings,
    chart: QImage | None,
    period: str,
    device: QIODevice,
) -> None:
    writer = QPdfWriter(device)
    writer.setResolution(DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    writer.setTitle(f"{report.title}, {period}")
    writer.setCreator(brand.agency_name or "Hirebench")
    width, height = writer.width(), writer.height()
    body = QRectF(MARGIN, BAND + GAP, width - 2 * MARGIN, height - BAND - GAP - FOOTER)
    text = QTextDocument()
    text.documentLayout().setPaintDevice(writer)
    text.setDefaultFont(QFont(FONT_FAMILY, 10))
    text.setDocumentMargin(0)
    text.setPageSize(QSizeF(body.width(), body.height()))
    if chart is not None and not chart.isNull():
        text.addResource(QTextDocument.ResourceType.ImageResource, CHART_URL, chart)
    text.setHtml(report_html(report, brand, period, chart is not None and not chart.isNull(),
                             int(body.width())))  # fmt: skip
    pages = max(1, text.pageCount())
    painter = QPainter(writer)
    try:
        for page in range(pages):
            if page:
                writer.newPage()
            _band(painter, brand, report, period, width)
            _footer(painter, brand, width, height, page + 1, pages)
            painter.save()
            painter.translate(body.left(), body.top() - page * body.height())
            clip = QRectF(0, page * body.height(), body.width(), body.height())
            painter.setClipRect(clip)
            text.drawContents(painter, clip)
            painter.restore()
    finally:
        painter.end()


def _band(
    painter: QPainter, brand: BrandingSettings, report: Report, period: str, width: int
) -> None:
    draw_band(
        painter,
        width,
        brand.primary_color,
        brand.logo,
        brand.agency_name,
        f"{report.title}\n{period}",
    )


def _footer(
    painter: QPainter, brand: BrandingSettings, width: int, height: int, page: int, pages: int
) -> None:
    parts = [brand.footer or brand.agency_name]
    draw_footer(painter, width, height, brand.accent_color, parts, page, pages)


def _cell(value: object) -> str:
    return "–" if value is None else html.escape(str(value))


def report_html(
    report: Report, brand: BrandingSettings, period: str, with_chart: bool, width: int
) -> str:
    """The body: title, period, chart, table and totals; every value escaped."""
    accent = brand.accent_color
    out = [
        f'<h1 style="color:{accent}; font-size:18pt; margin:0;">{html.escape(report.title)}</h1>',
        f'<p style="color:{MUTED};">{html.escape(period)}</p>',
    ]
    if with_chart:
        out.append(f'<p><img src="{CHART_URL.toString()}" width="{width}"></p>')
    head = "".join(
        f'<th align="left" style="color:{accent};">{html.escape(c)}</th>' for c in report.columns
    )
    rows = "".join(
        "<tr>" + "".join(f"<td>{_cell(value)}</td>" for value in row) + "</tr>"
        for row in report.rows
    )
    out.append(
        f'<table width="100%" cellspacing="0" cellpadding="4" border="0">'
        f"<tr>{head}</tr>{rows}</table>"
    )
    totals = " &nbsp;·&nbsp; ".join(
        f"{html.escape(key.replace('_', ' '))}: {_cell(value)}"
        for key, value in report.totals.items()
    )
    if totals:
        out.append(f'<p style="color:{MUTED}; margin-top:10px;">{totals}</p>')
    return "<html><body>" + "".join(out) + "</body></html>"
