"""The Reports section: headline figures, source effectiveness and the reports (chart, table,
CSV), all computed off the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.services.admin.reports import Overview, overview
from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import ServiceContext
from app.ui.background import BackgroundOps
from app.ui.sections.report_panel import ReportPanel
from app.ui.widgets import MetricCard, SectionHeader, section_layout


class ReportsSection(QWidget):
    shows = frozenset({ChangeKind.JOBS, ChangeKind.APPLICATIONS})

    def __init__(self, services: ServiceContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.ops = BackgroundOps(self)
        layout = section_layout(self)
        layout.addWidget(SectionHeader("Reports", "Hiring at a glance"))
        grid = QGridLayout()
        grid.setSpacing(12)
        self.open_jobs = MetricCard("Open jobs")
        self.active = MetricCard("Candidates in active stages")
        self.hires = MetricCard("Hires, last 90 days")
        self.time_to_fill = MetricCard("Median time to fill")
        for column, card in enumerate((self.open_jobs, self.active, self.hires, self.time_to_fill)):
            grid.addWidget(card, 0, column)
        layout.addLayout(grid)
        heading = QLabel("Source effectiveness, applications of the last 90 days")
        heading.setProperty("role", "subtitle")
        layout.addWidget(heading)
        self.sources = QTableWidget(0, 4)
        self.sources.setObjectName("sourcesTable")
        self.sources.setHorizontalHeaderLabels(["Source", "Applications", "Hires", "Hire rate"])
        self.sources.verticalHeader().hide()
        self.sources.setShowGrid(False)
        self.sources.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sources.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.sources, 1)
        self.panel = ReportPanel(services)
        layout.addWidget(self.panel, 2)
        self.reload()

    def reload(self) -> None:
        services = self.services
        self.ops.query("overview", lambda: overview(services), self._show, lambda _error: None)

    def _show(self, figures: Overview) -> None:
        self.open_jobs.set_value(f"{figures.open_jobs:,}")
        self.active.set_value(f"{figures.active_applications:,}", "on open jobs")
        self.hires.set_value(f"{figures.hires_last_90_days:,}")
        days = figures.median_days_to_fill
        self.time_to_fill.set_value("–" if days is None else f"{days:.0f} days", "filled jobs")
        self.sources.setRowCount(len(figures.sources))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for row, source in enumerate(figures.sources):
            values = (
                source.source,
                f"{source.applications:,}",
                f"{source.hires:,}",
                f"{source.hire_rate:.1%}",
            )
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(right)
                self.sources.setItem(row, column, item)

    def on_changes(self, changes: Changes) -> None:
        if changes.external or changes.touches(*self.shows):
            self.reload()
            self.panel.refresh()
