"""Tasks: follow-ups on a candidate, job or client with a due day (and time) and an owner;
the timeline gains a "task" kind for the ones marked done.

The activities table checks its ``kind`` against a list of values. Allowing one more value
only loosens that check, so the table's stored definition is edited in place (SQLite's
documented ``writable_schema`` procedure for CHECK constraints) instead of copying a table
that may hold millions of rows and dropping the search triggers that hang on it.

Revision ID: 0014_tasks
Revises: 0013_dispatch_lease
Create Date: 2026-12-05
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_tasks"
down_revision: str | None = "0013_dispatch_lease"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TASK_KIND = "task"
# The activity kinds' check, as 0001 created it: ``CHECK (kind IN ('note', 'email', …))``.
KIND_CHECK = re.compile(r"(CHECK\s*\(\s*kind\s+IN\s*\()([^)]*)(\)\s*\))", re.IGNORECASE)


def _set_activity_kinds(change: str) -> None:
    """Add (``change="add"``) or remove ``'task'`` from the activities table's kind check."""
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'activities'"
    ).scalar_one()
    match = KIND_CHECK.search(sql)
    if match is None:  # no check on this file's table: every kind is already accepted
        return
    kinds = [part.strip() for part in match.group(2).split(",") if part.strip()]
    quoted = f"'{TASK_KIND}'"
    if change == "add" and quoted not in kinds:
        kinds.append(quoted)
    elif change == "remove" and quoted in kinds:
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
    _set_activity_kinds("add")
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("due_time", sa.Time(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("candidate_id", sa.Integer(), nullable=True),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_tasks_activity_id_activities"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_tasks_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_tasks_client_id_clients"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_tasks_job_id_jobs"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_tasks_owner_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tasks_owner_done_due", ["owner_id", "done", "due_on", "due_time"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_tasks_activity_id"), ["activity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_candidate_id"), ["candidate_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_job_id"), ["job_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tasks_job_id"))
        batch_op.drop_index(batch_op.f("ix_tasks_client_id"))
        batch_op.drop_index(batch_op.f("ix_tasks_candidate_id"))
        batch_op.drop_index(batch_op.f("ix_tasks_activity_id"))
        batch_op.drop_index("ix_tasks_owner_done_due")
    op.drop_table("tasks")
    # Done tasks stay on the timeline, as notes: the older schema has no "task" kind.
    op.execute(f"UPDATE activities SET kind = 'note' WHERE kind = '{TASK_KIND}'")
    _set_activity_kinds("remove")
