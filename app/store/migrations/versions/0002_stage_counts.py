"""Stage counts kept by triggers, so pipeline counts need no scan of every application.

Revision ID: 0002_stage_counts
Revises: 0001_initial
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_stage_counts"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = {
    "stages_add_count": (
        "AFTER INSERT ON stages BEGIN "
        "INSERT INTO stage_counts (stage_id, applications) VALUES (NEW.id, 0); END"
    ),
    "applications_count_insert": (
        "AFTER INSERT ON applications BEGIN "
        "UPDATE stage_counts SET applications = applications + 1 WHERE stage_id = NEW.stage_id; "
        "END"
    ),
    "applications_count_delete": (
        "AFTER DELETE ON applications BEGIN "
        "UPDATE stage_counts SET applications = applications - 1 WHERE stage_id = OLD.stage_id; "
        "END"
    ),
    "applications_count_move": (
        "AFTER UPDATE OF stage_id ON applications WHEN OLD.stage_id <> NEW.stage_id BEGIN "
        "UPDATE stage_counts SET applications = applications - 1 WHERE stage_id = OLD.stage_id; "
        "UPDATE stage_counts SET applications = applications + 1 WHERE stage_id = NEW.stage_id; "
        "END"
    ),
}


def upgrade() -> None:
    op.create_table(
        "stage_counts",
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("applications", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["stage_id"],
            ["stages.id"],
            name=op.f("fk_stage_counts_stage_id_stages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("stage_id", name=op.f("pk_stage_counts")),
    )
    op.execute(
        "INSERT INTO stage_counts (stage_id, applications) "
        "SELECT stages.id, (SELECT count(*) FROM applications "
        "WHERE applications.stage_id = stages.id) FROM stages"
    )
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("stage_counts")
