"""Application look: light and dark palettes and one stylesheet built from them.

All colours live in a :class:`Palette` so the stylesheet, the native
``QPalette`` and the recoloured SVG icons agree. Widgets opt into styles
through dynamic properties instead of per-widget stylesheets:

* ``QLabel[role="title" | "subtitle" | "heading" | "muted" | "error" | "metric"]``
* ``QPushButton[role="primary" | "danger" | "flat"]``
* ``QFrame[role="card"]`` for dashboard and pipeline cards
* ``[invalid="true"]`` on an input for inline validation (see :func:`set_invalid`)
* ``QListWidget#navigation`` for the left sidebar

Nothing here touches Qt at import time; call :func:`apply_theme` once the
``QApplication`` exists.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

MODES: tuple[str, ...] = ("system", "light", "dark")

# Dynamic properties kept on the QApplication so the theme state travels with
# the application object instead of living in module globals.
_MODE_PROPERTY = "hirebenchThemeMode"
_PALETTE_PROPERTY = "hirebenchThemePalette"
_CONNECTED_PROPERTY = "hirebenchThemeConnected"
_APPLYING_PROPERTY = "hirebenchThemeApplying"
_SYSTEM_LIGHTNESS_PROPERTY = "hirebenchSystemWindowLightness"
_ASSETS_PROPERTY = "hirebenchThemeAssets"

# Small glyphs the stylesheet needs as image files (QSS cannot recolour an
# SVG). Each is a 24x24 stroke drawing; "{colour}" is filled in per palette.
_GLYPH_TEMPLATE = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24" '
    'fill="none" stroke="{colour}" stroke-width="{width}" stroke-linecap="round" '
    'stroke-linejoin="round">{body}</svg>'
)
_GLYPHS: dict[str, tuple[str, str]] = {
    "chevron-down": ('<path d="M6 9l6 6 6-6"/>', "2.5"),
    "chevron-up": ('<path d="M6 15l6-6 6 6"/>', "2.5"),
    "check": ('<path d="M5 12.5l4.5 4.5L19 7.5"/>', "3"),
    "minus": ('<path d="M6 12h12"/>', "3"),
    "dot": ('<circle cx="12" cy="12" r="4" fill="{colour}" stroke="none"/>', "0"),
}


@dataclass(frozen=True)
class Palette:
    """Every colour the UI uses, as ``#rrggbb`` strings usable in QSS and SVG."""

    name: str
    window: str
    surface: str
    surface_alt: str
    header: str
    border: str
    border_strong: str
    text: str
    text_muted: str
    text_disabled: str
    accent: str
    accent_hover: str
    accent_pressed: str
    accent_text: str
    accent_soft: str
    danger: str
    danger_soft: str
    warning: str
    success: str
    selection: str
    selection_text: str
    card: str
    sidebar: str
    sidebar_text: str
    sidebar_hover: str
    sidebar_selected: str
    sidebar_selected_text: str
    tooltip: str
    tooltip_text: str
    scrollbar: str
    scrollbar_hover: str

    @property
    def is_dark(self) -> bool:
        """True when the window colour is dark, so callers need no name checks."""
        return QColor(self.window).lightness() < 128


LIGHT = Palette(
    name="light",
    window="#f4f5f7",
    surface="#ffffff",
    surface_alt="#f8f9fb",
    header="#f1f3f6",
    border="#e1e4ea",
    border_strong="#c9cfd8",
    text="#1f2430",
    text_muted="#667085",
    text_disabled="#a3a9b4",
    accent="#4f46e5",
    accent_hover="#4338ca",
    accent_pressed="#3730a3",
    accent_text="#ffffff",
    accent_soft="#e8e7fc",
    danger="#d92d20",
    danger_soft="#fdecea",
    warning="#b54708",
    success="#067647",
    selection="#e0e7ff",
    selection_text="#1e1b4b",
    card="#ffffff",
    sidebar="#eceef2",
    sidebar_text="#344054",
    sidebar_hover="#e0e3e9",
    sidebar_selected="#4f46e5",
    sidebar_selected_text="#ffffff",
    tooltip="#1f2430",
    tooltip_text="#f8f9fb",
    scrollbar="#c9cfd8",
    scrollbar_hover="#98a1b0",
)

DARK = Palette(
    name="dark",
    window="#15171c",
    surface="#1c1f26",
    surface_alt="#21252d",
    header="#23272f",
    border="#2e333d",
    border_strong="#404654",
    text="#e6e8ec",
    text_muted="#9aa2b1",
    text_disabled="#5d6471",
    accent="#6366f1",
    accent_hover="#7c7ff5",
    accent_pressed="#5053d8",
    accent_text="#ffffff",
    accent_soft="#2a2b52",
    danger="#f97066",
    danger_soft="#3b1f1e",
    warning="#fdb022",
    success="#47cd89",
    selection="#33346b",
    selection_text="#eef0ff",
    card="#1c1f26",
    sidebar="#111318",
    sidebar_text="#c5cad3",
    sidebar_hover="#1f232b",
    sidebar_selected="#6366f1",
    sidebar_selected_text="#ffffff",
    tooltip="#e6e8ec",
    tooltip_text="#15171c",
    scrollbar="#404654",
    scrollbar_hover="#5d6471",
)


def system_prefers_dark(app: QGuiApplication) -> bool:
    """Tell whether the desktop asks for a dark look.

    Qt reports the colour scheme on most platforms; where it says "unknown"
    (some Linux desktops) the lightness of the platform's window colour is
    the best remaining hint. That colour is remembered before the first
    :func:`apply_theme`, because afterwards ``app.palette()`` is our own.
    Note that while an explicit light/dark mode is applied, Qt reports that
    requested scheme rather than the desktop's.
    """
    scheme = app.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    stored = app.property(_SYSTEM_LIGHTNESS_PROPERTY)
    if isinstance(stored, int):
        return stored < 128
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def build_qpalette(palette: Palette) -> QPalette:
    """Build a QPalette so natively drawn parts (Fusion) match the stylesheet."""
    qp = QPalette()
    roles = QPalette.ColorRole
    mapping = {
        roles.Window: palette.window,
        roles.WindowText: palette.text,
        roles.Base: palette.surface,
        roles.AlternateBase: palette.surface_alt,
        roles.ToolTipBase: palette.tooltip,
        roles.ToolTipText: palette.tooltip_text,
        roles.PlaceholderText: palette.text_muted,
        roles.Text: palette.text,
        roles.Button: palette.surface,
        roles.ButtonText: palette.text,
        roles.BrightText: palette.danger,
        roles.Light: palette.surface,
        roles.Midlight: palette.border,
        roles.Mid: palette.border_strong,
        roles.Dark: palette.border_strong,
        roles.Shadow: "#000000",
        roles.Highlight: palette.accent,
        roles.HighlightedText: palette.accent_text,
        roles.Link: palette.accent,
        roles.LinkVisited: palette.accent_pressed,
        roles.Accent: palette.accent,
    }
    for role, colour in mapping.items():
        qp.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText, roles.PlaceholderText):
        qp.setColor(disabled, role, QColor(palette.text_disabled))
    qp.setColor(disabled, roles.Base, QColor(palette.surface_alt))
    qp.setColor(disabled, roles.Button, QColor(palette.surface_alt))
    qp.setColor(disabled, roles.Highlight, QColor(palette.border_strong))
    return qp


# Text inputs share one look; listed once so every state rule covers them all.
_INPUT_TYPES: tuple[str, ...] = (
    "QLineEdit",
    "QComboBox",
    "QSpinBox",
    "QDoubleSpinBox",
    "QDateEdit",
    "QTimeEdit",
    "QDateTimeEdit",
    "QPlainTextEdit",
    "QTextEdit",
)


def _selectors(suffix: str) -> str:
    """Join every input type with ``suffix`` (a state or property) into one selector list."""
    return ",\n".join(f"{name}{suffix}" for name in _INPUT_TYPES)


def build_stylesheet(palette: Palette, assets_dir: Path | None = None) -> str:
    """Return the complete application QSS for ``palette``.

    Spacing follows an 8 px grid (4 px for tight spots); the base font size
    is 10pt and headings are picked by the ``role`` property. With
    ``assets_dir`` (see :func:`write_theme_assets`) the combo-box arrows,
    spin buttons, check boxes and radio buttons are drawn in theme colours
    too; without it Fusion draws them natively.
    """
    p = palette
    indicators = _indicator_rules(p, Path(assets_dir)) if assets_dir is not None else ""
    return f"""
/* ---- base ---------------------------------------------------------- */
QWidget {{
    font-size: 10pt;
}}
QMainWindow, QDialog {{
    background-color: {p.window};
}}
QMainWindow::separator {{
    background-color: {p.border};
    width: 1px;
    height: 1px;
}}
QSplitter::handle {{
    background-color: {p.border};
}}
QSplitter::handle:horizontal {{
    width: 1px;
}}
QSplitter::handle:vertical {{
    height: 1px;
}}

/* ---- typography ---------------------------------------------------- */
QLabel[role="title"] {{
    font-size: 16pt;
    font-weight: 600;
    color: {p.text};
}}
QLabel[role="subtitle"] {{
    font-size: 12pt;
    color: {p.text_muted};
}}
QLabel[role="heading"] {{
    font-size: 11pt;
    font-weight: 600;
    color: {p.text};
}}
QLabel[role="metric"] {{
    font-size: 22pt;
    font-weight: 600;
    color: {p.text};
}}
QLabel[role="muted"] {{
    color: {p.text_muted};
}}
QLabel[role="error"] {{
    color: {p.danger};
}}
QLabel[role="warning"] {{
    color: {p.warning};
}}
QLabel[role="success"] {{
    color: {p.success};
}}
QLabel:disabled {{
    color: {p.text_disabled};
}}

/* ---- navigation sidebar -------------------------------------------- */
QListWidget#navigation {{
    background-color: {p.sidebar};
    color: {p.sidebar_text};
    border: none;
    border-right: 1px solid {p.border};
    padding: 8px 0px;
    border-radius: 0px;
    outline: 0;
    icon-size: 20px;
    font-size: 10.5pt;
}}
QListWidget#navigation::item {{
    padding: 8px 12px;
    margin: 2px 8px;
    border-radius: 6px;
    color: {p.sidebar_text};
    background-color: transparent;
}}
QListWidget#navigation::item:hover {{
    background-color: {p.sidebar_hover};
}}
QListWidget#navigation::item:selected {{
    background-color: {p.sidebar_selected};
    color: {p.sidebar_selected_text};
}}

/* ---- tool bar, menus, status bar ----------------------------------- */
QToolBar {{
    background-color: {p.surface};
    border: none;
    border-bottom: 1px solid {p.border};
    padding: 4px 8px;
    spacing: 4px;
}}
QToolBar::separator {{
    background-color: {p.border};
    width: 1px;
    height: 1px;
    margin: 4px 8px;
}}
QToolButton {{
    background-color: transparent;
    color: {p.text};
    border: 1px solid transparent;
    border-radius: 6px;
    padding: 4px 8px;
}}
QToolButton:hover {{
    background-color: {p.surface_alt};
    border-color: {p.border};
}}
QToolButton:pressed, QToolButton:checked {{
    background-color: {p.accent_soft};
    border-color: {p.accent_soft};
}}
QToolButton:disabled {{
    color: {p.text_disabled};
}}
QMenuBar {{
    background-color: {p.window};
    color: {p.text};
    padding: 2px 4px;
}}
QMenuBar::item {{
    background: transparent;
    padding: 4px 8px;
    border-radius: 4px;
}}
QMenuBar::item:selected {{
    background-color: {p.sidebar_hover};
}}
QMenu {{
    background-color: {p.surface};
    color: {p.text};
    border: 1px solid {p.border_strong};
    padding: 4px;
}}
QMenu::item {{
    padding: 6px 24px 6px 12px;
    border-radius: 4px;
}}
QMenu::item:selected {{
    background-color: {p.selection};
    color: {p.selection_text};
}}
QMenu::item:disabled {{
    color: {p.text_disabled};
}}
QMenu::separator {{
    height: 1px;
    background-color: {p.border};
    margin: 4px 8px;
}}
QMenu::icon {{
    padding-left: 8px;
}}
QStatusBar {{
    background-color: {p.surface};
    color: {p.text_muted};
    border-top: 1px solid {p.border};
    padding: 0px 8px;
}}
QStatusBar::item {{
    border: none;
}}
QStatusBar QLabel {{
    color: {p.text_muted};
    padding: 2px 4px;
}}
QToolTip {{
    background-color: {p.tooltip};
    color: {p.tooltip_text};
    border: 1px solid {p.tooltip};
    padding: 4px 8px;
}}

/* ---- item views ---------------------------------------------------- */
QAbstractItemView {{
    background-color: {p.surface};
    alternate-background-color: {p.surface_alt};
    color: {p.text};
    border: 1px solid {p.border};
    border-radius: 6px;
    selection-background-color: {p.selection};
    selection-color: {p.selection_text};
    outline: 0;
}}
QAbstractItemView:disabled {{
    color: {p.text_disabled};
}}
QTableView {{
    gridline-color: {p.border};
}}
QTableView::item, QTreeView::item, QListView::item {{
    padding: 4px 8px;
}}
QTableView::item:selected, QTreeView::item:selected, QListView::item:selected {{
    background-color: {p.selection};
    color: {p.selection_text};
}}
QTreeView::item:hover, QListView::item:hover {{
    background-color: {p.surface_alt};
}}
QTreeView::item:selected:hover, QListView::item:selected:hover {{
    background-color: {p.selection};
}}
QHeaderView {{
    background-color: {p.header};
    border: none;
}}
QHeaderView::section {{
    background-color: {p.header};
    color: {p.text_muted};
    font-weight: 600;
    border: none;
    border-bottom: 1px solid {p.border};
    border-right: 1px solid {p.border};
    padding: 6px 8px;
}}
QHeaderView::section:last {{
    border-right: none;
}}
QHeaderView::section:hover {{
    color: {p.text};
}}
QTableCornerButton::section {{
    background-color: {p.header};
    border: none;
    border-bottom: 1px solid {p.border};
}}

/* ---- inputs -------------------------------------------------------- */
{_selectors("")} {{
    background-color: {p.surface};
    color: {p.text};
    border: 1px solid {p.border_strong};
    border-radius: 6px;
    padding: 5px 8px;
    selection-background-color: {p.accent};
    selection-color: {p.accent_text};
}}
QPlainTextEdit, QTextEdit {{
    padding: 4px;
}}
{_selectors(":hover")} {{
    border-color: {p.text_muted};
}}
{_selectors(":focus")} {{
    border: 2px solid {p.accent};
    padding: 4px 7px;
}}
QPlainTextEdit:focus, QTextEdit:focus {{
    padding: 3px;
}}
{_selectors(":disabled")} {{
    background-color: {p.surface_alt};
    color: {p.text_disabled};
    border-color: {p.border};
}}
QLineEdit:read-only, QPlainTextEdit:read-only, QTextEdit:read-only {{
    background-color: {p.surface_alt};
}}
{_selectors('[invalid="true"]')} {{
    border: 1px solid {p.danger};
    background-color: {p.danger_soft};
}}
{_selectors('[invalid="true"]:focus')} {{
    border: 2px solid {p.danger};
}}
QDialogButtonBox {{
    /* Qt's stock button icons (a floppy disk, a red cross) are not ours: words only. */
    dialogbuttonbox-buttons-have-icons: 0;
}}
QComboBox {{
    /* A plain list below the field, sized to its items: no scroll arrows over a short list,
       no blank band under a long one. */
    combobox-popup: 0;
}}
QComboBox QAbstractItemView {{
    background-color: {p.surface};
    border: 1px solid {p.border_strong};
    border-radius: 0px;
    padding: 0px;
    outline: 0;
    selection-background-color: {p.selection};
    selection-color: {p.selection_text};
}}
QComboBox QAbstractItemView::item {{
    min-height: 24px;
    padding: 2px 8px;
}}
QCheckBox, QRadioButton {{
    spacing: 8px;
    color: {p.text};
}}
QCheckBox:disabled, QRadioButton:disabled {{
    color: {p.text_disabled};
}}

/* ---- buttons ------------------------------------------------------- */
QPushButton {{
    background-color: {p.surface};
    color: {p.text};
    border: 1px solid {p.border_strong};
    border-radius: 6px;
    padding: 6px 16px;
    min-height: 20px;
}}
QPushButton:hover {{
    background-color: {p.surface_alt};
    border-color: {p.text_muted};
}}
QPushButton:pressed, QPushButton:checked {{
    background-color: {p.accent_soft};
}}
QPushButton:focus {{
    border-color: {p.accent};
}}
QPushButton:disabled {{
    background-color: {p.surface_alt};
    color: {p.text_disabled};
    border-color: {p.border};
}}
QPushButton[role="primary"] {{
    background-color: {p.accent};
    color: {p.accent_text};
    border: 1px solid {p.accent};
    font-weight: 600;
}}
QPushButton[role="primary"]:hover {{
    background-color: {p.accent_hover};
    border-color: {p.accent_hover};
}}
QPushButton[role="primary"]:pressed {{
    background-color: {p.accent_pressed};
    border-color: {p.accent_pressed};
}}
QPushButton[role="primary"]:focus {{
    border-color: {p.accent_pressed};
}}
QPushButton[role="primary"]:disabled {{
    background-color: {p.border};
    border-color: {p.border};
    color: {p.text_disabled};
}}
QPushButton[role="danger"] {{
    background-color: {p.surface};
    color: {p.danger};
    border: 1px solid {p.danger};
}}
QPushButton[role="danger"]:hover {{
    background-color: {p.danger_soft};
}}
QPushButton[role="flat"] {{
    background-color: transparent;
    border-color: transparent;
    color: {p.accent};
}}
QPushButton[role="flat"]:hover {{
    background-color: {p.accent_soft};
}}

/* ---- tabs ---------------------------------------------------------- */
QTabWidget::pane {{
    background-color: {p.surface};
    border: 1px solid {p.border};
    border-radius: 6px;
    top: -1px;
}}
QTabBar {{
    qproperty-drawBase: 0;
}}
QTabBar::tab {{
    background: transparent;
    color: {p.text_muted};
    border: none;
    border-bottom: 2px solid transparent;
    padding: 8px 16px;
    margin-right: 4px;
}}
QTabBar::tab:hover {{
    color: {p.text};
    border-bottom-color: {p.border_strong};
}}
QTabBar::tab:selected {{
    color: {p.text};
    border-bottom-color: {p.accent};
}}
QTabBar::tab:disabled {{
    color: {p.text_disabled};
}}

/* ---- group boxes and cards ----------------------------------------- */
QGroupBox {{
    background-color: {p.surface};
    border: 1px solid {p.border};
    border-radius: 8px;
    margin-top: 16px;
    padding: 16px 8px 8px 8px;
    font-weight: 600;
}}
QGroupBox:flat {{
    /* a box that is a tab's page: the tab is its frame and its title */
    background-color: transparent;
    border: none;
    margin-top: 0px;
    padding: 4px 0px 0px 0px;
}}
QGroupBox::title {{
    subcontrol-origin: margin;
    subcontrol-position: top left;
    left: 12px;
    padding: 0px 4px;
    color: {p.text};
}}
QFrame#damageBanner {{
    background-color: {p.danger_soft};
    border: 1px solid {p.danger};
    border-radius: 6px;
}}
QFrame#damageBanner QLabel {{
    background: transparent;
    color: {p.text};
}}
QFrame[role="card"] {{
    background-color: {p.card};
    border: 1px solid {p.border};
    border-radius: 12px;
}}
QFrame[role="card"]:hover {{
    border-color: {p.border_strong};
}}
QFrame[role="card"] QLabel {{
    background: transparent;
}}

/* ---- scroll bars and progress -------------------------------------- */
QScrollBar:vertical {{
    background: transparent;
    width: 10px;
    margin: 0px;
}}
QScrollBar:horizontal {{
    background: transparent;
    height: 10px;
    margin: 0px;
}}
QScrollBar::handle:vertical {{
    background-color: {p.scrollbar};
    border-radius: 3px;
    min-height: 32px;
    margin: 2px;
}}
QScrollBar::handle:horizontal {{
    background-color: {p.scrollbar};
    border-radius: 3px;
    min-width: 32px;
    margin: 2px;
}}
QScrollBar::handle:hover {{
    background-color: {p.scrollbar_hover};
}}
QScrollBar::add-line, QScrollBar::sub-line {{
    width: 0px;
    height: 0px;
    border: none;
    background: none;
}}
QScrollBar::add-page, QScrollBar::sub-page {{
    background: none;
}}
QProgressBar {{
    background-color: {p.surface_alt};
    border: 1px solid {p.border};
    border-radius: 4px;
    text-align: center;
    color: {p.text};
    min-height: 8px;
}}
QProgressBar::chunk {{
    background-color: {p.accent};
    border-radius: 3px;
}}

/* ---- calendar popup ------------------------------------------------ */
QCalendarWidget QWidget#qt_calendar_navigationbar {{
    background-color: {p.surface};
    border-bottom: 1px solid {p.border};
}}
QCalendarWidget QToolButton {{
    color: {p.text};
    font-weight: 600;
}}
QCalendarWidget QAbstractItemView {{
    border: none;
    border-radius: 0px;
    selection-background-color: {p.accent};
    selection-color: {p.accent_text};
}}
QCalendarWidget QTableView::item {{
    padding: 0px;
}}
QCalendarWidget QTableView::item:selected {{
    background-color: {p.accent};
    color: {p.accent_text};
}}
{indicators}"""


def _glyph_files(palette: Palette) -> dict[str, str]:
    """Map each asset file name to the colour it is drawn in for ``palette``."""
    return {
        "chevron-down": palette.text_muted,
        "chevron-down-disabled": palette.text_disabled,
        "chevron-up": palette.text_muted,
        "chevron-up-disabled": palette.text_disabled,
        "check": palette.accent_text,
        "minus": palette.accent_text,
        "dot": palette.accent_text,
    }


def write_theme_assets(palette: Palette, folder: Path) -> Path:
    """Write the stylesheet's arrow and check-mark SVGs for ``palette`` into ``folder``.

    Returns the sub-folder to pass to :func:`build_stylesheet`. The files are
    generated rather than shipped so the palette stays the single source of
    every colour.
    """
    target = Path(folder) / palette.name
    target.mkdir(parents=True, exist_ok=True)
    for file_name, colour in _glyph_files(palette).items():
        body, width = _GLYPHS[file_name.removesuffix("-disabled")]
        svg = _GLYPH_TEMPLATE.format(colour=colour, width=width, body=body.format(colour=colour))
        path = target / f"{file_name}.svg"
        if not path.is_file() or path.read_text(encoding="utf-8") != svg:
            path.write_text(svg, encoding="utf-8")
    return target


def _indicator_rules(p: Palette, assets: Path) -> str:
    """QSS for arrows, spin buttons and check indicators that need image files."""

    def url(name: str) -> str:
        return f"url({(assets / f'{name}.svg').as_posix()})"

    combo_like = 'QComboBox, QDateEdit[calendarPopup="true"], QDateTimeEdit[calendarPopup="true"]'
    spin_like = "QSpinBox, QDoubleSpinBox, QDateEdit, QTimeEdit, QDateTimeEdit"

    def each(selectors: str, suffix: str) -> str:
        return ",\n".join(f"{item.strip()}{suffix}" for item in selectors.split(","))

    check_like = "QCheckBox::indicator, QAbstractItemView::indicator, QGroupBox::indicator"
    return f"""
/* ---- arrows, spin buttons, check indicators ------------------------ */
{each(combo_like, "")} {{
    padding-right: 24px;
}}
{each(combo_like, ":focus")} {{
    padding-right: 23px;
}}
{each(combo_like, "::drop-down")} {{
    subcontrol-origin: padding;
    subcontrol-position: center right;
    width: 24px;
    border: none;
    background: transparent;
}}
{each(combo_like, "::down-arrow")} {{
    image: {url("chevron-down")};
    width: 12px;
    height: 12px;
}}
{each(combo_like, "::down-arrow:disabled")} {{
    image: {url("chevron-down-disabled")};
}}
{each(spin_like, "")} {{
    padding-right: 24px;
}}
{each(spin_like, ":focus")} {{
    padding-right: 23px;
}}
{each(spin_like, "::up-button")} {{
    subcontrol-origin: border;
    subcontrol-position: top right;
    width: 22px;
    border: none;
    border-top-right-radius: 6px;
    background: transparent;
}}
{each(spin_like, "::down-button")} {{
    subcontrol-origin: border;
    subcontrol-position: bottom right;
    width: 22px;
    border: none;
    border-bottom-right-radius: 6px;
    background: transparent;
}}
{each(spin_like, "::up-button:hover")},
{each(spin_like, "::down-button:hover")} {{
    background-color: {p.surface_alt};
}}
{each(spin_like, "::up-arrow")} {{
    image: {url("chevron-up")};
    width: 10px;
    height: 10px;
}}
{each(spin_like, "::down-arrow")} {{
    image: {url("chevron-down")};
    width: 10px;
    height: 10px;
}}
{each(spin_like, "::up-arrow:disabled")},
{each(spin_like, "::up-arrow:off")} {{
    image: {url("chevron-up-disabled")};
}}
{each(spin_like, "::down-arrow:disabled")},
{each(spin_like, "::down-arrow:off")} {{
    image: {url("chevron-down-disabled")};
}}
{check_like}, QRadioButton::indicator {{
    width: 16px;
    height: 16px;
    border: 1px solid {p.border_strong};
    border-radius: 4px;
    background-color: {p.surface};
}}
QRadioButton::indicator {{
    border-radius: 8px;
}}
{each(check_like, ":hover")},
QRadioButton::indicator:hover,
QCheckBox::indicator:focus, QRadioButton::indicator:focus {{
    border-color: {p.accent};
}}
{each(check_like, ":checked")},
QRadioButton::indicator:checked {{
    background-color: {p.accent};
    border-color: {p.accent};
}}
{each(check_like, ":checked")} {{
    image: {url("check")};
}}
{each(check_like, ":indeterminate")} {{
    background-color: {p.accent};
    border-color: {p.accent};
    image: {url("minus")};
}}
QRadioButton::indicator:checked {{
    image: {url("dot")};
}}
{each(check_like, ":disabled")},
QRadioButton::indicator:disabled {{
    background-color: {p.surface_alt};
    border-color: {p.border};
}}
{each(check_like, ":checked:disabled")},
QRadioButton::indicator:checked:disabled {{
    background-color: {p.border_strong};
    border-color: {p.border_strong};
}}
"""


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Flag an input as invalid for inline validation and restyle it now.

    Qt only re-reads dynamic-property selectors on a re-polish, so setting
    the property alone would leave the old border on screen.
    """
    widget.setProperty("invalid", bool(invalid))
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def _pick_palette(app: QGuiApplication, mode: str) -> Palette:
    """Resolve a mode name to LIGHT or DARK."""
    if mode == "dark":
        return DARK
    if mode == "light":
        return LIGHT
    return DARK if system_prefers_dark(app) else LIGHT


def _request_color_scheme(app: QGuiApplication, mode: str) -> None:
    """Tell the platform which scheme we show, so title bars and native dialogs match.

    In "system" mode the request is withdrawn so Qt reports the desktop's
    own setting again.
    """
    hints = app.styleHints()
    if mode == "system":
        hints.unsetColorScheme()
    else:
        hints.setColorScheme(Qt.ColorScheme.Dark if mode == "dark" else Qt.ColorScheme.Light)


def _on_color_scheme_changed(_scheme: Qt.ColorScheme) -> None:
    """Re-theme when the desktop scheme flips while we follow the system."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if app.property(_APPLYING_PROPERTY) or app.property(_MODE_PROPERTY) != "system":
        return
    if _pick_palette(app, "system").name != app.property(_PALETTE_PROPERTY):
        apply_theme(app, "system")


def _assets_root(app: QApplication) -> Path:
    """A private temporary folder for generated theme glyphs, removed with the app."""
    stored = app.property(_ASSETS_PROPERTY)
    if isinstance(stored, str) and Path(stored).is_dir():
        return Path(stored)
    root = tempfile.mkdtemp(prefix="hirebench-theme-")
    app.setProperty(_ASSETS_PROPERTY, root)
    # Removed at interpreter exit; the stylesheet refers to these files until then.
    atexit.register(shutil.rmtree, root, True)
    return Path(root)


def apply_theme(app: QApplication, mode: str = "system") -> Palette:
    """Apply Fusion, a matching QPalette and the stylesheet; return the palette used.

    ``mode`` is "system", "light" or "dark". In "system" mode the theme also
    follows live changes of the desktop setting.
    """
    if mode not in MODES:
        raise ValueError(f"unknown theme mode {mode!r}; expected one of {', '.join(MODES)}")
    if app.property(_SYSTEM_LIGHTNESS_PROPERTY) is None:
        # Remember the platform's own window colour before we replace it.
        lightness = app.palette().color(QPalette.ColorRole.Window).lightness()
        app.setProperty(_SYSTEM_LIGHTNESS_PROPERTY, lightness)
    app.setProperty(_APPLYING_PROPERTY, True)
    try:
        app.setProperty(_MODE_PROPERTY, mode)
        _request_color_scheme(app, mode)
        palette = _pick_palette(app, mode)
        assets = write_theme_assets(palette, _assets_root(app))
        app.setStyle("Fusion")
        app.setPalette(build_qpalette(palette))
        app.setStyleSheet(build_stylesheet(palette, assets))
        app.setProperty(_PALETTE_PROPERTY, palette.name)
    finally:
        app.setProperty(_APPLYING_PROPERTY, False)
    if not app.property(_CONNECTED_PROPERTY):
        app.styleHints().colorSchemeChanged.connect(_on_color_scheme_changed)
        app.setProperty(_CONNECTED_PROPERTY, True)
    return palette


def current_palette() -> Palette:
    """The palette the application's theme applied last (light before any was applied)."""
    app = QGuiApplication.instance()
    name = app.property(_PALETTE_PROPERTY) if app is not None else None
    return DARK if name == DARK.name else LIGHT
