"""The Reports section: headline figures; the reports (chart, table, CSV and PDF), source
effectiveness, and placements by month with their fees; all read off the GUI thread."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.admin.reports import Overview, overview
from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import ServiceContext
from app.services.pipeline.placement_report import (
    PlacementReport,
    months_back,
    placements_report,
)
from app.ui.background import BackgroundOps
from app.ui.placements_view import PlacementsView
from app.ui.sections.report_panel import ReportPanel
from app.ui.widgets import MetricCard, SectionHeader, section_layout

# The placements tab's periods: months back from this one (None: every placement).
PERIODS = (("Last 3 months", 3), ("Last 12 months", 12), ("Last 24 months", 24), ("All", None))
DEFAULT_PERIOD = 1


class ReportsSection(QWidget):
    shows = frozenset({ChangeKind.JOBS, ChangeKind.APPLICATIONS, ChangeKind.PLACEMENTS})
    profile_requested = Signal(int)  # a candidate id, from the placements tab

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
        self.tabs = QTabWidget()
        self.tabs.setObjectName("reportTabs")
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.tabs, 1)
        self.sources = QTableWidget(0, 4)
        self.sources.setObjectName("sourcesTable")
        self.sources.setHorizontalHeaderLabels(["Source", "Applications", "Hires", "Hire rate"])
        self.sources.verticalHeader().hide()
        self.sources.setShowGrid(False)
        self.sources.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sources.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.panel = ReportPanel(services)
        self.tabs.addTab(self.sources, "Source effectiveness, last 90 days")
        self.tabs.addTab(self._build_placements(), "Placements")
        self.tabs.addTab(self.panel, "All reports")
        self.reload()

    def _build_placements(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 8, 0, 0)
        row = QHBoxLayout()
        label = QLabel("Starting in")
        self.period = QComboBox()
        self.period.setObjectName("placementPeriod")
        for text, months in PERIODS:
            self.period.addItem(text, months)
        self.period.setCurrentIndex(DEFAULT_PERIOD)
        self.period.currentIndexChanged.connect(lambda _index: self.load_placements())
        label.setBuddy(self.period)
        row.addWidget(label)
        row.addWidget(self.period)
        row.addStretch(1)
        column.addLayout(row)
        self.placements = PlacementsView("placementsReport", with_client=True)
        self.placements.setToolTip("Double-click a placement to open the candidate")
        self.placements.candidate_activated.connect(self.profile_requested)
        column.addWidget(self.placements, 1)
        return page

    def load_placements(self) -> None:
        months = self.period.currentData()
        today = dt.date.today()
        start = months_back(today, months) if months else None
        services = self.services
        self.ops.query(
            "placements",
            lambda: placements_report(services, start=start),
            self._show_placements,
            self._placements_failed,
        )

    def _show_placements(self, report: PlacementReport) -> None:
        self.placements.show_report(report)
        self.tabs.setTabText(1, f"Placements ({report.count:,})")

    def _placements_failed(self, error: BaseException) -> None:
        self.placements.totals.setText(f"Could not read the placements: {error}")

    def reload(self) -> None:
        self.load_placements()
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
