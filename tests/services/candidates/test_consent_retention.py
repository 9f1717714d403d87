"""Consent records (the current answer follows the latest grant or withdrawal; a request is
emailed and recorded) and retention rules (a scan lists people for review, never deletes;
a decision erases or keeps them until a date)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services.candidates.consent import (
    consent_history,
    record_consent,
    request_consent,
)
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.candidates.retention import (
    erase_reviewed,
    keep,
    list_rules,
    review_queue,
    save_rule,
    scan,
)
from app.services.core.context import ServiceContext
from app.services.core.roles import PermissionDenied
from app.services.core.unit_of_work import ValidationError
from app.store.database import Database
from tests.services.engagement.test_campaigns import configure_mail
from tests.support import raw_connect, sqlite_rows

TODAY = dt.date.today()


def _person(ctx: ServiceContext, first: str, email: str | None = None) -> int:
    data = CandidateInput(first, "Example", email=email) if email else CandidateInput(first, "X")
    return create_candidate(ctx, data).value


def _age(database: Database, candidate_id: int, days: int) -> None:
    """Make the candidate's record and timeline look ``days`` old."""
    when = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).strftime("%Y-%m-%d %H:%M:%S.%f")
    with raw_connect(database.path) as raw:
        raw.execute("UPDATE candidates SET updated_at = ? WHERE id = ?", (when, candidate_id))
        raw.execute(
            "UPDATE activities SET occurred_at = ? WHERE candidate_id = ?", (when, candidate_id)
        )


def test_the_current_consent_follows_grants_and_withdrawals(ctx, database) -> None:
    person = _person(ctx, "Ada")
    later = TODAY + dt.timedelta(days=730)
    record_consent(ctx, person, "granted", "consent", "application form", later)
    assert sqlite_rows(database.path, f"SELECT consent FROM candidates WHERE id={person}") == [
        ("granted",)
    ]
    record_consent(ctx, person, "withdrawn", "consent", "phone call", note="asked us to stop")
    history = consent_history(ctx, person)
    assert [row.status for row in history] == ["withdrawn", "granted"]
    assert history[1].expires_on == later and history[1].source == "application form"
    assert history[0].recorded_by == "Tester"
    assert sqlite_rows(database.path, f"SELECT consent FROM candidates WHERE id={person}") == [
        ("withdrawn",)
    ]


def test_bad_consent_input_is_refused(ctx) -> None:
    person = _person(ctx, "Ada")
    with pytest.raises(ValidationError) as refused:
        record_consent(ctx, person, "maybe", "vibes", expires_on=TODAY)
    assert set(refused.value.errors) == {"status", "legal_basis"}
    with pytest.raises(ValidationError, match="lapse after today"):
        record_consent(ctx, person, "granted", "consent", expires_on=TODAY)


def test_requesting_consent_emails_and_records_it(ctx, database) -> None:
    configure_mail(ctx)
    person = _person(ctx, "Grace", "grace@example.org")
    message = request_consent(ctx, person).value
    [(subject, to)] = sqlite_rows(
        database.path, f"SELECT subject, to_address FROM outbox_messages WHERE id = {message}"
    )
    assert subject == "May we keep your details, Grace?" and to == "grace@example.org"
    assert consent_history(ctx, person)[0].status == "requested"
    request_consent(ctx, person)  # the template is made once and reused
    assert sqlite_rows(
        database.path, "SELECT count(*) FROM email_templates WHERE name = 'Consent request'"
    ) == [(1,)]


def test_a_scan_lists_the_inactive_and_the_lapsed_and_deletes_nobody(ctx, database) -> None:
    old, recent, lapsed = _person(ctx, "Old"), _person(ctx, "Recent"), _person(ctx, "Lapsed")
    _age(database, old, 800)
    _age(database, lapsed, 10)
    record_consent(ctx, lapsed, "granted", "consent", expires_on=TODAY + dt.timedelta(days=1))
    with raw_connect(database.path) as raw:  # it lapsed 40 days ago
        raw.execute(
            "UPDATE consent_records SET expires_on = ? WHERE candidate_id = ?",
            ((TODAY - dt.timedelta(days=40)).isoformat(), lapsed),
        )
    save_rule(ctx, "Inactive two years", "inactive", 730)
    save_rule(ctx, "Consent lapsed a month", "consent_expired", 30)
    assert [rule.kind for rule in list_rules(ctx)] == ["consent_expired", "inactive"]
    assert scan(ctx).value == 2
    queue = review_queue(ctx)
    assert {(row.candidate_id, row.rule) for row in queue} == {
        (old, "Inactive two years"),
        (lapsed, "Consent lapsed a month"),
    }
    assert recent not in {row.candidate_id for row in queue}
    assert scan(ctx).value == 0  # listed once
    assert sqlite_rows(database.path, "SELECT count(*) FROM candidates") == [(3,)]


def test_keep_until_a_date_then_erase(ctx, database) -> None:
    old = _person(ctx, "Old")
    _age(database, old, 800)
    save_rule(ctx, "Inactive two years", "inactive", 730)
    scan(ctx)
    [row] = review_queue(ctx)
    with pytest.raises(ValidationError, match="after today"):
        keep(ctx, [row.id], TODAY)
    keep(ctx, [row.id], TODAY + dt.timedelta(days=30))
    assert review_queue(ctx) == []
    assert scan(ctx, TODAY + dt.timedelta(days=10)).value == 0  # still kept
    assert scan(ctx, TODAY + dt.timedelta(days=31)).value == 1  # listed again after the date
    [row] = review_queue(ctx)
    assert erase_reviewed(ctx, [row.id], None).value == 1
    assert sqlite_rows(database.path, f"SELECT first_name FROM candidates WHERE id={old}") == [
        ("Erased",)
    ]
    assert review_queue(ctx) == []
    assert scan(ctx, TODAY + dt.timedelta(days=400)).value == 0  # erased people are never listed


def test_a_rejected_rule_waits_for_every_application_to_end(ctx, database) -> None:
    from app.services.candidates.bulk import add_to_job
    from app.services.pipeline.clients import ClientInput, create_client
    from app.services.pipeline.jobs import JobInput, create_job

    person = _person(ctx, "Rejected")
    client = create_client(ctx, ClientInput("Acme")).value
    job = create_job(ctx, JobInput(client, "Analyst")).value
    stages = dict(
        sqlite_rows(
            database.path, f"SELECT kind, min(id) FROM stages WHERE job_id={job} GROUP BY kind"
        )
    )
    add_to_job(ctx, [person], job, stages["active"], "test")
    save_rule(ctx, "Rejected a year", "rejected", 365)
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=400)).strftime("%Y-%m-%d %H:%M:%S.%f")
    with raw_connect(database.path) as raw:
        raw.execute("UPDATE applications SET stage_entered_at = ?", (old,))
    assert scan(ctx).value == 0  # still in an active stage
    with raw_connect(database.path) as raw:
        raw.execute("UPDATE applications SET stage_id = ?", (stages["rejected"],))
    assert scan(ctx).value == 1


def test_roles_for_retention(ctx, database) -> None:
    from app.services.admin.user_admin import add_user
    from app.services.core.users import ensure_user

    add_user(ctx, "harry.manager", None, "hiring_manager")
    manager = ServiceContext(database.sessions, ensure_user(database.sessions, "harry.manager"))
    with pytest.raises(PermissionDenied):
        save_rule(manager, "x", "inactive", 10)
    with pytest.raises(PermissionDenied):
        review_queue(manager)
