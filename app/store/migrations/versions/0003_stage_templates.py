"""Stage templates per client, and the list of rejection reasons (pre-filled).

Revision ID: 0003_stage_templates
Revises: 0002_stage_counts
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_stage_templates"
down_revision: str | None = "0002_stage_counts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The reasons offered until an agency edits the list. A copy, not an import: a migration
# must keep doing what it did when it was written, whatever the application's code becomes.
DEFAULT_REJECTION_REASONS = (
    "Not enough experience",
    "Skills mismatch",
    "Salary expectations",
    "Location / relocation",
    "Failed assessment",
    "Position filled",
    "Culture add concerns",
)


def upgrade() -> None:
    op.create_table(
        "stage_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_stage_templates_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_templates")),
        sa.UniqueConstraint("client_id", name=op.f("uq_stage_templates_client_id")),
    )
    op.create_table(
        "stage_template_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "active",
                "hired",
                "rejected",
                "withdrawn",
                name="stagekind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sla_days", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["stage_templates.id"],
            name=op.f("fk_stage_template_steps_template_id_stage_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_template_steps")),
        sa.UniqueConstraint(
            "template_id", "name", name=op.f("uq_stage_template_steps_template_id")
        ),
    )
    with op.batch_alter_table("stage_template_steps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stage_template_steps_template_id"), ["template_id"], unique=False
        )

    reasons = op.create_table(
        "rejection_reasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rejection_reasons")),
        sa.UniqueConstraint("label", name=op.f("uq_rejection_reasons_label")),
    )
    op.bulk_insert(
        reasons,
        [
            {"label": label, "position": position, "active": True}
            for position, label in enumerate(DEFAULT_REJECTION_REASONS)
        ],
    )


def downgrade() -> None:
    op.drop_table("rejection_reasons")
    with op.batch_alter_table("stage_template_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stage_template_steps_template_id"))
    op.drop_table("stage_template_steps")
    op.drop_table("stage_templates")
