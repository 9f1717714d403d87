"""A real IMAP server on loopback for the mailbox tests: Debian's Dovecot, run in the
foreground with a throwaway configuration, one user with a plaintext test password, and its
Maildir under a temporary folder.

Messages reach it the way mail reaches an agency's inbox: through LMTP (Dovecot's own local
delivery, ``user+Folder`` saving into that folder), or, for volume, written straight into
the Maildir. IMAP STARTTLS and implicit TLS use a self-signed certificate made at test time.

The server is missing only when ``dovecot-imapd``/``dovecot-lmtpd`` are not installed
(``make system-deps`` installs them); the fixture then fails, it never skips.
"""

from __future__ import annotations

import contextlib
import grp
import imaplib
import os
import pwd
import shutil
import smtplib
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.mail.smtp_server import Certificate, make_certificate

DEBIAN_PACKAGES = "dovecot-imapd dovecot-lmtpd"
USER = "agency"
PASSWORD = "imap test password 7"
START_TIMEOUT = 15.0

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = {uid}
mail_location = maildir:{root}/mail/%u
mail_uid = {uid}
mail_gid = {gid}
recipient_delimiter = +
lmtp_save_to_detail_mailbox = yes
lda_mailbox_autocreate = yes
mailbox_list_index = no
imap_idle_notify_interval = 1 secs
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%n {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%n
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lmtp_port}
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _owner() -> tuple[str, str, int, int]:
    """Who Dovecot runs and stores mail as: root may not, so the package's own user then."""
    entry = pwd.getpwnam("dovecot") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
    return entry.pw_name, grp.getgrgid(entry.pw_gid).gr_name, entry.pw_uid, entry.pw_gid


@dataclass
class Dovecot:
    """A running Dovecot; ``stop()`` ends it. Its ports are free ones picked at start."""

    root: Path
    imap_port: int
    imaps_port: int
    lmtp_port: int
    uid: int
    gid: int
    process: subprocess.Popen[bytes]
    cert_file: Path | None = None

    @property
    def maildir(self) -> Path:
        return self.root / "mail" / USER

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """Deliver ``raw`` through LMTP into ``folder`` (created when missing)."""
        recipient = USER if folder == "INBOX" else f"{USER}+{folder}"
        with smtplib.LMTP("127.0.0.1", self.lmtp_port, timeout=30) as lmtp:
            lmtp.sendmail("sender@example.org", [recipient], raw)

    def write_maildir(self, raw: bytes, folder: str = "INBOX") -> None:
        """Put ``raw`` straight into the Maildir ``folder`` (``new/``): mail at volume."""
        base = self.maildir if folder == "INBOX" else self.maildir / f".{folder}"
        self.maildir.mkdir(parents=True, exist_ok=True)
        os.chown(self.maildir, self.uid, self.gid)
        for part in ("cur", "new", "tmp"):
            (base / part).mkdir(parents=True, exist_ok=True)
            os.chown(base / part, self.uid, self.gid)
        os.chown(base, self.uid, self.gid)
        name = f"{time.time_ns()}.{uuid.uuid4().hex}.test"
        temporary = base / "tmp" / name
        temporary.write_bytes(raw)
        os.chown(temporary, self.uid, self.gid)
        os.replace(temporary, base / "new" / name)

    def imap(self) -> imaplib.IMAP4:
        """A logged-in plain IMAP connection, for the tests' own looks and changes."""
        client = imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=30)
        client.login(USER, PASSWORD)
        return client

    def log_text(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


def start_dovecot(cert_file: Path | None = None, key_file: Path | None = None) -> Dovecot:
    """Start Dovecot in the foreground in a new temporary folder (removed by ``stop()``);
    fails (never skips) when it is missing.

    The folder is made directly in the system's temporary folder, readable by all: Dovecot's
    processes run as its own user and must reach the user list and the Maildir."""
    binary = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )
    if binary is None:
        raise RuntimeError(
            f"Dovecot is not installed: the mailbox tests need {DEBIAN_PACKAGES} "
            "(make system-deps installs them)."
        )
    user, group, uid, gid = _owner()
    root = Path(tempfile.mkdtemp(prefix="hirebench-dovecot-"))
    for folder in ("run", "state", "mail", "home"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for folder in ("mail", "home"):
        os.chown(root / folder, uid, gid)
    os.chmod(root, 0o755)
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    if cert_file is not None and key_file is not None:
        ssl_lines = f"ssl = yes\nssl_cert = <{cert_file}\nssl_key = <{key_file}\n"
    else:
        ssl_lines = "ssl = no"
    ports = {"imap_port": free_port(), "imaps_port": free_port(), "lmtp_port": free_port()}
    if cert_file is None:
        ports["imaps_port"] = 0
    config = root / "dovecot.conf"
    config.write_text(
        CONFIG.format(root=root, ssl=ssl_lines, user=user, group=group, uid=uid, gid=gid, **ports)
    )
    process = subprocess.Popen(
        [binary, "-c", str(config), "-F"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    server = Dovecot(root, uid=uid, gid=gid, process=process, cert_file=cert_file, **ports)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            raise RuntimeError(f"Dovecot did not start: {output}{server.log_text()}")
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            server.imap().logout()
            return server
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"Dovecot did not answer in time: {server.log_text()}")
        time.sleep(0.1)


# Fixtures: name them in a test module (``dovecot = dovecot_fixtures.dovecot``).
@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    """A real IMAP server (Dovecot) on loopback, plain IMAP and LMTP, with one user."""
    server = start_dovecot()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def dovecot_certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_certificate(Path(tmp_path_factory.mktemp("imap-cert")))


@pytest.fixture
def dovecot_tls(dovecot_certificate: Certificate) -> Iterator[Dovecot]:
    """Dovecot with STARTTLS on its IMAP port and implicit TLS on another, self-signed."""
    server = start_dovecot(dovecot_certificate.cert_file, dovecot_certificate.key_file)
    try:
        yield server
    finally:
        server.stop()
