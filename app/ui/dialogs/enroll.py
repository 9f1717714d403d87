"""Enrol selected candidates in a drip sequence, and show who was skipped and why.

The enrolment (`app.services.sequences.enroll`) runs on a background thread — a pool or a
search result may hold thousands — and the dialog stays open afterwards with the counts, so the
recruiter sees how many were enrolled, already in the sequence, or not contactable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QThreadPool, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.services.context import Outcome, ServiceContext
from app.services.unit_of_work import Changes, NotFoundError, ValidationError
from app.ui.mail_widgets import Background, add_primary_action, error_label, show_text


def report_text(report: Any) -> str:
    """ "Enrolled 12 · skipped: 2 already in this sequence, 3 who cannot be emailed"."""
    enrolled = len(report.enrolled)
    skipped = [
        f"{number:,} {label}"
        for number, label in (
            (report.already_enrolled, "already in this sequence"),
            (
                report.not_contactable,
                "who cannot be emailed (do not contact, unsubscribed or no address)",
            ),
            (report.missing, "no longer in the database"),
        )
        if number
    ]
    head = f"Enrolled {enrolled:,} candidate{'s' if enrolled != 1 else ''}"
    return f"{head} · skipped: {', '.join(skipped)}" if skipped else head


class EnrollDialog(QDialog):
    """Pick a sequence (and the job whose stage changes stop it), then enrol."""

    changes_made = Signal(object)  # Changes

    def __init__(
        self,
        services: ServiceContext,
        candidate_ids: Sequence[int],
        audience_label: str,
        job_id: int | None = None,
        parent: QWidget | None = None,
        *,
        wake: Callable[[], None] | None = None,
        pool: QThreadPool | None = None,
    ):
        super().__init__(parent)
        self.services = services
        self.candidate_ids = list(dict.fromkeys(int(i) for i in candidate_ids))
        self.audience_label = audience_label
        self.wake = wake
        self.outcome: Outcome[Any] | None = None
        self.notice = ""
        self.setWindowTitle("Add to sequence")
        self.setModal(True)
        self.setMinimumWidth(560)
        self.worker = Background(self, pool)
        self.worker.finished.connect(self._enrolled)
        self.worker.failed.connect(self._failed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        count = len(self.candidate_ids)
        heading = QLabel(f"Add {count:,} candidate{'s' if count != 1 else ''} to a sequence")
        heading.setProperty("role", "title")
        layout.addWidget(heading)
        source = QLabel(f"From: {audience_label}")
        source.setProperty("role", "muted")
        layout.addWidget(source)
        form = QFormLayout()
        self.sequence = QComboBox()
        self.sequence.setObjectName("sequence")
        self.job = QComboBox()
        self.job.setObjectName("job")
        form.addRow("Sequence", self.sequence)
        form.addRow("Watched job", self.job)
        layout.addLayout(form)
        explanation = QLabel(
            "Each step goes out its number of days after enrolment. A candidate's sequence "
            "stops when they reply (a reply logged on their timeline), unsubscribe, or move to "
            "another stage in the watched job. Do-not-contact and unsubscribed candidates, and "
            "those without an email address, are skipped."
        )
        explanation.setWordWrap(True)
        explanation.setProperty("role", "muted")
        layout.addWidget(explanation)
        self.empty_hint = QLabel("No sequence yet: create one in Campaigns → Sequences.")
        self.empty_hint.setProperty("role", "warning")
        self.empty_hint.hide()
        layout.addWidget(self.empty_hint)
        self.result_label = QLabel()
        self.result_label.setObjectName("result")
        self.result_label.setProperty("role", "success")
        self.result_label.setWordWrap(True)
        self.result_label.hide()
        layout.addWidget(self.result_label)
        self.error = error_label()
        layout.addWidget(self.error)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.enroll_button = add_primary_action(self.buttons, "Enrol", "enroll")
        self.enroll_button.clicked.connect(self.enroll)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._load(job_id)
        self._fit()

    def _fit(self) -> None:
        """Tall enough for the wrapped explanation at the dialog's width."""
        width = max(self.minimumWidth(), self.sizeHint().width())
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            self.resize(width, max(self.sizeHint().height(), layout.totalHeightForWidth(width)))

    def _load(self, job_id: int | None) -> None:
        from app.services.campaigns import list_campaigns
        from app.services.jobs import list_jobs
        from app.store.engagement import CampaignKind, CampaignStatus
        from app.store.models import JobStatus

        for row in list_campaigns(self.services):
            if row.kind is CampaignKind.SEQUENCE and row.status in (
                CampaignStatus.ACTIVE,
                CampaignStatus.PAUSED,
            ):
                paused = " (paused)" if row.status is CampaignStatus.PAUSED else ""
                self.sequence.addItem(f"{row.name}{paused}", row.id)
        self.job.addItem("The sequence's own job (if it has one)", None)
        for job in list_jobs(self.services, (JobStatus.OPEN, JobStatus.ON_HOLD)):
            self.job.addItem(f"{job.title} — {job.client_name}", job.id)
        self.job.setCurrentIndex(max(0, self.job.findData(job_id)))
        empty = self.sequence.count() == 0
        self.empty_hint.setVisible(empty)
        self.enroll_button.setEnabled(not empty and bool(self.candidate_ids))

    def enroll(self) -> None:
        from app.services.sequences import enroll

        campaign_id = self.sequence.currentData()
        if campaign_id is None or not self.candidate_ids or self.worker.pending:
            return
        services, ids, job_id = self.services, self.candidate_ids, self.job.currentData()
        show_text(self.error, "")
        self.enroll_button.setEnabled(False)
        self.enroll_button.setText("Enrolling…")
        self.worker.run(lambda: enroll(services, campaign_id, ids, job_id))

    def _enrolled(self, result: Outcome[Any]) -> None:
        self.outcome = result
        name = self.sequence.currentText()
        self.notice = f"“{name}”: {report_text(result.value)}."
        show_text(self.result_label, self.notice)
        self.changes_made.emit(result.changes)
        if self.wake is not None and result.value.enrolled:
            self.wake()  # a day-0 step is due now
        self.enroll_button.hide()
        self.sequence.setEnabled(False)
        self.job.setEnabled(False)
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)
        self._fit()

    def _failed(self, error: object) -> None:
        self.enroll_button.setEnabled(True)
        self.enroll_button.setText("Enrol")
        if isinstance(error, ValidationError):
            message = "; ".join(error.errors.values())
        elif isinstance(error, NotFoundError):
            message = str(error)
        else:
            message = f"Could not enrol: {error}"
        show_text(self.error, f"Nobody was enrolled: {message}")
        self._fit()

    def all_changes(self) -> Changes:
        return self.outcome.changes if self.outcome is not None else Changes()

    def reject(self) -> None:
        if self.worker.pending:
            return  # the enrolment is being committed: wait for its counts
        super().reject()
