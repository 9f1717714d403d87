"""Merging two candidates re-points their email: outbox messages, sequence enrolments and
the unsubscribe."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.services.candidates.bulk import add_to_job
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.core.context import ServiceContext
from app.services.engagement.optout import unsubscribe
from app.services.engagement.outbox import Draft, add_to_outbox
from app.services.intake.importer import merge_candidates
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.jobs import JobInput, create_job
from app.store.database import Database
from app.store.engagement import (
    Campaign,
    CampaignKind,
    EnrollmentStatus,
    MessageState,
    OutboxMessage,
    SequenceEnrollment,
)
from app.store.models import Application, AuditEntry, Candidate, Stage, utc_now


def person(ctx: ServiceContext, first: str, email: str) -> int:
    return create_candidate(ctx, CandidateInput(first, "Merge", email=email)).value


def sequence(database: Database, name: str) -> int:
    with database.sessions() as session, session.begin():
        campaign = Campaign(name=name, kind=CampaignKind.SEQUENCE)
        session.add(campaign)
        session.flush()
        return campaign.id


def enrol(database: Database, campaign_id: int, candidate_id: int, **values: object) -> int:
    with database.sessions() as session, session.begin():
        row = SequenceEnrollment(
            campaign_id=campaign_id,
            candidate_id=candidate_id,
            next_due_at=utc_now() + dt.timedelta(days=1),
            **values,
        )
        session.add(row)
        session.flush()
        return row.id


def queue(
    database: Database, candidate_id: int, enrollment_id: int | None = None, **state: object
) -> int:
    with database.sessions() as session, session.begin():
        [message_id] = add_to_outbox(
            session,
            [
                Draft(
                    "x@example.com",
                    "Hi",
                    "Hello",
                    candidate_id=candidate_id,
                    enrollment_id=enrollment_id,
                )
            ],
            domain="example.com",
        )
        if state:
            session.get_one(OutboxMessage, message_id).state = state["state"]
        return message_id


def test_merge_moves_messages_and_enrolments_and_drops_the_duplicate(
    ctx: ServiceContext, database: Database
) -> None:
    keep, other = person(ctx, "Keep", "keep@example.com"), person(ctx, "Other", "o@example.com")
    shared, only_other = sequence(database, "Shared"), sequence(database, "Only other")
    kept_enrolment = enrol(database, shared, keep)
    duplicate = enrol(database, shared, other)
    moved_enrolment = enrol(database, only_other, other)
    sent = queue(database, other, duplicate, state=MessageState.SENT)
    waiting = queue(database, other, moved_enrolment)
    mine = queue(database, keep)
    result = merge_candidates(ctx, keep, other, {}).value
    assert result.moved["outbox_messages"] == 2
    assert result.moved["enrollments"] == 1 and result.moved["dropped_enrollments"] == 1
    with database.sessions() as session:
        rows = {m.id: m for m in session.scalars(select(OutboxMessage))}
        assert {rows[i].candidate_id for i in (sent, waiting, mine)} == {keep}
        assert rows[sent].enrollment_id == kept_enrolment  # history follows the kept enrolment
        assert rows[waiting].enrollment_id == moved_enrolment
        assert rows[waiting].state is MessageState.QUEUED  # still contactable: still going
        enrolments = {
            e.id: (e.campaign_id, e.candidate_id, e.status)
            for e in session.scalars(select(SequenceEnrollment))
        }
        assert enrolments == {
            kept_enrolment: (shared, keep, EnrollmentStatus.ACTIVE),
            moved_enrolment: (only_other, keep, EnrollmentStatus.ACTIVE),
        }
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "candidate.merge")
        ).one()
        assert entry.after["moved"]["outbox_messages"] == 2


def test_survivor_stays_unsubscribed_if_either_was(ctx: ServiceContext, database: Database) -> None:
    keep, other = person(ctx, "Keep", "keep@example.com"), person(ctx, "Other", "o@example.com")
    campaign = sequence(database, "Nurture")
    running = enrol(database, campaign, keep)
    waiting = queue(database, keep, running)
    unsubscribe(ctx, other)
    merge_candidates(ctx, keep, other, {})
    with database.sessions() as session:
        survivor = session.get_one(Candidate, keep)
        assert survivor.unsubscribed_at is not None
        enrolment = session.get_one(SequenceEnrollment, running)
        assert (enrolment.status, enrolment.stop_reason) == (
            EnrollmentStatus.STOPPED,
            "unsubscribed",
        )
        assert session.get_one(OutboxMessage, waiting).state is MessageState.CANCELLED
        assert session.get(Candidate, other) is None


def test_a_watched_application_dropped_by_the_merge_is_replaced_by_the_survivors(
    ctx: ServiceContext, database: Database
) -> None:
    keep, other = person(ctx, "Keep", "keep@example.com"), person(ctx, "Other", "o@example.com")
    client = create_client(ctx, ClientInput(name="Initech")).value
    job = create_job(ctx, JobInput(client_id=client, title="Analyst")).value
    with database.sessions() as session:
        first, second = session.scalars(
            select(Stage.id).where(Stage.job_id == job).order_by(Stage.position).limit(2)
        ).all()
    add_to_job(ctx, [keep], job, second, "test")
    add_to_job(ctx, [other], job, first, "test")
    with database.sessions() as session:
        apps = dict(session.execute(select(Application.candidate_id, Application.id)).all())
    campaign = sequence(database, "Job nurture")
    watching = enrol(
        database, campaign, other, application_id=apps[other], stage_id_at_enrollment=first
    )
    result = merge_candidates(ctx, keep, other, {}).value
    assert result.dropped_applications == (apps[other],)
    with database.sessions() as session:
        enrolment = session.get_one(SequenceEnrollment, watching)
        assert (enrolment.candidate_id, enrolment.application_id) == (keep, apps[keep])
        assert enrolment.stage_id_at_enrollment == second  # the survivor's stage, unchanged
        assert enrolment.status is EnrollmentStatus.ACTIVE
