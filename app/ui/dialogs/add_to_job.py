"""Choose a job and the stage that selected candidates start in.

Open jobs come first, each with its client and status, and the first open job is chosen to
begin with. Jobs on hold follow after a separator: adding people to a paused job is rarely
meant, so it is asked about before anything is added. Filled and closed jobs take nobody.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.services.core.context import ServiceContext
from app.services.pipeline.jobs import JobRow, list_jobs
from app.services.pipeline.stages import list_stages
from app.store.enums import JobStatus, StageKind

STATUS_WORDS = {JobStatus.OPEN: "Open", JobStatus.ON_HOLD: "On hold"}


def candidates_text(count: int) -> str:
    return f"{count:,} candidate{'' if count == 1 else 's'}"


class AddToJobDialog(QDialog):
    """``choice`` is (job id, stage id) once accepted."""

    def __init__(self, services: ServiceContext, count: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.count = count
        self.choice: tuple[int, int] | None = None
        self.setWindowTitle("Add to job")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        heading = QLabel(f"Add {candidates_text(count)} to a job's pipeline")
        heading.setProperty("role", "title")
        layout.addWidget(heading)
        form = QFormLayout()
        self.job = QComboBox()
        self.job.setObjectName("job")
        jobs = list_jobs(self.services, (JobStatus.OPEN, JobStatus.ON_HOLD))
        self.jobs: dict[int, JobRow] = {job.id: job for job in jobs}
        open_jobs = [job for job in jobs if job.status is JobStatus.OPEN]
        held = [job for job in jobs if job.status is JobStatus.ON_HOLD]
        for job in sorted(open_jobs, key=_by_title):
            self.job.addItem(_label(job), job.id)
        if open_jobs and held:
            self.job.insertSeparator(self.job.count())
        for job in sorted(held, key=_by_title):
            self.job.addItem(_label(job), job.id)
        self.job.setCurrentIndex(0)  # the first open job (an on-hold one only if none is open)
        self.stage = QComboBox()
        self.stage.setObjectName("stage")
        form.addRow("Job", self.job)
        form.addRow("Stage", self.stage)
        layout.addLayout(form)
        self.note = QLabel()
        self.note.setObjectName("jobNote")
        self.note.setProperty("role", "muted")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.job.currentIndexChanged.connect(self._load_stages)
        self._load_stages()

    def selected_job(self) -> JobRow | None:
        return self.jobs.get(self.job.currentData())

    def _load_stages(self) -> None:
        self.stage.clear()
        job = self.selected_job()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if job is None:
            self._say("There is no open job to add candidates to." if not self.jobs else "")
            ok.setEnabled(False)
            return
        for stage in list_stages(self.services, job.id):
            if stage.kind in (StageKind.ACTIVE, StageKind.HIRED):
                self.stage.addItem(stage.name, stage.id)
        held = job.status is JobStatus.ON_HOLD
        self._say("This job is on hold: you will be asked to confirm." if held else "")
        ok.setEnabled(self.stage.count() > 0)

    def _say(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def confirm_on_hold(self, job: JobRow) -> bool:
        """Ask before adding people to a job that is on hold."""
        answer = QMessageBox.question(
            self,
            "Job on hold",
            f"“{job.title}” for {job.client_name} is on hold. "
            f"Add {candidates_text(self.count)} to it anyway?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def accept(self) -> None:
        job, stage_id = self.selected_job(), self.stage.currentData()
        if job is None or stage_id is None:
            return
        if job.status is not JobStatus.OPEN and not self.confirm_on_hold(job):
            return
        self.choice = (job.id, stage_id)
        super().accept()


def _by_title(job: JobRow) -> tuple[str, str, int]:
    return (job.title.casefold(), job.client_name.casefold(), job.id)


def _label(job: JobRow) -> str:
    return f"{job.title} — {job.client_name} · {STATUS_WORDS[job.status]}"
