"""Enrol selected candidates in a drip sequence, and show who was skipped and why.

Enrol first checks (`plan_enrollment`): every step is merged for each candidate, and what
cannot be made for someone is listed by name before anything changes. With problems, nobody
is enrolled unless the recruiter goes ahead with only those who pass; without, the enrolment
(`enroll`) follows at once. Both run on a background thread — a pool or a search result may
hold thousands — and the dialog stays open afterwards with the counts, so the recruiter sees
exactly how many were enrolled, left out, already in the sequence, or not contactable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.core.changes import Changes
from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.engagement.campaigns import list_campaigns
from app.services.engagement.sequences import enroll, plan_enrollment
from app.services.pipeline.jobs import list_jobs
from app.store.enums import CampaignKind, CampaignStatus, JobStatus
from app.ui.background import BackgroundOps
from app.ui.mail_widgets import add_primary_action, show_text
from app.ui.messages import error_label


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def report_text(report: Any) -> str:
    """ "Enrolled 12 candidates · skipped: 2 left out for the problems listed, 3 who cannot be
    emailed (…)" — or "Nobody was enrolled · …" when no one went in."""
    enrolled = len(report.enrolled)
    skipped = [
        f"{number:,} {label}"
        for number, label in (
            (getattr(report, "with_problems", 0), "left out for the problems listed"),
            (report.already_enrolled, "already in this sequence"),
            (
                report.not_contactable,
                "who cannot be emailed (do not contact, unsubscribed or no address)",
            ),
            (report.missing, "no longer in the database"),
        )
        if number
    ]
    head = f"Enrolled {_plural(enrolled, 'candidate')}" if enrolled else "Nobody was enrolled"
    return f"{head} · skipped: {', '.join(skipped)}" if skipped else head


def problems_heading(plan: Any) -> str:
    """What the problem list is about, and that nothing has changed yet."""
    if plan.blocked:
        return "This sequence cannot be sent as it is; nobody was enrolled. Fix its templates:"
    failing, total = len(plan.failing), len(plan.failing) + len(plan.ready)
    who = (
        "The candidate"
        if total == 1
        else f"{failing:,} of the {total:,} candidates"
        if failing < total
        else f"All {total:,} candidates"
    )
    return f"{who} to enrol cannot get every email of this sequence; nothing has changed yet:"


def go_ahead_text(ready: int) -> str:
    return "Enrol only the 1 who passes" if ready == 1 else f"Enrol only the {ready:,} who pass"


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
        self.plan: Any = None  # the checked plan while its problems are shown
        self.ops = BackgroundOps(self)  # the check, then the enrolment

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
        self.problems_heading = QLabel()
        self.problems_heading.setObjectName("problemsHeading")
        self.problems_heading.setProperty("role", "error")
        self.problems_heading.setWordWrap(True)
        self.problems = QListWidget()
        self.problems.setObjectName("problems")
        self.problems.setWordWrap(True)
        self.problems.setMaximumHeight(160)
        for widget in (self.problems_heading, self.problems):
            widget.hide()
            layout.addWidget(widget)
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
        self.sequence.currentIndexChanged.connect(self._choice_changed)
        self.job.currentIndexChanged.connect(self._choice_changed)
        self._fit()

    def _fit(self) -> None:
        """Tall enough for the wrapped explanation at the dialog's width."""
        width = max(self.minimumWidth(), self.sizeHint().width())
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            self.resize(width, max(self.sizeHint().height(), layout.totalHeightForWidth(width)))

    def _load(self, job_id: int | None) -> None:

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

    @property
    def busy(self) -> bool:
        return self.ops.busy()

    def _choice_changed(self, _index: int) -> None:
        """Another sequence or job: the problems shown no longer apply."""
        self.plan = None
        self._show_problems("", [])
        show_text(self.error, "")
        self.enroll_button.setText("Enrol")
        self.enroll_button.setEnabled(self.sequence.count() > 0 and bool(self.candidate_ids))
        self._fit()

    def enroll(self) -> None:
        """Check first; with problems listed, a second press enrols only those who pass."""
        campaign_id = self.sequence.currentData()
        if campaign_id is None or not self.candidate_ids or self.busy:
            return
        if self.plan is not None:
            if self.plan.ready and not self.plan.blocked:
                self._start_enrolment(skip_problems=True)
            return

        services, ids, job_id = self.services, self.candidate_ids, self.job.currentData()
        show_text(self.error, "")
        self.enroll_button.setEnabled(False)
        self.enroll_button.setText("Checking…")
        self.ops.query(
            "check",
            lambda: plan_enrollment(services, campaign_id, ids, job_id),
            self._checked,
            self._failed,
        )

    def _checked(self, plan: Any) -> None:
        if not plan.problems:
            self._start_enrolment(skip_problems=False)
            return
        self.plan = plan
        self._show_problems(problems_heading(plan), list(plan.problems))
        can_go_ahead = bool(plan.ready) and not plan.blocked
        self.enroll_button.setText(go_ahead_text(len(plan.ready)) if can_go_ahead else "Enrol")
        self.enroll_button.setEnabled(can_go_ahead)
        if not can_go_ahead:
            show_text(self.error, "Nobody can be enrolled until these are fixed.")
        self._fit()

    def _show_problems(self, heading: str, lines: list[str]) -> None:
        self.problems_heading.setText(heading)
        self.problems.clear()
        self.problems.addItems(lines)
        self.problems_heading.setVisible(bool(lines))
        self.problems.setVisible(bool(lines))

    def _start_enrolment(self, *, skip_problems: bool) -> None:

        campaign_id = self.sequence.currentData()
        services, ids, job_id = self.services, self.candidate_ids, self.job.currentData()
        self.enroll_button.setEnabled(False)
        self.enroll_button.setText("Enrolling…")
        self.ops.write(
            "enrol",
            lambda: enroll(services, campaign_id, ids, job_id, skip_problems=skip_problems),
            self._enrolled,
            self._failed,
            self.changes_made.emit,
        )

    def _enrolled(self, result: Outcome[Any]) -> None:
        self.outcome = result
        report = result.value
        name = self.sequence.currentText()
        self.notice = f"“{name}”: {report_text(report)}."
        self.result_label.setProperty("role", "success" if report.enrolled else "warning")
        self.result_label.style().unpolish(self.result_label)
        self.result_label.style().polish(self.result_label)
        show_text(self.result_label, self.notice)
        if self.wake is not None and report.enrolled:
            self.wake()  # a day-0 step is due now
        if self.problems.isVisible():  # the list now says who was left out, and why
            left_out = getattr(report, "with_problems", 0)
            self.problems_heading.setText(
                f"Left out ({_plural(left_out, 'candidate')}), for these problems:"
            )
        self.enroll_button.hide()
        self.sequence.setEnabled(False)
        self.job.setEnabled(False)
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)
        self._fit()

    def _failed(self, error: object) -> None:
        self.plan = None
        self.enroll_button.setEnabled(True)
        self.enroll_button.setText("Enrol")
        if isinstance(error, ValidationError):
            errors = dict(error.errors)
            listed = [
                line
                for key in ("templates", "recipients")
                for line in errors.pop(key, "").split("\n")
            ]
            listed = [line for line in listed if line]
            if listed:  # something changed since the check: what holds now
                self._show_problems("Since the check, these came up:", listed)
            message = "; ".join(errors.values()) or "see the problems above"
        elif isinstance(error, NotFoundError):
            message = str(error)
        else:
            message = f"Could not enrol: {error}"
        show_text(self.error, f"Nobody was enrolled: {message}")
        self._fit()

    def all_changes(self) -> Changes:
        return self.outcome.changes if self.outcome is not None else Changes()

    def reject(self) -> None:
        if self.ops.busy("enrol"):
            return  # the enrolment is being committed: wait for its counts
        super().reject()
