"""The renderer interface shared by every corpus renderer module.

Each renderer module exposes ``templates() -> list[Template]``; the driver collects them,
checks ``tools`` and renders people through each one. ``hides`` names the truth fields a
template does not print, so the truth never claims what the file cannot show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Template:
    name: str  # unique, e.g. "jsonresume-even", "moderncv-classic"
    suffix: str  # ".pdf", ".docx", ".odt", ".doc", ".html"...
    render: Callable[[dict, Path], None]  # writes the JSON Resume document to the file at the path
    tools: tuple[str, ...] = ()  # executables it needs, checked before rendering
    hides: frozenset[str] = frozenset()  # truth fields this template does not print
