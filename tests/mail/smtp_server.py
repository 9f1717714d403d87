"""A real SMTP server on loopback for the tests: aiosmtpd in a thread, or in its own process.

It records every message it accepts (envelope, raw bytes, Message-ID), can require STARTTLS
or implicit TLS with a self-signed certificate made at test time, checks AUTH LOGIN/PLAIN (and
CRAM-MD5 when asked) against its users (UTF-8, like real servers), can answer a refused login
with a reply of the test's making (one that echoes the password), can hold back its reply to
each message until the test releases it, and injects faults: a 421/451/550 reply at MAIL, RCPT
or DATA (for the next N messages or for one recipient), and a dropped connection at the DATA
command, in the middle of the message data, or after the whole message arrived but before the
reply.

Run as a module (``python -m tests.mail.smtp_server --log FILE``) it is a separate process
that prints ``READY <port>`` and appends one JSON line per accepted message to FILE: the
crash test and the benchmark use it so that killing or timing the client never touches it.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hmac
import ipaddress
import json
import re
import secrets
import socket
import ssl
import sys
import threading
import time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, SMTP, AuthResult, Envelope, LoginPassword, Session

TEST_USER = "recruiter@agency.test"
TEST_PASSWORD = "correct horse battery staple"
MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)

# Where a fault strikes: the SMTP command that gets the reply, or how the connection drops.
MAIL, RCPT, DATA = "mail", "rcpt", "data"
DROP_AT_MAIL = "drop-at-mail"  # the server hangs up on MAIL FROM (an idle connection it closed)
DROP_AT_DATA = "drop-at-data"  # the server hangs up on the DATA command (nothing sent yet)
DROP_MID_DATA = "drop-mid-data"  # after 354 and a little of the message
DROP_AFTER_DATA = "drop-after-data"  # the whole message arrived (and is kept), no reply


# --- certificates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificate:
    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts this self-signed certificate."""
        return ssl.create_default_context(cafile=str(self.cert_file))


def make_certificate(folder: Path, hostname: str = "localhost") -> Certificate:
    """A self-signed certificate for ``hostname`` and 127.0.0.1 (EC P-256: quick to make)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(hostname), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_file, key_file = folder / "server.crt", folder / "server.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Certificate(cert_file, key_file)


# --- what the server received, and the faults it injects ------------------------------------


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    message_id: str | None
    authenticated_as: str | None
    tls: bool


def message_id_of(data: bytes) -> str | None:
    head = data.split(b"\r\n\r\n", 1)[0]
    found = MESSAGE_ID.search(head)
    return found.group(1).decode("ascii", "replace") if found else None


@dataclass
class _Fault:
    stage: str  # MAIL, RCPT, DATA or one of the DROP_* kinds
    reply: str | None  # "451 4.3.0 Try again later"; None for drops
    remaining: int | None  # messages still to hit; None: every message
    recipient: str | None  # only messages to this address


@dataclass
class Recorder:
    """The shared state of one server: received messages, faults, counters. Thread-safe."""

    messages: list[Received] = field(default_factory=list)
    count: int = 0  # messages accepted
    connections: int = 0
    auth_attempts: list[tuple[str, str, bool]] = field(default_factory=list)  # mech, user, ok
    faults: list[_Fault] = field(default_factory=list)
    log_file: Path | None = None
    hang_after: int | None = None  # process mode: stop answering after this many messages
    # While set and not released, each accepted message waits for its "250" reply.
    hold: threading.Event | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add_fault(
        self,
        stage: str,
        reply: str | None = None,
        count: int | None = 1,
        recipient: str | None = None,
    ) -> None:
        with self._lock:
            self.faults.append(_Fault(stage, reply, count, recipient))

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def take_fault(self, stages: tuple[str, ...], recipients: tuple[str, ...]) -> _Fault | None:
        """The first fault for one of ``stages`` that applies to this message, used up once."""
        with self._lock:
            for fault in self.faults:
                if fault.stage not in stages:
                    continue
                if fault.recipient is not None and fault.recipient not in recipients:
                    continue
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self.faults.remove(fault)
                return fault
        return None

    def record(self, received: Received) -> int:
        with self._lock:
            self.count += 1
            if self.log_file is None:
                self.messages.append(received)
            else:  # a long-running server process keeps only its log, not every message
                line = {
                    "message_id": received.message_id,
                    "to": list(received.rcpt_tos),
                    "size": len(received.data),
                }
                with self.log_file.open("a", encoding="utf-8") as handle:
                    handle.write(json.dumps(line) + "\n")
            return self.count

    def count_connection(self) -> None:
        with self._lock:
            self.connections += 1

    @property
    def message_ids(self) -> list[str | None]:
        with self._lock:
            return [m.message_id for m in self.messages]


class _Handler:
    def __init__(self, recorder: Recorder):
        self.recorder = recorder

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list
    ) -> list:
        if not getattr(server, "_hb_counted", False):
            server._hb_counted = True  # type: ignore[attr-defined]
            self.recorder.count_connection()
        session.host_name = hostname
        return responses

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        fault = self.recorder.take_fault((MAIL, DROP_AT_MAIL), ())
        if fault is not None and fault.stage == DROP_AT_MAIL:
            server.transport.abort()
            return "421 closing"  # never arrives
        if fault is not None:
            return fault.reply or "451 4.3.0 Try again"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        fault = self.recorder.take_fault((RCPT,), (address,))
        if fault is not None:
            return fault.reply or "451 4.3.0 Try again"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        recipients = tuple(envelope.rcpt_tos)
        fault = self.recorder.take_fault((DATA, DROP_AFTER_DATA), recipients)
        if fault is not None and fault.stage == DATA:
            return fault.reply or "451 4.3.0 Try again"
        data = envelope.original_content or b""
        login = session.auth_data if session.authenticated else None
        user = login.login.decode() if isinstance(login, LoginPassword) else None
        count = self.recorder.record(
            Received(
                mail_from=envelope.mail_from or "",
                rcpt_tos=recipients,
                data=data,
                message_id=message_id_of(data),
                authenticated_as=user,
                tls=server.transport.get_extra_info("sslcontext") is not None,
            )
        )
        if fault is not None:  # DROP_AFTER_DATA: kept it, but the client never hears so
            server.transport.abort()
            return "250 OK"
        while self.recorder.hold is not None and not self.recorder.hold.is_set():
            await asyncio.sleep(0.01)  # the client waits: its message is in flight
        if self.recorder.hang_after is not None and count == self.recorder.hang_after:
            await asyncio.sleep(3600)  # the client waits for a reply that never comes
        return "250 OK queued"


class _FaultySMTP(SMTP):
    """aiosmtpd's protocol with connection drops around DATA."""

    def __init__(self, handler: _Handler, **kwargs: Any):
        super().__init__(handler, **kwargs)
        self._recorder = handler.recorder

    async def smtp_DATA(self, arg: str) -> None:
        if self.envelope is not None and self.envelope.rcpt_tos:
            recipients = tuple(self.envelope.rcpt_tos)
            fault = self._recorder.take_fault((DROP_AT_DATA, DROP_MID_DATA), recipients)
            if fault is not None and fault.stage == DROP_AT_DATA:
                await self._hang_up()
                return
            if fault is not None:  # DROP_MID_DATA
                await self.push("354 End data with <CR><LF>.<CR><LF>")
                await self._reader.read(512)
                await self._hang_up()  # a reset: the client may still be writing
                return
        await super().smtp_DATA(arg)

    async def _hang_up(self) -> None:
        """Reset the connection and wait to be cancelled (by `connection_lost`), so that no
        buffered input is read as commands afterwards."""
        self.transport.abort()
        await asyncio.sleep(1)


# A refused login's reply, made from (mechanism, user name, password as sent).
Refusal = Callable[[str, str, str], str]


def _authenticator(recorder: Recorder, users: dict[str, str], refusal: Refusal | None) -> Any:
    def authenticate(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user = auth_data.login.decode("utf-8", "replace")
        password = auth_data.password.decode("utf-8", "replace")
        ok = users.get(user) == password
        with recorder._lock:
            recorder.auth_attempts.append((mechanism, user, ok))
        if not ok and refusal is not None:  # as UTF-8 bytes: aiosmtpd's own replies are ASCII
            reply = refusal(mechanism, user, password).encode("utf-8")
            return AuthResult(success=False, handled=False, message=reply)  # type: ignore[arg-type]
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    return authenticate


class _CramMd5Handler(_Handler):
    """The handler, plus AUTH CRAM-MD5 (RFC 2195): an HMAC-MD5 of a challenge, keyed with the
    password. Only ASCII passwords are defined for it here, as most servers have it."""

    def __init__(self, recorder: Recorder, users: dict[str, str]):
        super().__init__(recorder)
        self.users = users

    async def auth_CRAM__MD5(self, server: SMTP, args: list[str]) -> AuthResult:
        challenge = f"<{secrets.token_hex(8)}@localhost>".encode()
        response = await server.challenge_auth(challenge)
        if response is MISSING:
            return AuthResult(success=False, handled=True)
        user, _, digest = response.decode("ascii", "replace").rpartition(" ")
        password = self.users.get(user, "")
        ok = password.isascii() and hmac.compare_digest(
            hmac.new(password.encode(), challenge, "md5").hexdigest(), digest
        )
        with self.recorder._lock:
            self.recorder.auth_attempts.append(("CRAM-MD5", user, ok))
        return AuthResult(success=ok, handled=False, auth_data=LoginPassword(user.encode(), b""))


class _Controller(Controller):
    """aiosmtpd's threaded controller on a socket bound beforehand (a free port, no race)."""

    def __init__(self, handler: _Handler, *, ssl_context: ssl.SSLContext | None, **smtp: Any):
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        port = self._socket.getsockname()[1]
        super().__init__(handler, hostname="127.0.0.1", port=port, ssl_context=ssl_context, **smtp)

    def factory(self) -> SMTP:
        with warnings.catch_warnings():  # implicit TLS: AUTH without aiosmtpd's TLS check
            warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
            return _FaultySMTP(self.handler, **self.SMTP_kwargs)

    def _create_server(self) -> Awaitable[asyncio.AbstractServer]:
        return self.loop.create_server(
            self._factory_invoker, sock=self._socket, ssl=self.ssl_context
        )


class SmtpTestServer:
    """One SMTP server on 127.0.0.1 in a background thread.

    ``security``: "none", "starttls" (offered and required before MAIL) or "ssl" (implicit
    TLS); ``auth``: require AUTH (``mechanisms``, from LOGIN, PLAIN and CRAM-MD5) as one of
    ``users`` (default `TEST_USER` / `TEST_PASSWORD`); ``refusal`` makes the reply to a
    refused login.
    """

    def __init__(
        self,
        security: str = "none",
        *,
        auth: bool = False,
        certificate: Certificate | None = None,
        mechanisms: tuple[str, ...] = ("LOGIN", "PLAIN"),
        recorder: Recorder | None = None,
        timeout: float = 30.0,
        users: dict[str, str] | None = None,
        refusal: Refusal | None = None,
    ):
        if security != "none" and certificate is None:
            raise ValueError(f"security={security!r} needs a certificate")
        self.security = security
        self.recorder = recorder or Recorder()
        self.certificate = certificate
        smtp: dict[str, Any] = {
            "server_hostname": "localhost",
            "timeout": timeout,
            "data_size_limit": 64 * 1024 * 1024,
        }
        if security == "starttls":
            smtp |= {"tls_context": certificate.server_context(), "require_starttls": True}
        users = users if users is not None else {TEST_USER: TEST_PASSWORD}
        if auth:
            smtp |= {
                "authenticator": _authenticator(self.recorder, users, refusal),
                "auth_required": True,
                # Implicit TLS is invisible to aiosmtpd's check; the connection is TLS anyway.
                "auth_require_tls": security == "starttls",
                "auth_exclude_mechanism": [m for m in ("LOGIN", "PLAIN") if m not in mechanisms],
            }
        implicit = certificate.server_context() if security == "ssl" else None
        handler = (
            _CramMd5Handler(self.recorder, users)
            if auth and "CRAM-MD5" in mechanisms
            else _Handler(self.recorder)
        )
        self._controller = _Controller(handler, ssl_context=implicit, **smtp)
        self.host = "127.0.0.1"
        self.port = self._controller.port

    def start(self) -> SmtpTestServer:
        self._controller.start()
        # The controller's start-up probe opened (and closed) one connection: not a client's.
        with self.recorder._lock:
            self.recorder.connections = 0
        return self

    def stop(self) -> None:
        self._controller.stop(no_assert=True)
        self._controller._socket.close()

    def __enter__(self) -> SmtpTestServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # Shortcuts for the tests.
    @property
    def messages(self) -> list[Received]:
        with self.recorder._lock:
            return list(self.recorder.messages)

    @property
    def connections(self) -> int:
        return self.recorder.connections

    def fail(
        self,
        stage: str,
        reply: str | None = None,
        count: int | None = 1,
        recipient: str | None = None,
    ) -> None:
        self.recorder.add_fault(stage, reply, count, recipient)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.recorder.messages) < count and time.monotonic() < deadline:
            time.sleep(0.005)
        return self.messages


# --- the same server in its own process -----------------------------------------------------


class ServerProcess:
    """`SmtpTestServer` in a child process; what it accepted is read back from its log."""

    def __init__(self, log_file: Path, *, hang_after: int | None = None):
        import subprocess

        self.log_file = log_file
        command = [sys.executable, "-m", "tests.mail.smtp_server", "--log", str(log_file)]
        if hang_after is not None:
            command += ["--hang-after", str(hang_after)]
        root = Path(__file__).resolve().parents[2]
        self._process = subprocess.Popen(
            command, cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        line = self._process.stdout.readline() if self._process.stdout else ""
        if not line.startswith("READY "):
            self._process.kill()
            raise RuntimeError(f"the SMTP server process did not start: {line!r}")
        self.host = "127.0.0.1"
        self.port = int(line.split()[1])

    def received(self) -> list[dict[str, Any]]:
        if not self.log_file.exists():
            return []
        lines = self.log_file.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.endswith("}")]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(received := self.received()) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return received

    def stop(self) -> None:
        import subprocess

        if self._process.stdin:
            self._process.stdin.close()
        try:
            self._process.wait(5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(5)
        if self._process.stdout:
            self._process.stdout.close()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _serve(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(description="SMTP test server (Hirebench tests)")
    parser.add_argument("--log", type=Path, required=True, help="JSON line per accepted message")
    parser.add_argument("--hang-after", type=int, help="stop answering after N messages")
    args = parser.parse_args(arguments)
    recorder = Recorder(log_file=args.log, hang_after=args.hang_after)
    server = SmtpTestServer(recorder=recorder, timeout=3600).start()
    print(f"READY {server.port}", flush=True)
    try:
        sys.stdin.read()  # until the parent closes our stdin (or kills us)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(_serve(sys.argv[1:]))
