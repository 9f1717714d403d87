"""Submittals: candidates sent to a client contact for a job through the outbox, one record
and timeline entry each; the client's answers recorded, undone and redone."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services.admin.stats import table_counts
from app.services.candidates.delete import delete_candidate
from app.services.candidates.duplicates import merge_candidates
from app.services.candidates.edit import read_values, update_candidate
from app.services.candidates.merge_undo import redo_step, undo_step
from app.services.candidates.profile_document import ProfileDocument
from app.services.candidates.records import CandidateInput, candidate_profile, create_candidate
from app.services.candidates.submittal_records import (
    candidate_submittals,
    restore_submittal,
    submit_choices,
    submittal_marks,
    update_submittal,
)
from app.services.candidates.submittals import SubmittalRequest, submit_candidates
from app.services.candidates.timeline import set_contact_preferences
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.contacts import ContactInput, archive_contact, create_contact
from app.store.database import Database
from app.store.engagement import OutboxMessage, OutboxPart
from app.store.models import AuditEntry, Consent
from app.store.submittals import Submittal, SubmittalStatus
from tests.services.candidates import profile_world as w
from tests.support import AuditWatch, dump_candidate_tables


def fake_pdf(document: ProfileDocument) -> bytes:
    """Stands in for the Qt renderer here: the bytes say which document they were made from."""
    return f"%PDF-fake {document.name} blind={document.blind} pitch={document.pitch}".encode()


@pytest.fixture
def world(ctx: ServiceContext, tmp_path: Path) -> w.ProfileWorld:
    return w.build_world(ctx, tmp_path)


def _second(ctx: ServiceContext) -> int:
    return create_candidate(ctx, CandidateInput("Omar", "Haddad", email="omar@h.example")).value


def _parts(ctx: ServiceContext, message_id: int) -> list[tuple[str | None, str, bytes]]:
    with ctx.read() as session:
        return [
            (p.filename, p.content_type, p.data)
            for p in session.scalars(
                select(OutboxPart)
                .where(OutboxPart.message_id == message_id)
                .order_by(OutboxPart.position)
            )
        ]


def test_two_candidates_go_in_one_email_with_a_record_each(
    ctx: ServiceContext, world: w.ProfileWorld, database: Database, tmp_path: Path
) -> None:
    omar = _second(ctx)
    request = SubmittalRequest(
        job_id=world.job_id,
        contact_id=world.contact_id,
        candidate_ids=(world.candidate_id, omar),
        with_resume=True,
        pitches={world.candidate_id: "Ran Kafka at scale."},
    )
    audit = AuditWatch(database)
    done = submit_candidates(ctx, request, fake_pdf, tmp_path / "documents")
    result = done.value
    assert len(result.submittal_ids) == 2
    assert result.missing_resumes == ("Omar Haddad",)  # he was typed in, not imported
    assert done.changes.touches(ChangeKind.SUBMITTALS, ChangeKind.OUTBOX, ChangeKind.CANDIDATES)
    assert [a.action for a in audit.new()] == ["submittal.create"] * 2
    with ctx.read() as session:
        message = session.get(OutboxMessage, result.message_id)
        assert message is not None
        assert (message.to_address, message.to_name) == ("dana@halcyon.example", "Dana Whitfield")
        assert message.candidate_id is None  # to the client, not to a candidate
        assert message.subject == "2 candidates for Principal Data Engineer"
        assert message.body_text.startswith("Dear Dana,")
        assert "- Philippa Quinn Marchbanks — Streaming data lead" in message.body_text
        assert "- Omar Haddad" in message.body_text
    parts = _parts(ctx, result.message_id)
    assert [(name, kind) for name, kind, _ in parts] == [
        ("Profile - Philippa Quinn Marchbanks.pdf", "application/pdf"),
        ("marchbanks.txt", "text/plain"),
        ("Profile - Omar Haddad.pdf", "application/pdf"),
    ]
    assert b"pitch=Ran Kafka at scale." in parts[0][2]
    assert parts[1][2] == world.resume.read_bytes()
    rows = candidate_submittals(ctx, world.candidate_id)
    assert [(r.status, r.contact_name, r.client_name, r.with_resume) for r in rows] == [
        (SubmittalStatus.SUBMITTED, "Dana Whitfield", "Halcyon Freight", True)
    ]
    assert submittal_marks(ctx, world.job_id) == {
        world.candidate_id: SubmittalStatus.SUBMITTED,
        omar: SubmittalStatus.SUBMITTED,
    }
    timeline = candidate_profile(ctx, world.candidate_id).activities
    assert timeline[0].kind == "submittal"
    assert timeline[0].subject == (
        "Submitted to Dana Whitfield (Halcyon Freight) for Principal Data Engineer"
    )
    assert "Ran Kafka at scale." in (timeline[0].body or "")
    counts = table_counts(database.engine)
    assert counts["submittals"] == 2 and counts["outbox_parts"] == 3


def test_a_blind_submittal_names_only_initials_and_refuses_the_resume(
    ctx: ServiceContext, world: w.ProfileWorld
) -> None:
    blind = SubmittalRequest(world.job_id, world.contact_id, (world.candidate_id,), blind=True)
    with pytest.raises(ValidationError) as refused:
        submit_candidates(ctx, replace(blind, with_resume=True), fake_pdf, Path("."))
    assert "with_resume" in refused.value.errors
    result = submit_candidates(ctx, blind, fake_pdf).value
    with ctx.read() as session:
        message = session.get(OutboxMessage, result.message_id)
        assert message is not None
        text = f"{message.subject}\n{message.body_text}"
    assert message.subject == "Candidate for Principal Data Engineer: P. M."
    for secret in w.identifying_strings():
        assert secret.casefold() not in text.casefold(), secret
    [(name, _, data)] = _parts(ctx, result.message_id)
    assert name == "Profile - P M.pdf" and b"blind=True" in data


def test_refusals_leave_nothing_behind(
    ctx: ServiceContext, world: w.ProfileWorld, database: Database
) -> None:
    archived = create_contact(
        ctx, world.client_id, ContactInput("Lee", "Park", emails=("lee@h.example",))
    ).value
    elsewhere = create_client(ctx, ClientInput("Other Co")).value
    stranger = create_contact(
        ctx, elsewhere, ContactInput("Kim", "Out", emails=("kim@o.example",))
    ).value
    no_email = create_contact(ctx, world.client_id, ContactInput("Sam", "Quiet")).value
    base = SubmittalRequest(world.job_id, world.contact_id, (world.candidate_id,))
    with pytest.raises(ValidationError):
        submit_candidates(ctx, replace(base, candidate_ids=()), fake_pdf)
    with pytest.raises(ValidationError):
        submit_candidates(ctx, replace(base, contact_id=no_email), fake_pdf)
    with pytest.raises(ValidationError):
        submit_candidates(ctx, replace(base, contact_id=stranger), fake_pdf)
    archive_contact(ctx, archived)
    with pytest.raises(ValidationError):
        submit_candidates(ctx, replace(base, contact_id=archived), fake_pdf)
    with pytest.raises(NotFoundError):
        submit_candidates(ctx, replace(base, candidate_ids=(world.candidate_id + 99,)), fake_pdf)
    set_contact_preferences(ctx, world.candidate_id, False, Consent.WITHDRAWN)
    with pytest.raises(ValidationError) as refused:
        submit_candidates(ctx, base, fake_pdf)
    assert "Philippa" in refused.value.errors["candidates"]
    counts = table_counts(database.engine)
    assert (counts["submittals"], counts["outbox_messages"]) == (0, 0)


def test_answers_are_recorded_undone_and_redone(
    ctx: ServiceContext, world: w.ProfileWorld, database: Database
) -> None:
    request = SubmittalRequest(world.job_id, world.contact_id, (world.candidate_id,))
    [sid] = submit_candidates(ctx, request, fake_pdf).value.submittal_ids
    [row] = candidate_submittals(ctx, world.candidate_id)
    audit = AuditWatch(database)
    done = update_submittal(
        ctx, sid, SubmittalStatus.INTERVIEW_REQUESTED, " Wants a call Tuesday ", row.version
    )
    assert [a.action for a in audit.new()] == ["submittal.update"]
    assert audit.new()[0].before["status"] == "submitted"
    assert audit.new()[0].after["status"] == "interview_requested"
    update = done.value
    [row] = candidate_submittals(ctx, world.candidate_id)
    assert (row.status_text, row.feedback) == ("Interview requested", "Wants a call Tuesday")
    entry = candidate_profile(ctx, world.candidate_id).activities[0]
    assert entry.subject == "Dana Whitfield for Principal Data Engineer: Interview requested"
    assert entry.body == "Wants a call Tuesday"
    # What the screen showed is stale now: refused rather than overwritten.
    with pytest.raises(ValidationError):
        update_submittal(ctx, sid, SubmittalStatus.DECLINED, None, row.version - 1)

    undone = restore_submittal(ctx, update, undo=True).value
    [row] = candidate_submittals(ctx, world.candidate_id)
    assert (row.status, row.feedback) == (SubmittalStatus.SUBMITTED, None)
    kinds = [a.subject for a in candidate_profile(ctx, world.candidate_id).activities]
    assert not any("Interview requested" in (s or "") for s in kinds)
    redone = restore_submittal(ctx, undone, undo=False).value
    assert redone.activity_id is not None
    assert submittal_marks(ctx, world.job_id) == {
        world.candidate_id: SubmittalStatus.INTERVIEW_REQUESTED
    }
    # Somebody else answers meanwhile: the undo is refused and changes nothing.
    update_submittal(ctx, sid, SubmittalStatus.DECLINED, "Hired internally")
    with pytest.raises(ValidationError):
        restore_submittal(ctx, redone, undo=True)
    [row] = candidate_submittals(ctx, world.candidate_id)
    assert row.status is SubmittalStatus.DECLINED
    # An unchanged answer writes nothing.
    same = update_submittal(ctx, sid, SubmittalStatus.DECLINED, "Hired internally")
    assert same.value.activity_id is None and not same.changes.kinds


def test_the_dialog_offers_the_clients_current_contacts_with_an_email(
    ctx: ServiceContext, world: w.ProfileWorld
) -> None:
    create_contact(ctx, world.client_id, ContactInput("Sam", "Quiet"))
    gone = create_contact(
        ctx, world.client_id, ContactInput("Old", "Hand", emails=("o@h.example",))
    )
    archive_contact(ctx, gone.value)
    choices = submit_choices(ctx, world.job_id, (world.candidate_id,))
    assert [c.name for c in choices.contacts] == ["Dana Whitfield"]
    assert choices.suggested_contact_id == world.contact_id  # flagged as hiring manager
    assert choices.candidate_names == {world.candidate_id: f"{w.FIRST} {w.MIDDLE} {w.LAST}"}


def test_deleting_the_candidate_takes_their_submittals(
    ctx: ServiceContext, world: w.ProfileWorld, database: Database
) -> None:
    request = SubmittalRequest(world.job_id, world.contact_id, (world.candidate_id,))
    submit_candidates(ctx, request, fake_pdf)
    delete_candidate(ctx, world.candidate_id)
    with ctx.read() as session:
        assert session.scalars(select(Submittal)).all() == []
    assert table_counts(database.engine)["outbox_messages"] == 1  # the sent email stays


def test_editing_the_record_after_sending_keeps_what_was_sent(
    ctx: ServiceContext, world: w.ProfileWorld
) -> None:
    request = SubmittalRequest(world.job_id, world.contact_id, (world.candidate_id,))
    submit_candidates(ctx, request, fake_pdf)
    with ctx.read() as session:
        values = read_values(session, world.candidate_id)
    update_candidate(ctx, world.candidate_id, replace(values, last_name="Marchant"), values)
    [row] = candidate_submittals(ctx, world.candidate_id)
    assert row.candidate_name == f"{w.FIRST} {w.MIDDLE} Marchant"
    assert row.contact_email == "dana@halcyon.example"


def test_a_merge_moves_the_submittals_and_its_undo_moves_them_back(
    ctx: ServiceContext, world: w.ProfileWorld, database: Database
) -> None:
    twin = create_candidate(ctx, CandidateInput("Pippa", "Marchbanks", email="pm@x.example"))
    request = SubmittalRequest(world.job_id, world.contact_id, (twin.value,))
    [sid] = submit_candidates(ctx, request, fake_pdf).value.submittal_ids
    before = dump_candidate_tables(database)
    merge_candidates(ctx, world.candidate_id, twin.value, {})
    assert [r.id for r in candidate_submittals(ctx, world.candidate_id)] == [sid]
    with ctx.read() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "candidate.merge")
        ).one()
    undo_step(ctx, entry.id)
    assert dump_candidate_tables(database) == before
    assert [r.id for r in candidate_submittals(ctx, twin.value)] == [sid]
    assert candidate_submittals(ctx, world.candidate_id) == []
    redo_step(ctx, entry.id)
    assert [r.id for r in candidate_submittals(ctx, world.candidate_id)] == [sid]
