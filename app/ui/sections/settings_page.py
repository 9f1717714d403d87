"""The Settings section: appearance, and where this installation keeps its files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from app.settings import THEMES
from app.ui.widgets import SectionHeader, section_layout

THEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


class SettingsSection(QWidget):
    theme_changed = Signal(str)
    backup_requested = Signal()

    def __init__(self, theme: str, locations: dict[str, Path], parent: QWidget | None = None):
        super().__init__(parent)
        layout = section_layout(self)
        layout.addWidget(SectionHeader("Settings", "Appearance and data"))

        appearance = QGroupBox("Appearance")
        form = QFormLayout(appearance)
        self.theme = QComboBox()
        self.theme.setObjectName("themeCombo")
        for mode in THEMES:
            self.theme.addItem(THEME_LABELS[mode], mode)
        self.theme.setCurrentIndex(self.theme.findData(theme))
        self.theme.currentIndexChanged.connect(
            lambda _i: self.theme_changed.emit(self.theme.currentData())
        )
        form.addRow("Theme", self.theme)
        layout.addWidget(appearance)

        data = QGroupBox("Data")
        data_form = QFormLayout(data)
        for label, path in locations.items():
            value = QLabel(str(path))
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setProperty("role", "muted")
            data_form.addRow(label, value)
        buttons = QHBoxLayout()
        backup = QPushButton("Back up database…")
        backup.setObjectName("backupButton")
        backup.clicked.connect(self.backup_requested)
        buttons.addWidget(backup)
        buttons.addStretch(1)
        data_form.addRow("", buttons)
        layout.addWidget(data)
        layout.addStretch(1)
