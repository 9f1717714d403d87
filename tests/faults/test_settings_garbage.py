"""A garbage ``settings.json`` never stops Hirebench (issue #10, item 9).

Settings are a convenience: whatever the file holds (nesting deep enough to exhaust the JSON
parser, megabytes, bytes that are not UTF-8, a list instead of an object), Hirebench starts on
the defaults, keeps the file as ``settings.json.bad`` for whoever wants to look, and says so
in its log. Checked on `load_settings`, through `open_workspace` and the real main window,
and by starting the real program on such a file.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from app.bootstrap import open_workspace
from app.logs import configure_logging
from app.paths import AppPaths, resolve_paths
from app.settings import Settings, load_settings, save_settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ONE_MB = 1 << 20
DEEP = 100_000


def _padded_object(size: int) -> bytes:
    """A valid settings object (dark theme) of exactly ``size`` bytes."""
    head, tail = b'{"theme": "dark", "padding": "', b'"}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


def _write(content: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(content)


def _sparse(path: Path) -> None:
    """4 GB that take no room on disk: only reading it would cost the memory."""
    with path.open("wb") as handle:
        handle.truncate(4 << 30)


GARBAGE = [
    pytest.param(_write(b"[" * DEEP), id="100,000 open brackets"),
    pytest.param(_write(b'{"a":' * DEEP + b"1" + b"}" * DEEP), id="an object 100,000 deep"),
    pytest.param(_write(b'{"theme": ' + b"[" * DEEP + b"]" * DEEP + b"}"), id="deep inside"),
    pytest.param(_write(_padded_object(ONE_MB + 1)), id="valid but over 1 MB"),
    pytest.param(_sparse, id="4 GB"),
    pytest.param(_write(b"theme = dark\n"), id="not JSON"),
    pytest.param(_write(b'{"theme": "dark", "last_sec'), id="cut short"),
    pytest.param(_write(b""), id="empty"),
    pytest.param(_write(b"\0" * 4096), id="zeros after a crash"),
    pytest.param(_write(b'{"theme": "dark\xff\xfe"}'), id="not UTF-8"),
    pytest.param(_write(b'{"navigation_width": ' + b"9" * 5000 + b"}"), id="5,000 digits"),
    pytest.param(_write(b'["theme", "dark"]'), id="a list"),
    pytest.param(_write(b'"dark"'), id="a string"),
    pytest.param(_write(b"42"), id="a number"),
    pytest.param(_write(b"null"), id="null"),
]


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    path = tmp_path / "config" / "settings.json"
    path.parent.mkdir()
    return path


def _kept_aside(path: Path, before: os.stat_result, original: bytes | None) -> Path:
    """The file was moved, not rewritten: same inode and size, and the same bytes."""
    bad = path.with_name("settings.json.bad")
    assert not path.exists()
    assert bad.exists()
    after = bad.stat()
    assert (after.st_ino, after.st_size) == (before.st_ino, before.st_size)
    if original is not None:
        assert bad.read_bytes() == original
    return bad


def _noted(records: list[logging.LogRecord], path: Path) -> str:
    """The one warning about the file: it names the file and where it went, in a short line."""
    notes = [r.getMessage() for r in records if r.name == "app.settings"]
    assert len(notes) == 1, notes
    [note] = notes
    assert str(path) in note and f"{path}.bad" in note
    assert len(note) < 500 and "\n" not in note  # never the file's content
    return note


@pytest.mark.parametrize("make", GARBAGE)
def test_garbage_gives_the_defaults_and_is_kept_aside(
    settings_file: Path, make: Callable[[Path], None], caplog: pytest.LogCaptureFixture
) -> None:
    make(settings_file)
    before = settings_file.stat()
    original = settings_file.read_bytes() if before.st_size <= 2 * ONE_MB else None
    caplog.set_level(logging.WARNING, logger="app.settings")
    started = time.perf_counter()
    assert load_settings(settings_file) == Settings()
    assert time.perf_counter() - started < 2.0
    _kept_aside(settings_file, before, original)
    _noted(caplog.records, settings_file)


def test_a_valid_file_of_exactly_1_mb_is_still_read(settings_file: Path) -> None:
    """The size cap is for files that cannot be ours, not a cliff below it."""
    settings_file.write_bytes(_padded_object(ONE_MB))
    assert load_settings(settings_file) == Settings(theme="dark")
    assert not settings_file.with_name("settings.json.bad").exists()


def test_after_garbage_the_next_save_and_load_work_and_the_bad_file_stays(
    settings_file: Path,
) -> None:
    garbage = b"[" * DEEP
    settings_file.write_bytes(garbage)
    assert load_settings(settings_file) == Settings()
    chosen = Settings(theme="dark", last_section="reports")
    save_settings(settings_file, chosen)
    assert load_settings(settings_file) == chosen
    assert settings_file.with_name("settings.json.bad").read_bytes() == garbage
    assert sorted(p.name for p in settings_file.parent.iterdir()) == [
        "settings.json",
        "settings.json.bad",
    ]


def test_settings_live_in_the_config_folder_of_hirebench_home(hirebench_home: Path) -> None:
    assert resolve_paths().settings_file == hirebench_home.resolve() / "config" / "settings.json"


def test_the_workspace_starts_on_defaults_and_the_log_says_why(
    paths: AppPaths, tmp_path: Path, _demo_template: Path
) -> None:
    database = tmp_path / "agency.sqlite3"
    shutil.copyfile(_demo_template, database)
    garbage = b'{"a":' * DEEP + b"1" + b"}" * DEEP
    paths.settings_file.write_bytes(garbage)
    configure_logging(paths.log_file)
    workspace = open_workspace(paths, str(database), demo=False)
    workspace.database.close()
    assert workspace.settings == Settings()
    assert paths.settings_file.with_name("settings.json.bad").read_bytes() == garbage
    logged = [line for line in paths.log_file.read_text("utf-8").splitlines() if "settings" in line]
    assert len(logged) == 1 and " WARNING app.settings: " in logged[0]
    assert f"{paths.settings_file}.bad" in logged[0]


@pytest.fixture
def restored_look(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[QApplication]:
    """The shared QApplication with its style, palette and excepthook put back afterwards:
    `show_main_window` applies the theme and installs the crash reporter."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    style, palette, sheet = qapp.style().name(), QPalette(qapp.palette()), qapp.styleSheet()
    yield qapp
    qapp.setProperty("hirebenchThemeMode", None)
    qapp.styleHints().unsetColorScheme()
    qapp.setStyleSheet("")
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setStyleSheet(sheet)


def test_the_main_window_starts_on_defaults(
    qtbot, restored_look: QApplication, paths: AppPaths, tmp_path: Path, _demo_template: Path
) -> None:
    from app.ui.application import show_main_window

    database = tmp_path / "agency.sqlite3"
    shutil.copyfile(_demo_template, database)
    garbage = b"[" * DEEP
    paths.settings_file.write_bytes(garbage)
    workspace = open_workspace(paths, str(database), demo=False)
    try:
        assert workspace.settings == Settings()
        window = show_main_window(restored_look, workspace)
        qtbot.addWidget(window)
        qtbot.waitExposed(window)
        assert window.current_section_key() == Settings().last_section
        window.close()
    finally:
        workspace.database.close()
    # Closing saved a fresh, valid file; the garbage is still there to look at.
    saved = json.loads(paths.settings_file.read_text("utf-8"))
    assert saved["theme"] == "system" and saved["last_section"] == "jobs"
    assert saved["window_geometry"]
    assert paths.settings_file.with_name("settings.json.bad").read_bytes() == garbage


def _start_window(home: Path, database: Path) -> subprocess.CompletedProcess[str]:
    """The real program, told to quit as soon as its first screen is painted."""
    env = {k: v for k, v in os.environ.items() if k != "HIREBENCH_DATABASE"}
    env.update(HIREBENCH_HOME=str(home), HIREBENCH_STARTUP_PROBE="1", QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "app", "--database", str(database)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "garbage",
    [
        pytest.param(b'{"a":' * DEEP + b"1" + b"}" * DEEP, id="an object 100,000 deep"),
        pytest.param(_padded_object(3 * ONE_MB), id="3 MB"),
    ],
)
def test_the_program_starts_on_a_garbage_settings_file(
    tmp_path: Path, _demo_template: Path, garbage: bytes
) -> None:
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.json").write_bytes(garbage)
    database = tmp_path / "agency.sqlite3"
    shutil.copyfile(_demo_template, database)
    started = _start_window(home, database)
    assert started.returncode == 0, started.stderr
    assert "Traceback" not in started.stderr
    assert "HIREBENCH_PAINTED" in started.stdout
    assert (home / "config" / "settings.json.bad").read_bytes() == garbage
    log = (home / "logs" / "hirebench.log").read_text("utf-8")
    assert "settings.json.bad" in log


@pytest.mark.parametrize(
    "values",
    [
        pytest.param({"window_geometry": "abc"}, id="geometry not base64"),
        pytest.param({"window_state": "abc"}, id="window state not base64"),
        pytest.param({"window_geometry": "AAAA", "window_state": "////"}, id="base64 nonsense"),
        pytest.param(
            {"last_section": "\x1b[2J nowhere", "navigation_width": True, "theme": 5},
            id="odd values",
        ),
    ],
)
def test_the_program_starts_whatever_a_valid_object_holds(
    tmp_path: Path, _demo_template: Path, values: dict[str, object]
) -> None:
    """A well-formed file with values no window ever saved (edited by hand, or by another
    version) must not stop the start either."""
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.json").write_text(json.dumps(values), encoding="utf-8")
    database = tmp_path / "agency.sqlite3"
    shutil.copyfile(_demo_template, database)
    started = _start_window(home, database)
    assert "Traceback" not in started.stderr, started.stderr
    assert started.returncode == 0
    assert "HIREBENCH_PAINTED" in started.stdout
