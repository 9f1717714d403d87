"""Sending: the send plan (skip counts, blocking problems), bulk and one-off sends, scheduled
sends and campaign control (pause, resume, stop)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import func, insert, select

from app.mail.render import TemplateSource
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.candidates.timeline import set_contact_preferences
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.engagement.campaigns import (
    NOT_CONFIGURED,
    Renderer,
    candidate_values,
    list_campaigns,
    pause_campaign,
    plan_send,
    recipient_rows,
    resume_campaign,
    send_one,
    send_to_candidates,
    stop_campaign,
)
from app.services.engagement.mail_settings import (
    AccountInput,
    load_account,
    load_branding,
    save_account,
)
from app.services.engagement.optout import unsubscribe
from app.services.engagement.outbox import sendable_condition
from app.services.engagement.templates import merge_values
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.jobs import JobInput, create_job
from app.store.database import Database
from app.store.engagement import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    MessageState,
    OutboxMessage,
)
from app.store.models import Candidate, CandidateEmail, Consent, utc_now
from tests.support import AuditWatch, count_rows

HELLO = TemplateSource(
    subject="News for {{ candidate.first_name }}",
    body_text="Hi {{ candidate.first_name }},\n\nA new role came up.\n\n{{ recruiter.name }}",
)
ABOUT_JOB = TemplateSource(
    subject="{{ job.title }} at {{ client.name }}",
    body_text="Hi {{ candidate.first_name }}, are you open to {{ job.title }}?",
)


def configure_mail(ctx: ServiceContext) -> None:
    """A local relay, as the Settings screen would save it."""
    save_account(
        ctx,
        AccountInput(
            host="127.0.0.1",
            port=2525,
            security="none",
            from_name="Acme Talent",
            from_address="jobs@acme-talent.example",
            rate_per_minute=0,
        ),
    )


def person(
    ctx: ServiceContext, first: str, last: str = "Diaz", email: str | None = "", **more: str
) -> int:
    address = f"{first.lower()}@example.com" if email == "" else email
    data = CandidateInput(first_name=first, last_name=last, email=address, **more)
    return create_candidate(ctx, data).value


def make_job(ctx: ServiceContext, title: str = "Data Engineer") -> int:
    client = create_client(ctx, ClientInput(name=f"Initech {title}")).value
    return create_job(ctx, JobInput(client_id=client, title=title)).value


def messages(database: Database) -> list[OutboxMessage]:
    with database.sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.fixture
def mail(ctx: ServiceContext) -> ServiceContext:
    configure_mail(ctx)
    return ctx


class TestPlan:
    def test_skip_counts_and_recipients(self, mail: ServiceContext, database: Database) -> None:
        ana, ben = person(mail, "Ana"), person(mail, "Ben")
        dnc, withdrawn = person(mail, "Dora"), person(mail, "Wes")
        gone, no_email = person(mail, "Uma"), person(mail, "Nia", email=None)
        set_contact_preferences(mail, dnc, True, Consent.GRANTED)
        set_contact_preferences(mail, withdrawn, False, Consent.WITHDRAWN)
        unsubscribe(mail, gone)
        ids = [ana, dnc, ben, withdrawn, gone, no_email, ana, 99_999]
        plan = plan_send(mail, ids, HELLO)
        assert [(r.candidate_id, r.name, r.email) for r in plan.recipients] == [
            (ana, "Ana Diaz", "ana@example.com"),
            (ben, "Ben Diaz", "ben@example.com"),
        ]
        assert (plan.skipped_do_not_contact, plan.skipped_unsubscribed) == (2, 1)
        assert (plan.skipped_no_email, plan.skipped_missing, plan.skipped) == (1, 1, 4)
        assert plan.problems == [] and plan.can_send
        assert plan.summary() == (
            "2 recipients; skipped: 2 do not contact, 1 unsubscribed, 1 without an email address"
        )
        assert count_rows(database, "outbox_messages") == 0  # planning queues nothing

    def test_missing_values_are_listed_per_recipient(self, mail: ServiceContext) -> None:
        ana = person(mail, "Ana", current_title="Analyst")
        ben = person(mail, "Ben")
        template = TemplateSource(
            subject="Hello {{ candidate.first_name }}",
            body_text="As a {{ candidate.current_title }}, you might like {{ job.title }}.",
        )
        plan = plan_send(mail, [ana, ben], template)
        assert not plan.can_send
        # The missing job is the send's problem, said once and pointing at the job selector;
        # only what the person lacks is listed by name.
        assert plan.problems == [
            "The email uses “Job: title”, but no job is chosen: choose a job above.",
            "Ben Diaz: “Candidate: current title” has no value",
        ]
        assert plan.needs_job == ("job.title",)
        with_job = plan_send(mail, [ana, ben], template, job_id=make_job(mail))
        assert with_job.problems == ["Ben Diaz: “Candidate: current title” has no value"]
        assert with_job.needs_job == ()

    def test_template_errors_come_before_any_recipient(self, mail: ServiceContext) -> None:
        ana = person(mail, "Ana")
        bad = TemplateSource(subject="Hi {{ candidate.frist_name }}", body_text="{% if %}")
        plan = plan_send(mail, [ana], bad)
        assert plan.recipients and not plan.can_send
        assert any("candidate.frist_name" in p and "first_name" in p for p in plan.problems)
        assert any(p.startswith("Text") for p in plan.problems)
        assert not any(p.startswith("Ana Diaz") for p in plan.problems)

    def test_an_unconfigured_account_blocks_the_send(self, ctx: ServiceContext) -> None:
        plan = plan_send(ctx, [person(ctx, "Ana")], HELLO)
        assert plan.problems == [NOT_CONFIGURED]

    def test_long_problem_lists_are_summed_up(self, mail: ServiceContext) -> None:
        ids = [person(mail, f"P{n:03d}") for n in range(55)]
        titled = TemplateSource(
            "Hi {{ candidate.first_name }}", "As a {{ candidate.current_title }} at {{ job.title }}"
        )
        plan = plan_send(mail, ids, titled)
        assert len(plan.problems) == 1 + 50 + 1  # the job once, 50 people, then the total
        assert plan.problems[1] == "P000 Diaz: “Candidate: current title” has no value"
        assert plan.problems[-1] == "… and 5 more recipients with problems"
        one_more = plan_send(mail, ids[:51], titled)
        assert one_more.problems[-1] == "… and 1 more recipient with problems"


class TestBulkSend:
    def test_queues_one_message_each_in_one_audited_campaign(
        self, mail: ServiceContext, database: Database
    ) -> None:
        ana, ben = person(mail, "Ana"), person(mail, "Ben", last="<b>Bold</b>")
        dnc = person(mail, "Dora")
        set_contact_preferences(mail, dnc, True, Consent.UNKNOWN)
        watch = AuditWatch(database)
        before = utc_now()
        result = send_to_candidates(
            mail, [ana, ben, dnc], HELLO, name=" Spring  check-in ", audience="Pool: Silver"
        )
        campaign_id = result.value
        with database.sessions() as session:
            campaign = session.get_one(Campaign, campaign_id)
            assert (campaign.name, campaign.kind, campaign.status) == (
                "Spring check-in",
                CampaignKind.BULK,
                CampaignStatus.ACTIVE,
            )
            assert campaign.audience == "Pool: Silver"
            assert campaign.created_by_id == mail.actor.user_id
        queued = messages(database)
        assert [(m.candidate_id, m.to_address) for m in queued] == [
            (ana, "ana@example.com"),
            (ben, "ben@example.com"),
        ]
        assert {m.state for m in queued} == {MessageState.QUEUED}
        assert {m.campaign_id for m in queued} == {campaign_id}
        assert queued[0].subject == "News for Ana"
        assert queued[1].to_name == "Ben <b>Bold</b>"
        assert "Hi Ana," in queued[0].body_text and "Acme Talent" in queued[0].body_text
        assert len({m.message_id for m in queued}) == 2
        assert all(m.message_id.endswith("@acme-talent.example>") for m in queued)
        assert all(before <= m.next_attempt_at <= utc_now() for m in queued)
        [entry] = watch.new()
        assert (entry.action, entry.entity_type, entry.entity_id) == (
            "campaign.send",
            "campaign",
            campaign_id,
        )
        assert entry.after["queued"] == 2
        assert entry.after["skipped"]["do_not_contact"] == 1
        assert result.changes.touches(ChangeKind.CAMPAIGNS, ChangeKind.OUTBOX)

    def test_merged_values_are_escaped_in_html(
        self, mail: ServiceContext, database: Database
    ) -> None:
        evil = person(mail, "<script>alert(1)</script>", email="evil@example.com")
        send_to_candidates(mail, [evil], HELLO, name="Escape test")
        [message] = messages(database)
        assert "<script>" not in message.body_html
        assert "&lt;script&gt;" in message.body_html
        assert "<script>alert(1)</script>" in message.body_text  # plain text stays as typed

    def test_a_missing_field_blocks_before_anything_is_queued(
        self, mail: ServiceContext, database: Database
    ) -> None:
        ids = [person(mail, "Ana"), person(mail, "Ben")]
        watch = AuditWatch(database)
        with pytest.raises(ValidationError) as error:
            send_to_candidates(mail, ids, ABOUT_JOB, name="No job")
        assert error.value.errors["template"] == (
            "The email uses “Job: title” and “Client: name”, but no job is chosen: "
            "choose a job above."
        )
        assert count_rows(database, "outbox_messages") == 0
        assert count_rows(database, "campaigns") == 0
        assert watch.new() == []

    def test_no_one_to_send_to_is_refused(self, mail: ServiceContext, database: Database) -> None:
        gone = person(mail, "Uma")
        unsubscribe(mail, gone)
        with pytest.raises(ValidationError) as error:
            send_to_candidates(mail, [gone], HELLO, name="Nobody")
        assert "1 unsubscribed" in error.value.errors["recipients"]
        with pytest.raises(ValidationError) as error:
            send_to_candidates(mail, [person(mail, "Ana")], HELLO, name="  ")
        assert "name" in error.value.errors
        assert count_rows(database, "campaigns") == 0

    def test_scheduled_send_is_due_at_its_time(
        self, mail: ServiceContext, database: Database
    ) -> None:
        ids = [person(mail, "Ana"), person(mail, "Ben")]
        when = (utc_now() + dt.timedelta(days=2)).replace(microsecond=0)
        campaign_id = send_to_candidates(
            mail, ids, HELLO, name="Monday news", scheduled_at=when
        ).value
        assert {m.next_attempt_at for m in messages(database)} == {when}

        def due(at: dt.datetime) -> int:
            o = OutboxMessage.__table__.c
            with database.sessions() as session:
                return session.scalar(
                    select(func.count()).where(
                        o.state == MessageState.QUEUED, o.next_attempt_at <= at
                    )
                )

        assert due(utc_now()) == 0
        assert due(when + dt.timedelta(seconds=1)) == 2  # e.g. the app reopened on Tuesday
        [row] = [r for r in list_campaigns(mail) if r.id == campaign_id]
        assert row.scheduled_at == when and row.counts == {"queued": 2}

    def test_bad_schedules_are_refused(self, mail: ServiceContext, database: Database) -> None:
        ana = person(mail, "Ana")
        with pytest.raises(ValidationError) as error:
            send_to_candidates(
                mail, [ana], HELLO, name="x", scheduled_at=utc_now() - dt.timedelta(hours=1)
            )
        assert "passed" in error.value.errors["scheduled_at"]
        with pytest.raises(ValidationError):
            send_to_candidates(mail, [ana], HELLO, name="x", scheduled_at=dt.datetime(2030, 1, 1))
        assert count_rows(database, "outbox_messages") == 0


class TestOneOff:
    def test_one_off_from_a_profile(self, mail: ServiceContext, database: Database) -> None:
        ana = person(mail, "Ana")
        job = make_job(mail)
        result = send_one(mail, ana, ABOUT_JOB, job_id=job)
        [message] = messages(database)
        assert message.id == result.value
        assert message.subject == "Data Engineer at Initech Data Engineer"
        with database.sessions() as session:
            campaign = session.get_one(Campaign, message.campaign_id)
            assert campaign.kind is CampaignKind.ONE_OFF and campaign.job_id == job
            assert campaign.audience == "Ana Diaz"
            assert campaign.name == "Email to Ana Diaz: Data Engineer at Initech Data Engineer"

    def test_refused_for_people_who_may_not_be_emailed(
        self, mail: ServiceContext, database: Database
    ) -> None:
        dnc, gone, nomail = (
            person(mail, "Dora"),
            person(mail, "Uma"),
            person(mail, "Nia", email=None),
        )
        set_contact_preferences(mail, dnc, True, Consent.GRANTED)
        unsubscribe(mail, gone)
        expected = {
            dnc: "Dora Diaz cannot be emailed: do not contact.",
            gone: "Uma Diaz cannot be emailed: unsubscribed.",
            nomail: "Nia Diaz cannot be emailed: no email address.",
        }
        for candidate_id, message in expected.items():
            with pytest.raises(ValidationError) as error:
                send_one(mail, candidate_id, HELLO)
            assert error.value.errors == {"candidate": message}
        with pytest.raises(NotFoundError):
            send_one(mail, 99_999, HELLO)
        with pytest.raises(ValidationError) as error:
            send_one(mail, person(mail, "Ana"), ABOUT_JOB)  # no job chosen
        assert error.value.errors == {
            "template": "The email uses “Job: title” and “Client: name”, but no job is "
            "chosen: choose a job above."
        }
        assert count_rows(database, "outbox_messages") == 0
        assert count_rows(database, "campaigns") == 0


class TestCampaignControl:
    def _sendable(self, database: Database) -> set[int]:
        with database.sessions() as session:
            return set(
                session.scalars(
                    select(OutboxMessage.id).where(
                        OutboxMessage.state == MessageState.QUEUED, sendable_condition()
                    )
                )
            )

    def test_pause_resume_and_stop(self, mail: ServiceContext, database: Database) -> None:
        ids = [person(mail, name) for name in ("Ana", "Ben", "Cy", "Di")]
        other = send_to_candidates(mail, ids[:1], HELLO, name="Other").value
        campaign_id = send_to_candidates(mail, ids, HELLO, name="Big").value
        mine = [m.id for m in messages(database) if m.campaign_id == campaign_id]
        theirs = {m.id for m in messages(database) if m.campaign_id == other}
        # The dispatcher got as far as: one sent, one in flight, one unknown after a crash.
        with database.sessions() as session, session.begin():
            for message_id, state in zip(
                mine, (MessageState.SENT, MessageState.SENDING, MessageState.UNKNOWN), strict=False
            ):
                session.get_one(OutboxMessage, message_id).state = state
        watch = AuditWatch(database)
        assert pause_campaign(mail, campaign_id).value is CampaignStatus.PAUSED
        assert self._sendable(database) == theirs  # the paused campaign's queued one waits
        assert resume_campaign(mail, campaign_id).value is CampaignStatus.ACTIVE
        assert self._sendable(database) == theirs | {mine[3]}
        assert stop_campaign(mail, campaign_id).value is CampaignStatus.STOPPED
        states = {m.id: m.state for m in messages(database)}
        assert [states[i] for i in mine] == [
            MessageState.SENT,
            MessageState.SENDING,
            MessageState.UNKNOWN,  # left for the user to decide
            MessageState.CANCELLED,
        ]
        assert self._sendable(database) == theirs
        assert [e.action for e in watch.new()] == [
            "campaign.pause",
            "campaign.resume",
            "campaign.stop",
        ]
        with pytest.raises(ValidationError):
            resume_campaign(mail, campaign_id)
        with pytest.raises(NotFoundError):
            pause_campaign(mail, 99_999)
        rows = {row.id: row for row in list_campaigns(mail)}
        assert rows[campaign_id].counts == {
            "sent": 1,
            "sending": 1,
            "unknown": 1,
            "cancelled": 1,
        }
        assert rows[campaign_id].total == 4 and rows[campaign_id].display_status == "stopped"
        assert rows[other].display_status == "active" and rows[other].pending == 1
        assert [row.id for row in list_campaigns(mail)] == [campaign_id, other]  # newest first

    def test_a_campaign_with_nothing_left_reads_finished(
        self, mail: ServiceContext, database: Database
    ) -> None:
        campaign_id = send_to_candidates(mail, [person(mail, "Ana")], HELLO, name="One").value
        with database.sessions() as session, session.begin():
            session.scalars(select(OutboxMessage)).one().state = MessageState.SENT
        [row] = list_campaigns(mail)
        assert (row.id, row.status, row.display_status) == (
            campaign_id,
            CampaignStatus.ACTIVE,
            "finished",
        )


def test_bulk_send_to_thousands_is_one_quick_transaction(
    mail: ServiceContext, database: Database
) -> None:
    """Rendering is per recipient in Python and the rows go in with one commit."""
    count = 1_000
    with database.sessions() as session, session.begin():
        first = (
            session.execute(
                insert(Candidate).returning(Candidate.id),
                [{"first_name": f"N{n}", "last_name": "Bulk", "links": []} for n in range(count)],
            )
            .scalars()
            .all()
        )
        session.execute(
            insert(CandidateEmail),
            [
                {"candidate_id": cid, "email": f"n{n}@bulk.example", "position": 0}
                for n, cid in enumerate(first)
            ],
        )
    started = time.perf_counter()
    send_to_candidates(mail, list(first), HELLO, name="Everyone")
    elapsed = time.perf_counter() - started
    assert count_rows(database, "outbox_messages") == count
    assert elapsed < 10, f"{count} recipients took {elapsed:.1f}s"


def test_bulk_candidate_values_are_the_ones_merge_values_gives(
    mail: ServiceContext, database: Database
) -> None:
    """The bulk path fills candidate values from one query; they must not drift from
    `merge_values`, which the preview and the sequences use."""
    full = person(mail, "Ana", current_title="Analyst")
    bare = person(mail, "Ben", email=None)
    with database.sessions() as session, session.begin():
        session.get_one(Candidate, full).middle_name = "María"
        session.add(CandidateEmail(candidate_id=full, email="second@example.com", position=1))
    with database.sessions() as session:
        rows = recipient_rows(session, [full, bare])
        for candidate_id in (full, bare):
            expected = merge_values(
                session, candidate_id, None, load_account(session), load_branding(session), "x"
            )
            assert candidate_values(rows[candidate_id]) == expected["candidate"]
    assert candidate_values(rows[full])["full_name"] == "Ana María Diaz"


def test_changes_made_while_rendering_are_seen_before_queuing(
    mail: ServiceContext, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rendering happens outside the write transaction; the plan made again inside it (under
    the write lock) must notice a candidate marked do-not-contact or renamed meanwhile."""
    ana, ben, cy = person(mail, "Ana"), person(mail, "Ben"), person(mail, "Cy")
    real = Renderer.render_row
    calls: list[int] = []

    def render_row(self: Renderer, source: TemplateSource, row: object, job_id: object):
        calls.append(row.id)  # type: ignore[attr-defined]
        if len(calls) == 1:  # while the first plan renders, someone edits two records
            set_contact_preferences(mail, ben, True, Consent.UNKNOWN)
            with database.sessions() as session, session.begin():
                session.get_one(Candidate, cy).first_name = "Cyrus"
        return real(self, source, row, job_id)  # type: ignore[arg-type]

    monkeypatch.setattr(Renderer, "render_row", render_row)
    send_to_candidates(mail, [ana, ben, cy], HELLO, name="Race")
    assert [(m.candidate_id, m.subject) for m in messages(database)] == [
        (ana, "News for Ana"),
        (cy, "News for Cyrus"),
    ]
    assert calls == [ana, ben, cy, cy]  # Ana's email was reused; only Cy's was made again


def test_the_dispatcher_skips_people_blocked_after_queuing(
    mail: ServiceContext, database: Database
) -> None:
    ana, ben = person(mail, "Ana"), person(mail, "Ben")
    send_to_candidates(mail, [ana, ben], HELLO, name="Later blocked")
    set_contact_preferences(mail, ben, True, Consent.UNKNOWN)
    with database.sessions() as session:
        claimable = session.scalars(
            select(OutboxMessage.candidate_id).where(
                OutboxMessage.state == MessageState.QUEUED, sendable_condition()
            )
        ).all()
    assert claimable == [ana]


def test_a_campaign_name_and_audience_are_cleaned(mail: ServiceContext, database: Database) -> None:
    campaign_id = send_to_candidates(
        mail,
        [person(mail, "Ana")],
        HELLO,
        name="Spring\x00 news\x1b[2J\u202e",
        audience="Pool:\r\n" + "Engineers " * 100,
    ).value
    with database.sessions() as session:
        campaign = session.get_one(Campaign, campaign_id)
        assert campaign.name == "Spring news[2J"
        assert campaign.audience.startswith("Pool: Engineers Engineers")
        assert len(campaign.audience) <= 300 and campaign.audience.endswith("…")


class TestSubjectAndText:
    """Every email needs a subject and a text, as written and once merged for each person."""

    def test_an_empty_subject_or_text_blocks_a_bulk_send_to_six(
        self, mail: ServiceContext, database: Database
    ) -> None:
        ids = [person(mail, name) for name in ("Ana", "Ben", "Cy", "Dee", "Eve", "Fay")]
        no_subject = TemplateSource(subject="  ", body_text="Hi {{ candidate.first_name }}")
        plan = plan_send(mail, ids, no_subject)
        assert len(plan.recipients) == 6 and not plan.can_send
        assert plan.problems == ["Write a subject: an email cannot go out without one."]
        with pytest.raises(ValidationError) as error:
            send_to_candidates(mail, ids, no_subject, name="Spring news")
        assert error.value.errors == {
            "template": "Write a subject: an email cannot go out without one."
        }
        no_text = TemplateSource(subject="News", body_text="\n \n")
        assert plan_send(mail, ids, no_text).problems == [
            "Write the email's text: it cannot go out empty."
        ]
        with pytest.raises(ValidationError):
            send_to_candidates(mail, ids, no_text, name="Spring news")
        with pytest.raises(ValidationError) as error:
            send_one(mail, ids[0], TemplateSource("", ""))
        assert error.value.errors["template"].splitlines() == [
            "Write a subject: an email cannot go out without one.",
            "Write the email's text: it cannot go out empty.",
        ]
        assert count_rows(database, "outbox_messages") == 0
        assert count_rows(database, "campaigns") == 0

    def test_a_subject_or_text_that_merges_to_nothing_is_listed_per_recipient(
        self, mail: ServiceContext, database: Database
    ) -> None:
        ana = person(mail, "Ana", current_title="Analyst")
        ben = person(mail, "Ben")
        guarded = TemplateSource(
            subject='{{ candidate.current_title | default("") }}',
            body_text="{% if candidate.current_title %}Hello {{ candidate.first_name }}{% endif %}",
        )
        plan = plan_send(mail, [ana, ben], guarded)
        assert plan.problems == [
            "Ben Diaz: the subject is empty once merged",
            "Ben Diaz: the text is empty once merged",
        ]
        with pytest.raises(ValidationError):
            send_to_candidates(mail, [ana, ben], guarded, name="Titles")
        assert count_rows(database, "outbox_messages") == 0
        send_to_candidates(mail, [ana], guarded, name="Titles")  # Ana has a title: fine
        [message] = messages(database)
        assert message.subject == "Analyst" and message.body_text.startswith("Hello Ana")

    def test_a_text_with_words_of_its_own_is_never_blank(self, mail: ServiceContext) -> None:
        ben = person(mail, "Ben")
        plan = plan_send(
            mail, [ben], TemplateSource("Hi", 'Hi {{ candidate.current_title | default("") }}')
        )
        assert plan.problems == [] and plan.can_send
