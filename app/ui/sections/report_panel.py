"""One report at a time: pick it and the dates, see its chart, with the table behind it one
click away; copy the chart as an image, export the table as CSV or the whole report as a PDF
in the agency's branding.

The report is computed off the GUI thread (`BackgroundOps`); a newer choice supersedes an
older one still running.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.mail.account import BrandingSettings
from app.services.admin.report_catalog import FilterChoices, filter_choices, run_report
from app.services.admin.report_defs import Report, ReportFilter
from app.services.admin.report_export import report_csv
from app.services.core.context import ServiceContext
from app.services.engagement.mail_settings import get_branding
from app.ui.background import BackgroundOps
from app.ui.file_dialogs import remember_folder, start_folder
from app.ui.printing.report_pdf import write_report_pdf
from app.ui.report_chart import build_chart, chart_view
from app.ui.saving import write_atomically
from app.ui.theme import current_palette

TITLES = {
    "time-to-fill": "Time to fill",
    "time-to-hire": "Time to hire",
    "time-in-stage": "Time in stage",
    "funnel": "Pipeline conversion",
    "sources": "Source effectiveness",
    "activity": "Recruiter activity",
    "campaigns": "Campaign engagement",
    "placements": "Placements",
}
# Columns shown as percentages.
RATES = {"Hire rate", "pass-through", "of applications"}
DEFAULT_DAYS = 90


def cell_text(column: str, value: object) -> str:
    if value is None:
        return "–"
    if column in RATES and isinstance(value, float):
        return f"{value:.1%}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


class ReportPanel(QWidget):
    def __init__(self, services: ServiceContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.ops = BackgroundOps(self)
        self.report: Report | None = None
        self.loading = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        controls = QHBoxLayout()
        self.choice = QComboBox()
        self.choice.setObjectName("reportChoice")
        for name, title in TITLES.items():
            self.choice.addItem(title, name)
        today = QDate.currentDate()
        self.start = QDateEdit(today.addDays(-DEFAULT_DAYS))
        self.end = QDateEdit(today)
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.toggle = QPushButton("Show table")
        self.toggle.setCheckable(True)
        self.copy = QPushButton("Copy chart")
        self.export = QPushButton("Export CSV…")
        self.export_pdf_button = QPushButton("Export PDF…")
        # Three rows, so that each keeps its words whole at 1024 px: what and when above,
        # the filters, and below the chart its totals beside what can be done with it.
        controls.addWidget(self.choice, 2)
        controls.addWidget(QLabel("From"))
        controls.addWidget(self.start, 1)
        controls.addWidget(QLabel("to"))
        controls.addWidget(self.end, 1)
        layout.addLayout(controls)
        narrow = QHBoxLayout()
        self.client = self._filter_box("reportClient", "All clients")
        self.job = self._filter_box("reportJob", "All jobs")
        self.owner = self._filter_box("reportOwner", "Any owner")
        self.source = self._filter_box("reportSource", "Any source")
        for box in (self.client, self.job, self.owner, self.source):
            narrow.addWidget(box, 1)
        layout.addLayout(narrow)
        self.stack = QStackedWidget()
        self.chart = chart_view()
        self.table = QTableWidget(0, 0)
        self.table.setObjectName("reportTable")
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.stack.addWidget(self.chart)
        self.stack.addWidget(self.table)
        layout.addWidget(self.stack, 1)
        self.totals = QLabel("")
        self.totals.setProperty("role", "muted")
        self.totals.setWordWrap(True)
        below = QHBoxLayout()
        below.addWidget(self.totals, 1)
        for button in (self.toggle, self.copy, self.export, self.export_pdf_button):
            below.addWidget(button)
        layout.addLayout(below)
        self.choice.currentIndexChanged.connect(self.refresh)
        self.start.dateChanged.connect(self.refresh)
        self.end.dateChanged.connect(self.refresh)
        self.toggle.toggled.connect(self._show_table)
        self.copy.clicked.connect(self.copy_chart)
        self.export.clicked.connect(self._export_clicked)
        self.export_pdf_button.clicked.connect(self._export_pdf_clicked)
        for box in (self.client, self.job, self.owner, self.source):
            box.currentIndexChanged.connect(self.refresh)
        services = self.services
        self.ops.query("choices", lambda: filter_choices(services), self._offer, lambda _e: None)
        self.refresh()

    @staticmethod
    def _filter_box(name: str, everything: str) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        box.addItem(everything, None)
        return box

    def _offer(self, choices: FilterChoices) -> None:
        """Fill the filters (the choice made so far, none yet, stays: no reload)."""
        pairs = (
            (self.client, choices.clients),
            (self.job, choices.jobs),
            (self.owner, choices.users),
            (self.source, tuple((source, source) for source in choices.sources)),
        )
        for box, items in pairs:
            box.blockSignals(True)
            for value, label in items:
                box.addItem(label, value)
            box.blockSignals(False)

    def filters(self) -> ReportFilter:
        start, end = self.start.date().toPython(), self.end.date().toPython()
        assert isinstance(start, dt.date) and isinstance(end, dt.date)
        return ReportFilter(
            min(start, end),
            max(start, end),
            client_id=self.client.currentData(),
            job_id=self.job.currentData(),
            owner_id=self.owner.currentData(),
            source=self.source.currentData(),
        )

    def refresh(self) -> None:
        services, name, filters = self.services, self.choice.currentData(), self.filters()
        self.loading = True
        self.totals.setText("Working…")
        self.ops.query(
            "report", lambda: run_report(services, name, filters), self._show, self._failed
        )

    def _show(self, report: Report) -> None:
        self.loading = False
        self.report = report
        self.chart.setChart(build_chart(report, current_palette()))
        self.table.clear()
        self.table.setColumnCount(len(report.columns))
        self.table.setHorizontalHeaderLabels(list(report.columns))
        self.table.setRowCount(len(report.rows))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for row, values in enumerate(report.rows):
            for column, value in enumerate(values):
                item = QTableWidgetItem(cell_text(report.columns[column], value))
                if isinstance(value, int | float):
                    item.setTextAlignment(right)
                self.table.setItem(row, column, item)
        totals = ", ".join(
            f"{key.replace('_', ' ')}: {value}" for key, value in report.totals.items()
        )
        self.totals.setText(totals or "Nothing in this range.")

    def _failed(self, error: BaseException) -> None:
        self.loading = False
        self.totals.setText(f"The report could not be made: {error}")

    def _show_table(self, shown: bool) -> None:
        self.stack.setCurrentWidget(self.table if shown else self.chart)
        self.toggle.setText("Show chart" if shown else "Show table")

    def copy_chart(self) -> None:
        """The chart as an image on the clipboard."""
        QApplication.clipboard().setPixmap(self.chart.grab())

    def export_csv(self, path: Path) -> None:
        if self.report is not None:
            write_atomically(path, report_csv(self.report).encode("utf-8"))

    def _export_clicked(self) -> None:
        if self.report is None:
            return
        suggested = Path(start_folder(self, "export")) / f"{self.report.name}.csv"
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export report", str(suggested), "CSV (*.csv)"
        )
        if chosen:
            remember_folder(self, "export", chosen)
            self.export_csv(Path(chosen))

    def period(self) -> str:
        filters = self.filters()
        return f"{filters.start:%d %B %Y} – {filters.end:%d %B %Y}"

    def export_pdf(self, path: Path, brand: BrandingSettings) -> None:
        """The report with its chart, in the agency's branding."""
        if self.report is not None:
            image = self.chart.grab().toImage()
            write_report_pdf(self.report, brand, image, self.period(), path)

    def _export_pdf_clicked(self) -> None:
        if self.report is None:
            return
        suggested = Path(start_folder(self, "export")) / f"{self.report.name}.pdf"
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export report as PDF", str(suggested), "PDF (*.pdf)"
        )
        if not chosen:
            return
        remember_folder(self, "export", chosen)
        services, target = self.services, Path(chosen)
        self.ops.query(
            "branding",
            lambda: get_branding(services),
            lambda brand: self.export_pdf(target, brand),
            self._failed,
        )
