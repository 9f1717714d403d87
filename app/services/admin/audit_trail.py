"""Reading the audit trail: filtered pages for the viewer, a CSV export, and verification.

The trail is append-only and sealed with a SHA-256 chain (`app.store.audit_chain`). Pages
are read newest first by id (keyset paging: the viewer asks for the entries older than the
last one it holds), so a trail of millions of entries opens as fast as an empty one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from sqlalchemy import Select, func, select

from app.services.core.context import ServiceContext
from app.services.core.roles import Permission, require
from app.store.audit_chain import Verification, verify
from app.store.models import AuditEntry

PAGE = 200
CSV_COLUMNS = (
    "id",
    "occurred_at",
    "user",
    "action",
    "record_type",
    "record_id",
    "before",
    "after",
    "chain_hash",
)


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to show; every part optional. Dates are whole days in UTC."""

    entity_type: str | None = None
    entity_id: int | None = None
    actor: str | None = None
    action: str | None = None  # an exact action, or a prefix ending in "." ("candidate.")
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class AuditRow:
    """One entry, as plain values (it crosses threads to the viewer)."""

    id: int
    occurred_at: dt.datetime
    actor: str
    action: str
    entity_type: str
    entity_id: int | None
    before: Any
    after: Any
    chain_hash: str | None  # None until the writing transaction committed


@dataclass(frozen=True)
class AuditChoices:
    """What the filter boxes offer: the record types, users and actions in the trail."""

    entity_types: tuple[str, ...]
    actors: tuple[str, ...]
    actions: tuple[str, ...]


def _filtered(query: Select[Any], wanted: AuditFilter) -> Select[Any]:
    if wanted.entity_type:
        query = query.where(AuditEntry.entity_type == wanted.entity_type)
    if wanted.entity_id is not None:
        query = query.where(AuditEntry.entity_id == wanted.entity_id)
    if wanted.actor:
        query = query.where(AuditEntry.actor == wanted.actor)
    if wanted.action:
        if wanted.action.endswith("."):
            # A family of actions: "candidate." matches candidate.create, candidate.merge…
            query = query.where(
                AuditEntry.action >= wanted.action, AuditEntry.action < wanted.action + "\uffff"
            )
        else:
            query = query.where(AuditEntry.action == wanted.action)
    if wanted.start:
        query = query.where(
            AuditEntry.occurred_at >= dt.datetime.combine(wanted.start, dt.time(), dt.UTC)
        )
    if wanted.end:
        after_end = dt.datetime.combine(wanted.end + dt.timedelta(days=1), dt.time(), dt.UTC)
        query = query.where(AuditEntry.occurred_at < after_end)
    return query


def _row(entry: AuditEntry) -> AuditRow:
    return AuditRow(
        entry.id,
        entry.occurred_at,
        entry.actor,
        entry.action,
        entry.entity_type,
        entry.entity_id,
        entry.before,
        entry.after,
        entry.chain_hash,
    )


def audit_page(
    ctx: ServiceContext, wanted: AuditFilter, older_than: int | None = None, limit: int = PAGE
) -> list[AuditRow]:
    """Up to ``limit`` entries matching ``wanted``, newest first, older than ``older_than``."""
    require(ctx.actor, Permission.VIEW_AUDIT)
    query = _filtered(select(AuditEntry), wanted)
    if older_than is not None:
        query = query.where(AuditEntry.id < older_than)
    query = query.order_by(AuditEntry.id.desc()).limit(max(1, min(limit, 5000)))
    with ctx.read() as session:
        return [_row(entry) for entry in session.scalars(query)]


def audit_count(ctx: ServiceContext, wanted: AuditFilter) -> int:
    require(ctx.actor, Permission.VIEW_AUDIT)
    with ctx.read() as session:
        return int(session.scalar(_filtered(select(func.count(AuditEntry.id)), wanted)) or 0)


def audit_choices(ctx: ServiceContext) -> AuditChoices:
    require(ctx.actor, Permission.VIEW_AUDIT)
    with ctx.read() as session:

        def distinct(column: Any) -> tuple[str, ...]:
            return tuple(v for v in session.scalars(select(column).distinct().order_by(column)))

        return AuditChoices(
            distinct(AuditEntry.entity_type),
            distinct(AuditEntry.actor),
            distinct(AuditEntry.action),
        )


def _all(ctx: ServiceContext, wanted: AuditFilter) -> Iterator[AuditRow]:
    older_than: int | None = None
    while True:
        rows = audit_page(ctx, wanted, older_than, 2000)
        if not rows:
            return
        yield from rows
        older_than = rows[-1].id


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def write_audit_csv(ctx: ServiceContext, wanted: AuditFilter, out: TextIO) -> int:
    """The matching entries as CSV, newest first; returns how many rows were written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in _all(ctx, wanted):
        writer.writerow(
            (
                row.id,
                row.occurred_at.isoformat(sep=" "),
                row.actor,
                row.action,
                row.entity_type,
                "" if row.entity_id is None else row.entity_id,
                _json(row.before),
                _json(row.after),
                row.chain_hash or "",
            )
        )
        count += 1
    return count


def audit_csv(ctx: ServiceContext, wanted: AuditFilter) -> str:
    out = io.StringIO()
    write_audit_csv(ctx, wanted, out)
    return out.getvalue()


def verify_trail(
    ctx: ServiceContext, progress: Callable[[int], None] | None = None
) -> Verification:
    """Recompute the whole chain (see `app.store.audit_chain.verify`)."""
    require(ctx.actor, Permission.VIEW_AUDIT)
    with ctx.read() as session:
        driver = session.connection().connection.driver_connection
        assert driver is not None  # an open session's connection
        return verify(driver.execute, progress)


def describe(result: Verification) -> str:
    """One line for the user."""
    if result.ok:
        erased = f" ({result.redacted:,} with a person's data erased)" if result.redacted else ""
        return f"{result.entries:,} entries verified{erased}; head {result.head[:16]}…"
    return (
        f"Audit entry {result.broken_at} does not verify: {result.problem}. "
        f"The {result.entries:,} entries before it verify."
    )
