"""Theme-coloured icons from the bundled Lucide SVGs, and the application icon.

Lucide draws with ``stroke="currentColor"``, which Qt's SVG renderer would
paint black; we substitute a real colour and rasterise at the common sizes so
icons stay crisp on both themes and on high-DPI screens.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QIconEngine, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from app.resources import resources_dir
from app.ui.theme import Palette

# Every icon name the UI may ask for; all of them ship in resources/icons/.
UI_ICONS: tuple[str, ...] = (
    "alert-triangle",
    "bar-chart-3",
    "briefcase",
    "building-2",
    "bug",
    "calendar",
    "chart-column",
    "check",
    "chevron-left",
    "chevron-right",
    "circle-help",
    "database",
    "download",
    "eye",
    "file-plus",
    "filter",
    "folder-open",
    "info",
    "kanban",
    "keyboard",
    "layers",
    "library",
    "link",
    "list-todo",
    "log-out",
    "mail",
    "map-pin",
    "moon",
    "pencil",
    "phone",
    "plus",
    "redo-2",
    "refresh-cw",
    "search",
    "send",
    "settings",
    "square-kanban",
    "star",
    "sun",
    "tag",
    "trash-2",
    "triangle-alert",
    "undo-2",
    "upload",
    "user-plus",
    "users",
    "x",
)

# Pixel sizes rendered per icon: 16-32 px at 1x plus their 2x counterparts.
ICON_SIZES: tuple[int, ...] = (16, 20, 24, 32, 40, 48, 64)

APP_ICON_SIZES: tuple[int, ...] = (16, 24, 32, 48, 64, 128, 256, 512)


def _render_svg(data: bytes, size: int) -> QPixmap:
    """Rasterise SVG bytes into a transparent square pixmap."""
    renderer = QSvgRenderer(QByteArray(data))
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    renderer.render(painter)
    painter.end()
    return QPixmap.fromImage(image)


def _colour_name(color: str) -> str:
    """Normalise a Qt colour spec to ``#rrggbb`` (SVG does not read ``#aarrggbb``)."""
    qcolor = QColor(color)
    if not qcolor.isValid():
        raise ValueError(f"invalid icon colour {color!r}")
    return qcolor.name(QColor.NameFormat.HexRgb)


def icon(name: str, color: str, resources: Path | None = None) -> QIcon:
    """Load ``resources/icons/<name>.svg`` drawn in ``color`` (uncached).

    Prefer :class:`IconProvider` in the UI; this is for one-off use.
    """
    if resources is None:
        resources = resources_dir()
    return _build_icon(_read_svg(resources / "icons", name), color, None, None)


def _read_svg(icons_dir: Path, name: str) -> str:
    """Read an icon's SVG text, with a KeyError naming the bad icon if missing."""
    path = icons_dir / f"{name}.svg"
    if "/" in name or "\\" in name or not path.is_file():
        raise KeyError(f"unknown icon {name!r}: no file {path}")
    return path.read_text(encoding="utf-8")


class _SvgIconEngine(QIconEngine):
    """Draws an SVG in a colour per icon mode, rendering each size only when first asked.

    Rendering every size and mode up front cost start-up tens of milliseconds for icons
    that are mostly shown at one size.
    """

    def __init__(self, svg_by_mode: dict[QIcon.Mode, bytes]):
        super().__init__()
        self._svg_by_mode = svg_by_mode
        self._pixmaps: dict[tuple[QIcon.Mode, int, int], QPixmap] = {}

    def _svg(self, mode: QIcon.Mode) -> bytes:
        return self._svg_by_mode.get(mode) or self._svg_by_mode[QIcon.Mode.Normal]

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        side = max(1, min(size.width(), size.height()))
        key = (mode, side, side)
        cached = self._pixmaps.get(key)
        if cached is None:
            cached = _render_svg(self._svg(mode), side)
            self._pixmaps[key] = cached
        return cached

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        ratio = painter.device().devicePixelRatioF() if painter.device() else 1.0
        side = int(min(rect.width(), rect.height()) * ratio)
        pixmap = self.pixmap(QSize(side, side), mode, state)
        pixmap.setDevicePixelRatio(ratio)
        painter.drawPixmap(rect.topLeft(), pixmap)

    def availableSizes(
        self, mode: QIcon.Mode = QIcon.Mode.Normal, state: QIcon.State = QIcon.State.Off
    ) -> list[QSize]:
        return [QSize(size, size) for size in ICON_SIZES]

    def clone(self) -> QIconEngine:
        return _SvgIconEngine(dict(self._svg_by_mode))


def _build_icon(svg: str, color: str, selected: str | None, disabled: str | None) -> QIcon:
    """One QIcon that draws the SVG in the right colour for each mode, on demand."""
    modes = {QIcon.Mode.Normal: color, QIcon.Mode.Active: color}
    if selected is not None:
        modes[QIcon.Mode.Selected] = selected
    if disabled is not None:
        modes[QIcon.Mode.Disabled] = disabled
    svg_by_mode = {
        mode: svg.replace("currentColor", _colour_name(colour)).encode("utf-8")
        for mode, colour in modes.items()
    }
    return QIcon(_SvgIconEngine(svg_by_mode))


class IconProvider:
    """Hands out theme-coloured icons and caches them per name and colour.

    One provider belongs to one palette; make a new one after switching
    theme so default colours follow it.
    """

    def __init__(self, resources_dir: Path, palette: Palette) -> None:
        """Use the icons in ``resources_dir / "icons"`` with ``palette`` colours."""
        self._icons_dir = Path(resources_dir) / "icons"
        self._palette = palette
        self._cache: dict[tuple[str, str, str | None], QIcon] = {}

    @property
    def palette(self) -> Palette:
        """The palette whose colours are the defaults."""
        return self._palette

    def names(self) -> list[str]:
        """All icon names available on disk, sorted."""
        return sorted(path.stem for path in self._icons_dir.glob("*.svg"))

    def get(
        self, name: str, color: str | None = None, *, selected_color: str | None = None
    ) -> QIcon:
        """Return icon ``name`` in ``color`` (default: the palette's text colour).

        ``selected_color`` adds pixmaps for the selected state, for views such
        as the navigation sidebar whose selected rows sit on the accent colour.
        Disabled pixmaps always use the palette's disabled text colour.
        Raises KeyError for a name with no bundled SVG.
        """
        colour = color if color is not None else self._palette.text
        key = (name, colour, selected_color)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        svg = _read_svg(self._icons_dir, name)
        result = _build_icon(svg, colour, selected_color, self._palette.text_disabled)
        self._cache[key] = result
        return result

    def navigation(self, name: str) -> QIcon:
        """The icon ``name`` coloured for the sidebar (a section's `SectionSpec.icon`)."""
        return self.get(
            name,
            self._palette.sidebar_text,
            selected_color=self._palette.sidebar_selected_text,
        )

    def clear(self) -> None:
        """Drop cached icons, e.g. to free memory after a theme switch."""
        self._cache.clear()


def app_icon(resources: Path) -> QIcon:
    """The Hirebench window/taskbar icon: every pre-rendered PNG plus the SVG.

    The PNGs go in first so the icon lists its real sizes (platforms pick
    window and taskbar bitmaps from ``availableSizes()``); the SVG is added
    last as the source for sizes we do not ship, and as the only image if
    the PNGs are missing.
    """
    folder = Path(resources) / "app-icon"
    result = QIcon()
    for size in APP_ICON_SIZES:
        png = folder / f"hirebench-{size}.png"
        if png.is_file():
            result.addFile(str(png), QSize(size, size))
    svg = folder / "hirebench.svg"
    if svg.is_file():
        result.addFile(str(svg))
    return result
