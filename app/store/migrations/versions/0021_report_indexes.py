"""Reports at 100,000 candidates: when each stage left was entered, and covering indexes.

``stage_changes.from_entered_at`` is the time of the application's previous stage change:
when it entered the stage this change takes it out of. A trigger fills it on every insert
(the services need not know), and this revision fills it for the history already there, so
the time-in-stage report reads each stay from one row instead of looking up the one before.

The indexes cover what the reports read: stays and moves by date, each application's
stages (how far it got), the few changes made by undo (the move each takes back did not
happen, for the funnel), applications by the day they were made, the timeline by date.

Revision ID: 0021_report_indexes
Revises: 0018_interviews
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_report_indexes"
down_revision: str | None = "0018_interviews"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PREVIOUS_CHANGE = (
    "SELECT p.changed_at FROM stage_changes AS p "
    "WHERE p.application_id = NEW.application_id AND p.id < NEW.id "
    "ORDER BY p.id DESC LIMIT 1"
)
TRIGGER = "stage_changes_from_entered"
INDEXES: dict[str, tuple[str, list[str]]] = {
    "ix_stage_changes_stays": (
        "stage_changes",
        ["changed_at", "from_stage_id", "from_entered_at", "changed_by_id", "to_stage_id"],
    ),
    "ix_stage_changes_reach": ("stage_changes", ["application_id", "to_stage_id"]),
    "ix_applications_cohort": ("applications", ["applied_at", "job_id", "source", "stage_id"]),
    "ix_activities_report": (
        "activities",
        ["occurred_at", "kind", "user_id", "direction", "application_id"],
    ),
}


UNDO_INDEX = "ix_stage_changes_undo"
UNDO_ROWS = "reason LIKE 'Undo of%'"


def upgrade() -> None:
    op.add_column("stage_changes", sa.Column("from_entered_at", sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE stage_changes SET from_entered_at = previous.changed_at FROM ("
        "SELECT id, lag(changed_at) OVER (PARTITION BY application_id ORDER BY id) AS changed_at "
        "FROM stage_changes) AS previous "
        "WHERE previous.id = stage_changes.id AND stage_changes.from_stage_id IS NOT NULL"
    )
    op.execute(
        f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON stage_changes "
        "WHEN NEW.from_stage_id IS NOT NULL AND NEW.from_entered_at IS NULL BEGIN "
        f"UPDATE stage_changes SET from_entered_at = ({PREVIOUS_CHANGE}) WHERE id = NEW.id; END"
    )
    # Plain CREATE INDEX: a batch operation would copy these large tables.
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)
    op.create_index(
        UNDO_INDEX, "stage_changes", ["application_id"], sqlite_where=sa.text(UNDO_ROWS)
    )


def downgrade() -> None:
    op.drop_index(UNDO_INDEX, table_name="stage_changes")
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
    op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
    op.drop_column("stage_changes", "from_entered_at")
