"""Talent pools on the CRM side: built-in pools computed from pipeline history, members with
engagement, adding and removing members, smart pools."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services.candidates.pools import (
    PAST_APPLICANTS,
    SILVER_MEDALISTS,
    add_members,
    count_members,
    list_pools,
    member_ids,
    pool_members,
    remove_members,
)
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.store.database import Database
from app.store.models import (
    Activity,
    ActivityKind,
    Application,
    Candidate,
    Client,
    Job,
    JobStatus,
    Stage,
    StageChange,
    StageKind,
    utc_now,
)
from tests.support import AuditWatch, create_pool

STAGES = (
    ("Applied", StageKind.ACTIVE),
    ("Screened", StageKind.ACTIVE),
    ("Interviewed", StageKind.ACTIVE),
    ("Offered", StageKind.ACTIVE),
    ("Hired", StageKind.HIRED),
    ("Rejected", StageKind.REJECTED),
)


class World:
    """Hand-built jobs, candidates and pipeline histories in a real database."""

    def __init__(self, database: Database):
        self.database = database
        with database.sessions() as session, session.begin():
            client = Client(name="Acme")
            session.add(client)
            session.flush()
            self.client_id = client.id

    def job(self, title: str, status: JobStatus = JobStatus.OPEN) -> dict[str, int]:
        """A job with the standard stages; returns stage ids by name (and the job's id)."""
        with self.database.sessions() as session, session.begin():
            job = Job(
                client_id=self.client_id, title=title, status=status, opened_on=dt.date(2026, 1, 5)
            )
            for position, (name, kind) in enumerate(STAGES):
                job.stages.append(Stage(name=name, kind=kind, position=position))
            session.add(job)
            session.flush()
            return {"job": job.id} | {stage.name: stage.id for stage in job.stages}

    def person(self, first: str, last: str = "Test", **fields: object) -> int:
        with self.database.sessions() as session, session.begin():
            candidate = Candidate(first_name=first, last_name=last, **fields)
            session.add(candidate)
            session.flush()
            return candidate.id

    def history(self, candidate_id: int, job: dict[str, int], *stages: str) -> int:
        """An application that went through ``stages`` in order (stays in the last one)."""
        with self.database.sessions() as session, session.begin():
            application = Application(
                candidate_id=candidate_id, job_id=job["job"], stage_id=job[stages[-1]]
            )
            session.add(application)
            session.flush()
            previous = None
            for name in stages:
                session.add(
                    StageChange(
                        application_id=application.id,
                        from_stage_id=previous,
                        to_stage_id=job[name],
                    )
                )
                previous = job[name]
            return application.id


@pytest.fixture
def world(database: Database) -> World:
    return World(database)


def test_silver_medalists_reached_interview_on_a_job_filled_by_someone_else(
    ctx: ServiceContext, world: World
):
    filled = world.job("Analyst", JobStatus.FILLED)
    open_job = world.job("Engineer")
    winner = world.person("Winner")
    finalist = world.person("Finalist")
    offered = world.person("Offered")
    early = world.person("Early")
    interviewed_elsewhere = world.person("Unfilled")
    world.history(winner, filled, "Applied", "Interviewed", "Offered", "Hired")
    world.history(finalist, filled, "Applied", "Screened", "Interviewed", "Rejected")
    world.history(offered, filled, "Applied", "Offered")
    world.history(early, filled, "Applied", "Screened", "Rejected")
    world.history(interviewed_elsewhere, open_job, "Applied", "Interviewed", "Rejected")

    assert sorted(member_ids(ctx, SILVER_MEDALISTS)) == sorted([finalist, offered])
    assert winner not in member_ids(ctx, SILVER_MEDALISTS)  # hired → out
    assert interviewed_elsewhere not in member_ids(ctx, SILVER_MEDALISTS)  # not filled → out


def test_silver_medalist_needs_a_hire_on_that_job_not_just_the_status(
    ctx: ServiceContext, world: World
):
    closed = world.job("Closed without a hire", JobStatus.CLOSED)
    person = world.person("Close")
    world.history(person, closed, "Applied", "Interviewed", "Rejected")
    assert member_ids(ctx, SILVER_MEDALISTS) == []
    # ...but they are a past applicant of a closed job
    assert member_ids(ctx, PAST_APPLICANTS) == [person]


def test_silver_medalist_by_position_when_stages_are_renamed(
    ctx: ServiceContext, world: World, database: Database
):
    job = world.job("Designer")
    with database.sessions() as session, session.begin():
        session.get(Stage, job["Offered"]).name = "Final round"
    hired, finalist = world.person("Hired"), world.person("Final")
    world.history(hired, job, "Applied", "Hired")
    world.history(finalist, job, "Applied", "Offered")  # now "Final round", after Interviewed
    assert member_ids(ctx, SILVER_MEDALISTS) == [finalist]


def test_past_applicants_of_filled_or_closed_jobs_who_were_not_hired(
    ctx: ServiceContext, world: World
):
    filled = world.job("Filled", JobStatus.FILLED)
    closed = world.job("Closed", JobStatus.CLOSED)
    open_job = world.job("Open")
    hired, applicant, other, current = (world.person(n) for n in ("H", "A", "O", "C"))
    world.history(hired, filled, "Applied", "Hired")
    world.history(applicant, filled, "Applied", "Rejected")
    world.history(other, closed, "Applied")
    world.history(current, open_job, "Applied")
    assert sorted(member_ids(ctx, PAST_APPLICANTS)) == sorted([applicant, other])
    rows = {row.id: row for row in list_pools(ctx, include_builtin=True)}
    assert (rows[PAST_APPLICANTS].members, rows[PAST_APPLICANTS].kind) == (2, "builtin")
    assert [row.id for row in list_pools(ctx)] == []  # built-ins only when asked for


def test_members_show_last_contact_and_unknowns(
    ctx: ServiceContext, world: World, database: Database
):
    pool = create_pool(ctx, "Bench").value
    ada, bob = world.person("Ada", "Alpha"), world.person("Bob", "Beta")
    when = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    with database.sessions() as session, session.begin():
        session.add_all(
            [
                Activity(candidate_id=ada, kind=ActivityKind.CALL, occurred_at=when),
                Activity(
                    candidate_id=ada,
                    kind=ActivityKind.NOTE,
                    occurred_at=when + dt.timedelta(days=5),
                ),
                Activity(
                    candidate_id=ada,
                    kind=ActivityKind.EMAIL,
                    occurred_at=when - dt.timedelta(days=5),
                ),
            ]
        )
    add_members(ctx, pool, [bob, ada])
    members = pool_members(ctx, pool, 0, 10)
    assert [m.name for m in members] == ["Ada Alpha", "Bob Beta"]
    assert members[0].last_contacted == when  # the note is not a contact
    assert members[1].last_contacted is None
    assert (members[0].replied, members[0].campaigns) == (None, 0)  # nothing logged yet
    assert members[0].added_at is not None
    assert [m.name for m in pool_members(ctx, pool, 1, 10)] == ["Bob Beta"]


def _email(candidate_id: int, when: dt.datetime, direction: str | None) -> Activity:
    return Activity(
        candidate_id=candidate_id, kind=ActivityKind.EMAIL, occurred_at=when, direction=direction
    )


def _sent(candidate_id: int, campaign_id: int | None, state: str, n: int) -> object:
    from app.store.engagement import MessageState, OutboxMessage

    return OutboxMessage(
        campaign_id=campaign_id,
        candidate_id=candidate_id,
        to_address=f"person{candidate_id}@example.com",
        subject="Hello",
        body_text="Hello",
        message_id=f"<{candidate_id}.{n}@example.com>",
        state=MessageState(state),
    )


def test_members_show_replies_campaigns_and_outgoing_email(
    ctx: ServiceContext, world: World, database: Database
):
    from app.store.engagement import Campaign, CampaignKind

    pool = create_pool(ctx, "Nurture").value
    ada, bob, cy = world.person("Ada", "A"), world.person("Bob", "B"), world.person("Cy", "C")
    day = dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC)
    with database.sessions() as session, session.begin():
        first, second, third = (Campaign(name=f"C{n}", kind=CampaignKind.BULK) for n in range(3))
        session.add_all([first, second, third])
        session.flush()
        session.add_all(
            [
                # Ada: we called, she replied twice (the later one counts), we emailed after.
                Activity(candidate_id=ada, kind=ActivityKind.CALL, occurred_at=day),
                _email(ada, day + dt.timedelta(days=10), "out"),
                _email(ada, day + dt.timedelta(days=3), "in"),
                _email(ada, day + dt.timedelta(days=9), "in"),
                # Bob: only his reply is logged; a reply is not us contacting him.
                _email(bob, day + dt.timedelta(days=4), "in"),
                # Ada got two emails from the first campaign and one from the second; the
                # third campaign's email to her failed, and a one-off has no campaign.
                _sent(ada, first.id, "sent", 1),
                _sent(ada, first.id, "sent", 2),
                _sent(ada, second.id, "sent", 3),
                _sent(ada, third.id, "failed", 4),
                _sent(ada, None, "sent", 5),
                # Bob's campaign email is still queued; Cy is in no campaign.
                _sent(bob, third.id, "queued", 6),
            ]
        )
    add_members(ctx, pool, [ada, bob, cy])
    members = {m.candidate_id: m for m in pool_members(ctx, pool, 0, 10)}
    assert members[ada].last_contacted == day + dt.timedelta(days=10)  # the outgoing email
    assert members[ada].replied == day + dt.timedelta(days=9)
    assert members[ada].campaigns == 2
    assert (members[bob].last_contacted, members[bob].replied) == (None, day + dt.timedelta(4))
    assert members[bob].campaigns == 0
    assert (members[cy].last_contacted, members[cy].replied, members[cy].campaigns) == (
        None,
        None,
        0,
    )
    # Paging from member ids found a moment ago (by the section's worker) reads only those.
    assert [m.candidate_id for m in pool_members(ctx, pool, 0, 10, [cy, ada])] == [ada, cy]
    # The Candidates filter reads "contacted" the same way: Bob's reply does not make him so.
    from app.services.candidates.records import CandidateFilters, candidate_page

    since = (utc_now() - day).days + 1
    contacted = candidate_page(ctx, 0, 10, filters=CandidateFilters(contacted_within_days=since))
    assert [row.id for row in contacted] == [ada]


def test_add_and_remove_members_are_audited_and_idempotent(
    ctx: ServiceContext, world: World, database: Database
):
    pool = create_pool(ctx, "Bench").value
    people = [world.person(f"P{n}") for n in range(3)]
    watch = AuditWatch(database)
    added = add_members(ctx, pool, [*people, people[0]])
    assert added.value == 3
    assert dict(added.changes.ids) == {ChangeKind.POOLS: {pool}}
    assert [e.action for e in watch.new()] == ["pool.add_member"] * 3
    assert add_members(ctx, pool, people[:2]).value == 0
    assert count_members(ctx, pool) == 3
    assert remove_members(ctx, pool, people[:2]).value == 2
    assert member_ids(ctx, pool) == [people[2]]
    assert [e.action for e in watch.new()][-2:] == ["pool.remove_member"] * 2


def test_computed_pools_refuse_hand_edits(ctx: ServiceContext, world: World):
    person = world.person("P")
    with pytest.raises(ValidationError) as raised:
        add_members(ctx, SILVER_MEDALISTS, [person])
    assert "computed" in raised.value.errors["pool"]


def test_smart_pool_follows_the_candidates(ctx: ServiceContext, world: World, database: Database):
    from tests.support import create_smart_pool

    world.person("Grace", "Hopper", current_title="COBOL engineer")
    pool = create_smart_pool(ctx, "COBOL people", "cobol").value
    assert count_members(ctx, pool) == 1
    later = world.person("Jean", "Sammet", current_title="Cobol designer")
    assert later in member_ids(ctx, pool)
    assert {row.id: row.kind for row in list_pools(ctx)}[pool] == "smart"
