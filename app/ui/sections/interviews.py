"""Interviews: a week at a time, day by day, filtered by recruiter, client and job.

Each interview shows its time on its own clock (and this computer's when they differ), the
candidate, the job, who interviews and where; an interviewer booked in two overlapping
interviews is flagged on both. Enter opens the profile; Edit…, Cancel… and Scorecard… act on
the selected interview and are undoable. Reading runs through `BackgroundOps`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import ServiceContext
from app.services.pipeline.interview_export import interviews_calendar
from app.services.pipeline.interview_list import (
    InterviewRow,
    WeekFilters,
    list_interviews,
    week_filters,
)
from app.ui.background import BackgroundOps
from app.ui.file_dialogs import remember_folder, start_folder
from app.ui.icons import IconProvider
from app.ui.interviews.commands import cancel_with_undo, open_schedule, open_scorecard
from app.ui.interviews.schedule_dialog import starts_text
from app.ui.widgets import SectionHeader, section_layout
from app.wording import plural

ROW_ROLE = Qt.ItemDataRole.UserRole
COLUMNS = ("Time", "Candidate", "Job", "Interviewers", "Where", "Double-booked")
FLAG_WIDTH = 150
ANY = -1


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def week_title(monday: dt.date) -> str:
    sunday = monday + dt.timedelta(days=6)
    if monday.month == sunday.month:
        return f"{monday.day}–{sunday.day} {sunday:%b %Y}"
    return f"{monday.day} {monday:%b} – {sunday.day} {sunday:%b %Y}"


def day_groups(
    rows: list[InterviewRow], monday: dt.date
) -> list[tuple[dt.date, list[InterviewRow]]]:
    """The seven days from ``monday`` with their interviews, by this computer's calendar."""
    days: dict[dt.date, list[InterviewRow]] = {monday + dt.timedelta(days=n): [] for n in range(7)}
    for row in rows:
        day = row.starts_at.astimezone().date()
        if day in days:
            days[day].append(row)
    return list(days.items())


class InterviewsSection(QWidget):
    shows = frozenset(
        {
            ChangeKind.INTERVIEWS,
            ChangeKind.APPLICATIONS,
            ChangeKind.CANDIDATES,
            ChangeKind.JOBS,
            ChangeKind.CLIENTS,
            ChangeKind.CONTACTS,
        }
    )
    changes_made = Signal(object)  # Changes
    open_profile = Signal(int)  # candidate id
    notice = Signal(str)

    def __init__(
        self,
        services: ServiceContext,
        icons: IconProvider,
        undo_stack: QUndoStack | None,
        parent: QWidget | None = None,
        today: dt.date | None = None,
    ):
        super().__init__(parent)
        self.services = services
        self.colors = icons.palette
        self.undo_stack = undo_stack
        self.monday = week_start(today or dt.date.today())
        self.rows: list[InterviewRow] = []
        self.ops = BackgroundOps(self)
        layout = section_layout(self)
        self.header = SectionHeader("Interviews", "")
        layout.addWidget(self.header)

        bar = QHBoxLayout()
        self.previous_button = QPushButton("◀")
        self.previous_button.setObjectName("previous_week")
        self.previous_button.setToolTip("Previous week (Alt+Left)")
        self.previous_button.clicked.connect(lambda: self.shift_week(-1))
        self.this_week = QPushButton("This week")
        self.this_week.setObjectName("this_week")
        self.this_week.clicked.connect(self.go_to_this_week)
        self.next_button = QPushButton("▶")
        self.next_button.setObjectName("next_week")
        self.next_button.setToolTip("Next week (Alt+Right)")
        self.next_button.clicked.connect(lambda: self.shift_week(1))
        self.week_label = QLabel()
        self.week_label.setObjectName("week_label")
        self.week_label.setProperty("role", "subtitle")
        for widget in (self.previous_button, self.this_week, self.next_button):
            bar.addWidget(widget)
        bar.addWidget(self.week_label, 1)
        self.recruiter = QComboBox()
        self.recruiter.setObjectName("filter_recruiter")
        self.client = QComboBox()
        self.client.setObjectName("filter_client")
        self.job = QComboBox()
        self.job.setObjectName("filter_job")
        for combo in (self.recruiter, self.client, self.job):
            combo.setMinimumContentsLength(14)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        self.export_button = QPushButton("Export .ics…")
        self.export_button.setObjectName("export_week")
        self.export_button.setToolTip("The week's interviews as a calendar file")
        self.export_button.clicked.connect(lambda: self.export())
        self.header.add_action(self.export_button)
        layout.addLayout(bar)
        filters = QHBoxLayout()  # a row of their own: the week's dates stay whole at 1024 px
        for combo, everyone, label in (
            (self.recruiter, "Every recruiter", "&Recruiter"),
            (self.client, "Every client", "C&lient"),
            (self.job, "Every job", "&Job"),
        ):
            combo.addItem(everyone, ANY)
            caption = QLabel(label)
            caption.setBuddy(combo)  # Alt+R, Alt+L, Alt+J reach the filters
            filters.addWidget(caption)
            filters.addWidget(combo, 1)
        layout.addLayout(filters)

        self.tree = QTreeWidget()
        self.tree.setObjectName("interviews_week")
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(5, FLAG_WIDTH)
        for column in (1, 2, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.tree.itemActivated.connect(lambda item, _c: self._activate(item))
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.tree, 1)

        actions = QHBoxLayout()
        self.profile_button = QPushButton("Open profile")
        self.profile_button.clicked.connect(lambda: self._activate(self.tree.currentItem()))
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setObjectName("week_edit")
        self.edit_button.clicked.connect(self.edit_selected)
        self.cancel_button = QPushButton("Cancel…")
        self.cancel_button.setObjectName("week_cancel")
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.score_button = QPushButton("Scorecard…")
        self.score_button.setObjectName("week_scorecard")
        self.score_button.clicked.connect(self.scorecard_selected)
        for button in (self.profile_button, self.edit_button, self.cancel_button):
            actions.addWidget(button)
        actions.addWidget(self.score_button)
        actions.addStretch(1)
        self.status = QLabel()
        self.status.setProperty("role", "muted")
        actions.addWidget(self.status)
        layout.addLayout(actions)
        for keys, step in (("Alt+Left", -1), ("Alt+Right", 1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda step=step: self.shift_week(step))
        self.ops.query("filters", lambda: week_filters(services), self._fill_filters, self._failed)
        self.reload()

    # ---- filters and loading -----------------------------------------------------------------
    def _fill_filters(self, filters: WeekFilters) -> None:
        self.filters = filters
        for combo, items in ((self.recruiter, filters.recruiters), (self.client, filters.clients)):
            combo.blockSignals(True)
            for record_id, name in items:
                combo.addItem(name, record_id)
            combo.blockSignals(False)
        self._fill_jobs()
        self.recruiter.currentIndexChanged.connect(self.reload)
        self.client.currentIndexChanged.connect(self._client_changed)
        self.job.currentIndexChanged.connect(self.reload)

    def _fill_jobs(self) -> None:
        client = self.client.currentData()
        self.job.blockSignals(True)
        while self.job.count() > 1:
            self.job.removeItem(1)
        for job_id, label, client_id in self.filters.jobs:
            if client in (ANY, None) or client_id == client:
                self.job.addItem(label, job_id)
        self.job.setCurrentIndex(0)
        self.job.blockSignals(False)

    def _client_changed(self) -> None:
        self._fill_jobs()
        self.reload()

    def _chosen(self, combo: QComboBox) -> int | None:
        value = combo.currentData()
        return None if value in (ANY, None) else int(value)

    def shift_week(self, step: int) -> None:
        self.monday += dt.timedelta(days=7 * step)
        self.reload()

    def go_to_this_week(self) -> None:
        self.monday = week_start(dt.date.today())
        self.reload()

    def reload(self) -> None:
        monday = self.monday
        self.week_label.setText(week_title(monday))
        start = dt.datetime.combine(monday, dt.time()).astimezone()
        end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time()).astimezone()
        recruiter, client, job = (
            self._chosen(self.recruiter),
            self._chosen(self.client),
            self._chosen(self.job),
        )
        services = self.services
        self.ops.query(
            "week",
            lambda: list_interviews(
                services, start, end, recruiter_id=recruiter, client_id=client, job_id=job
            ),
            lambda rows: self.show_rows(rows, monday),
            self._failed,
        )

    def _failed(self, error: BaseException) -> None:
        self.status.setText(f"Could not read the interviews: {error}")

    def show_rows(self, rows: list[InterviewRow], monday: dt.date) -> None:
        selected = self.selected()
        self.rows = rows
        self.tree.clear()
        danger = QBrush(QColor(self.colors.danger))
        keep: QTreeWidgetItem | None = None
        for day, interviews in day_groups(rows, monday):
            count = plural(len(interviews), "interview") if interviews else "no interview"
            heading = QTreeWidgetItem([f"{day:%a} {day.day} {day:%b} · {count}"])
            font = heading.font(0)
            font.setBold(True)
            heading.setFont(0, font)
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(heading)
            heading.setFirstColumnSpanned(True)  # the day's line across the columns
            for row in interviews:
                flag = f"⚠ {', '.join(row.conflicts)}" if row.conflicts else ""
                item = QTreeWidgetItem(
                    [
                        starts_text(row.starts_at, row.time_zone),
                        row.candidate_name,
                        f"{row.job_title} — {row.client_name}",
                        row.interviewers,
                        row.location or row.video_link or "",
                        flag,
                    ]
                )
                item.setData(0, ROW_ROLE, row.id)
                item.setToolTip(3, row.interviewers)
                if row.conflicts:
                    item.setForeground(5, danger)
                    item.setToolTip(5, f"Booked elsewhere then: {', '.join(row.conflicts)}")
                self.tree.addTopLevelItem(item)
                if selected is not None and row.id == selected.id:
                    keep = item
        if keep is not None:
            self.tree.setCurrentItem(keep)
        clashes = sum(1 for row in rows if row.conflicts)
        summary = plural(len(rows), "interview") + " this week"
        if clashes:
            summary += f" · {plural(clashes, 'double-booking')}"
        self.header.subtitle.setText(summary)
        self.status.setText("")
        self._update_buttons()

    # ---- acting ----------------------------------------------------------------------------
    def selected(self) -> InterviewRow | None:
        item = self.tree.currentItem()
        interview_id = item.data(0, ROW_ROLE) if item is not None else None
        return next((r for r in self.rows if r.id == interview_id), None)

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        for button in (
            self.profile_button,
            self.edit_button,
            self.cancel_button,
            self.score_button,
        ):
            button.setEnabled(chosen)

    def _activate(self, item: QTreeWidgetItem | None) -> None:
        interview_id = item.data(0, ROW_ROLE) if item is not None else None
        row = next((r for r in self.rows if r.id == interview_id), None)
        if row is not None:
            self.open_profile.emit(row.candidate_id)

    def _publish(self, changes: Changes) -> None:
        self.changes_made.emit(changes)

    def edit_selected(self) -> None:
        row = self.selected()
        if row is not None:
            open_schedule(
                self.services,
                row.application_id,
                self,
                self.undo_stack,
                self._publish,
                self.notice.emit,
                interview_id=row.id,
            )

    def cancel_selected(self) -> None:
        row = self.selected()
        if row is not None:
            cancel_with_undo(
                self.services, row.id, self, self.undo_stack, self._publish, self.notice.emit
            )

    def scorecard_selected(self) -> None:
        row = self.selected()
        if row is not None:
            open_scorecard(
                self.services, row.id, self, self.undo_stack, self._publish, self.notice.emit
            )

    def export(self, path: str | Path | None = None) -> None:
        """Write the week's interviews (as filtered) to an iCalendar file, off the GUI
        thread."""
        if path is None:
            name = f"interviews-{self.monday.isoformat()}.ics"
            suggested = Path(start_folder(self, "export")) / name
            chosen, _filter = QFileDialog.getSaveFileName(
                self, "Export interviews", str(suggested), "iCalendar (*.ics)"
            )
            if not chosen:
                return
            remember_folder(self, "export", chosen)
            path = chosen
        target, rows, services = Path(path), list(self.rows), self.services

        def write() -> int:
            target.write_bytes(interviews_calendar(services, rows))
            return len(rows)

        self.ops.query(
            "export",
            write,
            lambda count: self.notice.emit(f"{plural(count, 'interview')} exported to {target}."),
            lambda error: self.notice.emit(f"Nothing was exported: {error}"),
        )

    def on_changes(self, changes: Changes) -> None:
        self.reload()
