"""Start-up and crash handling: clear messages for bad databases, errors shown not fatal."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from app.paths import AppPaths
from app.ui.application import CrashReporter, run_gui
from tests.support import sha256_of


def test_crash_reporter_shows_dialog_logs_and_keeps_running(
    qtbot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shown: list[tuple[str, str]] = []
    reporter = CrashReporter(
        tmp_path / "hirebench.log", show_dialog=lambda t, m: shown.append((t, m))
    )
    reporter.install()
    try:
        button = QPushButton("boom")
        qtbot.addWidget(button)

        def explode() -> None:
            raise RuntimeError("the disk said no")

        button.clicked.connect(explode)
        with caplog.at_level(logging.ERROR, logger="app"):
            button.click()  # PySide routes the slot's exception to sys.excepthook
        assert shown, "no dialog was shown"
        title, text = shown[0]
        assert title == "Something went wrong"
        assert "RuntimeError: the disk said no" in text
        assert "test_application.py" in text  # where it failed
        assert str(tmp_path / "hirebench.log") in text
        assert any("uncaught exception" in r.message for r in caplog.records)
        button.setText("still alive")  # the application carries on
        assert button.text() == "still alive"
    finally:
        reporter.uninstall()
    assert sys.excepthook is not reporter.handle


def test_run_gui_refuses_a_file_that_is_not_a_database(
    qapp: QApplication,
    paths: AppPaths,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bogus = tmp_path / "notes.sqlite3"
    bogus.write_text("these are my notes, not a database\n")
    before = sha256_of(bogus)
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: messages.append(text))
    assert run_gui(paths, str(bogus)) == 1
    assert messages and "not a Hirebench database" in messages[0]
    assert "not a Hirebench database" in capsys.readouterr().err
    assert sha256_of(bogus) == before


def test_gui_process_opens_a_new_database_and_paints_data(tmp_path: Path) -> None:
    """The real entry point in its own process (app.exec() and quit can't share this one)."""
    database = tmp_path / "fresh.sqlite3"
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        HIREBENCH_HOME=str(tmp_path / "home"),
        HIREBENCH_STARTUP_PROBE="1",
    )
    result = subprocess.run(
        [sys.executable, "-m", "app", "demo", "--database", str(database)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "HIREBENCH_PAINTED" in result.stdout
    rows = int(result.stdout.split("rows=")[1].split()[0])
    assert rows > 0  # the demo's open jobs were on screen when it first painted
    # Collection is off while the window starts (app.__main__) and back on, on the GUI
    # thread, once it is up.
    assert "gc=1" in result.stdout
    assert database.stat().st_size > 0
    assert (tmp_path / "home" / "logs" / "hirebench.log").read_text().count("command demo") == 1
