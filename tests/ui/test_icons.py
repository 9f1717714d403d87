"""Tests for app.ui.icons and app.resources: bundled SVG icons and the app icon."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QIcon, QImage
from PySide6.QtWidgets import QApplication

from app.resources import resources_dir
from app.ui.icons import (
    APP_ICON_SIZES,
    UI_ICONS,
    IconProvider,
    app_icon,
    icon,
)
from app.ui.sections.registry import SECTIONS
from app.ui.theme import DARK, LIGHT


@pytest.fixture
def provider(qapp: QApplication) -> IconProvider:
    return IconProvider(resources_dir(), LIGHT)


def _strongest_pixel(image: QImage) -> QColor:
    """The most opaque pixel: a stroke pixel, free of anti-aliasing blend."""
    best = QColor(0, 0, 0, 0)
    for y in range(image.height()):
        for x in range(image.width()):
            colour = image.pixelColor(x, y)
            if colour.alpha() > best.alpha():
                best = colour
    return best


def _close(a: QColor, b: QColor) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) <= 8


def test_resources_dir_holds_icons_and_app_icon() -> None:
    folder = resources_dir()

    assert (folder / "icons").is_dir()
    assert (folder / "icons" / "LICENSE").is_file()
    assert (folder / "app-icon" / "hirebench.svg").is_file()


def test_bundled_svgs_use_current_color() -> None:
    for path in (resources_dir() / "icons").glob("*.svg"):
        assert "currentColor" in path.read_text(encoding="utf-8"), path.name


def test_navigation_icons_are_bundled() -> None:
    assert {spec.icon for spec in SECTIONS} <= set(UI_ICONS)


@pytest.mark.parametrize("name", UI_ICONS)
def test_every_ui_icon_loads(provider: IconProvider, name: str) -> None:
    result = provider.get(name)

    assert not result.isNull()
    assert not result.pixmap(24, 24).isNull()


def test_unknown_icon_raises_key_error(provider: IconProvider) -> None:
    with pytest.raises(KeyError, match="no-such-icon"):
        provider.get("no-such-icon")


def test_path_like_names_are_rejected(provider: IconProvider) -> None:
    with pytest.raises(KeyError):
        provider.get("../icons/x")


def test_icon_is_drawn_in_the_requested_colour(provider: IconProvider) -> None:
    image = provider.get("square-kanban", "#ff0000").pixmap(48, 48).toImage()

    assert _close(_strongest_pixel(image), QColor("#ff0000"))


def test_default_colour_is_the_palette_text(qapp: QApplication) -> None:
    dark_provider = IconProvider(resources_dir(), DARK)
    image = dark_provider.get("users").pixmap(48, 48).toImage()

    assert _close(_strongest_pixel(image), QColor(DARK.text))


def test_selected_colour_adds_a_selected_pixmap(provider: IconProvider) -> None:
    result = provider.get("briefcase", "#000000", selected_color="#ffffff")
    selected = result.pixmap(48, 48, QIcon.Mode.Selected).toImage()

    assert _close(_strongest_pixel(selected), QColor("#ffffff"))


def test_icons_are_cached(provider: IconProvider) -> None:
    assert provider.get("plus") is provider.get("plus", LIGHT.text)
    assert provider.get("plus", "#123456") is not provider.get("plus")


def test_navigation_icon_for_every_section(provider: IconProvider) -> None:
    for spec in SECTIONS:
        assert not provider.navigation(spec.icon).isNull()


def test_names_lists_the_bundled_icons(provider: IconProvider) -> None:
    assert set(UI_ICONS) <= set(provider.names())


def test_module_icon_function(qapp: QApplication) -> None:
    assert not icon("search", "#336699").isNull()


def test_app_icon_has_several_sizes(qapp: QApplication) -> None:
    result = app_icon(resources_dir())
    sizes = {size.width() for size in result.availableSizes()}

    assert not result.isNull()
    assert set(APP_ICON_SIZES) <= sizes
    assert len(sizes) >= 4


def test_app_icon_png_files_exist() -> None:
    folder: Path = resources_dir() / "app-icon"
    for size in APP_ICON_SIZES:
        image = QImage(str(folder / f"hirebench-{size}.png"))
        assert image.width() == size and image.height() == size
