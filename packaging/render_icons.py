"""Render the Hirebench application icon SVG into the PNG sizes we ship.

Desktop environments, installers and Qt itself pick the nearest bitmap size
for a window or taskbar icon, so we keep pre-rendered PNGs next to the SVG.
Run from anywhere after editing ``resources/app-icon/hirebench.svg``::

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/render_icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES: tuple[int, ...] = (16, 24, 32, 48, 64, 128, 256, 512)
ICON_DIR = Path(__file__).resolve().parent.parent / "resources" / "app-icon"
SOURCE = ICON_DIR / "hirebench.svg"


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """Paint the SVG into a transparent square image of ``size`` pixels."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    """Write ``hirebench-<size>.png`` for every size in ``SIZES``."""
    # QSvgRenderer needs a GUI application object for its paint engine setup.
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"cannot parse {SOURCE}", file=sys.stderr)
        return 1
    for size in SIZES:
        target = ICON_DIR / f"hirebench-{size}.png"
        if not render(renderer, size).save(str(target), "PNG"):
            print(f"cannot write {target}", file=sys.stderr)
            return 1
        print(f"wrote {target.relative_to(ICON_DIR.parent.parent)}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
