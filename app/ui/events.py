"""One object that tells every view what data changed, so each decides whether to reload."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.services.core.changes import Changes


class AppEvents(QObject):
    """Broadcasts `Changes` from use cases (and from other processes, later) to the views."""

    changed = Signal(object, object)  # Changes, the widget that made them (or None)
    status_message = Signal(str)

    def publish(self, changes: Changes, origin: object = None) -> None:
        """Tell every view; ``origin`` (already up to date) is not told again."""
        if changes.ids:
            self.changed.emit(changes, origin)
