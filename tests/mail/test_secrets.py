"""The password store against a real Secret Service (gnome-keyring-daemon on a private bus)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from keyring.backends import SecretService

from app.mail.account import KEYRING_SERVICE, AccountSettings
from app.mail.secrets import (
    NO_BACKEND,
    KeyringUnavailable,
    PasswordStore,
    choose_backend,
    is_refused,
)
from tests import keyring_support
from tests.keyring_support import SecretServiceProcesses, start_secret_service

secret_service = keyring_support.secret_service
secret_service_env = keyring_support.secret_service_env
secret_service_backend = keyring_support.secret_service_backend

ACCOUNT = AccountSettings(host="smtp.example.com", port=587, username="ana@example.com")
OTHER = AccountSettings(host="smtp.example.com", port=465, username="ana@example.com")


def test_the_secret_service_is_chosen_when_it_works(secret_service_env: SecretServiceProcesses):
    backend = choose_backend()
    assert isinstance(backend, SecretService.Keyring)
    store = PasswordStore()
    assert store.available and store.problem is None
    assert "SecretService" in store.backend_name


def test_save_get_forget_round_trip(secret_service_backend):
    store = PasswordStore(secret_service_backend)
    assert store.get(ACCOUNT) is None
    store.save(ACCOUNT, "Tr0ub4dor&3 ünïcode")
    assert store.get(ACCOUNT) == "Tr0ub4dor&3 ünïcode"
    assert not store.in_memory(ACCOUNT)
    # The entry is where other tools look: the service name and login@host:port.
    entry = "ana@example.com@smtp.example.com:587"
    raw = secret_service_backend.get_password(KEYRING_SERVICE, entry)
    assert raw == "Tr0ub4dor&3 ünïcode"
    assert store.get(OTHER) is None  # another port is another entry

    store.save(ACCOUNT, "second")
    assert store.get(ACCOUNT) == "second"
    store.forget(ACCOUNT)
    assert store.get(ACCOUNT) is None
    store.forget(ACCOUNT)  # forgetting twice is harmless


def test_a_fresh_store_and_another_process_read_it_back(
    secret_service_backend, secret_service_env: SecretServiceProcesses
):
    PasswordStore(secret_service_backend).save(ACCOUNT, "from-the-first-store")
    assert PasswordStore().get(ACCOUNT) == "from-the-first-store"

    script = (
        "import json, sys\n"
        "from app.mail.account import AccountSettings\n"
        "from app.mail.secrets import PasswordStore\n"
        "account = AccountSettings(**json.loads(sys.argv[1]))\n"
        "store = PasswordStore()\n"
        "print(store.backend_name)\n"
        "print(store.get(account))\n"
    )
    fields = {"host": ACCOUNT.host, "port": ACCOUNT.port, "username": ACCOUNT.username}
    result = subprocess.run(
        [sys.executable, "-c", script, json.dumps(fields)],
        env=secret_service_env.environ,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    name, password = result.stdout.splitlines()
    assert "SecretService" in name
    assert password == "from-the-first-store"
    PasswordStore(secret_service_backend).forget(ACCOUNT)


def test_memory_comes_first_and_ends_with_the_process(secret_service_backend):
    store = PasswordStore(secret_service_backend)
    store.save(ACCOUNT, "in-the-keyring")
    store.keep_in_memory(ACCOUNT, "in-memory")
    assert store.get(ACCOUNT) == "in-memory" and store.in_memory(ACCOUNT)
    assert PasswordStore(secret_service_backend).get(ACCOUNT) == "in-the-keyring"
    store.save(ACCOUNT, "saved-again")  # saving replaces the memory copy
    assert not store.in_memory(ACCOUNT)
    assert store.get(ACCOUNT) == "saved-again"
    store.forget(ACCOUNT)
    assert store.get(ACCOUNT) is None


def test_no_backend_is_said_plainly_and_memory_still_works():
    store = PasswordStore(backend=None)
    assert not store.available
    assert store.backend_name == "none"
    assert store.problem == NO_BACKEND
    assert "keep it in memory until Hirebench quits" in store.problem
    assert store.get(ACCOUNT) is None
    with pytest.raises(KeyringUnavailable, match="No secure password store"):
        store.save(ACCOUNT, "nowhere")
    store.keep_in_memory(ACCOUNT, "only-here")
    assert store.get(ACCOUNT) == "only-here"
    assert PasswordStore(backend=None).get(ACCOUNT) is None
    store.forget(ACCOUNT)
    assert store.get(ACCOUNT) is None
    with pytest.raises(ValueError):
        store.keep_in_memory(ACCOUNT, "")


def test_without_a_session_bus_there_is_no_backend(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path / 'no-bus'}")
    store = PasswordStore()
    assert not store.available
    assert store.problem == NO_BACKEND


class _Plaintext:
    """Stands in for keyrings.alt.file.PlaintextKeyring: high priority, but a file."""

    priority = 50
    file_path = "/home/someone/.local/share/python_keyring/keyring_pass.cfg"


class _Secure:
    priority = 3


class _Better:
    priority = 7


class _Raising:
    class _Probe:
        def __get__(self, obj, owner):
            raise RuntimeError("no D-Bus here")

    priority = _Probe()


def test_plaintext_null_fail_and_chainer_backends_are_refused():
    for name in ("PlaintextKeyring", "EncryptedKeyring", "Keyring"):
        for module in ("keyrings.alt.file", "keyring.backends.fail", "keyring.backends.null"):
            fake = type(name, (), {"priority": 99, "__module__": module})
            assert is_refused(fake), (module, name)
    chainer = type("ChainerBackend", (), {"priority": 10, "__module__": "keyring.backends.chainer"})
    assert is_refused(chainer)
    assert is_refused(_Plaintext)
    assert not is_refused(SecretService.Keyring)
    assert isinstance(choose_backend([_Plaintext, _Secure, _Raising, _Better]), _Better)
    assert choose_backend([_Plaintext, _Raising]) is None
    zero = type("Keyring", (), {"priority": 0, "__module__": "some.vendor"})
    assert choose_backend([zero]) is None


@pytest.fixture
def private_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A Secret Service of this test's own, which the test may lock or kill."""
    processes = start_secret_service(tmp_path / "own")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", processes.address)
    try:
        yield processes
    finally:
        processes.stop()


def test_a_locked_collection_is_a_clear_error(private_service: SecretServiceProcesses):
    import secretstorage

    store = PasswordStore(SecretService.Keyring())
    store.save(ACCOUNT, "locked-away")
    connection = secretstorage.dbus_init()
    try:
        secretstorage.get_default_collection(connection).lock()
    finally:
        connection.close()
    with pytest.raises(KeyringUnavailable, match="locked") as caught:
        store.get(ACCOUNT)
    assert "locked-away" not in str(caught.value)
    with pytest.raises(KeyringUnavailable, match="locked") as caught:
        store.save(ACCOUNT, "new-secret-value")
    assert "new-secret-value" not in str(caught.value)
    store.keep_in_memory(ACCOUNT, "meanwhile")  # the way out offered to the user
    assert store.get(ACCOUNT) == "meanwhile"


def test_the_bus_going_away_is_a_clear_error(
    private_service: SecretServiceProcesses, caplog: pytest.LogCaptureFixture
):
    store = PasswordStore(SecretService.Keyring())
    store.save(ACCOUNT, "before-the-crash")
    private_service.stop()
    with caplog.at_level(logging.DEBUG, logger="app"):
        with pytest.raises(KeyringUnavailable, match="cannot be reached"):
            store.get(ACCOUNT)
        with pytest.raises(KeyringUnavailable):
            store.save(ACCOUNT, "after-the-crash")
    assert "before-the-crash" not in caplog.text
    assert "after-the-crash" not in caplog.text


def test_the_backend_is_chosen_on_first_use_and_only_once(monkeypatch) -> None:
    import app.mail.secrets as secrets

    calls: list[int] = []
    monkeypatch.setattr(secrets, "choose_backend", lambda: calls.append(1))
    store = secrets.PasswordStore()
    assert calls == []  # making the store (at window start-up) probes nothing
    assert not store.available
    assert store.get(secrets.AccountSettings(host="smtp.example.com")) is None
    assert calls == [1]
