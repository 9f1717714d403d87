"""Replies and opt-out: who may be emailed, and what stops when someone answers or leaves."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.candidates.records import CandidateInput, create_candidate
from app.services.candidates.timeline import set_contact_preferences
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.engagement.campaigns import recipient_rows
from app.services.engagement.optout import (
    MAX_SUBJECT,
    STOP_REASON_LENGTH,
    block_reason,
    cancel_blocked_messages,
    contactable_condition,
    log_reply,
    resubscribe,
    stop_enrollment_ids,
    stop_reason_text,
    unsubscribe,
)
from app.services.engagement.outbox import Draft, add_to_outbox
from app.store.database import Database
from app.store.engagement import (
    Campaign,
    CampaignKind,
    EnrollmentStatus,
    MessageState,
    OutboxMessage,
    SequenceEnrollment,
)
from app.store.models import Activity, ActivityKind, Candidate, Consent, utc_now
from tests.support import AuditWatch, count_rows


def person(ctx: ServiceContext, first: str, email: str | None = None) -> int:
    data = CandidateInput(first_name=first, last_name="Test", email=email)
    return create_candidate(ctx, data).value


def enrol(database: Database, candidate_id: int, enrolled_at: dt.datetime | None = None) -> int:
    """An active enrolment in a fresh sequence campaign (rows written directly)."""
    with database.sessions() as session, session.begin():
        campaign = Campaign(name=f"Seq for {candidate_id}", kind=CampaignKind.SEQUENCE)
        session.add(campaign)
        session.flush()
        enrollment = SequenceEnrollment(
            campaign_id=campaign.id,
            candidate_id=candidate_id,
            enrolled_at=enrolled_at or utc_now(),
            next_due_at=utc_now(),
        )
        session.add(enrollment)
        session.flush()
        return enrollment.id


def queue(database: Database, candidate_id: int, state: MessageState) -> int:
    with database.sessions() as session, session.begin():
        [message_id] = add_to_outbox(
            session,
            [Draft("a@example.com", "Hi", "Hello", candidate_id=candidate_id)],
            domain="example.com",
        )
        session.get_one(OutboxMessage, message_id).state = state
        return message_id


def enrollment(database: Database, enrollment_id: int) -> SequenceEnrollment:
    with database.sessions() as session:
        return session.get_one(SequenceEnrollment, enrollment_id)


def _blocks(session: Session, *ids: int) -> dict[int, str | None]:
    """Why each stored candidate may not be emailed (None: they may), as campaigns see it."""
    rows = recipient_rows(session, ids)
    return {
        i: block_reason(r.do_not_contact, r.unsubscribed_at, r.consent, r.email)
        for i, r in rows.items()
    }


class TestContactable:
    def test_block_reason_order(self) -> None:
        now = utc_now()
        assert block_reason(False, None, Consent.GRANTED, True) is None
        assert block_reason(False, None, "unknown", True) is None
        assert block_reason(True, now, Consent.GRANTED, False) == "do not contact"
        assert block_reason(False, now, Consent.WITHDRAWN, True) == "consent withdrawn"
        assert block_reason(False, now, Consent.GRANTED, False) == "unsubscribed"
        assert block_reason(False, None, Consent.UNKNOWN, False) == "no email address"

    def test_condition_and_check_agree(self, ctx: ServiceContext, database: Database) -> None:
        ok = person(ctx, "Ok", "ok@example.com")
        dnc = person(ctx, "Dnc", "dnc@example.com")
        withdrawn = person(ctx, "Withdrawn", "w@example.com")
        gone = person(ctx, "Gone", "gone@example.com")
        no_email = person(ctx, "Nomail")
        set_contact_preferences(ctx, dnc, True, Consent.GRANTED)
        set_contact_preferences(ctx, withdrawn, False, Consent.WITHDRAWN)
        unsubscribe(ctx, gone)
        with database.sessions() as session:
            selected = set(session.scalars(select(Candidate.id).where(contactable_condition())))
            assert selected == {ok}
            assert _blocks(session, ok, dnc, withdrawn, gone, no_email, 9999) == {
                ok: None,
                dnc: "do not contact",
                withdrawn: "consent withdrawn",
                gone: "unsubscribed",
                no_email: "no email address",
            }


class TestReply:
    def test_reply_is_an_incoming_email_and_stops_sequences(
        self, ctx: ServiceContext, database: Database
    ) -> None:
        ada = person(ctx, "Ada", "ada@example.com")
        other = person(ctx, "Bob", "bob@example.com")
        mine, theirs = enrol(database, ada), enrol(database, other)
        watch = AuditWatch(database)
        result = log_reply(ctx, ada, "  Re:  the role ", "Yes, interested!\n\nAda")
        with database.sessions() as session:
            activity = session.get_one(Activity, result.value)
            assert (activity.kind, activity.direction) == (ActivityKind.EMAIL, "in")
            assert (activity.subject, activity.body) == ("Re: the role", "Yes, interested!\n\nAda")
            assert activity.candidate_id == ada
        stopped = enrollment(database, mine)
        assert (stopped.status, stopped.stop_reason) == (EnrollmentStatus.STOPPED, "replied")
        assert stopped.stopped_at is not None and stopped.next_due_at is None
        assert enrollment(database, theirs).status is EnrollmentStatus.ACTIVE
        [entry] = watch.new()
        assert (entry.action, entry.entity_id) == ("email.reply", ada)
        assert entry.after["stopped_enrollments"] == [mine]
        assert result.changes.touches(ChangeKind.CANDIDATES, ChangeKind.ENROLLMENTS)

    def test_old_reply_logged_late_does_not_stop_a_newer_sequence(
        self, ctx: ServiceContext, database: Database
    ) -> None:
        ada = person(ctx, "Ada", "ada@example.com")
        newer = enrol(database, ada)
        last_month = utc_now() - dt.timedelta(days=30)
        log_reply(ctx, ada, None, "Thanks, not now.", occurred_at=last_month)
        assert enrollment(database, newer).status is EnrollmentStatus.ACTIVE

    def test_bad_input_is_refused_and_nothing_written(
        self, ctx: ServiceContext, database: Database
    ) -> None:
        ada = person(ctx, "Ada", "ada@example.com")
        before = count_rows(database, "activities")
        with pytest.raises(ValidationError) as error:
            log_reply(ctx, ada, "x" * 301, "   ")
        assert set(error.value.errors) == {"subject", "body"}
        with pytest.raises(ValidationError) as error:
            log_reply(ctx, ada, None, "hi", occurred_at=dt.datetime(2026, 1, 1))  # naive
        assert "occurred_at" in error.value.errors
        with pytest.raises(ValidationError):
            log_reply(ctx, ada, None, "hi", occurred_at=utc_now() + dt.timedelta(days=1))
        with pytest.raises(NotFoundError):
            log_reply(ctx, 9999, None, "hi")
        assert count_rows(database, "activities") == before


class TestUnsubscribe:
    def test_unsubscribe_stops_sequences_and_cancels_waiting_mail(
        self, ctx: ServiceContext, database: Database
    ) -> None:
        ada = person(ctx, "Ada", "ada@example.com")
        bob = person(ctx, "Bob", "bob@example.com")
        running = enrol(database, ada)
        queued = queue(database, ada, MessageState.QUEUED)
        unknown = queue(database, ada, MessageState.UNKNOWN)
        sent = queue(database, ada, MessageState.SENT)
        sending = queue(database, ada, MessageState.SENDING)
        bobs = queue(database, bob, MessageState.QUEUED)
        watch = AuditWatch(database)
        result = unsubscribe(ctx, ada).value
        assert result.changed
        assert result.stopped_enrollments == (running,)
        assert set(result.cancelled_messages) == {queued, unknown}
        with database.sessions() as session:
            assert session.get_one(Candidate, ada).unsubscribed_at is not None
            states = {
                m.id: m.state
                for m in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            }
            assert states == {
                queued: MessageState.CANCELLED,
                unknown: MessageState.CANCELLED,
                sent: MessageState.SENT,
                sending: MessageState.SENDING,  # the dispatcher owns it until it settles
                bobs: MessageState.QUEUED,
            }
            assert "unsubscribed" in session.get_one(OutboxMessage, queued).last_error
        stopped = enrollment(database, running)
        assert (stopped.status, stopped.stop_reason) == (EnrollmentStatus.STOPPED, "unsubscribed")
        [entry] = watch.new()
        assert entry.action == "candidate.unsubscribe"
        assert entry.before == {"unsubscribed_at": None}
        assert sorted(entry.after["cancelled_messages"]) == sorted([queued, unknown])

    def test_repeat_changes_nothing_and_resubscribe_reverses(
        self, ctx: ServiceContext, database: Database
    ) -> None:
        ada = person(ctx, "Ada", "ada@example.com")
        unsubscribe(ctx, ada)
        watch = AuditWatch(database)
        again = unsubscribe(ctx, ada)
        assert not again.value.changed and watch.new() == []
        assert again.changes.ids == {}
        assert resubscribe(ctx, ada).value is True
        assert resubscribe(ctx, ada).value is False
        assert [e.action for e in watch.new()] == ["candidate.resubscribe"]
        with database.sessions() as session:
            assert _blocks(session, ada) == {ada: None}
        with pytest.raises(NotFoundError):
            unsubscribe(ctx, 9999)


def test_queued_mail_to_people_blocked_since_is_cancelled_with_the_reason(
    ctx: ServiceContext, database: Database
) -> None:
    ok, dnc = person(ctx, "Ok", "ok@example.com"), person(ctx, "Dnc", "dnc@example.com")
    withdrawn = person(ctx, "Wd", "wd@example.com")
    keep = queue(database, ok, MessageState.QUEUED)
    stopped = queue(database, dnc, MessageState.QUEUED)
    sent = queue(database, dnc, MessageState.SENT)
    other = queue(database, withdrawn, MessageState.QUEUED)
    set_contact_preferences(ctx, dnc, True, Consent.GRANTED)
    set_contact_preferences(ctx, withdrawn, False, Consent.WITHDRAWN)
    watch = AuditWatch(database)
    assert cancel_blocked_messages(ctx).value == 2
    assert cancel_blocked_messages(ctx).value == 0
    with database.sessions() as session:
        rows = {m.id: (m.state, m.last_error) for m in session.scalars(select(OutboxMessage))}
    assert rows == {
        keep: (MessageState.QUEUED, None),
        stopped: (MessageState.CANCELLED, "Cancelled: do not contact."),
        sent: (MessageState.SENT, None),
        other: (MessageState.CANCELLED, "Cancelled: consent withdrawn."),
    }
    [entry] = watch.new()
    assert entry.action == "outbox.cancel_blocked"
    assert entry.after == {"do not contact": [stopped], "consent withdrawn": [other]}


class TestStoredTextIsClean:
    """Issue #10: a pasted reply and a stop reason are cleaned and capped before storage."""

    def test_a_hostile_reply_is_stored_clean(self, ctx: ServiceContext, database: Database) -> None:
        ada = person(ctx, "Ada", "ada@example.com")
        subject = "Re:\x00 the\u202e role\x1b[0m\r\nBcc: x@example.com"
        body = "\r\n Hi\x00 there\r\nsecond\rthird\n\tindented\x1b[2J\u202e\x7f\x85last\x9b \n\n"
        result = log_reply(ctx, ada, subject, body)
        with database.sessions() as session:
            activity = session.get_one(Activity, result.value)
            assert activity.subject == "Re: the role[0m Bcc: x@example.com"
            assert activity.body == "Hi there\nsecond\nthird\n\tindented[2J\nlast"

    def test_control_characters_alone_are_no_reply(
        self, ctx: ServiceContext, database: Database
    ) -> None:
        ada = person(ctx, "Ada", "ada@example.com")
        before = count_rows(database, "activities")
        with pytest.raises(ValidationError) as error:
            log_reply(ctx, ada, "\x1b\u202e", "\x00\x1b\u202e\r\n\t ")
        assert error.value.errors == {"body": "Paste the reply's text."}
        assert count_rows(database, "activities") == before

    def test_over_long_reply_is_refused_with_per_field_messages(
        self, ctx: ServiceContext, database: Database
    ) -> None:
        ada = person(ctx, "Ada", "ada@example.com")
        before = count_rows(database, "activities")
        with pytest.raises(ValidationError) as error:
            log_reply(ctx, ada, "s" * 301, "b" * 20_001)
        assert error.value.errors == {
            "subject": "At most 300 characters.",
            "body": "At most 20,000 characters.",
        }
        assert count_rows(database, "activities") == before

    def test_the_caps_count_what_is_stored(self, ctx: ServiceContext, database: Database) -> None:
        ada = person(ctx, "Ada", "ada@example.com")
        subject = "\u202e" + "s" * 300 + "\x00\x1b"
        body = "\x00" * 50 + "b" * 19_999 + "\x1b\u202e\n"
        result = log_reply(ctx, ada, subject, body)
        with database.sessions() as session:
            activity = session.get_one(Activity, result.value)
            assert (activity.subject, activity.body) == ("s" * 300, "b" * 19_999)

    def test_a_stop_reason_is_one_clean_line_within_its_column(
        self, ctx: ServiceContext, database: Database
    ) -> None:
        ada = person(ctx, "Ada", "ada@example.com")
        running = enrol(database, ada)
        waiting = queue(database, ada, MessageState.QUEUED)
        with database.sessions() as session, session.begin():
            session.get_one(OutboxMessage, waiting).enrollment_id = running
        reason = "template\x00 problem:\x1b[2J\r\nbad\u202e field " + "x" * 60
        with ctx.write() as tx:
            assert stop_enrollment_ids(tx, [running], reason) == [running]
        cleaned = "template problem:[2J bad field " + "x" * 60
        stopped = enrollment(database, running)
        assert stopped.stop_reason == cleaned[:STOP_REASON_LENGTH]
        assert len(stopped.stop_reason) == STOP_REASON_LENGTH == 40
        with database.sessions() as session:
            message = session.get_one(OutboxMessage, waiting)
            assert message.state is MessageState.CANCELLED
            assert message.last_error == f"Cancelled: the sequence stopped ({cleaned})."
        assert stop_reason_text("\x00\x1b\u202e") == ""

    def test_stop_reason_cap_is_the_columns_size(self) -> None:
        assert SequenceEnrollment.__table__.c.stop_reason.type.length == STOP_REASON_LENGTH
        assert Activity.__table__.c.subject.type.length == MAX_SUBJECT
