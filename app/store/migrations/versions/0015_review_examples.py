"""Review examples: a resume's parse, the values a recruiter corrected on the review screen,
and the file it came from, kept as labelled examples for the parser.

Revision ID: 0015_review_examples
Revises: 0014_tasks
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_review_examples"
down_revision: str | None = "0014_tasks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_examples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=300), nullable=False),
        sa.Column("media_type", sa.String(length=120), nullable=False),
        sa.Column("parsed", sa.JSON(), nullable=False),
        sa.Column("corrected", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_review_examples_document_id_documents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_examples")),
    )
    with op.batch_alter_table("review_examples", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_examples_document_id"), ["document_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("review_examples", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_examples_document_id"))
    op.drop_table("review_examples")
