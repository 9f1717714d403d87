"""An interview's time: an instant kept with the IANA zone it was agreed in.

Shared by the scheduling rules and the invites, which both write the agreed wall-clock time
with its zone.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

MIN_DURATION = 5  # minutes
# The longest interview (minutes): also how far back a double-booking search looks. Kept here
# so that listing interviews (the reminders, at start-up) never loads the invites' iCalendar.
MAX_DURATION = 12 * 60


def zone_names() -> list[str]:
    """The IANA zones a recruiter may choose, sorted."""
    return sorted(available_timezones())


def zone_of(name: str) -> ZoneInfo | None:
    """The zone named ``name``, or None when there is no such zone."""
    if not name or name != name.strip():
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_start(starts_at: dt.datetime, time_zone: str) -> dt.datetime:
    """The stored instant on the wall clock of the interview's zone (aware)."""
    zone = zone_of(time_zone)
    return starts_at.astimezone(zone) if zone is not None else starts_at


def exists_in(day: dt.date, clock: dt.time, zone: ZoneInfo) -> bool:
    """Whether ``clock`` on ``day`` is a real time in ``zone`` (not in a spring-forward gap)."""
    wall = dt.datetime.combine(day, clock, zone)
    back = wall.astimezone(dt.UTC).astimezone(zone)
    return back.replace(tzinfo=None) == wall.replace(tzinfo=None)


def when_text(starts_at: dt.datetime, time_zone: str) -> str:
    """ "Tue 8 Dec 2026, 14:00 (Europe/Paris)": the agreed wall-clock time and its zone."""
    local = local_start(starts_at, time_zone)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} ({time_zone})"
