"""Who may send the outbox: one dispatcher at a time, by a lease row in the database.

A dispatcher takes the lease before it sends (or recovers messages left in ``sending``),
renews it while it sends and frees it when the pass ends. Another dispatcher — a second
window, ``hirebench outbox --dispatch`` — finds it held and waits, so it never takes the
first one's messages in flight for ones left by a crash. The lease is a database row rather
than a lock file because the database may sit on a shared folder, seen by other computers.

A holder that died without freeing it does not block sending for ever: its lease expires
(`LEASE_SECONDS` after its last renewal), and on the same computer a holder whose process is
gone is noticed at once by its pid. Times are wall-clock UTC, shared between processes.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import sys
import uuid
from dataclasses import dataclass

from sqlalchemy import update

from app.services.core.context import ServiceContext
from app.store.engagement import DispatchLease
from app.store.models import utc_now

OUTBOX = "outbox"
LEASE_SECONDS = 60.0  # a holder renews every third of this; a dead one's lease lasts this long


@dataclass(frozen=True)
class Claimant:
    """One dispatcher asking for the lease: its own token, and where it runs."""

    token: str
    host: str
    pid: int

    @classmethod
    def here(cls) -> Claimant:
        """A new claimant in this process (each dispatcher has its own token)."""
        return cls(uuid.uuid4().hex, socket.gethostname(), os.getpid())


@dataclass(frozen=True)
class Holder:
    """Someone else holds the lease: where, since when, and until when at the latest."""

    host: str
    pid: int
    since: dt.datetime
    expires_at: dt.datetime

    def since_text(self) -> str:
        return local_time_text(self.since)


def local_time_text(moment: dt.datetime, today: dt.date | None = None) -> str:
    """``moment`` in local time: "14:05", or "2026-11-25 14:05" when not today."""
    local = moment.astimezone()
    if local.date() == (today or dt.datetime.now().astimezone().date()):
        return f"{local:%H:%M}"
    return f"{local:%Y-%m-%d %H:%M}"


def _alive(host: str, pid: int) -> bool:
    """Whether the holder's process may still run. Only a process on this computer can be
    checked (not on Windows, where signal 0 would end it); elsewhere only expiry tells."""
    if host != socket.gethostname() or pid <= 0 or sys.platform == "win32":
        return True
    if pid == os.getpid():
        return True  # another dispatcher of this very process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, under another user
        return True
    return True


def acquire(
    ctx: ServiceContext, claimant: Claimant, seconds: float = LEASE_SECONDS, name: str = OUTBOX
) -> Holder | None:
    """Take the lease for ``seconds`` (or extend ours); None when taken, else who holds it.

    A lease whose holder expired or whose process is gone is taken over."""
    now = utc_now()
    with ctx.write() as tx:
        row = tx.session.get(DispatchLease, name)
        if row is None:
            row = DispatchLease(name=name)
            tx.session.add(row)
        elif (
            row.holder not in (None, claimant.token)
            and row.expires_at is not None
            and row.expires_at > now
            and _alive(row.host, row.pid)
        ):
            return Holder(row.host, row.pid, row.acquired_at or now, row.expires_at)
        if row.holder != claimant.token:
            row.acquired_at = now
        row.holder, row.host, row.pid = claimant.token, claimant.host, claimant.pid
        row.expires_at = now + dt.timedelta(seconds=seconds)
    return None


def renew(
    ctx: ServiceContext, claimant: Claimant, seconds: float = LEASE_SECONDS, name: str = OUTBOX
) -> bool:
    """Push our lease's expiry ``seconds`` ahead; False when it is no longer ours (it
    expired and another dispatcher took it)."""
    table = DispatchLease.__table__.c
    with ctx.write() as tx:
        renewed = tx.session.execute(
            update(DispatchLease.__table__)
            .where(table.name == name, table.holder == claimant.token)
            .values(expires_at=utc_now() + dt.timedelta(seconds=seconds))
        ).rowcount
    return bool(renewed)


def release(ctx: ServiceContext, claimant: Claimant, name: str = OUTBOX) -> None:
    """Free our lease (nothing happens when it is not ours)."""
    table = DispatchLease.__table__.c
    with ctx.write() as tx:
        tx.session.execute(
            update(DispatchLease.__table__)
            .where(table.name == name, table.holder == claimant.token)
            .values(holder=None, expires_at=utc_now())
        )


def holder(ctx: ServiceContext, name: str = OUTBOX) -> Holder | None:
    """Who holds the lease now (a live, unexpired holder), or None."""
    with ctx.read() as session:
        row = session.get(DispatchLease, name)
        if (
            row is None
            or row.holder is None
            or row.expires_at is None
            or row.expires_at <= utc_now()
            or not _alive(row.host, row.pid)
        ):
            return None
        return Holder(row.host, row.pid, row.acquired_at or row.expires_at, row.expires_at)
