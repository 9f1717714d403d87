"""The Email account and Branding panels of Settings.

The account's password goes to the OS keyring through `PasswordStore` (or, when no keyring
works and the recruiter agrees, to memory until Hirebench quits) — never to the database or a
file. "Send test email" runs on a background thread so the window keeps painting while the
server is slow; its answer comes back through a queued signal.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.mail.account import AccountSettings, BrandingSettings
from app.mail.secrets import KeyringUnavailable, PasswordStore
from app.services.context import ServiceContext
from app.services.mail_settings import (
    MAX_LOGO_BYTES,
    AccountInput,
    BrandingInput,
    get_account,
    get_branding,
    image_mime,
    save_account,
    save_branding,
)
from app.services.unit_of_work import ValidationError
from app.services.validation import check_email
from app.ui.theme import set_invalid

log = logging.getLogger(__name__)

SECURITY_CHOICES = (
    ("starttls", "STARTTLS", 587),
    ("ssl", "SSL/TLS", 465),
    ("none", "None — local relay only", 25),
)
KEEP_IN_MEMORY_TEXT = "Keep the password in memory until Hirebench quits"

# send_test_message(account, password, to_address): raises with a message for the user.
TestSender = Callable[[AccountSettings, "str | None", str], None]


def _default_sender(account: AccountSettings, password: str | None, to_address: str) -> None:
    from app.mail.transport import send_test_message

    send_test_message(account, password, to_address)


class _FieldForm(QFormLayout):
    """A form whose fields show their validation message underneath, like `FormDialog`."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSpacing(6)
        self.fields: dict[str, tuple[QWidget, QLabel]] = {}

    def add(self, name: str, label: str, widget: QWidget, extra: QWidget | None = None) -> None:
        error = QLabel()
        error.setProperty("role", "error")
        error.setObjectName(f"error_{name}")
        error.setWordWrap(True)
        error.hide()
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(extra or widget)
        column.addWidget(error)
        widget.setObjectName(name)
        self.addRow(label, holder)
        self.fields[name] = (widget, error)

    def show_errors(self, errors: Mapping[str, str]) -> list[str]:
        """Show each message under its field; return the messages that have no field."""
        first: QWidget | None = None
        for name, (widget, label) in self.fields.items():
            message = errors.get(name, "")
            label.setText(message)
            label.setVisible(bool(message))
            set_invalid(widget, bool(message))
            if message and first is None:
                first = widget
        if first is not None:
            first.setFocus()
        return [message for name, message in errors.items() if name not in self.fields]

    def error_text(self, name: str) -> str:
        label = self.fields[name][1]
        return label.text() if not label.isHidden() else ""


class _Relay(QObject):
    """Carries a background job's answer to the GUI thread (queued connection)."""

    done = Signal(bool, str)


class EmailAccountPanel(QGroupBox):
    """The outgoing server, the From identity, the password and "Send test email"."""

    changes_made = Signal(object)  # Changes, for the window's broadcast
    account_changed = Signal()  # the account or its password changed: the sender reloads
    test_finished = Signal(bool, str)  # ok, message shown to the user

    def __init__(
        self,
        services: ServiceContext,
        passwords: PasswordStore,
        parent: QWidget | None = None,
        send_test: TestSender | None = None,
    ):
        super().__init__("Email account", parent)
        self.setObjectName("emailAccountPanel")
        self.services = services
        self.passwords = passwords
        self._send_test = send_test or _default_sender
        self._saved = AccountSettings()
        self._relays: set[_Relay] = set()
        self._attempted = False

        column = QVBoxLayout(self)
        self.form = _FieldForm()
        column.addLayout(self.form)

        self.host = QLineEdit()
        self.host.setPlaceholderText("smtp.example.com")
        self.form.add("host", "Mail server (SMTP)", self.host)
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.form.add("port", "Port", self.port)
        self.security = QComboBox()
        for value, label, _port in SECURITY_CHOICES:
            self.security.addItem(label, value)
        self._security_before = "starttls"
        self.security.currentIndexChanged.connect(self._security_switched)
        self.form.add("security", "Security", self.security)
        self.username = QLineEdit()
        self.username.setPlaceholderText("Usually your email address; empty for a local relay")
        self.form.add("username", "User name", self.username)

        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        password_box = QWidget()
        password_column = QVBoxLayout(password_box)
        password_column.setContentsMargins(0, 0, 0, 0)
        password_column.setSpacing(4)
        password_row = QHBoxLayout()
        password_row.addWidget(self.password, 1)
        self.forget_button = QPushButton("Remove saved password")
        self.forget_button.setObjectName("forgetPassword")
        self.forget_button.clicked.connect(self.forget_password)
        password_row.addWidget(self.forget_button)
        password_column.addLayout(password_row)
        self.password_status = QLabel()
        self.password_status.setObjectName("passwordStatus")
        self.password_status.setProperty("role", "muted")
        self.password_status.setWordWrap(True)
        password_column.addWidget(self.password_status)
        self.keyring_warning = QLabel()
        self.keyring_warning.setObjectName("keyringWarning")
        self.keyring_warning.setProperty("role", "error")
        self.keyring_warning.setWordWrap(True)
        password_column.addWidget(self.keyring_warning)
        self.keep_in_memory = QCheckBox(KEEP_IN_MEMORY_TEXT)
        self.keep_in_memory.setObjectName("keepInMemory")
        password_column.addWidget(self.keep_in_memory)
        self.form.add("password", "Password", self.password, password_box)

        self.from_name = QLineEdit()
        self.from_name.setPlaceholderText("Ana Recruiter, Acme Talent")
        self.form.add("from_name", "From name", self.from_name)
        self.from_address = QLineEdit()
        self.from_address.setPlaceholderText("ana@acme-talent.com")
        self.form.add("from_address", "From address", self.from_address)
        self.reply_to = QLineEdit()
        self.reply_to.setPlaceholderText("Optional: where replies go")
        self.form.add("reply_to", "Reply-to", self.reply_to)
        self.signature = QPlainTextEdit()
        self.signature.setTabChangesFocus(True)
        self.signature.setFixedHeight(84)
        self.form.add("signature", "Signature", self.signature)
        self.rate = QSpinBox()
        self.rate.setRange(0, 10_000)
        self.rate.setSpecialValueText("No limit")
        self.rate.setSuffix(" a minute")
        self.form.add("rate_per_minute", "Sending rate", self.rate)

        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save account")
        self.save_button.setObjectName("saveAccount")
        self.save_button.setProperty("role", "primary")
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        self.saved_note = QLabel()
        self.saved_note.setObjectName("accountSaved")
        self.saved_note.setProperty("role", "muted")
        self.saved_note.setWordWrap(True)
        buttons.addWidget(self.saved_note, 1)
        column.addLayout(buttons)

        test_row = QHBoxLayout()
        self.test_address = QLineEdit()
        self.test_address.setObjectName("testAddress")
        test_row.addWidget(QLabel("Send a test email to"))
        test_row.addWidget(self.test_address, 1)
        self.test_button = QPushButton("Send test email")
        self.test_button.setObjectName("sendTestEmail")
        self.test_button.clicked.connect(self.send_test_email)
        test_row.addWidget(self.test_button)
        column.addLayout(test_row)
        self.test_result = QLabel()
        self.test_result.setObjectName("testResult")
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(self.test_result)

        for edit in (self.host, self.username, self.from_name, self.from_address, self.reply_to):
            edit.textEdited.connect(self._recheck)
        self.port.valueChanged.connect(self._recheck)
        self.rate.valueChanged.connect(self._recheck)
        self.signature.textChanged.connect(self._recheck)
        self.from_address.textChanged.connect(
            lambda text: self.test_address.setPlaceholderText(text or "name@example.com")
        )
        self.reload()

    # ---- loading --------------------------------------------------------------------------
    def reload(self) -> None:
        """Show the saved account (the password field stays empty: it is never shown)."""
        account = get_account(self.services)
        self._saved = account
        self.host.setText(account.host)
        self.port.setValue(account.port)
        self._security_before = account.security
        self.security.blockSignals(True)
        self.security.setCurrentIndex(max(self.security.findData(account.security), 0))
        self.security.blockSignals(False)
        self.username.setText(account.username or "")
        self.from_name.setText(account.from_name)
        self.from_address.setText(account.from_address)
        self.reply_to.setText(account.reply_to or "")
        self.signature.setPlainText(account.signature or "")
        self.rate.setValue(account.rate_per_minute)
        self.password.clear()
        self._attempted = False
        self.form.show_errors({})
        self._show_password_state()

    def _show_password_state(self, problem: str | None = None) -> None:
        """Where the password is kept, and — when the keyring cannot be used — why, with the
        offer to keep it in memory."""
        account = self._saved
        stored: str | None = None
        if problem is None and account.configured:
            try:
                stored = self.passwords.get(account)
            except KeyringUnavailable as exc:
                problem = str(exc)
        problem = problem or self.passwords.problem
        if account.configured and self.passwords.in_memory(account):
            status = "Kept in memory until Hirebench quits (not saved on disk)."
        elif stored is not None:
            status = f"Saved in the system keyring ({self.passwords.backend_name})."
        elif account.configured:
            status = "No password saved yet."
        else:
            status = "The password is saved in the system keyring, never in Hirebench's files."
        self.password_status.setText(status)
        self.password.setPlaceholderText(
            "Type a new password to replace it" if stored is not None else ""
        )
        self.forget_button.setEnabled(stored is not None)
        self.keyring_warning.setText(problem or "")
        self.keyring_warning.setVisible(bool(problem))
        self.keep_in_memory.setVisible(bool(problem))
        if not problem:
            self.keep_in_memory.setChecked(False)

    # ---- input ----------------------------------------------------------------------------
    @property
    def edited(self) -> bool:
        """Whether the form differs from the saved account (a typed password counts)."""
        saved = self._saved
        shown = AccountInput(
            host=saved.host,
            port=saved.port,
            security=saved.security,
            username=saved.username or "",
            from_name=saved.from_name,
            from_address=saved.from_address,
            reply_to=saved.reply_to or "",
            signature=saved.signature or "",
            rate_per_minute=saved.rate_per_minute,
        )
        return self.collect() != shown or bool(self.password.text())

    def collect(self) -> AccountInput:
        return AccountInput(
            host=self.host.text(),
            port=self.port.value(),
            security=self.security.currentData(),
            username=self.username.text(),
            from_name=self.from_name.text(),
            from_address=self.from_address.text(),
            reply_to=self.reply_to.text(),
            signature=self.signature.toPlainText(),
            rate_per_minute=self.rate.value(),
        )

    def error_text(self, name: str) -> str:
        return self.form.error_text(name)

    def _recheck(self, *_args: object) -> None:
        if self._attempted:
            self.form.show_errors(self.collect().validate())

    def _security_switched(self, _index: int) -> None:
        """Follow the usual port when the port was the previous choice's usual one."""
        ports = {value: port for value, _label, port in SECURITY_CHOICES}
        new = self.security.currentData()
        if self.port.value() == ports.get(self._security_before):
            self.port.setValue(ports[new])
        self._security_before = new
        self._recheck()

    # ---- saving ---------------------------------------------------------------------------
    def save(self) -> bool:
        """Save the account, then the typed password (keyring, or memory if chosen)."""
        data = self.collect()
        errors = data.validate()
        self._attempted = True
        if errors:
            self.form.show_errors(errors)
            self.saved_note.setText("Not saved: see the messages above.")
            return False
        try:
            result = save_account(self.services, data)
        except ValidationError as exc:
            self.form.show_errors(exc.errors)
            self.saved_note.setText("Not saved: see the messages above.")
            return False
        self.form.show_errors({})
        previous, account = self._saved, data.to_settings()
        self._saved = account
        typed = self.password.text()
        problem: str | None = None
        if typed:
            problem = self._store_password(account, typed)
        elif previous.keyring_username != account.keyring_username and previous.configured:
            problem = self._carry_password(previous, account)
        if problem is None:
            self.password.clear()
            self.saved_note.setText("Account saved.")
        else:
            self.form.show_errors({"password": problem})
            self.saved_note.setText("The account was saved, but not its password.")
        self._show_password_state(problem)
        self.changes_made.emit(result.changes)
        self.account_changed.emit()
        return problem is None

    def _store_password(self, account: AccountSettings, password: str) -> str | None:
        """Keep ``password`` where the recruiter chose; the reason when that was impossible."""
        if not self.keep_in_memory.isHidden() and self.keep_in_memory.isChecked():
            self.passwords.keep_in_memory(account, password)
            return None
        try:
            self.passwords.save(account, password)
        except KeyringUnavailable as exc:
            return f"{exc} Tick “{KEEP_IN_MEMORY_TEXT}” to use it anyway."
        return None

    def _carry_password(self, old: AccountSettings, new: AccountSettings) -> str | None:
        """The server, port or login changed: the saved password moves to the new entry."""
        try:
            password = self.passwords.get(old)
            if password is None or self.passwords.get(new) is not None:
                return None
            if self.passwords.in_memory(old):
                self.passwords.keep_in_memory(new, password)
            else:
                self.passwords.save(new, password)
            self.passwords.forget(old)
        except KeyringUnavailable as exc:
            return str(exc)
        return None

    def forget_password(self) -> None:
        try:
            self.passwords.forget(self._saved)
        except KeyringUnavailable as exc:
            self._show_password_state(str(exc))
            return
        self.saved_note.setText("Password removed.")
        self._show_password_state()
        self.account_changed.emit()

    # ---- test email -----------------------------------------------------------------------
    def send_test_email(self) -> bool:
        """Send a test message with the values on screen (saved or not), in the background."""
        data = self.collect()
        errors = data.validate()
        to_address = self.test_address.text().strip() or data.from_address.strip()
        address_errors: dict[str, str] = {}
        check_email(address_errors, "to", to_address)
        if errors or address_errors:
            self._attempted = True
            self.form.show_errors(errors)
            self._show_test_result(
                False,
                "Fix the account first (see the messages above)."
                if errors
                else f"“{to_address}” is not a valid email address.",
            )
            return False
        account = data.to_settings()
        typed = self.password.text() or None
        self.test_button.setEnabled(False)
        self.test_result.setProperty("role", "muted")
        self.test_result.setText(f"Sending a test email to {to_address}…")
        relay = _Relay()
        relay.done.connect(self._test_done, Qt.ConnectionType.QueuedConnection)
        self._relays.add(relay)
        worker = threading.Thread(
            target=_run_test_send,
            args=(self._send_test, self.passwords, account, typed, to_address, relay),
            name="mail-test",
            daemon=True,
        )
        worker.start()
        return True

    def _test_done(self, ok: bool, message: str) -> None:
        relay = self.sender()
        self._relays.discard(relay)  # type: ignore[arg-type]
        self.test_button.setEnabled(True)
        self._show_test_result(ok, message)

    def _show_test_result(self, ok: bool, message: str) -> None:
        self.test_result.setProperty("role", "muted" if ok else "error")
        style = self.test_result.style()
        style.unpolish(self.test_result)
        style.polish(self.test_result)
        self.test_result.setText(message)
        self.test_finished.emit(ok, message)

    @property
    def sending(self) -> bool:
        return bool(self._relays)


def _run_test_send(
    send: TestSender,
    passwords: PasswordStore,
    account: AccountSettings,
    typed: str | None,
    to_address: str,
    relay: _Relay,
) -> None:
    """The background half of "Send test email": never raises, always answers."""
    password = typed
    try:
        if password is None and account.username:
            password = passwords.get(account)
            if password is None:
                relay.done.emit(
                    False,
                    f"No password for {account.username} on {account.host}: type it in the "
                    "Password field (and save it) first.",
                )
                return
        send(account, password, to_address)
    except KeyringUnavailable as exc:
        relay.done.emit(False, str(exc))
        return
    except Exception as exc:  # the transport's MailError and anything unexpected
        message = " ".join(str(exc).split()) or type(exc).__name__
        if password:
            message = message.replace(password, "***")
        log.info("test email to %s failed: %s", to_address, message)
        relay.done.emit(False, f"The test email was not sent: {message}")
        return
    log.info("test email sent to %s via %s", to_address, account.host)
    relay.done.emit(True, f"Test email sent to {to_address} through {account.host}.")


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


class BrandingPanel(QGroupBox):
    """The agency's name, colours, logo, footer and unsubscribe text for every email."""

    changes_made = Signal(object)  # Changes

    def __init__(self, services: ServiceContext, parent: QWidget | None = None):
        super().__init__("Branding", parent)
        self.setObjectName("brandingPanel")
        self.services = services
        self.logo: bytes | None = None
        self._saved = BrandingSettings()
        self._attempted = False
        column = QVBoxLayout(self)
        self.form = _FieldForm()
        column.addLayout(self.form)

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

        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save branding")
        self.save_button.setObjectName("saveBranding")
        self.save_button.setProperty("role", "primary")
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        self.saved_note = QLabel()
        self.saved_note.setObjectName("brandingSaved")
        self.saved_note.setProperty("role", "muted")
        buttons.addWidget(self.saved_note, 1)
        column.addLayout(buttons)

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

    def error_text(self, name: str) -> str:
        return self.form.error_text(name)

    def _recheck(self, *_args: object) -> None:
        if self._attempted:
            self.form.show_errors(self.collect().validate())

    # ---- logo -----------------------------------------------------------------------------
    def _ask_for_logo_file(self) -> str:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Agency logo", str(Path.home()), "Images (*.png *.jpg *.jpeg *.gif)"
        )
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
        errors = data.validate()
        self._attempted = True
        if errors:
            self.form.show_errors(errors)
            self.saved_note.setText("Not saved: see the messages above.")
            return False
        try:
            result = save_branding(self.services, data)
        except ValidationError as exc:
            self.form.show_errors(exc.errors)
            self.saved_note.setText("Not saved: see the messages above.")
            return False
        self.form.show_errors({})
        self._saved = data.to_settings()
        self.saved_note.setText("Branding saved.")
        self.changes_made.emit(result.changes)
        return True
