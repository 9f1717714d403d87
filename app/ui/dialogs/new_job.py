"""New job dialog: a requisition for a client, with its template's or the default stages."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.services.core.context import Outcome, ServiceContext
from app.services.pipeline.jobs import JobInput, create_job
from app.ui.dialogs.job_editor import JobFormDialog


class NewJobDialog(JobFormDialog):
    def __init__(
        self, services: ServiceContext, parent: QWidget | None = None, client_id: int | None = None
    ):
        super().__init__("New job", services, parent, client_id)

    def save(self, data: JobInput) -> Outcome[int]:
        return create_job(self.services, data)
