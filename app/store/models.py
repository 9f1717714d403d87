"""The Hirebench data model: SQLAlchemy 2.0 typed mappings.

Times are stored in UTC (naive in SQLite, made aware again on load). A candidate is one row
whether it sits in a talent pool, a pipeline or both: pools and applications point at it.
Every schema change needs a new Alembic migration in ``app/store/migrations/versions``.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# The enums live in plain Python (`app.store.enums`) so that the GUI can use them without the
# ORM; named again here for code that reads them with the tables.
from app.store.enums import ActivityKind as ActivityKind
from app.store.enums import BasicQualifications as BasicQualifications
from app.store.enums import Consent as Consent
from app.store.enums import EeoJobCategory as EeoJobCategory
from app.store.enums import JobStatus as JobStatus
from app.store.enums import StageKind as StageKind
from app.store.textpack import PackedText

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp kept in UTC: aware datetimes in Python, naive UTC text in SQLite."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass a timezone-aware value")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


def _enum(cls: type[enum.StrEnum]) -> Enum:
    # Stored as the readable value, checked by a named constraint.
    return Enum(
        cls,
        values_callable=lambda members: [m.value for m in members],
        native_enum=False,
        create_constraint=True,
        name=cls.__name__.lower(),
        length=20,
    )


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class User(Base):
    """A recruiter using Hirebench; the actor named in audit entries."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    # admin | recruiter | compliance | hiring_manager (`app.services.core.roles`, 0024).
    role: Mapped[str] = mapped_column(
        String(20),
        CheckConstraint(
            "role IN ('admin', 'recruiter', 'compliance', 'hiring_manager')", name="ck_users_role"
        ),
        default="recruiter",
        server_default="recruiter",
    )


class JobHiringManager(Base):
    """A user with the hiring-manager role following a job: they read its pipeline
    (migration 0024)."""

    __tablename__ = "job_hiring_managers"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Client(TimestampMixin, Base):
    """A client company the agency recruits for."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    industry: Mapped[str | None] = mapped_column(String(120))
    website: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    location: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)

    contacts: Mapped[list[Contact]] = relationship(back_populates="client")
    jobs: Mapped[list[Job]] = relationship(back_populates="client")


class Contact(TimestampMixin, Base):
    """A person at a client, usually a hiring manager."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(40))
    is_hiring_manager: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str | None] = mapped_column(Text)
    # Every address and number, the first being ``email``/``phone`` (kept for old readers).
    emails: Mapped[list[Any]] = mapped_column(default=list)
    phones: Mapped[list[Any]] = mapped_column(default=list)
    # Archived contacts stay on the jobs that name them but are no longer offered.
    archived_at: Mapped[dt.datetime | None]

    client: Mapped[Client] = relationship(back_populates="contacts")


class JobInterviewer(Base):
    """A client contact who interviews for a job."""

    __tablename__ = "job_interviewers"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Candidate(TimestampMixin, Base):
    """A person, once, whatever pools and pipelines they are in."""

    __tablename__ = "candidates"
    __table_args__ = (
        Index("ix_candidates_name", "last_name", "first_name"),
        Index("ix_candidates_created_at", "created_at"),
        Index("ix_candidates_source", "source"),
        # The Candidates table sorts by these (migration 0012).
        Index("ix_candidates_current_title", "current_title"),
        Index("ix_candidates_current_employer", "current_employer"),
        Index("ix_candidates_location", "location"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    middle_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    headline: Mapped[str | None] = mapped_column(String(300))
    current_title: Mapped[str | None] = mapped_column(String(200))
    current_employer: Mapped[str | None] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(200))
    links: Mapped[list[Any]] = mapped_column(default=list)
    source: Mapped[str | None] = mapped_column(String(120))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    do_not_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    consent: Mapped[Consent] = mapped_column(_enum(Consent), default=Consent.UNKNOWN)
    consent_at: Mapped[dt.datetime | None]
    summary: Mapped[str | None] = mapped_column(Text)
    # Set when the person asked for no more email (migration 0009); every send skips them.
    unsubscribed_at: Mapped[dt.datetime | None]

    emails: Mapped[list[CandidateEmail]] = relationship(
        back_populates="candidate",
        cascade="all, delete-orphan",
        order_by="CandidateEmail.position",
    )
    phones: Mapped[list[CandidatePhone]] = relationship(
        back_populates="candidate",
        cascade="all, delete-orphan",
        order_by="CandidatePhone.position",
    )
    experiences: Mapped[list[Experience]] = relationship(
        back_populates="candidate", cascade="all, delete-orphan", order_by="Experience.position"
    )
    educations: Mapped[list[Education]] = relationship(
        back_populates="candidate", cascade="all, delete-orphan", order_by="Education.position"
    )
    skills: Mapped[list[Skill]] = relationship(secondary="candidate_skills")
    tags: Mapped[list[Tag]] = relationship(secondary="candidate_tags")
    applications: Mapped[list[Application]] = relationship(back_populates="candidate")

    @property
    def primary_email(self) -> str | None:
        return self.emails[0].email if self.emails else None


class CandidateEmail(Base):
    __tablename__ = "candidate_emails"
    __table_args__ = (UniqueConstraint("candidate_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    candidate: Mapped[Candidate] = relationship(back_populates="emails")


class CandidatePhone(Base):
    __tablename__ = "candidate_phones"
    __table_args__ = (UniqueConstraint("candidate_id", "phone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    phone: Mapped[str] = mapped_column(String(40), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    candidate: Mapped[Candidate] = relationship(back_populates="phones")


class Experience(Base):
    """One entry of a candidate's work history."""

    __tablename__ = "experiences"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    company: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    start: Mapped[str | None] = mapped_column(String(10))  # YYYY or YYYY-MM
    end: Mapped[str | None] = mapped_column(String(10))  # YYYY, YYYY-MM or "present"
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)

    candidate: Mapped[Candidate] = relationship(back_populates="experiences")


class Education(Base):
    __tablename__ = "educations"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    institution: Mapped[str] = mapped_column(String(200))
    degree: Mapped[str | None] = mapped_column(String(200))
    year: Mapped[str | None] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(Integer, default=0)

    candidate: Mapped[Candidate] = relationship(back_populates="educations")


class Skill(Base):
    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class CandidateSkill(Base):
    __tablename__ = "candidate_skills"

    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(
        ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    color: Mapped[str | None] = mapped_column(String(9))


class CandidateTag(Base):
    __tablename__ = "candidate_tags"

    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Document(Base):
    """A resume file, kept in the data folder under its SHA-256, with its text and parse."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="SET NULL"), index=True
    )
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int] = mapped_column(Integer)
    stored_path: Mapped[str] = mapped_column(String(500))  # relative to the documents folder
    text: Mapped[str | None] = mapped_column(PackedText)  # stored compressed (zlib)
    parsed_fields: Mapped[dict[str, Any] | None]
    parse_status: Mapped[str] = mapped_column(String(40), default="pending")
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class Job(TimestampMixin, Base):
    """A requisition: an opening at a client."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("openings >= 1", name="openings_positive"),
        # One job per posting reference, ignoring case; only the jobs that have one (0028).
        Index(
            "ix_jobs_posting_reference",
            text("lower(posting_reference)"),
            unique=True,
            sqlite_where=text("posting_reference IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[JobStatus] = mapped_column(_enum(JobStatus), default=JobStatus.OPEN, index=True)
    openings: Mapped[int] = mapped_column(Integer, default=1)
    opened_on: Mapped[dt.date] = mapped_column(Date)
    filled_on: Mapped[dt.date | None] = mapped_column(Date)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    hiring_manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL")
    )
    # The EEO-1 job category the applicant flow log reports it under (migration 0025).
    eeo_category: Mapped[EeoJobCategory | None] = mapped_column(_enum(EeoJobCategory))
    # The requisition number it is advertised under ("REQ-2026-014"): an email whose subject
    # carries it is an application for this job (migration 0028).
    posting_reference: Mapped[str | None] = mapped_column(String(40))

    client: Mapped[Client] = relationship(back_populates="jobs")
    owner: Mapped[User | None] = relationship()
    stages: Mapped[list[Stage]] = relationship(
        back_populates="job", cascade="all, delete-orphan", order_by="Stage.position"
    )


class Stage(Base):
    """One column of a job's pipeline, in order."""

    __tablename__ = "stages"
    __table_args__ = (UniqueConstraint("job_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[StageKind] = mapped_column(_enum(StageKind), default=StageKind.ACTIVE)
    sla_days: Mapped[int | None] = mapped_column(Integer)

    job: Mapped[Job] = relationship(back_populates="stages")


class StageTemplate(Base):
    """A client's own stage set: the pipeline its new jobs start with (migration 0003)."""

    __tablename__ = "stage_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), unique=True
    )

    steps: Mapped[list[StageTemplateStep]] = relationship(
        back_populates="template",
        cascade="all, delete-orphan",
        order_by="StageTemplateStep.position",
    )


class StageTemplateStep(Base):
    """One stage of a client's template, in order."""

    __tablename__ = "stage_template_steps"
    __table_args__ = (UniqueConstraint("template_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("stage_templates.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[StageKind] = mapped_column(_enum(StageKind), default=StageKind.ACTIVE)
    position: Mapped[int] = mapped_column(Integer)
    sla_days: Mapped[int | None] = mapped_column(Integer)

    template: Mapped[StageTemplate] = relationship(back_populates="steps")


class RejectionReason(Base):
    """A reason offered when rejecting an application; retired ones stay, inactive.

    Applications keep the reason's text, so editing this list never rewrites history.
    """

    __tablename__ = "rejection_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(200), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class StageTally(Base):
    """How many applications stand in each stage, kept exact by database triggers.

    Lets the Jobs screen and pipeline summaries read a few thousand rows instead of counting
    hundreds of thousands of applications. Written only by the triggers (migration 0002).
    """

    __tablename__ = "stage_counts"

    stage_id: Mapped[int] = mapped_column(
        ForeignKey("stages.id", ondelete="CASCADE"), primary_key=True
    )
    applications: Mapped[int] = mapped_column(Integer, default=0)


class Application(TimestampMixin, Base):
    """A candidate in a job's pipeline. ``version`` guards against lost updates."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("candidate_id", "job_id"),
        Index("ix_applications_job_stage", "job_id", "stage_id"),
        # Covers a job board's query: its applications in board order, no table lookups.
        Index(
            "ix_applications_board",
            "job_id",
            "board_position",
            "id",
            "candidate_id",
            "stage_id",
            "stage_entered_at",
            "rating",
            "source",
            "version",
            "rejection_reason",
        ),
        # The applications made in a date range, for the reports (migration 0021).
        Index("ix_applications_cohort", "applied_at", "job_id", "source", "stage_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), index=True)
    source: Mapped[str | None] = mapped_column(String(120))
    applied_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    stage_entered_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    rejection_reason: Mapped[str | None] = mapped_column(String(200))
    rating: Mapped[int | None] = mapped_column(Integer)
    board_position: Mapped[float] = mapped_column(Float, default=0.0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Whether the applicant meets the job's basic qualifications, for the applicant flow
    # log (migration 0025).
    basic_qualifications: Mapped[BasicQualifications] = mapped_column(
        _enum(BasicQualifications),
        default=BasicQualifications.UNKNOWN,
        server_default=BasicQualifications.UNKNOWN.value,
    )

    candidate: Mapped[Candidate] = relationship(back_populates="applications")
    job: Mapped[Job] = relationship()
    stage: Mapped[Stage] = relationship()

    __mapper_args__ = {"version_id_col": version}


class StageChange(Base):
    """Every move of an application, kept for history and reports."""

    __tablename__ = "stage_changes"
    __table_args__ = (
        Index("ix_stage_changes_to_stage", "to_stage_id"),
        # What the reports read (migration 0021): stays and moves by date, how far each
        # application got.
        Index(
            "ix_stage_changes_stays",
            "changed_at",
            "from_stage_id",
            "from_entered_at",
            "changed_by_id",
            "to_stage_id",
        ),
        Index("ix_stage_changes_reach", "application_id", "to_stage_id"),
        # The few changes made by undo (see app.services.pipeline.board.UNDO_PREFIX).
        Index(
            "ix_stage_changes_undo",
            "application_id",
            sqlite_where=text("reason LIKE 'Undo of%'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up through ix_stage_changes_reach, which begins with it (migration 0027).
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    from_stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id", ondelete="SET NULL"))
    to_stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"))
    changed_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(String(200))
    # When the application entered ``from_stage_id``: its previous change's time, written by
    # a database trigger on insert (migration 0021); the time-in-stage report reads it.
    from_entered_at: Mapped[dt.datetime | None]


# The timeline rows the recruiter activity report counts: its partial index holds these
# only, and its query repeats this term word for word so that SQLite uses it.
ACTIVITY_REPORT_ROWS = "kind IN ('note', 'call', 'email')"


class Activity(Base):
    """The candidate's timeline: notes, emails, calls, meetings and stage changes."""

    __tablename__ = "activities"
    __table_args__ = (
        # A person's timeline is a few dozen rows, sorted in memory (migration 0027).
        Index("ix_activities_candidate", "candidate_id"),
        # Recruiter activity by date (migration 0021): the notes, calls and emails it counts,
        # not every stage change (migration 0027).
        Index(
            "ix_activities_report",
            "occurred_at",
            "kind",
            "user_id",
            "direction",
            "application_id",
            sqlite_where=text(ACTIVITY_REPORT_ROWS),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[ActivityKind] = mapped_column(_enum(ActivityKind))
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # For emails: "out" (we sent it) or "in" (the candidate's reply, logged); migration 0009.
    direction: Mapped[str | None] = mapped_column(String(3))


class TalentPool(TimestampMixin, Base):
    """A long-term list of people: past applicants, silver medalists, sourced talent."""

    __tablename__ = "talent_pools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # "static" (hand-picked members), "smart" (members are whoever ``query`` finds, see
    # app.services.candidates.search) or "builtin" (kept by Hirebench itself). Migration 0007.
    kind: Mapped[str] = mapped_column(String(20), default="static", server_default="static")
    query: Mapped[str | None] = mapped_column(Text)  # a smart pool's saved search


class PoolMembership(Base):
    __tablename__ = "pool_memberships"

    pool_id: Mapped[int] = mapped_column(
        ForeignKey("talent_pools.id", ondelete="CASCADE"), primary_key=True
    )
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(String(300))


class AuditEntry(Base):
    """Append-only record of every write: who, when, what, and the values before and after.

    The migrations add triggers that refuse DELETE on this table, and UPDATE except the one
    that seals a new entry.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_entity", "entity_type", "entity_id"),
        Index("ix_audit_entries_unsealed", "id", sqlite_where=text("chain_hash IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utc_now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(80))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    # SHA-256 of the stored values and of the chain up to here, set when the writing
    # transaction commits (`app.store.audit_chain`, migration 0022).
    content_hash: Mapped[str | None] = mapped_column(String(64))
    chain_hash: Mapped[str | None] = mapped_column(String(64))


class AuditRedaction(Base):
    """A person's data erased from one audit entry's ``before`` and ``after`` (migration
    0022): the entry keeps its hashes, so the chain still links, and this row says when, by
    whom and why its content no longer matches its content hash. Append-only."""

    __tablename__ = "audit_redactions"

    entry_id: Mapped[int] = mapped_column(ForeignKey("audit_entries.id"), primary_key=True)
    redacted_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    actor: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(String(200))


class DuplicateSuspect(Base):
    """Two candidates who may be one person: a similar name and the same city or employer,
    but no shared email or phone. Kept until a recruiter merges or dismisses them
    (migration 0005)."""

    __tablename__ = "duplicate_suspects"
    __table_args__ = (UniqueConstraint("candidate_id", "other_candidate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    other_candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    resolved_at: Mapped[dt.datetime | None]


class Task(TimestampMixin, Base):
    """A follow-up a recruiter owes: what to do, by which day (and maybe hour), about whom.

    The due day and time are the recruiter's local calendar, not an instant: "call at 14:00"
    stays 14:00. A task is about at most one candidate, job or client; a deleted candidate's
    tasks go with them, while a task about a job or client that is deleted stays (its title
    still says what to do) with the link cleared. Marking it done writes the timeline entry
    ``activity_id`` for a candidate's task; ``reminded_at`` records that its due-time notice
    was shown, so each task is announced once (migration 0014).
    """

    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_owner_done_due", "owner_id", "done", "due_on", "due_time"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[dt.date] = mapped_column(Date)
    due_time: Mapped[dt.time | None] = mapped_column(Time)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    job_id: Mapped[int | None] = mapped_column(
        ForeignKey("jobs.id", ondelete="SET NULL"), index=True
    )
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="SET NULL"), index=True
    )
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    completed_at: Mapped[dt.datetime | None]
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL"), index=True
    )
    reminded_at: Mapped[dt.datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)


class ReviewExample(Base):
    """A resume whose parse a recruiter corrected on the review screen: what the parser read
    (``parsed``, as ``ParsedResume.to_json``), the values the recruiter accepted for the fields
    they changed (``corrected``), and the file it came from, so that corrections become
    labelled examples for the parser's tests (``hirebench parse --corrections``).

    The file is named by its document and also by its SHA-256 and name, which outlive the
    document row (migration 0015).
    """

    __tablename__ = "review_examples"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True
    )
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(120))
    parsed: Mapped[dict[str, Any]]
    corrected: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
