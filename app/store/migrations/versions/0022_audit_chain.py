"""Tamper evidence for the audit trail: each entry sealed with a SHA-256 chain.

Adds ``content_hash`` and ``chain_hash`` (see `app.store.audit_chain`), seals the entries
already there in id order, and lets the append-only trigger allow exactly one update per
entry: from unsealed to sealed, with every stored value unchanged. A partial index finds the
unsealed entries (only the ones the current transaction wrote) at each commit.

Revision ID: 0022_audit_chain
Revises: 0021_report_indexes
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# The hash format is a stored contract that no later version may change (old entries must
# keep verifying), so the migration seals with the same code the application does.
from app.store.audit_chain import seal

revision: str = "0022_audit_chain"
down_revision: str | None = "0021_report_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UNCHANGED = " AND ".join(
    f"NEW.{column} IS OLD.{column}"
    for column in (
        "id",
        "occurred_at",
        "user_id",
        "actor",
        "action",
        "entity_type",
        "entity_id",
        "before",
        "after",
    )
)
SEALING_ONLY = (
    "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
    f"WHEN NOT (OLD.chain_hash IS NULL AND OLD.content_hash IS NULL AND {_UNCHANGED}) "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END"
)
NO_UPDATE = (
    "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END"
)


def upgrade() -> None:
    op.add_column("audit_entries", sa.Column("content_hash", sa.String(64), nullable=True))
    op.add_column("audit_entries", sa.Column("chain_hash", sa.String(64), nullable=True))
    op.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
    op.execute(SEALING_ONLY)
    op.execute(
        "CREATE INDEX ix_audit_entries_unsealed ON audit_entries (id) WHERE chain_hash IS NULL"
    )
    connection = op.get_bind()
    seal(lambda sql, params: connection.exec_driver_sql(sql, params))


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_audit_entries_unsealed")
    op.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
    op.execute("ALTER TABLE audit_entries DROP COLUMN chain_hash")
    op.execute("ALTER TABLE audit_entries DROP COLUMN content_hash")
    op.execute(NO_UPDATE)
