"""The wrapping layout: one line when there is room, more lines when there is not."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from app.ui.flow_layout import FlowLayout


def _toolbar(qtbot, width: int) -> tuple[QWidget, list[QPushButton], QLineEdit]:
    page = QWidget()
    column = QVBoxLayout(page)
    row = FlowLayout()
    search = QLineEdit()
    search.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    row.addWidget(search)
    buttons = [QPushButton(f"Action number {n}") for n in range(6)]
    for button in buttons:
        row.addWidget(button)
    column.addLayout(row)
    column.addStretch(1)
    qtbot.addWidget(page)
    page.resize(width, 400)
    page.show()
    qtbot.waitExposed(page)
    return page, buttons, search


def test_everything_on_one_line_when_wide(qtbot) -> None:
    _page, buttons, search = _toolbar(qtbot, 1600)
    centres = [widget.geometry().center().y() for widget in (search, *buttons)]
    assert max(centres) - min(centres) <= 2  # one line (items of other heights centred)
    assert search.width() > search.sizeHint().width()  # the expanding field takes the rest


def test_wraps_when_narrow_and_nothing_overlaps_or_spills(qtbot) -> None:
    page, buttons, search = _toolbar(qtbot, 320)
    widgets = [search, *buttons]
    assert len({widget.geometry().top() for widget in widgets}) > 2
    for index, first in enumerate(widgets):
        assert first.geometry().right() <= page.width()
        for second in widgets[index + 1 :]:
            assert not first.geometry().intersects(second.geometry())


def test_the_minimum_width_is_the_widest_item(qtbot) -> None:
    page, buttons, _search = _toolbar(qtbot, 800)
    widest = max(button.minimumSizeHint().width() for button in buttons)
    layout = page.layout().itemAt(0).layout()
    assert layout.minimumSize().width() <= max(widest, 200)
