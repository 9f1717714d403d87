"""What each message read from the inbox does to the CRM, on messages built like real mail:
applications through intake, replies by header and by sender, automatic replies, unsubscribe
requests, bounces, and unknown senders waiting for a decision. Each message only once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from app.mail.inbound import Envelope, parse_message
from app.parsing import parse_file
from app.services.admin.report_campaigns import campaigns as campaigns_report
from app.services.admin.report_defs import ReportFilter
from app.services.candidates.records import CandidateInput, candidate_profile, create_candidate
from app.services.candidates.search import search_candidates
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.engagement.campaigns import list_campaigns
from app.services.engagement.optout import cancel_blocked_messages
from app.services.engagement.outbox import Draft, add_to_outbox
from app.services.mailbox.decisions import CREATE_CANDIDATE, decide, list_waiting
from app.services.mailbox.handling import (
    Incoming,
    ResumeFile,
    handle_message,
    handle_messages,
    handled_ids,
    last_uid,
    record_duplicate,
)
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
from app.store.mailbox import BouncingAddress, MailboxMessage
from app.store.models import Activity, ActivityKind, Application, Candidate, CandidateEmail, utc_now
from tests.mail import messages
from tests.support import audit_entries, claim_next, count_rows


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    return tmp_path / "documents"


def make_job(ctx: ServiceContext) -> int:
    client = create_client(ctx, ClientInput(name="Initech")).value
    return create_job(ctx, JobInput(client_id=client, title="Data Engineer")).value


def person(ctx: ServiceContext, first: str, email: str) -> int:
    return create_candidate(
        ctx, CandidateInput(first_name=first, last_name="Test", email=email)
    ).value


def sent_in_sequence(database: Database, candidate_id: int, address: str) -> tuple[str, int, int]:
    """A sequence campaign whose first step went to the candidate: (Message-ID, campaign,
    enrolment), rows written directly."""
    with database.sessions() as session, session.begin():
        campaign = Campaign(name="Data engineers", kind=CampaignKind.SEQUENCE)
        session.add(campaign)
        session.flush()
        enrollment = SequenceEnrollment(
            campaign_id=campaign.id,
            candidate_id=candidate_id,
            enrolled_at=utc_now() - dt.timedelta(days=2),
            next_due_at=utc_now() + dt.timedelta(days=3),
        )
        session.add(enrollment)
        session.flush()
        [message_id] = add_to_outbox(
            session,
            [
                Draft(
                    address,
                    "A role you may like",
                    "Hello",
                    candidate_id=candidate_id,
                    campaign_id=campaign.id,
                    enrollment_id=enrollment.id,
                    step_position=0,
                )
            ],
            domain="agency.test",
        )
        row = session.get_one(OutboxMessage, message_id)
        row.state = MessageState.SENT
        row.sent_at = utc_now() - dt.timedelta(days=1)
        return row.message_id, campaign.id, enrollment.id


def handle(ctx: ServiceContext, docs: Path, tmp_path: Path, raw: bytes, uid: int, **where: object):
    inbound = parse_message(raw)
    resumes = []
    for index, attachment in enumerate(inbound.resumes):
        folder = tmp_path / f"att-{uid}-{index}"
        folder.mkdir(exist_ok=True)
        path = folder / attachment.filename
        path.write_bytes(attachment.data)
        resumes.append(ResumeFile(path, parse_file(path)))
    envelope = Envelope(str(where.get("folder", "INBOX")), int(where.get("uidvalidity", 7)), uid)
    return handle_message(ctx, docs, envelope, inbound, resumes)


def jobs_applied_to(database: Database, candidate_id: int | None) -> list[int]:
    with database.sessions() as session:
        return list(
            session.scalars(
                select(Application.job_id).where(Application.candidate_id == candidate_id)
            )
        )


def replied_in_report(ctx: ServiceContext) -> int:
    today = dt.datetime.now(dt.UTC).date()
    report = campaigns_report(ctx, ReportFilter(today - dt.timedelta(days=7), today))
    return int(report.totals["replied"])


def enrollment_of(database: Database, enrollment_id: int) -> SequenceEnrollment:
    with database.sessions() as session:
        return session.get_one(SequenceEnrollment, enrollment_id)


class TestApplications:
    def test_a_resume_by_email_makes_a_candidate_on_the_job_with_the_note_and_source(
        self, ctx, database, docs, tmp_path
    ):
        job = make_job(ctx)
        raw = messages.application(subject=f"Application for Data Engineer [JOB-{job}]")
        done = handle(ctx, docs, tmp_path, raw, uid=1)
        handled = done.value
        assert handled.kind == "application" and handled.state == "handled"
        assert done.changes.touches(ChangeKind.MAILBOX, ChangeKind.CANDIDATES)
        with database.sessions() as session:
            candidate = session.get_one(Candidate, handled.candidate_id)
            assert candidate.source == "Email"
            emails = session.scalars(
                select(CandidateEmail.email).where(CandidateEmail.candidate_id == candidate.id)
            ).all()
            assert "jane.applicant@example.org" in emails
            application = session.scalars(
                select(Application).where(Application.candidate_id == candidate.id)
            ).one()
            assert application.job_id == job and application.source == "Email"
            notes = session.scalars(
                select(Activity).where(
                    Activity.candidate_id == candidate.id, Activity.kind == ActivityKind.NOTE
                )
            ).all()
            assert any("please find my resume attached" in (n.body or "") for n in notes)
        assert any(e.action == "mailbox.application" for e in audit_entries(database))
        # The audit trail says where the candidate came from as the record does.
        [created] = [e for e in audit_entries(database) if e.action == "candidate.create"]
        assert created.after["source"] == "Email"
        # The resume's text is searchable: the candidate's search row was derived again.
        hits = search_candidates(ctx, "airflow").hits
        assert [h.candidate_id for h in hits] == [handled.candidate_id]

    def test_the_sender_address_joins_the_resume_ones_also_when_the_file_came_before(
        self, ctx, database, docs, tmp_path
    ):
        resume = messages.resume_text("Jane Applicant", "jane@cv.example.org")
        first = messages.application(sender="Jane <jane@home.example.org>", resume=resume)
        again = messages.application(sender="Jane <jane@work.example.org>", resume=resume)
        one = handle(ctx, docs, tmp_path, first, uid=1).value
        two = handle(ctx, docs, tmp_path, again, uid=2).value  # the same file: placed again
        assert one.candidate_id == two.candidate_id is not None
        with database.sessions() as session:
            emails = set(
                session.scalars(
                    select(CandidateEmail.email).where(
                        CandidateEmail.candidate_id == one.candidate_id
                    )
                )
            )
        assert emails == {"jane@cv.example.org", "jane@home.example.org", "jane@work.example.org"}

    def test_a_plus_address_names_the_job(self, ctx, database, docs, tmp_path):
        job = make_job(ctx)
        raw = messages.application(subject="My application", to=f"jobs+{job}@agency.test")
        handled = handle(ctx, docs, tmp_path, raw, uid=1).value
        assert jobs_applied_to(database, handled.candidate_id) == [job]

    def test_the_posting_reference_in_the_subject_names_the_job(
        self, ctx, database, docs, tmp_path
    ):
        client = create_client(ctx, ClientInput(name="Initech")).value
        jobs = {
            reference: create_job(
                ctx, JobInput(client_id=client, title="Data Engineer", posting_reference=reference)
            ).value
            for reference in ("REQ-2026-014", "REQ-2026-0145", "REQ-2026-014-B")
        }
        raw = messages.application(subject="Application for req-2026-014 – Jane Doe")
        handled = handle(ctx, docs, tmp_path, raw, uid=1).value
        assert handled.state == "handled"
        assert jobs_applied_to(database, handled.candidate_id) == [jobs["REQ-2026-014"]]
        assert f"for job #{jobs['REQ-2026-014']}" in handled.detail

    def test_a_tag_naming_no_job_falls_back_to_the_reference(self, ctx, database, docs, tmp_path):
        client = create_client(ctx, ClientInput(name="Initech")).value
        job = create_job(
            ctx, JobInput(client_id=client, title="Data Engineer", posting_reference="REQ-7")
        ).value
        raw = messages.application(subject="[JOB-999] REQ-7")
        handled = handle(ctx, docs, tmp_path, raw, uid=1).value
        assert jobs_applied_to(database, handled.candidate_id) == [job]
        assert "Job #999 named in the message does not exist; filed by the posting reference." in (
            handled.detail
        )

    def test_a_longer_token_containing_a_reference_names_no_job(
        self, ctx, database, docs, tmp_path
    ):
        client = create_client(ctx, ClientInput(name="Initech")).value
        create_job(ctx, JobInput(client_id=client, title="Data Engineer", posting_reference="R7"))
        raw = messages.application(subject="Application AR7 and R77")
        handled = handle(ctx, docs, tmp_path, raw, uid=1).value
        assert count_rows(database, "applications") == 0
        assert handled.candidate_id is not None  # imported, on no job

    def test_the_same_uid_or_message_id_is_handled_once(self, ctx, database, docs, tmp_path):
        job = make_job(ctx)
        raw = messages.application(subject=f"[JOB-{job}]")
        first = handle(ctx, docs, tmp_path, raw, uid=4).value
        again = handle(ctx, docs, tmp_path, raw, uid=4).value
        assert again.already and again.id == first.id
        inbound = parse_message(raw)
        assert handled_ids(ctx, [inbound.message_id]) == {inbound.message_id}
        assert last_uid(ctx, "INBOX", 7) == 4 and last_uid(ctx, "INBOX", 8) == 0
        renumbered = record_duplicate(ctx, Envelope("INBOX", 8, 1), inbound.message_id).value
        assert renumbered is not None and renumbered.duplicate
        assert count_rows(database, "candidates") == 1
        assert count_rows(database, "applications") == 1
        assert count_rows(database, "documents") == 1

    def test_in_one_batch_a_message_under_two_uids_is_imported_once(
        self, ctx, database, docs, tmp_path
    ):
        """The batch reads what was handled before in one go; a copy later in the same batch
        must still find the first, handled moments before in the same transaction."""
        raw = messages.application(subject="Application")
        earlier = handle(ctx, docs, tmp_path, messages.application(subject="Other"), uid=1).value
        items = []
        for uid in (1, 2, 3):  # 1: handled before; 2 and 3: one message under two UIDs
            inbound = parse_message(raw)
            folder = tmp_path / f"batch-{uid}"
            folder.mkdir()
            path = folder / inbound.resumes[0].filename
            path.write_bytes(inbound.resumes[0].data)
            items.append(
                Incoming(Envelope("INBOX", 7, uid), inbound, [ResumeFile(path, parse_file(path))])
            )
        before, first, copy = (result.value for result in handle_messages(ctx, docs, items))
        assert before.already and before.id == earlier.id
        assert not first.duplicate and copy.duplicate and copy.candidate_id == first.candidate_id
        assert count_rows(database, "mailbox_messages") == 3
        assert count_rows(database, "documents") == 1  # both messages attach the same file
        assert not (docs / ".incoming").exists()

    def test_no_attachment_from_an_unknown_sender_waits_for_a_decision(
        self, ctx, database, docs, tmp_path
    ):
        raw = messages.plain("Sam Stranger <sam@example.net>", "Any openings?", "I am looking.")
        handled = handle(ctx, docs, tmp_path, raw, uid=1).value
        assert handled.state == "pending" and handled.candidate_id is None
        assert count_rows(database, "candidates") == 0
        [waiting] = list_waiting(ctx)
        assert waiting.sender == "sam@example.net" and "I am looking." in waiting.text
        candidate_id = decide(ctx, waiting.id, CREATE_CANDIDATE).value
        with database.sessions() as session:
            candidate = session.get_one(Candidate, candidate_id)
            assert (candidate.first_name, candidate.last_name, candidate.source) == (
                "Sam",
                "Stranger",
                "Email",
            )
        assert list_waiting(ctx) == []


class TestReplies:
    def test_a_reply_by_header_goes_on_the_timeline_stops_the_sequence_and_counts(
        self, ctx, database, docs, tmp_path
    ):
        candidate = person(ctx, "Ria", "ria@example.org")
        message_id, campaign, enrollment = sent_in_sequence(database, candidate, "ria@example.org")
        raw = messages.plain(
            "Ria <ria.other@example.org>",  # answered from another address: the header decides
            "Re: A role you may like",
            "Yes, I am interested.",
            in_reply_to=message_id,
            references=message_id,
        )
        handled = handle(ctx, docs, tmp_path, raw, uid=3).value
        assert handled.kind == "reply" and handled.candidate_id == candidate
        stopped = enrollment_of(database, enrollment)
        assert stopped.status == EnrollmentStatus.STOPPED and stopped.stop_reason == "replied"
        with database.sessions() as session:
            reply = session.scalars(
                select(Activity).where(
                    Activity.candidate_id == candidate, Activity.direction == "in"
                )
            ).one()
            assert reply.body == "Yes, I am interested."
        row = next(r for r in list_campaigns(ctx) if r.id == campaign)
        assert row.replies == 1 and row.reply_rate == 1.0
        assert replied_in_report(ctx) == 1

    def test_a_reply_with_a_resume_is_a_reply_and_the_resume_is_imported(
        self, ctx, database, docs, tmp_path
    ):
        candidate = person(ctx, "Jane", "jane.applicant@example.org")
        message_id, _, enrollment = sent_in_sequence(
            database, candidate, "jane.applicant@example.org"
        )
        raw = messages.application(subject="Re: A role you may like", message_id=None)
        raw = raw.replace(b"Subject:", f"In-Reply-To: {message_id}\r\nSubject:".encode(), 1)
        handled = handle(ctx, docs, tmp_path, raw, uid=2).value
        assert handled.kind == "reply" and handled.candidate_id == candidate
        assert "1 resume imported" in handled.detail
        assert enrollment_of(database, enrollment).status == EnrollmentStatus.STOPPED
        assert count_rows(database, "documents") == 1 and count_rows(database, "candidates") == 1
        assert [h.candidate_id for h in search_candidates(ctx, "airflow").hits] == [candidate]

    def test_a_reply_without_headers_is_matched_by_the_sender(self, ctx, database, docs, tmp_path):
        candidate = person(ctx, "Bo", "bo@example.org")
        _, campaign, enrollment = sent_in_sequence(database, candidate, "bo@example.org")
        raw = messages.plain("Bo <BO@example.org>", "About your email", "Call me.")
        handled = handle(ctx, docs, tmp_path, raw, uid=1).value
        assert handled.kind == "reply" and handled.candidate_id == candidate
        assert enrollment_of(database, enrollment).status == EnrollmentStatus.STOPPED
        assert next(r for r in list_campaigns(ctx) if r.id == campaign).replies == 1

    def test_an_automatic_reply_is_recorded_but_the_sequence_goes_on(
        self, ctx, database, docs, tmp_path
    ):
        candidate = person(ctx, "Al", "al@example.org")
        message_id, campaign, enrollment = sent_in_sequence(database, candidate, "al@example.org")
        raw = messages.plain(
            "al@example.org",
            "Out of Office: back on Monday",
            "I am away.",
            in_reply_to=message_id,
            headers={"Auto-Submitted": "auto-replied"},
        )
        handled = handle(ctx, docs, tmp_path, raw, uid=1).value
        assert handled.kind == "auto_reply" and handled.candidate_id == candidate
        assert enrollment_of(database, enrollment).status == EnrollmentStatus.ACTIVE
        assert next(r for r in list_campaigns(ctx) if r.id == campaign).replies == 0
        assert replied_in_report(ctx) == 0  # the campaigns report does not count it either
        with database.sessions() as session:
            assert session.scalars(
                select(Activity.subject).where(
                    Activity.candidate_id == candidate, Activity.direction == "in"
                )
            ).all() == ["Out of Office: back on Monday"]

    def test_an_unsubscribe_by_mail_unsubscribes(self, ctx, database, docs, tmp_path):
        candidate = person(ctx, "Uma", "uma@example.org")
        _, _, enrollment = sent_in_sequence(database, candidate, "uma@example.org")
        raw = messages.plain("uma@example.org", "unsubscribe", "", to="jobs@agency.test")
        handled = handle(ctx, docs, tmp_path, raw, uid=1).value
        assert handled.kind == "unsubscribe"
        with database.sessions() as session:
            assert session.get_one(Candidate, candidate).unsubscribed_at is not None
        stopped = enrollment_of(database, enrollment)
        assert stopped.stop_reason == "unsubscribed"


class TestBounces:
    def test_a_hard_bounce_marks_the_address_and_stops_sends_to_it(
        self, ctx, database, docs, tmp_path
    ):
        candidate = person(ctx, "Gone", "gone@example.org")
        message_id, _, _ = sent_in_sequence(database, candidate, "gone@example.org")
        with database.sessions() as session, session.begin():
            [queued] = add_to_outbox(
                session,
                [Draft("gone@example.org", "Next step", "Hi", candidate_id=candidate)],
                domain="agency.test",
            )
        handled = handle(
            ctx, docs, tmp_path, messages.postfix_bounce("gone@example.org", message_id), uid=9
        ).value
        assert handled.kind == "bounce" and handled.candidate_id == candidate
        with database.sessions() as session:
            mark = session.get_one(BouncingAddress, "gone@example.org")
            assert mark.status == "5.1.1" and "User unknown" in (mark.diagnostic or "")
            assert session.get_one(OutboxMessage, queued).state == MessageState.CANCELLED
            bounced = session.scalar(
                select(OutboxMessage).where(OutboxMessage.message_id == message_id)
            )
            assert bounced is not None and bounced.state == MessageState.FAILED
            assert (
                session.scalar(
                    select(Activity.subject).where(
                        Activity.candidate_id == candidate, Activity.kind == ActivityKind.NOTE
                    )
                )
                == "Email to gone@example.org bounced"
            )
        assert candidate_profile(ctx, candidate).bouncing == ("gone@example.org",)
        # A message queued afterwards is never claimed, and the dispatcher's sweep cancels it.
        with database.sessions() as session, session.begin():
            [later] = add_to_outbox(
                session,
                [Draft("Gone@Example.org", "Again", "Hi", candidate_id=None)],
                domain="agency.test",
            )
        assert claim_next(ctx) is None
        assert cancel_blocked_messages(ctx).value == 1
        with database.sessions() as session:
            assert (
                session.get_one(OutboxMessage, later).last_error
                == "Cancelled: the address bounces."
            )

    def test_a_delayed_delivery_changes_nothing(self, ctx, database, docs, tmp_path):
        raw = messages.postfix_bounce("slow@example.org", "<x@agency.test>", status="4.4.1")
        handled = handle(ctx, docs, tmp_path, raw, uid=1).value
        assert handled.kind == "bounce"
        assert count_rows(database, "bouncing_addresses") == 0
        with database.sessions() as session:
            assert session.scalar(select(MailboxMessage.detail)).startswith(
                "slow@example.org: delayed"
            )


def test_the_sender_is_looked_up_without_an_orm_query(ctx: ServiceContext):
    """`candidate_by_address` runs for every message a pass imports, on the thread a pass
    waits for: through the driver's cursor, the oldest candidate with the address in any
    case, with what the transaction has not yet flushed."""
    from sqlalchemy import event

    from app.services.core.unit_of_work import Transaction
    from app.services.mailbox.rows import candidate_by_address

    first = person(ctx, "Ada", "ada@example.org")
    second = person(ctx, "Bob", "bob@example.org")
    with ctx.write() as tx:
        orm_queries: list[object] = []
        event.listen(tx.session, "do_orm_execute", orm_queries.append)
        own = Transaction(tx.session, tx.actor)
        assert candidate_by_address(own, "Ada@Example.org") == first
        assert candidate_by_address(own, "bob@example.org") == second
        assert candidate_by_address(own, "nobody@example.org") is None
        assert candidate_by_address(own, "") is None
        for owner in (second, first):  # not yet flushed: the lookup flushes first
            tx.session.add(CandidateEmail(candidate_id=owner, email="shared@example.org"))
        assert candidate_by_address(own, "shared@example.org") == first  # the oldest
        assert orm_queries == []
