"""Parse functions for the runner tests.

Module level and light to import, because spawned worker processes receive them by name.
The file name says how to misbehave; anything else goes to the real parser.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from app.parsing.result import ParsedResume, ParseError


def real(path: Path, default_region: str = "US") -> ParsedResume:
    from app.parsing import parse_file

    return parse_file(path, default_region=default_region)


def misbehaving(path: Path, default_region: str = "US") -> ParsedResume:
    name = path.name
    if "hang" in name:
        time.sleep(3600)
    if "crash" in name:
        os._exit(3)
    if "hog" in name:
        blob = bytearray(4 * 1024**3)  # far beyond the test's memory limit
        blob[-1] = 1
    if "slow" in name:
        time.sleep(1.0)
    if "bug" in name:
        raise ValueError("a bug in the parser")
    marker = path.with_name(path.name + ".fail-once")
    if marker.exists():
        marker.unlink()
        raise ParseError(f"{name}: failing once on purpose.", kind="corrupt")
    return real(path, default_region)
