"""Full-text index over resume text (FTS5), kept in step with documents by triggers.

Revision ID: 0006_document_search
Revises: 0005_duplicate_suspects
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006_document_search"
down_revision: str | None = "0005_duplicate_suspects"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = {
    "documents_search_insert": (
        "AFTER INSERT ON documents BEGIN "
        "INSERT INTO document_search (rowid, text) VALUES (NEW.id, NEW.text); END"
    ),
    "documents_search_delete": (
        "AFTER DELETE ON documents BEGIN "
        "INSERT INTO document_search (document_search, rowid, text) "
        "VALUES ('delete', OLD.id, OLD.text); END"
    ),
    "documents_search_update": (
        "AFTER UPDATE OF text ON documents BEGIN "
        "INSERT INTO document_search (document_search, rowid, text) "
        "VALUES ('delete', OLD.id, OLD.text); "
        "INSERT INTO document_search (rowid, text) VALUES (NEW.id, NEW.text); END"
    ),
}


def upgrade() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE document_search USING fts5("
        "text, content='documents', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute("INSERT INTO document_search (document_search) VALUES ('rebuild')")
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS document_search")
