"""A main window over a copy of the demo database, for GUI tests."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from app.bootstrap import Workspace
from app.paths import AppPaths
from app.resources import resources_dir
from app.services.core.context import ServiceContext
from app.settings import Settings
from app.store.database import Database
from app.ui.icons import IconProvider
from app.ui.main_window import MainWindow
from app.ui.theme import LIGHT


@pytest.fixture(autouse=True)
def _restore_the_look(qapp: QApplication) -> Iterator[None]:
    """A test that applies a theme leaves the shared QApplication as it found it, so that
    what a later test sees never depends on which tests ran before it."""
    style, sheet = qapp.style().name(), qapp.styleSheet()
    palette = QPalette(qapp.palette())
    yield
    if qapp.styleSheet() != sheet or qapp.style().name() != style:
        qapp.setStyleSheet("")
        qapp.setStyle(style)
        qapp.setPalette(palette)
        qapp.setStyleSheet(sheet)


@pytest.fixture(autouse=True)
def _collect_earlier_widgets() -> None:
    """Widgets an earlier test closed go now, at a quiet moment. Held in reference cycles,
    they used to go whenever a garbage collection happened to run, which could be inside
    this test's database reads, and deleting a whole window there has crashed the
    interpreter. What survives is frozen (`gc.freeze`): the next collection looks only at
    what later tests make, so this costs milliseconds rather than a full collection each."""
    gc.collect()
    gc.freeze()


@pytest.fixture
def workspace(paths: AppPaths, demo_database: Database, demo_ctx: ServiceContext) -> Workspace:
    return Workspace(paths=paths, database=demo_database, services=demo_ctx, settings=Settings())


@pytest.fixture
def icons(qapp: QApplication) -> IconProvider:
    return IconProvider(resources_dir(), LIGHT)


@pytest.fixture
def window(qtbot, workspace: Workspace, icons: IconProvider) -> Iterator[MainWindow]:
    main = MainWindow(workspace, icons)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
