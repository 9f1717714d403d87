"""The demo database's interviews and scorecards: past interviews with scorecards, upcoming
ones (one interviewer double-booked, one cancelled), scorecard templates (the agency's and the
first client's) and each interviewed job's attributes, one job requiring a scorecard.

Written as plain rows on the generator's connection, like the rest of the generated data,
from the applications that reached Interviewed or a later stage; its own random stream, so
the rest of the demo stays what it was.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from collections import Counter
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from app.services.pipeline.interview_time import when_text

AGENCY_TEMPLATE = ("Agency standard", ("Skills", "Experience", "Communication", "Motivation"))
CLIENT_TEMPLATE = ("Engineering bar", ("Problem solving", "Craft", "Ownership", "Communication"))
# The demo clients' cities (app.services.admin.sample_data.CLIENTS), in order.
ZONES = (
    "America/Chicago",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
)
PAST = 24  # interviews before the as-of day, with scorecards
UPCOMING = 12  # interviews after it
RECOMMENDATIONS = ("strong_no", "no", "yes", "strong_yes")


def _ts(moment: dt.datetime) -> str:
    return (
        moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    )


class _Counting:
    """The generator's connection, counting the rows each table gains (for its totals)."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection
        self.counts: Counter[str] = Counter()

    def execute(self, sql: str, values: Sequence[Any] = ()) -> sqlite3.Cursor:
        cursor = self.connection.execute(sql, values)
        self._count(sql, 1)
        return cursor

    def executemany(self, sql: str, rows: list[Sequence[Any]]) -> None:
        self.connection.executemany(sql, rows)
        self._count(sql, len(rows))

    def _count(self, sql: str, rows: int) -> None:
        if sql.startswith("INSERT INTO "):
            self.counts[sql.split()[2]] += rows


def add_interviews(raw: sqlite3.Connection, as_of: dt.datetime, seed: int) -> dict[str, int]:
    """Add the demo's interviews and scorecards (nothing when no application got that far);
    the value is the rows added per table."""
    connection = _Counting(raw)
    rng = random.Random(seed + 18)
    now = as_of.replace(tzinfo=dt.UTC) if as_of.tzinfo is None else as_of
    query = (
        "SELECT a.id, a.candidate_id, a.job_id, j.client_id, j.owner_id, s.name"
        " FROM applications a JOIN stages s ON s.id = a.stage_id JOIN jobs j ON j.id = a.job_id"
    )
    past = connection.execute(
        f"{query} WHERE s.name IN ('Interviewed', 'Offered', 'Hired') ORDER BY a.id LIMIT ?",
        (PAST,),
    ).fetchall()
    upcoming = connection.execute(
        f"{query} WHERE s.name = 'Interviewed' ORDER BY a.id DESC LIMIT ?", (UPCOMING,)
    ).fetchall()[::-1]
    if not past and not upcoming:
        return {}
    stamp = _ts(now)
    templates = _templates(connection, stamp)
    jobs = sorted({r[2] for r in past + upcoming})
    attributes = {
        job: _job_attributes(connection, job, templates, n == 0) for n, job in enumerate(jobs)
    }
    booked: list[tuple[int, dt.datetime]] = []  # (contact, start) of upcoming interviews
    for index, row in enumerate([*past, *upcoming]):
        is_past = index < len(past)
        application_id, candidate_id, job_id, client_id, owner_id, _stage = row
        zone = ZONES[(client_id - 1) % len(ZONES)]
        if is_past:
            day = (now - dt.timedelta(days=rng.randint(2, 40))).astimezone(ZoneInfo(zone)).date()
        else:
            day = (now + dt.timedelta(days=rng.randint(1, 9))).astimezone(ZoneInfo(zone)).date()
        if day.weekday() >= 5:  # office days only: back to Friday, or on to Monday
            day += dt.timedelta(days=(4 - day.weekday()) if is_past else (7 - day.weekday()))
        hour = rng.choice((9, 10, 11, 13, 14, 15, 16))
        start = dt.datetime.combine(day, dt.time(hour, 0), ZoneInfo(zone)).astimezone(dt.UTC)
        contacts = [
            c
            for (c,) in connection.execute(
                "SELECT contact_id FROM job_interviewers WHERE job_id = ? ORDER BY contact_id",
                (job_id,),
            )
        ]
        if not is_past and booked and index == len(past) + 1:
            # The second upcoming interview clashes with the first: the same contact.
            contacts = [booked[0][0]]
            start = booked[0][1] + dt.timedelta(minutes=30)
        status = "cancelled" if not is_past and index == len(past) + 2 else "scheduled"
        interview_id = _interview(
            connection, application_id, owner_id, start, zone, status, stamp, rng
        )
        people = _attendees(
            connection, interview_id, contacts, owner_id if index % 3 == 0 else None
        )
        if not is_past and contacts:
            booked.append((contacts[0], start))
        subject = f"Interview scheduled: {when_text(start, zone)}"
        scheduled_at = min(start - dt.timedelta(days=3), now)
        _activity(
            connection, candidate_id, application_id, "meeting", subject, owner_id, scheduled_at
        )
        if status == "cancelled":
            subject = f"Interview cancelled: {when_text(start, zone)}"
            _activity(connection, candidate_id, application_id, "meeting", subject, owner_id, now)
        if is_past:
            for n, (attendee_id, name) in enumerate(people):
                if n == 1 and index % 4 == 0:
                    continue  # one interviewer has not replied yet
                _scorecard(
                    connection,
                    interview_id,
                    attendee_id,
                    name,
                    attributes[job_id],
                    (candidate_id, application_id, owner_id),
                    start + dt.timedelta(days=1),
                    rng,
                )
    return dict(connection.counts)


def _templates(connection: _Counting, stamp: str) -> dict[str, int]:
    ids: dict[str, int] = {}
    for name, client_id, names in (
        (AGENCY_TEMPLATE[0], None, AGENCY_TEMPLATE[1]),
        (CLIENT_TEMPLATE[0], 1, CLIENT_TEMPLATE[1]),
    ):
        cursor = connection.execute(
            "INSERT INTO scorecard_templates (name, client_id, created_at) VALUES (?, ?, ?)",
            (name, client_id, stamp),
        )
        template_id = int(cursor.lastrowid or 0)
        ids[name] = template_id
        connection.executemany(
            "INSERT INTO scorecard_attributes (template_id, name, position) VALUES (?, ?, ?)",
            [(template_id, n, i) for i, n in enumerate(names)],
        )
    return ids


def _job_attributes(
    connection: _Counting, job_id: int, templates: dict[str, int], required: bool
) -> dict[str, int]:
    (client_id,) = connection.execute(
        "SELECT client_id FROM jobs WHERE id = ?", (job_id,)
    ).fetchone()
    name, names = CLIENT_TEMPLATE if client_id == 1 else AGENCY_TEMPLATE
    connection.execute(
        "INSERT INTO job_scorecards (job_id, template_id, required) VALUES (?, ?, ?)",
        (job_id, templates[name], int(required)),
    )
    ids = {}
    for position, attribute in enumerate(names):
        cursor = connection.execute(
            "INSERT INTO scorecard_attributes (job_id, name, position) VALUES (?, ?, ?)",
            (job_id, attribute, position),
        )
        ids[attribute] = int(cursor.lastrowid or 0)
    return ids


def _interview(
    connection: _Counting,
    application_id: int,
    owner_id: int | None,
    start: dt.datetime,
    zone: str,
    status: str,
    stamp: str,
    rng: random.Random,
) -> int:
    cursor = connection.execute(
        "INSERT INTO interviews (application_id, uid, sequence, status, starts_at, time_zone,"
        " duration_minutes, location, video_link, notes, candidate_invited, organizer_id,"
        " reminded_at, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
        (
            application_id,
            f"demo-{application_id}-{rng.getrandbits(48):012x}@hirebench",
            1 if status == "cancelled" else 0,
            status,
            _ts(start),
            zone,
            rng.choice((45, 60, 60, 90)),
            rng.choice(("Head office, meeting room 2", None)),
            "https://meet.example.com/interview" if rng.random() < 0.5 else None,
            rng.choice((None, "Probe system design.", "Ask about leading a team.")),
            1,
            owner_id,
            stamp,
            stamp,
        ),
    )
    return int(cursor.lastrowid or 0)


def _attendees(
    connection: _Counting, interview_id: int, contacts: list[int], user_id: int | None
) -> list[tuple[int, str]]:
    people: list[tuple[int, str]] = []
    for position, contact_id in enumerate(contacts):
        first, last, email = connection.execute(
            "SELECT first_name, last_name, email FROM contacts WHERE id = ?", (contact_id,)
        ).fetchone()
        name = f"{first} {last}"
        cursor = connection.execute(
            "INSERT INTO interview_attendees (interview_id, contact_id, user_id, name, email,"
            " position) VALUES (?, ?, NULL, ?, ?, ?)",
            (interview_id, contact_id, name, email, position),
        )
        people.append((int(cursor.lastrowid or 0), name))
    if user_id is not None:
        name, email = connection.execute(
            "SELECT display_name, email FROM users WHERE id = ?", (user_id,)
        ).fetchone()
        cursor = connection.execute(
            "INSERT INTO interview_attendees (interview_id, contact_id, user_id, name, email,"
            " position) VALUES (?, NULL, ?, ?, ?, ?)",
            (interview_id, user_id, name, email, len(people)),
        )
        people.append((int(cursor.lastrowid or 0), name))
    return people


def _activity(
    connection: _Counting,
    candidate_id: int,
    application_id: int,
    kind: str,
    subject: str,
    user_id: int | None,
    when: dt.datetime,
    body: str | None = None,
) -> None:
    connection.execute(
        "INSERT INTO activities (candidate_id, application_id, kind, subject, body, occurred_at,"
        " user_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (candidate_id, application_id, kind, subject[:300], body, _ts(when), user_id),
    )


def _scorecard(
    connection: _Counting,
    interview_id: int,
    attendee_id: int,
    name: str,
    attributes: dict[str, int],
    about: tuple[int, int, int | None],
    when: dt.datetime,
    rng: random.Random,
) -> None:
    leaning = rng.choice((2, 3, 4, 4, 5))
    ratings = {a: max(1, min(5, leaning + rng.choice((-1, 0, 0, 1)))) for a in attributes}
    average = sum(ratings.values()) / len(ratings)
    recommendation = RECOMMENDATIONS[min(3, max(0, round(average) - 2))]
    cursor = connection.execute(
        "INSERT INTO scorecards (interview_id, attendee_id, recommendation, notes, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        (
            interview_id,
            attendee_id,
            recommendation,
            rng.choice((None, "Solid examples.", "Needs more depth.", "Would hire.")),
            _ts(when),
            _ts(when),
        ),
    )
    card_id = int(cursor.lastrowid or 0)
    connection.executemany(
        "INSERT INTO scorecard_ratings (scorecard_id, attribute_id, name, rating)"
        " VALUES (?, ?, ?, ?)",
        [(card_id, attributes[a], a, r) for a, r in ratings.items()],
    )
    label = recommendation.replace("_", " ").capitalize()
    candidate_id, application_id, user_id = about
    subject = f"Scorecard from {name}: {label} ({average:.1f}/5)"
    body = ", ".join(f"{a} {r}" for a, r in ratings.items())
    _activity(connection, candidate_id, application_id, "note", subject, user_id, when, body)
