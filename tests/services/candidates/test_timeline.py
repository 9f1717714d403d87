"""The candidate timeline and contact preferences: notes, calls, consent, do-not-contact."""

from __future__ import annotations

import pytest

from app.services.candidates.records import CandidateInput, candidate_profile, create_candidate
from app.services.candidates.timeline import add_note, log_call, set_contact_preferences
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.store.database import Database
from app.store.models import Activity, ActivityKind, Candidate, Consent, Document, User
from tests.support import AuditWatch, count_rows, fail_on_changed


@pytest.fixture
def candidate_id(ctx: ServiceContext) -> int:
    return create_candidate(ctx, CandidateInput(first_name="Ada", last_name="Lovelace")).value


def test_add_note_writes_an_activity_and_one_audit_entry(
    ctx: ServiceContext, database: Database, candidate_id: int
) -> None:
    watch = AuditWatch(database)
    result = add_note(ctx, candidate_id, "  Wants remote work.\nAvailable in March.  ")
    assert result.changes.ids == {ChangeKind.CANDIDATES: frozenset({candidate_id})}
    with database.sessions() as session:
        activity = session.get(Activity, result.value)
        assert activity.kind is ActivityKind.NOTE
        assert activity.body == "Wants remote work.\nAvailable in March."  # lines kept
        assert activity.candidate_id == candidate_id
        assert activity.user_id == ctx.actor.user_id
    [entry] = watch.new()
    assert (entry.action, entry.entity_type, entry.entity_id) == (
        "activity.note",
        "candidate",
        candidate_id,
    )
    assert entry.after["activity_id"] == result.value and entry.after["kind"] == "note"
    assert candidate_profile(ctx, candidate_id).activities[0].body == activity.body


def test_log_call_records_summary_and_outcome(
    ctx: ServiceContext, database: Database, candidate_id: int
) -> None:
    watch = AuditWatch(database)
    with_outcome = log_call(ctx, candidate_id, "Discussed the Acme role.", " Left  voicemail ")
    without = log_call(ctx, candidate_id, "Quick check-in.", None)
    with database.sessions() as session:
        first = session.get(Activity, with_outcome.value)
        second = session.get(Activity, without.value)
        assert (first.kind, first.subject, first.body) == (
            ActivityKind.CALL,
            "Call: Left voicemail",
            "Discussed the Acme role.",
        )
        assert (second.subject, second.body) == ("Call", "Quick check-in.")
    assert [e.action for e in watch.new()] == ["activity.call", "activity.call"]


@pytest.mark.parametrize("text", ["", "   \n ", "x" * 5001])
def test_notes_and_calls_refuse_empty_or_oversized_text(
    ctx: ServiceContext, database: Database, candidate_id: int, text: str
) -> None:
    watch = AuditWatch(database)
    with pytest.raises(ValidationError) as note_error:
        add_note(ctx, candidate_id, text)
    assert "text" in note_error.value.errors
    with pytest.raises(ValidationError) as call_error:
        log_call(ctx, candidate_id, text, None)
    assert "summary" in call_error.value.errors
    assert count_rows(database, "activities") == 0 and watch.new() == []


def test_the_longest_note_is_accepted_and_a_long_outcome_is_not(
    ctx: ServiceContext, candidate_id: int
) -> None:
    add_note(ctx, candidate_id, "x" * 5000)
    with pytest.raises(ValidationError) as error:
        log_call(ctx, candidate_id, "Fine.", "y" * 201)
    assert "outcome" in error.value.errors


def test_notes_for_a_missing_candidate_are_refused(ctx: ServiceContext, database: Database) -> None:
    with pytest.raises(NotFoundError):
        add_note(ctx, 9999, "Hello")
    assert count_rows(database, "activities") == 0


def test_a_failed_note_leaves_no_activity_and_no_audit_entry(
    ctx: ServiceContext, database: Database, candidate_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    watch = AuditWatch(database)
    fail_on_changed(monkeypatch)
    with pytest.raises(RuntimeError):
        add_note(ctx, candidate_id, "Lost")
    assert count_rows(database, "activities") == 0 and watch.new() == []


def test_contact_preferences_stamp_consent_at_only_when_consent_changes(
    ctx: ServiceContext, database: Database, candidate_id: int
) -> None:
    watch = AuditWatch(database)
    granted = set_contact_preferences(ctx, candidate_id, False, Consent.GRANTED)
    assert granted.value is True and granted.changes.touches(ChangeKind.CANDIDATES)
    profile = candidate_profile(ctx, candidate_id)
    assert profile.consent is Consent.GRANTED and profile.consent_at is not None
    stamped = profile.consent_at

    set_contact_preferences(ctx, candidate_id, True, Consent.GRANTED)  # only do-not-contact
    profile = candidate_profile(ctx, candidate_id)
    assert profile.do_not_contact is True and profile.consent_at == stamped

    unchanged = set_contact_preferences(ctx, candidate_id, True, Consent.GRANTED)
    assert unchanged.value is False and not unchanged.changes.ids

    set_contact_preferences(ctx, candidate_id, True, Consent.WITHDRAWN)
    profile = candidate_profile(ctx, candidate_id)
    assert profile.consent is Consent.WITHDRAWN and profile.consent_at > stamped

    entries = watch.new()
    assert [e.action for e in entries] == ["candidate.contact_preferences"] * 3
    first, second, third = entries
    assert first.before == {"do_not_contact": False, "consent": "unknown", "consent_at": None}
    assert first.after["consent"] == "granted" and first.after["consent_at"]
    assert (second.before["do_not_contact"], second.after["do_not_contact"]) == (False, True)
    assert second.after["consent_at"] == first.after["consent_at"]
    assert (third.before["consent"], third.after["consent"]) == ("granted", "withdrawn")
    with database.sessions() as session:
        assert session.get(Candidate, candidate_id).do_not_contact is True


def test_profile_shows_owner_and_resume_versions_newest_first(
    ctx: ServiceContext, database: Database, candidate_id: int
) -> None:
    import datetime as dt

    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with database.sessions() as session, session.begin():
        for n, name in enumerate(("old.pdf", "new.docx")):
            session.add(
                Document(
                    candidate_id=candidate_id,
                    sha256=f"{n:064d}",
                    original_name=name,
                    media_type="application/pdf",
                    size_bytes=10,
                    stored_path=f"{n:02d}/{n:064d}.bin",
                    created_at=base + dt.timedelta(days=n),
                )
            )
        owner = session.get(User, ctx.actor.user_id).display_name
    profile = candidate_profile(ctx, candidate_id)
    assert profile.owner_name == owner
    assert [r.original_name for r in profile.resumes] == ["new.docx", "old.pdf"]
    assert profile.resumes[0].stored_path == f"{1:02d}/{1:064d}.bin"
    assert profile.resumes[0].imported_at == base + dt.timedelta(days=1)
    assert profile.do_not_contact is False and profile.consent is Consent.UNKNOWN
