"""Text put into SQL patterns: what a person typed matches itself, never a wildcard."""

from __future__ import annotations

LIKE_ESCAPE = "\\"  # pass as ``escape=`` with every pattern built from `escape_like`


def escape_like(text: str) -> str:
    """``text`` for a LIKE pattern: its ``%``, ``_`` and escape characters match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
