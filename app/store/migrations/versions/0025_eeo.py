"""Voluntary self-identification and the applicant flow log: the EEO answers in a table of
their own (one row per application, nothing else reads it), a job's EEO-1 job category and
whether an applicant meets the job's basic qualifications.

The two new columns are plain ADD COLUMNs with their checks, not table copies: applications
and jobs are large and carry triggers.

Revision ID: 0025_eeo
Revises: 0022_search_size
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_eeo"
down_revision: str | None = "0022_search_size"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JOB_CATEGORIES = (
    "executives",
    "managers",
    "professionals",
    "technicians",
    "sales",
    "administrative",
    "craft",
    "operatives",
    "laborers",
    "service",
)
QUALIFICATIONS = ("unknown", "met", "not_met")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


def _listed(values: Sequence[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def upgrade() -> None:
    op.execute(
        "ALTER TABLE jobs ADD COLUMN eeo_category VARCHAR(20) CONSTRAINT ck_jobs_eeojobcategory"
        f" CHECK (eeo_category IN ({_listed(JOB_CATEGORIES)}))"
    )
    op.execute(
        "ALTER TABLE applications ADD COLUMN basic_qualifications VARCHAR(20) NOT NULL"
        " DEFAULT 'unknown' CONSTRAINT ck_applications_basicqualifications"
        f" CHECK (basic_qualifications IN ({_listed(QUALIFICATIONS)}))"
    )
    op.create_table(
        "eeo_answers",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("hispanic_latino", _enum("hispaniclatino", "yes", "no", "declined")),
        sa.Column(
            "race",
            _enum(
                "race",
                "hispanic_latino",
                "white",
                "black",
                "pacific_islander",
                "asian",
                "native_american",
                "two_or_more",
                "declined",
            ),
        ),
        sa.Column("sex", _enum("sex", "female", "male", "declined")),
        sa.Column("veteran", _enum("veteranstatus", "protected", "not_protected", "declined")),
        sa.Column("disability", _enum("disabilitystatus", "yes", "no", "declined")),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_eeo_answers_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_eeo_answers_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("application_id", name=op.f("pk_eeo_answers")),
    )


def downgrade() -> None:
    op.drop_table("eeo_answers")
    op.execute("ALTER TABLE applications DROP COLUMN basic_qualifications")
    op.execute("ALTER TABLE jobs DROP COLUMN eeo_category")
