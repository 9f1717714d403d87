"""Users' roles (admin, recruiter, compliance, hiring manager) and the jobs a hiring manager
follows.

The first user becomes the admin (on a database one person used, that person); everyone
else becomes a recruiter, which keeps every ability they had: managing users and the
compliance views are new. A plain ADD COLUMN, not a table copy: with foreign keys on, a
copy of ``users`` would touch every row that names a user.

Revision ID: 0024_roles
Revises: 0022_audit_chain
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_roles"
down_revision: str | None = "0022_audit_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("admin", "recruiter", "compliance", "hiring_manager")


def upgrade() -> None:
    listed = ", ".join(f"'{role}'" for role in ROLES)
    op.execute(
        "ALTER TABLE users ADD COLUMN role VARCHAR(20) NOT NULL DEFAULT 'recruiter'"
        f" CONSTRAINT ck_users_role CHECK (role IN ({listed}))"
    )
    op.execute("UPDATE users SET role = 'admin' WHERE id = (SELECT min(id) FROM users)")
    op.create_table(
        "job_hiring_managers",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["jobs.id"],
            name=op.f("fk_job_hiring_managers_job_id_jobs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_job_hiring_managers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", "user_id", name=op.f("pk_job_hiring_managers")),
    )
    op.create_index("ix_job_hiring_managers_user_id", "job_hiring_managers", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_job_hiring_managers_user_id", table_name="job_hiring_managers")
    op.drop_table("job_hiring_managers")
    op.execute("ALTER TABLE users DROP COLUMN role")
