"""A covering index for job boards: a board reads all of a job's applications in board order.

Revision ID: 0004_board_index
Revises: 0003_stage_templates
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004_board_index"
down_revision: str | None = "0003_stage_templates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = [
    "job_id",
    "board_position",
    "id",
    "candidate_id",
    "stage_id",
    "stage_entered_at",
    "rating",
    "source",
    "version",
    "rejection_reason",
]


def upgrade() -> None:
    with op.batch_alter_table("applications") as batch_op:
        batch_op.create_index("ix_applications_board", COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("applications") as batch_op:
        batch_op.drop_index("ix_applications_board")
