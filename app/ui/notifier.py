"""Task reminders while Hirebench runs: a desktop notification when a task falls due.

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

    def announce(self, title: str, text: str) -> None:
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
    changes_made = Signal(object)  # Changes: the tasks marked announced
    announced = Signal(list)  # list[TaskRow], as each notice goes out

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
        self.notice.show_tasks.connect(self.show_tasks_requested)
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
        """Announce the tasks that fell due by ``now`` and were not announced yet."""
        if self._stopped:
            return []
        try:
            rows = self._take(now)
        except Exception as exc:  # a busy or damaged database: try again next minute
            log.warning("task reminders: %s", exc)
            return []
        if rows:
            self.announce(rows, local_now(now).date())
        return rows

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
        if self.tray_available():
            tray = self._tray()
            tray.showMessage(title, text, self.icon, TRAY_MESSAGE_MS)
        else:
            self.window.statusBar().showMessage(
                f"{title}: {text.splitlines()[0]}", STATUS_MESSAGE_MS
            )
            self.notice.announce(title, text)
        self.announced.emit(rows)

    def _tray(self) -> QSystemTrayIcon:
        if self.tray is None:
            self.tray = QSystemTrayIcon(self.icon, self)
            self.tray.setToolTip("Hirebench")
            self.tray.messageClicked.connect(self.show_tasks_requested)
            self.tray.activated.connect(lambda _reason: self.show_tasks_requested.emit())
            self.tray.show()
        return self.tray

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # No check may run against a database the closing window is about to close.
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.stop()
        return super().eventFilter(watched, event)
