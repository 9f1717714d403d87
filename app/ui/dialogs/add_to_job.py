"""Choose a job and the stage that selected candidates start in."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.services.context import ServiceContext
from app.services.jobs import list_jobs
from app.services.stages import list_stages
from app.store.models import JobStatus, StageKind


class AddToJobDialog(QDialog):
    """``choice`` is (job id, stage id) once accepted."""

    def __init__(self, services: ServiceContext, count: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.choice: tuple[int, int] | None = None
        self.setWindowTitle("Add to job")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        heading = QLabel(f"Add {count} candidate(s) to a job's pipeline")
        heading.setProperty("role", "title")
        layout.addWidget(heading)
        form = QFormLayout()
        self.job = QComboBox()
        self.job.setObjectName("job")
        for job in list_jobs(services, (JobStatus.OPEN, JobStatus.ON_HOLD)):
            self.job.addItem(f"{job.title} — {job.client_name}", job.id)
        self.stage = QComboBox()
        self.stage.setObjectName("stage")
        form.addRow("Job", self.job)
        form.addRow("Stage", self.stage)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.job.currentIndexChanged.connect(self._load_stages)
        self._load_stages()

    def _load_stages(self) -> None:
        self.stage.clear()
        job_id = self.job.currentData()
        if job_id is None:
            return
        for stage in list_stages(self.services, job_id):
            if stage.kind in (StageKind.ACTIVE, StageKind.HIRED):
                self.stage.addItem(stage.name, stage.id)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.stage.count() > 0)

    def accept(self) -> None:
        job_id, stage_id = self.job.currentData(), self.stage.currentData()
        if job_id is None or stage_id is None:
            return
        self.choice = (job_id, stage_id)
        super().accept()
