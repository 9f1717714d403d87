"""Client contacts kept for good: every email and phone of a contact, an archived mark (an
archived contact stays on the jobs that name it but is no longer offered), and the contacts
who interview for each job.

Revision ID: 0016_contacts_interviewers
Revises: 0015_review_examples
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_contacts_interviewers"
down_revision: str | None = "0015_review_examples"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("emails", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("phones", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(), nullable=True))
    # The single address and number an older version kept become the first of each list.
    op.execute(
        "UPDATE contacts SET emails = json_array(email) WHERE email IS NOT NULL AND email != ''"
    )
    op.execute(
        "UPDATE contacts SET phones = json_array(phone) WHERE phone IS NOT NULL AND phone != ''"
    )
    op.create_table(
        "job_interviewers",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["jobs.id"],
            name=op.f("fk_job_interviewers_job_id_jobs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_job_interviewers_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", "contact_id", name=op.f("pk_job_interviewers")),
    )
    with op.batch_alter_table("job_interviewers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_job_interviewers_contact_id"), ["contact_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("job_interviewers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_interviewers_contact_id"))
    op.drop_table("job_interviewers")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("archived_at")
        batch_op.drop_column("phones")
        batch_op.drop_column("emails")
