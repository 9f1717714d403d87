"""What a use case changed, by kind and id: the notice every view decides to reload from.

A use case records each kind of data it wrote with `Transaction.changed`; the GUI broadcasts
the resulting `Changes`, and each view compares them with the kinds it shows. The kinds are
an enum, not free strings, so a misspelt or forgotten kind fails where it is written rather
than leaving a view silently stale.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field


class ChangeKind(enum.Enum):
    """A kind of data a use case can change (the value is for logs and audit-free display)."""

    APPLICATIONS = "applications"
    BRANDING = "branding"
    CAMPAIGNS = "campaigns"
    CANDIDATES = "candidates"
    CLIENTS = "clients"
    CONTACTS = "contacts"
    DOCUMENTS = "documents"
    DUPLICATES = "duplicates"
    EEO = "eeo"  # self-identification answers (seen only as the compliance aggregates)
    EMAIL_TEMPLATES = "email_templates"
    ENROLLMENTS = "enrollments"
    INTERVIEWS = "interviews"  # interviews, their interviewers and scorecards
    JOBS = "jobs"
    MAIL_ACCOUNT = "mail_account"
    HOLIDAYS = "holidays"
    MAILBOX = "mailbox"  # the incoming mail account, messages read from it, bounces
    OFFERS = "offers"
    ONBOARDING = "onboarding"  # onboarding checks (I-9 sections, background checks)
    OUTBOX = "outbox"
    PLACEMENTS = "placements"
    POOLS = "pools"
    REJECTION_REASONS = "rejection_reasons"
    STAGE_TEMPLATES = "stage_templates"
    STAGES = "stages"
    SUBMITTALS = "submittals"
    TAGS = "tags"
    TASKS = "tasks"
    USERS = "users"  # users and their roles
    # Another process (another window, the command line) changed the database: which data
    # is unknown, so every view that shows anything reloads.
    EXTERNAL = "external"


def _check(kinds: tuple[object, ...]) -> None:
    for kind in kinds:
        if not isinstance(kind, ChangeKind):
            raise TypeError(f"not a ChangeKind: {kind!r}")


@dataclass(frozen=True)
class Changes:
    """Which data a use case changed, by kind and id.

    The GUI broadcasts this so that each view decides whether to reload.
    """

    ids: Mapping[ChangeKind, frozenset[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, kind: ChangeKind, *ids: int) -> Changes:
        """Changes of one kind (no ids: "something of this kind", e.g. EXTERNAL)."""
        _check((kind,))
        return cls({kind: frozenset(ids)})

    @property
    def kinds(self) -> frozenset[ChangeKind]:
        return frozenset(self.ids)

    @property
    def external(self) -> bool:
        """Whether another process changed the database (what exactly is unknown)."""
        return ChangeKind.EXTERNAL in self.ids

    def touches(self, *kinds: ChangeKind) -> bool:
        """Whether any of ``kinds`` changed (EXTERNAL counts only when asked for)."""
        _check(kinds)
        return any(kind in self.ids for kind in kinds)

    def __or__(self, other: Changes) -> Changes:
        merged: dict[ChangeKind, frozenset[int]] = dict(self.ids)
        for kind, ids in other.ids.items():
            merged[kind] = merged.get(kind, frozenset()) | ids
        return Changes(merged)
