"""Emails we send stay out of the candidate search index; replies stay in.

A campaign puts the same text on thousands of timelines: indexed, it would make every
recipient match the campaign's words (a search for "python" finding everyone who was told
about a Python role) and grow the index by the text of every email sent. Migration 0007's
triggers are recreated with outgoing email (``activities.direction = 'out'``) left out, and the
index rows of candidates who already received mail are derived again.

Revision ID: 0010_outgoing_mail_unindexed
Revises: 0009_engagement
Create Date: 2026-11-26
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = "0010_outgoing_mail_unindexed"
down_revision: str | None = "0009_engagement"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _load_0007() -> ModuleType:
    """Migration 0007's module, whose trigger text this one edits (Alembic loads migration
    files by path, so it is loaded the same way)."""
    path = Path(__file__).with_name("0007_candidate_search.py")
    spec = importlib.util.spec_from_file_location("hirebench_migration_0007", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_0007 = _load_0007()

TIMELINE_KINDS = "a.kind IN ('note', 'email', 'call', 'meeting')"
NOT_SENT = "coalesce(a.direction, '') <> 'out'"


def _without_sent_mail(name: str, body: str) -> str:
    """0007's trigger ``body`` with sent mail left out of the derived row (every trigger) and,
    for the activities triggers, not firing for it at all."""
    body = body.replace(TIMELINE_KINDS, f"{TIMELINE_KINDS} AND {NOT_SENT}")
    if name == "activities_search_insert":
        body = body.replace(
            "WHEN NEW.kind", "WHEN coalesce(NEW.direction, '') <> 'out' AND NEW.kind"
        )
    elif name == "activities_search_delete":
        body = body.replace(
            "WHEN OLD.kind", "WHEN coalesce(OLD.direction, '') <> 'out' AND OLD.kind"
        )
    return body


TRIGGERS = {name: _without_sent_mail(name, body) for name, body in _0007.TRIGGERS.items()}


def _replace_triggers(triggers: dict[str, str]) -> None:
    for name, body in triggers.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"CREATE TRIGGER {name} {body}")


def _refresh_mailed_candidates(row_select: str) -> None:
    mailed = "SELECT DISTINCT candidate_id FROM activities WHERE direction = 'out'"
    op.execute(f"DELETE FROM candidate_search WHERE rowid IN ({mailed})")
    op.execute(
        f"INSERT INTO candidate_search (rowid, {_0007.COLUMNS}) {row_select}"
        f" WHERE c.id IN ({mailed})"
    )


def upgrade() -> None:
    # The text this migration edits must be there, or the index would silently keep mail.
    if (
        TIMELINE_KINDS not in _0007.ROW_SELECT
        or "WHEN NEW.kind" not in _0007.TRIGGERS["activities_search_insert"]
    ):
        raise RuntimeError("migration 0007's search triggers are not the ones 0010 expects")
    _replace_triggers(TRIGGERS)
    _refresh_mailed_candidates(
        _0007.ROW_SELECT.replace(TIMELINE_KINDS, f"{TIMELINE_KINDS} AND {NOT_SENT}")
    )


def downgrade() -> None:
    _replace_triggers(_0007.TRIGGERS)
    _refresh_mailed_candidates(_0007.ROW_SELECT)
