"""The Qt side of resume intake: runs the background `IntakeRunner` and re-emits its
progress on the GUI thread through a queued signal. Nothing here touches the database."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal

from app.services.core.context import ServiceContext
from app.services.intake.importer import IntakeTarget
from app.workers.intake import IntakeRunner, ItemUpdate


class IntakeController(QObject):
    """One per window: submits files and reports each file's progress."""

    updated = Signal(object)  # ItemUpdate, always delivered on the GUI thread
    _from_worker = Signal(object)

    def __init__(
        self,
        services: ServiceContext,
        documents_dir: Path,
        default_region: str = "US",
        parent: QObject | None = None,
        runner: IntakeRunner | None = None,
    ):
        super().__init__(parent)
        # Emitted from the runner's thread; queued so slots run on the GUI thread.
        self._from_worker.connect(self.updated, Qt.ConnectionType.QueuedConnection)
        self.runner = runner or IntakeRunner(
            services, documents_dir, self._from_worker.emit, default_region=default_region
        )

    def submit(self, paths: Iterable[Path | str], target: IntakeTarget | None = None) -> None:
        """Queue the paths; folders and archives are opened off the GUI thread."""
        self.runner.submit_in_background([Path(p) for p in paths], target)

    def cancel(self) -> None:
        self.runner.cancel()

    def retry(self, item_ids: Iterable[int]) -> None:
        self.runner.retry(list(item_ids))

    def close(self) -> None:
        self.runner.close()


__all__ = ["IntakeController", "ItemUpdate"]
