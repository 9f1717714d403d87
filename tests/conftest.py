"""Shared fixtures: an isolated data folder, real SQLite database files and a service context."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import datetime as dt
import gc
import logging
import shutil
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.paths import AppPaths, resolve_paths
from app.services.admin.generate import demo_plan
from app.services.admin.maintenance import fill_generated
from app.services.core.context import ServiceContext
from app.services.core.users import ensure_user
from app.store.database import Database, open_database
from app.ui.collector import GuiThreadCollector, collect_if_due

# The fixed "today" of the generated demo database, so that its content never varies.
DEMO_AS_OF = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True, scope="session")
def _gui_thread_collector(qapp: QApplication) -> Iterator[GuiThreadCollector]:
    """As in the app once its window is up (`app.ui.collector`): no automatic collection,
    which could free a test's Qt objects on a worker thread (of a later test, too), but
    collection from a GUI-thread timer whenever a test lets events run."""
    collector = GuiThreadCollector(qapp)
    yield collector
    collector.stop()


@pytest.fixture(autouse=True)
def _collect_on_the_main_thread(_gui_thread_collector: GuiThreadCollector) -> Iterator[None]:
    """Collect what is due after each test, on this (the GUI) thread, as the timer would;
    a test that turned automatic collection on is put back."""
    yield
    gc.disable()
    collect_if_due(_gui_thread_collector.thresholds)


def _side_files(path: Path) -> list[Path]:
    return [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal")]


def _template(folder: Path, name: str) -> Path:
    """A migrated, closed database file (no -wal left) to copy into each test."""
    path = folder / name
    database = open_database(path, folder / "backups")
    database.close()
    assert not any(p.exists() for p in _side_files(path))
    return path


@pytest.fixture(scope="session")
def _empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _template(tmp_path_factory.mktemp("empty-template"), "empty.sqlite3")


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-template")
    path = _template(folder, "demo.sqlite3")
    database = open_database(path, folder / "backups")
    try:
        fill_generated(database, demo_plan(), as_of=DEMO_AS_OF, action="database.demo")
    finally:
        database.close()
    assert not any(p.exists() for p in _side_files(path))
    return path


@pytest.fixture(autouse=True)
def _close_log_files() -> Iterator[None]:
    """The CLI points the app logger at the test's data folder; detach it afterwards."""
    logger = logging.getLogger("app")
    before = list(logger.handlers)
    level = logger.level
    yield
    for handler in list(logger.handlers):
        if handler not in before and isinstance(handler, RotatingFileHandler):
            logger.removeHandler(handler)
            handler.close()
    logger.setLevel(level)


@pytest.fixture
def hirebench_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private HIREBENCH_HOME, with no HIREBENCH_DATABASE inherited from the environment."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HIREBENCH_HOME", str(home))
    monkeypatch.delenv("HIREBENCH_DATABASE", raising=False)
    return home


@pytest.fixture
def paths(hirebench_home: Path) -> AppPaths:
    resolved = resolve_paths()
    resolved.ensure()
    return resolved


@pytest.fixture
def database(tmp_path: Path, _empty_template: Path) -> Iterator[Database]:
    """An open, migrated, empty database in a real file."""
    path = tmp_path / "test.sqlite3"
    shutil.copy(_empty_template, path)
    opened = open_database(path, tmp_path / "backups")
    yield opened
    opened.close()


@pytest.fixture
def ctx(database: Database) -> ServiceContext:
    return ServiceContext(database.sessions, ensure_user(database.sessions, "tester"))


@pytest.fixture
def demo_database(tmp_path: Path, _demo_template: Path) -> Iterator[Database]:
    """A copy of the demo database generated once per session (as of `DEMO_AS_OF`)."""
    path = tmp_path / "demo.sqlite3"
    shutil.copy(_demo_template, path)
    opened = open_database(path, tmp_path / "backups")
    yield opened
    opened.close()


@pytest.fixture
def demo_ctx(demo_database: Database) -> ServiceContext:
    return ServiceContext(demo_database.sessions, ensure_user(demo_database.sessions, "tester"))
