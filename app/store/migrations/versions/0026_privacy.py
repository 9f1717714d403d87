"""Consent records (legal basis, date, source, expiry) and retention rules with their review
queue.

A candidate's consent column stays the current answer the screens and the mail checks read;
``consent_records`` keeps each answer as given, with where it came from and when it lapses.
Retention rules never delete: a scan lists the people a rule finds in ``retention_reviews``,
and a person decides (erase, or keep until a date).

Revision ID: 0026_privacy
Revises: 0024_roles
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_privacy"
down_revision: str | None = "0024_roles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consent_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("legal_basis", sa.String(30), nullable=False),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('granted', 'withdrawn', 'requested')",
            name=op.f("ck_consent_records_status"),
        ),
        sa.CheckConstraint(
            "legal_basis IN ('consent', 'legitimate_interest', 'contract', 'legal_obligation')",
            name=op.f("ck_consent_records_legal_basis"),
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_consent_records_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_consent_records_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_records")),
    )
    op.create_index("ix_consent_records_candidate_id", "consent_records", ["candidate_id"])
    op.create_table(
        "retention_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("period_days", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('rejected', 'inactive', 'consent_expired')",
            name=op.f("ck_retention_rules_kind"),
        ),
        sa.CheckConstraint("period_days >= 0", name=op.f("ck_retention_rules_period")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_rules")),
        sa.UniqueConstraint("name", name=op.f("uq_retention_rules_name")),
    )
    op.create_table(
        "retention_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, server_default="pending"),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("keep_until", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'kept', 'erased')", name=op.f("ck_retention_reviews_status")
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_retention_reviews_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["retention_rules.id"],
            name=op.f("fk_retention_reviews_rule_id_retention_rules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_retention_reviews_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_reviews")),
        sa.UniqueConstraint(
            "candidate_id", "rule_id", name=op.f("uq_retention_reviews_candidate_id")
        ),
    )
    op.create_index("ix_retention_reviews_status", "retention_reviews", ["status"])


def downgrade() -> None:
    op.drop_index("ix_retention_reviews_status", table_name="retention_reviews")
    op.drop_table("retention_reviews")
    op.drop_table("retention_rules")
    op.drop_index("ix_consent_records_candidate_id", table_name="consent_records")
    op.drop_table("consent_records")
