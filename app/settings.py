"""User settings: typed, with declared defaults, kept as JSON in the config folder.

Secrets never go here (they live in the OS keyring). A damaged file falls back to defaults
rather than stopping the program, and writes are atomic so a crash never leaves half a file.
"""

from __future__ import annotations

import binascii
import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

THEMES = ("system", "light", "dark")


@dataclass(frozen=True)
class Settings:
    theme: str = "system"
    default_phone_region: str = "US"
    last_section: str = "jobs"
    window_geometry: str = ""  # base64 of QWidget.saveGeometry()
    window_state: str = ""  # base64 of QMainWindow.saveState()
    navigation_width: int = 220
    inbox_folder: str = ""  # watched for new resume files; empty: not watched

    def validated(self) -> Settings:
        theme = self.theme if self.theme in THEMES else "system"
        region = self.default_phone_region.upper()[:2] if self.default_phone_region else "US"
        width = min(max(int(self.navigation_width), 140), 480)
        return replace(
            self,
            theme=theme,
            default_phone_region=region,
            navigation_width=width,
            window_geometry=_base64_or_empty(self.window_geometry),
            window_state=_base64_or_empty(self.window_state),
        )


def _base64_or_empty(text: str) -> str:
    """Saved window bytes, or nothing when they are not base64 (the window then uses its
    default size rather than failing to start)."""
    try:
        binascii.a2b_base64(text.encode("ascii"), strict_mode=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return ""
    return text


MAX_SETTINGS_BYTES = 1 << 20  # ours are a few hundred bytes; a larger file is not ours


def load_settings(path: Path) -> Settings:
    """The saved settings, or the defaults when the file is missing or unusable.

    An unusable file (not JSON, nested past the parser's limits, absurdly large, not an
    object) is kept as ``settings.json.bad`` for whoever wants to look, so the next save does
    not silently destroy it and the next start does not trip over it again.
    """
    try:
        if path.stat().st_size > MAX_SETTINGS_BYTES:
            raise ValueError(f"larger than {MAX_SETTINGS_BYTES} bytes")
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError(f"a JSON {type(raw).__name__}, not an object")
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError, RecursionError, MemoryError) as exc:
        _set_aside(path, exc)
        return Settings()
    known = {f.name: f.type for f in fields(Settings)}
    values: dict[str, Any] = {}
    defaults = Settings()
    for name in known:
        if name in raw and isinstance(raw[name], type(getattr(defaults, name))):
            values[name] = raw[name]
    return Settings(**values).validated()


def _set_aside(path: Path, problem: BaseException) -> None:
    reason = type(problem).__name__ if isinstance(problem, RecursionError) else str(problem)
    bad = path.with_name(path.name + ".bad")
    try:
        os.replace(path, bad)
    except OSError as exc:
        log.warning("settings file %s unusable (%s) and not moved: %s", path, reason, exc)
        return
    log.warning("settings file %s unusable (%s); kept as %s, using defaults", path, reason, bad)


def save_settings(path: Path, settings: Settings) -> None:
    """Write atomically: a temporary file in the same folder, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(asdict(settings.validated()), stream, indent=2, sort_keys=True)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
