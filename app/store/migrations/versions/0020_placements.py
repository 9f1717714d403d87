"""Offers and placements: what a candidate was offered (salary or rate, start, expiry, status)
and each hire with its terms and the agency's fee, in integer cents; the timeline gains the
"offer" and "placement" kinds.

The activities table's kind check is widened in place, as migration 0014 does for tasks, so
the table (which may hold millions of rows, with search triggers) is not copied.

Revision ID: 0020_placements
Revises: 0019_submittals
Create Date: 2026-12-04
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_placements"
down_revision: str | None = "0019_submittals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_KINDS = ("offer", "placement")
# The activity kinds' check, as 0001 created it: ``CHECK (kind IN ('note', 'email', …))``.
KIND_CHECK = re.compile(r"(CHECK\s*\(\s*kind\s+IN\s*\()([^)]*)(\)\s*\))", re.IGNORECASE)


def _set_activity_kinds(add: bool) -> None:
    """Add (or remove) the new kinds in the activities table's kind check, leaving any other
    kind a later or parallel migration added as it is."""
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'activities'"
    ).scalar_one()
    match = KIND_CHECK.search(sql)
    if match is None:  # no check on this file's table: every kind is already accepted
        return
    kinds = [part.strip() for part in match.group(2).split(",") if part.strip()]
    wanted = [f"'{kind}'" for kind in NEW_KINDS]
    if add:
        edited_kinds = kinds + [kind for kind in wanted if kind not in kinds]
    else:
        edited_kinds = [kind for kind in kinds if kind not in wanted]
    if edited_kinds == kinds:
        return
    edited = f"{sql[: match.start()]}{match.group(1)}{', '.join(edited_kinds)}{match.group(3)}"
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


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


def _key(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    _set_activity_kinds(add=True)
    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("pay_basis", _enum("paybasis", "salary", "hourly", "daily"), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column(
            "status",
            _enum("offerstatus", "extended", "accepted", "declined", "withdrawn"),
            nullable=False,
        ),
        sa.Column("extended_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _key("offers", "application_id", "applications", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
    )
    with op.batch_alter_table("offers", schema=None) as batch_op:
        for column in ("application_id", "status"):
            batch_op.create_index(batch_op.f(f"ix_offers_{column}"), [column], unique=False)

    op.create_table(
        "placements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=True),
        sa.Column(
            "placement_type",
            _enum("placementtype", "permanent", "contract", "contract_to_hire"),
            nullable=False,
        ),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("salary_cents", sa.Integer(), nullable=True),
        sa.Column("rate_unit", _enum("rateunit", "hour", "day"), nullable=True),
        sa.Column("bill_rate_cents", sa.Integer(), nullable=True),
        sa.Column("pay_rate_cents", sa.Integer(), nullable=True),
        sa.Column("fee_kind", _enum("feekind", "percent", "fixed", "none"), nullable=False),
        sa.Column("fee_percent_bp", sa.Integer(), nullable=True),
        sa.Column("fee_cents", sa.Integer(), nullable=False),
        sa.Column("guarantee_ends_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column(
            "filled_job_from",
            _enum("jobstatus", "open", "on_hold", "filled", "closed"),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _key("placements", "application_id", "applications", "CASCADE"),
        _key("placements", "offer_id", "offers", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placements")),
        sa.UniqueConstraint("application_id", name=op.f("uq_placements_application_id")),
    )
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placements_start_date"), ["start_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placements_start_date"))
    op.drop_table("placements")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        for column in ("status", "application_id"):
            batch_op.drop_index(batch_op.f(f"ix_offers_{column}"))
    op.drop_table("offers")
    # Their timeline entries stay, as notes: the older schema has no such kinds.
    op.execute("UPDATE activities SET kind = 'note' WHERE kind IN ('offer', 'placement')")
    _set_activity_kinds(add=False)
