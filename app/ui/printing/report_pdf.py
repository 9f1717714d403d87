"""A report as a PDF in the agency's branding: a band in its primary colour with its logo and
name, the chart, the table and the totals, and its footer on every page.

Drawn like the candidate profile (`profile_pdf`): a `QTextDocument` laid out in pages onto a
`QPdfWriter`; the chart comes in as an image already drawn.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import (
    QImage,
)

from app.mail.account import BrandingSettings
from app.services.admin.report_defs import Report
from app.ui.printing.branded_page import (
    MUTED,
    Furniture,
    render_branded_pdf,
)
from app.ui.saving import write_atomically

CHART_URL = QUrl("report://chart")


def render_report_pdf(
    report: Report, brand: BrandingSettings, chart: QImage | None, period: str
) -> bytes:
    with_chart = chart is not None and not chart.isNull()
    furniture = Furniture(
        brand.primary_color,
        brand.accent_color,
        brand.logo,
        brand.agency_name,
        f"{report.title}\n{period}",
        (brand.footer or brand.agency_name,),
    )
    return render_branded_pdf(
        f"{report.title}, {period}",
        brand.agency_name or "Hirebench",
        furniture,
        lambda width: report_html(report, brand, period, with_chart, width),
        {CHART_URL: chart} if with_chart and chart is not None else None,
    )


def write_report_pdf(
    report: Report, brand: BrandingSettings, chart: QImage | None, period: str, path: Path
) -> None:
    """Write the PDF to ``path`` (replaced whole)."""
    write_atomically(path, render_report_pdf(report, brand, chart, period))


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
