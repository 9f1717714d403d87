"""Interviews: scheduling in a time zone, invites queued in the same transaction and read back
with the icalendar package, updates with the same UID and a higher SEQUENCE, cancellation,
double-booked interviewers, listing filters, the timeline and the audit."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.services.candidates.timeline import set_contact_preferences
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.services.pipeline.interview_list import (
    get_interview,
    interviews_of_candidate,
    list_interviews,
    take_interview_reminders,
)
from app.services.pipeline.interviews import (
    cancel_interview,
    check_conflicts,
    interview_input,
    reschedule_interview,
    schedule_interview,
)
from app.store.database import Database
from app.store.engagement import OutboxMessage, OutboxPart
from app.store.interviews import Interview
from app.store.models import Activity, ActivityKind, Consent
from tests.services.pipeline.interview_setup import Loop, build_loop, interview
from tests.support import AuditWatch, count_rows, fail_on_changed


@pytest.fixture
def loop(ctx: ServiceContext) -> Loop:
    return build_loop(ctx)


def invites(ctx: ServiceContext, after_id: int = 0) -> list[tuple[str, Calendar, str]]:
    """(recipient, parsed calendar, content type) of each queued invite, in queue order."""
    with ctx.read() as session:
        rows = session.execute(
            select(OutboxMessage.to_address, OutboxPart.data, OutboxPart.content_type)
            .join(OutboxPart, OutboxPart.message_id == OutboxMessage.id)
            .where(OutboxMessage.id > after_id)
            .order_by(OutboxMessage.id)
        ).all()
    return [(to, Calendar.from_ical(data), kind) for to, data, kind in rows]


def last_message_id(ctx: ServiceContext) -> int:
    with ctx.read() as session:
        return session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc())) or 0


def event_of(calendar: Calendar):
    [event] = calendar.walk("VEVENT")
    return event


def attendees(event) -> dict[str, dict[str, str]]:
    values = event.get("attendee")
    values = values if isinstance(values, list) else [values]
    return {str(a).removeprefix("mailto:"): dict(a.params) for a in values}


def test_schedule_stores_the_instant_and_queues_one_request_per_person(
    ctx: ServiceContext, database: Database, loop: Loop
) -> None:
    watch = AuditWatch(database)
    result = schedule_interview(ctx, interview(loop, contact_ids=(loop.grace, loop.alan)))
    assert result.changes.touches(ChangeKind.INTERVIEWS, ChangeKind.OUTBOX, ChangeKind.CANDIDATES)
    row = get_interview(ctx, result.value.interview_id)
    # 14:00 in Paris on 25 March 2027 (still winter time, UTC+1) is 13:00 UTC.
    assert row.starts_at == dt.datetime(2027, 3, 25, 13, 0, tzinfo=dt.UTC)
    assert row.time_zone == "Europe/Paris" and row.when == "Thu 25 Mar 2027, 14:00 (Europe/Paris)"
    assert row.interviewers == "Grace Hopper, Alan Turing" and row.conflicts == ()

    sent = invites(ctx)
    assert [to for to, _cal, _kind in sent] == [
        "grace@northwind.test",
        "alan@northwind.test",
        "ada@mail.test",
    ]
    for _to, calendar, kind in sent:
        assert kind.startswith("text/calendar; method=REQUEST")
        assert str(calendar["method"]) == "REQUEST"
        event = event_of(calendar)
        assert str(event["uid"]) == row.uid and int(event["sequence"]) == 0
        assert event["dtstart"].params["TZID"] == "Europe/Paris"
        assert event.decoded("dtstart") == dt.datetime(
            2027, 3, 25, 14, 0, tzinfo=ZoneInfo("Europe/Paris")
        )
        assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(hours=1)
        assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
        assert str(event["organizer"]) == "mailto:rita@acme-talent.test"
        assert event["organizer"].params["CN"] == "Rita Recruiter"
        people = attendees(event)
        assert set(people) == {"grace@northwind.test", "alan@northwind.test", "ada@mail.test"}
        assert all(p["RSVP"] == "TRUE" for p in people.values())
        assert people["ada@mail.test"]["CN"] == "Ada Lovelace"
    [action] = [entry.action for entry in watch.new() if entry.entity_type == "interview"]
    assert action == "interview.schedule"
    with ctx.read() as session:
        [activity] = session.scalars(
            select(Activity).where(Activity.kind == ActivityKind.MEETING)
        ).all()
    assert activity.candidate_id == loop.candidates[0]
    assert activity.subject == "Interview scheduled: Thu 25 Mar 2027, 14:00 (Europe/Paris)"


def test_interviewer_notes_stay_out_of_the_candidates_message(
    ctx: ServiceContext, loop: Loop
) -> None:
    schedule_interview(ctx, interview(loop))
    with ctx.read() as session:
        query = select(OutboxMessage.to_address, OutboxMessage.body_text)
        bodies = {to: body for to, body in session.execute(query)}
    assert "Probe the distributed-systems work." in bodies["grace@northwind.test"]
    assert "Probe" not in bodies["ada@mail.test"]
    [(_to, calendar, _kind)] = [i for i in invites(ctx) if i[0] == "ada@mail.test"]
    assert "Probe" not in str(event_of(calendar)["description"])


def test_a_daylight_saving_change_keeps_the_agreed_wall_clock_time(
    ctx: ServiceContext, loop: Loop
) -> None:
    """Scheduled in winter (the test runs in December or the zone is on winter time at the
    scheduling date) for 1 April, after Paris moved to summer time on 28 March."""
    data = interview(loop, date=dt.date(2027, 4, 1), start=dt.time(9, 30))
    interview_id = schedule_interview(ctx, data).value.interview_id
    row = get_interview(ctx, interview_id)
    assert row.starts_at == dt.datetime(2027, 4, 1, 7, 30, tzinfo=dt.UTC)  # UTC+2 by then
    _to, calendar, _kind = invites(ctx)[0]
    event = event_of(calendar)
    assert event["dtstart"].to_ical() == b"20270401T093000"
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    # The calendar's own VTIMEZONE (not this computer's zone data) places it at 07:30 UTC.
    [zone] = calendar.walk("VTIMEZONE")
    own = zone.to_tz()
    local = dt.datetime(2027, 4, 1, 9, 30, tzinfo=own)
    assert local.utcoffset() == dt.timedelta(hours=2)
    winter = dt.datetime(2027, 3, 25, 9, 30, tzinfo=own)
    assert winter.utcoffset() == dt.timedelta(hours=1)
    # Moved a week back, into winter time: the same UID, a higher sequence, UTC+1.
    reschedule_interview(ctx, interview_id, replace(data, date=dt.date(2027, 3, 25)))
    assert get_interview(ctx, interview_id).starts_at == dt.datetime(
        2027, 3, 25, 8, 30, tzinfo=dt.UTC
    )


def test_a_time_skipped_by_the_clock_change_is_refused(
    ctx: ServiceContext, database: Database, loop: Loop
) -> None:
    data = interview(loop, date=dt.date(2027, 3, 28), start=dt.time(2, 30))
    with pytest.raises(ValidationError) as raised:
        schedule_interview(ctx, data)
    assert "does not exist" in raised.value.errors["start"]
    assert count_rows(database, "interviews") == 0 and count_rows(database, "outbox_messages") == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"time_zone": ""}, "time_zone"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"contact_ids": ()}, "interviewers"),
        ({"location": "x" * 301}, "location"),
    ],
)
def test_invalid_input_writes_nothing(
    ctx: ServiceContext, database: Database, loop: Loop, changes: dict, field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        schedule_interview(ctx, interview(loop, **changes))
    assert field in raised.value.errors
    assert count_rows(database, "interviews") == 0


def test_a_contact_of_another_client_is_refused(ctx: ServiceContext, loop: Loop) -> None:
    from app.services.pipeline.clients import ClientInput, create_client
    from app.services.pipeline.contacts import ContactInput, create_contact

    other = create_client(ctx, ClientInput(name="Contoso")).value
    stranger = create_contact(ctx, other, ContactInput("Eve", "Mallory")).value
    with pytest.raises(ValidationError) as raised:
        schedule_interview(ctx, interview(loop, contact_ids=(loop.grace, stranger)))
    assert raised.value.errors["interviewers"] == "Choose contacts of this job's client."


def test_failure_after_writing_leaves_no_interview_and_no_invite(
    ctx: ServiceContext, database: Database, loop: Loop, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_on_changed(monkeypatch)
    with pytest.raises(RuntimeError):
        schedule_interview(ctx, interview(loop))
    assert count_rows(database, "interviews") == 0
    assert count_rows(database, "outbox_messages") == 0


def test_reschedule_sends_an_update_with_the_same_uid_and_a_higher_sequence(
    ctx: ServiceContext, database: Database, loop: Loop
) -> None:
    first = interview(loop, contact_ids=(loop.grace, loop.alan))
    interview_id = schedule_interview(ctx, first).value.interview_id
    uid = get_interview(ctx, interview_id).uid
    mark = last_message_id(ctx)
    watch = AuditWatch(database)
    moved = replace(first, start=dt.time(16, 0), contact_ids=(loop.grace,))
    result = reschedule_interview(ctx, interview_id, moved)
    assert result.value.previous.start == dt.time(14, 0)  # what undo puts back
    sent = invites(ctx, mark)
    requests = [(to, cal) for to, cal, kind in sent if "method=REQUEST" in kind]
    cancels = [(to, cal) for to, cal, kind in sent if "method=CANCEL" in kind]
    assert [to for to, _ in requests] == ["grace@northwind.test", "ada@mail.test"]
    assert [to for to, _ in cancels] == ["alan@northwind.test"]  # dropped from the interview
    for _to, calendar in requests + cancels:
        event = event_of(calendar)
        assert str(event["uid"]) == uid and int(event["sequence"]) == 1
    assert event_of(requests[0][1]).decoded("dtstart").hour == 16
    assert str(cancels[0][1]["method"]) == "CANCEL"
    assert set(attendees(event_of(cancels[0][1]))) == {"alan@northwind.test"}
    [entry] = [e for e in watch.new() if e.entity_type == "interview"]
    assert entry.action == "interview.reschedule"
    assert entry.before["contact_ids"] == sorted((loop.grace, loop.alan))
    assert entry.after["contact_ids"] == [loop.grace]
    # Undo: the earlier values back, as one more update (sequence 2), the UID unchanged.
    reschedule_interview(ctx, interview_id, result.value.previous)
    assert interview_input(ctx, interview_id) == first
    with ctx.read() as session:
        assert session.get(Interview, interview_id).sequence == 2
    with ctx.read() as session:
        subjects = list(
            session.scalars(
                select(Activity.subject)
                .where(Activity.kind == ActivityKind.MEETING)
                .order_by(Activity.id)
            )
        )
    assert subjects[1] == "Interview moved to Thu 25 Mar 2027, 16:00 (Europe/Paris)"


def test_an_unchanged_reschedule_sends_nothing(ctx: ServiceContext, loop: Loop) -> None:
    data = interview(loop)
    interview_id = schedule_interview(ctx, data).value.interview_id
    mark = last_message_id(ctx)
    result = reschedule_interview(ctx, interview_id, data)
    assert invites(ctx, mark) == [] and not result.changes.touches(ChangeKind.INTERVIEWS)


def test_cancel_sends_method_cancel_with_the_same_uid_and_restore_brings_it_back(
    ctx: ServiceContext, database: Database, loop: Loop
) -> None:
    data = interview(loop)
    interview_id = schedule_interview(ctx, data).value.interview_id
    uid = get_interview(ctx, interview_id).uid
    mark = last_message_id(ctx)
    watch = AuditWatch(database)
    result = cancel_interview(ctx, interview_id, "The role is on hold.")
    sent = invites(ctx, mark)
    assert [to for to, _cal, _kind in sent] == ["grace@northwind.test", "ada@mail.test"]
    for _to, calendar, kind in sent:
        assert "method=CANCEL" in kind and str(calendar["method"]) == "CANCEL"
        event = event_of(calendar)
        assert str(event["uid"]) == uid and int(event["sequence"]) == 1
        assert str(event["status"]) == "CANCELLED"
    assert get_interview(ctx, interview_id).cancelled
    assert list_interviews(ctx, *_year()) == []
    assert [r.id for r in list_interviews(ctx, *_year(), include_cancelled=True)] == [interview_id]
    assert cancel_interview(ctx, interview_id).changes.ids == {}  # already cancelled
    # Undo of the cancellation: scheduled again, a new REQUEST with sequence 2.
    mark = last_message_id(ctx)
    reschedule_interview(ctx, interview_id, result.value.previous, restore=True)
    assert not get_interview(ctx, interview_id).cancelled
    sent = invites(ctx, mark)
    assert {str(event_of(cal)["sequence"]) for _to, cal, _k in sent} == {"2"}
    assert all("method=REQUEST" in kind for _to, _cal, kind in sent)
    actions = [e.action for e in watch.new() if e.entity_type == "interview"]
    assert actions == ["interview.cancel", "interview.restore"]


def _year() -> tuple[dt.datetime, dt.datetime]:
    return dt.datetime(2027, 1, 1, tzinfo=dt.UTC), dt.datetime(2028, 1, 1, tzinfo=dt.UTC)


def test_a_candidate_not_invited_or_not_to_be_contacted_gets_no_invite(
    ctx: ServiceContext, loop: Loop
) -> None:
    schedule_interview(ctx, interview(loop, candidate_invited=False))
    assert "ada@mail.test" not in [to for to, _cal, _kind in invites(ctx)]
    set_contact_preferences(ctx, loop.candidates[1], True, Consent.UNKNOWN)
    mark = last_message_id(ctx)
    schedule_interview(ctx, interview(loop, 1, start=dt.time(9, 0)))
    assert [to for to, _cal, _kind in invites(ctx, mark)] == ["grace@northwind.test"]


def test_uninviting_the_candidate_sends_them_a_cancellation(
    ctx: ServiceContext, loop: Loop
) -> None:
    data = interview(loop)
    interview_id = schedule_interview(ctx, data).value.interview_id
    mark = last_message_id(ctx)
    reschedule_interview(ctx, interview_id, replace(data, candidate_invited=False))
    sent = {to: kind for to, _cal, kind in invites(ctx, mark)}
    assert "method=CANCEL" in sent["ada@mail.test"]
    assert "method=REQUEST" in sent["grace@northwind.test"]


def test_double_booked_interviewers_are_flagged_not_refused(
    ctx: ServiceContext, loop: Loop
) -> None:
    first = schedule_interview(ctx, interview(loop, contact_ids=(loop.grace, loop.alan)))
    assert first.value.conflicts == ()
    # Ada's 14:00-15:00 and Byron's 14:30-15:00: Grace is in both; Alan only in the first.
    clash = interview(loop, 1, start=dt.time(14, 30), duration_minutes=30)
    assert [c.name for c in check_conflicts(ctx, clash)] == ["Grace Hopper"]
    second = schedule_interview(ctx, clash)
    [conflict] = second.value.conflicts
    assert (conflict.name, conflict.candidate_name) == ("Grace Hopper", "Ada Lovelace")
    rows = {r.id: r for r in list_interviews(ctx, *_year())}
    assert rows[first.value.interview_id].conflicts == ("Grace Hopper",)
    assert rows[second.value.interview_id].conflicts == ("Grace Hopper",)
    # Back to back is no clash: 15:00 starts as the first ends.
    later = interview(loop, 1, start=dt.time(15, 0))
    assert check_conflicts(ctx, later, exclude=second.value.interview_id) == []
    reschedule_interview(ctx, second.value.interview_id, later)
    assert all(r.conflicts == () for r in list_interviews(ctx, *_year()))
    # A cancelled interview books nobody.
    reschedule_interview(ctx, second.value.interview_id, clash)
    cancel_interview(ctx, first.value.interview_id)
    assert all(r.conflicts == () for r in list_interviews(ctx, *_year()))


def test_list_filters_by_recruiter_client_and_job(ctx: ServiceContext, loop: Loop) -> None:
    a = schedule_interview(ctx, interview(loop)).value.interview_id
    b = schedule_interview(ctx, interview(loop, 1, date=dt.date(2027, 3, 26))).value.interview_id
    start, end = _year()
    assert [r.id for r in list_interviews(ctx, start, end)] == [a, b]
    assert [r.id for r in list_interviews(ctx, start, end, job_id=loop.job_id)] == [a, b]
    assert list_interviews(ctx, start, end, job_id=loop.job_id + 1000) == []
    assert [r.id for r in list_interviews(ctx, start, end, client_id=loop.client_id)] == [a, b]
    assert list_interviews(ctx, start, end, client_id=loop.client_id + 1000) == []
    assert [r.id for r in list_interviews(ctx, start, end, recruiter_id=ctx.actor.user_id)] == [
        a,
        b,
    ]
    assert list_interviews(ctx, start, end, recruiter_id=(ctx.actor.user_id or 0) + 1) == []
    day = dt.datetime(2027, 3, 26, tzinfo=dt.UTC)
    assert [r.id for r in list_interviews(ctx, day, day + dt.timedelta(days=1))] == [b]
    assert [r.id for r in interviews_of_candidate(ctx, loop.candidates[1])] == [b]


def test_reminders_come_once_shortly_before_the_interview(ctx: ServiceContext, loop: Loop) -> None:
    interview_id = schedule_interview(ctx, interview(loop)).value.interview_id
    starts = get_interview(ctx, interview_id).starts_at
    assert take_interview_reminders(ctx, starts - dt.timedelta(hours=1)).value == []
    taken = take_interview_reminders(ctx, starts - dt.timedelta(minutes=10))
    assert [r.id for r in taken.value] == [interview_id]
    assert taken.changes.touches(ChangeKind.INTERVIEWS)
    assert take_interview_reminders(ctx, starts - dt.timedelta(minutes=5)).value == []
    # Moved: reminded again before the new time.
    data = replace(interview_input(ctx, interview_id), start=dt.time(17, 0))
    reschedule_interview(ctx, interview_id, data)
    later = get_interview(ctx, interview_id).starts_at
    assert [r.id for r in take_interview_reminders(ctx, later - dt.timedelta(minutes=1)).value] == [
        interview_id
    ]


def test_an_interviewer_whose_contact_is_deleted_keeps_their_place_and_scorecard(
    ctx: ServiceContext, loop: Loop
) -> None:
    from app.services.pipeline.scorecards import (
        ScorecardInput,
        save_scorecard,
        scorecards_of_interviews,
    )
    from app.store.interviews import Recommendation
    from app.store.models import Contact

    data = interview(loop, contact_ids=(loop.grace, loop.alan))
    interview_id = schedule_interview(ctx, data).value.interview_id
    alan = get_interview(ctx, interview_id).attendees[1].id
    save_scorecard(ctx, ScorecardInput(interview_id, alan, (("Skills", 4),), Recommendation.YES))
    with ctx.write() as tx:  # as a client's removal would take its contacts
        tx.session.delete(tx.session.get(Contact, loop.alan))
    [row] = [a for a in get_interview(ctx, interview_id).attendees if a.id == alan]
    assert (row.name, row.contact_id, row.user_id) == ("Alan Turing", None, None)
    mark = last_message_id(ctx)
    reschedule_interview(
        ctx, interview_id, replace(data, contact_ids=(loop.grace,), start=dt.time(9, 0))
    )
    assert [a.name for a in get_interview(ctx, interview_id).attendees] == [
        "Grace Hopper",
        "Alan Turing",
    ]
    assert {to for to, _cal, _kind in invites(ctx, mark)} >= {"alan@northwind.test"}
    [card] = scorecards_of_interviews(ctx, [interview_id])[interview_id].cards
    assert card.interviewer == "Alan Turing"


def test_merging_two_candidates_on_one_job_keeps_the_dropped_applications_interviews(
    ctx: ServiceContext, loop: Loop
) -> None:
    from app.services.candidates.duplicates import merge_candidates

    ada, byron = loop.applications
    kept = schedule_interview(ctx, interview(loop)).value.interview_id
    moved = schedule_interview(ctx, interview(loop, 1, start=dt.time(9, 0))).value.interview_id
    merge_candidates(ctx, loop.candidates[0], loop.candidates[1], {})
    rows = interviews_of_candidate(ctx, loop.candidates[0])
    assert sorted(r.id for r in rows) == sorted((kept, moved))
    assert {r.application_id for r in rows} == {ada}  # Byron's application went; not its interview
    assert byron not in {r.application_id for r in list_interviews(ctx, *_year())}
