"""Where the SMTP password lives: the OS keyring, or this process's memory — never on disk.

`keyring` picks backends by priority, and some of them (keyrings.alt's plaintext and
"encrypted" files) would write the password to a file: those are refused here. When no secure
backend works, `PasswordStore` says why in plain words and can hold the password in memory
until the program quits. Errors from the backend (a locked collection, D-Bus gone) become
`KeyringUnavailable` with a message for the user. The password is never logged, and
`redact` takes it out of whatever a server says back before that is logged, stored or shown.
"""

from __future__ import annotations

import base64
import logging
import re
import threading
from collections.abc import Iterable
from typing import Any, Protocol

import keyring.backend

from app.mail.account import KEYRING_SERVICE
from app.mail.account import AccountSettings as AccountSettings

log = logging.getLogger(__name__)

# Backends that store secrets in a file of their own, or that store nothing: never used.
# Matched against "<module>.<class>" in lower case (keyrings.alt.file.PlaintextKeyring,
# keyrings.alt.file.EncryptedKeyring, keyrings.alt.pyfs.*, keyring.backends.fail.Keyring, …).
_REFUSED = re.compile(r"plaintext|encrypted|file|pyfs|fail|null|chainer|escape|insecure")

NO_BACKEND = (
    "No secure password store (system keyring) is available on this computer, so the mail "
    "password cannot be saved. You can keep it in memory until Hirebench quits."
)


class Keyed(Protocol):
    """An account whose password the keyring holds: outgoing (SMTP) or incoming (IMAP)."""

    @property
    def keyring_username(self) -> str: ...


class KeyringUnavailable(RuntimeError):  # noqa: N818 (the name the feature agreed on)
    """The keyring cannot be used right now; the message says why, for the user."""


def _qualified(backend_class: type) -> str:
    return f"{backend_class.__module__}.{backend_class.__qualname__}"


def is_refused(backend_class: type) -> bool:
    """Whether a backend class could leave the secret in a plain file, or keeps nothing."""
    if getattr(backend_class, "file_path", None) is not None:
        return True  # keyrings.alt's file-backed keyrings all have one
    return bool(_REFUSED.search(_qualified(backend_class).lower()))


def _priority(backend_class: Any) -> float | None:
    """The class's priority now, or None when it cannot work here (keyring's convention:
    ``priority`` raises with the reason)."""
    try:
        return float(backend_class.priority)
    except Exception as exc:  # any backend may raise anything while probing
        log.debug("keyring backend %s not usable: %s", _qualified(backend_class), exc)
        return None


def _all_backend_classes() -> list[type]:

    keyring.backend.get_all_keyring()  # loads plugin backends (entry points) once
    return list(keyring.backend.KeyringBackend._classes)


def choose_backend(candidates: Iterable[type] | None = None) -> Any | None:
    """The most preferred secure keyring backend that works now, or None.

    Viability is checked afresh (keyring caches its own list, and a D-Bus session may have
    appeared since). ``candidates`` (backend classes) is for tests.
    """
    classes = _all_backend_classes() if candidates is None else list(candidates)
    usable: list[tuple[float, type]] = []
    for backend_class in classes:
        if is_refused(backend_class):
            continue
        priority = _priority(backend_class)
        if priority is not None and priority > 0:
            usable.append((priority, backend_class))
    for _priority_value, backend_class in sorted(usable, key=lambda pair: -pair[0]):
        try:
            return backend_class()
        except Exception as exc:
            log.debug("keyring backend %s failed to start: %s", _qualified(backend_class), exc)
    return None


_CHOOSE: Any = object()


class PasswordStore:
    """The mail account's password: kept in the keyring, or in memory for this process only.

    Thread-safe: the dispatcher's thread asks for the password while the GUI may save one.
    The keyring backend is chosen on first use, not when the store is made: probing the
    backends takes a fifth of a second or more (D-Bus), which the window should not spend
    on its GUI thread until the password is actually needed.
    """

    def __init__(self, backend: Any = _CHOOSE, service: str = KEYRING_SERVICE):
        self._chosen = backend
        self._service = service  # the keyring's service name: outgoing or incoming mail
        self._memory: dict[str, str] = {}
        self._lock = threading.Lock()
        self._choosing = threading.Lock()

    @property
    def _backend(self) -> Any:
        if self._chosen is _CHOOSE:
            with self._choosing:
                if self._chosen is _CHOOSE:
                    self._chosen = choose_backend()
        return self._chosen

    @property
    def available(self) -> bool:
        """Whether a secure keyring backend was found (it may still refuse, e.g. locked)."""
        return self._backend is not None

    @property
    def backend_name(self) -> str:
        if self._backend is None:
            return "none"
        return str(getattr(type(self._backend), "name", type(self._backend).__name__))

    @property
    def problem(self) -> str | None:
        """Why passwords cannot be saved, in plain words; None when they can."""
        return None if self.available else NO_BACKEND

    def in_memory(self, account: Keyed) -> bool:
        """Whether the password for ``account`` is held in memory (not in the keyring)."""
        with self._lock:
            return account.keyring_username in self._memory

    def get(self, account: Keyed) -> str | None:
        """The password: the in-memory one first, then the keyring's; None when neither has
        one. Raises `KeyringUnavailable` when the keyring cannot be read."""
        key = account.keyring_username
        with self._lock:
            if key in self._memory:
                return self._memory[key]
        if self._backend is None:
            return None
        try:
            return self._backend.get_password(self._service, key)
        except Exception as exc:
            raise self._unavailable("read the mail password", exc) from None

    def save(self, account: Keyed, password: str) -> None:
        """Store the password in the keyring (replacing any in-memory copy).

        Raises `KeyringUnavailable` when there is no secure keyring or it refuses."""
        if not password:
            raise ValueError("An empty password is not saved; use forget() to remove one.")
        if self._backend is None:
            raise KeyringUnavailable(NO_BACKEND)
        key = account.keyring_username
        try:
            self._backend.set_password(self._service, key, password)
        except Exception as exc:
            raise self._unavailable("save the mail password", exc, password) from None
        with self._lock:
            self._memory.pop(key, None)
        log.info("mail password saved in the keyring (%s) for %s", self.backend_name, key)

    def keep_in_memory(self, account: Keyed, password: str) -> None:
        """Hold the password in this process's memory only, until it ends."""
        if not password:
            raise ValueError("An empty password is not kept.")
        with self._lock:
            self._memory[account.keyring_username] = password
        log.info("mail password kept in memory for %s", account.keyring_username)

    def forget(self, account: Keyed) -> None:
        """Remove the password from memory and from the keyring (if it is there)."""
        key = account.keyring_username
        with self._lock:
            self._memory.pop(key, None)
        if self._backend is None:
            return
        try:
            if self._backend.get_password(self._service, key) is not None:
                self._backend.delete_password(self._service, key)
        except Exception as exc:
            raise self._unavailable("remove the mail password", exc) from None

    def _unavailable(
        self, action: str, exc: BaseException, password: str | None = None
    ) -> KeyringUnavailable:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        if password:
            reason = reason.replace(password, "***")
        lowered = reason.lower()
        if "lock" in lowered:
            hint = "The keyring is locked: unlock it (log in to your desktop session) and retry."
        elif "dbus" in lowered or "d-bus" in lowered or isinstance(exc, OSError):
            hint = "The keyring service cannot be reached (is your desktop session running?)."
        else:
            hint = "Check that your system keyring is running and unlocked."
        log.warning("keyring (%s) could not %s: %s", self.backend_name, action, reason)
        return KeyringUnavailable(f"The system keyring could not {action}. {hint} ({reason})")


# ---- keeping the password out of what the server says ----------------------------------------

REDACTED = "[hidden]"


def _secret_forms(password: str, username: str | None) -> list[str]:
    """The password as it may come back from a server: as typed (also with its spaces
    collapsed, as replies are shown) and base64-encoded as AUTH LOGIN and AUTH PLAIN send it
    (with its padding, and without, so that a reply that dropped it still matches). Longest
    first, so that the padding goes with the rest."""

    raw = password.encode("utf-8")
    user = (username or "").encode("utf-8")
    blobs = (raw, b"\0" + user + b"\0" + raw, user + b"\0" + user + b"\0" + raw)
    forms = {password, " ".join(password.split())}
    for blob in blobs:
        encoded = base64.b64encode(blob).decode("ascii")
        forms.update(encoded[: len(encoded) - cut] for cut in range(encoded.count("=") + 1))
    forms.discard("")
    return sorted(forms, key=len, reverse=True)


def redact(text: str, password: str | None, username: str | None = None) -> str:
    """``text`` with the password and its AUTH forms replaced by `REDACTED`.

    Every server reply and error text that leaves the transport passes through here before it
    is logged, stored as a message's last error or shown: a server may echo what it was sent
    (a 535 reply quoting the password, or its base64). Plain replacements, no regular
    expressions: those would keep the password in the `re` module's pattern cache.
    """
    if not text or not password:
        return text
    for form in _secret_forms(password, username):
        if form in text:
            text = text.replace(form, REDACTED)
    return text
