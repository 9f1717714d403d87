"""Switching the theme while the window is open redraws everything in the new one: board
cards, tool buttons and menu icons included (they once kept the light colours)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from app.ui.main_window import MainWindow
from app.ui.theme import DARK, LIGHT, apply_theme


@pytest.fixture
def light_window(window: MainWindow, qapp: QApplication) -> Iterator[MainWindow]:
    apply_theme(qapp, "light")
    yield window
    apply_theme(qapp, "light")


def _card_lightness(window: MainWindow, qtbot) -> int:
    board = window.sections["job_board"].board
    view = next(column.view for column in board.columns if column.model.rowCount())
    qtbot.waitExposed(view)
    rect = view.visualRect(view.model().index(0, 0))
    image = view.viewport().grab().toImage()
    # A point inside the first card, away from its text.
    return QColor(image.pixel(rect.right() - 12, rect.bottom() - 4)).lightness()


def test_an_open_board_is_redrawn_in_the_dark_theme(light_window: MainWindow, qtbot) -> None:
    window = light_window
    window.open_job_board(1)
    assert window.sections["job_board"].board.palette == LIGHT
    assert _card_lightness(window, qtbot) > 200
    window.set_theme("dark")
    qtbot.waitUntil(
        lambda: (
            window.sections.get("job_board") is not None
            and window.sections["job_board"].board.palette == DARK
        )
    )
    assert window.stack.currentWidget() is window.sections["job_board"]
    assert window.sections["job_board"].job_id == 1
    assert _card_lightness(window, qtbot) < 90


def test_tool_buttons_and_menus_take_the_new_icon_colour(light_window: MainWindow, qtbot) -> None:
    window = light_window
    window.show_section("jobs")
    old_jobs = window.section("jobs")
    window.set_theme("dark")
    qtbot.waitUntil(lambda: window.sections.get("jobs") not in (None, old_jobs))
    jobs = window.section("jobs")
    assert window.stack.currentWidget() is jobs
    icon = window.new_job_action.icon().pixmap(16, 16).toImage()
    drawn = [
        QColor(icon.pixel(x, y))
        for x in range(16)
        for y in range(16)
        if QColor.fromRgba(icon.pixel(x, y)).alpha() > 200
    ]
    assert drawn and max(color.lightness() for color in drawn) > 150  # light ink on dark
