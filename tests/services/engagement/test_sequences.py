"""Drip sequences: steps on day 0, 3 and 10 with a fake clock, the stop rules (reply,
unsubscribe, do-not-contact, stage change, template problem), idempotency and editing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.services.candidates.bulk import add_to_job
from app.services.candidates.timeline import set_contact_preferences
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.engagement.campaigns import pause_campaign, resume_campaign, stop_campaign
from app.services.engagement.optout import log_reply, unsubscribe
from app.services.engagement.sequences import (
    SequenceStepInput,
    create_sequence,
    enroll,
    enrollment_rows,
    plan_enrollment,
    queue_due_steps,
    stop_enrollment,
    update_steps,
)
from app.services.engagement.templates import TemplateInput, save_template
from app.services.pipeline.board import MoveRequest, move_applications
from app.store.database import Database
from app.store.engagement import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    EmailTemplate,
    MessageState,
    OutboxMessage,
    SequenceEnrollment,
    SequenceStep,
)
from app.store.models import Activity, ActivityKind, Application, Consent, Stage, utc_now
from tests.services.engagement.test_campaigns import configure_mail, make_job, person
from tests.support import AuditWatch, count_rows

DAY = dt.timedelta(days=1)
# A month ago, so that every fake "now" of a test is in the past (replies cannot be logged
# in the future) and the outbox rows' real creation times do not matter.
T0 = (utc_now() - 30 * DAY).replace(microsecond=0)


def template(ctx: ServiceContext, name: str, body: str | None = None) -> int:
    text = body or f"Hi {{{{ candidate.first_name }}}}, this is {name}."
    return save_template(
        ctx, TemplateInput(name, f"{name} for {{{{ candidate.first_name }}}}", text)
    ).value


def three_steps(ctx: ServiceContext) -> list[SequenceStepInput]:
    return [
        SequenceStepInput(template(ctx, "Intro"), 0),
        SequenceStepInput(template(ctx, "Nudge"), 3),
        SequenceStepInput(template(ctx, "Last call"), 10),
    ]


def messages(database: Database) -> list[OutboxMessage]:
    with database.sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def enrolment(database: Database, enrollment_id: int) -> SequenceEnrollment:
    with database.sessions() as session:
        return session.get_one(SequenceEnrollment, enrollment_id)


@pytest.fixture
def mail(ctx: ServiceContext) -> ServiceContext:
    configure_mail(ctx)
    return ctx


@pytest.fixture
def drip(mail: ServiceContext) -> int:
    return create_sequence(mail, "Nurture", three_steps(mail)).value


class TestCreate:
    def test_creates_a_sequence_with_ordered_steps(
        self, mail: ServiceContext, database: Database
    ) -> None:
        steps = three_steps(mail)
        watch = AuditWatch(database)
        campaign_id = create_sequence(mail, "  Warm  leads ", steps).value
        with database.sessions() as session:
            rows = session.scalars(
                select(SequenceStep)
                .where(SequenceStep.campaign_id == campaign_id)
                .order_by(SequenceStep.position)
            ).all()
            assert [(s.position, s.delay_days, s.template_id) for s in rows] == [
                (0, 0, steps[0].template_id),
                (1, 3, steps[1].template_id),
                (2, 10, steps[2].template_id),
            ]
        [entry] = watch.new()
        assert (entry.action, entry.entity_id) == ("sequence.create", campaign_id)
        assert entry.after["name"] == "Warm leads"
        assert [s["delay_days"] for s in entry.after["steps"]] == [0, 3, 10]

    def test_invalid_steps_are_refused_and_nothing_written(
        self, mail: ServiceContext, database: Database
    ) -> None:
        intro, nudge = template(mail, "Intro"), template(mail, "Nudge")
        with database.sessions() as session, session.begin():
            broken = EmailTemplate(name="Broken", subject="Hi", body_text="{{ candidate.shoe }}")
            archived = EmailTemplate(name="Old", subject="Hi", body_text="Hi", archived=True)
            session.add_all([broken, archived])
            session.flush()
            broken_id, archived_id = broken.id, archived.id
        cases = {
            "no steps": ([], "steps"),
            "going back": ([SequenceStepInput(intro, 3), SequenceStepInput(nudge, 1)], "steps"),
            "negative": ([SequenceStepInput(intro, -1)], "steps"),
            "gone": ([SequenceStepInput(99_999, 0)], "templates"),
            "broken": ([SequenceStepInput(intro, 0), SequenceStepInput(broken_id, 2)], "templates"),
            "archived": ([SequenceStepInput(archived_id, 0)], "templates"),
        }
        for label, (steps, field) in cases.items():
            with pytest.raises(ValidationError) as error:
                create_sequence(mail, label, steps)
            assert field in error.value.errors, label
        with pytest.raises(ValidationError) as error:
            create_sequence(
                mail, "x", [SequenceStepInput(intro, 0), SequenceStepInput(broken_id, 2)]
            )
        assert (
            'Step 2 (Broken): Text, line 1: unknown merge field "candidate.shoe"'
            in (error.value.errors["templates"])
        )
        with pytest.raises(ValidationError) as error:
            create_sequence(mail, " ", [SequenceStepInput(intro, 0)])
        assert "name" in error.value.errors
        assert count_rows(database, "campaigns") == 0


class TestEnroll:
    def test_skips_people_who_may_not_be_emailed_and_those_already_in(
        self, mail: ServiceContext, database: Database, drip: int
    ) -> None:
        ana, ben = person(mail, "Ana"), person(mail, "Ben")
        dnc, gone, nomail = (
            person(mail, "Dora"),
            person(mail, "Uma"),
            person(mail, "Nia", email=None),
        )
        set_contact_preferences(mail, dnc, True, Consent.GRANTED)
        unsubscribe(mail, gone)
        first = enroll(mail, drip, [ana], now=T0).value
        watch = AuditWatch(database)
        report = enroll(mail, drip, [ana, ben, dnc, gone, nomail, 99_999, ben], now=T0).value
        assert len(report.enrolled) == 1
        assert (report.already_enrolled, report.not_contactable, report.missing) == (1, 3, 1)
        with database.sessions() as session:
            row = session.get_one(SequenceEnrollment, report.enrolled[0])
            assert (row.candidate_id, row.next_step, row.status) == (ben, 0, "active")
            assert (row.enrolled_at, row.next_due_at) == (T0, T0)
            assert row.application_id is None
        assert len(first.enrolled) == 1
        [entry] = watch.new()
        assert (entry.action, entry.after["candidates"]) == ("sequence.enroll", [ben])

    def test_records_the_application_and_its_stage(
        self, mail: ServiceContext, database: Database
    ) -> None:
        job = make_job(mail)
        with database.sessions() as session:
            stage = session.scalars(
                select(Stage.id).where(Stage.job_id == job).order_by(Stage.position)
            ).first()
        ana, ben = person(mail, "Ana"), person(mail, "Ben")
        [application] = add_to_job(mail, [ana], job, stage, "test").value
        campaign = create_sequence(mail, "Job", three_steps(mail), job_id=job).value
        report = enroll(mail, campaign, [ana, ben], now=T0).value
        with database.sessions() as session:
            rows = {
                r.candidate_id: (r.application_id, r.stage_id_at_enrollment)
                for r in session.scalars(select(SequenceEnrollment))
            }
        assert rows == {ana: (application, stage), ben: (None, None)}
        assert len(report.enrolled) == 2

    def test_a_stopped_sequence_takes_no_one(self, mail: ServiceContext, drip: int) -> None:
        stop_campaign(mail, drip)
        with pytest.raises(ValidationError):
            enroll(mail, drip, [person(mail, "Ana")])
        with pytest.raises(NotFoundError):
            enroll(mail, 99_999, [])


class TestQueueing:
    def test_day_0_3_and_10_each_once(
        self, mail: ServiceContext, database: Database, drip: int
    ) -> None:
        ana = person(mail, "Ana")
        [enrolled] = enroll(mail, drip, [ana], now=T0).value.enrolled
        watch = AuditWatch(database)
        assert queue_due_steps(mail, T0) == 1
        assert queue_due_steps(mail, T0) == 0  # the same moment again: nothing new
        assert enrolment(database, enrolled).next_due_at == T0 + 3 * DAY
        assert queue_due_steps(mail, T0 + 2 * DAY) == 0
        assert queue_due_steps(mail, T0 + 3 * DAY) == 1
        assert queue_due_steps(mail, T0 + 3 * DAY) == 0
        assert enrolment(database, enrolled).next_due_at == T0 + 10 * DAY
        assert queue_due_steps(mail, T0 + 10 * DAY) == 1
        assert queue_due_steps(mail, T0 + 29 * DAY) == 0
        sent = messages(database)
        assert [(m.step_position, m.enrollment_id, m.campaign_id) for m in sent] == [
            (0, enrolled, drip),
            (1, enrolled, drip),
            (2, enrolled, drip),
        ]
        assert [m.subject for m in sent] == [
            "Intro for Ana",
            "Nudge for Ana",
            "Last call for Ana",
        ]
        assert {(m.to_address, m.candidate_id, m.state) for m in sent} == {
            ("ana@example.com", ana, MessageState.QUEUED)
        }
        done = enrolment(database, enrolled)
        assert (done.status, done.next_step, done.next_due_at) == ("finished", 3, None)
        entries = watch.new()
        assert [e.action for e in entries] == ["sequence.steps"] * 3
        assert entries[0].after["queued"] == [
            {"enrollment_id": enrolled, "step": 0, "message_id": sent[0].id}
        ]
        assert entries[2].after["finished"] == [enrolled]

    def test_late_runs_keep_the_gap_between_steps(
        self, mail: ServiceContext, database: Database, drip: int
    ) -> None:
        """The app was closed for twelve days: step 1 goes out, not all three at once."""
        [enrolled] = enroll(mail, drip, [person(mail, "Ana")], now=T0).value.enrolled
        assert queue_due_steps(mail, T0 + 12 * DAY) == 1
        assert enrolment(database, enrolled).next_due_at == T0 + 15 * DAY
        assert queue_due_steps(mail, T0 + 12 * DAY) == 0
        assert queue_due_steps(mail, T0 + 15 * DAY) == 1
        assert enrolment(database, enrolled).next_due_at == T0 + 22 * DAY

    def test_many_enrolments_across_batches(
        self, mail: ServiceContext, database: Database, drip: int
    ) -> None:
        ids = [person(mail, f"P{n:03d}") for n in range(205)]  # more than one batch of 200
        enroll(mail, drip, ids, now=T0)
        assert queue_due_steps(mail, T0) == 205
        assert queue_due_steps(mail, T0) == 0
        assert len({m.candidate_id for m in messages(database)}) == 205

    def test_nothing_is_queued_without_a_mail_account(
        self, ctx: ServiceContext, database: Database
    ) -> None:
        campaign = create_sequence(ctx, "Drip", three_steps(ctx)).value
        [enrolled] = enroll(ctx, campaign, [person(ctx, "Ana")], now=T0).value.enrolled
        assert queue_due_steps(ctx, T0) == 0
        assert enrolment(database, enrolled).next_step == 0
        configure_mail(ctx)
        assert queue_due_steps(ctx, T0) == 1

    def test_paused_and_stopped_sequences_are_left_alone(
        self, mail: ServiceContext, database: Database, drip: int
    ) -> None:
        [enrolled] = enroll(mail, drip, [person(mail, "Ana")], now=T0).value.enrolled
        pause_campaign(mail, drip)
        assert queue_due_steps(mail, T0) == 0
        resume_campaign(mail, drip)
        assert queue_due_steps(mail, T0) == 1
        stop_campaign(mail, drip)
        assert queue_due_steps(mail, T0 + 10 * DAY) == 0
        stopped = enrolment(database, enrolled)
        assert (stopped.status, stopped.stop_reason) == ("stopped", "campaign stopped")


class TestStopRules:
    def test_a_logged_reply_stops_the_sequence_and_its_unsent_step(
        self, mail: ServiceContext, database: Database, drip: int
    ) -> None:
        ana, ben = person(mail, "Ana"), person(mail, "Ben")
        mine, theirs = enroll(mail, drip, [ana, ben], now=T0).value.enrolled
        assert queue_due_steps(mail, T0) == 2
        log_reply(mail, ana, "Re: Intro", "Sounds good, call me.", occurred_at=T0 + DAY)
        stopped = enrolment(database, mine)
        assert (stopped.status, stopped.stop_reason) == ("stopped", "replied")
        [first] = [m for m in messages(database) if m.candidate_id == ana]
        assert first.state is MessageState.CANCELLED  # step 0 was still waiting to go out
        assert queue_due_steps(mail, T0 + 3 * DAY) == 1  # Ben's step only
        assert {m.candidate_id for m in messages(database) if m.step_position == 1} == {ben}
        assert enrolment(database, theirs).next_step == 2

    def test_a_reply_on_the_timeline_is_caught_when_the_step_is_due(
        self, mail: ServiceContext, database: Database, drip: int
    ) -> None:
        """However the reply got onto the timeline, the next step does not go out."""
        ana, ben = person(mail, "Ana"), person(mail, "Ben")
        mine, theirs = enroll(mail, drip, [ana, ben], now=T0).value.enrolled
        with database.sessions() as session, session.begin():
            session.add_all(
                [
                    Activity(
                        candidate_id=ana,
                        kind=ActivityKind.EMAIL,
                        direction="in",
                        subject="Re: hi",
                        occurred_at=T0 + DAY,
                    ),
                    Activity(  # Ben's reply came before he was enrolled: it does not count
                        candidate_id=ben,
                        kind=ActivityKind.EMAIL,
                        direction="in",
                        subject="Old",
                        occurred_at=T0 - DAY,
                    ),
                ]
            )
        assert queue_due_steps(mail, T0 + 2 * DAY) == 1
        assert enrolment(database, mine).stop_reason == "replied"
        assert enrolment(database, theirs).status == "active"

    def test_unsubscribe_and_do_not_contact_stop_it(
        self, mail: ServiceContext, database: Database, drip: int
    ) -> None:
        ana, ben, cy = person(mail, "Ana"), person(mail, "Ben"), person(mail, "Cy")
        a, b, c = enroll(mail, drip, [ana, ben, cy], now=T0).value.enrolled
        unsubscribe(mail, ana)
        set_contact_preferences(mail, ben, True, Consent.UNKNOWN)  # does not touch sequences
        assert enrolment(database, a).stop_reason == "unsubscribed"
        assert enrolment(database, b).status == "active"
        assert queue_due_steps(mail, T0) == 1  # Cy only
        assert enrolment(database, b).stop_reason == "do not contact"
        assert [m.candidate_id for m in messages(database)] == [cy]
        assert enrolment(database, c).next_step == 1

    def test_a_stage_change_stops_it_before_the_next_step(
        self, mail: ServiceContext, database: Database
    ) -> None:
        job = make_job(mail)
        with database.sessions() as session:
            first, second = session.scalars(
                select(Stage.id).where(Stage.job_id == job).order_by(Stage.position).limit(2)
            ).all()
        ana, ben = person(mail, "Ana"), person(mail, "Ben")
        add_to_job(mail, [ana, ben], job, first, "test")
        campaign = create_sequence(mail, "Applied nurture", three_steps(mail), job_id=job).value
        a, b = enroll(mail, campaign, [ana, ben], now=T0).value.enrolled
        assert queue_due_steps(mail, T0) == 2
        with database.sessions() as session:
            moved = session.scalars(
                select(Application).where(Application.candidate_id == ana)
            ).one()
            request = MoveRequest(moved.id, moved.version, second)
        move_applications(mail, [request])
        assert queue_due_steps(mail, T0 + 3 * DAY) == 1
        assert enrolment(database, a).stop_reason == "stage changed"
        assert enrolment(database, b).next_step == 2
        assert [m.candidate_id for m in messages(database) if m.step_position == 1] == [ben]

    def test_a_template_problem_stops_the_enrolment_once(
        self, mail: ServiceContext, database: Database
    ) -> None:
        about_job = template(mail, "Job", "A role is open.")
        campaign = create_sequence(mail, "No job", [SequenceStepInput(about_job, 0)]).value
        [enrolled] = enroll(mail, campaign, [person(mail, "Ana")], now=T0).value.enrolled
        with database.sessions() as session, session.begin():  # broken after enrolment
            session.get_one(EmailTemplate, about_job).body_text = "The {{ job.title }} role."
        watch = AuditWatch(database)
        assert queue_due_steps(mail, T0) == 0
        assert queue_due_steps(mail, T0 + DAY) == 0
        stopped = enrolment(database, enrolled)
        assert (stopped.status, stopped.stop_reason) == (
            "stopped",
            "template problem: no “Job: title”",
        )
        [entry] = watch.new()
        assert entry.after["stopped"] == [
            {
                "enrollment_id": enrolled,
                "reason": "template problem: no “Job: title”",
                "detail": "no “Job: title”",
            }
        ]
        assert count_rows(database, "outbox_messages") == 0


class TestEditing:
    def test_update_steps_moves_running_enrolments_on_by_position(
        self, mail: ServiceContext, database: Database, drip: int
    ) -> None:
        ana, ben = person(mail, "Ana"), person(mail, "Ben")
        a, _b = enroll(mail, drip, [ana, ben], now=T0).value.enrolled
        assert queue_due_steps(mail, T0) == 2
        with database.sessions() as session:
            templates = session.scalars(
                select(SequenceStep.template_id)
                .where(SequenceStep.campaign_id == drip)
                .order_by(SequenceStep.position)
            ).all()
        watch = AuditWatch(database)
        update_steps(
            mail, drip, [SequenceStepInput(templates[0], 0), SequenceStepInput(templates[2], 5)]
        )
        assert enrolment(database, a).next_due_at == T0 + 5 * DAY
        assert queue_due_steps(mail, T0 + 5 * DAY) == 2
        assert {m.subject for m in messages(database) if m.step_position == 1} == {
            "Last call for Ana",
            "Last call for Ben",
        }
        assert enrolment(database, a).status == "finished"
        [entry] = watch.new()[:1]
        assert entry.action == "sequence.steps"
        assert [s["delay_days"] for s in entry.before["steps"]] == [0, 3, 10]
        with pytest.raises(ValidationError):
            update_steps(mail, drip, [])

    def test_shortening_finishes_those_past_the_end(
        self, mail: ServiceContext, database: Database, drip: int
    ) -> None:
        [a] = enroll(mail, drip, [person(mail, "Ana")], now=T0).value.enrolled
        queue_due_steps(mail, T0)
        intro = template(mail, "Only")
        update_steps(mail, drip, [SequenceStepInput(intro, 0)])
        assert (enrolment(database, a).status, enrolment(database, a).next_due_at) == (
            "finished",
            None,
        )

    def test_stop_by_hand_and_the_rows_the_view_shows(
        self, mail: ServiceContext, database: Database, drip: int
    ) -> None:
        ana, ben, cy = person(mail, "Ana"), person(mail, "Ben"), person(mail, "Cy")
        a, b, c = enroll(mail, drip, [ana, ben, cy], now=T0).value.enrolled
        queue_due_steps(mail, T0)
        with database.sessions() as session, session.begin():
            for message in session.scalars(select(OutboxMessage)):
                message.state = MessageState.SENT if message.candidate_id != ben else message.state
        watch = AuditWatch(database)
        assert stop_enrollment(mail, b).value is True
        assert stop_enrollment(mail, b).value is False
        [entry] = watch.new()
        assert entry.action == "sequence.stop_enrollment" and entry.after["enrollment_id"] == b
        [bens] = [m for m in messages(database) if m.candidate_id == ben]
        assert bens.state is MessageState.CANCELLED
        unsubscribe(mail, cy)
        rows = {row.id: row for row in enrollment_rows(mail, drip)}
        assert (rows[a].progress, rows[a].sent, rows[a].candidate_name) == (
            "Step 2 of 3",
            1,
            "Ana Diaz",
        )
        assert rows[b].progress == "Stopped: stopped by user" and rows[b].sent == 0
        assert rows[c].progress == "Stopped: unsubscribed"
        with pytest.raises(NotFoundError):
            stop_enrollment(mail, 99_999)


def test_sequence_campaigns_are_listed_with_their_enrolments(
    mail: ServiceContext, drip: int
) -> None:
    from app.services.engagement.campaigns import list_campaigns

    enroll(mail, drip, [person(mail, "Ana"), person(mail, "Ben")], now=T0)
    queue_due_steps(mail, T0)
    [row] = list_campaigns(mail)
    assert (row.kind, row.status) == (CampaignKind.SEQUENCE, CampaignStatus.ACTIVE)
    assert row.enrollments == {"active": 2} and row.counts == {"queued": 2}
    assert row.display_status == "active"


def test_a_template_archived_since_can_stay_in_the_sequence(
    mail: ServiceContext, database: Database, drip: int
) -> None:
    from app.services.engagement.templates import archive_template

    with database.sessions() as session:
        first = session.scalars(
            select(SequenceStep.template_id).where(
                SequenceStep.campaign_id == drip, SequenceStep.position == 0
            )
        ).one()
    archive_template(mail, first)
    assert update_steps(mail, drip, [SequenceStepInput(first, 1)]).value == 1
    other = template(mail, "Other")
    archive_template(mail, other)
    with pytest.raises(ValidationError) as error:
        update_steps(mail, drip, [SequenceStepInput(first, 0), SequenceStepInput(other, 2)])
    assert "archived" in error.value.errors["templates"]


@dataclass(frozen=True)
class _Watched:
    """Ana and Ben applied to one job, both enrolled in a sequence watching it."""

    second_stage: int
    applications: tuple[int, int]
    enrolments: tuple[int, int]


def _two_watched(mail: ServiceContext, database: Database) -> _Watched:
    job = make_job(mail)
    with database.sessions() as session:
        first, second = session.scalars(
            select(Stage.id).where(Stage.job_id == job).order_by(Stage.position).limit(2)
        ).all()
    ana, ben = person(mail, "Ana"), person(mail, "Ben")
    app_a, app_b = add_to_job(mail, [ana, ben], job, first, "test").value
    campaign = create_sequence(mail, "Watch", three_steps(mail), job_id=job).value
    a, b = enroll(mail, campaign, [ana, ben], now=T0).value.enrolled
    return _Watched(second, (app_a, app_b), (a, b))


def test_the_pipeline_can_stop_sequences_when_the_move_is_made(
    mail: ServiceContext, database: Database
) -> None:
    """`stop_on_stage_change` inside the move's transaction: the stop shows at once."""
    from app.services.engagement.sequences import stop_on_stage_change

    watched = _two_watched(mail, database)
    (app_a, app_b), (a, b) = watched.applications, watched.enrolments
    with mail.write() as tx:
        tx.session.get_one(Application, app_a).stage_id = watched.second_stage
        tx.session.flush()
        assert stop_on_stage_change(tx, [app_a, app_b]) == [a]  # Ben's did not move
    assert enrolment(database, a).stop_reason == "stage changed"
    assert enrolment(database, b).status == "active"


def test_a_pipeline_move_stops_the_watching_sequence_at_once(
    mail: ServiceContext, database: Database
) -> None:
    watched = _two_watched(mail, database)
    (app_a, _app_b), (a, b) = watched.applications, watched.enrolments
    with database.sessions() as session:
        version = session.get_one(Application, app_a).version
    move_applications(mail, [MoveRequest(app_a, version, watched.second_stage)])
    # Stopped by the move itself, before any pass of queue_due_steps.
    assert enrolment(database, a).status == "stopped"
    assert enrolment(database, a).stop_reason == "stage changed"
    assert enrolment(database, b).status == "active"


def test_sequence_detail_reads_the_steps_job_and_running_enrolments_back(
    mail: ServiceContext, database: Database
) -> None:
    from app.services.engagement.sequences import sequence_detail, stop_enrollment

    job = make_job(mail)
    steps = three_steps(mail)
    campaign = create_sequence(mail, "Warm intro", steps, job_id=job).value
    a, _b = enroll(
        mail, campaign, [person(mail, "Ana"), person(mail, "Ben")], now=T0
    ).value.enrolled
    stop_enrollment(mail, a)
    info = sequence_detail(mail, campaign)
    assert (info.id, info.name, info.job_id, info.enrolled) == (campaign, "Warm intro", job, 1)
    assert info.job_title is not None and " — " in info.job_title
    assert [(s.position, s.delay_days, s.template_id, s.template_name) for s in info.steps] == [
        (0, 0, steps[0].template_id, "Intro"),
        (1, 3, steps[1].template_id, "Nudge"),
        (2, 10, steps[2].template_id, "Last call"),
    ]
    with pytest.raises(NotFoundError):
        sequence_detail(mail, campaign + 999)


class TestCheckedWhenSaved:
    """A sequence's templates are checked against its job when it is saved."""

    def test_a_job_field_without_a_job_is_refused(
        self, mail: ServiceContext, database: Database
    ) -> None:
        intro = template(mail, "Intro")
        pitch = template(mail, "Pitch", "The {{ job.title }} role at {{ client.name }}.")
        with pytest.raises(ValidationError) as error:
            create_sequence(
                mail, "Pitch", [SequenceStepInput(intro, 0), SequenceStepInput(pitch, 3)]
            )
        assert error.value.errors == {
            "templates": "Step 2 (Pitch): uses “Job: title” and “Client: name”, but there is "
            "no job: choose a job, or give a fallback",
            "job_id": "The steps use fields of a job: choose the job they are about.",
        }
        assert count_rows(database, "campaigns") == 0
        job = make_job(mail)
        created = create_sequence(
            mail, "Pitch", [SequenceStepInput(intro, 0), SequenceStepInput(pitch, 3)], job
        )
        assert created.value

    def test_a_value_the_job_lacks_and_an_empty_subject_are_refused(
        self, mail: ServiceContext, database: Database
    ) -> None:
        where = template(mail, "Where", "Based in {{ job.location }}.")  # make_job: no location
        with database.sessions() as session, session.begin():
            empty = EmailTemplate(name="Empty", subject=" ", body_text="Hi")  # saved long ago
            blank = EmailTemplate(
                name="Blank", subject='{{ job.location | default("") }}', body_text="Hi"
            )
            session.add_all([empty, blank])
            session.flush()
            empty_id, blank_id = empty.id, blank.id
        job = make_job(mail)
        steps = [
            SequenceStepInput(where, 0),
            SequenceStepInput(blank_id, 1),
            SequenceStepInput(empty_id, 2),
        ]
        with pytest.raises(ValidationError) as error:
            create_sequence(mail, "Local", steps, job)
        lines = error.value.errors["templates"].splitlines()
        assert lines[0] == (
            "Step 1 (Where): the job has no value for “Job: location”: fill it in on the job, "
            "or give a fallback"
        )
        assert lines[1] == "Step 2 (Blank): the subject is empty once merged"
        assert lines[2] == "Step 3 (Empty): the template has no subject"

    def test_editing_the_steps_is_checked_against_the_sequences_job(
        self, mail: ServiceContext, drip: int
    ) -> None:
        pitch = template(mail, "Pitch", "The {{ job.title }} role.")
        with pytest.raises(ValidationError) as error:
            update_steps(mail, drip, [SequenceStepInput(pitch, 0)])
        assert "Step 1 (Pitch): uses “Job: title”" in error.value.errors["templates"]
        assert "job_id" not in error.value.errors  # its job is not changed here

    def test_editing_a_template_may_not_break_a_running_sequence(
        self, mail: ServiceContext, drip: int, database: Database
    ) -> None:
        with database.sessions() as session:
            intro = session.scalars(
                select(SequenceStep.template_id).where(SequenceStep.campaign_id == drip)
            ).first()
        broken = TemplateInput("Intro", "Intro", "Hi, about {{ job.title }}.")
        with pytest.raises(ValidationError) as error:
            save_template(mail, broken, intro)
        assert error.value.errors == {
            "sequences": "Sequence “Nurture”: uses “Job: title”, but there is no job: choose a "
            "job, or give a fallback"
        }
        stop_campaign(mail, drip)  # a stopped sequence sends nothing more: free to change
        assert save_template(mail, broken, intro).value == intro


class TestCheckedWhenEnrolling:
    """Every step is merged for every candidate before anyone is enrolled."""

    def _titled(self, mail: ServiceContext) -> int:
        steps = [
            SequenceStepInput(template(mail, "Intro"), 0),
            SequenceStepInput(template(mail, "Title", "As a {{ candidate.current_title }}…"), 3),
        ]
        return create_sequence(mail, "Titles", steps).value

    def test_nobody_is_enrolled_while_some_cannot_get_every_step(
        self, mail: ServiceContext, database: Database
    ) -> None:
        campaign = self._titled(mail)
        ids = [person(mail, name) for name in ("Ana", "Ben", "Cy", "Dee", "Eve")]
        plan = plan_enrollment(mail, campaign, ids)
        assert (plan.ready, plan.failing, plan.blocked) == ((), tuple(ids), False)
        assert (
            plan.problems[0] == "Ana Diaz: step 2 (Title): “Candidate: current title” has no value"
        )
        assert len(plan.problems) == 5
        watch = AuditWatch(database)
        with pytest.raises(ValidationError) as error:
            enroll(mail, campaign, ids, now=T0)
        assert error.value.errors["recipients"].splitlines() == list(plan.problems)
        assert count_rows(database, "sequence_enrollments") == 0
        assert watch.new() == []

    def test_going_ahead_enrols_only_those_who_pass(
        self, mail: ServiceContext, database: Database
    ) -> None:
        campaign = self._titled(mail)
        ana = person(mail, "Ana", current_title="Analyst")
        ben, cy = person(mail, "Ben"), person(mail, "Cy", current_title="Chemist")
        dnc = person(mail, "Dora", current_title="Dancer")
        set_contact_preferences(mail, dnc, True, Consent.GRANTED)
        plan = plan_enrollment(mail, campaign, [ana, ben, cy, dnc])
        assert (plan.ready, plan.failing, plan.not_contactable) == ((ana, cy), (ben,), 1)
        report = enroll(mail, campaign, [ana, ben, cy, dnc], now=T0, skip_problems=True).value
        assert len(report.enrolled) == 2
        assert (report.with_problems, report.not_contactable, report.skipped) == (1, 1, 2)
        with database.sessions() as session:
            enrolled = set(session.scalars(select(SequenceEnrollment.candidate_id)))
        assert enrolled == {ana, cy}
        assert queue_due_steps(mail, T0) == 2  # and their emails do go out

    def test_the_sequences_own_problems_block_everyone(
        self, mail: ServiceContext, database: Database, drip: int
    ) -> None:
        ana = person(mail, "Ana")
        with database.sessions() as session, session.begin():  # broken since it was saved
            step = session.scalars(
                select(SequenceStep).where(SequenceStep.campaign_id == drip)
            ).first()
            session.get_one(EmailTemplate, step.template_id).subject = " "
        plan = plan_enrollment(mail, drip, [ana])
        assert plan.blocked and plan.ready == () and plan.failing == (ana,)
        assert plan.problems == ("Step 1 (Intro): the template has no subject",)
        with pytest.raises(ValidationError) as error:
            enroll(mail, drip, [ana], skip_problems=True)
        assert error.value.errors == {"templates": "Step 1 (Intro): the template has no subject"}
        assert count_rows(database, "sequence_enrollments") == 0

    def test_the_watched_jobs_values_are_used_for_its_applicants(
        self, mail: ServiceContext, database: Database
    ) -> None:
        job = make_job(mail)
        with database.sessions() as session:
            stage = session.scalars(
                select(Stage.id).where(Stage.job_id == job).order_by(Stage.position)
            ).first()
        ana, ben = person(mail, "Ana"), person(mail, "Ben")
        add_to_job(mail, [ana], job, stage, "test")
        # Saved before job fields were checked at save time: no job of its own.
        with database.sessions() as session, session.begin():
            pitch = EmailTemplate(name="Pitch", subject="Hi", body_text="{{ job.title }}!")
            session.add(pitch)
            session.flush()
            campaign = Campaign(
                name="Old", kind=CampaignKind.SEQUENCE, status=CampaignStatus.ACTIVE
            )
            session.add(campaign)
            session.flush()
            session.add(
                SequenceStep(
                    campaign_id=campaign.id, position=0, delay_days=0, template_id=pitch.id
                )
            )
            campaign_id = campaign.id
        plan = plan_enrollment(mail, campaign_id, [ana, ben], job_id=job)
        assert plan.ready == (ana,) and plan.failing == (ben,)
        assert plan.problems == (
            "Ben Diaz: step 1 (Pitch): uses “Job: title”, but there is no job for them",
        )
        unwatched = plan_enrollment(mail, campaign_id, [ana, ben])
        assert unwatched.blocked


def test_a_step_whose_subject_merges_to_nothing_stops_instead_of_going_out(
    mail: ServiceContext, database: Database
) -> None:
    intro = template(mail, "Intro")
    campaign = create_sequence(mail, "Titles", [SequenceStepInput(intro, 0)]).value
    [enrolled] = enroll(mail, campaign, [person(mail, "Ana")], now=T0).value.enrolled
    with database.sessions() as session, session.begin():  # changed after enrolment
        session.get_one(
            EmailTemplate, intro
        ).subject = '{{ candidate.current_title | default("") }}'
    assert queue_due_steps(mail, T0) == 0
    stopped = enrolment(database, enrolled)
    assert (stopped.status, stopped.stop_reason) == ("stopped", "template problem: empty subject")
    assert count_rows(database, "outbox_messages") == 0
