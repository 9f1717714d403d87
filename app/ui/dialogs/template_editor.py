"""The email template editor: name, subject, text and HTML bodies, with a live preview.

The preview is rendered for a recipient the user picks (a candidate found with the search
box, and optionally a job for the job merge fields) on a background thread, a moment after
typing pauses; its problems — unknown fields, syntax errors, values this recipient lacks — are
listed in plain words. Saving goes through `save_template`, whose `ValidationError` names the
field, so a template that is wrong in itself is refused with the message under that field;
a value missing for the previewed recipient does not block saving.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.mail.render import TemplateSource, check_template
from app.services.candidates.records import candidate_page
from app.services.candidates.search import search_candidates
from app.services.core.context import Outcome, ServiceContext
from app.services.engagement.mail_settings import get_branding
from app.services.engagement.templates import TemplateInput, get_template, preview, save_template
from app.services.pipeline.jobs import list_jobs
from app.store.enums import JobStatus
from app.ui.background import BackgroundOps
from app.ui.dialogs.form import FormDialog
from app.ui.mail_widgets import EmailPreviewTabs, FieldInserter, email_source
from app.wording import plural

PREVIEW_DELAY_MS = 300
SEARCH_DELAY_MS = 250
SEARCH_LIMIT = 25


@dataclass(frozen=True)
class PreviewRequest:
    """What one preview was rendered from (plain values, for the background thread)."""

    source: TemplateSource
    candidate_id: int | None
    job_id: int | None


@dataclass(frozen=True)
class PreviewShown:
    request: PreviewRequest
    rendered: Any  # RenderedEmail | None
    problems: list[str]


class TemplateEditorDialog(FormDialog):
    """New or existing template; `outcome.value` is the saved template's id."""

    def __init__(
        self,
        services: ServiceContext,
        template_id: int | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__("Edit email template" if template_id else "New email template", parent)
        self.services = services
        self.template_id = template_id
        self.shown: PreviewShown | None = None
        self.setMinimumWidth(900)
        self.resize(1120, 780)
        self.ops = BackgroundOps(self)  # the preview and the recipient search
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.refresh_preview)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.search_candidates)

        # The fields go in a form of their own on the left, the preview on the right.
        splitter = QSplitter()
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        self.form = QFormLayout()
        self.form.setSpacing(6)
        column.addLayout(self.form, 1)
        self.name, self.subject = QLineEdit(), QLineEdit()
        self.body_text, self.body_html = QPlainTextEdit(), QPlainTextEdit()
        self.add_field("name", "Name", self.name, required=True)
        self.add_field("subject", "Subject", self.subject, required=True)
        self.add_field("body_text", "Text", self.body_text, required=True)
        self.add_field("body_html", "HTML (optional)", self.body_html)
        self.name.setMaxLength(120)
        self.body_html.setPlaceholderText(
            "Left empty, the HTML part is made from the text. The agency's branding, footer "
            "and unsubscribe line are added to every email either way."
        )
        self.fields = FieldInserter([self.body_text, self.subject, self.body_html], left)
        bar = QHBoxLayout()
        hint = QLabel(
            "Merge fields look like {{ candidate.first_name }}; "
            '{{ candidate.first_name | default("there") }} gives a fallback.'
        )
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        bar.addWidget(hint, 1)
        bar.addWidget(self.fields.button)
        column.addLayout(bar)
        splitter.addWidget(left)
        splitter.addWidget(self._build_preview())
        splitter.setSizes([560, 540])
        layout = self.layout()
        if isinstance(layout, QVBoxLayout):  # FormDialog's: title, form, errors, buttons
            layout.insertWidget(2, splitter, 1)

        if template_id is not None:
            self._load(template_id)
        for signal in (
            self.subject.textChanged,
            self.body_text.textChanged,
            self.body_html.textChanged,
            self.job.currentIndexChanged,
            self.recipient.currentIndexChanged,
        ):
            signal.connect(self._schedule_preview)
        self.watch(
            self.name.textChanged,
            self.subject.textChanged,
            self.body_text.textChanged,
            self.body_html.textChanged,
        )
        self.recipient_search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search_candidates()

    # ---- building -----------------------------------------------------------------------
    def _build_preview(self) -> QWidget:

        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Preview")
        title.setProperty("role", "subtitle")
        column.addWidget(title)
        form = QFormLayout()
        self.recipient_search = QLineEdit()
        self.recipient_search.setObjectName("recipient_search")
        self.recipient_search.setPlaceholderText("Find a candidate to preview for…")
        self.recipient_search.setClearButtonEnabled(True)
        self.recipient = QComboBox()
        self.recipient.setObjectName("recipient")
        self.job = QComboBox()
        self.job.setObjectName("preview_job")
        self.job.addItem("No job", None)
        for job in list_jobs(self.services, (JobStatus.OPEN, JobStatus.ON_HOLD)):
            self.job.addItem(f"{job.title} — {job.client_name}", job.id)
        form.addRow("Recipient", self.recipient_search)
        form.addRow("", self.recipient)
        form.addRow("Job", self.job)
        column.addLayout(form)
        self.problems_title = QLabel()
        self.problems_title.setObjectName("problems_title")
        column.addWidget(self.problems_title)
        self.problems = QListWidget()
        self.problems.setObjectName("problems")
        self.problems.setMaximumHeight(120)
        self.problems.hide()
        column.addWidget(self.problems)
        self.preview_subject = QLabel()
        self.preview_subject.setWordWrap(True)
        column.addWidget(self.preview_subject)
        self.tabs = EmailPreviewTabs(get_branding(self.services).logo)
        self.preview_html, self.preview_text = self.tabs.html, self.tabs.text
        column.addWidget(self.tabs, 1)
        return holder

    def _load(self, template_id: int) -> None:

        row = get_template(self.services, template_id)
        self.name.setText(row.name)
        self.subject.setText(row.subject)
        self.body_text.setPlainText(row.body_text)
        self.body_html.setPlainText(row.body_html or "")

    # ---- recipients ---------------------------------------------------------------------
    def search_candidates(self) -> None:
        """Offer the candidates matching the search box (the newest ones when it is empty)."""
        self._search_timer.stop()
        services, query = self.services, self.recipient_search.text().strip()

        def find() -> list[tuple[int, str]]:
            if query:
                hits = search_candidates(services, query, limit=SEARCH_LIMIT).hits
                return [(hit.candidate_id, _label(hit.name, hit.current_title)) for hit in hits]

            rows = candidate_page(services, 0, SEARCH_LIMIT, order="recent")
            return [(row.id, _label(row.name, row.current_title)) for row in rows]

        # A failed search is logged; the list keeps the candidates it offered.
        self.ops.query("search", find, self._show_candidates, lambda _error: None)

    def _show_candidates(self, found: list[tuple[int, str]]) -> None:
        current = self.recipient.currentData()
        self.recipient.blockSignals(True)
        self.recipient.clear()
        for candidate_id, label in found:
            self.recipient.addItem(label, candidate_id)
        if not found:
            self.recipient.addItem("No candidate found", None)
        self.recipient.setCurrentIndex(max(0, self.recipient.findData(current)))
        self.recipient.blockSignals(False)
        if self.recipient.currentData() != current or self.shown is None:
            self.refresh_preview()

    # ---- the preview --------------------------------------------------------------------
    def source(self) -> TemplateSource:
        return email_source(self.subject, self.body_text, self.body_html)

    def request(self) -> PreviewRequest:
        return PreviewRequest(self.source(), self.recipient.currentData(), self.job.currentData())

    def _schedule_preview(self, *_args: object) -> None:
        self._preview_timer.start()

    def refresh_preview(self) -> None:
        """Render for the chosen recipient (or only check the template when there is none)."""

        self._preview_timer.stop()
        services, request = self.services, self.request()

        def render() -> PreviewShown:
            if request.candidate_id is None:
                return PreviewShown(request, None, list(check_template(request.source)))
            result = preview(services, request.source, request.candidate_id, request.job_id)
            return PreviewShown(request, result.rendered, list(result.problems))

        self.ops.query(
            "preview", render, self._show_preview, lambda error: self._show_problems([str(error)])
        )

    def _show_preview(self, shown: PreviewShown) -> None:
        self.shown = shown
        self._show_problems(shown.problems)
        rendered = shown.rendered
        self.tabs.show_rendered(rendered)
        if rendered is None:
            self.preview_subject.setText("")
            return

        self.preview_subject.setText(f"<b>Subject:</b> {escape(rendered.subject)}")

    def _show_problems(self, problems: list[str]) -> None:
        self.problems.clear()
        self.problems.addItems(problems)
        self.problems.setVisible(bool(problems))
        if problems:
            self.problems_title.setText(f"{plural(len(problems), 'problem')}:")
            self.problems_title.setProperty("role", "error")
        else:
            self.problems_title.setText("No problems found.")
            self.problems_title.setProperty("role", "success")
        style = self.problems_title.style()
        style.unpolish(self.problems_title)
        style.polish(self.problems_title)

    # ---- saving -------------------------------------------------------------------------
    def collect(self) -> Any:

        html = self.body_html.toPlainText()
        return TemplateInput(
            name=self.name.text(),
            subject=self.subject.text(),
            body_text=self.body_text.toPlainText(),
            body_html=html if html.strip() else None,
        )

    def save(self, data: Any) -> Outcome[int]:

        return save_template(self.services, data, self.template_id)


def _label(name: str, title: str | None) -> str:
    return f"{name} — {title}" if title else name
