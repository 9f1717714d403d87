"""Compose and send an email to one candidate or a selection, with its send plan and preview.

Nothing is queued until the plan is clear: the plan (who receives it, who is skipped and why,
and every problem that blocks the send) is computed on a background thread each time the
email or its job changes, and Send stays disabled while it is stale or shows a problem. A
missing subject or text is said under its field at once, and a field of the job used while
no job is chosen marks the Job selector. The send itself (`send_one` /
`send_to_candidates`) re-plans inside its own transaction and also runs off the GUI thread,
because rendering thousands of emails takes a moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.mail.render import TemplateSource
from app.services.core.changes import Changes
from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.engagement.campaigns import plan_send, send_one, send_to_candidates
from app.services.engagement.mail_settings import get_account, get_branding
from app.services.engagement.templates import blank_parts, list_templates, preview
from app.services.pipeline.jobs import list_jobs
from app.store.enums import JobStatus
from app.ui.background import BackgroundOps
from app.ui.dialogs.compose_parts import AccountHint, PlanBox, ScheduleRow
from app.ui.mail_widgets import (
    EmailPreviewTabs,
    FieldInserter,
    add_primary_action,
    email_source,
    show_text,
)
from app.ui.messages import error_label
from app.ui.theme import set_invalid

Wake = Callable[[], None]

ONE_OFF_BODY = 'Hi {{ candidate.first_name | default("there") }},\n\n'
PLAN_DELAY_MS = 350  # typing pauses this long before the plan is computed again
PREVIEW_RECIPIENTS = 200  # recipients offered in the preview's picker
MAX_CAMPAIGN_NAME = 200


# ---- the dialog ----------------------------------------------------------------------------
class ComposeDialog(QDialog):
    """Write (or pick a template), check the plan, preview, then send now or schedule.

    After it is accepted, `outcome` holds the service's result and `notice` a one-line
    summary for the status bar; `changes_made` fires as soon as the send is committed.
    """

    changes_made = Signal(object)  # Changes
    settings_requested = Signal()  # "Open Settings" from the no-account hint

    def __init__(
        self,
        services: ServiceContext,
        candidate_ids: Sequence[int],
        audience_label: str,
        job_id: int | None = None,
        parent: QWidget | None = None,
        *,
        wake: Wake | None = None,
    ):
        super().__init__(parent)
        self.services = services
        self.candidate_ids = list(dict.fromkeys(int(i) for i in candidate_ids))
        self.audience_label = audience_label
        self.wake = wake
        self.single = len(self.candidate_ids) == 1
        self.outcome: Outcome[int] | None = None
        self.notice = ""
        self.plan: Any = None  # the SendPlan for the inputs as they are now, or None
        self.preview_result: Any = None
        self._template: tuple[int, TemplateSource] | None = None
        self._sending = False
        self.setWindowTitle(f"Email {audience_label}")
        self.setModal(True)
        self.resize(1080, 760)

        self.ops = BackgroundOps(self)  # the plan, the preview and the send
        self._plan_timer = QTimer(self, singleShot=True, interval=PLAN_DELAY_MS)
        self._plan_timer.timeout.connect(self.compute_plan)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        heading = QLabel(f"Email {audience_label}")
        heading.setProperty("role", "title")
        layout.addWidget(heading)
        count = len(self.candidate_ids)
        plural = "s" if count != 1 else ""
        self.selection_label = QLabel(
            f"{count:,} candidate{plural} selected" if count else "No one selected"
        )
        self.selection_label.setProperty("role", "muted")
        layout.addWidget(self.selection_label)
        self.account_hint = AccountHint()
        self.settings_button = self.account_hint.settings_button
        self.settings_button.clicked.connect(self._open_settings)
        self.account_hint.setVisible(not get_account(self.services).configured)
        layout.addWidget(self.account_hint)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_editor())
        splitter.addWidget(self._build_preview())
        splitter.setSizes([560, 500])
        layout.addWidget(splitter, 1)
        self.plan_box = PlanBox()
        self.plan_label, self.problems = self.plan_box.label, self.plan_box.problems
        layout.addWidget(self.plan_box)
        self.schedule_row = ScheduleRow(self)
        row = self.schedule_row
        self.send_now, self.schedule, self.when = row.send_now, row.schedule, row.when
        self.when_error = row.when_error
        self.schedule.toggled.connect(lambda _on: self._update_send_button())
        layout.addLayout(self.schedule_row)
        self.general_error = error_label()
        layout.addWidget(self.general_error)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send_button = add_primary_action(self.buttons, "Send", "send")
        self.send_button.clicked.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._load_choices(job_id)
        for signal in (
            self.subject.textChanged,
            self.body_text.textChanged,
            self.body_html.textChanged,
            self.job.currentIndexChanged,
        ):
            signal.connect(self._inputs_changed)
        self.template.currentIndexChanged.connect(self._template_chosen)
        self.recipient.currentIndexChanged.connect(lambda _i: self.compute_preview())
        self._inputs_changed()
        self._plan_timer.stop()
        self.compute_plan()  # the first plan at once, without waiting for typing to pause

    # ---- building -----------------------------------------------------------------------
    def _build_editor(self) -> QWidget:
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.template = QComboBox()
        self.template.setObjectName("template")
        self.template_note = QLabel()
        self.template_note.setProperty("role", "muted")
        self.template_note.hide()
        self.job = QComboBox()
        self.job.setObjectName("job")
        self.campaign_name = QLineEdit()
        self.campaign_name.setObjectName("campaign_name")
        self.campaign_name.setMaxLength(MAX_CAMPAIGN_NAME)
        self.name_error = error_label()
        self.subject = QLineEdit()
        self.subject.setObjectName("subject")
        self.subject.setPlaceholderText("Subject — merge fields allowed")
        form.addRow("Template", self.template)
        form.addRow("", self.template_note)
        form.addRow("Job", self.job)
        if not self.single:
            form.addRow("Campaign name", self.campaign_name)
            form.addRow("", self.name_error)
        self.subject_error = error_label()
        self.subject_error.setObjectName("subject_error")
        form.addRow("Subject", self.subject)
        form.addRow("", self.subject_error)
        column.addLayout(form)
        self.bodies = QTabWidget()
        self.body_text = QPlainTextEdit()
        self.body_text.setObjectName("body_text")
        self.body_html = QPlainTextEdit()
        self.body_html.setObjectName("body_html")
        self.body_html.setPlaceholderText(
            "Optional. Left empty, the HTML part is made from the text, with the branding."
        )
        self.bodies.addTab(self.body_text, "Text")
        self.bodies.addTab(self.body_html, "HTML (optional)")
        self.fields = FieldInserter([self.body_text, self.subject, self.body_html], holder)
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.fields.button)
        column.addLayout(bar)
        column.addWidget(self.bodies, 1)
        self.body_error = error_label()
        self.body_error.setObjectName("body_error")
        column.addWidget(self.body_error)
        return holder

    def _build_preview(self) -> QWidget:

        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("Preview for"))
        self.recipient = QComboBox()
        self.recipient.setObjectName("recipient")
        row.addWidget(self.recipient, 1)
        column.addLayout(row)
        self.preview_subject = QLabel()
        self.preview_subject.setWordWrap(True)
        self.preview_subject.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(self.preview_subject)
        self.preview_problem = error_label()
        column.addWidget(self.preview_problem)
        self.preview_tabs = EmailPreviewTabs(get_branding(self.services).logo)
        self.preview_html, self.preview_text = self.preview_tabs.html, self.preview_tabs.text
        column.addWidget(self.preview_tabs, 1)
        return holder

    def _load_choices(self, job_id: int | None) -> None:

        self.template.addItem("One-off email (no template)", None)
        self._templates = {row.id: row for row in list_templates(self.services)}
        for row in self._templates.values():
            self.template.addItem(row.name, row.id)
        self.job.addItem("No job", None)
        jobs = list_jobs(self.services, (JobStatus.OPEN, JobStatus.ON_HOLD))
        if job_id is not None and all(job.id != job_id for job in jobs):
            jobs += [job for job in list_jobs(self.services) if job.id == job_id]
        for job in jobs:
            self.job.addItem(f"{job.title} — {job.client_name}", job.id)
        self.job.setCurrentIndex(max(0, self.job.findData(job_id)))
        self.body_text.setPlainText(ONE_OFF_BODY)

    # ---- what is being sent -------------------------------------------------------------
    def source(self) -> TemplateSource:
        return email_source(self.subject, self.body_text, self.body_html)

    def template_id(self) -> int | None:
        """The chosen template's id while its text is sent unchanged, else None."""
        if self._template is None:
            return None
        template_id, original = self._template
        return template_id if self.source() == original else None

    def job_id(self) -> int | None:
        return self.job.currentData()

    def scheduled_at(self) -> dt.datetime | None:
        return self.schedule_row.scheduled_at()

    def campaign_title(self) -> str:
        typed = " ".join(self.campaign_name.text().split())
        if typed:
            return typed
        if self._template is not None:  # the template's name reads better than its subject
            base = self.template.currentText()
        else:
            base = " ".join(self.subject.text().split()) or "Email"
        return f"{base} — {self.audience_label}"[:MAX_CAMPAIGN_NAME]

    def _template_chosen(self, _index: int) -> None:
        template_id = self.template.currentData()
        row = self._templates.get(template_id) if template_id is not None else None
        if row is None:
            self._template = None
        else:
            editors = (self.subject, self.body_text, self.body_html)
            for editor in editors:
                editor.blockSignals(True)
            self.subject.setText(row.subject)
            self.body_text.setPlainText(row.body_text)
            self.body_html.setPlainText(row.body_html or "")
            for editor in editors:
                editor.blockSignals(False)
            self._template = (row.id, self.source())
        self._inputs_changed()

    def missing_parts(self) -> dict[str, str]:
        """What the email lacks as typed: a subject, a text ({} when it has both)."""

        return blank_parts(self.source())

    def _show_missing_parts(self) -> None:
        missing = self.missing_parts()
        show_text(self.subject_error, missing.get("subject", ""))
        show_text(self.body_error, missing.get("body_text", ""))
        set_invalid(self.subject, "subject" in missing)
        set_invalid(self.body_text, "body_text" in missing)

    def _inputs_changed(self, *_args: object) -> None:
        """The email or its job changed: the plan is stale until computed again."""
        self.plan = None
        self._show_missing_parts()
        if self._template is not None:
            name = self.template.currentText()
            note = (
                f"Sent as the template “{name}”."
                if self.template_id() is not None
                else f"Edited: sent as a one-off copy of “{name}”."
            )
            self.template_note.setText(note)
        self.template_note.setVisible(self._template is not None)
        self.campaign_name.setPlaceholderText(self.campaign_title())
        self.plan_label.setText("Checking…")
        self._update_send_button()
        self._plan_timer.start()

    # ---- the plan -----------------------------------------------------------------------
    def compute_plan(self) -> None:

        self._plan_timer.stop()
        services, ids = self.services, self.candidate_ids
        source, job_id = self.source(), self.job_id()
        self.plan = None
        self.plan_label.setText("Checking…")
        self._update_send_button()
        self.ops.query(
            "plan",
            lambda: plan_send(services, ids, source, job_id),
            self._show_plan,
            self._plan_failed,
        )

    def _show_plan(self, plan: Any) -> None:
        if self._plan_timer.isActive():
            return  # the user typed again since: a newer plan will follow
        self.plan = plan
        self.plan_box.show_plan(plan, list(self.missing_parts().values()))
        needs_job = bool(plan.needs_job)
        set_invalid(self.job, needs_job)
        self.job.setToolTip(
            "The email uses fields of a job: choose the job they come from." if needs_job else ""
        )
        self._fill_recipients(plan.recipients)
        self._update_send_button()
        self.compute_preview()

    def _plan_failed(self, error: object) -> None:
        self.plan = None
        self.plan_label.setText(f"The plan could not be made: {error}")
        self._update_send_button()

    def _fill_recipients(self, recipients: Sequence[Any]) -> None:
        current = self.recipient.currentData()
        self.recipient.blockSignals(True)
        self.recipient.clear()
        for person in recipients[:PREVIEW_RECIPIENTS]:
            self.recipient.addItem(f"{person.name} <{person.email}>", person.candidate_id)
        self.recipient.setCurrentIndex(max(0, self.recipient.findData(current)))
        self.recipient.blockSignals(False)

    def can_send(self) -> bool:
        return (
            self.plan is not None
            and bool(self.plan.can_send)
            and not self.missing_parts()
            and not self._sending
            and not self._plan_timer.isActive()
        )

    def _update_send_button(self) -> None:
        self.send_button.setEnabled(self.can_send())
        count = len(self.plan.recipients) if self.plan is not None else 0
        verb = "Schedule" if self.schedule.isChecked() else "Send"
        if self._sending:
            self.send_button.setText("Queuing…")
        elif count:
            self.send_button.setText(f"{verb} {count:,} email{'s' if count != 1 else ''}")
        else:
            self.send_button.setText(verb)

    # ---- the preview --------------------------------------------------------------------
    def compute_preview(self) -> None:

        candidate_id = self.recipient.currentData()
        if candidate_id is None:
            self.preview_result = None
            self.preview_subject.setText("")
            self.preview_tabs.show_rendered(None)
            show_text(self.preview_problem, "No recipient to preview for.")
            return
        services, source, job_id = self.services, self.source(), self.job_id()
        self.preview_result = None  # until this preview arrives
        self.ops.query(
            "preview",
            lambda: preview(services, source, candidate_id, job_id),
            self._show_preview,
            lambda error: self._show_preview_problem(str(error)),
        )

    def _show_preview(self, result: Any) -> None:
        self.preview_result = result
        rendered = result.rendered
        show_text(self.preview_problem, "\n".join(result.problems))
        subject = f"<b>Subject:</b> {escape(rendered.subject)}" if rendered else ""
        self.preview_subject.setText(subject)
        self.preview_tabs.show_rendered(rendered)

    def _show_preview_problem(self, text: str) -> None:
        self.preview_result = None
        show_text(self.preview_problem, text)

    # ---- sending ------------------------------------------------------------------------
    def send(self) -> None:
        if not self.can_send():
            return

        services, source, job_id = self.services, self.source(), self.job_id()
        template_id, when = self.template_id(), self.scheduled_at()
        show_text(self.general_error, "")
        show_text(self.when_error, "")
        show_text(self.name_error, "")
        work: Callable[[], Outcome[int]]
        if self.single:
            candidate_id = self.candidate_ids[0]

            def work() -> Outcome[int]:
                return send_one(
                    services,
                    candidate_id,
                    source,
                    job_id=job_id,
                    scheduled_at=when,
                    template_id=template_id,
                )
        else:
            ids, name, audience = self.candidate_ids, self.campaign_title(), self.audience_label

            def work() -> Outcome[int]:
                return send_to_candidates(
                    services,
                    ids,
                    source,
                    name=name,
                    template_id=template_id,
                    job_id=job_id,
                    audience=audience,
                    scheduled_at=when,
                )

        self._sending = True
        self._count = len(self.plan.recipients)
        self._when = when
        self._set_inputs_enabled(False)
        self._update_send_button()
        self.ops.write("send", work, self._sent, self._send_failed, self.changes_made.emit)

    def _set_inputs_enabled(self, enabled: bool) -> None:
        for widget in (
            self.template,
            self.job,
            self.campaign_name,
            self.subject,
            self.bodies,
            self.fields.button,
        ):
            widget.setEnabled(enabled)
        self.schedule_row.set_enabled(enabled)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(enabled)

    def _sent(self, result: Outcome[int]) -> None:
        self._sending = False
        self.outcome = result
        count = self._count
        emails = f"{count:,} email{'s' if count != 1 else ''}"
        if self._when is not None:
            local = self._when.astimezone().strftime("%Y-%m-%d %H:%M")
            self.notice = f"Scheduled {emails} to {self.audience_label} for {local}."
        else:
            self.notice = f"Queued {emails} to {self.audience_label}."
        if self.wake is not None:
            self.wake()
        super().accept()

    def _send_failed(self, error: object) -> None:
        self._sending = False
        self._set_inputs_enabled(True)
        if isinstance(error, ValidationError):
            errors = dict(error.errors)
            show_text(self.when_error, errors.pop("scheduled_at", ""))
            show_text(self.name_error, errors.pop("name", ""))
            lines = [line for message in errors.values() for line in message.splitlines()]
            if lines:
                self.plan_box.show_problems(lines)
            show_text(self.general_error, "Nothing was queued." if errors else "")
            self.compute_plan()  # the selection or the data changed: show the plan as it is
        elif isinstance(error, NotFoundError):
            show_text(self.general_error, f"Nothing was queued: {error}")
        else:
            show_text(self.general_error, f"Nothing was queued: {error}")
        self._update_send_button()

    def all_changes(self) -> Changes:
        return self.outcome.changes if self.outcome is not None else Changes()

    def _open_settings(self) -> None:
        self.settings_requested.emit()
        self.reject()

    def reject(self) -> None:
        if self._sending:
            return  # the send is being committed: closing now would hide its outcome
        super().reject()

    def accept(self) -> None:  # Enter in a field: send, like the Send button
        self.send()
