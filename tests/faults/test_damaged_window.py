"""The window over a damaged database: read-only with a banner, never sending, never copying.

The workspace is opened the way `hirebench --database FILE` opens it (`open_workspace`), so
the start-up check runs; damage elsewhere in the file is found by the background check.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from app.bootstrap import Workspace, open_workspace
from app.paths import AppPaths
from app.resources import resources_dir
from app.store.db import ReadOnlyDatabase
from app.ui.application import CrashReporter
from app.ui.icons import IconProvider
from app.ui.main_window import MainWindow
from app.ui.theme import LIGHT
from tests.faults.conftest import ruin_page
from tests.support import sha256_of


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Message boxes shown, recorded instead of waiting for a click."""
    shown: list[tuple[str, str]] = []

    def record(kind: str):
        def show(_parent: object, title: str, text: str, *_args: object) -> int:
            shown.append((kind, f"{title}: {text}"))
            return QMessageBox.StandardButton.Ok

        return show

    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind, record(kind))
    return shown


def _window(qtbot, paths: AppPaths, database: Path) -> Iterator[tuple[MainWindow, Workspace]]:
    workspace = open_workspace(paths, str(database), demo=False)
    window = MainWindow(workspace, IconProvider(resources_dir(), LIGHT))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    try:
        yield window, workspace
    finally:
        window.close()
        workspace.database.close()


@pytest.fixture
def first_screen_damaged(demo_file: Path) -> Path:
    ruin_page(demo_file, "jobs")
    return demo_file


def test_damage_at_start_up_opens_read_only_with_a_banner(
    qtbot, paths: AppPaths, first_screen_damaged: Path, dialogs
) -> None:
    digest = sha256_of(first_screen_damaged)
    for window, workspace in _window(qtbot, paths, first_screen_damaged):
        assert workspace.database.read_only
        banner = window.damage_banner
        assert banner.isVisible()
        assert "damaged" in banner.text.text() and "hirebench recover" in banner.text.text()
        jobs = window.section("jobs")  # its rows sit on the ruined page
        assert isinstance(jobs, QLabel) and "damaged part of the database" in jobs.text()
        window._start_mail()  # what the start-up timer would do
        assert not window.new_job_action.isEnabled() and not window.import_action.isEnabled()
        assert not window.acceptDrops()
        window.new_candidate()  # from a section's own button: refused before any dialog
        assert "read-only" in window.statusBar().currentMessage()
        assert window._mail is None or not window._mail.running
        with pytest.raises(ReadOnlyDatabase, match="read-only"), workspace.services.write():
            pass
    assert sha256_of(first_screen_damaged) == digest


def test_damage_found_later_switches_to_read_only(
    qtbot, paths: AppPaths, damaged_file: Path, dialogs
) -> None:
    for window, workspace in _window(qtbot, paths, damaged_file):
        assert not workspace.database.read_only  # the first screen's tables are sound
        assert not window.damage_banner.isVisible()
        window.care.check_soon(0)
        qtbot.waitUntil(window.damage_banner.isVisible, timeout=10_000)
        assert workspace.database.read_only
        assert "damaged" in window.statusBar().currentMessage()
        assert not window.new_candidate_action.isEnabled()
        assert dialogs == []  # found in the background: a banner, not a dialog
        assert not list((damaged_file.parent / "backups").glob("*-auto-*"))  # nothing copied


def test_help_check_database_reports_a_sound_file(
    qtbot, paths: AppPaths, demo_file: Path, dialogs
) -> None:
    for window, workspace in _window(qtbot, paths, demo_file):
        window.check_database_action.trigger()
        qtbot.waitUntil(lambda: bool(dialogs), timeout=10_000)
        assert dialogs[0][0] == "information"
        assert "No problems found" in dialogs[0][1]
        assert not workspace.database.read_only


def test_help_check_database_reports_damage(
    qtbot, paths: AppPaths, damaged_file: Path, dialogs
) -> None:
    for window, workspace in _window(qtbot, paths, damaged_file):
        window.check_database_action.trigger()
        qtbot.waitUntil(lambda: bool(dialogs), timeout=10_000)
        kind, text = dialogs[0]
        assert kind == "warning" and "damaged" in text and "recover" in text
        assert workspace.database.read_only and window.damage_banner.isVisible()


def test_backup_from_the_window(
    qtbot, paths: AppPaths, demo_file: Path, damaged_file_elsewhere: Path, tmp_path: Path, dialogs
) -> None:
    target = tmp_path / "copies" / "copy.sqlite3"
    for window, _workspace in _window(qtbot, paths, demo_file):
        bar = window.statusBar()
        window.care.backup_to(target)
        qtbot.waitUntil(lambda bar=bar: "Backup written" in bar.currentMessage(), timeout=10_000)
        assert target.exists() and sha256_of(target) != ""
    refused = tmp_path / "copies" / "refused.sqlite3"
    for window, _workspace in _window(qtbot, paths, damaged_file_elsewhere):
        window.care.backup_to(refused)
        qtbot.waitUntil(lambda: bool(dialogs), timeout=10_000)
        assert "damaged" in dialogs[-1][1]
        assert not refused.exists()
        assert sorted(p.name for p in refused.parent.iterdir()) == ["copy.sqlite3"]


@pytest.fixture
def damaged_file_elsewhere(tmp_path: Path, _demo_template: Path) -> Path:
    import shutil

    path = tmp_path / "other" / "damaged.sqlite3"
    path.parent.mkdir()
    shutil.copyfile(_demo_template, path)
    ruin_page(path, "activities")
    return path


def test_a_refused_write_is_explained_not_reported_as_a_crash(qapp: QApplication, tmp_path: Path):
    shown: list[tuple[str, str]] = []
    reporter = CrashReporter(tmp_path / "log.txt", show_dialog=lambda t, x: shown.append((t, x)))
    error = ReadOnlyDatabase("The database X is damaged (…), so Hirebench opened it read-only.")
    reporter.handle(ReadOnlyDatabase, error, None)
    assert shown[0][0] == "The database is read-only"
    assert "That change was not made." in shown[0][1]
    assert "Something went wrong" not in shown[0][0]
