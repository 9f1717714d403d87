"""The dispatch lease on a real SQLite file: one holder at a time, renewed, freed, expired, and
taken over at once from a dead process on this computer."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time

from app.services.core.context import ServiceContext
from app.services.engagement import dispatch_lease
from app.services.engagement.dispatch_lease import Claimant, local_time_text

HERE = socket.gethostname()


def test_one_holder_at_a_time_until_it_frees_the_lease(ctx: ServiceContext) -> None:
    first, second = Claimant.here(), Claimant.here()  # two dispatchers of this process
    assert first.token != second.token and (first.host, first.pid) == (HERE, os.getpid())
    assert dispatch_lease.acquire(ctx, first, 60) is None
    assert dispatch_lease.acquire(ctx, first, 60) is None  # ours: extended
    held = dispatch_lease.acquire(ctx, second, 60)
    assert held is not None and (held.host, held.pid) == (HERE, os.getpid())
    assert held.expires_at - held.since >= dt.timedelta(seconds=59)
    assert dispatch_lease.holder(ctx) == held
    assert dispatch_lease.renew(ctx, first, 60) and not dispatch_lease.renew(ctx, second, 60)
    dispatch_lease.release(ctx, second)  # not its lease: nothing happens
    assert dispatch_lease.acquire(ctx, second, 60) is not None
    dispatch_lease.release(ctx, first)
    assert dispatch_lease.holder(ctx) is None
    assert dispatch_lease.acquire(ctx, second, 60) is None


def test_a_holder_elsewhere_is_waited_for_until_its_lease_expires(ctx: ServiceContext) -> None:
    elsewhere = Claimant("on-another-computer", "another-computer", os.getpid())
    assert dispatch_lease.acquire(ctx, elsewhere, 0.5) is None
    mine = Claimant.here()
    assert dispatch_lease.acquire(ctx, mine, 60) is not None  # its process cannot be checked
    time.sleep(0.6)
    assert dispatch_lease.holder(ctx) is None
    assert dispatch_lease.acquire(ctx, mine, 60) is None  # expired: taken over
    assert not dispatch_lease.renew(ctx, elsewhere, 60)  # it lost it


def test_a_dead_process_on_this_computer_loses_its_lease_at_once(ctx: ServiceContext) -> None:
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    dead = Claimant("dead", HERE, int(ended.stdout))
    assert dispatch_lease.acquire(ctx, dead, 3600) is None
    mine = Claimant.here()
    assert dispatch_lease.acquire(ctx, mine, 60) is None  # no hour-long wait
    assert dispatch_lease.holder(ctx) is not None  # ours now


def test_since_is_said_in_local_time() -> None:
    moment = dt.datetime(2026, 11, 25, 13, 5, tzinfo=dt.UTC)
    local = moment.astimezone()
    assert local_time_text(moment, today=local.date()) == f"{local:%H:%M}"
    other_day = local.date() + dt.timedelta(days=1)
    assert local_time_text(moment, today=other_day) == f"{local:%Y-%m-%d %H:%M}"
