"""Indexes for lookups that otherwise scan 100,000-row tables: candidate sources (the
Candidates filter's choices) and stage changes by target stage (the Silver medalists pool).

Revision ID: 0008_lookup_indexes
Revises: 0007_candidate_search
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008_lookup_indexes"
down_revision: str | None = "0007_candidate_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("candidates") as batch_op:
        batch_op.create_index("ix_candidates_source", ["source"], unique=False)
    with op.batch_alter_table("stage_changes") as batch_op:
        batch_op.create_index("ix_stage_changes_to_stage", ["to_stage_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stage_changes") as batch_op:
        batch_op.drop_index("ix_stage_changes_to_stage")
    with op.batch_alter_table("candidates") as batch_op:
        batch_op.drop_index("ix_candidates_source")
