"""The Mailbox panel and runtime: the account saved with its password in the keyring only, the
status with what to do about a problem, the waiting list decided from the panel, and a 25 MB
message read from a real IMAP server off the GUI thread."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from sqlalchemy import select

from app.mail.imap import KEYRING_SERVICE, ImapClient
from app.mail.inbound import Envelope, parse_message
from app.mail.secrets import PasswordStore
from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import ServiceContext
from app.services.mailbox.handling import handle_message, handle_messages
from app.services.mailbox.settings import get_settings, record_poll, save_settings
from app.store.database import Database
from app.store.mailbox import MailboxAccount
from app.store.models import Candidate
from app.ui.mailbox_runtime import MailboxRuntime
from app.ui.sections.mailbox_panel import MailboxPanel
from app.ui.sections.settings_page import SettingsSection
from app.workers import mailbox_pass
from app.workers.mailbox_poller import ProcessReader
from tests.mail import dovecot as dovecot_fixtures
from tests.mail import messages
from tests.mail.dovecot import PASSWORD, Dovecot
from tests.workers.test_mailbox_pass import APPLICATIONS, settings_for

dovecot = dovecot_fixtures.dovecot


class MemoryKeyring:
    """A keyring backend holding secrets in a dict, to see what was saved and where."""

    def __init__(self) -> None:
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, user: str) -> str | None:
        return self.secrets.get((service, user))

    def set_password(self, service: str, user: str, password: str) -> None:
        self.secrets[(service, user)] = password

    def delete_password(self, service: str, user: str) -> None:
        self.secrets.pop((service, user), None)


def test_saving_keeps_the_password_in_the_keyring_only(
    qtbot: Any, ctx: ServiceContext, database: Database
) -> None:
    keyring = MemoryKeyring()
    panel = MailboxPanel(ctx, PasswordStore(keyring, service=KEYRING_SERVICE))
    qtbot.addWidget(panel)
    panel.host.setText("imap.agency.test")
    panel.username.setText("jobs@agency.test")
    panel.password.setText("s3cret imap")
    panel.applications_folder.setText("Applications")
    panel.enabled.setChecked(True)
    with qtbot.waitSignal(panel.settings_saved, timeout=10_000) as saved:
        assert panel.save()
    assert saved.args[0].host == "imap.agency.test"
    assert keyring.secrets == {
        (KEYRING_SERVICE, "jobs@agency.test@imap.agency.test:993"): "s3cret imap"
    }
    assert get_settings(ctx).applications_folder == "Applications"
    with database.sessions() as session:
        row = session.scalars(select(MailboxAccount)).one()
        assert "s3cret" not in repr([getattr(row, c.key) for c in MailboxAccount.__table__.c])
    panel.enabled.setChecked(True)
    panel.host.clear()
    assert not panel.save()
    assert panel.error_text("host")


def test_status_says_what_went_wrong_and_what_to_do(qtbot: Any, ctx: ServiceContext) -> None:
    save_settings(ctx, replace_settings(ctx))
    record_poll(ctx, "imap.agency.test:993 refused the user name or password.", "authentication")
    panel = MailboxPanel(ctx, PasswordStore(None, service=KEYRING_SERVICE))
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: "Authentication failed" in panel.problem.text(), timeout=10_000)
    assert "type the password again" in panel.problem.text()
    assert panel.when.text().startswith("Last poll: ")


def test_the_port_follows_the_security_unless_typed_by_hand(
    qtbot: Any, ctx: ServiceContext
) -> None:
    """As in the outgoing mail panel (both use `ServerFields`)."""
    save_settings(ctx, dataclasses.replace(replace_settings(ctx), port=1993, security="ssl"))
    panel = MailboxPanel(ctx, PasswordStore(None, service=KEYRING_SERVICE))
    qtbot.addWidget(panel)
    assert panel.port.value() == 1993  # shown as saved
    panel.security.setCurrentIndex(panel.security.findData("starttls"))
    assert panel.port.value() == 1993  # a port of one's own stays
    panel.port.setValue(993)
    panel.security.setCurrentIndex(panel.security.findData("ssl"))
    panel.security.setCurrentIndex(panel.security.findData("starttls"))
    assert panel.port.value() == 143  # the usual port of SSL/TLS moved to STARTTLS's
    panel.security.setCurrentIndex(panel.security.findData("ssl"))
    assert panel.port.value() == 993


def replace_settings(ctx: ServiceContext):
    from dataclasses import replace

    return replace(get_settings(ctx), host="imap.agency.test", username="jobs", enabled=True)


def test_a_waiting_message_is_made_a_candidate_from_the_panel(
    qtbot: Any, ctx: ServiceContext, database: Database, tmp_path: Path
) -> None:
    raw = messages.plain("Sam Stranger <sam@example.net>", "Any openings?", "I am looking.")
    handle_message(ctx, tmp_path, Envelope("INBOX", 1, 1), parse_message(raw), [])
    panel = MailboxPanel(ctx, PasswordStore(None, service=KEYRING_SERVICE))
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.waiting.count() == 1, timeout=10_000)
    panel.waiting.setCurrentRow(0)
    assert "I am looking." in panel.waiting_text.toPlainText()
    with qtbot.waitSignal(panel.changes_made, timeout=10_000):
        panel.make_candidate.click()
    qtbot.waitUntil(lambda: panel.waiting.count() == 0, timeout=10_000)
    with database.sessions() as session:
        assert session.scalars(select(Candidate.first_name)).all() == ["Sam"]


def test_a_25_mb_message_is_fetched_and_imported_while_the_gui_runs(
    qtbot: Any,
    dovecot: Dovecot,
    ctx: ServiceContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Proved by a handshake, not a clock: holding the 25 MB message, the fetch and the import
    each wait until the GUI thread's event loop has run a timer tick. Done on the GUI thread
    they could never see one. (The longest GUI gap is a figure of `make bench`:
    tests/perf/bench_mailbox.py.)"""
    big = messages.application(subject="Application with a portfolio", extra=b"\x89" * 25_000_000)
    assert len(big) > 25_000_000
    dovecot.write_maildir(big, APPLICATIONS)
    gui_thread = threading.get_ident()
    ticked = threading.Event()
    seen: dict[str, tuple[bool, bool]] = {}  # step -> (off the GUI thread, the GUI ran meanwhile)

    def waiting_for_the_gui(step: str, work: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            result = work(*args, **kwargs)
            ticked.clear()
            seen[step] = (threading.get_ident() != gui_thread, ticked.wait(timeout=20))
            return result

        return wrapped

    monkeypatch.setattr(ImapClient, "fetch", waiting_for_the_gui("fetch", ImapClient.fetch))
    monkeypatch.setattr(
        mailbox_pass, "handle_messages", waiting_for_the_gui("import", handle_messages)
    )
    passwords = PasswordStore(None, service=KEYRING_SERVICE)
    settings = settings_for(dovecot, use_idle=False, poll_minutes=10)
    passwords.keep_in_memory(settings, PASSWORD)
    # The parser processes the window uses: messages and resumes are parsed in them.
    runtime = MailboxRuntime(ctx, tmp_path / "documents", passwords, reader=ProcessReader(1))
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(ticked.set)
    timer.start()
    try:
        with qtbot.waitSignal(runtime.report, timeout=120_000) as reported:
            runtime.start(settings)
    finally:
        timer.stop()
        assert runtime.stop()
    report = reported.args[0]
    assert report.error is None and report.handled == {"application": 1}
    assert seen == {"fetch": (True, True), "import": (True, True)}


def test_settings_show_a_mailbox_saved_elsewhere_and_a_poll_without_losing_typing(
    qtbot: Any, ctx: ServiceContext, tmp_path: Path
) -> None:
    section = SettingsSection(
        "system", {"Database": tmp_path}, services=ctx, passwords=PasswordStore(backend=None)
    )
    qtbot.addWidget(section)
    panel = section.mailbox_panel
    assert panel is not None
    save_settings(ctx, replace_settings(ctx))  # another window or the command line
    section.on_changes(Changes({ChangeKind.EXTERNAL: frozenset()}))
    assert panel.host.text() == "imap.agency.test"
    panel.username.setText("typing here")
    record_poll(ctx, "imap.agency.test:993: connection refused.", "unreachable")
    section.on_changes(Changes.of(ChangeKind.MAILBOX, 1))
    qtbot.waitUntil(lambda: "Server unreachable" in panel.problem.text(), timeout=10_000)
    assert panel.username.text() == "typing here"
