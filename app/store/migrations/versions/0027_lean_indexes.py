"""Leaner indexes on the two largest tables, activities and stage changes.

Measured on 100,000 candidates (1.24 million timeline entries, 0.69 million stage changes):

- ``ix_activities_report`` (migration 0021) covered every timeline entry, but the recruiter
  activity report reads notes, calls and emails only: the index keeps those rows (a partial
  index), 71 MB → 17 MB.
- ``ix_activities_candidate_time`` also held each entry's time (a 26-byte text); every read
  by candidate is one person's few dozen entries, sorted in memory as fast as read in order,
  so ``ix_activities_candidate`` keeps the candidate alone: 53 MB → 19 MB.
- ``ix_stage_changes_application_id`` duplicated the first column of
  ``ix_stage_changes_reach`` (application, stage), which serves the same lookups: 9 MB.

Revision ID: 0027_lean_indexes
Revises: 0023_onboarding
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_lean_indexes"
down_revision: str | None = "0023_onboarding"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The rows the activity report counts; its query repeats this term word for word, which is
# how SQLite knows the partial index serves it (app.services.admin.report_activity).
REPORT_ROWS = "kind IN ('note', 'call', 'email')"
REPORT_COLUMNS = ["occurred_at", "kind", "user_id", "direction", "application_id"]


def upgrade() -> None:
    # Plain DROP and CREATE INDEX: a batch operation would copy these large tables.
    op.drop_index("ix_activities_report", table_name="activities")
    op.create_index(
        "ix_activities_report",
        "activities",
        REPORT_COLUMNS,
        unique=False,
        sqlite_where=sa.text(REPORT_ROWS),
    )
    op.drop_index("ix_activities_candidate_time", table_name="activities")
    op.create_index("ix_activities_candidate", "activities", ["candidate_id"], unique=False)
    op.drop_index("ix_stage_changes_application_id", table_name="stage_changes")


def downgrade() -> None:
    op.create_index(
        "ix_stage_changes_application_id", "stage_changes", ["application_id"], unique=False
    )
    op.drop_index("ix_activities_candidate", table_name="activities")
    op.create_index(
        "ix_activities_candidate_time", "activities", ["candidate_id", "occurred_at"], unique=False
    )
    op.drop_index("ix_activities_report", table_name="activities")
    op.create_index("ix_activities_report", "activities", REPORT_COLUMNS, unique=False)
