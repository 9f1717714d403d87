"""Settings → Compact database…: maintenance off the GUI thread, sizes before and after."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from app.ui.main_window import MainWindow


def test_the_button_compacts_in_the_background_and_shows_the_sizes(
    window: MainWindow, workspace, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox,
        "information",
        lambda _parent, title, body, *_: shown.append(f"{title}\n{body}"),
    )
    with workspace.database.engine.begin() as connection:  # free pages worth a rewrite
        connection.exec_driver_sql("DELETE FROM candidates WHERE id > 100")
    window.show_section("settings")
    button = window.section("settings").findChild(QPushButton, "compactButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.care.busy  # the work runs off the GUI thread
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    assert "Database compacted" in shown[0] and "before" in shown[0] and "after" in shown[0]
    assert "VACUUM" in shown[0] and not window.care.busy
