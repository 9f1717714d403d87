"""Submittals in generated databases: candidates sent to their client's hiring manager, in
every status, so that the board's marks and the profile's Submittals box have something to
show in `hirebench demo`.

Drawn from the applications already written: those that reached Interviewed or beyond were
submitted first (the client asked for the interview, or is interested), some Screened ones
wait for an answer, and some rejected ones were declined. Every date falls between the
application and the stage it is in now, so nothing happens after a job ended. A random stream
of its own keeps the rest of the generated data what it was.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

SCREENED, INTERVIEWED, OFFERED, HIRED, REJECTED = 1, 2, 3, 4, 5
PITCHES = (
    "Has run this kind of team before and knows the stack you use.",
    "Strong communicator; clients she worked with asked for her back.",
    "Led a migration much like yours, on time, with a small team.",
    "Open to a move now; notice period is four weeks.",
)
FEEDBACK = {
    "interested": (
        "Good fit on paper; keen to move quickly.",
        "Liked the background; want to talk salary expectations.",
    ),
    "interview_requested": (
        "Would like a first interview next week.",
        "Please set up a call with the team lead.",
    ),
    "declined": (
        "Not enough experience at our scale.",
        "Went with an internal candidate.",
        "Salary expectations above our range.",
    ),
}
WORDS = {
    "submitted": "Submitted",
    "interested": "Interested",
    "interview_requested": "Interview requested",
    "declined": "Declined",
}
COLUMNS = (
    "candidate_id, job_id, contact_id, contact_name, contact_email, submitted_at,"
    " submitted_by_id, status, status_changed_at, feedback, blind, with_resume, pitch,"
    " outbox_message_id, version"
)
ACTIVITY_COLUMNS = "candidate_id, application_id, kind, subject, body, occurred_at, user_id"

Add = Callable[[str, str, Sequence[Any]], None]


def _ts(moment: dt.datetime) -> str:
    return moment.isoformat(sep=" ", timespec="microseconds")


def _status(position: int, rng: random.Random) -> str | None:
    """What the client said, by the stage the application reached (None: not submitted)."""
    if position in (OFFERED, HIRED):
        return "interested"
    if position == INTERVIEWED:
        return "interview_requested" if rng.random() < 0.8 else "interested"
    if position == SCREENED:
        return "submitted" if rng.random() < 0.5 else None
    if position == REJECTED:
        return "declined" if rng.random() < 0.3 else None
    return None


def add_submittals(connection: sqlite3.Connection, add: Add, seed: int) -> int:
    """Write the submittals and their timeline entries through ``add`` (the generator's
    batched writer); the number of submittals."""
    rng = random.Random(seed * 31 + 19)
    rows = connection.execute(
        "SELECT a.id, a.candidate_id, a.job_id, s.position, a.applied_at, a.stage_entered_at,"
        " j.title, j.owner_id, cl.name, c.id, c.first_name, c.last_name, c.email"
        " FROM applications a JOIN stages s ON s.id = a.stage_id"
        " JOIN jobs j ON j.id = a.job_id JOIN clients cl ON cl.id = j.client_id"
        " JOIN contacts c ON c.client_id = j.client_id AND c.is_hiring_manager = 1"
        " ORDER BY a.id"
    ).fetchall()
    written = 0
    seen: set[int] = set()
    for row in rows:
        (application_id, cid, job_id, position, applied, entered, title, owner) = row[:8]
        client, contact_id, first, last, email = row[8:]
        if application_id in seen or not email:
            continue
        seen.add(application_id)  # one hiring manager per client: the first found
        status = _status(position, rng)
        if status is None:
            continue
        start, end = dt.datetime.fromisoformat(applied), dt.datetime.fromisoformat(entered)
        sent = start + (end - start) * rng.uniform(0.2, 0.6)
        answered = None if status == "submitted" else sent + (end - sent) * rng.uniform(0.5, 1)
        blind = rng.random() < 0.25
        pitch = rng.choice(PITCHES) if rng.random() < 0.7 else None
        feedback = rng.choice(FEEDBACK[status]) if status in FEEDBACK else None
        contact = f"{first} {last}"
        add(
            "submittals",
            COLUMNS,
            (
                cid,
                job_id,
                contact_id,
                contact,
                email,
                _ts(sent),
                owner,
                status,
                _ts(answered) if answered else None,
                feedback,
                int(blind),
                int(not blind and rng.random() < 0.5),
                pitch,
                None,
                1 if answered is None else 2,
            ),
        )
        kind = "Sent the blind profile." if blind else "Sent the profile."
        body = f"{kind}\n\n{pitch}" if pitch else kind
        subject = f"Submitted to {contact} ({client}) for {title}"
        add(
            "activities",
            ACTIVITY_COLUMNS,
            (cid, application_id, "submittal", subject, body, _ts(sent), owner),
        )
        if answered is not None:
            add(
                "activities",
                ACTIVITY_COLUMNS,
                (
                    cid,
                    application_id,
                    "submittal",
                    f"{contact} for {title}: {WORDS[status]}",
                    feedback,
                    _ts(answered),
                    owner,
                ),
            )
        written += 1
    return written
