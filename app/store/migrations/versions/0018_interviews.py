"""Interviews and scorecards: an application's interviews with their interviewers and the
invite's UID and sequence, scorecard templates (the agency's and each client's) and their
attributes, each job's attributes and whether a scorecard is required, and the scorecards with
their 1-5 ratings.

Revision ID: 0018_interviews
Revises: 0020_placements
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_interviews"
down_revision: str | None = "0020_placements"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scorecard_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_scorecard_templates_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorecard_templates")),
        sa.UniqueConstraint("client_id", "name", name="uq_scorecard_templates_client_name"),
    )
    with op.batch_alter_table("scorecard_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scorecard_templates_client_id"), ["client_id"], unique=False
        )

    op.create_table(
        "job_scorecards",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_job_scorecards_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["scorecard_templates.id"],
            name=op.f("fk_job_scorecards_template_id_scorecard_templates"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_job_scorecards")),
    )
    op.create_table(
        "scorecard_attributes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(template_id IS NULL) != (job_id IS NULL)",
            name=op.f("ck_scorecard_attributes_template_or_job"),
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["jobs.id"],
            name=op.f("fk_scorecard_attributes_job_id_jobs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["scorecard_templates.id"],
            name=op.f("fk_scorecard_attributes_template_id_scorecard_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorecard_attributes")),
    )
    with op.batch_alter_table("scorecard_attributes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scorecard_attributes_job_id"), ["job_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_scorecard_attributes_template_id"), ["template_id"], unique=False
        )

    op.create_table(
        "interviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=120), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "scheduled",
                "cancelled",
                name="interviewstatus",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=True),
        sa.Column("video_link", sa.String(length=500), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("candidate_invited", sa.Boolean(), nullable=False),
        sa.Column("organizer_id", sa.Integer(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("duration_minutes > 0", name=op.f("ck_interviews_duration_positive")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_interviews_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organizer_id"],
            ["users.id"],
            name=op.f("fk_interviews_organizer_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviews")),
        sa.UniqueConstraint("uid", name=op.f("uq_interviews_uid")),
    )
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interviews_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index("ix_interviews_starts_at", ["starts_at"], unique=False)

    op.create_table(
        "interview_attendees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_interview_attendees_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_interview_attendees_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_interview_attendees_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_attendees")),
        sa.UniqueConstraint(
            "interview_id", "contact_id", name=op.f("uq_interview_attendees_interview_id")
        ),
        sa.UniqueConstraint("interview_id", "user_id", name="uq_interview_attendees_user_id"),
    )
    with op.batch_alter_table("interview_attendees", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interview_attendees_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_interview_attendees_interview_id"), ["interview_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_interview_attendees_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "scorecards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("attendee_id", sa.Integer(), nullable=False),
        sa.Column(
            "recommendation",
            sa.Enum(
                "strong_no",
                "no",
                "yes",
                "strong_yes",
                name="recommendation",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attendee_id"],
            ["interview_attendees.id"],
            name=op.f("fk_scorecards_attendee_id_interview_attendees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_scorecards_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorecards")),
        sa.UniqueConstraint("interview_id", "attendee_id", name=op.f("uq_scorecards_interview_id")),
    )
    with op.batch_alter_table("scorecards", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scorecards_attendee_id"), ["attendee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_scorecards_interview_id"), ["interview_id"], unique=False
        )

    op.create_table(
        "scorecard_ratings",
        sa.Column("scorecard_id", sa.Integer(), nullable=False),
        sa.Column("attribute_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "rating BETWEEN 1 AND 5", name=op.f("ck_scorecard_ratings_rating_range")
        ),
        sa.ForeignKeyConstraint(
            ["attribute_id"],
            ["scorecard_attributes.id"],
            name=op.f("fk_scorecard_ratings_attribute_id_scorecard_attributes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scorecard_id"],
            ["scorecards.id"],
            name=op.f("fk_scorecard_ratings_scorecard_id_scorecards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("scorecard_id", "attribute_id", name=op.f("pk_scorecard_ratings")),
    )
    with op.batch_alter_table("scorecard_ratings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scorecard_ratings_attribute_id"), ["attribute_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("scorecard_ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scorecard_ratings_attribute_id"))

    op.drop_table("scorecard_ratings")
    with op.batch_alter_table("scorecards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scorecards_interview_id"))
        batch_op.drop_index(batch_op.f("ix_scorecards_attendee_id"))

    op.drop_table("scorecards")
    with op.batch_alter_table("interview_attendees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interview_attendees_user_id"))
        batch_op.drop_index(batch_op.f("ix_interview_attendees_interview_id"))
        batch_op.drop_index(batch_op.f("ix_interview_attendees_contact_id"))

    op.drop_table("interview_attendees")
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.drop_index("ix_interviews_starts_at")
        batch_op.drop_index(batch_op.f("ix_interviews_application_id"))

    op.drop_table("interviews")
    with op.batch_alter_table("scorecard_attributes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scorecard_attributes_template_id"))
        batch_op.drop_index(batch_op.f("ix_scorecard_attributes_job_id"))

    op.drop_table("scorecard_attributes")
    op.drop_table("job_scorecards")
    with op.batch_alter_table("scorecard_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scorecard_templates_client_id"))

    op.drop_table("scorecard_templates")
