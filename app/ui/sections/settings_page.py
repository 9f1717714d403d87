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


REGIONS = (
    ("US", "United States"),
    ("CA", "Canada"),
    ("GB", "United Kingdom"),
    ("IE", "Ireland"),
    ("AU", "Australia"),
    ("NZ", "New Zealand"),
    ("IN", "India"),
    ("DE", "Germany"),
    ("FR", "France"),
    ("NL", "Netherlands"),
    ("ES", "Spain"),
    ("IT", "Italy"),
    ("SG", "Singapore"),
    ("ZA", "South Africa"),
)


class SettingsSection(QWidget):
    theme_changed = Signal(str)
    backup_requested = Signal()
    region_changed = Signal(str)
    inbox_changed = Signal(str)

    def __init__(
        self,
        theme: str,
        locations: dict[str, Path],
        parent: QWidget | None = None,
        region: str = "US",
        inbox: str = "",
    ):
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

        intake = QGroupBox("Resume import")
        intake_form = QFormLayout(intake)
        self.region = QComboBox()
        self.region.setObjectName("regionCombo")
        for code, name in REGIONS:
            self.region.addItem(f"{name} ({code})", code)
        if self.region.findData(region) < 0:
            self.region.addItem(region, region)
        self.region.setCurrentIndex(self.region.findData(region))
        self.region.currentIndexChanged.connect(
            lambda _i: self.region_changed.emit(self.region.currentData())
        )
        intake_form.addRow("Phone numbers without a country code are from", self.region)
        inbox_row = QHBoxLayout()
        self.inbox = QLabel(inbox or "Not watched")
        self.inbox.setObjectName("inboxFolder")
        self.inbox.setProperty("role", "muted")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._choose_inbox)
        stop = QPushButton("Stop watching")
        stop.clicked.connect(lambda: self.set_inbox(""))
        inbox_row.addWidget(self.inbox, 1)
        inbox_row.addWidget(choose)
        inbox_row.addWidget(stop)
        intake_form.addRow("Inbox folder (new files are imported)", inbox_row)
        layout.addWidget(intake)

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

    def _choose_inbox(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        folder = QFileDialog.getExistingDirectory(self, "Folder to watch for new resumes")
        if folder:
            self.set_inbox(folder)

    def set_inbox(self, folder: str) -> None:
        self.inbox.setText(folder or "Not watched")
        self.inbox_changed.emit(folder)
