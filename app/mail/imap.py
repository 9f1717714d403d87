"""The agency's incoming mail server over IMAP (the standard library's imaplib): connect with
the chosen security, read a folder's UIDVALIDITY and new UIDs, fetch one message, then move or
flag it; wait with IDLE where the server offers it.

Failures come out as `ImapError` with a kind the status line can explain (authentication,
unreachable, certificate, server) and a sentence saying what to do; the password never
appears in them.
"""

from __future__ import annotations

import imaplib
import re
import select
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass

KEYRING_SERVICE = "Hirebench IMAP"
TIMEOUT = 60.0

# Kinds of failure, for the status line and the command line.
AUTHENTICATION = "authentication"
UNREACHABLE = "unreachable"
CERTIFICATE = "certificate"
SERVER = "server"
SETTINGS = "settings"

_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
_FETCH_UID = re.compile(rb"UID (\d+)")
_FETCH_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


@dataclass(frozen=True)
class ImapSettings:
    """The incoming mail account and how it is watched; the password is in the keyring."""

    host: str = ""
    port: int = 993
    security: str = "ssl"  # "ssl" (implicit TLS), "starttls" or "none"
    username: str = ""
    applications_folder: str = "INBOX"
    replies_folder: str = "INBOX"
    after_import: str = "flag"  # "move" to the processed folder, or "flag"
    processed_folder: str = "Processed"
    poll_minutes: int = 5
    use_idle: bool = True
    enabled: bool = False

    @property
    def configured(self) -> bool:
        return bool(self.host and self.username)

    @property
    def keyring_username(self) -> str:
        """The keyring entry's user name: one password per login on one server."""
        return f"{self.username}@{self.host}:{self.port}"

    @property
    def folders(self) -> tuple[str, ...]:
        """The watched folders, applications first, each once."""
        return tuple(dict.fromkeys((self.applications_folder, self.replies_folder)))


class ImapError(Exception):
    """A failure talking to the server, with its kind and what to do about it."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class FolderState:
    folder: str
    uidvalidity: int
    exists: int


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ImapClient:
    """One connection, used from one thread at a time."""

    def __init__(
        self,
        settings: ImapSettings,
        password: str,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = TIMEOUT,
    ):
        self.settings = settings
        self._password = password
        self._context = ssl_context
        self._timeout = timeout
        self._imap: imaplib.IMAP4 | None = None
        self._selected: str | None = None

    def __repr__(self) -> str:  # never the password
        return f"ImapClient({self.settings.username}@{self.settings.host}:{self.settings.port})"

    def __enter__(self) -> ImapClient:
        self.connect()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def connect(self) -> None:
        """Connect, secure the connection as configured, and log in."""
        s = self.settings
        context = self._context or ssl.create_default_context()
        try:
            if s.security == "ssl":
                imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    s.host, s.port, ssl_context=context, timeout=self._timeout
                )
            else:
                imap = imaplib.IMAP4(s.host, s.port, timeout=self._timeout)
                if s.security == "starttls":
                    imap.starttls(context)
        except Exception as exc:
            raise self._connect_error(exc) from None
        try:
            imap.login(s.username, self._password)
        except imaplib.IMAP4.error as exc:
            with _quietly():
                imap.shutdown()
            reply = self._redact(str(exc))
            raise ImapError(
                AUTHENTICATION,
                f"{self._where()} refused the user name or password ({reply}). Check them in "
                "Settings → Mailbox and enter the password again.",
            ) from None
        except Exception as exc:
            raise self._connect_error(exc) from None
        # Servers name more capabilities once logged in (MOVE, IDLE); imaplib keeps the first.
        with _quietly():
            status, data = imap.capability()
            if status == "OK" and data and isinstance(data[-1], bytes):
                imap.capabilities = tuple(data[-1].decode("ascii", "replace").upper().split())
        self._imap = imap

    def _redact(self, text: str) -> str:
        return text.replace(self._password, "[hidden]") if self._password else text

    def _connect_error(self, exc: BaseException) -> ImapError:
        where = self._where()
        if isinstance(exc, ssl.SSLCertVerificationError):
            return ImapError(
                CERTIFICATE,
                f"The certificate of {where} is not trusted ({exc.verify_message or exc.reason}). "
                "Check the server name, or ask your provider for the right one.",
            )
        if isinstance(exc, ssl.SSLError):
            return ImapError(
                CERTIFICATE,
                f"Secure connection to {where} failed ({exc.reason or exc}). Check the security "
                "setting (SSL/TLS, usually port 993; STARTTLS, usually port 143).",
            )
        if isinstance(exc, imaplib.IMAP4.error):
            return ImapError(SERVER, f"{where} refused: {self._redact(str(exc))}.")
        if isinstance(exc, socket.gaierror):
            return ImapError(
                UNREACHABLE, f"Could not find the server {where}: check the server name."
            )
        if isinstance(exc, OSError):
            return ImapError(
                UNREACHABLE,
                f"Could not reach {where} ({exc.strerror or exc}). Check the server name and "
                "port, and that this computer is online.",
            )
        return ImapError(SERVER, f"{where}: {self._redact(str(exc))}")

    @property
    def imap(self) -> imaplib.IMAP4:
        if self._imap is None:
            raise ImapError(UNREACHABLE, "Not connected.")
        return self._imap

    def _ok(self, answer: tuple[str, list[bytes | tuple[bytes, bytes] | None]], doing: str) -> list:
        status, data = answer
        if status != "OK":
            detail = b" ".join(d for d in data if isinstance(d, bytes)).decode(errors="replace")
            detail = detail.strip().rstrip(".") or status
            raise ImapError(SERVER, f"{self._where()} could not {doing}: {detail}.")
        return data

    def _call(self, doing: str, command: Callable[[], tuple[str, list]]) -> list:
        try:
            return self._ok(command(), doing)
        except ImapError:
            raise
        except (imaplib.IMAP4.abort, OSError) as exc:
            self._drop()
            raise ImapError(
                UNREACHABLE, f"The connection to {self._where()} was lost ({exc})."
            ) from None
        except imaplib.IMAP4.error as exc:
            raise ImapError(SERVER, f"{self._where()} could not {doing}: {exc}.") from None

    def select(self, folder: str) -> FolderState:
        """Open ``folder`` read-write; its UIDVALIDITY and message count."""
        try:
            data = self._call(
                f"open the folder {folder}", lambda: self.imap.select(_quoted(folder))
            )
        except ImapError as exc:
            if exc.kind != SERVER:
                raise
            raise ImapError(
                SETTINGS, f"{exc} Check the folder names in Settings → Mailbox."
            ) from None
        self._selected = folder
        first = data[0] if data else None
        exists = int(first) if isinstance(first, bytes) and first.strip().isdigit() else 0
        validity = self.imap.untagged_responses.get("UIDVALIDITY", [b"0"])[-1]
        number = validity.decode("ascii", "replace") if isinstance(validity, bytes) else "0"
        return FolderState(folder, int(number) if number.isdigit() else 0, exists)

    def uids_from(self, first: int) -> list[int]:
        """The UIDs in the selected folder from ``first`` on, ascending."""
        data = self._call("list messages", lambda: self.imap.uid("SEARCH", f"UID {first}:*"))
        uids = sorted(int(u) for u in (data[0] or b"").split())
        return [u for u in uids if u >= first]

    def message_ids(self, uids: list[int]) -> dict[int, tuple[str | None, int]]:
        """Per UID its Message-ID header (None if it has none) and size: enough to know a
        message seen before without reading it all."""
        found: dict[int, tuple[str | None, int]] = {}
        for start in range(0, len(uids), 200):
            chunk = ",".join(str(u) for u in uids[start : start + 200])
            data = self._call(
                "read message headers",
                lambda chunk=chunk: self.imap.uid(  # type: ignore[misc]
                    "FETCH", chunk, "(RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"
                ),
            )
            for item in data:
                if not isinstance(item, tuple):
                    continue
                uid = _FETCH_UID.search(item[0])
                size = _FETCH_SIZE.search(item[0])
                if uid is None:
                    continue
                ids = re.findall(rb"<[^<>\s]+>", item[1] or b"")
                found[int(uid.group(1))] = (
                    ids[0].decode("ascii", "replace") if ids else None,
                    int(size.group(1)) if size else 0,
                )
        return found

    def fetch(self, uid: int) -> bytes | None:
        """The whole message (without marking it read); None if it is gone."""
        data = self._call(
            "read a message", lambda: self.imap.uid("FETCH", str(uid), "(BODY.PEEK[])")
        )
        for item in data:
            if isinstance(item, tuple) and _FETCH_UID.search(item[0]):
                return bytes(item[1])
        return None

    def move(self, uids: list[int], folder: str) -> None:
        """Move the messages to ``folder`` (created when missing): MOVE where offered, else
        COPY, flag deleted and expunge those messages."""
        if not uids:
            return
        chosen = ",".join(str(uid) for uid in uids)
        with _quietly():
            self.imap.create(_quoted(folder))
        if "MOVE" in self.imap.capabilities:
            self._call(
                f"move messages to {folder}",
                lambda: self.imap.uid("MOVE", chosen, _quoted(folder)),
            )
            return
        self._call(
            f"copy messages to {folder}", lambda: self.imap.uid("COPY", chosen, _quoted(folder))
        )
        self._call(
            "remove moved messages",
            lambda: self.imap.uid("STORE", chosen, "+FLAGS", r"(\Deleted)"),
        )
        if "UIDPLUS" in self.imap.capabilities:
            self._call("remove moved messages", lambda: self.imap.uid("EXPUNGE", chosen))
        else:
            self._call("remove moved messages", self.imap.expunge)

    def flag(self, uids: list[int]) -> None:
        if not uids:
            return
        chosen = ",".join(str(uid) for uid in uids)
        self._call(
            "flag messages",
            lambda: self.imap.uid("STORE", chosen, "+FLAGS", r"(\Flagged \Seen)"),
        )

    @property
    def offers_idle(self) -> bool:
        return "IDLE" in self.imap.capabilities

    def idle(self, seconds: float, stop: Callable[[], bool]) -> bool:
        """Wait in IDLE (RFC 2177) on the selected folder up to ``seconds``; True when the
        server said something arrived. Checks ``stop`` every second."""
        imap = self.imap
        tag = imap._new_tag()  # type: ignore[attr-defined]
        imap.send(tag + b" IDLE\r\n")
        line = imap.readline()
        if not line.startswith(b"+"):
            raise ImapError(SERVER, f"{self._where()} refused IDLE: {line!r}")
        sock = imap.socket()
        arrived = False
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline and not stop():
                # select, not a socket timeout: after a timed-out read the socket's file
                # object refuses to read again.
                pending = sock.pending() if isinstance(sock, ssl.SSLSocket) else 0
                if not pending and not select.select([sock], [], [], 1.0)[0]:
                    continue
                line = imap.readline()
                if not line:
                    raise ImapError(UNREACHABLE, f"{self._where()} closed the connection.")
                if b"EXISTS" in line or b"RECENT" in line:
                    arrived = True
                    break
        finally:
            imap.send(b"DONE\r\n")
            while True:
                reply = imap.readline()
                if not reply or reply.startswith(tag):
                    break
        return arrived

    def _drop(self) -> None:
        if self._imap is not None:
            with _quietly():
                self._imap.shutdown()
        self._imap = None

    def close(self) -> None:
        if self._imap is None:
            return
        with _quietly():
            self._imap.logout()
        self._drop()


class _quietly:  # noqa: N801 (used like contextlib.suppress)
    """Ignore any failure while leaving: the connection may already be gone."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> bool:
        return True
