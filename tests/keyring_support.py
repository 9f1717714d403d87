"""A real Secret Service for the keyring tests: a private D-Bus session bus with an unlocked
``gnome-keyring-daemon`` on it, started by the tests and torn down afterwards.

Nothing of the user's desktop is touched: the bus listens on a socket in a temporary folder,
has no service activation (so no other daemon or password prompt can be started on it), and
the keyring files live in a temporary ``XDG_DATA_HOME``. Tests see the bus only through
``DBUS_SESSION_BUS_ADDRESS`` set with ``monkeypatch``.

Use it by naming the fixtures in a test module::

    from tests import keyring_support

    secret_service = keyring_support.secret_service
    secret_service_env = keyring_support.secret_service_env
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

DEBIAN_PACKAGES = "dbus gnome-keyring"
KEYRING_UNLOCK_PASSWORD = "hirebench-test-login"  # the test keyring's own login password
START_TIMEOUT = 10.0

# A session bus with the usual open policy, listening only where we say, and without
# <standard_session_servicedirs/>: nothing is ever activated on it behind our back.
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@dataclass
class SecretServiceProcesses:
    """A running private bus and keyring daemon, and the environment that reaches them."""

    address: str
    root: Path
    environ: dict[str, str]
    bus: subprocess.Popen[bytes]
    daemon: subprocess.Popen[bytes]

    @property
    def running(self) -> bool:
        return self.bus.poll() is None and self.daemon.poll() is None

    def stop(self) -> None:
        """Stop the keyring daemon, then the bus; kill either if it does not go quietly."""
        for process in (self.daemon, self.bus):
            if process.poll() is None:
                process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
            for stream in (process.stdin, process.stdout, process.stderr):
                if stream is not None:
                    stream.close()


def _require(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        pytest.fail(
            f"{program} is not installed: the keyring tests need a real Secret Service. "
            f"Install the Debian packages `{DEBIAN_PACKAGES}` (`make system-deps` as root).",
            pytrace=False,
        )
    return found


def _read_line(process: subprocess.Popen[bytes], timeout: float) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    if not ready:
        return ""
    return process.stdout.readline().decode().strip()


def _service_owned(address: str) -> bool:
    """Whether ``org.freedesktop.secrets`` has an owner on the bus at ``address``."""
    from jeepney import DBus
    from jeepney.io.blocking import open_dbus_connection

    with contextlib.closing(open_dbus_connection(bus=address)) as connection:
        reply = connection.send_and_get_reply(DBus().NameHasOwner("org.freedesktop.secrets"))
        return bool(reply.body[0])


def _stderr_of(process: subprocess.Popen[bytes]) -> str:
    if process.poll() is None:
        process.kill()
    try:
        _out, err = process.communicate(timeout=5)
    except (subprocess.TimeoutExpired, ValueError):
        return ""
    return (err or b"").decode(errors="replace").strip()


def start_secret_service(root: Path) -> SecretServiceProcesses:
    """Start a private bus and an unlocked gnome-keyring-daemon under ``root``.

    Fails the test (never skips) when the programs are missing or do not come up.
    """
    dbus_daemon = _require("dbus-daemon")
    keyring_daemon = _require("gnome-keyring-daemon")
    for name in ("home", "data", "config", "cache", "runtime"):
        (root / name).mkdir(parents=True, exist_ok=True)
    (root / "runtime").chmod(0o700)
    config = root / "bus.conf"
    config.write_text(BUS_CONFIG.format(socket=root / "runtime" / "bus"), encoding="utf-8")
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS")
        and not key.startswith("GNOME_KEYRING")
    }
    environ |= {
        "HOME": str(root / "home"),
        "XDG_DATA_HOME": str(root / "data"),
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_CACHE_HOME": str(root / "cache"),
        "XDG_RUNTIME_DIR": str(root / "runtime"),
    }
    bus = subprocess.Popen(
        [dbus_daemon, f"--config-file={config}", "--print-address=1", "--nofork"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environ,
    )
    address = _read_line(bus, START_TIMEOUT)
    if not address:
        pytest.fail(f"dbus-daemon did not start: {_stderr_of(bus)}", pytrace=False)
    environ["DBUS_SESSION_BUS_ADDRESS"] = address
    daemon = subprocess.Popen(
        [keyring_daemon, "--foreground", "--unlock", "--components=secrets"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=environ,
    )
    assert daemon.stdin is not None
    daemon.stdin.write(f"{KEYRING_UNLOCK_PASSWORD}\n".encode())
    daemon.stdin.close()
    processes = SecretServiceProcesses(address, root, environ, bus, daemon)
    deadline = time.monotonic() + START_TIMEOUT
    while not _service_owned(address):
        if daemon.poll() is not None or time.monotonic() > deadline:
            message = _stderr_of(daemon)
            processes.stop()
            pytest.fail(f"gnome-keyring-daemon did not start: {message}", pytrace=False)
        time.sleep(0.02)
    return processes


@pytest.fixture(scope="session")
def secret_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecretServiceProcesses]:
    """One private bus and unlocked keyring daemon for the test session."""
    processes = start_secret_service(tmp_path_factory.mktemp("secret-service"))
    try:
        yield processes
    finally:
        processes.stop()


@pytest.fixture
def secret_service_env(
    secret_service: SecretServiceProcesses, monkeypatch: pytest.MonkeyPatch
) -> SecretServiceProcesses:
    """Point this test's process at the private bus (and only for this test)."""
    assert secret_service.running, "the test Secret Service stopped"
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service.address)
    return secret_service


@pytest.fixture
def secret_service_backend(secret_service_env: SecretServiceProcesses):
    """keyring's Secret Service backend, talking to the private gnome-keyring-daemon."""
    from keyring.backends import SecretService

    return SecretService.Keyring()
