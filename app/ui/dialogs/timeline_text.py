"""How one timeline entry reads, shared by the profile and the merge-undo marker.

Its own module so that `app.ui.merge_undo` can find an entry by its text without importing
the profile dialog, which imports it.
"""

from __future__ import annotations

from app.services.candidates.records import ProfileActivity
from app.services.pipeline.tasks import TASK_DONE_PREFIX

EMAIL_DIRECTIONS = {"out": "email sent ↗", "in": "reply ↙"}


def activity_text(activity: ProfileActivity) -> str:
    """One timeline line: when, what kind (an email's direction too), the subject and body."""
    when = activity.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M")
    kind = activity.kind.replace("_", " ")
    subject = activity.subject
    if activity.kind == "email" and activity.direction in EMAIL_DIRECTIONS:
        kind = EMAIL_DIRECTIONS[activity.direction]
    if activity.kind == "meeting" and subject and subject.startswith("Interview "):
        kind = "interview"
    if activity.kind == "task" and subject and subject.startswith(TASK_DONE_PREFIX):
        kind, subject = "task done", subject[len(TASK_DONE_PREFIX) :]
    text = " — ".join(p for p in (subject, activity.body) if p) or kind
    return f"{when} · {kind}: {text}"
