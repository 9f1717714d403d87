"""The candidate profile: header, contact details and preferences, email, resumes, skills and
experience, applications across jobs, the full timeline and a quick-add bar for notes and calls.

The Email box sends a one-off email (`ComposeDialog`), logs a reply the candidate sent (which
stops their sequences) and unsubscribes or resubscribes them. The timeline tells sent emails
(↗) from logged replies (↙), names the campaign an email came from, and lists campaign emails
not sent yet (scheduled, queued, failed, unknown). Every write goes through a use
case (`candidates.timeline`, `engagement.optout`, `engagement.campaigns`); the dialog
collects what they changed for the window to publish (`all_changes`, or the `changes_made`
signal as they happen).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeyEvent, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.services.candidates.membership import PoolMembershipRow, candidate_pools
from app.services.candidates.pools import remove_members
from app.services.candidates.privacy import ErasureResult
from app.services.candidates.records import (
    CandidateProfile,
    ProfileTouch,
    candidate_profile,
)
from app.services.candidates.timeline import add_note, log_call, set_contact_preferences
from app.services.core.changes import Changes
from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.engagement.optout import log_reply, resubscribe, unsubscribe
from app.services.pipeline.tasks import complete_task, local_now, tasks_about
from app.store.enums import Consent
from app.ui.dialogs.candidate_actions import confirm_and_delete, edit_candidate
from app.ui.dialogs.compose import ComposeDialog
from app.ui.dialogs.consent_dialog import ConsentDialog
from app.ui.dialogs.form import FormDialog
from app.ui.dialogs.hiring_panel import HiringPanel
from app.ui.dialogs.privacy_actions import (
    confirm_erasure,
    erase_in_background,
    erased_message,
    export_personal_data,
)
from app.ui.dialogs.profile_submittals import SubmittalsBox
from app.ui.dialogs.task_editor import Link, TaskEditorDialog
from app.ui.dialogs.timeline_text import activity_text
from app.ui.interviews.panel import InterviewsPanel
from app.ui.merge_undo import install_timeline_undo, mark_timeline_undo, undo_from_timeline
from app.ui.sections.tasks import due_text
from app.wording import plural

CONSENT_LABELS = {
    Consent.UNKNOWN: "Unknown",
    Consent.GRANTED: "Granted",
    Consent.WITHDRAWN: "Withdrawn",
}
CALL_OUTCOMES = ("", "Connected", "Left voicemail", "No answer", "Call back later")
PATH_ROLE = Qt.ItemDataRole.UserRole
POOL_ROLE = Qt.ItemDataRole.UserRole
POOL_KINDS = {  # how a computed pool is marked in the list, and its tooltip
    "smart": ("smart", "A saved search: they are in it while they match."),
    "builtin": ("computed", "Kept by Hirebench from the pipeline history."),
}


def profile_html(profile: CandidateProfile) -> str:
    """Contact details, skills, experience and applications as rich text."""

    def line(label: str, values: object) -> str:
        if not values:
            return ""
        text = ", ".join(values) if isinstance(values, tuple) else str(values)
        return f"<tr><td><b>{escape(label)}</b></td><td>{escape(text)}</td></tr>"

    parts = [
        "<h3>Contact details</h3>",
        "<table cellspacing='6'>",
        line("Name", profile.name),
        line("Headline", profile.headline),
        line("Email", profile.emails),
        line("Phone", profile.phones),
        line("Links", profile.links),
        line("Source", profile.source),
        "</table>",
    ]
    if profile.summary:
        summary = escape(profile.summary).replace("\n", "<br>")
        parts.append(f"<h3>Summary</h3><p>{summary}</p>")
    if profile.skills:
        parts.append(f"<h3>Skills</h3><p>{escape(', '.join(profile.skills))}</p>")
    if profile.experience:
        parts.append("<h3>Experience</h3><ul>")
        for company, title, start, end in profile.experience:
            span = f" ({start or '?'} – {end or '?'})" if start or end else ""
            parts.append(f"<li>{escape(title or '')} at {escape(company)}{escape(span)}</li>")
        parts.append("</ul>")
    parts.append("<h3>Applications</h3>")
    if profile.applications:
        parts.append("<ul>")
        for item in profile.applications:
            reason = f" — {item.rejection_reason}" if item.rejection_reason else ""
            parts.append(
                f"<li>{escape(item.job_title)} at {escape(item.client_name)}: "
                f"<b>{escape(item.stage_name)}</b>{escape(reason)}</li>"
            )
        parts.append("</ul>")
    else:
        parts.append("<p>Not in any job's pipeline.</p>")
    return "".join(parts)


TOUCH_STATES = {
    "queued": "email queued",
    "sending": "email sending",
    "failed": "email failed",
    "cancelled": "email cancelled",
    "unknown": "email unknown — check",
}
CAMPAIGN_KINDS = {"one_off": "one-off email", "bulk": "campaign", "sequence": "sequence"}


def _campaign(touch: ProfileTouch) -> str:
    kind = CAMPAIGN_KINDS.get(touch.campaign_kind or "", "campaign")
    return f"{kind} “{touch.campaign_name}”" if touch.campaign_name else kind


def timeline_lines(profile: CandidateProfile) -> list[str]:
    """The timeline, newest first: activities (a sent email names its campaign) and the
    campaign emails not sent (yet): queued or scheduled, failed, cancelled, unknown."""
    touches = profile.touches
    sent = {(t.subject, t.at): t for t in touches if t.state == "sent"}
    entries: list[tuple[dt.datetime, str]] = []
    for activity in profile.activities:
        text = activity_text(activity)
        touch = sent.get((activity.subject, activity.occurred_at))
        if activity.kind == "email" and touch is not None:
            text = f"{text}  ({_campaign(touch)})"
        entries.append((activity.occurred_at, text))
    for touch in touches:
        if touch.state == "sent":
            continue
        when = touch.at.astimezone().strftime("%Y-%m-%d %H:%M")
        state = TOUCH_STATES.get(touch.state, touch.state)
        if touch.state == "queued" and touch.at > dt.datetime.now(dt.UTC):
            state = "email scheduled"
        entries.append((touch.at, f"{when} · {state}: {touch.subject}  ({_campaign(touch)})"))
    entries.sort(key=lambda entry: entry[0], reverse=True)
    return [text for _when, text in entries]


def email_block(profile: CandidateProfile) -> str | None:
    """Why this candidate cannot be emailed now, or None when they can."""
    if profile.do_not_contact:
        return "Marked do not contact."
    if Consent(profile.consent) is Consent.WITHDRAWN:
        return "Consent withdrawn."
    if profile.unsubscribed_at is not None:
        return "Unsubscribed from email."
    if not profile.emails:
        return "No email address on record."
    if set(profile.bouncing) >= set(profile.emails):
        return "Every address bounces."
    return None


@dataclass(frozen=True)
class _ReplyInput:
    subject: str
    body: str

    def validate(self) -> dict[str, str]:
        """The body is required here already; `log_reply` checks lengths."""
        return {} if self.body.strip() else {"body": "Paste the reply's text."}


class LogReplyDialog(FormDialog):
    """Paste a reply the candidate emailed, to put it on the timeline (and stop sequences)."""

    def __init__(self, services: ServiceContext, candidate_id: int, name: str, parent: QWidget):
        super().__init__(f"Log a reply from {name}", parent)
        self.services = services
        self.candidate_id = candidate_id
        self.subject = QLineEdit()
        self.subject.setPlaceholderText("Re: …")
        self.body = QPlainTextEdit()
        self.body.setPlaceholderText("Paste the reply here.")
        self.add_field("subject", "Subject", self.subject)
        self.add_field("body", "Reply", self.body, required=True)
        note = QLabel(
            "Logging a reply stops every sequence this candidate is in: someone who answered "
            "should hear from you, not from the next step."
        )
        note.setWordWrap(True)
        note.setProperty("role", "muted")
        self.form.addRow(note)
        self.watch(self.body.textChanged)

    def collect(self) -> _ReplyInput:
        return _ReplyInput(self.subject.text(), self.body.toPlainText())

    def save(self, data: _ReplyInput) -> Outcome[int]:

        return log_reply(self.services, self.candidate_id, data.subject, data.body)


PREFERRED_SIZE = QSize(980, 780)


def _opening_size(parent: QWidget | None) -> QSize:
    """The preferred size, within the screen the dialog opens on (a 1024 × 700 laptop screen
    must show it whole, title bar and Close button included)."""
    screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
    if screen is None:
        return PREFERRED_SIZE
    room = screen.availableGeometry().size()
    return PREFERRED_SIZE.boundedTo(QSize(room.width() - 40, room.height() - 60))


class ProfileDialog(QDialog):
    changes_made = Signal(object)  # Changes, as each write happens
    settings_requested = Signal()  # the compose dialog's "Open Settings" (no mail account)
    pool_requested = Signal(int)  # "Open pool": show that talent pool (the profile closes)
    notice = Signal(str)  # for the window's status bar: an undo refused after this closed

    def __init__(
        self,
        services: ServiceContext,
        candidate_id: int,
        documents_dir: Path | None = None,
        parent: QWidget | None = None,
        *,
        wake: Callable[[], None] | None = None,
        undo_stack: QUndoStack | None = None,
        publish: Callable[[Changes], None] | None = None,
        backups_dir: Path | None = None,
    ):
        super().__init__(parent)
        self.services = services
        self.candidate_id = candidate_id
        self.documents_dir = documents_dir
        self.backups_dir = backups_dir  # listed after an erasure: they still hold the person
        self.wake = wake  # nudges the mail dispatcher after an email is queued
        # Edits go on the window's undo stack; an undo done after this dialog closed
        # tells the window through ``publish``.
        self.undo_stack = undo_stack
        self.publish = publish
        self.deleted = False
        self.erased = False
        self._changes = Changes()
        self.profile: CandidateProfile | None = None
        self.resize(_opening_size(parent))
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_header())

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        left = QWidget()
        details = QVBoxLayout(left)
        details.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("profile_tabs")
        self.tabs.addTab(self.browser, "Profile")
        self.interviews = InterviewsPanel(
            services, candidate_id, undo_stack, self._publish_later, self._notify
        )
        self.tabs.addTab(self.interviews, "Interviews")
        self.submittals_box = SubmittalsBox(
            services,
            candidate_id,
            self._record,
            undo_stack,
            self._publish_later,
            self._notify,
        )
        self.hiring = HiringPanel(
            services,
            candidate_id,
            self._hiring_saved,
            self._publish_later,
            self._notify,
            undo_stack,
        )
        # Each record beside the profile gets a tab: stacked under it they left no room at
        # 1024 × 700. The tab names say what the box titles said.
        for box, name in (
            (self.submittals_box, "Submittals"),
            (self.hiring, "Offers"),
            (self._build_resumes(), "Resumes"),
            (self._build_pools(), "Pools"),
            (self._build_tasks(), "Tasks"),
        ):
            box.setTitle("")
            box.setFlat(True)
            self.tabs.addTab(box, name)
        self.tabs.setUsesScrollButtons(True)
        # Seven names side by side: the theme's roomy tab padding would push the last ones out.
        self.tabs.setStyleSheet("QTabBar::tab { padding: 8px 6px; margin-right: 1px; }")
        details.addWidget(self.tabs, 1)
        splitter.addWidget(left)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self._build_preferences())
        column.addWidget(self._build_timeline(), 1)
        splitter.addWidget(right)
        splitter.setSizes([550, 410])  # room for every tab name
        layout.addWidget(splitter, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reload()

    # ---- building ---------------------------------------------------------------------------
    def _build_header(self) -> QVBoxLayout:
        header = QVBoxLayout()
        top = QHBoxLayout()
        self.name_label = QLabel()
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.dnc_badge = QLabel("Do not contact")
        self.dnc_badge.setObjectName("dnc_badge")
        self.dnc_badge.setStyleSheet(
            "QLabel#dnc_badge { background: #c62828; color: white; font-weight: bold;"
            " border-radius: 4px; padding: 2px 8px; }"
        )
        self.unsubscribed_badge = QLabel("Unsubscribed")
        self.unsubscribed_badge.setObjectName("unsubscribed_badge")
        self.unsubscribed_badge.setStyleSheet(
            "QLabel#unsubscribed_badge { background: #ef6c00; color: white; font-weight: bold;"
            " border-radius: 4px; padding: 2px 8px; }"
        )
        top.addWidget(self.name_label)
        top.addWidget(self.dnc_badge)
        top.addWidget(self.unsubscribed_badge)
        top.addStretch(1)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setObjectName("edit_candidate_button")
        self.edit_button.setToolTip("Change names, contact details, skills, tags, owner…")
        self.edit_button.clicked.connect(self.edit_candidate)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setObjectName("delete_candidate_button")
        self.delete_button.setProperty("role", "danger")
        self.delete_button.clicked.connect(self.delete_candidate)
        self.privacy_button = QPushButton("Privacy")
        self.privacy_button.setObjectName("privacy_button")
        self.privacy_button.setToolTip("Export or erase this person's personal data")
        privacy = QMenu(self.privacy_button)
        privacy.addAction("Export personal data…", self.export_personal_data)
        privacy.addAction("Erase personal data…", self.erase_personal_data)
        self.privacy_button.setMenu(privacy)
        for button in (self.privacy_button, self.edit_button, self.delete_button):
            button.setAutoDefault(False)
            top.addWidget(button)
        header.addLayout(top)
        self.role_label = QLabel()
        self.meta_label = QLabel()
        self.meta_label.setWordWrap(True)
        header.addWidget(self.role_label)
        header.addWidget(self.meta_label)
        return header

    def _build_preferences(self) -> QGroupBox:
        """Consent, do-not-contact and email (send, log a reply, unsubscribe) in one box."""
        box = QGroupBox("Consent and contact")
        form = QFormLayout(box)
        self.do_not_contact = QCheckBox("Do not contact")
        self.consent = QComboBox()
        for value, label in CONSENT_LABELS.items():
            self.consent.addItem(label, value.value)
        self.consent_at = QLabel()
        self.consent_at.setProperty("role", "muted")
        consent = QHBoxLayout()
        consent.addWidget(self.consent, 1)
        consent.addWidget(QLabel("changed"))
        consent.addWidget(self.consent_at)
        form.addRow(self.do_not_contact)
        form.addRow("Consent", consent)
        self.email_status = QLabel()
        self.email_status.setObjectName("email_status")
        self.email_status.setWordWrap(True)
        form.addRow("Email", self.email_status)
        row = QHBoxLayout()
        self.email_button = QPushButton("Email…")
        self.email_button.setObjectName("email_button")
        self.email_button.clicked.connect(self.compose_email)
        self.reply_button = QPushButton("Log reply…")
        self.reply_button.setObjectName("log_reply_button")
        self.reply_button.setToolTip("Put a reply they emailed on the timeline; stops sequences.")
        self.reply_button.clicked.connect(self.log_reply)
        self.unsubscribe_button = QPushButton("Unsubscribe")
        self.unsubscribe_button.setObjectName("unsubscribe_button")
        self.unsubscribe_button.clicked.connect(self.toggle_subscription)
        self.consent_button = QPushButton("Consent records…")
        self.consent_button.setObjectName("consent_records_button")
        self.consent_button.setToolTip("Each answer with its legal basis, source and expiry")
        self.consent_button.clicked.connect(self.show_consent_records)
        for button in (
            self.email_button,
            self.reply_button,
            self.unsubscribe_button,
            self.consent_button,
        ):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        form.addRow(row)
        self.do_not_contact.toggled.connect(self.save_preferences)
        self.consent.currentIndexChanged.connect(self.save_preferences)
        return box

    def _build_resumes(self) -> QGroupBox:
        box = QGroupBox("Resume versions")
        row = QHBoxLayout(box)
        self.resumes = QListWidget()
        self.resumes.itemDoubleClicked.connect(lambda _item: self.open_original())
        self.resumes.currentItemChanged.connect(lambda *_: self._update_open_button())
        self.open_button = QPushButton("Open original")
        self.open_button.clicked.connect(self.open_original)
        row.addWidget(self.resumes, 1)
        row.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)
        return box

    def _build_pools(self) -> QGroupBox:
        """The talent pools they are in: open one, or take them out of a hand-kept one."""
        box = QGroupBox("Talent pools")
        row = QHBoxLayout(box)
        self.pools = QListWidget()
        self.pools.setObjectName("profile_pools")
        self.pools.itemDoubleClicked.connect(lambda _item: self.open_pool())
        self.pools.currentItemChanged.connect(lambda *_: self._update_pool_buttons())
        buttons = QVBoxLayout()
        self.open_pool_button = QPushButton("Open")
        self.open_pool_button.setObjectName("open_pool_button")
        self.open_pool_button.setToolTip("Show this pool in Talent pools.")
        self.open_pool_button.clicked.connect(self.open_pool)
        self.remove_pool_button = QPushButton("Remove")
        self.remove_pool_button.setObjectName("remove_pool_button")
        self.remove_pool_button.clicked.connect(self.remove_from_pool)
        for button in (self.open_pool_button, self.remove_pool_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        row.addWidget(self.pools, 1)
        row.addLayout(buttons)
        return box

    def _build_timeline(self) -> QGroupBox:
        box = QGroupBox("Timeline")
        column = QVBoxLayout(box)
        self.timeline = QListWidget()
        self.timeline.setObjectName("timeline")
        # Long notes wrap onto more lines at the list's width instead of running off its edge.
        self.timeline.setWordWrap(True)
        self.timeline.setResizeMode(QListView.ResizeMode.Adjust)
        self.timeline.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.timeline.setTextElideMode(Qt.TextElideMode.ElideNone)
        column.addWidget(self.timeline, 1)
        self.undo_merge_action = install_timeline_undo(self)  # see `undo_merge`
        self.note_edit = QPlainTextEdit()
        self.note_edit.setPlaceholderText(
            "Write a note or a call summary… (Ctrl+Enter adds a note)"
        )
        self.note_edit.setMaximumHeight(80)
        self.note_edit.installEventFilter(self)
        column.addWidget(self.note_edit)
        bar = QHBoxLayout()
        self.add_note_button = QPushButton("Add note")
        self.add_note_button.setAutoDefault(False)
        self.add_note_button.clicked.connect(self.add_note)
        self.call_outcome = QComboBox()
        self.call_outcome.setEditable(True)
        self.call_outcome.addItems(CALL_OUTCOMES)
        self.call_outcome.setToolTip("How the call ended (optional)")
        self.log_call_button = QPushButton("Log call")
        self.log_call_button.setAutoDefault(False)
        self.log_call_button.clicked.connect(self.log_call)
        bar.addWidget(self.add_note_button)
        bar.addStretch(1)
        bar.addWidget(QLabel("Call outcome"))
        bar.addWidget(self.call_outcome)
        bar.addWidget(self.log_call_button)
        column.addLayout(bar)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        column.addWidget(self.error_label)
        return box

    # ---- showing ----------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the profile again (with its whole timeline) and show it."""
        try:
            profile = candidate_profile(self.services, self.candidate_id, activities=None)
        except NotFoundError as error:
            self._show_error(str(error))
            return
        self.profile = profile
        self.setWindowTitle(profile.name)
        self.name_label.setText(profile.name)
        role = " · ".join(p for p in (profile.current_title, profile.current_employer) if p)
        self.role_label.setText(role or profile.headline or "")
        self.role_label.setVisible(bool(self.role_label.text()))
        meta = [
            profile.location or "",
            f"Tags: {', '.join(profile.tags)}" if profile.tags else "",
            f"Owner: {profile.owner_name}" if profile.owner_name else "No owner",
        ]
        self.meta_label.setText("   ·   ".join(m for m in meta if m))
        self.dnc_badge.setVisible(profile.do_not_contact)
        self._show_email_state(profile)
        self.browser.setHtml(profile_html(profile))

        for widget in (self.do_not_contact, self.consent):
            widget.blockSignals(True)
        self.do_not_contact.setChecked(profile.do_not_contact)
        self.consent.setCurrentIndex(max(0, self.consent.findData(Consent(profile.consent).value)))
        for widget in (self.do_not_contact, self.consent):
            widget.blockSignals(False)
        self.consent_at.setText(
            profile.consent_at.astimezone().strftime("%Y-%m-%d %H:%M")
            if profile.consent_at
            else "—"
        )

        self.resumes.clear()
        for resume in profile.resumes:
            when = resume.imported_at.astimezone().strftime("%Y-%m-%d %H:%M")
            item = QListWidgetItem(f"{resume.original_name} — imported {when}")
            item.setData(PATH_ROLE, resume.stored_path)
            self.resumes.addItem(item)
        if not profile.resumes:
            self.resumes.addItem(QListWidgetItem("No resume on file"))
            self.resumes.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        else:
            self.resumes.setCurrentRow(0)
        self._update_open_button()

        self._show_pools()
        self._show_tasks()
        self.submittals_box.reload()
        self.hiring.reload()
        self.interviews.reload()

        self.timeline.clear()
        lines = timeline_lines(profile)
        self.timeline.addItems(lines)
        if not lines:
            self.timeline.addItem("Nothing yet.")
        mark_timeline_undo(self)

    def _show_email_state(self, profile: CandidateProfile) -> None:
        unsubscribed_at = profile.unsubscribed_at
        self.unsubscribed_badge.setVisible(unsubscribed_at is not None)
        if unsubscribed_at is not None:
            when = unsubscribed_at.astimezone().strftime("%Y-%m-%d")
            status = f"Unsubscribed from email on {when}: no campaign or sequence reaches them."
        elif profile.emails:
            status = f"Receives email at {profile.emails[0]}."
        else:
            status = "No email address on record."
        block = email_block(profile)
        if block and unsubscribed_at is None and profile.emails:
            status = f"{status} Not emailed: {block}"
        if profile.bouncing:
            addresses = ", ".join(profile.bouncing)
            status = f"{status} Bouncing (hard bounce, no email is sent to it): {addresses}."
        self.email_status.setText(status)
        self.email_button.setEnabled(block is None)
        self.email_button.setToolTip(block or "Write a one-off email or use a template.")
        self.unsubscribe_button.setText("Resubscribe" if unsubscribed_at else "Unsubscribe")

    def _update_open_button(self) -> None:
        item = self.resumes.currentItem()
        stored = item.data(PATH_ROLE) if item is not None else None
        self.open_button.setEnabled(bool(stored) and self.documents_dir is not None)

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    # ---- acting -----------------------------------------------------------------------------
    def all_changes(self) -> Changes:
        """Everything this dialog changed so far."""
        return self._changes

    def _record(self, result: Outcome[object]) -> None:
        self._changes = self._changes | result.changes
        if result.changes.ids:
            self.changes_made.emit(result.changes)

    # ---- undoing an attach or a merge from its timeline entry ----------------------------------
    def undo_merge(self) -> bool:
        """The timeline's "Undo this merge": the records back exactly as they were before the
        resume was attached or the candidates merged; or why that is not possible now."""

        done = undo_from_timeline(self)
        if done is None:
            return False
        if not isinstance(done, str):
            self._record(done)
        self.reload()
        self._show_error("" if not isinstance(done, str) else done)
        return not isinstance(done, str)

    def add_note(self) -> bool:

        return self._add(lambda text: add_note(self.services, self.candidate_id, text))

    def log_call(self) -> bool:

        outcome = self.call_outcome.currentText()
        return self._add(lambda text: log_call(self.services, self.candidate_id, text, outcome))

    def _add(self, write: Callable[[str], Outcome[int]]) -> bool:
        try:
            result = write(self.note_edit.toPlainText())
        except ValidationError as error:
            self._show_error(" ".join(error.errors.values()))
            return False
        except NotFoundError as error:
            self._show_error(str(error))
            return False
        self._record(result)
        self.note_edit.clear()
        self.call_outcome.setCurrentIndex(0)
        self._show_error("")
        self.reload()
        self.note_edit.setFocus()
        return True

    def save_preferences(self) -> None:

        consent = Consent(self.consent.currentData())
        try:
            result = set_contact_preferences(
                self.services, self.candidate_id, self.do_not_contact.isChecked(), consent
            )
        except NotFoundError as error:
            self._show_error(str(error))
            return
        self._record(result)
        self.reload()

    def compose_email(self) -> None:
        """A one-off email to this candidate (or from a template), sent through the outbox."""

        if self.profile is None:
            return
        dialog = ComposeDialog(
            self.services, [self.candidate_id], self.profile.name, parent=self, wake=self.wake
        )
        dialog.changes_made.connect(lambda changes: self._record(Outcome(None, changes)))
        dialog.settings_requested.connect(self.settings_requested.emit)
        dialog.settings_requested.connect(self.reject)  # make way for the Settings section
        self._open(dialog)
        if dialog.outcome is not None:
            self._show_error("")
            self.reload()

    def log_reply(self) -> None:
        if self.profile is None:
            return
        dialog = LogReplyDialog(self.services, self.candidate_id, self.profile.name, self)
        self._open(dialog)
        if dialog.outcome is not None:
            self._record(dialog.outcome)
            self.reload()

    def toggle_subscription(self) -> None:
        """Unsubscribe (stops sequences, cancels waiting mail) or resubscribe, once confirmed."""

        if self.profile is None:
            return
        name = self.profile.name
        try:
            if self.profile.unsubscribed_at is None:
                if not self.confirm(
                    "Unsubscribe from email",
                    f"{name} will get no more email from Hirebench: their sequences stop and "
                    "emails still waiting in the outbox are cancelled.",
                ):
                    return
                done = unsubscribe(self.services, self.candidate_id)
                stopped = len(done.value.stopped_enrollments)
                cancelled = len(done.value.cancelled_messages)
                notice = (
                    f"Unsubscribed. Stopped {plural(stopped, 'sequence')} and cancelled "
                    f"{plural(cancelled, 'waiting email')}."
                )
            else:
                if not self.confirm(
                    "Resubscribe",
                    f"Only resubscribe {name} if they asked to hear from you again. "
                    "Stopped sequences stay stopped.",
                ):
                    return
                done = resubscribe(self.services, self.candidate_id)
                notice = "Resubscribed: new emails and sequences can reach them again."
        except NotFoundError as error:
            self._show_error(str(error))
            return
        self._record(done)
        self.reload()
        self.email_status.setText(f"{self.email_status.text()}  {notice}")

    def confirm(self, title: str, text: str) -> bool:
        """Ask before a change the user cannot simply take back."""
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def _open(self, dialog: QDialog) -> None:
        """Run a child dialog; an overridable seam (tests drive it like a user would)."""
        dialog.exec()

    def open_original(self) -> None:
        """Open the selected resume's stored file in the system's viewer."""
        item = self.resumes.currentItem()
        stored = item.data(PATH_ROLE) if item is not None else None
        if not stored or self.documents_dir is None:
            return
        path = self.documents_dir / stored
        if not path.is_file():
            self._show_error(f"The file {path.name} is no longer in the documents folder.")
            return
        if not self.open_url(QUrl.fromLocalFile(str(path))):
            self._show_error(f"No program could open {path.name}.")

    def open_url(self, url: QUrl) -> bool:
        """Hand ``url`` to the desktop; tests override this to see what would open."""
        return QDesktopServices.openUrl(url)

    # ---- the record: edit, delete, pools -----------------------------------------------------
    def _hiring_saved(self, result: Outcome[object]) -> None:
        """An offer or placement saved: recorded, and the timeline read again."""
        self._record(result)
        self._show_error("")
        self.reload()

    def _notify(self, text: str) -> None:
        self._show_error(text)
        self.notice.emit(text)

    def _publish_later(self, changes: Changes) -> None:
        """What an undo or redo changed: to the window when it listens, else collected."""
        if self.publish is not None:
            self.publish(changes)
        else:
            self._record(Outcome(None, changes))

    def edit_candidate(self) -> None:

        done = edit_candidate(
            self.services,
            self.candidate_id,
            self,
            self.undo_stack,
            self._publish_later,
            self._notify,
        )
        if done is not None:
            self._record(done)
            self._show_error("")
            self.reload()

    def delete_candidate(self) -> None:
        """Delete them once confirmed (the question names what goes too); the profile closes."""

        done = confirm_and_delete(
            self.services, self.candidate_id, self.documents_dir, self, self._notify
        )
        if done is not None:
            self.deleted = True
            self._record(done)
            self.accept()

    def show_consent_records(self) -> None:
        """The consent history and its form; what is recorded there shows here after."""
        dialog = ConsentDialog(self.services, self.candidate_id, self)
        dialog.changes_made.connect(lambda changes: self._record(Outcome(None, changes)))
        dialog.exec()
        self.reload()

    def export_personal_data(self) -> None:
        """Everything held about them, as a zip (subject access)."""
        export_personal_data(
            self, self.services, self.candidate_id, self.documents_dir, self._notify
        )

    def erase_personal_data(self) -> None:
        """Once confirmed, erase them everywhere; the profile closes when it is done."""
        if not confirm_erasure(self, self.name_label.text()):
            return
        self.setEnabled(False)  # nothing else is done to them meanwhile

        def done(result: Outcome[ErasureResult]) -> None:
            self.setEnabled(True)
            self.erased = True
            self._record(Outcome(None, result.changes))
            self.notice.emit(erased_message(result.value))
            self.accept()

        def failed(text: str) -> None:
            self.setEnabled(True)
            self._notify(text)

        erase_in_background(
            self,
            self.services,
            self.candidate_id,
            self.documents_dir,
            self.backups_dir,
            done,
            failed,
            self._notify,
        )

    def _show_pools(self) -> None:

        self.pools.clear()
        for pool in candidate_pools(self.services, self.candidate_id):
            kind = POOL_KINDS.get(pool.kind)
            item = QListWidgetItem(f"{pool.name} · {kind[0]}" if kind else pool.name)
            if pool.added_at is not None:
                added = pool.added_at.astimezone().strftime("%Y-%m-%d")
                item.setToolTip(f"Added on {added}")
            elif kind:
                item.setToolTip(kind[1])
            item.setData(POOL_ROLE, pool)
            self.pools.addItem(item)
        if not self.pools.count():
            self.pools.addItem(QListWidgetItem("In no talent pool"))
            self.pools.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        else:
            self.pools.setCurrentRow(0)
        self._update_pool_buttons()

    def _current_pool(self) -> PoolMembershipRow | None:
        item = self.pools.currentItem()
        return item.data(POOL_ROLE) if item is not None else None

    def _update_pool_buttons(self) -> None:
        pool = self._current_pool()
        self.open_pool_button.setEnabled(pool is not None)
        self.remove_pool_button.setEnabled(pool is not None and pool.removable)
        self.remove_pool_button.setToolTip(
            "Take them out of this pool."
            if pool is None or pool.removable
            else "This pool is computed; its members are not kept by hand."
        )

    def open_pool(self) -> None:
        """Show the pool in Talent pools (this dialog closes to make way)."""
        pool = self._current_pool()
        if pool is not None:
            self.pool_requested.emit(pool.pool_id)
            self.reject()

    def remove_from_pool(self) -> None:

        pool = self._current_pool()
        if pool is None or not pool.removable:
            return
        try:
            done = remove_members(self.services, pool.pool_id, [self.candidate_id])
        except (ValidationError, NotFoundError) as error:
            reason = (
                "; ".join(error.errors.values()) if isinstance(error, ValidationError) else error
            )
            self._show_error(str(reason))
            return
        self._record(done)
        self._show_pools()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.note_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.add_note()
            return True
        return super().eventFilter(watched, event)

    # ---- tasks about this candidate --------------------------------------------------------------
    def _build_tasks(self) -> QGroupBox:
        """Their open follow-ups: Add task… plans one, Done marks the selected one done (it
        then shows on the timeline)."""
        box = QGroupBox("Tasks")
        row = QHBoxLayout(box)
        self.tasks = QListWidget()
        self.tasks.setObjectName("profile_tasks")
        self.tasks.currentItemChanged.connect(lambda *_: self._update_task_buttons())
        buttons = QVBoxLayout()
        self.add_task_button = QPushButton("Add task…")
        self.add_task_button.setObjectName("add_task_button")
        self.add_task_button.setToolTip("Plan a follow-up with them for a day and time.")
        self.add_task_button.clicked.connect(self.add_task)
        self.task_done_button = QPushButton("Done")
        self.task_done_button.setObjectName("task_done_button")
        self.task_done_button.setToolTip("Mark the selected task done.")
        self.task_done_button.clicked.connect(self.complete_selected_task)
        for button in (self.add_task_button, self.task_done_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        row.addWidget(self.tasks, 1)
        row.addLayout(buttons)
        return box

    def _show_tasks(self) -> None:

        self.tasks.clear()
        today = local_now().date()
        for task in tasks_about(self.services, candidate_id=self.candidate_id):
            item = QListWidgetItem(f"{due_text(task, today)} · {task.title}")
            item.setData(Qt.ItemDataRole.UserRole, task.id)
            if task.note:
                item.setToolTip(task.note)
            self.tasks.addItem(item)
        if not self.tasks.count():
            self.tasks.addItem(QListWidgetItem("No open task"))
            self.tasks.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        else:
            self.tasks.setCurrentRow(0)
        self._update_task_buttons()

    def _update_task_buttons(self) -> None:
        item = self.tasks.currentItem()
        self.task_done_button.setEnabled(
            item is not None and item.data(Qt.ItemDataRole.UserRole) is not None
        )

    def add_task(self) -> None:

        if self.profile is None:
            return
        link = Link("candidate", self.candidate_id, self.profile.name)
        dialog = TaskEditorDialog(self.services, self, link=link)
        self._open(dialog)
        if dialog.outcome is not None:
            self._record(dialog.outcome)
            self._show_tasks()

    def complete_selected_task(self) -> None:

        item = self.tasks.currentItem()
        task_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if task_id is None:
            return
        try:
            done = complete_task(self.services, task_id)
        except (ValidationError, NotFoundError) as error:
            reason = (
                "; ".join(error.errors.values()) if isinstance(error, ValidationError) else error
            )
            self._show_error(str(reason))
            self._show_tasks()
            return
        self._record(done)
        self._show_error("")
        self.reload()
