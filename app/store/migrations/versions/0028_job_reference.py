"""A job's posting reference: the requisition number the agency advertises it under
("REQ-2026-014"), so that an applicant who writes it in an email's subject is filed under the
job (issue #16: the ``[JOB-123]`` tag and the plus address were the only ways before).

Optional, and unique ignoring case: the index is on ``lower(posting_reference)`` and holds
only the jobs that have one, so that "req-7" and "REQ-7" can never name two jobs.

Revision ID: 0028_job_reference
Revises: 0027_lean_indexes
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028_job_reference"
down_revision: str | None = "0027_lean_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A nullable column: SQLite adds it in place, no copy of the table.
    op.add_column("jobs", sa.Column("posting_reference", sa.String(length=40), nullable=True))
    op.create_index(
        "ix_jobs_posting_reference",
        "jobs",
        [sa.text("lower(posting_reference)")],
        unique=True,
        sqlite_where=sa.text("posting_reference IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_jobs_posting_reference", table_name="jobs")
    op.execute("ALTER TABLE jobs DROP COLUMN posting_reference")
