"""Mailbox: the agency's incoming mail account (IMAP, its folders and polling), each
message read from it (remembered by folder, UIDVALIDITY and UID, and by Message-ID, so none is
handled twice) and the addresses that bounce.

Revision ID: 0022_mailbox
Revises: 0025_eeo
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_mailbox"
down_revision: str | None = "0025_eeo"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mailbox_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column(
            "security",
            sa.Enum(
                "starttls",
                "ssl",
                "none",
                name="smtpsecurity",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("username", sa.String(length=255), nullable=False),
        sa.Column("applications_folder", sa.String(length=255), nullable=False),
        sa.Column("replies_folder", sa.String(length=255), nullable=False),
        sa.Column(
            "after_import",
            sa.Enum(
                "move",
                "flag",
                name="afterimport",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("processed_folder", sa.String(length=255), nullable=False),
        sa.Column("poll_minutes", sa.Integer(), nullable=False),
        sa.Column("use_idle", sa.Boolean(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("last_poll_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_kind", sa.String(length=20), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailbox_account")),
    )
    op.create_table(
        "bouncing_addresses",
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("diagnostic", sa.Text(), nullable=True),
        sa.Column("bounced_at", sa.DateTime(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_bouncing_addresses_candidate_id_candidates"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("email", name=op.f("pk_bouncing_addresses")),
    )
    with op.batch_alter_table("bouncing_addresses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bouncing_addresses_candidate_id"), ["candidate_id"], unique=False
        )

    op.create_table(
        "mailbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("folder", sa.String(length=255), nullable=False),
        sa.Column("uidvalidity", sa.Integer(), nullable=False),
        sa.Column("uid", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "application",
                "reply",
                "auto_reply",
                "unsubscribe",
                "bounce",
                "unknown",
                name="mailboxkind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "handled",
                "pending",
                "dismissed",
                "failed",
                name="mailboxstate",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("sender_name", sa.String(length=200), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("body_text", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("handled_at", sa.DateTime(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_mailbox_messages_activity_id_activities"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"],
            ["mailbox_messages.id"],
            name=op.f("fk_mailbox_messages_duplicate_of_id_mailbox_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_mailbox_messages_campaign_id_campaigns"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_mailbox_messages_candidate_id_candidates"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox_messages.id"],
            name=op.f("fk_mailbox_messages_outbox_message_id_outbox_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailbox_messages")),
        sa.UniqueConstraint(
            "folder", "uidvalidity", "uid", name=op.f("uq_mailbox_messages_folder")
        ),
    )
    with op.batch_alter_table("mailbox_messages", schema=None) as batch_op:
        batch_op.create_index("ix_mailbox_messages_campaign", ["campaign_id", "kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_mailbox_messages_candidate_id"), ["candidate_id"], unique=False
        )
        batch_op.create_index("ix_mailbox_messages_message_id", ["message_id"], unique=False)
        batch_op.create_index("ix_mailbox_messages_state", ["state", "received_at"], unique=False)


def downgrade() -> None:
    op.drop_table("mailbox_messages")
    op.drop_table("bouncing_addresses")
    op.drop_table("mailbox_account")
