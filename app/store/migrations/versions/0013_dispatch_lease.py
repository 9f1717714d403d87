"""The dispatch lease: one outbox dispatcher sends at a time.

Two programs sending the same outbox (the window and ``hirebench outbox --dispatch``, or two
windows) each took the other's messages in ``sending`` for ones left by a crash and marked
them "unknown". A dispatcher now holds this row's lease while it sends and renews it; only a
dispatcher holding it turns ``sending`` messages into ``unknown``.

Revision ID: 0013_dispatch_lease
Revises: 0012_candidate_sort_indexes
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_dispatch_lease"
down_revision: str | None = "0012_candidate_sort_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dispatch_lease",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("acquired_at", sa.DateTime(), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_dispatch_lease")),
    )


def downgrade() -> None:
    op.drop_table("dispatch_lease")
