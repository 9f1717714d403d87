"""The EEO section, for the compliance role alone: self-identification counted by job,
current stage and category for one question at a time (counts under five shown as "<5"),
and the OFCCP applicant flow log exported as CSV. Everything is read off the GUI thread;
the services refuse any other role, and the registry shows the section to no other.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.atomic_files import open_replacing
from app.services.compliance.eeo import QUESTIONS, SUPPRESS_BELOW, EeoTable, eeo_aggregates
from app.services.compliance.flow_log import flow_log, write_flow_log_csv
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.pipeline.jobs import JobRow, list_jobs
from app.ui.background import BackgroundOps
from app.ui.file_dialogs import remember_folder, start_folder
from app.ui.flow_layout import FlowLayout
from app.ui.messages import say
from app.ui.widgets import ReloadsWhenShown, SectionHeader, section_layout
from app.wording import plural


def _day(box: QDateEdit) -> dt.date:
    date = box.date()
    return dt.date(date.year(), date.month(), date.day())


class EeoSection(ReloadsWhenShown):
    shows = frozenset({ChangeKind.EEO, ChangeKind.APPLICATIONS, ChangeKind.JOBS, ChangeKind.STAGES})

    def __init__(self, services: ServiceContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.ops = BackgroundOps(self)
        self.tables: list[EeoTable] = []
        layout = section_layout(self)
        self.header = SectionHeader(
            "EEO", "Voluntary self-identification, as totals; the applicant flow log"
        )
        self.export_button = QPushButton("Export flow log…")
        self.export_button.setObjectName("eeoExport")
        self.export_button.clicked.connect(self._export_clicked)
        self.header.add_action(self.export_button)
        layout.addWidget(self.header)

        bar_widget = QWidget()
        bar = FlowLayout(bar_widget, spacing=8)  # wraps in a narrow window, no box is cut
        today = QDate.currentDate()
        self.start = self._date_box("eeoFrom", QDate(today.year(), 1, 1))
        self.end = self._date_box("eeoTo", today)
        self.job = QComboBox()
        self.job.setObjectName("eeoJob")
        self.job.addItem("All jobs", None)
        self.question = QComboBox()
        self.question.setObjectName("eeoQuestion")
        self.question.addItems(QUESTIONS)
        self.question.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for label, widget in (
            ("Received from", self.start),
            ("to", self.end),
            ("Job", self.job),
            ("Question", self.question),
        ):
            piece = QWidget()  # a label stays with its box when the bar wraps
            row = QHBoxLayout(piece)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(6)
            row.addWidget(QLabel(label))
            row.addWidget(widget)
            bar.addWidget(piece)
        layout.addWidget(bar_widget)
        self.status = QLabel()
        self.status.setObjectName("eeoStatus")
        self.status.setWordWrap(True)
        self.status.setProperty("role", "muted")
        layout.addWidget(self.status)
        self.table = QTableWidget(0, 0)
        self.table.setObjectName("eeoTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        note = QLabel(
            f"Applications counted by their current stage. Counts under {SUPPRESS_BELOW} are"
            f" shown as <{SUPPRESS_BELOW} so that no applicant can be singled out."
        )
        note.setWordWrap(True)
        note.setProperty("role", "muted")
        layout.addWidget(note)

        self.start.dateChanged.connect(lambda *_: self.reload())
        self.end.dateChanged.connect(lambda *_: self.reload())
        self.job.currentIndexChanged.connect(lambda *_: self.reload())
        self.question.currentIndexChanged.connect(lambda *_: self._show())
        services = self.services
        self.ops.query("jobs", lambda: list_jobs(services), self._offer_jobs, lambda _e: None)
        self.reload()

    @staticmethod
    def _date_box(name: str, date: QDate) -> QDateEdit:
        box = QDateEdit(date)
        box.setObjectName(name)
        box.setCalendarPopup(True)
        box.setDisplayFormat("yyyy-MM-dd")
        return box

    def _offer_jobs(self, jobs: list[JobRow]) -> None:
        chosen = self.job.currentData()
        self.job.blockSignals(True)
        self.job.clear()
        self.job.addItem("All jobs", None)
        for job in sorted(jobs, key=lambda row: (row.title.lower(), row.id)):
            self.job.addItem(f"{job.title} · {job.client_name} (#{job.id})", job.id)
        self.job.setCurrentIndex(max(self.job.findData(chosen), 0))
        self.job.blockSignals(False)

    def reload(self) -> None:
        services, start, end, job = self.services, _day(self.start), _day(self.end), None
        job = self.job.currentData()
        if start > end:
            self._say("The first day is after the last.", error=True)
            return
        self._say("Counting…")
        self.ops.query(
            "aggregates",
            lambda: eeo_aggregates(services, start, end, job),
            self._loaded,
            lambda exc: self._say(f"Could not count: {exc}", error=True),
        )

    def _loaded(self, tables: list[EeoTable]) -> None:
        self.tables = tables
        jobs = len({table.job_id for table in tables})
        self._say(f"{plural(jobs, 'job')} with applications in the period.")
        self._show()

    def _show(self) -> None:
        question = self.question.currentText()
        shown = [table for table in self.tables if table.question == question]
        columns = shown[0].categories if shown else ()
        self.table.clear()
        self.table.setColumnCount(len(columns) + 2)
        self.table.setHorizontalHeaderLabels(["Job", "Stage", *columns])
        rows = [(table, r) for table in shown for r in range(len(table.stages))]
        self.table.setRowCount(len(rows))
        for number, (table, r) in enumerate(rows):
            cells = [table.job_title, table.stages[r]]
            cells += [table.shown(r, c) for c in range(len(table.categories))]
            for column, text in enumerate(cells):
                self.table.setItem(number, column, QTableWidgetItem(text))

    def cell_texts(self) -> list[list[str]]:
        """What the table shows, row by row (for tests)."""
        texts = []
        for r in range(self.table.rowCount()):
            items = (self.table.item(r, c) for c in range(self.table.columnCount()))
            texts.append([item.text() if item is not None else "" for item in items])
        return texts

    def _say(self, text: str, error: bool = False) -> None:
        say(self.status, text, error)

    def _export_clicked(self) -> None:
        start, end = _day(self.start), _day(self.end)
        name = f"applicant-flow-log-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.csv"
        suggested = Path(start_folder(self, "export")) / name
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export the applicant flow log", str(suggested), "CSV (*.csv)"
        )
        if chosen:
            remember_folder(self, "export", chosen)
            self.export_to(Path(chosen))

    def export_to(self, path: Path) -> None:
        """Write the flow log of the chosen period and job to ``path`` (whole or not at all)."""
        services, start, end = self.services, _day(self.start), _day(self.end)
        job = self.job.currentData()

        def work() -> int:
            rows = flow_log(services, start, end, job)
            with open_replacing(path) as out:
                return write_flow_log_csv(rows, out)

        self._say("Exporting…")
        self.ops.query(
            "export",
            work,
            lambda count: self._say(f"{plural(count, 'application')} written to {path}"),
            lambda exc: self._say(f"Could not export: {exc}", error=True),
        )
