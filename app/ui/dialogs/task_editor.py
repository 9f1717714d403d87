"""New task / Edit task: what to do, by which day (and, if it matters, what time), for whom
in the agency, about which candidate, job or client, and a note.

The checks are `TaskInput.validate` and the use case's own (`app.services.pipeline.tasks`), shown
under each field by `FormDialog`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDate, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTimeEdit,
    QWidget,
)

from app.services.core.context import Outcome, ServiceContext
from app.services.core.users import list_users
from app.services.pipeline.tasks import (
    TaskInput,
    TaskRow,
    create_task,
    edit_task,
    get_task,
    link_choices,
    local_now,
)
from app.ui.dialogs.form import FormDialog

DEFAULT_TIME = QTime(9, 0)
QUICK_DAYS = (("Today", 0), ("Tomorrow", 1), ("In a week", 7))
ABOUT_KINDS = {"candidate": "Candidate", "job": "Job", "client": "Client"}


@dataclass(frozen=True)
class Link:
    """What a new task is about, as its caller knows it (kind: candidate, job or client)."""

    kind: str
    id: int
    label: str


def _key(kind: str, record_id: int | None) -> str:
    """An "about" choice's data: "job:12" (a plain string, which a combo box can find)."""
    return f"{kind}:{record_id}"


class TaskEditorDialog(FormDialog):
    """Create a task (``task_id`` None), optionally about ``link``, or edit one."""

    def __init__(
        self,
        services: ServiceContext,
        parent: QWidget | None = None,
        *,
        task_id: int | None = None,
        link: Link | None = None,
        today: dt.date | None = None,
    ):
        # Read first: a task deleted meanwhile raises NotFoundError before any window shows.
        task = get_task(services, task_id) if task_id is not None else None
        super().__init__("Edit task" if task else "New task", parent)
        self.task: TaskRow | None = task
        self.services = services
        self.today = today or local_now().date()

        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("Call back about the offer, send the shortlist…")
        self.title_edit.setMaxLength(400)  # the service says what is too long
        self.add_field("title", "What to do", self.title_edit, required=True)

        due = QWidget()
        row = QHBoxLayout(due)
        row.setContentsMargins(0, 0, 0, 0)
        self.due_edit = QDateEdit()
        self.due_edit.setObjectName("due_date")
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setDisplayFormat("ddd d MMM yyyy")
        row.addWidget(self.due_edit, 1)
        self.quick_buttons: dict[str, QPushButton] = {}
        for label, days in QUICK_DAYS:
            button = QPushButton(label)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, days=days: self.set_due_in(days))
            row.addWidget(button)
            self.quick_buttons[label] = button
        self.add_field("due_on", "Due", due, required=True)

        timed = QWidget()
        row = QHBoxLayout(timed)
        row.setContentsMargins(0, 0, 0, 0)
        self.time_check = QCheckBox("At a set time")
        self.time_check.setObjectName("has_time")
        self.time_edit = QTimeEdit(DEFAULT_TIME)
        self.time_edit.setObjectName("due_time_edit")
        self.time_edit.setDisplayFormat("HH:mm")
        self.time_edit.setEnabled(False)
        self.time_check.toggled.connect(self.time_edit.setEnabled)
        row.addWidget(self.time_check)
        row.addWidget(self.time_edit, 1)
        self.add_field("due_time", "Time", timed)

        self.owner = QComboBox()
        me = services.actor.user_id
        for user_id, name in list_users(services.sessions):
            self.owner.addItem(f"{name} (me)" if user_id == me else name, user_id)
        self.add_field("owner_id", "Owner", self.owner)

        self.about = QComboBox()
        self.about.addItem("Nothing in particular", None)
        for kind, record_id, label in link_choices(services, self.task):
            self.about.addItem(f"{ABOUT_KINDS[kind]}: {label}", _key(kind, record_id))
        if link is not None and self.about.findData(_key(link.kind, link.id)) < 0:
            label = f"{ABOUT_KINDS[link.kind]}: {link.label}"
            self.about.insertItem(1, label, _key(link.kind, link.id))
        self.add_field("about", "About", self.about)

        self.note_edit = QPlainTextEdit()
        self.note_edit.setPlaceholderText("Anything to remember when the time comes (optional)")
        self.note_edit.setMaximumHeight(110)
        self.add_field("note", "Note", self.note_edit)

        self._fill(link)
        self.watch(self.title_edit.textChanged, self.note_edit.textChanged)

    def _fill(self, link: Link | None) -> None:
        task = self.task
        if task is None:
            self.set_due_in(0)
            self._choose(self.owner, self.services.actor.user_id)
            if link is not None:
                self._choose(self.about, _key(link.kind, link.id))
            return
        self.title_edit.setText(task.title)
        self.due_edit.setDate(QDate(task.due_on.year, task.due_on.month, task.due_on.day))
        if task.due_time is not None:
            self.time_check.setChecked(True)
            self.time_edit.setTime(QTime(task.due_time.hour, task.due_time.minute))
        if task.owner_id is not None and self.owner.findData(task.owner_id) < 0:
            self.owner.addItem(task.owner_name or "A former recruiter", task.owner_id)
        self._choose(self.owner, task.owner_id)
        kind = task.about_kind
        if kind is not None:
            record_id = {"candidate": task.candidate_id, "job": task.job_id}.get(
                kind, task.client_id
            )
            self._choose(self.about, _key(kind, record_id))
        self.note_edit.setPlainText(task.note or "")

    @staticmethod
    def _choose(combo: QComboBox, value: object) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)

    def set_due_in(self, days: int) -> None:
        """Due ``days`` from today (the quick buttons)."""
        day = self.today + dt.timedelta(days=days)
        self.due_edit.setDate(QDate(day.year, day.month, day.day))

    def collect(self) -> TaskInput:
        due = self.due_edit.date()
        when = self.time_edit.time()
        about = self.about.currentData()
        links = {"candidate": None, "job": None, "client": None}
        if about is not None:
            kind, record_id = about.split(":")
            links[kind] = int(record_id)
        return TaskInput(
            title=self.title_edit.text(),
            due_on=dt.date(due.year(), due.month(), due.day()) if due.isValid() else None,
            due_time=dt.time(when.hour(), when.minute()) if self.time_check.isChecked() else None,
            owner_id=self.owner.currentData(),
            note=self.note_edit.toPlainText(),
            candidate_id=links["candidate"],
            job_id=links["job"],
            client_id=links["client"],
        )

    def save(self, data: TaskInput) -> Outcome[int]:
        if self.task is None:
            return create_task(self.services, data)
        return edit_task(self.services, self.task.id, data, expected_version=self.task.version)
