"""Mail faults that must never pass silently, against a real SMTP server (aiosmtpd on loopback)
and real SQLite files: a password outside ASCII, a server that cannot take it, a server that
echoes the password back, an exception nobody foresaw, and two dispatchers at once."""

from __future__ import annotations

import base64
import email
import email.policy
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.logs import configure_logging
from app.mail.account import AccountSettings
from app.mail.secrets import REDACTED, redact
from app.mail.transport import AccountError, SmtpSender, send_test_message
from app.services.core.context import ServiceContext
from app.services.core.users import ensure_user
from app.services.engagement import outbox
from app.services.engagement.outbox import Draft, add_to_outbox
from app.store.database import Database
from app.store.db import create_sqlite_engine, make_session_factory
from app.store.engagement import DispatchLease, MailAccount, OutboxMessage
from app.store.models import Candidate, CandidateEmail
from app.workers.dispatcher import Dispatcher, DispatchEvent
from tests.mail.smtp_server import (
    TEST_PASSWORD,
    TEST_USER,
    Certificate,
    ServerProcess,
    SmtpTestServer,
    make_certificate,
)

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pässwörd✓"
FROM = "jobs@agency.test"
WAIT = 10.0  # seconds, for anything that happens on another thread or process


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_certificate(tmp_path_factory.mktemp("faults-cert"))


class Events:
    """The dispatcher's reports, collected from its threads."""

    def __init__(self) -> None:
        self.items: list[DispatchEvent] = []
        self._lock = threading.Lock()

    def __call__(self, event: DispatchEvent) -> None:
        with self._lock:
            self.items.append(event)

    def problems(self) -> list[tuple[str, str]]:
        with self._lock:
            return [(e.state, e.error or "") for e in self.items if e.message_id is None]


def account_for(server: SmtpTestServer | ServerProcess, **changes: object) -> AccountSettings:
    values: dict[str, object] = {
        "host": server.host,
        "port": server.port,
        "security": getattr(server, "security", "none"),
        "from_name": "Agency",
        "from_address": FROM,
        "rate_per_minute": 0,
    }
    values.update(changes)
    return AccountSettings(**values)  # type: ignore[arg-type]


def queue(ctx: ServiceContext, count: int) -> list[int]:
    """``count`` candidates with one email each, due now; the message ids."""
    with ctx.write() as tx:
        people = [
            Candidate(
                first_name=f"P{n}",
                last_name="Fault",
                emails=[CandidateEmail(email=f"p{n}.{id(tx)}@example.com")],
            )
            for n in range(count)
        ]
        tx.session.add_all(people)
        tx.session.flush()
        drafts = [
            Draft(
                to_address=person.emails[0].email,
                subject=f"Hello {person.first_name}",
                body_text=f"A role you may like, {person.first_name}.",
                candidate_id=person.id,
            )
            for person in people
        ]
        return add_to_outbox(tx.session, drafts, domain="agency.test")


def message(ctx: ServiceContext, message_id: int) -> OutboxMessage:
    with ctx.read() as session:
        found = session.get(OutboxMessage, message_id)
        assert found is not None
        return found


def states(ctx: ServiceContext, ids: list[int]) -> list[str]:
    return [str(message(ctx, i).state) for i in ids]


def wait_until(condition: object, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.02)
    assert condition(), "timed out"  # type: ignore[operator]


def b64(data: str) -> str:
    return base64.b64encode(data.encode()).decode()


# ---- a password outside ASCII -----------------------------------------------------------------


def test_redact_takes_out_the_password_and_its_auth_forms() -> None:
    plain = b64(f"\0{TEST_USER}\0{PASSWORD}")
    text = f"535 no: {PASSWORD} / {b64(PASSWORD)} / {plain} / {plain.rstrip('=')}"
    cleaned = redact(text, PASSWORD, TEST_USER)
    assert cleaned == f"535 no: {REDACTED} / {REDACTED} / {REDACTED} / {REDACTED}"
    assert redact("correct  horse\nbattery", "correct  horse\nbattery") == REDACTED
    assert redact("535 correct horse battery", "correct  horse\nbattery") == f"535 {REDACTED}"
    assert redact("250 OK", None) == "250 OK"


@pytest.mark.parametrize(
    ("mechanisms", "used", "user"),
    [
        (("LOGIN", "PLAIN"), "PLAIN", TEST_USER),
        (("LOGIN",), "LOGIN", "jürgen@agency.test"),
    ],
)
def test_a_password_outside_ascii_logs_in_as_utf8_and_the_message_arrives(
    ctx: ServiceContext,
    certificate: Certificate,
    mechanisms: tuple[str, ...],
    used: str,
    user: str,
) -> None:
    [message_id] = queue(ctx, 1)
    users = {user: PASSWORD}
    with SmtpTestServer(
        "starttls", auth=True, certificate=certificate, users=users, mechanisms=mechanisms
    ) as server:
        account = account_for(server, username=user)
        report = Dispatcher(
            ctx.sessions,
            ctx.actor,
            account,
            lambda: PASSWORD,
            ssl_context=certificate.client_context(),
        ).run_until_idle()
        assert (report.sent, report.problem) == (1, None)
        assert server.recorder.auth_attempts == [(used, user, True)]
        [received] = server.messages
    stored = message(ctx, message_id)
    assert received.authenticated_as == user and received.tls
    assert received.rcpt_tos == (stored.to_address,) and received.mail_from == FROM
    parsed = email.message_from_bytes(received.data, policy=email.policy.default)
    assert parsed["Message-ID"] == stored.message_id
    assert parsed["Subject"] == "Hello P0"
    assert "A role you may like, P0." in parsed.get_body(("plain",)).get_content()
    assert str(stored.state) == "sent" and stored.last_error is None


def test_a_server_offering_only_cram_md5_gives_a_clear_account_error(
    ctx: ServiceContext, certificate: Certificate
) -> None:
    ids = queue(ctx, 2)
    users = {TEST_USER: PASSWORD, "ascii@agency.test": TEST_PASSWORD}
    events = Events()
    with SmtpTestServer(
        "starttls", auth=True, certificate=certificate, users=users, mechanisms=("CRAM-MD5",)
    ) as server:
        # The server's CRAM-MD5 works: an ASCII password logs in with it.
        send_test_message(
            account_for(server, username="ascii@agency.test"),
            TEST_PASSWORD,
            "someone@example.com",
            ssl_context=certificate.client_context(),
        )
        assert server.recorder.auth_attempts == [("CRAM-MD5", "ascii@agency.test", True)]

        account = account_for(server, username=TEST_USER)
        worker = Dispatcher(
            ctx.sessions,
            ctx.actor,
            account,
            lambda: PASSWORD,
            events,
            ssl_context=certificate.client_context(),
        )
        report = worker.run_until_idle()  # no exception escapes
        problem = report.problem or ""
        assert "offers no login method" in problem and "(it offers CRAM-MD5)" in problem
        assert "AUTH PLAIN" in problem and PASSWORD not in problem
        assert events.problems() == [("blocked", problem)]
        connections = server.connections
        assert worker.run_until_idle().problem == problem  # paused: no new attempt
        assert server.connections == connections and len(events.problems()) == 1
        # Nothing was claimed; each waiting message says why in a readable sentence.
        for message_id in ids:
            stored = message(ctx, message_id)
            assert (str(stored.state), stored.attempts) == ("queued", 0)
            assert stored.last_error == problem
        # The Settings page's "Send test email" says the same, as a MailError.
        with pytest.raises(AccountError, match="offers no login method"):
            send_test_message(
                account, PASSWORD, "someone@example.com", ssl_context=certificate.client_context()
            )
        [test_email] = server.messages  # only the one sent with the ASCII password
        assert test_email.rcpt_tos == ("someone@example.com",)


# ---- a server that echoes the password --------------------------------------------------------


def _echo(mechanism: str, user: str, password: str) -> str:
    """A 535 reply that quotes what it was sent, as plain text and as base64."""
    return (
        f"535 5.7.8 Refused {user} with {password} "
        f"({b64(chr(0) + user + chr(0) + password)}) [{b64(password)}]"
    )


@pytest.mark.parametrize("password", [PASSWORD, "correct horse battery staple"])
def test_a_reply_echoing_the_password_is_redacted_everywhere(
    tmp_path: Path,
    database: Database,
    ctx: ServiceContext,
    certificate: Certificate,
    password: str,
) -> None:
    log_file = tmp_path / "logs" / "hirebench.log"
    configure_logging(log_file, logging.DEBUG)
    [message_id] = queue(ctx, 1)
    events = Events()
    users = {TEST_USER: "the right one"}
    with SmtpTestServer(
        "starttls", auth=True, certificate=certificate, users=users, refusal=_echo
    ) as server:
        account = account_for(server, username=TEST_USER)
        report = Dispatcher(
            ctx.sessions,
            ctx.actor,
            account,
            lambda: password,
            events,
            ssl_context=certificate.client_context(),
        ).run_until_idle()
        with pytest.raises(AccountError) as raised:
            send_test_message(
                account, password, "someone@example.com", ssl_context=certificate.client_context()
            )
        assert server.recorder.auth_attempts and not any(
            ok for _m, _u, ok in server.recorder.auth_attempts
        )
    problem = report.problem or ""
    # The reply is shown, its echo of the password is not.
    assert problem.startswith("Authentication failed: 535 5.7.8 Refused")
    assert problem.count(REDACTED) == 3
    stored = message(ctx, message_id)
    texts = {
        "problem": problem,
        "event": " ".join(text for _state, text in events.problems()),
        "last error": stored.last_error or "",
        "test email": f"{raised.value} {raised.value.reply}",
        "log": log_file.read_text(encoding="utf-8"),
    }
    assert REDACTED in texts["last error"] and REDACTED in texts["test email"]
    assert "Refused" in texts["log"]  # the reply was logged: without the password
    forms = [password, b64(password).rstrip("="), b64(f"\0{TEST_USER}\0{password}").rstrip("=")]
    for where, text in texts.items():
        for form in forms:
            assert form not in text, f"the password ({form!r}) is in the {where}"
    for path in (database.path, Path(f"{database.path}-wal")):
        stored_bytes = path.read_bytes() if path.exists() else b""
        for form in forms:
            assert form.encode() not in stored_bytes, f"the password is in {path.name}"
    assert b"Refused" in Path(f"{database.path}-wal").read_bytes() + database.path.read_bytes()


# ---- an exception nobody foresaw --------------------------------------------------------------


def test_an_unexpected_error_while_sending_pauses_and_is_reported(
    tmp_path: Path,
    ctx: ServiceContext,
    certificate: Certificate,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log_file = tmp_path / "logs" / "hirebench.log"
    configure_logging(log_file, logging.DEBUG)
    calls: list[float] = []

    def broken(self: SmtpSender, raw: bytes, sender: str, recipient: str) -> None:
        calls.append(time.monotonic())
        raise RuntimeError(f"the state went odd near {self._password}")

    events = Events()
    users = {TEST_USER: PASSWORD}
    with SmtpTestServer("starttls", auth=True, certificate=certificate, users=users) as server:
        worker = Dispatcher(
            ctx.sessions,
            ctx.actor,
            account_for(server, username=TEST_USER),
            lambda: PASSWORD,
            events,
            ssl_context=certificate.client_context(),
        )
        with monkeypatch.context() as patch:
            patch.setattr(SmtpSender, "_envelope", broken)
            [message_id] = queue(ctx, 1)
            worker.start()
            try:
                wait_until(lambda: events.problems())
                time.sleep(2.5)  # a retry loop would have tried again by now
                assert len(calls) == 1
                [(state, problem)] = events.problems()
                assert state == "blocked"
                assert "Unexpected error while sending: RuntimeError" in problem
                assert "paused" in problem and "Try again" in problem
                assert PASSWORD not in problem and REDACTED in problem
                stored = message(ctx, message_id)
                assert (str(stored.state), stored.attempts) == ("queued", 0)
                assert stored.last_error == problem
                assert server.messages == []
            except BaseException:
                worker.stop(5)
                raise
        # The user fixed it (here: the fault is gone) and chose "Try again".
        try:
            worker.wake()
            server.wait_for(1)
            wait_until(lambda: str(message(ctx, message_id).state) == "sent")
            wait_until(lambda: events.problems()[-1] == ("ready", ""))
        finally:
            assert worker.stop(5)
    assert len(calls) == 1
    logged = log_file.read_text(encoding="utf-8")
    assert logged.count("Traceback") == 1 and "RuntimeError" in logged
    assert PASSWORD not in logged


def test_an_unexpected_error_reaches_the_outbox_banner_and_the_status_signal(
    qtbot, ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.mail.secrets import PasswordStore
    from app.services.engagement.mail_settings import AccountInput, save_account
    from app.ui.mail_runtime import MailRuntime
    from app.ui.sections.campaigns import CampaignsSection

    calls: list[int] = []

    def broken(self: Dispatcher) -> None:
        calls.append(1)
        raise KeyError("branding")

    with SmtpTestServer("none") as relay:
        save_account(
            ctx,
            AccountInput(
                host=relay.host,
                port=relay.port,
                security="none",
                from_name="Agency",
                from_address=FROM,
                rate_per_minute=0,
            ),
        )
        [message_id] = queue(ctx, 1)
        runtime = MailRuntime(ctx, PasswordStore(backend=None))
        section = CampaignsSection(ctx, None, runtime)
        qtbot.addWidget(section)
        runtime.changes_made.connect(section.on_changes)  # the window's broadcast, in short
        section.show()
        qtbot.waitExposed(section)
        try:
            with monkeypatch.context() as patch:
                patch.setattr(Dispatcher, "_branding", broken)
                with qtbot.waitSignal(runtime.problem, timeout=int(WAIT * 1000)) as said:
                    runtime.start()
                problem = said.args[0]
                assert "unexpected error" in problem and "KeyError" in problem
                assert not section.outbox.problem.isHidden()
                assert section.outbox.problem_text.text() == problem
                wait_until(lambda: message(ctx, message_id).last_error == problem)
                qtbot.waitUntil(
                    lambda: any(r.last_error == problem for r in section.outbox.model.rows),
                    timeout=int(WAIT * 1000),
                )
                qtbot.wait(1500)
                assert len(calls) == 1  # paused, not retried every second
            with qtbot.waitSignal(
                runtime.message_state_changed,
                timeout=int(WAIT * 1000),
                check_params_cb=lambda mid, state: (mid, state) == (message_id, "sent"),
            ):
                section.outbox.try_again_button.click()
            qtbot.waitUntil(section.outbox.problem.isHidden, timeout=int(WAIT * 1000))
            assert len(relay.wait_for(1)) == 1
        finally:
            runtime.stop()


def test_an_error_recording_what_was_sent_is_reported_and_never_resends(
    ctx: ServiceContext, smtp_relay: SmtpTestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    [message_id] = queue(ctx, 1)
    events = Events()
    worker = Dispatcher(ctx.sessions, ctx.actor, account_for(smtp_relay), lambda: None, events)
    real = outbox.record_sent_many

    def refuse(tx: object, sent: list[object]) -> object:
        if sent:  # claiming goes through here too, with nothing sent: that works
            raise RuntimeError("the disk said no")
        return real(tx, sent)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(outbox, "record_sent_many", refuse)
        report = worker.run_until_idle()
    assert report.problem and "unexpected error while recording" in report.problem
    assert "RuntimeError: the disk said no" in report.problem
    assert events.problems() == [("blocked", report.problem)]
    assert str(message(ctx, message_id).state) == "sending"  # sent, but not recorded
    later = worker.run_until_idle()  # paused; the message the server has becomes "unknown"
    assert (later.recovered, later.sent, later.problem) == (1, 0, report.problem)
    assert str(message(ctx, message_id).state) == "unknown"
    worker.wake()  # "Try again": nothing is sent again without the user's decision
    again = worker.run_until_idle()
    assert (again.recovered, again.sent, again.problem) == (0, 0, None)
    assert len(smtp_relay.messages) == 1


@pytest.fixture
def smtp_relay() -> Iterator[SmtpTestServer]:
    with SmtpTestServer("none") as server:
        yield server


# ---- two dispatchers at once ------------------------------------------------------------------


def _configure(ctx: ServiceContext, host: str, port: int) -> None:
    with ctx.write() as tx:
        tx.session.add(
            MailAccount(
                id=1,
                host=host,
                port=port,
                security="none",
                from_name="Agency",
                from_address=FROM,
                rate_per_minute=0,
            )
        )


def _cli(path: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, HIREBENCH_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    env.pop("HIREBENCH_DATABASE", None)
    return subprocess.run(
        [sys.executable, "-m", "app", "outbox", "--database", str(path), "--dispatch"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


BUSY_LINE = re.compile(
    r"hirebench outbox: another Hirebench is sending \(since (\d{4}-\d\d-\d\d )?\d\d:\d\d\); "
    r"try again later\."
)


def test_a_second_dispatcher_waits_while_the_first_is_sending(
    tmp_path: Path, database: Database, ctx: ServiceContext, smtp_relay: SmtpTestServer
) -> None:
    _configure(ctx, smtp_relay.host, smtp_relay.port)
    ids = queue(ctx, 3)
    smtp_relay.recorder.hold = threading.Event()  # the server keeps its "250" until released
    account = account_for(smtp_relay)
    first = Dispatcher(database.sessions, ctx.actor, account, lambda: None, timeout=120)
    reports: list[object] = []
    sending = threading.Thread(target=lambda: reports.append(first.run_until_idle()))
    sending.start()
    try:
        smtp_relay.wait_for(1)
        wait_until(lambda: states(ctx, ids).count("sending") == 3)

        # Another window: its own engine and connections on the same file. (Not through
        # open_database: its checks read the file with Python's open(), and closing that
        # drops this process's SQLite locks on it — POSIX locks belong to the process.)
        engine = create_sqlite_engine(database.path)
        try:
            sessions = make_session_factory(engine)
            events = Events()
            second = Dispatcher(
                sessions, ensure_user(sessions, "second"), account, lambda: None, events
            )
            report = second.run_until_idle()
        finally:
            engine.dispose()
        assert report.busy_since is not None and not report.ok
        assert (report.recovered, report.sent, report.unknown) == (0, 0, 0)
        [(state, text)] = events.problems()
        assert state == "busy" and text.startswith("Another Hirebench is sending (since ")
        assert states(ctx, ids) == ["sending"] * 3  # none taken for interrupted

        # The command line, in a process of its own: one line, exit status 1.
        result = _cli(database.path, tmp_path / "home")
        assert result.returncode == 1, result.stderr
        assert result.stdout == ""
        assert BUSY_LINE.fullmatch(result.stderr.rstrip("\n")), result.stderr
        assert states(ctx, ids) == ["sending"] * 3
    finally:
        smtp_relay.recorder.hold.set()
        sending.join(WAIT * 3)
    [done] = reports
    assert (done.sent, done.unknown, done.recovered) == (3, 0, 0)  # type: ignore[attr-defined]
    assert states(ctx, ids) == ["sent"] * 3
    received = [m.message_id for m in smtp_relay.messages]
    assert sorted(received) == sorted(message(ctx, i).message_id for i in ids)
    # The lease was freed: the command now runs (nothing is left to send).
    result = _cli(database.path, tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert "Sent 0," in result.stdout


CHILD = """
import socket
import sys
from pathlib import Path

if sys.argv[4]:  # this process stands for one on another computer sharing the database
    socket.gethostname = lambda: sys.argv[4]

from app.mail.account import AccountSettings
from app.services.core.users import ensure_user
from app.store.database import open_database
from app.workers.dispatcher import Dispatcher

path, port, lease = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
database = open_database(path, path.parent / "backups")
account = AccountSettings(
    host="127.0.0.1", port=port, security="none", from_address="jobs@agency.test",
    rate_per_minute=0,
)
actor = ensure_user(database.sessions, "lease-child")
print("sending", flush=True)
Dispatcher(database.sessions, actor, account, lambda: None, timeout=120,
           lease_seconds=lease).run_until_idle()
"""


def _killed_holder(
    database: Database, server: ServerProcess, lease_seconds: float, host: str
) -> tuple[int, DispatchLease]:
    """A dispatcher in a child process, stuck waiting for the server's reply to its first
    message while it holds the lease, killed with SIGKILL; its pid and the lease it left."""
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            CHILD,
            str(database.path),
            str(server.port),
            str(lease_seconds),
            host,
        ],
        cwd=ROOT,
        env=dict(os.environ, HIREBENCH_HOME=str(database.path.parent / "home")),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "sending"
        assert len(server.wait_for(1)) == 1  # the first message is on the wire
        with database.sessions() as session:
            lease = session.scalars(select(DispatchLease)).one()
        assert lease.pid == child.pid and lease.holder is not None
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        assert child.returncode == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()
    return child.pid, lease


def test_a_holder_killed_on_this_computer_frees_the_lease_at_once(
    tmp_path: Path, database: Database, ctx: ServiceContext
) -> None:
    ids = queue(ctx, 3)
    with ServerProcess(tmp_path / "received.jsonl", hang_after=1) as server:
        _pid, lease = _killed_holder(database, server, 60.0, "")
        assert lease.expires_at is not None
        worker = Dispatcher(ctx.sessions, ctx.actor, account_for(server), lambda: None, timeout=10)
        report = worker.run_until_idle()  # long before the lease's minute is up
        assert report.busy_since is None
        assert report.recovered == 3  # the one on the wire and those claimed ahead
        assert states(ctx, ids) == ["unknown"] * 3
        assert len(server.received()) == 1  # none sent again


def test_a_holder_killed_elsewhere_is_waited_for_until_its_lease_expires(
    tmp_path: Path, database: Database, ctx: ServiceContext
) -> None:
    ids = queue(ctx, 3)
    with ServerProcess(tmp_path / "received.jsonl", hang_after=1) as server:
        _pid, lease = _killed_holder(database, server, 2.0, "another-computer")
        killed = time.monotonic()
        assert lease.host == "another-computer"
        events = Events()
        worker = Dispatcher(
            ctx.sessions, ctx.actor, account_for(server), lambda: None, events, timeout=10
        )
        first = worker.run_until_idle()
        assert first.busy_since is not None and first.recovered == 0
        assert events.problems()[0][1].startswith("Another Hirebench on another-computer is ")
        assert states(ctx, ids) == ["sending"] * 3  # its process cannot be checked: wait
        report = first
        while report.busy_since is not None and time.monotonic() - killed < WAIT:
            time.sleep(0.2)
            report = worker.run_until_idle()
        assert report.busy_since is None, "the dead holder's lease never expired"
        assert time.monotonic() - killed < 2.0 + 3.0  # its 2-second lease, and some slack
        assert report.recovered == 3
        assert states(ctx, ids) == ["unknown"] * 3
        assert events.problems()[-1] == ("ready", "")
        assert len(server.received()) == 1
