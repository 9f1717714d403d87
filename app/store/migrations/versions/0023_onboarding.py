"""Onboarding compliance: the checks a hire brings (I-9 sections, a background check) with
their due days, owners and statuses, and the agency's holidays that deadlines skip.

Revision ID: 0023_onboarding
Revises: 0022_mailbox
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_onboarding"
down_revision: str | None = "0022_mailbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("i9_section1", "i9_section2", "background")
STATUSES = (
    "open",
    "done",
    "requested",
    "in_progress",
    "clear",
    "consider",
    "pre_adverse_sent",
    "adverse_action",
)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


def upgrade() -> None:
    op.create_table(
        "onboarding_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("checkkind", *KINDS), nullable=False),
        sa.Column("status", _enum("checkstatus", *STATUSES), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("notice_sent_on", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_onboarding_checks_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_onboarding_checks_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_checks")),
        sa.UniqueConstraint(
            "application_id", "kind", name=op.f("uq_onboarding_checks_application_id")
        ),
    )
    with op.batch_alter_table("onboarding_checks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_onboarding_checks_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_onboarding_checks_owner_id"), ["owner_id"], unique=False
        )
        batch_op.create_index("ix_onboarding_checks_status_due", ["status", "due_on"], unique=False)
    op.create_table(
        "holidays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holidays")),
        sa.UniqueConstraint("day", name=op.f("uq_holidays_day")),
    )


def downgrade() -> None:
    op.drop_table("holidays")
    with op.batch_alter_table("onboarding_checks", schema=None) as batch_op:
        batch_op.drop_index("ix_onboarding_checks_status_due")
        batch_op.drop_index(batch_op.f("ix_onboarding_checks_owner_id"))
        batch_op.drop_index(batch_op.f("ix_onboarding_checks_application_id"))
    op.drop_table("onboarding_checks")
