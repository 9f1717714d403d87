"""Roles enforced in the services, without the window: what each role may change, the
admin's user management (never leaving the database without an admin), hiring managers'
jobs, and the audit trail naming the user."""

from __future__ import annotations

import pytest

from app.services.admin.audit_trail import AuditFilter, audit_page, verify_trail
from app.services.admin.user_admin import (
    add_user,
    list_user_rows,
    managed_job_ids,
    set_active,
    set_hiring_managers,
    set_role,
)
from app.services.candidates.privacy import erase_person, person_data
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.candidates.timeline import add_note
from app.services.core.context import ServiceContext
from app.services.core.roles import Permission, PermissionDenied, Role, allowed
from app.services.core.unit_of_work import ValidationError
from app.services.core.users import SYSTEM_ACTOR, ensure_user
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.jobs import JobInput, create_job
from app.store.database import Database
from tests.support import sqlite_rows


def _as(database: Database, login: str, role: Role, admin: ServiceContext) -> ServiceContext:
    add_user(admin, login, None, role.value)
    return ServiceContext(database.sessions, ensure_user(database.sessions, login))


@pytest.fixture
def admin(database: Database) -> ServiceContext:
    actor = ensure_user(database.sessions, "ada.admin")
    assert actor.role == Role.ADMIN  # the first user of a database
    return ServiceContext(database.sessions, actor)


@pytest.fixture
def person(admin: ServiceContext) -> int:
    return create_candidate(admin, CandidateInput("Grace", "Hopper")).value


def test_the_second_user_is_a_recruiter(database: Database, admin: ServiceContext) -> None:
    assert ensure_user(database.sessions, "second.person").role == Role.RECRUITER


def test_a_hiring_manager_changes_nothing(database, admin, person) -> None:
    manager = _as(database, "harry.manager", Role.HIRING_MANAGER, admin)
    with pytest.raises(PermissionDenied, match=r"harry.manager \(hiring manager\) may not change"):
        add_note(manager, person, "I like this one")
    with pytest.raises(PermissionDenied):
        create_candidate(manager, CandidateInput("New", "Person"))
    assert sqlite_rows(database.path, "SELECT count(*) FROM activities WHERE kind = 'note'") == [
        (0,)
    ]


def test_compliance_reads_and_erases_but_edits_no_record(database, admin, person) -> None:
    compliance = _as(database, "carla.compliance", Role.COMPLIANCE, admin)
    with pytest.raises(PermissionDenied):
        add_note(compliance, person, "a note")
    assert verify_trail(compliance).ok
    assert audit_page(compliance, AuditFilter())
    assert person_data(compliance, person)["tables"]["candidates"]
    erase_person(compliance, person, None)
    rows = sqlite_rows(database.path, f"SELECT first_name FROM candidates WHERE id = {person}")
    assert rows == [("Erased",)]


def test_a_recruiter_edits_but_manages_no_user_and_reads_no_audit(database, admin, person):
    recruiter = _as(database, "rita.recruiter", Role.RECRUITER, admin)
    add_note(recruiter, person, "Called back")
    with pytest.raises(PermissionDenied, match="manage users"):
        add_user(recruiter, "someone", None, "admin")
    with pytest.raises(PermissionDenied, match="audit trail"):
        audit_page(recruiter, AuditFilter())
    with pytest.raises(PermissionDenied, match="erase"):
        erase_person(recruiter, person, None)
    assert not allowed(recruiter.actor, Permission.VIEW_EEO)


def test_eeo_answers_are_for_compliance_alone(database, admin) -> None:
    compliance = _as(database, "carla.compliance", Role.COMPLIANCE, admin)
    assert allowed(compliance.actor, Permission.VIEW_EEO)
    assert not allowed(admin.actor, Permission.VIEW_EEO)
    assert allowed(SYSTEM_ACTOR, Permission.VIEW_EEO)  # start-up housekeeping, bulk loads


def test_the_audit_trail_names_the_user(database, admin, person) -> None:
    recruiter = _as(database, "rita.recruiter", Role.RECRUITER, admin)
    add_note(recruiter, person, "Called back")
    rows = sqlite_rows(
        database.path,
        "SELECT a.actor, u.username, u.role FROM audit_entries a JOIN users u ON u.id = a.user_id"
        " WHERE a.action LIKE 'activity.%' ORDER BY a.id DESC LIMIT 1",
    )
    assert rows == [("rita.recruiter", "rita.recruiter", "recruiter")]


def test_the_last_admin_keeps_the_role(database, admin) -> None:
    me = admin.actor.user_id
    assert me is not None
    with pytest.raises(ValidationError, match="only admin"):
        set_role(admin, me, "recruiter")
    with pytest.raises(ValidationError, match="only active admin"):
        set_active(admin, me, False)
    other = add_user(admin, "bo.admin", "Bo", "admin").value
    set_role(admin, me, "recruiter")  # another admin exists now
    roles = {row.username: row.role for row in list_user_rows(admin)}
    assert roles == {"ada.admin": "recruiter", "bo.admin": "admin"}
    assert other


def test_bad_usernames_and_roles_are_refused(admin) -> None:
    with pytest.raises(ValidationError, match="no spaces"):
        add_user(admin, "two words", None, "recruiter")
    with pytest.raises(ValidationError, match="Unknown role"):
        add_user(admin, "x", None, "owner")
    add_user(admin, "twice", None, "recruiter")
    with pytest.raises(ValidationError, match="already has an account"):
        add_user(admin, "twice", None, "recruiter")


def test_hiring_managers_follow_jobs(database, admin) -> None:
    manager = _as(database, "harry.manager", Role.HIRING_MANAGER, admin)
    recruiter = _as(database, "rita.recruiter", Role.RECRUITER, admin)
    client = create_client(admin, ClientInput("Acme")).value
    job = create_job(admin, JobInput(client, "Data Engineer")).value
    assert managed_job_ids(manager) == []
    assert managed_job_ids(recruiter) is None  # no limit
    set_hiring_managers(admin, job, [manager.actor.user_id])
    assert managed_job_ids(manager) == [job]
    with pytest.raises(ValidationError, match="hiring-manager role"):
        set_hiring_managers(admin, job, [recruiter.actor.user_id])


def test_a_hiring_manager_reads_only_the_jobs_they_follow(database, admin) -> None:
    from app.services.candidates.bulk import add_to_job
    from app.services.candidates.records import candidate_page, candidate_profile
    from app.services.candidates.search import search_candidates
    from app.services.pipeline.board import load_board, load_pipeline
    from app.services.pipeline.jobs import get_job, list_jobs

    manager = _as(database, "harry.manager", Role.HIRING_MANAGER, admin)
    client = create_client(admin, ClientInput("Acme")).value
    followed = create_job(admin, JobInput(client, "Data Engineer")).value
    other = create_job(admin, JobInput(client, "Office Manager")).value
    applied = create_candidate(admin, CandidateInput("Ann", "Applicant")).value
    elsewhere = create_candidate(admin, CandidateInput("Olaf", "Other")).value
    for person, job in ((applied, followed), (elsewhere, other)):
        first_stage = sqlite_rows(database.path, f"SELECT min(id) FROM stages WHERE job_id={job}")
        add_to_job(admin, [person], job, first_stage[0][0], "test")
    set_hiring_managers(admin, followed, [manager.actor.user_id])

    assert [row.id for row in list_jobs(manager)] == [followed]
    assert {row.id for row in list_jobs(admin)} == {followed, other}
    assert load_board(manager, followed).cards
    assert get_job(manager, followed).title == "Data Engineer"
    with pytest.raises(PermissionDenied, match="outside the jobs they follow"):
        load_board(manager, other)
    with pytest.raises(PermissionDenied):
        get_job(manager, other)
    pipeline = load_pipeline(manager)
    assert {card.candidate_id for card in pipeline.cards} == {applied}
    assert candidate_profile(manager, applied).name == "Ann Applicant"
    with pytest.raises(PermissionDenied):
        candidate_profile(manager, elsewhere)
    with pytest.raises(PermissionDenied):
        candidate_page(manager, 0, 50)
    with pytest.raises(PermissionDenied):
        search_candidates(manager, "Olaf")
