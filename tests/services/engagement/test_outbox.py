"""The outbox's states, on a real SQLite file: claim, sent (with its Activity), retries with
backoff, failures, unknown after a crash, and the user's decisions."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.services.engagement import outbox
from app.services.engagement.outbox import Draft, add_to_outbox
from app.store.database import Database
from app.store.engagement import Campaign, CampaignKind, CampaignStatus, OutboxMessage
from app.store.models import Activity, ActivityKind, Candidate, CandidateEmail, utc_now
from tests.support import (
    AuditWatch,
    claim_next,
    mark_failed,
    mark_sent,
    mark_transient_failure,
    sqlite_rows,
)

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def candidate(ctx: ServiceContext, name: str = "Ann", **values: object) -> int:
    with ctx.write() as tx:
        person = Candidate(
            first_name=name,
            last_name="Smith",
            emails=[CandidateEmail(email=f"{name.lower()}@example.com")],
            **values,
        )
        tx.session.add(person)
        tx.session.flush()
        return person.id


def queue(
    ctx: ServiceContext,
    candidate_id: int | None,
    *,
    subject: str = "A role at Acme",
    due: dt.datetime = NOW,
    campaign_id: int | None = None,
) -> int:
    with ctx.write() as tx:
        [message_id] = add_to_outbox(
            tx.session,
            [
                Draft(
                    to_address="ann@example.com",
                    subject=subject,
                    body_text=f"Body of {subject}",
                    body_html=f"<p>{subject}</p>",
                    to_name="Ann Smith",
                    candidate_id=candidate_id,
                    campaign_id=campaign_id,
                )
            ],
            domain="agency.test",
            not_before=due,
        )
        return message_id


def row(ctx: ServiceContext, message_id: int) -> OutboxMessage:
    with ctx.read() as session:
        found = session.get(OutboxMessage, message_id)
        assert found is not None
        return found


def email_activities(ctx: ServiceContext, candidate_id: int) -> list[Activity]:
    with ctx.read() as session:
        return list(
            session.scalars(
                select(Activity).where(
                    Activity.candidate_id == candidate_id, Activity.kind == ActivityKind.EMAIL
                )
            )
        )


def test_each_queued_message_has_its_own_message_id(ctx: ServiceContext) -> None:
    person = candidate(ctx)
    ids = [queue(ctx, person, subject=f"Message {n}") for n in range(5)]
    message_ids = {row(ctx, i).message_id for i in ids}
    assert len(message_ids) == 5
    assert all(m.startswith("<") and m.endswith("@agency.test>") for m in message_ids)


def test_claim_takes_the_oldest_due_and_commits_before_returning(
    ctx: ServiceContext, database: Database
) -> None:
    person = candidate(ctx)
    later = queue(ctx, person, subject="later", due=NOW + dt.timedelta(minutes=5))
    second = queue(ctx, person, subject="second", due=NOW - dt.timedelta(minutes=1))
    first = queue(ctx, person, subject="first", due=NOW - dt.timedelta(minutes=2))

    claimed = claim_next(ctx, NOW)
    assert claimed is not None and claimed.id == first
    assert (claimed.subject, claimed.to_address, claimed.attempts) == (
        "first",
        "ann@example.com",
        1,
    )
    assert claimed.message_id == row(ctx, first).message_id
    # Committed: another connection (plain sqlite3, read-only) already sees it.
    [(state, attempts, claimed_at)] = sqlite_rows(
        database.path, f"SELECT state, attempts, claimed_at FROM outbox_messages WHERE id={first}"
    )
    assert (state, attempts) == ("sending", 1) and claimed_at is not None

    assert claim_next(ctx, NOW).id == second  # type: ignore[union-attr]
    assert claim_next(ctx, NOW) is None  # "later" is not due yet
    assert claim_next(ctx, NOW + dt.timedelta(minutes=5)).id == later  # type: ignore[union-attr]


def test_claim_leaves_paused_campaigns_and_blocked_people_waiting(ctx: ServiceContext) -> None:
    with ctx.write() as tx:
        paused = Campaign(name="Paused", kind=CampaignKind.BULK, status=CampaignStatus.PAUSED)
        tx.session.add(paused)
        tx.session.flush()
        paused_id = paused.id
    queue(ctx, candidate(ctx, "Paula"), campaign_id=paused_id)
    queue(ctx, candidate(ctx, "Dora", do_not_contact=True))
    queue(ctx, candidate(ctx, "Ursula", unsubscribed_at=utc_now()))
    sendable = queue(ctx, candidate(ctx, "Sam"))
    assert claim_next(ctx, NOW).id == sendable  # type: ignore[union-attr]
    assert claim_next(ctx, NOW) is None
    assert outbox.next_due_time(ctx) is None  # nothing sendable is waiting


def test_mark_sent_writes_the_timeline_activity_and_audit_in_one_go(
    ctx: ServiceContext, database: Database
) -> None:
    person = candidate(ctx)
    message_id = queue(ctx, person)
    claim_next(ctx, NOW)
    watch = AuditWatch(database)
    sent_at = NOW + dt.timedelta(seconds=3)

    result = mark_sent(ctx, message_id, sent_at, "250 OK queued")

    assert result.value is True
    assert result.changes.ids == {ChangeKind.OUTBOX: {message_id}, ChangeKind.CANDIDATES: {person}}
    stored = row(ctx, message_id)
    assert (stored.state, stored.sent_at, stored.last_error) == ("sent", sent_at, None)
    [activity] = email_activities(ctx, person)
    assert (activity.direction, activity.subject, activity.body) == (
        "out",
        "A role at Acme",
        "Body of A role at Acme",
    )
    assert activity.occurred_at == sent_at
    assert activity.user_id == ctx.actor.user_id
    [entry] = watch.new()
    assert (entry.action, entry.entity_type, entry.entity_id) == (
        "outbox.sent",
        "outbox_message",
        message_id,
    )
    assert entry.after["reply"] == "250 OK queued"

    again = mark_sent(ctx, message_id, sent_at)
    assert again.value is False
    assert len(email_activities(ctx, person)) == 1


def test_sent_without_a_candidate_has_no_activity(ctx: ServiceContext) -> None:
    message_id = queue(ctx, None)
    claim_next(ctx, NOW)
    assert mark_sent(ctx, message_id, NOW).value is True
    assert row(ctx, message_id).state == "sent"


def test_several_recorded_at_once_share_one_audit_entry(
    ctx: ServiceContext, database: Database
) -> None:
    people = [candidate(ctx, f"P{n}") for n in range(3)]
    ids = [queue(ctx, p) for p in people]
    for _ in ids:
        claim_next(ctx, NOW)
    watch = AuditWatch(database)
    with ctx.write() as tx:
        marked = outbox.record_sent_many(tx, [(i, NOW, "250 OK") for i in ids])
    assert marked == ids
    assert all(len(email_activities(ctx, p)) == 1 for p in people)
    [entry] = watch.new()
    assert entry.entity_id is None
    assert [m["id"] for m in entry.after["messages"]] == ids


def test_transient_failures_back_off_then_fail(ctx: ServiceContext) -> None:
    message_id = queue(ctx, candidate(ctx))
    now = NOW
    delays = []
    for attempt in range(1, outbox.MAX_ATTEMPTS):
        claimed = claim_next(ctx, now)
        assert claimed is not None and claimed.attempts == attempt
        result = mark_transient_failure(ctx, message_id, "451 4.3.0 Try later", now)
        assert result.value == "queued"
        stored = row(ctx, message_id)
        assert stored.last_error == "451 4.3.0 Try later"
        delays.append(stored.next_attempt_at - now)
        assert claim_next(ctx, now) is None  # not before the backoff is over
        now = stored.next_attempt_at
    assert delays == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]
    claim_next(ctx, now)
    final = mark_transient_failure(ctx, message_id, "421 4.7.0 Busy", now)
    assert final.value == "failed"
    stored = row(ctx, message_id)
    assert stored.state == "failed" and stored.attempts == outbox.MAX_ATTEMPTS
    assert "421 4.7.0 Busy" in (stored.last_error or "")


def test_backoff_is_capped_at_an_hour() -> None:
    assert outbox.backoff_delay(1) == dt.timedelta(minutes=1)
    assert outbox.backoff_delay(7) == dt.timedelta(hours=1)
    assert outbox.backoff_delay(30) == dt.timedelta(hours=1)


def test_permanent_failure_keeps_the_servers_reply(ctx: ServiceContext) -> None:
    message_id = queue(ctx, candidate(ctx))
    claim_next(ctx, NOW)
    assert mark_failed(ctx, message_id, "550 5.1.1 No such user").value is True
    stored = row(ctx, message_id)
    assert (stored.state, stored.last_error) == ("failed", "550 5.1.1 No such user")
    assert claim_next(ctx, NOW + dt.timedelta(days=1)) is None


def test_recovery_marks_interrupted_sends_unknown_and_never_resends_them(
    ctx: ServiceContext,
) -> None:
    person = candidate(ctx)
    interrupted = queue(ctx, person)
    waiting = queue(ctx, person, subject="waiting")
    claim_next(ctx, NOW)  # the app dies here

    assert outbox.recover_interrupted(ctx) == 1
    stored = row(ctx, interrupted)
    assert (stored.state, stored.last_error) == ("unknown", outbox.INTERRUPTED)
    assert claim_next(ctx, NOW).id == waiting  # type: ignore[union-attr]
    assert claim_next(ctx, NOW + dt.timedelta(days=7)) is None
    assert outbox.recover_interrupted(ctx) == 1  # "waiting" was being sent in turn
    assert row(ctx, interrupted).state == "unknown"


def test_a_late_sent_wins_over_recovery(ctx: ServiceContext) -> None:
    person = candidate(ctx)
    message_id = queue(ctx, person)
    claim_next(ctx, NOW)
    outbox.recover_interrupted(ctx)  # another process started meanwhile
    assert mark_sent(ctx, message_id, NOW).value is True
    assert row(ctx, message_id).state == "sent"
    assert len(email_activities(ctx, person)) == 1


def test_resolving_unknown_as_sent_or_not(ctx: ServiceContext) -> None:
    person = candidate(ctx)
    arrived, lost = queue(ctx, person, subject="arrived"), queue(ctx, person, subject="lost")
    claim_next(ctx, NOW)
    claim_next(ctx, NOW)
    outbox.recover_interrupted(ctx)
    message_id_before = row(ctx, lost).message_id

    assert outbox.resolve_unknown(ctx, arrived, was_sent=True).value == "sent"
    assert [a.subject for a in email_activities(ctx, person)] == ["arrived"]
    assert outbox.resolve_unknown(ctx, lost, was_sent=False).value == "queued"
    stored = row(ctx, lost)
    assert (stored.state, stored.message_id) == ("queued", message_id_before)
    assert claim_next(ctx).id == lost  # type: ignore[union-attr]

    with pytest.raises(ValidationError):
        outbox.resolve_unknown(ctx, arrived, was_sent=False)  # already decided


def test_retry_failed_and_cancel_touch_only_the_states_they_may(ctx: ServiceContext) -> None:
    person = candidate(ctx)
    failed, sent, queued = (queue(ctx, person, subject=s) for s in ("failed", "sent", "queued"))
    claim_next(ctx, NOW)
    mark_failed(ctx, failed, "550 no")
    claim_next(ctx, NOW)
    mark_sent(ctx, sent, NOW)

    assert outbox.retry_failed(ctx, [failed, sent, queued]).value == 1
    stored = row(ctx, failed)
    assert (stored.state, stored.attempts, stored.last_error) == ("queued", 0, None)

    assert outbox.cancel(ctx, [failed, sent, queued]).value == 2
    assert [row(ctx, i).state for i in (failed, sent, queued)] == ["cancelled", "sent", "cancelled"]


def test_release_returns_a_claim_that_never_left(ctx: ServiceContext) -> None:
    message_id = queue(ctx, candidate(ctx))
    claim_next(ctx, NOW)
    assert outbox.release_claim(ctx, message_id) is True
    stored = row(ctx, message_id)
    assert (stored.state, stored.attempts) == ("queued", 0)
    assert outbox.release_claim(ctx, message_id) is False


def test_counts_rows_and_next_due(ctx: ServiceContext) -> None:
    with ctx.write() as tx:
        campaign = Campaign(name="Outreach", kind=CampaignKind.BULK)
        tx.session.add(campaign)
        tx.session.flush()
        campaign_id = campaign.id
    person = candidate(ctx)
    in_campaign = queue(ctx, person, subject="in campaign", campaign_id=campaign_id)
    queue(ctx, person, subject="later", due=NOW + dt.timedelta(hours=2))
    failed = queue(ctx, None, subject="no candidate")
    claim_next(ctx, NOW)
    claim_next(ctx, NOW)
    mark_sent(ctx, in_campaign, NOW)
    mark_failed(ctx, failed, "550 5.1.1 No such user")

    counts = outbox.outbox_counts(ctx)
    assert counts == {
        "queued": 1,
        "sending": 0,
        "sent": 1,
        "failed": 1,
        "cancelled": 0,
        "unknown": 0,
    }
    assert outbox.outbox_counts(ctx, campaign_id)["sent"] == 1
    assert sum(outbox.outbox_counts(ctx, campaign_id).values()) == 1

    rows = outbox.list_messages(ctx, states=["failed"])
    assert [(r.id, r.last_error, r.candidate_name) for r in rows] == [
        (failed, "550 5.1.1 No such user", None)
    ]
    [sent_row] = outbox.list_messages(ctx, campaign_id=campaign_id)
    assert (sent_row.candidate_name, sent_row.state, sent_row.sent_at) == ("Ann Smith", "sent", NOW)
    assert len(outbox.list_messages(ctx, limit=2)) == 2
    assert len(outbox.list_messages(ctx, offset=2, limit=10)) == 1
    assert outbox.next_due_time(ctx) == NOW + dt.timedelta(hours=2)


def test_the_outbox_names_the_candidate_in_full(ctx: ServiceContext) -> None:
    message = queue(ctx, candidate(ctx, "Maria", middle_name="José"))
    [listed] = outbox.list_messages(ctx)
    assert (listed.id, listed.candidate_name) == (message, "Maria José Smith")


def test_a_held_message_goes_back_due_as_before_with_the_reason(ctx: ServiceContext) -> None:
    message_id = queue(ctx, candidate(ctx))
    claim_next(ctx, NOW + dt.timedelta(minutes=5))
    assert outbox.has_sending(ctx)
    with ctx.write() as tx:
        assert outbox.record_held(tx, message_id, "Authentication failed: 535 no") is True
        assert tx.changes.ids[ChangeKind.OUTBOX] == {message_id}
    stored = row(ctx, message_id)
    assert (stored.state, stored.attempts, stored.next_attempt_at) == ("queued", 0, NOW)
    assert stored.last_error == "Authentication failed: 535 no"
    assert not outbox.has_sending(ctx)
    with ctx.write() as tx:
        assert outbox.record_held(tx, message_id, "again") is False  # not being sent


def test_a_problem_is_noted_on_the_messages_due_and_waiting(
    ctx: ServiceContext, database: Database
) -> None:
    person = candidate(ctx)
    went, later = queue(ctx, person), queue(ctx, person, due=NOW + dt.timedelta(days=1))
    waiting = queue(ctx, person, subject="waiting")
    claim_next(ctx, NOW)
    mark_sent(ctx, went, NOW)
    problem = "No password for team on smtp.example.com"
    watch = AuditWatch(database)
    noted = outbox.note_problem(ctx, problem, NOW)
    assert noted.value == [waiting] and noted.changes.ids[ChangeKind.OUTBOX] == {waiting}
    assert [row(ctx, i).last_error for i in (went, later, waiting)] == [None, None, problem]
    assert (row(ctx, waiting).state, row(ctx, waiting).attempts) == ("queued", 0)
    assert outbox.note_problem(ctx, problem, NOW).value == []  # it says so already
    assert watch.new() == []  # a note, not a change of state: nothing to audit
