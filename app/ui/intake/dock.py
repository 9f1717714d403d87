"""The bottom "Imports" dock: takes files from drops and menus, runs them through the
background intake and broadcasts what changed, a few times a second at most."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QWidget

from app.services.context import ServiceContext
from app.services.unit_of_work import Changes
from app.ui.intake.panel import IntakePanel
from app.ui.theme import Palette

RESUME_SUFFIXES = (".pdf", ".docx", ".txt", ".md", ".rtf", ".zip")
PUBLISH_EVERY_MS = 400


class IntakeDock(QDockWidget):
    changes = Signal(object)  # Changes, coalesced
    review_requested = Signal(object)  # ItemUpdate

    def __init__(
        self,
        services: ServiceContext,
        documents_dir: Path,
        palette: Palette,
        default_region: str = "US",
        parent: QWidget | None = None,
    ):
        super().__init__("Imports", parent)
        self.setObjectName("intakeDock")
        self.services = services
        self.documents_dir = documents_dir
        self.default_region = default_region
        self.panel = IntakePanel(palette, self)
        self.setWidget(self.panel)
        self.controller = None  # started on the first import: worker processes are not free
        self._inbox = None
        self._pending = Changes()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PUBLISH_EVERY_MS)
        self._timer.timeout.connect(self._publish)
        self.panel.cancel_requested.connect(lambda: self.controller and self.controller.cancel())
        self.panel.retry_requested.connect(
            lambda ids: self.controller and ids and self.controller.retry(ids)
        )
        self.panel.review_requested.connect(self.review_requested)
        self.hide()

    def _ensure_controller(self) -> object:
        if self.controller is None:
            from app.ui.intake.controller import IntakeController

            self.controller = IntakeController(
                self.services, self.documents_dir, self.default_region, self
            )
            self.controller.updated.connect(self._on_update)
        return self.controller

    def import_paths(self, paths: Iterable[str | Path], target: object = None) -> list[int]:
        """Queue files, folders or zips for import; ``target`` is an `IntakeTarget` or None."""
        chosen = [Path(p) for p in paths]
        if not chosen:
            return []
        controller = self._ensure_controller()
        self.show()
        self.raise_()
        return controller.submit(chosen, target)

    def _on_update(self, update: object) -> None:
        self.panel.apply(update)
        result = getattr(update, "result", None)
        if getattr(update, "state", "") == "done" and result is not None:
            ids: dict[str, frozenset[int]] = {"candidates": frozenset({result.candidate_id})}
            if result.application_id:
                ids["applications"] = frozenset({result.application_id})
            self._pending = self._pending | Changes(ids)
            if not self._timer.isActive():
                self._timer.start()

    def _publish(self) -> None:
        changes, self._pending = self._pending, Changes()
        if changes.ids:
            self.changes.emit(changes)

    def watch_inbox(self, folder: str) -> None:
        """Import new files that appear in ``folder`` (empty: stop watching)."""
        if self._inbox is not None:
            self._inbox.stop()
            self._inbox = None
        if folder:
            from app.workers.intake import InboxWatcher

            controller = self._ensure_controller()
            self._inbox = InboxWatcher(Path(folder), controller.submit)
            self._inbox.start()

    def shutdown(self) -> None:
        if self._inbox is not None:
            self._inbox.stop()
        if self.controller is not None:
            self.controller.close()
