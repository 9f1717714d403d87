"""Business-day arithmetic for compliance deadlines: weekends and the agency's holidays skipped.

Pure functions over dates (no database, no clock), so the rules that decide when an I-9
section or a background check's waiting period falls due can be tested on their own.
Saturday and Sunday are never business days; ``holidays`` are the agency's configured days off.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

SATURDAY = 5  # date.weekday(): Monday is 0


def is_business_day(day: dt.date, holidays: Collection[dt.date] = ()) -> bool:
    """Whether ``day`` is a working day: a weekday that is not one of ``holidays``."""
    return day.weekday() < SATURDAY and day not in holidays


def next_business_day(day: dt.date, holidays: Collection[dt.date] = ()) -> dt.date:
    """``day`` itself when it is a business day, else the first business day after it (a
    deadline that lands on a weekend or a holiday moves to the next working day)."""
    while not is_business_day(day, holidays):
        day += dt.timedelta(days=1)
    return day


def add_business_days(start: dt.date, n: int, holidays: Collection[dt.date] = ()) -> dt.date:
    """The ``n``-th business day after ``start`` (``start`` itself not counted, whatever it
    is). ``n`` of 0 gives ``start`` moved to a business day. "Within three business days
    after the start date" is ``add_business_days(start, 3, holidays)``."""
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return next_business_day(start, holidays)
    day = start
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        if is_business_day(day, holidays):
            counted += 1
    return day


def business_days_between(start: dt.date, end: dt.date, holidays: Collection[dt.date] = ()) -> int:
    """How many business days lie after ``start`` up to and including ``end`` (0 when ``end``
    is not after ``start``): how much of a waiting period has passed on ``end``."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_business_day(day, holidays):
            count += 1
    return count
