"""A scripted hiring history through the services: a job with a hiring-manager contact and
an EEO job category, applicants who answered the self-identification form, moves, a
rejection, a withdrawal, a hire and an undone move."""

from __future__ import annotations

from dataclasses import dataclass

from app.services.admin.user_admin import add_user
from app.services.candidates.bulk import add_to_job
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.compliance.eeo import EeoInput, record_eeo_answers
from app.services.core.context import ServiceContext
from app.services.core.roles import Role
from app.services.core.users import ensure_user
from app.services.pipeline.board import MoveRequest, Replay, load_board, move_applications
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.contacts import ContactInput, JobPeople, create_contact
from app.services.pipeline.jobs import JobInput, create_job
from app.store.database import Database
from app.store.enums import (
    DisabilityStatus,
    EeoJobCategory,
    HispanicLatino,
    Race,
    Sex,
    VeteranStatus,
)


@dataclass
class World:
    admin: ServiceContext
    recruiter: ServiceContext
    compliance: ServiceContext
    job_id: int
    applications: dict[str, int]
    candidates: dict[str, int]


def as_role(database: Database, admin: ServiceContext, login: str, role: Role) -> ServiceContext:
    add_user(admin, login, None, role.value)
    return ServiceContext(database.sessions, ensure_user(database.sessions, login))


def move(ctx: ServiceContext, job_id: int, application_id: int, stage: str, **extra) -> None:
    board = load_board(ctx, job_id)
    card = next(card for card in board.cards if card.application_id == application_id)
    target = next(info.id for info in board.stages if info.name == stage)
    move_applications(ctx, [MoveRequest(application_id, card.version, target, **extra)])


# The answers each applicant gave: Ada is Hispanic (so counted as such whatever her race).
ANSWERS = {
    "Ada": EeoInput(
        HispanicLatino.YES, Race.WHITE, Sex.FEMALE, VeteranStatus.NOT_PROTECTED,
        DisabilityStatus.NO,
    ),
    "Brian": EeoInput(
        HispanicLatino.NO, Race.PACIFIC_ISLANDER, Sex.MALE, VeteranStatus.PROTECTED,
        DisabilityStatus.YES,
    ),
    "Chen": EeoInput(
        HispanicLatino.DECLINED, Race.DECLINED, Sex.DECLINED, VeteranStatus.DECLINED,
        DisabilityStatus.DECLINED,
    ),
}  # fmt: skip


def world(database: Database) -> World:
    admin = ServiceContext(database.sessions, ensure_user(database.sessions, "ada.admin"))
    recruiter = as_role(database, admin, "rita.recruiter", Role.RECRUITER)
    compliance = as_role(database, admin, "carla.compliance", Role.COMPLIANCE)
    client = create_client(recruiter, ClientInput(name="Northwind")).value
    manager = create_contact(
        recruiter, client, ContactInput("Helen", "Hiring", is_hiring_manager=True)
    ).value
    job = create_job(
        recruiter,
        JobInput(
            client,
            "Backend Engineer",
            people=JobPeople(manager, ()),
            eeo_category=EeoJobCategory.PROFESSIONALS,
        ),
    ).value
    names = ("Ada", "Brian", "Chen", "Dana")
    people = {
        name: create_candidate(
            recruiter,
            CandidateInput(name, "Tester", email=f"{name.lower()}@example.org", source="Referral"),
        ).value
        for name in names
    }
    applied = load_board(recruiter, job).stages[0].id
    add_to_job(recruiter, list(people.values()), job, applied, "Referral")
    by_candidate = {
        card.candidate_id: card.application_id for card in load_board(recruiter, job).cards
    }
    applications = {name: by_candidate[people[name]] for name in names}
    for name, answers in ANSWERS.items():  # Dana did not answer
        record_eeo_answers(recruiter, applications[name], answers)
    # Ada: Screened, Interviewed, Offered, Hired.
    for stage in ("Screened", "Interviewed", "Offered", "Hired"):
        move(recruiter, job, applications["Ada"], stage)
    # Brian: Screened, Interviewed, then rejected.
    for stage in ("Screened", "Interviewed"):
        move(recruiter, job, applications["Brian"], stage)
    move(recruiter, job, applications["Brian"], "Rejected", rejection_reason="Not enough Go")
    # Chen: moved to Offered by mistake, taken back by undo, then withdrew.
    move(recruiter, job, applications["Chen"], "Screened")
    move(recruiter, job, applications["Chen"], "Offered")
    move(recruiter, job, applications["Chen"], "Screened", replay=Replay.UNDO)
    move(recruiter, job, applications["Chen"], "Withdrawn")
    return World(admin, recruiter, compliance, job, applications, people)
