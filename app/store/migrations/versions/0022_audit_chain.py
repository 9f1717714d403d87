"""Tamper evidence for the audit trail: each entry sealed with a SHA-256 chain.

Adds ``content_hash`` and ``chain_hash`` (see `app.store.audit_chain`), seals the entries
already there in id order, and lets the append-only trigger allow two kinds of update: from
unsealed to sealed, with every stored value unchanged; and the erasure of a person's data
from an entry's ``before`` and ``after`` once `audit_redactions` records that (and why), its
hashes and every other value unchanged. Redactions are themselves append-only. A partial
index finds the unsealed entries (only the ones the current transaction wrote) at each commit.

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
_KEPT = " AND ".join(
    f"NEW.{column} IS OLD.{column}"
    for column in (
        "id",
        "occurred_at",
        "user_id",
        "actor",
        "action",
        "entity_type",
        "entity_id",
        "content_hash",
        "chain_hash",
    )
)
SEALING_OR_REDACTION = (
    "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
    f"WHEN NOT ((OLD.chain_hash IS NULL AND OLD.content_hash IS NULL AND {_UNCHANGED}) OR "
    "(OLD.chain_hash IS NOT NULL AND EXISTS (SELECT 1 FROM audit_redactions AS r "
    f"WHERE r.entry_id = OLD.id) AND {_KEPT})) "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END"
)
NO_UPDATE = (
    "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END"
)


def upgrade() -> None:
    op.add_column("audit_entries", sa.Column("content_hash", sa.String(64), nullable=True))
    op.add_column("audit_entries", sa.Column("chain_hash", sa.String(64), nullable=True))
    op.create_table(
        "audit_redactions",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("redacted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["audit_entries.id"],
            name=op.f("fk_audit_redactions_entry_id_audit_entries"),
        ),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_audit_redactions")),
    )
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_redactions_no_{event.lower()} BEFORE {event} ON "
            "audit_redactions BEGIN SELECT RAISE(ABORT, 'audit redactions are append-only'); END"
        )
    op.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
    op.execute(SEALING_OR_REDACTION)
    op.execute(
        "CREATE INDEX ix_audit_entries_unsealed ON audit_entries (id) WHERE chain_hash IS NULL"
    )
    connection = op.get_bind()
    seal(lambda sql, params: connection.exec_driver_sql(sql, params))


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_audit_entries_unsealed")
    op.execute("DROP TRIGGER IF EXISTS audit_redactions_no_update")
    op.execute("DROP TRIGGER IF EXISTS audit_redactions_no_delete")
    op.drop_table("audit_redactions")
    op.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
    op.execute("ALTER TABLE audit_entries DROP COLUMN chain_hash")
    op.execute("ALTER TABLE audit_entries DROP COLUMN content_hash")
    op.execute(NO_UPDATE)
