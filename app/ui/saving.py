"""Files the user saves from a screen (a report's PDF or CSV, a profile PDF): written whole
or not at all, so a full disk or a crash never leaves half a file where the old one was."""

from __future__ import annotations

from pathlib import Path

from app.atomic_files import replacing


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``, replaced whole: written beside it, then renamed."""
    with replacing(Path(path)) as partial:
        partial.write_bytes(data)
