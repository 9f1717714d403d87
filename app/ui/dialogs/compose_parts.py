"""The compose dialog's self-contained parts: the hint shown while no mail account is set up,
the send plan (who receives the email, who is skipped, what blocks the send), and the choice
between sending now and scheduling."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QDateTime, QObject
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateTimeEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.messages import error_label


def plan_summary(plan: Any) -> str:
    """ "Will send to 120 · skipped: 3 do-not-contact, 1 unsubscribed, 2 without an email"."""
    count = len(plan.recipients)
    head = f"Will send to {count:,}" if count else "No one to send to"
    skipped = [
        f"{number:,} {label}"
        for number, label in (
            (plan.skipped_do_not_contact, "do-not-contact"),
            (plan.skipped_unsubscribed, "unsubscribed"),
            (plan.skipped_no_email, "without an email"),
            (getattr(plan, "skipped_missing", 0), "no longer in the database"),
        )
        if number
    ]
    return f"{head} · skipped: {', '.join(skipped)}" if skipped else f"{head} · nobody skipped"


class AccountHint(QFrame):
    """ "No mail account is set up yet", with an Open Settings button."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("account_hint")
        self.setProperty("role", "card")
        row = QHBoxLayout(self)
        text = QLabel(
            "No mail account is set up yet. Set the server and From address in "
            "Settings → Email account; until then nothing can go out."
        )
        text.setProperty("role", "warning")
        text.setWordWrap(True)
        self.settings_button = QPushButton("Open Settings")
        self.settings_button.setObjectName("open_settings")
        self.settings_button.setAutoDefault(False)
        row.addWidget(text, 1)
        row.addWidget(self.settings_button)


class PlanBox(QFrame):
    """The plan's one-line summary and, when there are any, the problems blocking the send."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("role", "card")
        column = QVBoxLayout(self)
        self.label = QLabel("Checking…")
        self.label.setObjectName("plan_summary")
        self.label.setWordWrap(True)
        column.addWidget(self.label)
        self.problems_heading = QLabel("Fix these before sending:")
        self.problems_heading.setProperty("role", "error")
        self.problems = QListWidget()
        self.problems.setObjectName("problems")
        self.problems.setMaximumHeight(110)
        column.addWidget(self.problems_heading)
        column.addWidget(self.problems)
        self.problems_heading.hide()
        self.problems.hide()

    def show_plan(self, plan: Any, said_elsewhere: Sequence[str] = ()) -> None:
        """The plan; problems in ``said_elsewhere`` (shown under their field) are left out."""
        self.label.setText(plan_summary(plan))
        self.show_problems([line for line in plan.problems if line not in said_elsewhere])

    def show_problems(self, problems: Sequence[str]) -> None:
        self.problems.clear()
        self.problems.addItems(list(problems))
        self.problems_heading.setVisible(bool(problems))
        self.problems.setVisible(bool(problems))


class ScheduleRow(QHBoxLayout):
    """ "Send now" or "Schedule for" a local date and time, with the time's error message."""

    def __init__(self, group_parent: QObject):
        super().__init__()
        self.send_now = QRadioButton("Send now")
        self.send_now.setObjectName("send_now")
        self.schedule = QRadioButton("Schedule for")
        self.schedule.setObjectName("schedule")
        group = QButtonGroup(group_parent)
        group.addButton(self.send_now)
        group.addButton(self.schedule)
        self.send_now.setChecked(True)
        self.when = QDateTimeEdit()
        self.when.setObjectName("when")
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        now = QDateTime.currentDateTime()
        self.when.setMinimumDateTime(now)
        self.when.setDateTime(now.addSecs(3600))
        self.when.setEnabled(False)
        self.schedule.toggled.connect(self.when.setEnabled)
        self.when_error = error_label()
        self.addWidget(self.send_now)
        self.addWidget(self.schedule)
        self.addWidget(self.when)
        self.addWidget(QLabel("(your local time)"))
        self.addWidget(self.when_error, 1)
        self.addStretch(1)

    def scheduled_at(self) -> dt.datetime | None:
        """The chosen time in UTC, or None to send now."""
        if not self.schedule.isChecked():
            return None
        seconds = self.when.dateTime().toSecsSinceEpoch()
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)

    def set_enabled(self, enabled: bool) -> None:
        self.send_now.setEnabled(enabled)
        self.schedule.setEnabled(enabled)
        self.when.setEnabled(enabled and self.schedule.isChecked())
