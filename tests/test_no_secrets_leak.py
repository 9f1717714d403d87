"""The SMTP password goes to the OS keyring and to the mail server, and nowhere else.

A distinctive password is typed into Settings, saved through the real Secret Service, used to
log in (a test email from the panel, then a queued email sent by the background dispatcher)
over STARTTLS to a real SMTP server on loopback — and then every file Hirebench wrote (the
database and its WAL, settings, the log, backups) is searched for it, in the encodings it
could take on the way (plain text, UTF-16, and the base64 of AUTH LOGIN and AUTH PLAIN).
"""

from __future__ import annotations

import base64
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backends import SecretService

from app.bootstrap import Workspace
from app.logs import configure_logging
from app.mail.account import KEYRING_SERVICE
from app.paths import AppPaths
from app.resources import resources_dir
from app.services.admin.maintenance import backup
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.core.context import ServiceContext
from app.services.core.users import ensure_user
from app.services.engagement.mail_settings import get_account
from app.services.engagement.outbox import Draft, add_to_outbox
from app.settings import Settings
from app.store.database import Database, open_database
from app.ui.icons import IconProvider
from app.ui.main_window import MainWindow
from app.ui.theme import LIGHT
from tests import keyring_support
from tests.mail import smtp_server
from tests.mail.smtp_server import TEST_USER, SmtpTestServer, make_certificate

secret_service = keyring_support.secret_service
secret_service_env = keyring_support.secret_service_env

PASSWORD = "Hb-leak-probe-7f3a9c-Zq"  # ASCII: AUTH LOGIN/PLAIN send it base64-encoded


def needles(password: str, user: str) -> dict[str, bytes]:
    """Every form in which the password could have been written down by mistake."""
    login = base64.b64encode(password.encode())
    plain = base64.b64encode(f"\0{user}\0{password}".encode())
    return {
        "utf-8": password.encode(),
        "utf-16-le": password.encode("utf-16-le"),
        "utf-16-be": password.encode("utf-16-be"),
        "AUTH LOGIN base64": login,
        "AUTH PLAIN base64": plain,
        "AUTH PLAIN base64 (with authzid)": base64.b64encode(
            f"{user}\0{user}\0{password}".encode()
        ),
    }


def leaks(root: Path, forms: dict[str, bytes]) -> list[str]:
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found += [
            f"{path.relative_to(root)}: {name}" for name, form in forms.items() if form in data
        ]
    return found


@pytest.fixture
def home_database(paths: AppPaths, _empty_template: Path) -> Iterator[Database]:
    """The user's own database, where the app keeps it (inside HIREBENCH_HOME)."""
    shutil.copy(_empty_template, paths.default_database)
    database = open_database(paths.default_database, paths.backups_dir)
    yield database
    database.close()


def test_the_password_reaches_only_the_keyring_and_the_server(
    qtbot,
    paths: AppPaths,
    hirebench_home: Path,
    home_database: Database,
    secret_service_env: keyring_support.SecretServiceProcesses,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    certificate = make_certificate(tmp_path / "cert")
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert_file))  # trust the test server
    monkeypatch.setattr(smtp_server, "TEST_PASSWORD", PASSWORD)
    configure_logging(paths.log_file, logging.DEBUG)
    ctx = ServiceContext(home_database.sessions, ensure_user(home_database.sessions, "tester"))
    keyring = SecretService.Keyring()

    with SmtpTestServer("starttls", auth=True, certificate=certificate) as server:
        # The recruiter opens the window, types the account and password in Settings, saves.
        workspace = Workspace(
            paths=paths, database=home_database, services=ctx, settings=Settings()
        )
        window = MainWindow(workspace, IconProvider(resources_dir(), LIGHT))
        qtbot.addWidget(window)
        window.show_section("settings")
        panel = window.section("settings").email_panel  # the window's own Settings page
        runtime = window.mail_runtime
        assert runtime.passwords.available  # the window found the Secret Service
        assert panel.passwords is runtime.passwords
        panel.host.setText(server.host)
        panel.port.setValue(server.port)
        panel.security.setCurrentIndex(panel.security.findData("starttls"))
        panel.username.setText(TEST_USER)
        panel.from_name.setText("Agency")
        panel.from_address.setText("jobs@agency.test")
        panel.password.setText(PASSWORD)
        with qtbot.waitSignal(panel.saved, timeout=10_000) as saved:  # the keyring, off-thread
            assert panel.save()
        assert saved.args == [True], panel.error_text("password")
        account = get_account(ctx)
        assert keyring.get_password(KEYRING_SERVICE, account.keyring_username) == PASSWORD

        # "Send test email" logs in with the keyring's password.
        with qtbot.waitSignal(panel.test_finished, timeout=10_000) as finished:
            panel.send_test_email()
        assert finished.args[0] is True, finished.args[1]

        # A queued email goes out through the background dispatcher, which asks the keyring.
        candidate = create_candidate(
            ctx, CandidateInput(first_name="Maya", last_name="Lee", email="maya@example.com")
        ).value
        with ctx.write() as tx:
            [message_id] = add_to_outbox(
                tx.session,
                [Draft("maya@example.com", "Hello", "A role.", candidate_id=candidate)],
                domain=account.sender_domain,
            )
        with qtbot.waitSignal(
            runtime.message_state_changed,
            timeout=10_000,
            check_params_cb=lambda mid, state: (mid, state) == (message_id, "sent"),
        ):
            runtime.wake()  # as a send from the window does (it may have started already)
        assert [m.authenticated_as for m in server.messages] == [TEST_USER, TEST_USER]

        window.close()  # stops the dispatcher and writes settings.json
        assert not runtime.running
    backup(home_database.path, paths.backups_dir / "after-mail.sqlite3")
    logging.getLogger("app.test").warning("password=%s", PASSWORD)  # the log's last guard

    assert paths.settings_file.exists() and paths.log_file.exists()
    assert Path(f"{paths.default_database}-wal").exists()  # the WAL is searched too
    forms = needles(PASSWORD, TEST_USER)
    assert leaks(hirebench_home, forms) == []
    home_database.close()  # everything checkpointed into the main file: still nothing
    assert leaks(hirebench_home, forms) == []
    # The search itself works: a file holding the password in any of those forms is caught.
    probe = hirebench_home / "probe.txt"
    probe.write_bytes(b"xx" + forms["AUTH PLAIN base64"] + b"xx")
    assert leaks(hirebench_home, forms) == ["probe.txt: AUTH PLAIN base64"]
