"""A report's chart (QtCharts), drawn in the theme's palette: the funnel as horizontal bars,
times as a histogram, sources and campaigns as grouped bars, recruiter activity stacked."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen

from app.services.admin.report_defs import Report
from app.ui.theme import Palette


@dataclass(frozen=True)
class ChartSpec:
    """How a report is charted: which columns are bar sets (None: the report's own
    ``chart`` pairs, one set), and the shape."""

    shape: str  # "bars", "stacked", "funnel" or "histogram"
    columns: tuple[int, ...] | None = None


SPECS: dict[str, ChartSpec] = {
    "time-to-fill": ChartSpec("histogram"),
    "time-to-hire": ChartSpec("histogram"),
    "time-in-stage": ChartSpec("bars", (2, 3)),
    "funnel": ChartSpec("funnel", (1,)),
    "sources": ChartSpec("bars", (1, 2, 3, 4)),
    "activity": ChartSpec("stacked", (1, 2, 3, 4, 5, 6, 7)),
    "campaigns": ChartSpec("bars", (3, 4, 5, 6)),
    "placements": ChartSpec("bars"),
}


def series_colors(palette: Palette) -> list[str]:
    return [
        palette.accent,
        palette.success,
        palette.warning,
        palette.danger,
        palette.accent_pressed,
        palette.text_muted,
        palette.border_strong,
    ]


def _sets(report: Report, spec: ChartSpec) -> tuple[list[str], list[tuple[str, list[float]]]]:
    """Category labels and (name, values) of each bar set."""
    if spec.columns is None:
        labels = [label for label, _value in report.chart]
        return labels, [(report.title, [value for _label, value in report.chart])]
    labels = [str(row[0]) for row in report.rows]
    sets = [
        (report.columns[column], [float(row[column] or 0) for row in report.rows])
        for column in spec.columns
    ]
    return labels, sets


def build_chart(report: Report, palette: Palette) -> QChart:
    """A chart of ``report`` in ``palette``'s colours (nothing drawn for an empty report)."""
    spec = SPECS.get(report.name, ChartSpec("bars"))
    labels, sets = _sets(report, spec)
    chart = QChart()
    chart.setTitle(report.title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundBrush(QBrush(QColor(palette.surface)))
    chart.setTitleBrush(QBrush(QColor(palette.text)))
    chart.legend().setLabelColor(QColor(palette.text))
    chart.legend().setVisible(len(sets) > 1)
    series: QAbstractBarSeries
    if spec.shape == "funnel":
        series = QHorizontalBarSeries()
        labels = labels[::-1]  # the first stage on top
        sets = [(name, values[::-1]) for name, values in sets]
    elif spec.shape == "stacked":
        series = QStackedBarSeries()
    else:
        series = QBarSeries()
    if spec.shape == "histogram":
        series.setBarWidth(0.95)
    colors = series_colors(palette)
    for index, (name, values) in enumerate(sets):
        bar_set = QBarSet(name)
        bar_set.append(values)
        color = QColor(colors[index % len(colors)])
        bar_set.setColor(color)
        bar_set.setBorderColor(color)
        bar_set.setLabelColor(QColor(palette.text))
        series.append(bar_set)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append(labels)
    values_axis = QValueAxis()
    values_axis.setLabelFormat("%g")
    top = max((max(values, default=0.0) for _name, values in sets), default=0.0)
    if spec.shape == "stacked":
        top = max((sum(column) for column in zip(*(v for _n, v in sets), strict=True)), default=0)
    values_axis.setRange(0, max(1.0, top * 1.1))
    for axis in (categories, values_axis):
        axis.setLabelsColor(QColor(palette.text_muted))
        axis.setGridLineColor(QColor(palette.border))
        axis.setLinePen(QPen(QColor(palette.border_strong)))
    if spec.shape == "funnel":
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(values_axis, Qt.AlignmentFlag.AlignBottom)
    else:
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values_axis, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    series.attachAxis(values_axis)
    return chart


def chart_view() -> QChartView:
    view = QChartView()
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(260)
    return view
