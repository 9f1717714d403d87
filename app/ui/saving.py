"""Files the user saves from a screen (a report's PDF or CSV, a profile PDF): written whole
or not at all, so a full disk or a crash never leaves half a file where the old one was."""

from __future__ import annotations

from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``, replaced whole: written beside it, then renamed."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
