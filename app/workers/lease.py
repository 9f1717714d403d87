"""Holding the outbox's dispatch lease while a pass sends: renewed on a thread of its own.

The renewal cannot ride on the sending work: a message may wait minutes for a slow server's
reply, and the lease must not lapse meanwhile. The thread renews every third of the lease's
length; if the lease was lost (this process slept past its expiry and another dispatcher took
it over), `lost` is set and the pass stops after the message on the wire.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy.exc import OperationalError

from app.services.core.context import ServiceContext
from app.services.engagement import dispatch_lease
from app.services.engagement.dispatch_lease import Claimant, Holder

log = logging.getLogger(__name__)


class HeldLease:
    """A lease taken by `take`: renewed in the background until `release`."""

    def __init__(
        self,
        ctx: ServiceContext,
        claimant: Claimant,
        seconds: float,
        committed: Callable[[], None] | None = None,
    ):
        self._ctx = ctx
        self._claimant = claimant
        self._seconds = seconds
        self._committed = committed or (lambda: None)
        self._done = threading.Event()
        self.lost = threading.Event()
        self._thread = threading.Thread(target=self._renew, name="outbox-lease", daemon=True)
        self._thread.start()

    def _renew(self) -> None:
        while not self._done.wait(self._seconds / 3):
            try:
                kept = dispatch_lease.renew(self._ctx, self._claimant, self._seconds)
            except OperationalError as exc:  # the database is busy: the next turn may do
                log.warning("could not renew the dispatch lease: %s", exc)
                continue
            self._committed()
            if not kept:
                log.warning("the dispatch lease was taken over by another dispatcher")
                self.lost.set()
                return

    def release(self) -> None:
        """Stop renewing and free the lease for other dispatchers."""
        self._done.set()
        self._thread.join()
        try:
            dispatch_lease.release(self._ctx, self._claimant)
        except OperationalError as exc:  # it expires on its own
            log.warning("could not release the dispatch lease: %s", exc)
        self._committed()


def take(
    ctx: ServiceContext,
    claimant: Claimant,
    seconds: float,
    committed: Callable[[], None] | None = None,
) -> HeldLease | Holder:
    """The lease, held and renewed; or who else holds it. ``committed`` is told after each
    write of the lease (the window's database watcher takes them for its own)."""
    found = dispatch_lease.acquire(ctx, claimant, seconds)
    if found is not None:
        return found
    if committed is not None:
        committed()
    return HeldLease(ctx, claimant, seconds, committed)
