"""The enrol dialog: pick a sequence, enrol the selection, see who was skipped."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

from app.services.campaigns import stop_campaign
from app.services.context import ServiceContext
from app.services.email_templates import TemplateInput, save_template
from app.services.optout import unsubscribe
from app.services.sequences import StepInput, create_sequence
from app.services.timeline import set_contact_preferences
from app.store.engagement import EnrollmentStatus, SequenceEnrollment
from app.store.models import Application, Candidate, CandidateEmail, Consent, Job, JobStatus
from app.ui.dialogs.enroll import EnrollDialog


@pytest.fixture
def sequence(demo_ctx: ServiceContext) -> int:
    first = save_template(demo_ctx, TemplateInput("Intro 1", "Hello", "Hi there")).value
    second = save_template(demo_ctx, TemplateInput("Intro 2", "Again", "Hi again")).value
    steps = [StepInput(first, 0), StepInput(second, 3)]
    return create_sequence(demo_ctx, "Warm intro", steps).value


def _contactable(ctx: ServiceContext, count: int) -> list[int]:
    with ctx.read() as session:
        return list(
            session.scalars(
                select(Candidate.id)
                .where(
                    Candidate.do_not_contact.is_(False),
                    Candidate.consent != Consent.WITHDRAWN,
                    Candidate.id.in_(select(CandidateEmail.candidate_id)),
                )
                .order_by(Candidate.id)
                .limit(count)
            )
        )


def _dialog(qtbot, ctx: ServiceContext, ids: list[int], **kwargs) -> EnrollDialog:
    dialog = EnrollDialog(ctx, ids, "Pool: Engineering talent", **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_enrolling_a_selection_reports_who_was_skipped(
    qtbot, demo_ctx: ServiceContext, sequence: int
) -> None:
    ids = _contactable(demo_ctx, 6)
    set_contact_preferences(demo_ctx, ids[4], True, Consent.UNKNOWN)
    unsubscribe(demo_ctx, ids[5])
    woken: list[bool] = []
    published = []
    dialog = _dialog(qtbot, demo_ctx, ids[:2], wake=lambda: woken.append(True))
    assert dialog.sequence.currentData() == sequence
    qtbot.mouseClick(dialog.enroll_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=10_000)
    dialog.accept()

    again = _dialog(qtbot, demo_ctx, ids, wake=lambda: woken.append(True))
    again.changes_made.connect(published.append)
    qtbot.mouseClick(again.enroll_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: again.outcome is not None, timeout=10_000)
    assert again.worker.last_thread is not threading.main_thread()
    assert again.result_label.isVisible()
    assert again.result_label.text() == (
        "“Warm intro”: Enrolled 2 candidates · skipped: 2 already in this sequence, "
        "2 who cannot be emailed (do not contact, unsubscribed or no address)."
    )
    assert again.notice == again.result_label.text()
    assert woken == [True, True]
    assert published and published[0].touches("enrollments", "campaigns")
    assert again.enroll_button.isHidden()
    assert again.buttons.button(QDialogButtonBox.StandardButton.Close) is not None
    with demo_ctx.read() as session:
        enrolled = session.scalars(
            select(SequenceEnrollment.candidate_id).where(
                SequenceEnrollment.campaign_id == sequence,
                SequenceEnrollment.status == EnrollmentStatus.ACTIVE,
            )
        ).all()
    assert sorted(enrolled) == sorted(ids[:4])


def test_the_watched_job_is_recorded_with_the_candidates_application(
    qtbot, demo_ctx: ServiceContext, sequence: int
) -> None:
    with demo_ctx.read() as session:
        application = session.scalars(
            select(Application)
            .join(CandidateEmail, CandidateEmail.candidate_id == Application.candidate_id)
            .join(Candidate, Candidate.id == Application.candidate_id)
            .join(Job, Job.id == Application.job_id)
            .where(
                Candidate.do_not_contact.is_(False),
                Candidate.consent != Consent.WITHDRAWN,
                Job.status == JobStatus.OPEN,
            )
            .order_by(Application.id)
        ).first()
        candidate_id, job_id, stage_id = (
            application.candidate_id,
            application.job_id,
            application.stage_id,
        )
        application_id = application.id
    dialog = _dialog(qtbot, demo_ctx, [candidate_id], job_id=job_id)
    assert dialog.job.currentData() == job_id  # the job passed in is preselected
    qtbot.mouseClick(dialog.enroll_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=10_000)
    with demo_ctx.read() as session:
        row = session.scalars(
            select(SequenceEnrollment).where(SequenceEnrollment.candidate_id == candidate_id)
        ).one()
    assert (row.application_id, row.stage_id_at_enrollment) == (application_id, stage_id)


def test_no_sequence_to_pick_says_where_to_make_one(qtbot, demo_ctx: ServiceContext) -> None:
    dialog = _dialog(qtbot, demo_ctx, _contactable(demo_ctx, 2))
    assert dialog.sequence.count() == 0
    assert dialog.empty_hint.isVisible() and not dialog.enroll_button.isEnabled()


def test_a_stopped_sequence_is_not_offered_and_a_refusal_is_shown(
    qtbot, demo_ctx: ServiceContext, sequence: int
) -> None:
    dialog = _dialog(qtbot, demo_ctx, _contactable(demo_ctx, 2))
    assert dialog.sequence.count() == 1
    stop_campaign(demo_ctx, sequence)  # stopped elsewhere while the dialog is open
    qtbot.mouseClick(dialog.enroll_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert "Nobody was enrolled" in dialog.error.text() and "stopped" in dialog.error.text()
    assert dialog.outcome is None and dialog.enroll_button.isEnabled()
    later = _dialog(qtbot, demo_ctx, _contactable(demo_ctx, 2))
    assert later.sequence.count() == 0
