"""The enrol dialog: pick a sequence, enrol the selection, see who was skipped."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

from app.services.candidates.timeline import set_contact_preferences
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.engagement.campaigns import stop_campaign
from app.services.engagement.optout import unsubscribe
from app.services.engagement.sequences import SequenceStepInput, create_sequence
from app.services.engagement.templates import TemplateInput, save_template
from app.store.engagement import EnrollmentStatus, SequenceEnrollment
from app.store.models import Application, Candidate, CandidateEmail, Consent, Job, JobStatus
from app.ui.dialogs.enroll import EnrollDialog


@pytest.fixture
def sequence(demo_ctx: ServiceContext) -> int:
    first = save_template(demo_ctx, TemplateInput("Intro 1", "Hello", "Hi there")).value
    second = save_template(demo_ctx, TemplateInput("Intro 2", "Again", "Hi again")).value
    steps = [SequenceStepInput(first, 0), SequenceStepInput(second, 3)]
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
    assert again.ops.ran_on("enrol") not in (None, threading.main_thread())
    assert again.result_label.isVisible()
    assert again.result_label.text() == (
        "“Warm intro”: Enrolled 2 candidates · skipped: 2 already in this sequence, "
        "2 who cannot be emailed (do not contact, unsubscribed or no address)."
    )
    assert again.notice == again.result_label.text()
    assert woken == [True, True]
    assert published and published[0].touches(ChangeKind.ENROLLMENTS, ChangeKind.CAMPAIGNS)
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


@pytest.fixture
def titled_sequence(demo_ctx: ServiceContext) -> int:
    """A sequence whose second step names the candidate's current title."""
    first = save_template(demo_ctx, TemplateInput("Hello 1", "Hello", "Hi there")).value
    second = save_template(
        demo_ctx, TemplateInput("As a title", "Your work", "As a {{ candidate.current_title }}…")
    ).value
    steps = [SequenceStepInput(first, 0), SequenceStepInput(second, 3)]
    return create_sequence(demo_ctx, "Titles", steps).value


def _set_titles(ctx: ServiceContext, titles: dict[int, str | None]) -> dict[int, str]:
    """Give candidates these titles; their full names, as problem lines show them."""
    names = {}
    with ctx.sessions() as session, session.begin():
        for candidate_id, title in titles.items():
            person = session.get(Candidate, candidate_id)
            person.current_title = title
            parts = (person.first_name, person.middle_name, person.last_name)
            names[candidate_id] = " ".join(p for p in parts if p)
    return names


def _enrolled_in(ctx: ServiceContext, campaign_id: int) -> list[int]:
    with ctx.read() as session:
        return sorted(
            session.scalars(
                select(SequenceEnrollment.candidate_id).where(
                    SequenceEnrollment.campaign_id == campaign_id
                )
            )
        )


def _problem_lines(dialog: EnrollDialog) -> list[str]:
    return [dialog.problems.item(i).text() for i in range(dialog.problems.count())]


def test_nobody_is_enrolled_when_every_candidate_has_a_template_problem(
    qtbot, demo_ctx: ServiceContext, titled_sequence: int
) -> None:
    ids = _contactable(demo_ctx, 5)
    names = _set_titles(demo_ctx, dict.fromkeys(ids))
    woken: list[bool] = []
    dialog = _dialog(qtbot, demo_ctx, ids, wake=lambda: woken.append(True))
    qtbot.mouseClick(dialog.enroll_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.problems.isVisible(), timeout=10_000)
    assert dialog.ops.ran_on("check") not in (None, threading.main_thread())
    assert dialog.problems_heading.text() == (
        "All 5 candidates to enrol cannot get every email of this sequence; "
        "nothing has changed yet:"
    )
    assert _problem_lines(dialog) == [
        f"{names[i]}: step 2 (As a title): “Candidate: current title” has no value" for i in ids
    ]
    assert not dialog.enroll_button.isEnabled()
    assert dialog.error.text() == "Nobody can be enrolled until these are fixed."
    assert dialog.result_label.isHidden() and dialog.outcome is None
    assert _enrolled_in(demo_ctx, titled_sequence) == [] and woken == []


def test_going_ahead_enrols_only_those_who_pass_and_says_so(
    qtbot, demo_ctx: ServiceContext, titled_sequence: int
) -> None:
    ids = _contactable(demo_ctx, 5)
    names = _set_titles(
        demo_ctx, {ids[0]: "Analyst", ids[1]: None, ids[2]: "Chemist", ids[3]: None, ids[4]: "Cook"}
    )
    dialog = _dialog(qtbot, demo_ctx, ids)
    qtbot.mouseClick(dialog.enroll_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.problems.isVisible(), timeout=10_000)
    assert dialog.problems_heading.text().startswith("2 of the 5 candidates to enrol cannot")
    assert [line.split(":")[0] for line in _problem_lines(dialog)] == [
        names[ids[1]],
        names[ids[3]],
    ]
    assert dialog.enroll_button.isEnabled()
    assert dialog.enroll_button.text() == "Enrol only the 3 who pass"
    assert _enrolled_in(demo_ctx, titled_sequence) == []  # nothing yet: the user decides
    qtbot.mouseClick(dialog.enroll_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=10_000)
    assert dialog.result_label.text() == (
        "“Titles”: Enrolled 3 candidates · skipped: 2 left out for the problems listed."
    )
    assert dialog.result_label.property("role") == "success"
    assert dialog.problems_heading.text() == "Left out (2 candidates), for these problems:"
    assert _enrolled_in(demo_ctx, titled_sequence) == sorted([ids[0], ids[2], ids[4]])


def test_choosing_another_sequence_clears_the_problems(
    qtbot, demo_ctx: ServiceContext, titled_sequence: int, sequence: int
) -> None:
    ids = _contactable(demo_ctx, 2)
    _set_titles(demo_ctx, {ids[0]: "Analyst", ids[1]: None})
    dialog = _dialog(qtbot, demo_ctx, ids)
    dialog.sequence.setCurrentIndex(dialog.sequence.findData(titled_sequence))
    qtbot.mouseClick(dialog.enroll_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.problems.isVisible(), timeout=10_000)
    assert dialog.enroll_button.text() == "Enrol only the 1 who passes"
    dialog.sequence.setCurrentIndex(dialog.sequence.findData(sequence))
    assert dialog.problems.isHidden() and dialog.enroll_button.text() == "Enrol"
    qtbot.mouseClick(dialog.enroll_button, Qt.MouseButton.LeftButton)  # no problems: at once
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=10_000)
    assert dialog.result_label.text() == "“Warm intro”: Enrolled 2 candidates."
    assert _enrolled_in(demo_ctx, sequence) == sorted(ids)


def test_report_text_says_exactly_what_happened() -> None:
    from app.services.engagement.sequences import EnrollReport
    from app.ui.dialogs.enroll import report_text

    assert report_text(EnrollReport((7,), 0, 0, 0)) == "Enrolled 1 candidate"
    assert report_text(EnrollReport((), 1, 0, 0, 2)) == (
        "Nobody was enrolled · skipped: 2 left out for the problems listed, "
        "1 already in this sequence"
    )
