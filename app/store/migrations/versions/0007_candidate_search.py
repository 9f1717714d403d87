"""Full-text index over whole candidates (FTS5), kept in step by triggers; pool kinds.

Each trigger re-derives the affected candidates' whole index rows (delete, then insert from
the source tables), so merges, moves and deletions need no special cases. Bulk writers set
``search_control.suspended`` to skip the triggers and rebuild the index once at the end
(``app.store.search.rebuild_candidate_search``, which must produce the same rows).

Revision ID: 0007_candidate_search
Revises: 0006_document_search
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_candidate_search"
down_revision: str | None = "0006_document_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = "name, headline, title, city, skills, tags, resume, notes"
# One index row per candidate; frozen here (migrations are history), mirrored in search.py.
ROW_SELECT = (
    "SELECT c.id,"
    " c.first_name || coalesce(' ' || c.middle_name, '') || ' ' || c.last_name,"
    " c.headline,"
    " CASE WHEN c.current_employer IS NULL THEN c.current_title"
    " WHEN c.current_title IS NULL THEN c.current_employer"
    " ELSE c.current_title || ', ' || c.current_employer END,"
    " c.location,"
    " (SELECT group_concat(name, ', ') FROM (SELECT s.name FROM candidate_skills cs"
    " JOIN skills s ON s.id = cs.skill_id WHERE cs.candidate_id = c.id ORDER BY s.name)),"
    " (SELECT group_concat(name, ', ') FROM (SELECT t.name FROM candidate_tags ct"
    " JOIN tags t ON t.id = ct.tag_id WHERE ct.candidate_id = c.id ORDER BY t.name)),"
    " (SELECT group_concat(text, char(10)) FROM (SELECT d.text FROM documents d"
    " WHERE d.candidate_id = c.id AND d.text IS NOT NULL ORDER BY d.id)),"
    " (SELECT group_concat(note, char(10)) FROM (SELECT trim(coalesce(a.subject, '') || ' ' ||"
    " coalesce(a.body, '')) AS note FROM activities a WHERE a.candidate_id = c.id"
    " AND a.kind IN ('note', 'email', 'call', 'meeting') ORDER BY a.occurred_at, a.id))"
    " FROM candidates c"
)
ACTIVE = "NOT EXISTS (SELECT 1 FROM search_control WHERE suspended)"
TIMELINE = "IN ('note', 'email', 'call', 'meeting')"


def _refresh(ids: str) -> str:
    """Statements that re-derive the index rows of the candidates ``ids`` (an IN list)."""
    return (
        f"DELETE FROM candidate_search WHERE rowid IN ({ids}); "
        f"INSERT INTO candidate_search (rowid, {COLUMNS}) {ROW_SELECT} WHERE c.id IN ({ids}); "
    )


def _trigger(event: str, table: str, body: str, when: str = "") -> str:
    condition = f"{when} AND {ACTIVE}" if when else ACTIVE
    return f"AFTER {event} ON {table} WHEN {condition} BEGIN {body}END"


TRIGGERS = {
    "candidates_search_insert": _trigger("INSERT", "candidates", _refresh("NEW.id")),
    "candidates_search_update": _trigger(
        "UPDATE OF id, first_name, middle_name, last_name, headline, current_title,"
        " current_employer, location",
        "candidates",
        _refresh("OLD.id, NEW.id"),
    ),
    "candidates_search_delete": _trigger(
        "DELETE", "candidates", "DELETE FROM candidate_search WHERE rowid = OLD.id; "
    ),
    "candidate_skills_search_insert": _trigger(
        "INSERT", "candidate_skills", _refresh("NEW.candidate_id")
    ),
    "candidate_skills_search_update": _trigger(
        "UPDATE", "candidate_skills", _refresh("OLD.candidate_id, NEW.candidate_id")
    ),
    "candidate_skills_search_delete": _trigger(
        "DELETE", "candidate_skills", _refresh("OLD.candidate_id")
    ),
    "skills_search_update": _trigger(
        "UPDATE OF name",
        "skills",
        _refresh("SELECT candidate_id FROM candidate_skills WHERE skill_id = NEW.id"),
    ),
    "candidate_tags_search_insert": _trigger(
        "INSERT", "candidate_tags", _refresh("NEW.candidate_id")
    ),
    "candidate_tags_search_update": _trigger(
        "UPDATE", "candidate_tags", _refresh("OLD.candidate_id, NEW.candidate_id")
    ),
    "candidate_tags_search_delete": _trigger(
        "DELETE", "candidate_tags", _refresh("OLD.candidate_id")
    ),
    "tags_search_update": _trigger(
        "UPDATE OF name",
        "tags",
        _refresh("SELECT candidate_id FROM candidate_tags WHERE tag_id = NEW.id"),
    ),
    "documents_candidate_search_insert": _trigger(
        "INSERT", "documents", _refresh("NEW.candidate_id"), "NEW.candidate_id IS NOT NULL"
    ),
    "documents_candidate_search_update": _trigger(
        "UPDATE OF text, candidate_id", "documents", _refresh("OLD.candidate_id, NEW.candidate_id")
    ),
    "documents_candidate_search_delete": _trigger(
        "DELETE", "documents", _refresh("OLD.candidate_id"), "OLD.candidate_id IS NOT NULL"
    ),
    "activities_search_insert": _trigger(
        "INSERT", "activities", _refresh("NEW.candidate_id"), f"NEW.kind {TIMELINE}"
    ),
    "activities_search_update": _trigger(
        "UPDATE OF kind, subject, body, candidate_id, occurred_at",
        "activities",
        _refresh("OLD.candidate_id, NEW.candidate_id"),
        f"(OLD.kind {TIMELINE} OR NEW.kind {TIMELINE})",
    ),
    "activities_search_delete": _trigger(
        "DELETE", "activities", _refresh("OLD.candidate_id"), f"OLD.kind {TIMELINE}"
    ),
}


def upgrade() -> None:
    op.execute(
        "CREATE TABLE search_control (suspended INTEGER NOT NULL DEFAULT 0"
        " CHECK (suspended IN (0, 1)))"
    )
    op.execute("INSERT INTO search_control (suspended) VALUES (0)")
    op.execute(
        f"CREATE VIRTUAL TABLE candidate_search USING fts5({COLUMNS},"
        " tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
    )
    op.execute(f"INSERT INTO candidate_search (rowid, {COLUMNS}) {ROW_SELECT}")
    op.execute("INSERT INTO candidate_search (candidate_search) VALUES ('optimize')")
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    op.add_column(
        "talent_pools",
        sa.Column("kind", sa.String(length=20), nullable=False, server_default="static"),
    )
    op.add_column("talent_pools", sa.Column("query", sa.Text(), nullable=True))


def downgrade() -> None:
    # Native DROP COLUMN (SQLite 3.35+): a batch copy would drop talent_pools, and with
    # foreign keys on that would cascade to every pool membership.
    op.execute("ALTER TABLE talent_pools DROP COLUMN query")
    op.execute("ALTER TABLE talent_pools DROP COLUMN kind")
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS candidate_search")
    op.execute("DROP TABLE IF EXISTS search_control")
