"""Where file dialogs open: the folder last used for the same purpose, else the home folder.

The memory lives on the top-level window (a Qt property), so it lasts the session and needs
no global state; a folder that has since disappeared falls back to home.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

_PROPERTY = "hirebenchLastFolder_"


def remembered_folder(widget: QWidget, purpose: str) -> Path | None:
    """The folder last used for ``purpose`` in this window, if it still exists."""
    remembered = widget.window().property(_PROPERTY + purpose)
    if isinstance(remembered, str) and remembered and Path(remembered).is_dir():
        return Path(remembered)
    return None


def start_folder(widget: QWidget, purpose: str) -> str:
    """The folder a dialog for ``purpose`` ("import", "export", "logo"…) should open in."""
    return str(remembered_folder(widget, purpose) or Path.home())


def remember_folder(widget: QWidget, purpose: str, chosen: str | Path) -> None:
    """Keep the folder of what the user chose (a file's folder, or the folder itself)."""
    if not chosen:
        return
    path = Path(chosen)
    folder = path if path.is_dir() else path.parent
    widget.window().setProperty(_PROPERTY + purpose, str(folder))
