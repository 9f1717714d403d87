"""A candidate's interviews, as the profile shows them: each interview (when, for which job,
with whom, double-booked interviewers flagged) and, for the one selected, its scorecards side
by side — the job's attributes down, the interviewers across, then each one's average,
recommendation and notes.

Schedule…, Edit…, Cancel… and Scorecard… go through `app.ui.interviews.commands`, so each is
undoable from Edit → Undo like any other edit.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.core.changes import Changes
from app.services.core.context import ServiceContext
from app.services.pipeline.interview_list import (
    InterviewRow,
    applications_to_interview,
    interviews_of_candidate,
)
from app.services.pipeline.scorecards import InterviewScorecards, scorecards_of_interviews
from app.ui.interviews.commands import cancel_with_undo, open_schedule, open_scorecard
from app.ui.interviews.schedule_dialog import starts_text

ROW_ROLE = Qt.ItemDataRole.UserRole


def interview_line(row: InterviewRow) -> str:
    day = row.local_start
    flags = "  [cancelled]" if row.cancelled else ""
    if row.conflicts:
        flags += f"  ⚠ double-booked: {', '.join(row.conflicts)}"
    return (
        f"{day:%a} {day.day} {day:%b %Y}, {starts_text(row.starts_at, row.time_zone)} · "
        f"{row.job_title} — {row.client_name} · with {row.interviewers}{flags}"
    )


class InterviewsPanel(QWidget):
    """The profile's Interviews tab for ``candidate_id``."""

    def __init__(
        self,
        services: ServiceContext,
        candidate_id: int,
        undo_stack: QUndoStack | None,
        publish: Callable[[Changes], None],
        notify: Callable[[str], None],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.services = services
        self.candidate_id = candidate_id
        self.undo_stack = undo_stack
        # Every write, and its undo or redo later (maybe after the profile closed).
        self.publish_later = publish
        self.notify = notify
        self.rows: list[InterviewRow] = []
        self.sheets: dict[int, InterviewScorecards] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.list = QListWidget()
        self.list.setObjectName("profile_interviews")
        self.list.setMaximumHeight(76)  # the scorecards below get the room
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentRowChanged.connect(lambda _r: self._show_selected())
        buttons = QVBoxLayout()
        self.schedule_button = QPushButton("Schedule…")
        self.schedule_button.setObjectName("schedule_interview_button")
        self.schedule_button.clicked.connect(self.schedule)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setObjectName("edit_interview_button")
        self.edit_button.clicked.connect(self.edit_selected)
        self.cancel_button = QPushButton("Cancel…")
        self.cancel_button.setObjectName("cancel_interview_button")
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.score_button = QPushButton("Scorecard…")
        self.score_button.setObjectName("scorecard_button")
        self.score_button.setToolTip("Enter an interviewer's ratings from their reply.")
        self.score_button.clicked.connect(self.enter_scorecard)
        for button in (self.schedule_button, self.edit_button, self.cancel_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        self.score_button.setAutoDefault(False)
        buttons.addWidget(self.score_button)
        buttons.addStretch(1)
        top.addWidget(self.list, 1)
        top.addLayout(buttons)
        layout.addLayout(top)
        self.caption = QLabel()
        self.caption.setProperty("role", "muted")
        layout.addWidget(self.caption)
        self.sheet = QTableWidget()
        self.sheet.setObjectName("scorecards_side_by_side")
        self.sheet.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sheet.setWordWrap(True)
        self.sheet.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.sheet.setMinimumHeight(130)  # a few attributes side by side without scrolling
        layout.addWidget(self.sheet, 1)
        self.reload()

    # ---- showing ---------------------------------------------------------------------------
    def reload(self) -> None:
        selected = self.selected()
        self.rows = list(reversed(interviews_of_candidate(self.services, self.candidate_id)))
        self.sheets = scorecards_of_interviews(self.services, [r.id for r in self.rows])
        self.list.blockSignals(True)
        self.list.clear()
        for row in self.rows:
            item = QListWidgetItem(interview_line(row))
            item.setData(ROW_ROLE, row.id)
            item.setToolTip(row.notes or "")
            self.list.addItem(item)
        self.list.blockSignals(False)
        if self.rows:
            ids = [r.id for r in self.rows]
            keep = ids.index(selected.id) if selected is not None and selected.id in ids else 0
            self.list.setCurrentRow(keep)
        self._show_selected()

    def selected(self) -> InterviewRow | None:
        index = self.list.currentRow()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def _show_selected(self) -> None:
        row = self.selected()
        for button in (self.edit_button, self.cancel_button):
            button.setEnabled(row is not None and not row.cancelled)
        self.score_button.setEnabled(row is not None and bool(row.attendees))
        self.sheet.clear()
        if row is None:
            self.caption.setText("No interview yet: Schedule… invites the interviewers.")
            self.sheet.setRowCount(0)
            self.sheet.setColumnCount(0)
            return
        sheet = self.sheets.get(row.id)
        cards = sheet.cards if sheet is not None else ()
        missing = sheet.missing if sheet is not None else ()
        waiting = f" Waiting for: {', '.join(missing)}." if missing else ""
        self.caption.setText(f"Scorecards: {len(cards)} of {len(row.attendees)}.{waiting}")
        attributes = list(sheet.attributes) if sheet is not None else []
        labels = [*attributes, "Average", "Recommendation", "Notes"]
        self.sheet.setColumnCount(len(cards))
        self.sheet.setRowCount(len(labels) if cards else 0)
        self.sheet.setHorizontalHeaderLabels([c.interviewer for c in cards])
        self.sheet.setVerticalHeaderLabels(labels)
        for column, card in enumerate(cards):
            ratings = dict(card.ratings)
            values = [
                *("★" * ratings[a] if a in ratings else "—" for a in attributes),
                f"{card.average:.1f}",
                card.recommendation_label,
                card.notes or "",
            ]
            for line, value in enumerate(values):
                item = QTableWidgetItem(value)
                if line == len(attributes) + 2:
                    item.setToolTip(value)
                self.sheet.setItem(line, column, item)
        self.sheet.resizeRowsToContents()

    # ---- acting ----------------------------------------------------------------------------
    def schedule(self) -> None:
        choices = applications_to_interview(self.services, self.candidate_id)
        if not choices:
            self.notify("Add them to a job first: interviews are for an application.")
            return
        application_id = choices[0].application_id
        if len(choices) > 1:
            labels = [c.label for c in choices]
            label, ok = QInputDialog.getItem(self, "Schedule interview", "For", labels, 0, False)
            if not ok:
                return
            application_id = choices[labels.index(label)].application_id
        done = open_schedule(
            self.services, application_id, self, self.undo_stack, self.publish_later, self.notify
        )
        if done is not None:
            self.reload()

    def edit_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        done = open_schedule(
            self.services,
            row.application_id,
            self,
            self.undo_stack,
            self.publish_later,
            self.notify,
            interview_id=row.id,
        )
        if done is not None:
            self.reload()

    def cancel_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        if cancel_with_undo(
            self.services, row.id, self, self.undo_stack, self.publish_later, self.notify
        ):
            self.reload()

    def enter_scorecard(self) -> None:
        row = self.selected()
        if row is None:
            return
        if open_scorecard(
            self.services, row.id, self, self.undo_stack, self.publish_later, self.notify
        ):
            self.reload()
