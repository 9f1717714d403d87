"""The Email account panel of Settings: the outgoing server, the From identity, the password
and "Send test email".

The account's password goes to the OS keyring through `PasswordStore` (or, when no keyring
works and the recruiter agrees, to memory until Hirebench quits) — never to the database or a
file. The keyring (which may ask to be unlocked, or probe D-Bus for a fifth of a second) and
"Send test email" (a slow server) are used in the background, so the window keeps painting;
their answers come back on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.mail.account import AccountSettings
from app.mail.secrets import KeyringUnavailable, PasswordStore
from app.mail.transport import send_test_message
from app.services.core.changes import Changes
from app.services.core.context import ServiceContext
from app.services.core.validation import check_email
from app.services.engagement.mail_settings import AccountInput, get_account, save_account
from app.ui.background import BackgroundOps
from app.ui.sections.server_fields import ServerFields
from app.ui.sections.settings_form import FormPanel

# The panel lived in app.ui.sections.mail_settings: its log records keep that name.
log = logging.getLogger("app.ui.sections.mail_settings")

SECURITY_CHOICES = (
    ("starttls", "STARTTLS", 587),
    ("ssl", "SSL/TLS", 465),
    ("none", "None — local relay only", 25),
)
KEEP_IN_MEMORY_TEXT = "Keep the password in memory until Hirebench quits"
CHECKING_TEXT = "Looking in the system keyring…"
SAVING_TEXT = "Saving the password…"

# send_test_message(account, password, to_address): raises with a message for the user.
TestSender = Callable[[AccountSettings, "str | None", str], None]


def _default_sender(account: AccountSettings, password: str | None, to_address: str) -> None:

    send_test_message(account, password, to_address)


@dataclass(frozen=True)
class PasswordState:
    """Where the account's password is, read in the background (never the password itself)."""

    stored: bool  # in the keyring or in memory
    in_memory: bool
    backend: str
    problem: str | None  # why the keyring cannot be used, in plain words


class EmailAccountPanel(FormPanel):
    """The outgoing server, the From identity, the password and "Send test email"."""

    changes_made = Signal(object)  # Changes, for the window's broadcast
    account_changed = Signal()  # the account or its password changed: the sender reloads
    test_finished = Signal(bool, str)  # ok, message shown to the user
    saved = Signal(bool)  # after a save once the password is dealt with: True when stored

    def __init__(
        self,
        services: ServiceContext,
        passwords: PasswordStore,
        parent: QWidget | None = None,
        send_test: TestSender | None = None,
    ):
        super().__init__("Email account", "emailAccountPanel", services, parent)
        self.passwords = passwords
        self._send_test = send_test or _default_sender
        self._saved = AccountSettings()
        self.ops = BackgroundOps(self)  # the keyring and the test email
        self._refocus_test = False  # the test button had focus when a test began
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # can hold focus while the button waits

        self.server = ServerFields(
            self.form, "Mail server (SMTP)", "smtp.example.com", SECURITY_CHOICES, self
        )
        self.host, self.port, self.security = (
            self.server.host,
            self.server.port,
            self.server.security,
        )
        self.server.switched.connect(self._recheck)
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

        self.add_save_row("Save account", "saveAccount", "accountSaved", wrap=True)

        test_row = QHBoxLayout()
        self.test_address = QLineEdit()
        self.test_address.setObjectName("testAddress")
        test_row.addWidget(QLabel("Send a test email to"))
        test_row.addWidget(self.test_address, 1)
        self.test_button = QPushButton("Send test email")
        self.test_button.setObjectName("sendTestEmail")
        self.test_button.clicked.connect(self.send_test_email)
        test_row.addWidget(self.test_button)
        self.column.addLayout(test_row)
        self.test_result = QLabel()
        self.test_result.setObjectName("testResult")
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.column.addWidget(self.test_result)

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
        self.server.show_saved(account.host, account.port, account.security)
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

    def _show_password_state(self, problem: str | None = None, under_field: bool = False) -> None:
        """Where the password is kept, and — when the keyring cannot be used — why, with the
        offer to keep it in memory; read from the keyring in the background. ``under_field``:
        the problem is shown under the password field already, not again above it."""
        passwords, account = self.passwords, self._saved
        if not self.ops.busy("password"):
            self.password_status.setText(CHECKING_TEXT)
        self.ops.query(
            "password-state",
            lambda: read_password_state(passwords, account, problem),
            lambda state: self._apply_password_state(state, under_field),
            lambda error: self._apply_password_state(
                PasswordState(False, False, "none", str(error)), under_field
            ),
        )

    def _apply_password_state(self, state: PasswordState, under_field: bool) -> None:
        account, problem = self._saved, state.problem
        if account.configured and state.in_memory:
            status = "Kept in memory until Hirebench quits (not saved on disk)."
        elif state.stored:
            status = f"Saved in the system keyring ({state.backend})."
        elif account.configured:
            status = "No password saved yet."
        else:
            status = "The password is saved in the system keyring, never in Hirebench's files."
        self.password_status.setText(status)
        replace = "Type a new password to replace it" if state.stored else ""
        self.password.setPlaceholderText(replace)
        self.forget_button.setEnabled(state.stored and not self.ops.busy("password"))
        self.keyring_warning.setText(problem or "")
        self.keyring_warning.setVisible(bool(problem) and not under_field)
        self.keep_in_memory.setVisible(bool(problem))
        if not problem:
            self.keep_in_memory.setChecked(False)

    @property
    def busy(self) -> bool:
        """Whether the keyring or a test email is still being waited for."""
        return self.ops.busy()

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

    # ---- saving ---------------------------------------------------------------------------
    def save(self) -> bool:
        """Save the account, then (in the background) the typed password: to the keyring, or
        to memory if chosen. False when the account was refused; `saved` tells whether the
        password was stored too."""
        data = self.collect()
        result = self._save_input(data, save_account)
        if result is None:
            return False
        previous, account = self._saved, data.to_settings()
        self._saved = account
        passwords, typed = self.passwords, self.password.text()
        in_memory = not self.keep_in_memory.isHidden() and self.keep_in_memory.isChecked()
        if typed:
            work: Callable[[], str | None] | None = lambda: store_password(  # noqa: E731
                passwords, account, typed, in_memory
            )
        elif previous.keyring_username != account.keyring_username and previous.configured:
            work = lambda: carry_password(passwords, previous, account)  # noqa: E731
        else:
            work = None
        if work is None:
            self._password_saved(result.changes, None)
            return True
        self.save_button.setEnabled(False)
        self.forget_button.setEnabled(False)
        self.saved_note.setText(SAVING_TEXT)
        self.ops.query(
            "password",
            work,
            lambda problem: self._password_saved(result.changes, problem),
            lambda error: self._password_saved(result.changes, str(error)),
        )
        return True

    def _password_saved(self, changes: Changes, problem: str | None) -> None:
        self.save_button.setEnabled(True)
        if problem is None:
            self.password.clear()
            self.saved_note.setText("Account saved.")
        else:
            self.saved_note.setText("The account was saved, but not its password.")
            # Said once, under the password field, not again in the keyring note above it.
            self.form.show_errors({"password": problem})
        self._show_password_state(problem, under_field=problem is not None)
        self.changes_made.emit(changes)
        self.account_changed.emit()
        self.saved.emit(problem is None)

    def forget_password(self) -> None:
        """Remove the saved password (keyring and memory), in the background."""
        passwords, account = self.passwords, self._saved
        self.forget_button.setEnabled(False)
        self.ops.query(
            "password", lambda: passwords.forget(account), self._forgotten, self._not_forgotten
        )

    def _forgotten(self, _none: None) -> None:
        self.saved_note.setText("Password removed.")
        self._show_password_state()
        self.account_changed.emit()

    def _not_forgotten(self, error: BaseException) -> None:
        self._show_password_state(str(error))

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
        # A disabled button hands its focus to the next field (Agency name, text selected),
        # and the next keystroke would replace it: keep focus here, give it back when done.
        self._refocus_test = self.test_button.hasFocus()
        if self._refocus_test:
            self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.test_button.setEnabled(False)
        self.test_result.setProperty("role", "muted")
        self.test_result.setText(f"Sending a test email to {to_address}…")
        send, passwords = self._send_test, self.passwords
        self.ops.query(
            "test",
            lambda: run_test_send(send, passwords, account, typed, to_address),
            lambda answer: self._test_done(*answer),
            lambda error: self._test_done(False, f"The test email was not sent: {error}"),
        )
        return True

    def _test_done(self, ok: bool, message: str) -> None:
        self.test_button.setEnabled(True)
        if self._refocus_test and self.hasFocus():
            self.test_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self._refocus_test = False
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
        return self.ops.busy("test")


# ---- in the background: plain values in, plain values out ------------------------------------
def read_password_state(
    passwords: PasswordStore, account: AccountSettings, problem: str | None = None
) -> PasswordState:
    """Where ``account``'s password is (the keyring is not read when ``problem`` is known)."""
    stored = False
    if problem is None and account.configured:
        try:
            stored = passwords.get(account) is not None
        except KeyringUnavailable as exc:
            problem = str(exc)
    problem = problem or passwords.problem
    in_memory = account.configured and passwords.in_memory(account)
    return PasswordState(stored, in_memory, passwords.backend_name, problem)


def store_password(
    passwords: PasswordStore, account: AccountSettings, password: str, in_memory: bool
) -> str | None:
    """Keep ``password`` where the recruiter chose; the reason when that was impossible."""
    if in_memory:
        passwords.keep_in_memory(account, password)
        return None
    try:
        passwords.save(account, password)
    except KeyringUnavailable as exc:
        return f"{exc} Tick “{KEEP_IN_MEMORY_TEXT}” to use it anyway."
    return None


def carry_password(
    passwords: PasswordStore, old: AccountSettings, new: AccountSettings
) -> str | None:
    """The server, port or login changed: the saved password moves to the new entry."""
    try:
        password = passwords.get(old)
        if password is None or passwords.get(new) is not None:
            return None
        if passwords.in_memory(old):
            passwords.keep_in_memory(new, password)
        else:
            passwords.save(new, password)
        passwords.forget(old)
    except KeyringUnavailable as exc:
        return str(exc)
    return None


def run_test_send(
    send: TestSender,
    passwords: PasswordStore,
    account: AccountSettings,
    typed: str | None,
    to_address: str,
) -> tuple[bool, str]:
    """The background half of "Send test email": never raises; ok and what to show."""
    password = typed
    try:
        if password is None and account.username:
            password = passwords.get(account)
            if password is None:
                return (
                    False,
                    f"No password for {account.username} on {account.host}: type it in the "
                    "Password field (and save it) first.",
                )
        send(account, password, to_address)
    except KeyringUnavailable as exc:
        return False, str(exc)
    except Exception as exc:  # the transport's MailError and anything unexpected
        message = " ".join(str(exc).split()) or type(exc).__name__
        if password:
            message = message.replace(password, "***")
        log.info("test email to %s failed: %s", to_address, message)
        return False, f"The test email was not sent: {message}"
    log.info("test email sent to %s via %s", to_address, account.host)
    return True, f"Test email sent to {to_address} through {account.host}."
