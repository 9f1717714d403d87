"""Files sent with outbox messages: calendar invitations and attachments (profile PDFs,
resumes), in a table of their own, and each message's count of them so the dispatcher's claim
reads parts only for the messages that have some.

Revision ID: 0017_outbox_parts
Revises: 0016_contacts_interviewers
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_outbox_parts"
down_revision: str | None = "0016_contacts_interviewers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("part_count", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "outbox_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("content_type", sa.String(length=200), nullable=False),
        sa.Column("inline", sa.Boolean(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["outbox_messages.id"],
            name=op.f("fk_outbox_parts_message_id_outbox_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_parts")),
    )
    with op.batch_alter_table("outbox_parts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_parts_message_id"), ["message_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_parts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_parts_message_id"))
    op.drop_table("outbox_parts")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("part_count")
