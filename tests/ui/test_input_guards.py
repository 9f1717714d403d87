"""The wheel scrolls the page, not the spin box or combo that happens to be under the pointer."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.ui.input_guards import install_wheel_guard


def _page(qtbot) -> tuple[QScrollArea, QComboBox, QSpinBox]:
    content = QWidget()
    column = QVBoxLayout(content)
    combo = QComboBox()
    combo.addItems([f"Option {n}" for n in range(10)])
    spin = QSpinBox()
    spin.setRange(0, 100)
    spin.setValue(50)
    column.addWidget(combo)
    column.addWidget(spin)
    column.addSpacing(3000)  # a long page that scrolls
    area = QScrollArea()
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.resize(300, 200)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    return area, combo, spin


def _wheel(widget: QWidget, steps: int = -1) -> None:
    """Turn the wheel over the middle of ``widget`` (negative: towards the user, scrolling down)."""
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_unfocused_fields_pass_the_wheel_to_the_page(qtbot, qapp) -> None:
    install_wheel_guard(qapp)
    area, combo, spin = _page(qtbot)
    area.setFocus()
    scroll = area.verticalScrollBar()
    assert scroll.value() == 0
    _wheel(combo)
    _wheel(spin.lineEdit())
    assert combo.currentIndex() == 0
    assert spin.value() == 50
    assert scroll.value() > 0  # the page scrolled instead


def test_a_focused_field_takes_the_wheel(qtbot, qapp) -> None:
    install_wheel_guard(qapp)
    _area, combo, spin = _page(qtbot)
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    _wheel(spin, steps=1)
    assert spin.value() == 51
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    _wheel(combo)
    assert combo.currentIndex() == 1


def test_installing_twice_keeps_one_guard(qapp) -> None:
    assert install_wheel_guard(qapp) is install_wheel_guard(qapp)
