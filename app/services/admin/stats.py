"""Counts that read the whole database."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from app.services.core.context import ServiceContext
from app.store.models import Base, Candidate, Job


def table_counts(engine: Engine) -> dict[str, int]:
    """Row counts keyed by (plural) table name, e.g. ``{"candidates": 2000, …}``."""
    # Deferred: start-up time (the status bar's counts below load with the window; every
    # table's model is needed only here).
    from app.store import (  # noqa: F401  (their tables are counted too)
        compliance,
        engagement,
        interviews,
        mailbox,
        onboarding,
        placements,
        privacy,
        submittals,
    )

    counts: dict[str, int] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            counts[table.name] = connection.scalar(select(func.count()).select_from(table)) or 0
    return dict(sorted(counts.items()))


def headline_counts(ctx: ServiceContext) -> dict[str, int]:
    """Candidate and job counts for the status bar: two cheap COUNT queries."""

    with ctx.read() as session:  # Core statements: shown while the window first appears
        return {
            "candidates": session.scalar(select(func.count()).select_from(Candidate.__table__))
            or 0,
            "jobs": session.scalar(select(func.count()).select_from(Job.__table__)) or 0,
        }
