"""MailRuntime: the real dispatcher sending to a real SMTP server, reported on the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backends import SecretService
from PySide6.QtCore import QThread

from app.mail.account import AccountSettings
from app.mail.secrets import PasswordStore
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.engagement.mail_settings import AccountInput, save_account
from app.services.engagement.outbox import Draft, add_to_outbox
from app.store.engagement import MessageState, OutboxMessage
from app.ui.mail_runtime import MailRuntime
from tests import keyring_support
from tests.keyring_support import SecretServiceProcesses, start_secret_service
from tests.mail.smtp_server import (
    TEST_PASSWORD,
    TEST_USER,
    Certificate,
    SmtpTestServer,
    make_certificate,
)

secret_service = keyring_support.secret_service
secret_service_env = keyring_support.secret_service_env
secret_service_backend = keyring_support.secret_service_backend

FROM = "jobs@agency.test"
WAIT_MS = 10_000


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_certificate(tmp_path_factory.mktemp("runtime-cert"))


@pytest.fixture
def relay() -> Iterator[SmtpTestServer]:
    with SmtpTestServer("none") as server:
        yield server


@pytest.fixture
def secure_server(certificate: Certificate) -> Iterator[SmtpTestServer]:
    with SmtpTestServer("starttls", auth=True, certificate=certificate) as server:
        yield server


def configure(ctx: ServiceContext, server: SmtpTestServer) -> AccountSettings:
    data = AccountInput(
        host=server.host,
        port=server.port,
        security=server.security,
        username=TEST_USER if server.security != "none" else None,
        from_name="Agency",
        from_address=FROM,
        rate_per_minute=0,
    )
    save_account(ctx, data)
    return data.to_settings()


def make_candidate(ctx: ServiceContext) -> int:
    return create_candidate(
        ctx, CandidateInput(first_name="Maya", last_name="Lee", email="maya@example.com")
    ).value


def queue(ctx: ServiceContext, count: int = 1, candidate: int | None = None) -> list[int]:
    """Queue ``count`` emails (an insert-only transaction, safe beside a running dispatcher)."""
    candidate = candidate or make_candidate(ctx)
    drafts = [
        Draft(
            to_address="maya@example.com",
            subject=f"Hello {number}",
            body_text="A role you may like.",
            candidate_id=candidate,
        )
        for number in range(count)
    ]
    with ctx.write() as tx:
        return add_to_outbox(tx.session, drafts, domain="agency.test")


def states(ctx: ServiceContext, ids: list[int]) -> list[str]:
    with ctx.read() as session:
        return [str(session.get(OutboxMessage, i).state) for i in ids]


@pytest.fixture
def runtime(qtbot, ctx: ServiceContext, certificate: Certificate) -> Iterator[MailRuntime]:
    made = MailRuntime(ctx, PasswordStore(backend=None), ssl_context=certificate.client_context())
    yield made
    made.stop()


def test_queued_mail_is_sent_and_reported_on_the_gui_thread(
    qtbot, runtime: MailRuntime, ctx: ServiceContext, relay: SmtpTestServer
):
    configure(ctx, relay)
    [message_id] = queue(ctx)
    threads: list[QThread] = []
    runtime.message_state_changed.connect(lambda *_: threads.append(QThread.currentThread()))
    with (
        qtbot.waitSignal(
            runtime.message_state_changed,
            timeout=WAIT_MS,
            check_params_cb=lambda mid, state: (mid, state) == (message_id, "sent"),
        ),
        qtbot.waitSignal(
            runtime.changes_made,
            timeout=WAIT_MS,
            check_params_cb=lambda changes: changes.touches(ChangeKind.OUTBOX),
        ),
    ):
        runtime.start()
    assert runtime.running
    assert threads and all(t is qtbot_main_thread() for t in threads)
    assert [m.message_id for m in relay.messages] == [_message_id_header(ctx, message_id)]
    assert states(ctx, [message_id]) == [MessageState.SENT]
    assert runtime.stop()
    assert not runtime.running


def qtbot_main_thread() -> QThread:
    from PySide6.QtWidgets import QApplication

    return QApplication.instance().thread()


def _message_id_header(ctx: ServiceContext, message_id: int) -> str:
    with ctx.read() as session:
        return session.get(OutboxMessage, message_id).message_id


def test_a_password_from_the_real_keyring_logs_in_over_starttls(
    qtbot,
    ctx: ServiceContext,
    secure_server: SmtpTestServer,
    certificate: Certificate,
    secret_service_backend,
):
    account = configure(ctx, secure_server)
    PasswordStore(secret_service_backend).save(account, TEST_PASSWORD)
    runtime = MailRuntime(
        ctx, PasswordStore(secret_service_backend), ssl_context=certificate.client_context()
    )
    try:
        [message_id] = queue(ctx)
        with qtbot.waitSignal(
            runtime.message_state_changed,
            timeout=WAIT_MS,
            check_params_cb=lambda mid, state: (mid, state) == (message_id, "sent"),
        ):
            runtime.start()
        [received] = secure_server.messages
        assert received.authenticated_as == TEST_USER and received.tls
    finally:
        runtime.stop()


def test_no_password_is_one_clear_problem_until_the_account_changes(
    qtbot, runtime: MailRuntime, ctx: ServiceContext, secure_server: SmtpTestServer
):
    account = configure(ctx, secure_server)
    ids = queue(ctx, 2)
    problems: list[str] = []
    runtime.problem.connect(problems.append)
    with qtbot.waitSignal(runtime.problem, timeout=WAIT_MS) as said:
        runtime.start()
    assert said.args[0].startswith(f"No password for {TEST_USER} on 127.0.0.1")
    runtime.wake()  # looking again does not repeat the same message
    qtbot.wait(100)
    assert len(problems) == 1
    assert states(ctx, ids) == ["queued", "queued"]  # nothing claimed meanwhile
    assert secure_server.messages == []

    runtime.passwords.keep_in_memory(account, TEST_PASSWORD)
    sent: list[int] = []
    runtime.message_state_changed.connect(
        lambda mid, state: sent.append(mid) if state == "sent" else None
    )
    runtime.account_changed()
    qtbot.waitUntil(lambda: sorted(sent) == sorted(ids), timeout=WAIT_MS)
    assert len(secure_server.wait_for(2)) == 2


def test_a_wrong_password_is_reported_with_the_servers_answer(
    qtbot, runtime: MailRuntime, ctx: ServiceContext, secure_server: SmtpTestServer
):
    account = configure(ctx, secure_server)
    runtime.passwords.keep_in_memory(account, "not the password")
    [message_id] = queue(ctx)
    with qtbot.waitSignal(runtime.problem, timeout=WAIT_MS) as said:
        runtime.start()
    assert "535" in said.args[0] or "uthentication" in said.args[0]
    assert "not the password" not in said.args[0]
    assert states(ctx, [message_id]) == ["queued"]


@pytest.fixture
def locked_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PasswordStore]:
    """A real Secret Service whose login collection is locked (the desktop locked it)."""
    import secretstorage

    processes: SecretServiceProcesses = start_secret_service(tmp_path / "locked")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", processes.address)
    try:
        connection = secretstorage.dbus_init()
        secretstorage.get_default_collection(connection).lock()
        connection.close()
        yield PasswordStore(SecretService.Keyring())
    finally:
        processes.stop()


def test_a_locked_keyring_is_named_as_the_reason(
    qtbot,
    ctx: ServiceContext,
    secure_server: SmtpTestServer,
    certificate: Certificate,
    locked_keyring: PasswordStore,
):
    configure(ctx, secure_server)
    queue(ctx)
    runtime = MailRuntime(ctx, locked_keyring, ssl_context=certificate.client_context())
    try:
        with qtbot.waitSignal(runtime.problem, timeout=WAIT_MS) as said:
            runtime.start()
        assert "keyring is locked" in said.args[0]
    finally:
        runtime.stop()


def test_without_an_account_nothing_is_sent_and_saving_one_starts_sending(
    qtbot, runtime: MailRuntime, ctx: ServiceContext, relay: SmtpTestServer
):
    [message_id] = queue(ctx)
    with qtbot.waitSignal(runtime.problem, timeout=WAIT_MS) as said:
        runtime.start()
    assert "not set up" in said.args[0]
    configure(ctx, relay)
    with qtbot.waitSignal(
        runtime.message_state_changed,
        timeout=WAIT_MS,
        check_params_cb=lambda mid, state: (mid, state) == (message_id, "sent"),
    ):
        runtime.account_changed()
    assert len(relay.messages) == 1


def test_wake_starts_a_stopped_runtime_and_stop_is_quick(
    qtbot, runtime: MailRuntime, ctx: ServiceContext, relay: SmtpTestServer
):
    configure(ctx, relay)
    candidate = make_candidate(ctx)
    assert not runtime.running
    runtime.pause()  # harmless before start
    runtime.wake()
    assert runtime.running
    runtime.pause()
    assert runtime.paused
    [message_id] = queue(ctx, candidate=candidate)
    runtime.wake()
    qtbot.wait(200)
    assert states(ctx, [message_id]) == ["queued"]  # paused: nothing leaves
    with qtbot.waitSignal(runtime.message_state_changed, timeout=WAIT_MS):
        runtime.resume()
    before = threading.active_count()
    assert runtime.stop()
    assert not runtime.running and threading.active_count() <= before
    assert runtime.stop()  # twice is harmless


def test_another_hirebench_sending_is_said_and_unsaid_when_it_finishes(
    qtbot, runtime: MailRuntime, ctx: ServiceContext, relay: SmtpTestServer
):
    from app.services.engagement import dispatch_lease
    from app.services.engagement.dispatch_lease import Claimant

    configure(ctx, relay)
    [message_id] = queue(ctx)
    elsewhere = Claimant("elsewhere", "another-computer", 1)
    assert dispatch_lease.acquire(ctx, elsewhere, 60) is None
    problems: list[str] = []
    runtime.problem.connect(problems.append)
    with qtbot.waitSignal(runtime.problem, timeout=WAIT_MS) as said:
        runtime.start()
    assert said.args[0].startswith("Another Hirebench on another-computer is sending (since ")
    assert states(ctx, [message_id]) == ["queued"] and relay.messages == []

    dispatch_lease.release(ctx, elsewhere)
    with qtbot.waitSignal(
        runtime.message_state_changed,
        timeout=WAIT_MS,
        check_params_cb=lambda mid, state: (mid, state) == (message_id, "sent"),
    ):
        runtime.wake()
    assert problems == [said.args[0], ""]  # "": the status bar and the banner clear
    assert runtime.last_problem is None
