"""Possible duplicate candidates found by resume intake, waiting for a merge or a dismissal.

Revision ID: 0005_duplicate_suspects
Revises: 0004_board_index
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_duplicate_suspects"
down_revision: str | None = "0004_board_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "duplicate_suspects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("other_candidate_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_duplicate_suspects_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_candidate_id"],
            ["candidates.id"],
            name=op.f("fk_duplicate_suspects_other_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_suspects")),
        sa.UniqueConstraint(
            "candidate_id",
            "other_candidate_id",
            name=op.f("uq_duplicate_suspects_candidate_id"),
        ),
    )
    with op.batch_alter_table("duplicate_suspects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_duplicate_suspects_candidate_id"), ["candidate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_duplicate_suspects_other_candidate_id"),
            ["other_candidate_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("duplicate_suspects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_duplicate_suspects_other_candidate_id"))
        batch_op.drop_index(batch_op.f("ix_duplicate_suspects_candidate_id"))
    op.drop_table("duplicate_suspects")
