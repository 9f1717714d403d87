"""Tests for app.ui.theme: palettes, stylesheet and applying the theme to the app."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from app.ui import theme
from app.ui.theme import (
    DARK,
    LIGHT,
    Palette,
    apply_theme,
    build_qpalette,
    build_stylesheet,
    set_invalid,
    system_prefers_dark,
    write_theme_assets,
)

PALETTES = [pytest.param(LIGHT, id="light"), pytest.param(DARK, id="dark")]


@pytest.fixture
def themed_app(qapp: QApplication) -> Iterator[QApplication]:
    """The shared test QApplication, with its look restored after the test."""
    style_name = qapp.style().name()
    palette = QPalette(qapp.palette())
    stylesheet = qapp.styleSheet()
    yield qapp
    qapp.setProperty("hirebenchThemeMode", None)
    qapp.styleHints().unsetColorScheme()
    qapp.setStyleSheet("")
    if style_name:
        qapp.setStyle(style_name)
    qapp.setPalette(palette)
    qapp.setStyleSheet(stylesheet)


def _window_lightness(app: QApplication) -> int:
    return app.palette().color(QPalette.ColorRole.Window).lightness()


@pytest.mark.parametrize("palette", PALETTES)
def test_stylesheet_is_complete_and_uses_the_palette_accent(palette: Palette) -> None:
    qss = build_stylesheet(palette)

    assert qss.strip()
    assert palette.accent in qss
    for selector in (
        "QListWidget#navigation",
        'QLabel[role="title"]',
        'QLabel[role="error"]',
        'QPushButton[role="primary"]',
        'QFrame[role="card"]',
        '[invalid="true"]',
        "QHeaderView::section",
        "QScrollBar",
        "QToolTip",
    ):
        assert selector in qss, selector
    assert qss.count("{") == qss.count("}")


def test_palettes_differ_in_lightness() -> None:
    assert not LIGHT.is_dark
    assert DARK.is_dark
    assert LIGHT.accent != DARK.accent or LIGHT.window != DARK.window


@pytest.mark.parametrize("palette", PALETTES)
def test_stylesheet_with_assets_points_at_existing_files(palette: Palette, tmp_path: Path) -> None:
    assets = write_theme_assets(palette, tmp_path)
    qss = build_stylesheet(palette, assets)

    urls = re.findall(r"url\(([^)]+)\)", qss)
    assert urls
    for url in urls:
        assert Path(url).is_file(), url
    check = (assets / "check.svg").read_text(encoding="utf-8")
    assert palette.accent_text in check


@pytest.mark.parametrize("palette", PALETTES)
def test_qt_parses_the_stylesheet(palette: Palette, tmp_path: Path, qtbot, capfd) -> None:
    # Qt reports a QSS syntax error on stderr ("Could not parse stylesheet ...").
    widget = QWidget()
    qtbot.addWidget(widget)
    QLineEdit(widget)
    capfd.readouterr()
    widget.setStyleSheet(build_stylesheet(palette, write_theme_assets(palette, tmp_path)))
    widget.ensurePolished()

    assert "Could not parse" not in capfd.readouterr().err


@pytest.mark.parametrize("palette", PALETTES)
def test_qpalette_matches_palette(palette: Palette) -> None:
    qpalette = build_qpalette(palette)

    assert qpalette.color(QPalette.ColorRole.Window) == QColor(palette.window)
    assert qpalette.color(QPalette.ColorRole.Text) == QColor(palette.text)
    assert qpalette.color(QPalette.ColorRole.Highlight) == QColor(palette.accent)


def test_apply_theme_dark_sets_a_dark_window(themed_app: QApplication) -> None:
    used = apply_theme(themed_app, "dark")

    assert used is DARK
    assert _window_lightness(themed_app) < 128
    assert DARK.accent in themed_app.styleSheet()
    # With a stylesheet, style() is Qt's stylesheet wrapper; look underneath it.
    themed_app.setStyleSheet("")
    assert themed_app.style().name().lower() == "fusion"


def test_apply_theme_light_sets_a_light_window(themed_app: QApplication) -> None:
    used = apply_theme(themed_app, "light")

    assert used is LIGHT
    assert _window_lightness(themed_app) > 128
    assert LIGHT.accent in themed_app.styleSheet()


def test_apply_theme_switches_back_and_forth(themed_app: QApplication) -> None:
    apply_theme(themed_app, "dark")
    apply_theme(themed_app, "light")

    assert _window_lightness(themed_app) > 128
    assert DARK.accent not in themed_app.styleSheet()


def test_apply_theme_system_follows_the_system_preference(themed_app: QApplication) -> None:
    used = apply_theme(themed_app, "system")

    assert used is (DARK if system_prefers_dark(themed_app) else LIGHT)
    assert isinstance(system_prefers_dark(themed_app), bool)


def test_apply_theme_rejects_an_unknown_mode(themed_app: QApplication) -> None:
    with pytest.raises(ValueError, match="sepia"):
        apply_theme(themed_app, "sepia")


def test_system_mode_follows_a_live_scheme_change(
    themed_app: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(theme, "system_prefers_dark", lambda _app: False)
    assert apply_theme(themed_app, "system") is LIGHT

    monkeypatch.setattr(theme, "system_prefers_dark", lambda _app: True)
    themed_app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)

    assert _window_lightness(themed_app) < 128


def test_explicit_mode_ignores_a_live_scheme_change(
    themed_app: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    apply_theme(themed_app, "light")
    monkeypatch.setattr(theme, "system_prefers_dark", lambda _app: True)
    themed_app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)

    assert _window_lightness(themed_app) > 128


def test_set_invalid_toggles_the_property(qtbot) -> None:
    field = QLineEdit()
    qtbot.addWidget(field)

    set_invalid(field, True)
    assert field.property("invalid") is True
    set_invalid(field, False)
    assert field.property("invalid") is False


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("items", [3, 6])
def test_a_combo_popup_shows_every_item_and_no_blank_band(
    themed_app: QApplication, qtbot, mode: str, items: int
) -> None:
    """The three-item Theme combo once hid "Dark" behind a scroll arrow; long lists had an
    empty band under the last item."""
    from PySide6.QtWidgets import QComboBox

    apply_theme(themed_app, mode)
    combo = QComboBox()
    combo.addItems([f"Choice {n}" for n in range(items)])
    qtbot.addWidget(combo)
    combo.show()
    qtbot.waitExposed(combo)
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    rows = sum(view.sizeHintForRow(row) for row in range(items))
    assert not view.verticalScrollBar().isVisible()
    assert rows <= view.viewport().height() <= rows + 4
    last = view.visualRect(combo.model().index(items - 1, 0))
    assert view.viewport().rect().contains(last)
    combo.hidePopup()


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_dialog_buttons_carry_no_stock_icons(themed_app: QApplication, qtbot, mode: str) -> None:
    from PySide6.QtWidgets import QDialogButtonBox, QProxyStyle, QStyle

    class DesktopLike(QProxyStyle):
        """Fusion as desktops run it: dialog buttons with the platform's icons."""

        def styleHint(self, hint, option=None, widget=None, data=None):
            if hint == QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons:
                return 1
            return super().styleHint(hint, option, widget, data)

    apply_theme(themed_app, mode)
    sheet = themed_app.styleSheet()
    themed_app.setStyle(DesktopLike("Fusion"))
    themed_app.setStyleSheet(sheet)
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save
        | QDialogButtonBox.StandardButton.Cancel
        | QDialogButtonBox.StandardButton.Close
    )
    qtbot.addWidget(box)
    box.show()
    for button in box.buttons():
        assert button.icon().isNull(), button.text()
