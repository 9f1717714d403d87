"""The Email account and Branding panels: inline validation, saving, the keyring, the test email."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QLineEdit

from app.mail.account import KEYRING_SERVICE
from app.mail.secrets import PasswordStore
from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import ServiceContext
from app.services.engagement.mail_settings import MAX_LOGO_BYTES, get_account, get_branding
from app.store.database import Database
from app.ui.sections.branding_panel import BrandingPanel
from app.ui.sections.mail_account_panel import KEEP_IN_MEMORY_TEXT, EmailAccountPanel
from app.ui.sections.settings_page import SettingsSection
from tests import keyring_support
from tests.mail.smtp_server import (
    TEST_PASSWORD,
    TEST_USER,
    Certificate,
    SmtpTestServer,
    make_certificate,
)
from tests.support import AuditWatch, count_rows

secret_service = keyring_support.secret_service
secret_service_env = keyring_support.secret_service_env
secret_service_backend = keyring_support.secret_service_backend


def image_bytes(kind: str = "PNG", size: int = 8) -> bytes:
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(QColor("#2563eb"))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, kind)
    return bytes(buffer.data().data())


def fill_account(panel: EmailAccountPanel, **values: object) -> None:
    fields = {
        "host": "smtp.example.com",
        "username": "ana@example.com",
        "from_name": "Ana Recruiter",
        "from_address": "ana@example.com",
        "reply_to": "",
    } | values
    for name, value in fields.items():
        if name in ("port", "rate"):
            getattr(panel, name).setValue(value)
        elif name == "security":
            panel.security.setCurrentIndex(panel.security.findData(value))
        elif name == "signature":
            panel.signature.setPlainText(str(value))
        else:
            getattr(panel, name).setText(str(value))


def settled(qtbot, panel: EmailAccountPanel) -> None:
    """Wait for the panel's keyring work (done in the background) to be over."""
    qtbot.waitUntil(lambda: not panel.busy, timeout=10_000)


@pytest.fixture
def account_panel(qtbot, ctx: ServiceContext, secret_service_backend) -> EmailAccountPanel:
    panel = EmailAccountPanel(ctx, PasswordStore(secret_service_backend))
    qtbot.addWidget(panel)
    settled(qtbot, panel)
    return panel


def test_invalid_account_is_refused_inline_and_nothing_saved(
    qtbot, account_panel: EmailAccountPanel, ctx: ServiceContext, database: Database
):
    watch = AuditWatch(database)
    fill_account(account_panel, host="smtp://example", from_address="ana@")
    assert not account_panel.save()
    assert "without smtp://" in account_panel.error_text("host")
    assert "valid email" in account_panel.error_text("from_address")
    assert account_panel.host.property("invalid") is True
    assert count_rows(database, "mail_account") == 0
    assert watch.new() == []
    # After a refused save, messages follow the typing.
    account_panel.host.clear()
    qtbot.keyClicks(account_panel.host, "smtp.example.com")
    assert account_panel.error_text("host") == ""
    assert account_panel.host.property("invalid") is False
    assert account_panel.error_text("from_address")


def test_no_encryption_is_refused_for_a_remote_server(account_panel: EmailAccountPanel):
    fill_account(account_panel, security="none")
    assert account_panel.port.value() == 25  # followed the usual port of the choice
    assert not account_panel.save()
    assert "local network" in account_panel.error_text("security")
    account_panel.security.setCurrentIndex(account_panel.security.findData("ssl"))
    assert account_panel.port.value() == 465
    account_panel.port.setValue(2465)
    account_panel.security.setCurrentIndex(account_panel.security.findData("starttls"))
    assert account_panel.port.value() == 2465  # a port typed by hand is left alone


def test_saving_puts_the_password_in_the_keyring_only(
    qtbot, account_panel: EmailAccountPanel, ctx: ServiceContext, secret_service_backend
):
    fill_account(account_panel, signature="Ana\nAcme Talent", rate=20)
    account_panel.password.setText("keyring-only-secret")
    with (
        qtbot.waitSignal(account_panel.changes_made) as changed,
        qtbot.waitSignal(account_panel.account_changed),
        qtbot.waitSignal(account_panel.saved) as saved,
    ):
        assert account_panel.save()
        assert account_panel.saved_note.text() == "Saving the password…"
        assert not account_panel.save_button.isEnabled()
    assert saved.args == [True]
    settled(qtbot, account_panel)
    assert account_panel.save_button.isEnabled()
    assert isinstance(changed.args[0], Changes)
    assert changed.args[0].touches(ChangeKind.MAIL_ACCOUNT)
    account = get_account(ctx)
    assert (account.host, account.signature, account.rate_per_minute) == (
        "smtp.example.com",
        "Ana\nAcme Talent",
        20,
    )
    entry = secret_service_backend.get_password(KEYRING_SERVICE, account.keyring_username)
    assert entry == "keyring-only-secret"
    assert account_panel.password.text() == ""  # never shown again
    assert "system keyring" in account_panel.password_status.text()
    assert account_panel.keep_in_memory.isHidden()
    assert account_panel.forget_button.isEnabled()
    assert not account_panel.edited

    # A fresh panel (next start) finds it saved, without showing it.
    again = EmailAccountPanel(ctx, PasswordStore(secret_service_backend))
    qtbot.addWidget(again)
    settled(qtbot, again)
    assert again.password.text() == ""
    assert "Type a new password" in again.password.placeholderText()
    assert again.host.text() == "smtp.example.com"

    # Another port: the saved password follows the account to its new keyring entry.
    account_panel.port.setValue(2587)
    with qtbot.waitSignal(account_panel.saved) as saved:
        assert account_panel.save()
    assert saved.args == [True]
    moved = get_account(ctx)
    assert secret_service_backend.get_password(KEYRING_SERVICE, moved.keyring_username) == (
        "keyring-only-secret"
    )
    assert secret_service_backend.get_password(KEYRING_SERVICE, account.keyring_username) is None

    settled(qtbot, account_panel)
    with qtbot.waitSignal(account_panel.account_changed):
        account_panel.forget_button.click()
    assert secret_service_backend.get_password(KEYRING_SERVICE, moved.keyring_username) is None
    settled(qtbot, account_panel)
    assert "No password saved" in account_panel.password_status.text()


def test_without_a_keyring_the_password_can_live_in_memory(qtbot, ctx: ServiceContext):
    store = PasswordStore(backend=None)
    panel = EmailAccountPanel(ctx, store)
    qtbot.addWidget(panel)
    settled(qtbot, panel)
    assert not panel.keyring_warning.isHidden()
    assert "No secure password store" in panel.keyring_warning.text()
    assert not panel.keep_in_memory.isHidden()
    assert panel.keep_in_memory.text() == KEEP_IN_MEMORY_TEXT

    fill_account(panel)
    panel.password.setText("memory-only-secret")
    with qtbot.waitSignal(panel.saved) as saved:
        assert panel.save()  # the account is saved, the password has nowhere to go yet
    assert saved.args == [False]
    settled(qtbot, panel)
    assert panel.saved_note.text() == "The account was saved, but not its password."
    assert get_account(ctx).host == "smtp.example.com"
    assert KEEP_IN_MEMORY_TEXT in panel.error_text("password")
    assert panel.keyring_warning.isHidden()  # one warning, under the field, not two
    assert panel.password.text() == "memory-only-secret"  # nothing typed is lost
    assert store.get(get_account(ctx)) is None

    panel.keep_in_memory.setChecked(True)
    with qtbot.waitSignal(panel.saved) as saved:
        assert panel.save()
    assert saved.args == [True]
    settled(qtbot, panel)
    assert panel.error_text("password") == ""
    assert store.get(get_account(ctx)) == "memory-only-secret"
    assert store.in_memory(get_account(ctx))
    assert "memory until Hirebench quits" in panel.password_status.text()


def test_send_test_email_refuses_a_bad_address_without_sending(
    qtbot, account_panel: EmailAccountPanel
):
    calls: list[str] = []
    account_panel._send_test = lambda account, password, to: calls.append(to)
    fill_account(account_panel)
    account_panel.test_address.setText("not-an-address")
    with qtbot.waitSignal(account_panel.test_finished) as finished:
        assert not account_panel.send_test_email()
    assert finished.args[0] is False
    assert "not a valid email address" in account_panel.test_result.text()
    fill_account(account_panel, host="")
    account_panel.test_address.clear()
    assert not account_panel.send_test_email()
    assert "Fix the account first" in account_panel.test_result.text()
    assert account_panel.error_text("host")
    assert calls == []


def test_send_test_email_without_a_password_says_so(qtbot, account_panel: EmailAccountPanel):
    calls: list[str] = []
    account_panel._send_test = lambda account, password, to: calls.append(to)
    fill_account(account_panel, username="nobody@example.com")
    with qtbot.waitSignal(account_panel.test_finished, timeout=10_000) as finished:
        assert account_panel.send_test_email()
    assert finished.args[0] is False
    assert "No password for nobody@example.com" in finished.args[1]
    assert account_panel.test_button.isEnabled()
    assert calls == []


def test_the_keyring_is_used_off_the_gui_thread(
    qtbot, ctx: ServiceContext, secret_service_backend
) -> None:
    """Reading, saving and removing the password may wait for an unlock prompt: never on the
    GUI thread, which keeps painting meanwhile."""
    import threading

    used: list[tuple[str, threading.Thread]] = []

    class Watched(PasswordStore):
        def get(self, account):
            used.append(("get", threading.current_thread()))
            return super().get(account)

        def save(self, account, password):
            used.append(("save", threading.current_thread()))
            super().save(account, password)

        def forget(self, account):
            used.append(("forget", threading.current_thread()))
            super().forget(account)

    panel = EmailAccountPanel(ctx, Watched(secret_service_backend))
    qtbot.addWidget(panel)
    settled(qtbot, panel)
    fill_account(panel)
    panel.password.setText("off-the-gui-thread")
    with qtbot.waitSignal(panel.saved, timeout=10_000):
        panel.save()
    settled(qtbot, panel)
    assert panel.forget_button.isEnabled()
    with qtbot.waitSignal(panel.account_changed, timeout=10_000):
        panel.forget_button.click()
    settled(qtbot, panel)
    assert "No password saved" in panel.password_status.text()
    assert {call for call, _thread in used} == {"get", "save", "forget"}
    assert all(thread is not threading.main_thread() for _call, thread in used)


def test_a_keyring_that_fails_to_forget_says_why(qtbot, ctx: ServiceContext) -> None:
    from app.mail.secrets import KeyringUnavailable

    class Locked(PasswordStore):
        def forget(self, account):
            raise KeyringUnavailable("The keyring is locked.")

    panel = EmailAccountPanel(ctx, Locked(backend=None))
    qtbot.addWidget(panel)
    settled(qtbot, panel)
    panel.forget_password()
    settled(qtbot, panel)
    assert panel.keyring_warning.text() == "The keyring is locked."
    assert not panel.keyring_warning.isHidden()


# ---- branding ----------------------------------------------------------------------------
@pytest.fixture
def branding_panel(qtbot, ctx: ServiceContext) -> BrandingPanel:
    panel = BrandingPanel(ctx)
    qtbot.addWidget(panel)
    return panel


def test_branding_saves_colours_logo_and_texts(
    qtbot, branding_panel: BrandingPanel, ctx: ServiceContext, tmp_path: Path
):
    logo = tmp_path / "logo.png"
    logo.write_bytes(image_bytes("PNG"))
    assert branding_panel.load_logo(logo)
    assert branding_panel.logo_preview.pixmap() is not None
    assert not branding_panel.logo_preview.pixmap().isNull()
    branding_panel.agency_name.setText("Acme Talent")
    branding_panel.primary_color.choose = lambda initial, parent: QColor("#AA3311")
    branding_panel.primary_color.swatch.click()
    assert branding_panel.primary_color.text() == "#aa3311"
    assert "#aa3311" in branding_panel.primary_color.swatch.styleSheet()
    branding_panel.footer.setPlainText("Acme Talent · 1 Main St")
    branding_panel.unsubscribe_text.setPlainText("Reply STOP to hear no more.")
    assert branding_panel.edited
    with qtbot.waitSignal(branding_panel.changes_made) as changed:
        assert branding_panel.save()
    assert changed.args[0].touches(ChangeKind.BRANDING)
    saved = get_branding(ctx)
    assert saved.agency_name == "Acme Talent"
    assert saved.primary_color == "#aa3311"
    assert saved.logo == logo.read_bytes() and saved.logo_mime == "image/png"
    assert saved.unsubscribe_text == "Reply STOP to hear no more."
    assert not branding_panel.edited

    # A cancelled colour dialog changes nothing; removing the logo is saved as no logo.
    branding_panel.primary_color.choose = lambda initial, parent: QColor()
    branding_panel.primary_color.swatch.click()
    assert branding_panel.primary_color.text() == "#aa3311"
    branding_panel.findChild(type(branding_panel.save_button), "removeLogo").click()
    assert branding_panel.logo_preview.text() == "No logo"
    assert branding_panel.save()
    assert get_branding(ctx).logo is None


def test_branding_refuses_bad_logos_and_colours(
    branding_panel: BrandingPanel, ctx: ServiceContext, database: Database, tmp_path: Path
):
    jpeg = tmp_path / "logo.jpg"
    jpeg.write_bytes(image_bytes("JPG"))
    assert branding_panel.load_logo(jpeg)
    kept = branding_panel.logo

    svg = tmp_path / "logo.svg"
    svg.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert not branding_panel.load_logo(svg)
    assert "PNG, JPEG or GIF" in branding_panel.error_text("logo")
    huge = tmp_path / "huge.png"
    huge.write_bytes(image_bytes("PNG") + b"\x00" * MAX_LOGO_BYTES)
    assert not branding_panel.load_logo(huge)
    assert "512 KB" in branding_panel.error_text("logo")
    damaged = tmp_path / "damaged.png"
    damaged.write_bytes(image_bytes("PNG")[:20])
    assert not branding_panel.load_logo(damaged)
    assert "damaged" in branding_panel.error_text("logo")
    assert not branding_panel.load_logo(tmp_path / "missing.png")
    assert "cannot be read" in branding_panel.error_text("logo")
    assert branding_panel.logo == kept  # a refused file leaves the logo as it was

    branding_panel.accent_color.set_text("navy")
    assert not branding_panel.save()
    assert "#rrggbb" in branding_panel.error_text("accent_color")
    assert count_rows(database, "branding") == 0
    branding_panel.accent_color.set_text("#000080")
    assert branding_panel.save()
    assert get_branding(ctx).logo_mime == "image/jpeg"


# ---- the section ---------------------------------------------------------------------------
def test_settings_section_shows_both_panels_and_relays_their_signals(
    qtbot, ctx: ServiceContext, tmp_path: Path
):
    section = SettingsSection(
        "system", {"Database": tmp_path}, services=ctx, passwords=PasswordStore(backend=None)
    )
    qtbot.addWidget(section)
    assert section.email_panel is not None and section.branding_panel is not None
    fill_account(section.email_panel)
    with (
        qtbot.waitSignal(section.changes_made),
        qtbot.waitSignal(section.mail_account_changed),
    ):
        section.email_panel.save()
    section.branding_panel.agency_name.setText("Acme")
    with qtbot.waitSignal(section.changes_made):
        section.branding_panel.save()


def test_changes_saved_elsewhere_are_shown_unless_being_edited(
    qtbot, ctx: ServiceContext, tmp_path: Path
):
    from app.services.engagement.mail_settings import (
        AccountInput,
        BrandingInput,
        save_account,
        save_branding,
    )

    section = SettingsSection(
        "system", {"Database": tmp_path}, services=ctx, passwords=PasswordStore(backend=None)
    )
    qtbot.addWidget(section)
    save_account(ctx, AccountInput(host="relay", security="none", from_address="a@example.com"))
    section.on_changes(Changes({ChangeKind.EXTERNAL: frozenset()}))
    assert section.email_panel.host.text() == "relay"

    section.branding_panel.agency_name.setText("Typing here")
    save_branding(ctx, BrandingInput(agency_name="From elsewhere"))
    section.on_changes(Changes({ChangeKind.BRANDING: frozenset({1})}))
    assert section.branding_panel.agency_name.text() == "Typing here"  # not overwritten


def test_settings_section_without_services_has_no_mail_panels(qtbot, tmp_path: Path):
    section = SettingsSection("system", {"Database": tmp_path})
    qtbot.addWidget(section)
    assert section.email_panel is None and section.branding_panel is None
    section.on_changes(Changes({ChangeKind.EXTERNAL: frozenset()}))  # harmless


# ---- "Send test email" against a real SMTP server on loopback ---------------------------
@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_certificate(tmp_path_factory.mktemp("panel-cert"))


@pytest.fixture
def trusted(certificate: Certificate, monkeypatch: pytest.MonkeyPatch) -> Certificate:
    """The system trust store (what the app uses) extended with the test certificate."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert_file))
    return certificate


def point_at(panel: EmailAccountPanel, server: SmtpTestServer) -> None:
    fill_account(
        panel,
        host=server.host,
        port=server.port,
        security=server.security,
        username=TEST_USER if server.security != "none" else "",
        from_address="jobs@agency.test",
    )


def test_test_email_through_a_local_relay(qtbot, account_panel: EmailAccountPanel):
    with SmtpTestServer("none") as relay:
        point_at(account_panel, relay)
        account_panel.test_address.setText("me@agency.test")
        with qtbot.waitSignal(account_panel.test_finished, timeout=10_000) as finished:
            assert account_panel.send_test_email()
            # The send runs in the background: the window is free meanwhile.
            assert not account_panel.test_button.isEnabled()
            assert "Sending a test email" in account_panel.test_result.text()
        assert finished.args == [True, "Test email sent to me@agency.test through 127.0.0.1."]
        [received] = relay.messages
        assert received.rcpt_tos == ("me@agency.test",)
        assert received.mail_from == "jobs@agency.test"
        assert account_panel.test_button.isEnabled()
        assert account_panel.test_result.property("role") == "muted"


def test_test_email_over_starttls_with_the_keyring_password(
    qtbot, account_panel: EmailAccountPanel, ctx: ServiceContext, trusted: Certificate
):
    with SmtpTestServer("starttls", auth=True, certificate=trusted) as server:
        point_at(account_panel, server)
        account_panel.password.setText(TEST_PASSWORD)
        with qtbot.waitSignal(account_panel.saved, timeout=10_000):
            assert account_panel.save()  # to the keyring; the field is emptied
        assert account_panel.password.text() == ""
        with qtbot.waitSignal(account_panel.test_finished, timeout=10_000) as finished:
            account_panel.send_test_email()  # to the From address by default
        assert finished.args[0] is True, finished.args[1]
        [received] = server.messages
        assert received.rcpt_tos == ("jobs@agency.test",)
        assert received.authenticated_as == TEST_USER and received.tls


def test_test_email_shows_the_servers_refusal(
    qtbot, account_panel: EmailAccountPanel, trusted: Certificate
):
    with SmtpTestServer("starttls", auth=True, certificate=trusted) as server:
        point_at(account_panel, server)
        account_panel.password.setText("a-wrong-password")  # typed, not saved: tried as is
        with qtbot.waitSignal(account_panel.test_finished, timeout=10_000) as finished:
            account_panel.send_test_email()
        ok, message = finished.args
        assert ok is False
        assert message.startswith("The test email was not sent:")
        assert "535" in message
        assert "a-wrong-password" not in message
        assert account_panel.test_result.property("role") == "error"
        assert server.messages == []


def test_test_email_to_a_server_that_is_not_there(qtbot, account_panel: EmailAccountPanel):
    with SmtpTestServer("none") as gone:
        port = gone.port
    point_at(account_panel, gone)
    account_panel.port.setValue(port)
    with qtbot.waitSignal(account_panel.test_finished, timeout=10_000) as finished:
        account_panel.send_test_email()
    assert finished.args[0] is False
    assert f"127.0.0.1:{port}" in finished.args[1]


def test_focus_stays_on_the_test_button_while_and_after_sending(
    qtbot, account_panel: EmailAccountPanel
):
    """Disabling the button while sending must not hand focus to Agency name (text selected),
    where the next keystroke would replace the value."""
    account_panel.show()
    qtbot.waitExposed(account_panel)
    with SmtpTestServer("none") as relay:
        point_at(account_panel, relay)
        account_panel.test_address.setText("me@agency.test")
        account_panel.test_button.setFocus()
        qtbot.waitUntil(account_panel.test_button.hasFocus)
        before = account_panel.from_name.text()
        with qtbot.waitSignal(account_panel.test_finished, timeout=10_000):
            qtbot.keyClick(account_panel.test_button, Qt.Key.Key_Space)
            focused = QApplication.focusWidget()
            assert focused is not None and not isinstance(focused, QLineEdit)
        assert account_panel.test_button.hasFocus()
        qtbot.keyClicks(account_panel, "x")  # a stray keystroke changes no field
        assert account_panel.from_name.text() == before
