"""Reminders while Hirebench runs: a desktop notification when a task falls due, and a
quarter of an hour before each of the recruiter's interviews.

Every minute (and once soon after start-up, for what fell due while Hirebench was closed)
`TaskReminders` takes the recruiter's newly due tasks from `take_due_reminders`, which marks
them announced in the same transaction, so each is announced once, by one window. The notice
is the system tray's message where there is a tray; otherwise a status-bar message and a
small notice in the window's corner. Never a modal dialog: a reminder must not stop the work
in hand.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSystemTrayIcon,
    QToolButton,
)

from app.services.core.context import ServiceContext
from app.services.pipeline.tasks import TaskRow, due_now, local_now, take_due_reminders
from app.wording import plural

if TYPE_CHECKING:
    from app.services.pipeline.interview_list import InterviewRow

log = logging.getLogger(__name__)

CHECK_INTERVAL_MS = 60_000
FIRST_CHECK_MS = 3_000  # after start-up: the window is up and the first screen painted
TRAY_MESSAGE_MS = 15_000
STATUS_MESSAGE_MS = 15_000
NAMED_IN_MESSAGE = 3  # the most tasks named in one notice; the rest are counted


def reminder_text(rows: list[TaskRow], today: dt.date) -> tuple[str, str]:
    """A notice's title and text: the task and whom it is about, or how many and which."""
    # Deferred: the Tasks section (~50 ms) loads when first needed, not at start-up.
    from app.ui.sections.tasks import due_text

    def line(row: TaskRow) -> str:
        about = f" — {row.about}" if row.about else ""
        return f"{row.title}{about} (due {due_text(row, today, capital=False)})"

    if len(rows) == 1:
        return f"Task due: {rows[0].title}", line(rows[0])
    named = [line(row) for row in rows[:NAMED_IN_MESSAGE]]
    rest = len(rows) - len(named)
    if rest:
        named.append(f"and {plural(rest, 'more task')}")
    return f"{plural(len(rows), 'task')} due", "\n".join(named)


def interview_reminder_text(rows: list[InterviewRow]) -> tuple[str, str]:
    """A notice's title and text: the interview about to start (or how many), with whom."""

    def line(row: InterviewRow) -> str:
        where = f" · {row.location or row.video_link}" if row.location or row.video_link else ""
        here = row.starts_at.astimezone()
        return (
            f"{here:%H:%M} {row.candidate_name} — {row.job_title} ({row.client_name}),"
            f" with {row.interviewers}{where}"
        )

    if len(rows) == 1:
        here = rows[0].starts_at.astimezone()
        return f"Interview at {here:%H:%M}: {rows[0].candidate_name}", line(rows[0])
    return f"{plural(len(rows), 'interview')} starting soon", "\n".join(line(r) for r in rows)


class TaskNotice(QFrame):
    """The in-window notice: what fell due, Show tasks, and ✕. It floats in the window's
    bottom-right corner above the status bar and takes no focus."""

    show_tasks = Signal()

    def __init__(self, host: QMainWindow):
        super().__init__(host)
        self.host = host
        self.setObjectName("taskNotice")
        self.setProperty("role", "card")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 10, 8, 10)
        self.text = QLabel()
        self.text.setObjectName("taskNoticeText")
        self.text.setWordWrap(True)
        self.text.setMinimumWidth(240)
        self.text.setMaximumWidth(380)
        row.addWidget(self.text, 1)
        self.show_button = QPushButton("Show tasks")
        self.show_button.setObjectName("taskNoticeShow")
        self.show_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.show_button.clicked.connect(self._show_tasks)
        self.close_button = QToolButton()
        self.close_button.setObjectName("taskNoticeClose")
        self.close_button.setText("✕")
        self.close_button.setToolTip("Dismiss")
        self.close_button.setAutoRaise(True)
        self.close_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.close_button.clicked.connect(self.hide)
        row.addWidget(self.show_button, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()
        host.installEventFilter(self)

    def announce(self, title: str, text: str, button: str = "Show tasks") -> None:
        self.show_button.setText(button)
        self.text.setText(f"<b>{_escape(title)}</b><br>{_escape(text).replace(chr(10), '<br>')}")
        self.adjustSize()
        self._place()
        self.show()
        self.raise_()

    def _show_tasks(self) -> None:
        self.hide()
        self.show_tasks.emit()

    def _place(self) -> None:
        margin = 16
        status = self.host.statusBar().height() if self.host.statusBar().isVisible() else 0
        size = self.sizeHint()
        width = min(size.width(), max(200, self.host.width() - 2 * margin))
        height = self.heightForWidth(width) if self.hasHeightForWidth() else size.height()
        self.resize(width, max(height, size.height()))
        self.move(
            self.host.width() - self.width() - margin,
            self.host.height() - status - self.height() - margin,
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.host and event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return super().eventFilter(watched, event)


def _escape(text: str) -> str:
    return escape(text)


class TaskReminders(QObject):
    """Checks for due tasks on a timer and announces them (see the module's docstring)."""

    show_tasks_requested = Signal()
    show_interviews_requested = Signal()
    changes_made = Signal(object)  # Changes: the tasks (or interviews) marked announced
    announced = Signal(list)  # list[TaskRow], as each notice goes out
    interviews_announced = Signal(list)  # list[InterviewRow], as each notice goes out

    def __init__(
        self,
        services: ServiceContext,
        window: QMainWindow,
        icon: QIcon,
        *,
        read_only: Callable[[], bool] = lambda: False,
        tray_available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
        interval_ms: int = CHECK_INTERVAL_MS,
    ):
        super().__init__(window)
        self.services = services
        self.window = window
        self.icon = icon
        self.read_only = read_only
        self.tray_available = tray_available
        self.tray: QSystemTrayIcon | None = None
        self.notice = TaskNotice(window)
        self.notice.show_tasks.connect(self._show_requested)
        self._showing = "tasks"  # what the notice's button and the tray message lead to
        self._seen: set[int] = set()  # announced from a read-only database (nothing written)
        self._stopped = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(lambda: self.check())
        window.installEventFilter(self)

    def start(self, first_check_ms: int = FIRST_CHECK_MS) -> None:
        """Check once soon (what fell due while Hirebench was closed), then every minute."""
        QTimer.singleShot(first_check_ms, self, lambda: self.check())
        self.timer.start()

    def stop(self) -> None:
        self._stopped = True
        self.timer.stop()
        if self.tray is not None:
            self.tray.hide()

    def check(self, now: dt.datetime | None = None) -> list[TaskRow]:
        """Announce the tasks that fell due by ``now`` and were not announced yet, and the
        interviews about to start."""
        if self._stopped:
            return []
        try:
            rows = self._take(now)
        except Exception as exc:  # a busy or damaged database: try again next minute
            log.warning("task reminders: %s", exc)
            return []
        if rows:
            self.announce(rows, local_now(now).date())
        self.check_interviews(now)
        return rows

    def check_interviews(self, now: dt.datetime | None = None) -> list[InterviewRow]:
        """Announce the recruiter's interviews starting within a quarter of an hour, once
        each (see `take_interview_reminders`); none from a read-only database."""
        if self._stopped or self.read_only():
            return []
        # Deferred: the interview tables (and the invites' iCalendar) stay off start-up.
        from app.services.pipeline.interview_list import take_interview_reminders

        try:
            taken = take_interview_reminders(self.services, now)
        except Exception as exc:  # a busy or damaged database: try again next minute
            log.warning("interview reminders: %s", exc)
            return []
        if taken.changes.ids:
            self.changes_made.emit(taken.changes)
        if taken.value:
            title, text = interview_reminder_text(taken.value)
            self._notify(title, text, "interviews")
            self.interviews_announced.emit(taken.value)
        return taken.value

    def _take(self, now: dt.datetime | None) -> list[TaskRow]:
        if self.read_only():
            owner = self.services.actor.user_id
            fresh = [row for row in due_now(self.services, owner, now) if row.id not in self._seen]
            self._seen.update(row.id for row in fresh)
            return fresh
        taken = take_due_reminders(self.services, now)
        if taken.changes.ids:
            self.changes_made.emit(taken.changes)
        return taken.value

    def announce(self, rows: list[TaskRow], today: dt.date) -> None:
        title, text = reminder_text(rows, today)
        self._notify(title, text, "tasks")
        self.announced.emit(rows)

    def _notify(self, title: str, text: str, showing: str) -> None:
        self._showing = showing
        if self.tray_available():
            tray = self._tray()
            tray.showMessage(title, text, self.icon, TRAY_MESSAGE_MS)
        else:
            self.window.statusBar().showMessage(
                f"{title}: {text.splitlines()[0]}", STATUS_MESSAGE_MS
            )
            self.notice.announce(title, text, f"Show {showing}")

    def _show_requested(self) -> None:
        if self._showing == "interviews":
            self.show_interviews_requested.emit()
        else:
            self.show_tasks_requested.emit()

    def _tray(self) -> QSystemTrayIcon:
        if self.tray is None:
            self.tray = QSystemTrayIcon(self.icon, self)
            self.tray.setToolTip("Hirebench")
            self.tray.messageClicked.connect(self._show_requested)
            self.tray.activated.connect(lambda _reason: self._show_requested())
            self.tray.show()
        return self.tray

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # No check may run against a database the closing window is about to close.
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.stop()
        return super().eventFilter(watched, event)
