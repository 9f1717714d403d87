"""Render the README screenshot: the main window on a fresh demo database.

Run under a real X server or Xvfb (`make screenshot`); it also works offscreen.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def main(target: Path, section: str = "jobs", theme: str = "light") -> None:
    os.environ["HIREBENCH_HOME"] = tempfile.mkdtemp(prefix="hirebench-shot-")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.bootstrap import open_workspace
    from app.paths import resolve_paths
    from app.ui.application import create_application, show_main_window

    app = QApplication.instance() or create_application(sys.argv[:1])
    paths = resolve_paths()
    paths.ensure()
    workspace = open_workspace(paths, None, demo=True)
    workspace.settings = workspace.settings.__class__(theme=theme, last_section=section)
    window = show_main_window(app, workspace)
    window.resize(1400, 860)

    def capture() -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(target))
        print(target)
        app.quit()

    QTimer.singleShot(600, capture)
    app.exec()


if __name__ == "__main__":
    main(
        Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.png"),
        sys.argv[2] if len(sys.argv) > 2 else "jobs",
        sys.argv[3] if len(sys.argv) > 3 else "light",
    )
