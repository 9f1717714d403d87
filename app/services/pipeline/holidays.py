"""The agency's holidays: days business-day deadlines skip.

Stored in the database (every user of it shares one agency calendar). Replacing the list is
one audited write that also works out the open onboarding checks' due days again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select

from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.text_rules import clean
from app.services.core.unit_of_work import ValidationError
from app.services.pipeline.onboarding import refresh_due_dates_in
from app.store.onboarding import Holiday

NAME_LIMIT = 100


@dataclass(frozen=True)
class HolidayRow:
    day: dt.date
    name: str


def list_holidays(ctx: ServiceContext) -> list[HolidayRow]:
    """Every configured holiday, earliest first."""
    with ctx.read() as session:
        rows = session.execute(select(Holiday.day, Holiday.name).order_by(Holiday.day))
        return [HolidayRow(day, name) for day, name in rows]


def _cleaned(days: list[HolidayRow]) -> list[HolidayRow]:
    errors: dict[str, str] = {}
    seen: set[dt.date] = set()
    result: list[HolidayRow] = []
    for row in days:
        name = clean(row.name) or row.day.strftime("%Y-%m-%d")
        if len(name) > NAME_LIMIT:
            errors["name"] = f"A holiday's name is at most {NAME_LIMIT} characters."
        if row.day in seen:
            errors["day"] = f"{row.day:%Y-%m-%d} is listed twice."
        seen.add(row.day)
        result.append(HolidayRow(row.day, name))
    if errors:
        raise ValidationError(errors)
    return sorted(result, key=lambda r: r.day)


def set_holidays(ctx: ServiceContext, days: list[HolidayRow]) -> Outcome[list[HolidayRow]]:
    """Make the holidays exactly ``days``; an unchanged list writes nothing."""
    wanted = _cleaned(days)
    with ctx.write() as tx:
        now = [
            HolidayRow(day, name)
            for day, name in tx.session.execute(
                select(Holiday.day, Holiday.name).order_by(Holiday.day)
            )
        ]
        if now == wanted:
            return outcome(wanted, tx)
        tx.session.execute(delete(Holiday))
        tx.session.add_all(Holiday(day=row.day, name=row.name) for row in wanted)
        tx.session.flush()
        tx.audit(
            "holidays.update",
            "holidays",
            None,
            {"holidays": [[r.day, r.name] for r in now]},
            {"holidays": [[r.day, r.name] for r in wanted]},
        )
        tx.changed(ChangeKind.HOLIDAYS)
        refresh_due_dates_in(tx)
        return outcome(wanted, tx)
