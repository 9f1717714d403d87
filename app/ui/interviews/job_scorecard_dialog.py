"""Job scorecard: the attributes the job's interviewers judge (typed, or taken from the
client's or the agency's template) and whether a card may leave Interviewed only once a
scorecard is in. Saved attributes already rated are kept (the service says which)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from app.services.core.context import Outcome, ServiceContext
from app.services.pipeline.jobs import get_job
from app.services.pipeline.scorecards import (
    INTERVIEW_STAGE,
    JobScorecardInput,
    JobScorecardRow,
    job_scorecard,
    list_templates,
    set_job_scorecard,
)
from app.ui.dialogs.form import FormDialog

OWN = -1  # the template choice "as now"


class JobScorecardDialog(FormDialog):
    def __init__(self, services: ServiceContext, job_id: int, parent: QWidget | None = None):
        job = get_job(services, job_id)  # NotFoundError before any window shows
        current = job_scorecard(services, job_id)
        super().__init__(f"Scorecard — {job.title}", parent)
        self.services = services
        self.job_id = job_id
        self.templates = {t.id: t for t in list_templates(services, job.client_id)}
        self.template = QComboBox()
        self.template.addItem("As now", OWN)
        for template in self.templates.values():
            self.template.addItem(f"Template: {template.label}", template.id)
        self.template.currentIndexChanged.connect(self._take_template)
        self.add_field("template_id", "Start from", self.template)
        self.attributes = QPlainTextEdit()
        self.attributes.setPlaceholderText("One attribute per line: Skills, Communication…")
        self.attributes.setPlainText("\n".join(a.name for a in current.attributes))
        self.attributes.setMaximumHeight(140)
        self.attributes.setTabChangesFocus(True)
        self.add_field("attributes", "Attributes", self.attributes, required=True)
        self.required = QCheckBox(f"Require a scorecard before a card leaves {INTERVIEW_STAGE}")
        self.required.setChecked(current.required)
        self.add_field("required", "Rule", self.required)
        self.save_as = QLineEdit()
        self.save_as.setPlaceholderText("Name, to keep these attributes for other jobs (optional)")
        self.add_field("save_as", "Save as template", self.save_as)
        self.agency_wide = QCheckBox(f"For every client (else only {job.client_name})")
        self.add_field("agency_wide", "Template for", self.agency_wide)
        self.watch(self.attributes.textChanged)

    def _take_template(self, _index: int) -> None:
        template = self.templates.get(self.template.currentData())
        if template is not None:
            self.attributes.setPlainText("\n".join(template.attributes))

    def collect(self) -> JobScorecardInput:
        chosen = self.template.currentData()
        return JobScorecardInput(
            tuple(self.attributes.toPlainText().splitlines()),
            self.required.isChecked(),
            None if chosen == OWN else chosen,
            self.save_as.text() or None,
            self.agency_wide.isChecked(),
        )

    def save(self, data: JobScorecardInput) -> Outcome[JobScorecardRow]:
        return set_job_scorecard(
            self.services,
            self.job_id,
            data.attributes,
            data.required,
            data.template_id,
            save_as=data.save_as,
            agency_wide=data.agency_wide,
        )
