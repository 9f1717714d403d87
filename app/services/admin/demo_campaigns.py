"""The generated database's email campaigns: bulk sends to samples of the candidates, each
message sent or failed, some answered by a reply on the person's timeline, a few ending in an
unsubscribe. The Campaigns section, the campaigns report and its benchmark then have real
figures to show. Its own random stream keeps the rest of the database as it was.
"""

from __future__ import annotations

import datetime as dt
import random

from app.services.admin.demo_placements import Rows

SEED_OFFSET = 7_310
THEMES = (
    ("Data and analytics roles this month", "Pool: Data people"),
    ("New contract roles near you", "Search: contract"),
    ("Engineering leadership openings", "Pool: Silver medalists"),
    ("Are you open to a move this spring?", "Search: skill:python"),
    ("Roles with hybrid work", "Pool: Past applicants"),
    ("Healthcare technology roles", "Search: healthcare"),
    ("Finance and operations openings", "Pool: Finance"),
    ("Career fair follow-up", "Pool: Campus events"),
)
SENT_SHARE = 0.94  # the rest failed (a mailbox that does not exist, a full one)
REPLY_SHARE = 0.07
UNSUBSCRIBE_SHARE = 0.02
OUTBOX_COLUMNS = (
    "campaign_id, candidate_id, to_address, to_name, subject, body_text, message_id, state,"
    " attempts, next_attempt_at, created_at, sent_at, last_error, created_by_id, part_count"
)
ACTIVITY_COLUMNS = "candidate_id, kind, subject, body, occurred_at, user_id, direction"


def _ts(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def add_campaigns(rows: Rows, seed: int, as_of: dt.datetime, candidates: int) -> dict[str, int]:
    """Write the campaigns (after the candidates and users); returns rows added per table
    written directly (campaigns and candidates' unsubscribes; the rest go through ``rows``)."""
    rng = random.Random(seed + SEED_OFFSET)
    rows.flush()
    connection = rows.connection
    people = connection.execute(
        "SELECT c.id, c.first_name || ' ' || c.last_name, e.email FROM candidates c"
        " JOIN candidate_emails e ON e.candidate_id = c.id AND e.position = 0"
        " WHERE c.do_not_contact = 0 ORDER BY c.id"
    ).fetchall()
    users = [row[0] for row in connection.execute("SELECT id FROM users ORDER BY id")]
    if not people or not users:
        return {}
    campaigns = max(3, min(len(THEMES) * 3, candidates // 5_000))
    per_campaign = max(10, min(300, len(people) // 8))
    written = {"campaigns": 0, "replies": 0, "unsubscribes": 0}
    unsubscribed: set[int] = set()
    for number in range(campaigns):
        name, audience = THEMES[number % len(THEMES)]
        if number >= len(THEMES):
            name = f"{name} ({number // len(THEMES) + 1})"
        created = as_of - dt.timedelta(days=rng.uniform(3, 170))
        owner = rng.choice(users)
        cursor = connection.execute(
            "INSERT INTO campaigns (name, kind, status, audience, created_at, created_by_id)"
            " VALUES (?, 'bulk', 'finished', ?, ?, ?)",
            (name, audience, _ts(created), owner),
        )
        campaign_id = cursor.lastrowid
        written["campaigns"] += 1
        for index, (candidate_id, full_name, email) in enumerate(
            rng.sample(people, min(per_campaign, len(people)))
        ):
            sent_at = created + dt.timedelta(minutes=rng.uniform(1, 90))
            ok = rng.random() < SENT_SHARE
            rows.add(
                "outbox_messages",
                OUTBOX_COLUMNS,
                (
                    campaign_id,
                    candidate_id,
                    email,
                    full_name,
                    name,
                    f"Hello {full_name.split()[0]},\n\nA few roles that may suit you.",
                    f"<gen-{campaign_id}-{index}@demo.hirebench>",
                    "sent" if ok else "failed",
                    1 if ok else 3,
                    _ts(sent_at),
                    _ts(created),
                    _ts(sent_at) if ok else None,
                    None if ok else "550 5.1.1 mailbox unavailable",
                    owner,
                    0,
                ),
            )
            if not ok:
                continue
            if rng.random() < REPLY_SHARE:
                answered = sent_at + dt.timedelta(hours=rng.uniform(1, 96))
                if answered < as_of:  # written here: the shared buffer has no direction
                    connection.execute(
                        f"INSERT INTO activities ({ACTIVITY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (
                            candidate_id,
                            "email",
                            f"Re: {name}",
                            "Thanks, I'd like to hear more about the second role.",
                            _ts(answered),
                            None,
                            "in",
                        ),
                    )
                    written["replies"] += 1
            if rng.random() < UNSUBSCRIBE_SHARE and candidate_id not in unsubscribed:
                unsubscribed.add(candidate_id)
                left = min(as_of, sent_at + dt.timedelta(hours=rng.uniform(1, 48)))
                connection.execute(
                    "UPDATE candidates SET unsubscribed_at = ? WHERE id = ?",
                    (_ts(left), candidate_id),
                )
                written["unsubscribes"] += 1
    return written
