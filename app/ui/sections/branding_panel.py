"""The Branding panel of Settings: the agency's name, colours, logo, footer and unsubscribe
text, shown in every email."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from app.mail.account import BrandingSettings
from app.services.core.context import ServiceContext
from app.services.engagement.mail_settings import (
    MAX_LOGO_BYTES,
    BrandingInput,
    get_branding,
    image_mime,
    save_branding,
)
from app.ui.file_dialogs import remember_folder, start_folder
from app.ui.sections.settings_form import FormPanel


class _ColorField(QWidget):
    """A colour as #rrggbb text beside a swatch that opens the colour picker."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.swatch = QPushButton()
        self.swatch.setObjectName(f"{name}_swatch")
        self.swatch.setFixedSize(32, 24)
        self.swatch.setToolTip("Choose a colour")
        self.swatch.clicked.connect(self.pick)
        self.edit = QLineEdit()
        self.edit.setMaxLength(7)
        self.edit.setPlaceholderText("#rrggbb")
        self.edit.textChanged.connect(self._paint)
        row.addWidget(self.swatch)
        row.addWidget(self.edit, 1)
        self.choose: Callable[[QColor, QWidget], QColor] = lambda initial, parent: (
            QColorDialog.getColor(initial, parent, "Choose a colour")
        )

    def text(self) -> str:
        return self.edit.text().strip()

    def set_text(self, value: str) -> None:
        self.edit.setText(value)

    def pick(self) -> None:
        colour = self.choose(QColor(self.text() or "#000000"), self)
        if colour.isValid():
            self.edit.setText(colour.name())

    def _paint(self, text: str) -> None:
        colour = QColor(text.strip())
        valid = colour.isValid() and len(text.strip()) == 7
        self.swatch.setStyleSheet(
            f"background-color: {colour.name()}; border: 1px solid #888;" if valid else ""
        )


class BrandingPanel(FormPanel):
    """The agency's name, colours, logo, footer and unsubscribe text for every email."""

    changes_made = Signal(object)  # Changes

    def __init__(self, services: ServiceContext, parent: QWidget | None = None):
        super().__init__("Branding", "brandingPanel", services, parent)
        self.logo: bytes | None = None
        self._saved = BrandingSettings()

        self.agency_name = QLineEdit()
        self.form.add("agency_name", "Agency name", self.agency_name)
        self.primary_color = _ColorField("primary_color")
        self.form.add("primary_color", "Main colour", self.primary_color.edit, self.primary_color)
        self.accent_color = _ColorField("accent_color")
        self.form.add("accent_color", "Accent colour", self.accent_color.edit, self.accent_color)

        logo_box = QWidget()
        logo_row = QHBoxLayout(logo_box)
        logo_row.setContentsMargins(0, 0, 0, 0)
        self.logo_preview = QLabel("No logo")
        self.logo_preview.setObjectName("logoPreview")
        self.logo_preview.setProperty("role", "muted")
        self.logo_preview.setFixedSize(180, 64)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        choose = QPushButton("Choose…")
        choose.setObjectName("chooseLogo")
        choose.clicked.connect(self._choose_logo)
        remove = QPushButton("Remove")
        remove.setObjectName("removeLogo")
        remove.clicked.connect(lambda: self.set_logo(None))
        logo_row.addWidget(self.logo_preview)
        logo_row.addWidget(choose)
        logo_row.addWidget(remove)
        logo_row.addStretch(1)
        self.form.add("logo", "Logo (PNG, JPEG or GIF)", self.logo_preview, logo_box)

        self.footer = QPlainTextEdit()
        self.footer.setTabChangesFocus(True)
        self.footer.setFixedHeight(64)
        self.footer.setPlaceholderText("Acme Talent · 1 Main Street · Springfield")
        self.form.add("footer", "Footer", self.footer)
        self.unsubscribe_text = QPlainTextEdit()
        self.unsubscribe_text.setTabChangesFocus(True)
        self.unsubscribe_text.setFixedHeight(48)
        self.unsubscribe_text.setPlaceholderText(
            "Don't want these emails? Reply “unsubscribe” and we will stop."
        )
        self.form.add("unsubscribe_text", "Unsubscribe text", self.unsubscribe_text)

        self.add_save_row("Save branding", "saveBranding", "brandingSaved")

        self.agency_name.textEdited.connect(self._recheck)
        self.primary_color.edit.textEdited.connect(self._recheck)
        self.accent_color.edit.textEdited.connect(self._recheck)
        self.footer.textChanged.connect(self._recheck)
        self.unsubscribe_text.textChanged.connect(self._recheck)
        self.choose_file: Callable[[], str] = self._ask_for_logo_file
        self.reload()

    def reload(self) -> None:
        branding = get_branding(self.services)
        self._saved = branding
        self.agency_name.setText(branding.agency_name)
        self.primary_color.set_text(branding.primary_color)
        self.accent_color.set_text(branding.accent_color)
        self.footer.setPlainText(branding.footer or "")
        self.unsubscribe_text.setPlainText(branding.unsubscribe_text or "")
        self.set_logo(branding.logo)
        self._attempted = False
        self.form.show_errors({})

    @property
    def edited(self) -> bool:
        """Whether the form differs from the saved branding."""
        saved = self._saved
        shown = BrandingInput(
            agency_name=saved.agency_name,
            primary_color=saved.primary_color,
            accent_color=saved.accent_color,
            logo=saved.logo,
            footer=saved.footer or "",
            unsubscribe_text=saved.unsubscribe_text or "",
        )
        return self.collect() != shown

    def collect(self) -> BrandingInput:
        return BrandingInput(
            agency_name=self.agency_name.text(),
            primary_color=self.primary_color.text(),
            accent_color=self.accent_color.text(),
            logo=self.logo,
            footer=self.footer.toPlainText(),
            unsubscribe_text=self.unsubscribe_text.toPlainText(),
        )

    # ---- logo -----------------------------------------------------------------------------
    def _ask_for_logo_file(self) -> str:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Agency logo", start_folder(self, "logo"), "Images (*.png *.jpg *.jpeg *.gif)"
        )
        remember_folder(self, "logo", path)
        return path

    def _choose_logo(self) -> None:
        path = self.choose_file()
        if path:
            self.load_logo(Path(path))

    def load_logo(self, path: Path) -> bool:
        """Read an image file as the new logo; a refused file leaves the current logo."""
        try:
            with path.open("rb") as stream:
                data = stream.read(MAX_LOGO_BYTES + 1)
        except OSError as exc:
            self.form.show_errors({"logo": f"{path.name} cannot be read: {exc.strerror}."})
            return False
        errors = replace(BrandingInput(), logo=data).validate()
        if not errors and not QPixmap().loadFromData(data):
            errors = {"logo": f"{path.name} is damaged: it cannot be shown as an image."}
        if errors:
            self.form.show_errors({"logo": errors["logo"]})
            return False
        self.set_logo(data)
        self.form.show_errors({})
        return True

    def set_logo(self, data: bytes | None) -> None:
        self.logo = data
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.logo_preview.setPixmap(
                pixmap.scaled(
                    self.logo_preview.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
            kind = (image_mime(data) or "image").split("/")[-1].upper()
            self.logo_preview.setToolTip(f"{kind}, {len(data) / 1024:,.0f} KB")
        else:
            self.logo_preview.clear()
            self.logo_preview.setText("No logo")
            self.logo_preview.setToolTip("")

    # ---- saving ---------------------------------------------------------------------------
    def save(self) -> bool:
        data = self.collect()
        result = self._save_input(data, save_branding)
        if result is None:
            return False
        self._saved = data.to_settings()
        self.saved_note.setText("Branding saved.")
        self.changes_made.emit(result.changes)
        return True
