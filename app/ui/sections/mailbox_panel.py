"""The Mailbox panel of Settings: the incoming mail account (IMAP), its folders and polling,
the poller's status (last and next poll, what went wrong and what to do, what was imported)
and the messages waiting for a decision.

The password goes to the OS keyring only, in the background (the keyring may ask to be
unlocked). Status and the waiting list are read in the background too; the poller itself runs
on its own thread (`app.ui.mailbox_runtime`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.mail.imap import KEYRING_SERVICE, ImapSettings
from app.mail.secrets import PasswordStore
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.services.mailbox.decisions import CREATE_CANDIDATE, DISMISS, decide, list_waiting
from app.services.mailbox.settings import MailboxStatus, get_settings, mailbox_status, save_settings
from app.ui.background import BackgroundOps
from app.ui.sections.server_fields import ServerFields
from app.ui.sections.settings_form import NOT_SAVED_TEXT, FormPanel

SECURITY_CHOICES = (("ssl", "SSL/TLS", 993), ("starttls", "STARTTLS", 143), ("none", "None", 143))
AFTER_CHOICES = (("flag", "Flag them"), ("move", "Move them to the processed folder"))

# What each kind of problem means and what to do about it (the server's words follow).
PROBLEMS = {
    "authentication": "Authentication failed: check the user name, type the password again "
    "and Save.",
    "unreachable": "Server unreachable: check the server name and port and that this computer "
    "is online. Hirebench tries again at the next poll.",
    "certificate": "Certificate problem: the server's certificate is not trusted. Check the "
    "server name and the security setting, or ask your provider.",
    "settings": "Folder problem: check the folder names.",
    "server": "The server refused: see its words below; Hirebench tries again at the next poll.",
}
KIND_LABELS = {
    "application": "applications imported",
    "reply": "replies",
    "auto_reply": "automatic replies",
    "unsubscribe": "unsubscribes",
    "bounce": "bounces",
}


def _local(when: dt.datetime | None) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M") if when is not None else "never"


def status_lines(status: MailboxStatus) -> tuple[str, str, str]:
    """(when, problem, counts) as the panel shows them."""
    settings = status.settings
    if not settings.configured:
        when = "Not set up."
    elif not settings.enabled:
        when = f"Not reading in the background. Last poll: {_local(status.last_poll_at)}."
    else:
        following = "as soon as mail arrives" if settings.use_idle else _local(status.next_poll_at)
        if settings.use_idle and status.next_poll_at is not None:
            following += f", at the latest {_local(status.next_poll_at)}"
        when = f"Last poll: {_local(status.last_poll_at)}. Next: {following}."
    problem = ""
    if status.last_error:
        problem = f"{PROBLEMS.get(status.last_error_kind or '', 'Problem:')} {status.last_error}"
    counts = ", ".join(
        f"{status.counts[kind]:,} {label}"
        for kind, label in KIND_LABELS.items()
        if status.counts.get(kind)
    )
    extra = [f"{status.pending:,} waiting for a decision"] if status.pending else []
    extra += [f"{status.failed:,} could not be handled"] if status.failed else []
    extra += [f"{status.bouncing:,} bouncing addresses"] if status.bouncing else []
    return when, problem, "; ".join([counts or "Nothing read yet", *extra]) + "."


class MailboxPanel(FormPanel):
    """The incoming account, its status and the messages waiting for a decision."""

    changes_made = Signal(object)  # Changes, for the window's broadcast
    settings_saved = Signal(object)  # ImapSettings: the poller picks them up now
    poll_requested = Signal()

    def __init__(
        self,
        services: ServiceContext,
        passwords: PasswordStore | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__("Mailbox (incoming mail)", "mailboxPanel", services, parent)
        self.passwords = passwords or PasswordStore(service=KEYRING_SERVICE)
        self.ops = BackgroundOps(self)
        self._saved = ImapSettings()
        self.server = ServerFields(
            self.form, "Mail server (IMAP)", "imap.example.com", SECURITY_CHOICES, self
        )
        self.host, self.port, self.security = (
            self.server.host,
            self.server.port,
            self.server.security,
        )
        self.username = QLineEdit()
        self.form.add("username", "User name", self.username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Saved in the system keyring, never in Hirebench's files")
        self.form.add("password", "Password", self.password)
        self.applications_folder = QLineEdit()
        self.form.add("applications_folder", "Applications folder", self.applications_folder)
        self.replies_folder = QLineEdit()
        self.form.add("replies_folder", "Replies folder", self.replies_folder)
        self.after_import = QComboBox()
        for value, label in AFTER_CHOICES:
            self.after_import.addItem(label, value)
        self.form.add("after_import", "Handled messages", self.after_import)
        self.processed_folder = QLineEdit()
        self.form.add("processed_folder", "Processed folder", self.processed_folder)
        self.poll_minutes = QSpinBox()
        self.poll_minutes.setRange(1, 24 * 60)
        self.poll_minutes.setSuffix(" min")
        self.form.add("poll_minutes", "Poll every", self.poll_minutes)
        self.use_idle = QCheckBox("Read new mail at once where the server offers it (IDLE)")
        self.form.add("use_idle", "", self.use_idle)
        self.enabled = QCheckBox("Read the mailbox in the background")
        self.form.add("enabled", "", self.enabled)
        self.add_save_row("Save mailbox", "saveMailbox", "mailboxSaved", wrap=True)

        self.when = QLabel()
        self.when.setObjectName("mailboxWhen")
        self.problem = QLabel()
        self.problem.setObjectName("mailboxProblem")
        self.problem.setProperty("role", "error")
        self.problem.setWordWrap(True)
        self.counts = QLabel()
        self.counts.setObjectName("mailboxCounts")
        self.counts.setProperty("role", "muted")
        self.counts.setWordWrap(True)
        for line in (self.when, self.problem, self.counts):
            self.column.addWidget(line)
        poll_row = QHBoxLayout()
        self.poll_button = QPushButton("Poll now")
        self.poll_button.setObjectName("pollNow")
        self.poll_button.clicked.connect(self.poll_requested)
        poll_row.addWidget(self.poll_button)
        poll_row.addStretch(1)
        self.column.addLayout(poll_row)

        self.column.addWidget(QLabel("Waiting for a decision"))
        self.waiting = QListWidget()
        self.waiting.setObjectName("mailboxWaiting")
        self.waiting.setMaximumHeight(140)
        self.waiting.currentItemChanged.connect(self._show_waiting)
        self.column.addWidget(self.waiting)
        self.waiting_text = QPlainTextEdit()
        self.waiting_text.setReadOnly(True)
        self.waiting_text.setMaximumHeight(120)
        self.column.addWidget(self.waiting_text)
        decide_row = QHBoxLayout()
        self.make_candidate = QPushButton("Make a candidate")
        self.make_candidate.setObjectName("mailboxMakeCandidate")
        self.make_candidate.clicked.connect(lambda: self._decide(CREATE_CANDIDATE))
        self.dismiss = QPushButton("Dismiss")
        self.dismiss.setObjectName("mailboxDismiss")
        self.dismiss.clicked.connect(lambda: self._decide(DISMISS))
        decide_row.addWidget(self.make_candidate)
        decide_row.addWidget(self.dismiss)
        decide_row.addStretch(1)
        self.column.addLayout(decide_row)
        self.reload()

    # ---- loading --------------------------------------------------------------------------
    def reload(self) -> None:
        settings = get_settings(self.services)
        self._saved = settings
        self.server.show_saved(settings.host, settings.port, settings.security)
        self.username.setText(settings.username)
        self.password.clear()
        self.applications_folder.setText(settings.applications_folder)
        self.replies_folder.setText(settings.replies_folder)
        self.after_import.setCurrentIndex(max(self.after_import.findData(settings.after_import), 0))
        self.processed_folder.setText(settings.processed_folder)
        self.poll_minutes.setValue(settings.poll_minutes)
        self.use_idle.setChecked(settings.use_idle)
        self.enabled.setChecked(settings.enabled)
        self.form.show_errors({})
        self.refresh_status()

    @property
    def edited(self) -> bool:
        return self.collect() != self._saved or bool(self.password.text())

    def refresh_status(self) -> None:
        """Read the status and the waiting messages in the background."""
        services = self.services
        self.ops.query(
            "status",
            lambda: (mailbox_status(services), list_waiting(services)),
            self._show_status,
            lambda error: self.problem.setText(str(error)),
        )

    def _show_status(self, value: tuple[MailboxStatus, list[Any]]) -> None:
        status, waiting = value
        when, problem, counts = status_lines(status)
        self.when.setText(when)
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.counts.setText(counts)
        current = self.waiting.currentItem()
        keep = current.data(256) if current is not None else None
        self.waiting.clear()
        for message in waiting:
            label = f"{_local(message.received_at)}  {message.sender_name or message.sender}: "
            label += message.subject or "(no subject)"
            if message.state == "failed":
                label += "  — could not be handled"
            item = QListWidgetItem(label)
            item.setData(256, message.id)
            item.setData(257, f"{message.detail}\n\n{message.text}".strip())
            self.waiting.addItem(item)
            if message.id == keep:
                self.waiting.setCurrentItem(item)
        self._show_waiting()

    def _show_waiting(self, *_args: object) -> None:
        item = self.waiting.currentItem()
        self.waiting_text.setPlainText(item.data(257) if item is not None else "")
        for button in (self.make_candidate, self.dismiss):
            button.setEnabled(item is not None)

    def _decide(self, action: str) -> None:
        item = self.waiting.currentItem()
        if item is None:
            return
        message_id, services = int(item.data(256)), self.services
        self.ops.write(
            "decide",
            lambda: decide(services, message_id, action),
            lambda _value: self.refresh_status(),
            lambda error: self.saved_note.setText(str(error)),
            self.changes_made.emit,
        )

    # ---- input ----------------------------------------------------------------------------
    def collect(self) -> ImapSettings:
        return ImapSettings(
            host=self.host.text().strip(),
            port=self.port.value(),
            security=str(self.security.currentData()),
            username=self.username.text().strip(),
            applications_folder=self.applications_folder.text().strip(),
            replies_folder=self.replies_folder.text().strip(),
            after_import=str(self.after_import.currentData()),
            processed_folder=self.processed_folder.text().strip(),
            poll_minutes=self.poll_minutes.value(),
            use_idle=self.use_idle.isChecked(),
            enabled=self.enabled.isChecked(),
        )

    def save(self) -> bool:
        settings = self.collect()
        try:
            done = save_settings(self.services, settings)
        except ValidationError as exc:
            self.form.show_errors(exc.errors, focus_first=True)
            self.saved_note.setText(NOT_SAVED_TEXT)
            return False
        self.form.show_errors({})
        self._saved = done.value
        self.changes_made.emit(done.changes)
        password, passwords = self.password.text(), self.passwords
        self.password.clear()
        if password:
            self.saved_note.setText("Saved; saving the password in the keyring…")
            self.ops.query(
                "password",
                lambda: passwords.save(done.value, password),
                lambda _value: self._saved_with(done.value, "Saved, with the password."),
                lambda error: self.saved_note.setText(f"Saved, but not the password: {error}"),
            )
        else:
            self._saved_with(done.value, "Saved.")
        return True

    def _saved_with(self, settings: ImapSettings, text: str) -> None:
        self.saved_note.setText(text)
        self.settings_saved.emit(settings)
        self.refresh_status()
