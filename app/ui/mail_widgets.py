"""Pieces the email dialogs share (compose, the template editor, enrolment): the email
preview, the "Insert field" menu, the primary action button and inline error labels (their
background work goes through `app.ui.background.BackgroundOps`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QWidget,
)

from app.mail.render import KNOWN_FIELDS, LOGO_CID, TemplateSource
from app.services.engagement.templates import FIELD_LABELS


class PreviewBrowser(QTextBrowser):
    """Rendered email HTML shown the way a careful mail client would: links are not followed
    and nothing is fetched (no remote images, no local files); only the agency's logo, which
    the email carries inline as ``cid:agency-logo``, is shown."""

    def __init__(self, logo: bytes | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self._logo = QImage.fromData(logo) if logo else None
        self.refused: list[str] = []  # images the preview did not load

    def set_email_html(self, html: str) -> None:
        self.refused = []
        self.setHtml(html)

    def loadResource(self, kind: int, url: QUrl | str) -> Any:
        url = QUrl(url)
        if url.scheme() == "cid" and url.path() == LOGO_CID and self._logo is not None:
            return self._logo
        image = getattr(kind, "value", kind) == QTextDocument.ResourceType.ImageResource.value
        if image and url.toString() not in self.refused:
            self.refused.append(url.toString())
        return None


class FieldInserter(QObject):
    """A "Insert field" button whose menu puts ``{{ field }}`` at the cursor of whichever of
    the editors had the focus last."""

    def __init__(self, editors: Sequence[QLineEdit | QPlainTextEdit], parent: QWidget):
        super().__init__(parent)
        self.editors = list(editors)
        self.target: QLineEdit | QPlainTextEdit = self.editors[0]
        self.button = QToolButton(parent)
        self.button.setText("Insert field")
        self.button.setObjectName("insert_field")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(self.button)
        for name in KNOWN_FIELDS:
            action = self.menu.addAction(f"{FIELD_LABELS.get(name, name)}  —  {{{{ {name} }}}}")
            action.setData(name)
            action.triggered.connect(lambda _checked=False, n=name: self.insert(n))
        self.button.setMenu(self.menu)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        for editor in self.editors:
            if new is editor or (new is not None and editor.isAncestorOf(new)):
                self.target = editor

    def insert(self, name: str, editor: QLineEdit | QPlainTextEdit | None = None) -> None:
        target = editor or self.target
        text = f"{{{{ {name} }}}}"
        if isinstance(target, QLineEdit):
            target.insert(text)
        else:
            target.insertPlainText(text)
        target.setFocus()


def show_text(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


class EmailPreviewTabs(QTabWidget):
    """A rendered email as its HTML part (in a `PreviewBrowser`) and its plain-text part."""

    def __init__(self, logo: bytes | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.html = PreviewBrowser(logo)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.addTab(self.html, "HTML")
        self.addTab(self.text, "Plain text")

    def show_rendered(self, rendered: Any) -> None:
        """Show a `RenderedEmail`, or nothing for None."""
        self.html.set_email_html(rendered.html if rendered else "")
        self.text.setPlainText(rendered.text if rendered else "")


def email_source(
    subject: QLineEdit, body_text: QPlainTextEdit, body_html: QPlainTextEdit
) -> TemplateSource:
    """The email as typed in these editors (an HTML body of white space counts as none)."""
    html = body_html.toPlainText()
    return TemplateSource(
        subject=subject.text(),
        body_text=body_text.toPlainText(),
        body_html=html if html.strip() else None,
    )


def add_primary_action(buttons: QDialogButtonBox, text: str, object_name: str) -> QPushButton:
    """The dialog's main button (the default one), added to ``buttons`` beside Cancel."""
    button = QPushButton(text)
    button.setObjectName(object_name)
    button.setProperty("role", "primary")
    button.setDefault(True)
    buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
    return button
