"""One object that tells every view what data changed, so each decides whether to reload."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.services.unit_of_work import Changes


class AppEvents(QObject):
    """Broadcasts `Changes` from use cases (and from other processes, later) to the views."""

    changed = Signal(object)  # Changes
    status_message = Signal(str)

    def publish(self, changes: Changes) -> None:
        if changes.ids:
            self.changed.emit(changes)
