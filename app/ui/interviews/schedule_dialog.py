"""Schedule interview / Edit interview: day, time and time zone, length, interviewers (the
client's contacts and the agency's people), where or the video link, notes for the
interviewers, and whether the candidate gets the invite.

The checks are `InterviewInput.validate` and the service's own, shown under each field by
`FormDialog`. Interviewers booked elsewhere at that time are named under the list as the form
changes; they are a warning, not a refusal.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QTimeEdit,
    QWidget,
)

from app.services.core.context import Outcome, ServiceContext
from app.services.pipeline.interview_list import schedule_choices
from app.services.pipeline.interview_time import local_start, zone_names
from app.services.pipeline.interviews import (
    InterviewInput,
    ScheduleResult,
    check_conflicts,
    interview_input,
    reschedule_interview,
    schedule_interview,
)
from app.ui.dialogs.form import FormDialog

PERSON_ROLE = Qt.ItemDataRole.UserRole
DURATIONS = (30, 45, 60, 90)


def local_zone_name() -> str:
    """This computer's IANA zone when it can be told, else UTC."""
    zone = dt.datetime.now().astimezone().tzinfo
    key = getattr(zone, "key", None)
    if isinstance(key, str):
        return key
    try:
        with open("/etc/timezone", encoding="utf-8") as handle:
            name = handle.read().strip()
    except OSError:
        name = ""
    return name if name in set(zone_names()) else "UTC"


def conflict_text(names: list[str]) -> str:
    return f"Double-booked then: {', '.join(names)}." if names else ""


class ScheduleDialog(FormDialog):
    """Schedule an interview for ``application_id``, or edit ``interview_id``."""

    def __init__(
        self,
        services: ServiceContext,
        application_id: int,
        parent: QWidget | None = None,
        *,
        interview_id: int | None = None,
        today: dt.date | None = None,
    ):
        # Read first: a record deleted meanwhile raises NotFoundError before any window shows.
        current = interview_input(services, interview_id) if interview_id is not None else None
        choices = schedule_choices(services, application_id)
        super().__init__("Edit interview" if current else "Schedule interview", parent)
        self.services = services
        self.application_id = application_id
        self.interview_id = interview_id
        about = QLabel(f"{choices.candidate_name} — {choices.job_title} ({choices.client_name})")
        about.setObjectName("schedule_about")
        about.setWordWrap(True)
        self.form.addRow(about)

        when = QWidget()
        row = QHBoxLayout(when)
        row.setContentsMargins(0, 0, 0, 0)
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("ddd d MMM yyyy")
        self.time_edit = QTimeEdit(QTime(10, 0))
        self.time_edit.setObjectName("start")
        self.time_edit.setDisplayFormat("HH:mm")
        row.addWidget(self.date_edit, 2)
        row.addWidget(self.time_edit, 1)
        self.add_field("date", "When", when, required=True)
        self.date_edit.setObjectName("interview_date")

        self.zone = QComboBox()
        self.zone.setEditable(True)
        self.zone.addItems(zone_names())
        self.zone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(zone_names(), self.zone)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.zone.setCompleter(completer)
        self.add_field("time_zone", "Time zone", self.zone, required=True)

        self.duration = QSpinBox()
        self.duration.setRange(5, 12 * 60)
        self.duration.setSingleStep(15)
        self.duration.setSuffix(" min")
        self.add_field("duration_minutes", "Length", self.duration, required=True)

        self.people = QListWidget()
        self.people.setMaximumHeight(120)
        for person in choices.people:
            label = f"{person.name} — {person.detail}" + (" ★" if person.suggested else "")
            item = QListWidgetItem(label)
            item.setData(PERSON_ROLE, (person.kind, person.id))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.people.addItem(item)
        self.add_field("interviewers", "Interviewers", self.people, required=True)
        self.conflicts = QLabel()
        self.conflicts.setObjectName("schedule_conflicts")
        self.conflicts.setProperty("role", "warning")
        self.conflicts.setWordWrap(True)
        self.conflicts.hide()
        self.form.addRow("", self.conflicts)

        self.location = QLineEdit()
        self.location.setPlaceholderText("Office and room, or leave empty for a video call")
        self.add_field("location", "Where", self.location)
        self.video = QLineEdit()
        self.video.setPlaceholderText("https://meet.example.com/…")
        self.add_field("video_link", "Video link", self.video)
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("What to probe; the candidate never sees this")
        self.notes.setMaximumHeight(80)
        self.add_field("notes", "Notes for interviewers", self.notes)
        self.invite_candidate = QCheckBox(
            f"Invite {choices.candidate_name}" + ("" if choices.candidate_email else " (no email)")
        )
        self.invite_candidate.setToolTip(choices.candidate_email or "No email address on record.")
        self.invite_candidate.setObjectName("candidate_invited")
        self.add_field("candidate_invited", "Candidate", self.invite_candidate)

        self._fill(current, today or dt.date.today())
        for signal in (
            self.date_edit.dateChanged,
            self.time_edit.timeChanged,
            self.zone.currentTextChanged,
            self.duration.valueChanged,
            self.people.itemChanged,
        ):
            signal.connect(self._show_conflicts)
        self.watch(self.location.textChanged, self.video.textChanged, self.people.itemChanged)
        self._show_conflicts()

    def _fill(self, current: InterviewInput | None, today: dt.date) -> None:
        data = current or InterviewInput(
            self.application_id,
            today + dt.timedelta(days=1),
            dt.time(10, 0),
            local_zone_name(),
            60,
        )
        self.date_edit.setDate(QDate(data.date.year, data.date.month, data.date.day))
        self.time_edit.setTime(QTime(data.start.hour, data.start.minute))
        self.zone.setCurrentText(data.time_zone)
        self.duration.setValue(data.duration_minutes)
        chosen = {("contact", i) for i in data.contact_ids} | {("user", i) for i in data.user_ids}
        for index in range(self.people.count()):
            item = self.people.item(index)
            key = tuple(item.data(PERSON_ROLE))
            suggested = current is None and item.text().endswith("★")
            if key in chosen or suggested:
                item.setCheckState(Qt.CheckState.Checked)
        self.location.setText(data.location or "")
        self.video.setText(data.video_link or "")
        self.notes.setPlainText(data.notes or "")
        self.invite_candidate.setChecked(data.candidate_invited)

    def collect(self) -> InterviewInput:
        day = self.date_edit.date()
        clock = self.time_edit.time()
        contacts: list[int] = []
        users: list[int] = []
        for index in range(self.people.count()):
            item = self.people.item(index)
            if item.checkState() == Qt.CheckState.Checked:
                kind, record_id = item.data(PERSON_ROLE)
                (contacts if kind == "contact" else users).append(record_id)
        return InterviewInput(
            application_id=self.application_id,
            date=dt.date(day.year(), day.month(), day.day()),
            start=dt.time(clock.hour(), clock.minute()),
            time_zone=self.zone.currentText().strip(),
            duration_minutes=self.duration.value(),
            contact_ids=tuple(contacts),
            user_ids=tuple(users),
            location=self.location.text(),
            video_link=self.video.text(),
            notes=self.notes.toPlainText(),
            candidate_invited=self.invite_candidate.isChecked(),
        )

    def _show_conflicts(self, *_args: object) -> None:
        found = check_conflicts(self.services, self.collect(), exclude=self.interview_id)
        names = list(dict.fromkeys(c.name for c in found))
        self.conflicts.setText(conflict_text(names))
        self.conflicts.setVisible(bool(names))

    def save(self, data: InterviewInput) -> Outcome[ScheduleResult]:
        if self.interview_id is None:
            return schedule_interview(self.services, data)
        return reschedule_interview(self.services, self.interview_id, data)


def starts_text(starts_at: dt.datetime, time_zone: str) -> str:
    """The start on the interview's clock and, when it differs, on this computer's."""
    there = local_start(starts_at, time_zone)
    here = starts_at.astimezone()
    text = f"{there:%H:%M} {there.tzname() or time_zone}"
    if here.utcoffset() != there.utcoffset():
        text += f" ({here:%H:%M} here)"
    return text
