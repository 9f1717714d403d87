"""The generated database's onboarding checks and holidays, so the Compliance section and
its status-bar count have something to show.

Every hired application gets its three checks, due from its placement's start date over
business days that skip the year's usual holidays. How far along each is depends on how
long ago the hire started (as of the generation's date): long-started hires are mostly
done (a few background checks ended in adverse action), recent ones are in progress, and
a few recent ones are overdue. Its own random stream keeps the rest of the database as it was.
"""

from __future__ import annotations

import datetime as dt
import random

from app.services.admin.demo_placements import Rows
from app.services.pipeline.business_days import add_business_days
from app.services.pipeline.onboarding import due_on, waiting_ends_on
from app.store.enums import CheckKind, CheckStatus

SEED_OFFSET = 5_023  # this module's random stream, apart from the generator's

QUERY = """
SELECT a.id, p.start_date, p.created_at
FROM applications a
JOIN stages s ON s.id = a.stage_id
JOIN placements p ON p.application_id = a.id
WHERE s.kind = 'hired'
ORDER BY a.id
"""
COLUMNS = (
    "application_id, kind, status, start_date, due_on, owner_id, notice_sent_on, completed_on,"
    " version, created_at, updated_at"
)


def demo_holidays(years: range) -> list[tuple[dt.date, str]]:
    """Fixed-date days off an agency commonly keeps, for ``years``."""
    days = []
    for year in years:
        days += [
            (dt.date(year, 1, 1), "New Year's Day"),
            (dt.date(year, 7, 4), "Independence Day"),
            (dt.date(year, 12, 25), "Christmas Day"),
        ]
    return days


def add_onboarding(rows: Rows, seed: int, as_of: dt.datetime) -> None:
    """Add the holidays and every hire's onboarding checks (after the placements)."""
    rows.flush()
    today = as_of.date()
    holidays = demo_holidays(range(today.year - 2, today.year + 2))
    for day, name in holidays:
        rows.add("holidays", "day, name", (day.isoformat(), name))
    off = frozenset(day for day, _ in holidays)
    rng = random.Random(seed + SEED_OFFSET)
    owner = rows.connection.execute("SELECT min(id) FROM users").fetchone()[0]
    found = rows.connection.execute(QUERY).fetchall()
    for application_id, start_text, created in found:
        start = dt.date.fromisoformat(start_text)
        for kind in CheckKind:
            status, notice, completed = _progress(rng, kind, start, today, off)
            due = due_on(kind, start, off, notice)
            values = (
                application_id,
                kind.value,
                status.value,
                start.isoformat(),
                due.isoformat() if due else None,
                owner if rng.random() < 0.6 else None,
                notice.isoformat() if notice else None,
                completed.isoformat() if completed else None,
                1,
                created,
                created,
            )
            rows.add("onboarding_checks", COLUMNS, values)


def _progress(
    rng: random.Random, kind: CheckKind, start: dt.date, today: dt.date, off: frozenset[dt.date]
) -> tuple[CheckStatus, dt.date | None, dt.date | None]:
    """(status, pre-adverse notice day, completion day) of a check as of ``today``."""
    due = due_on(kind, start, off) or start
    if kind is not CheckKind.BACKGROUND:
        finished = due < today - dt.timedelta(days=14) or rng.random() < 0.6
        if finished and due <= today + dt.timedelta(days=30):
            return CheckStatus.DONE, None, min(today, due - dt.timedelta(days=rng.randint(0, 2)))
        return CheckStatus.OPEN, None, None
    requested = start - dt.timedelta(days=21)
    if start < today - dt.timedelta(days=30):
        if rng.random() < 0.05:
            notice = add_business_days(requested, 8, off)
            return CheckStatus.ADVERSE_ACTION, notice, waiting_ends_on(notice, off)
        return CheckStatus.CLEAR, None, min(today, add_business_days(requested, 6, off))
    draw = rng.random()
    if draw < 0.4:
        return CheckStatus.CLEAR, None, min(today, add_business_days(requested, 6, off))
    if draw < 0.55:
        notice = min(today, add_business_days(requested, 8, off))
        return CheckStatus.PRE_ADVERSE_SENT, notice, None
    if draw < 0.7:
        return CheckStatus.CONSIDER, None, None
    if draw < 0.85:
        return CheckStatus.IN_PROGRESS, None, None
    return CheckStatus.REQUESTED, None, None
