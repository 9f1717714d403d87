"""Locate the bundled ``resources/`` folder (icons, application icon).

The folder sits at the repository root in a source checkout, but inside the
package once installed from a wheel, so callers must not hard-code either.
"""

from __future__ import annotations

from pathlib import Path


def resources_dir() -> Path:
    """Return the ``resources/`` folder, preferring the source checkout.

    Raises FileNotFoundError when neither location exists, because running
    without icons would only fail later with a less helpful message.
    """
    package_dir = Path(__file__).resolve().parent
    candidates = (package_dir.parent / "resources", package_dir / "resources")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    searched = ", ".join(str(path) for path in candidates)
    raise FileNotFoundError(f"Hirebench resources folder not found (looked in: {searched})")
