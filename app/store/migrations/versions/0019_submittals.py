"""Submittals: candidates sent to a client contact for a job, with the client's answer; the
timeline gains a "submittal" kind for the sending and each answer.

The activities table's kind check is loosened in place, as 0014 did for "task" (SQLite's
documented ``writable_schema`` procedure for CHECK constraints), instead of copying a table
that may hold millions of rows. Only this revision's own kind is added or removed, so the
kinds other revisions add are left as they are.

Revision ID: 0019_submittals
Revises: 0017_outbox_parts
Create Date: 2026-12-04
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_submittals"
down_revision: str | None = "0017_outbox_parts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KIND = "submittal"
KIND_CHECK = re.compile(r"(CHECK\s*\(\s*kind\s+IN\s*\()([^)]*)(\)\s*\))", re.IGNORECASE)


def _set_activity_kind(add: bool) -> None:
    """Add (or remove) ``'submittal'`` in the activities table's kind check."""
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'activities'"
    ).scalar_one()
    match = KIND_CHECK.search(sql)
    if match is None:  # no check on this file's table: every kind is already accepted
        return
    kinds = [part.strip() for part in match.group(2).split(",") if part.strip()]
    quoted = f"'{KIND}'"
    if add and quoted not in kinds:
        kinds.append(quoted)
    elif not add and quoted in kinds:
        kinds.remove(quoted)
    else:
        return
    edited = f"{sql[: match.start()]}{match.group(1)}{', '.join(kinds)}{match.group(3)}"
    edited += sql[match.end() :]
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        bind.exec_driver_sql(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'activities'",
            (edited,),
        )
        # Every connection reads the schema again, the edited check included.
        bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    _set_activity_kind(add=True)
    op.create_table(
        "submittals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=320), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "interested",
                "interview_requested",
                "declined",
                name="submittalstatus",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("status_changed_at", sa.DateTime(), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("blind", sa.Boolean(), nullable=False),
        sa.Column("with_resume", sa.Boolean(), nullable=False),
        sa.Column("pitch", sa.Text(), nullable=True),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_submittals_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_submittals_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_submittals_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["users.id"],
            name=op.f("fk_submittals_submitted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox_messages.id"],
            name=op.f("fk_submittals_outbox_message_id_outbox_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submittals")),
    )
    with op.batch_alter_table("submittals", schema=None) as batch_op:
        batch_op.create_index("ix_submittals_job", ["job_id", "submitted_at"], unique=False)
        batch_op.create_index(
            "ix_submittals_candidate", ["candidate_id", "submitted_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_submittals_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_submittals_outbox_message_id"), ["outbox_message_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("submittals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submittals_outbox_message_id"))
        batch_op.drop_index(batch_op.f("ix_submittals_contact_id"))
        batch_op.drop_index("ix_submittals_candidate")
        batch_op.drop_index("ix_submittals_job")
    op.drop_table("submittals")
    op.execute(f"UPDATE activities SET kind = 'note' WHERE kind = '{KIND}'")
    _set_activity_kind(add=False)
