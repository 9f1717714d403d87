"""The sequence editor on a real demo database file: steps added, reordered and removed, days
that go back refused inline, and what is saved (create_sequence / update_steps)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.engagement.sequences import SequenceStepInput, create_sequence, enroll
from app.services.engagement.templates import TemplateInput, archive_template, save_template
from app.store.database import Database
from app.store.engagement import Campaign, CampaignKind, SequenceEnrollment, SequenceStep
from app.store.models import Candidate
from app.ui.dialogs.sequence_editor import SequenceDraft, SequenceEditorDialog, steps_problem


def _templates(ctx: ServiceContext) -> dict[str, int]:
    ids = {}
    for name in ("Intro A", "Follow-up B", "Last call C"):
        data = TemplateInput(name, f"{name} for {{{{ candidate.first_name }}}}", "Hi there.")
        ids[name] = save_template(ctx, data).value
    return ids


def _dialog(qtbot, ctx: ServiceContext, campaign_id: int | None = None) -> SequenceEditorDialog:
    dialog = SequenceEditorDialog(ctx, campaign_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _choose(dialog: SequenceEditorDialog, row: int, template_id: int, day: int) -> None:
    editor = dialog.editor
    box = editor.template_box(row)
    box.setCurrentIndex(box.findData(template_id))
    editor.day_box(row).setValue(day)


def _save(qtbot, dialog: SequenceEditorDialog) -> None:
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )


def _steps(database: Database, campaign_id: int) -> list[tuple[int, int, int]]:
    with database.sessions() as session:
        rows = session.scalars(
            select(SequenceStep)
            .where(SequenceStep.campaign_id == campaign_id)
            .order_by(SequenceStep.position)
        )
        return [(row.position, row.delay_days, row.template_id) for row in rows]


def _sequences(database: Database) -> list[Campaign]:
    with database.sessions() as session:
        return list(session.scalars(select(Campaign).where(Campaign.kind == CampaignKind.SEQUENCE)))


def test_steps_problem_rules() -> None:
    assert steps_problem([]) == "Add at least one step."
    assert (
        steps_problem([SequenceStepInput(1, 0), SequenceStepInput(2, 3), SequenceStepInput(3, 3)])
        == ""
    )
    message = steps_problem(
        [SequenceStepInput(1, 0), SequenceStepInput(2, 5), SequenceStepInput(3, 2)]
    )
    assert message.startswith("Step 3 is on day 2, before step 2 (day 5)")
    assert steps_problem([SequenceStepInput(0, 0)]) == "Step 1: choose a template."
    assert SequenceDraft("  ", [SequenceStepInput(1, 0)]).validate() == {
        "name": "Name the sequence."
    }


def test_new_sequence_with_three_steps_is_saved_in_order(qtbot, demo_ctx, demo_database) -> None:
    ids = _templates(demo_ctx)
    before = {c.id for c in _sequences(demo_database)}
    dialog = _dialog(qtbot, demo_ctx)
    editor = dialog.editor
    assert editor.table.rowCount() == 1 and editor.day_box(0).value() == 0
    qtbot.keyClicks(dialog.name, "Warm intro")
    _choose(dialog, 0, ids["Intro A"], 0)
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert editor.day_box(1).value() == 3  # a few days after the step before
    _choose(dialog, 1, ids["Follow-up B"], 3)
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    _choose(dialog, 2, ids["Last call C"], 10)
    assert "days 0, 3 and 10" in editor.schedule.text()
    _save(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    [created] = [c for c in _sequences(demo_database) if c.id not in before]
    assert created.name == "Warm intro" and created.id == dialog.outcome.value
    assert _steps(demo_database, created.id) == [
        (0, 0, ids["Intro A"]),
        (1, 3, ids["Follow-up B"]),
        (2, 10, ids["Last call C"]),
    ]
    assert dialog.all_changes().touches(ChangeKind.CAMPAIGNS)


def test_a_day_before_the_previous_step_is_refused_inline(qtbot, demo_ctx, demo_database) -> None:
    ids = _templates(demo_ctx)
    before = len(_sequences(demo_database))
    dialog = _dialog(qtbot, demo_ctx)
    editor = dialog.editor
    qtbot.keyClicks(dialog.name, "Backwards")
    _choose(dialog, 0, ids["Intro A"], 5)
    editor.add_step(ids["Follow-up B"], 2)
    assert editor.day_box(1).property("invalid") in (True, "true")  # flagged as typed
    _save(qtbot, dialog)
    assert dialog.isVisible()
    assert "Step 2 is on day 2, before step 1 (day 5)" in dialog.error_text("steps")
    assert len(_sequences(demo_database)) == before
    editor.day_box(1).setValue(7)  # fixing it clears the message at once
    assert dialog.error_text("steps") == ""
    _save(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert [s[1] for s in _steps(demo_database, dialog.outcome.value)] == [5, 7]


def test_name_and_steps_are_required(qtbot, demo_ctx, demo_database) -> None:
    _templates(demo_ctx)
    before = len(_sequences(demo_database))
    dialog = _dialog(qtbot, demo_ctx)
    editor = dialog.editor
    editor.table.selectRow(0)
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert editor.table.rowCount() == 0 and not editor.remove_button.isEnabled()
    _save(qtbot, dialog)
    assert dialog.error_text("name") == "Name the sequence."
    assert dialog.error_text("steps") == "Add at least one step."
    assert len(_sequences(demo_database)) == before


def test_move_swaps_the_emails_and_keeps_the_days(qtbot, demo_ctx, demo_database) -> None:
    ids = _templates(demo_ctx)
    dialog = _dialog(qtbot, demo_ctx)
    editor = dialog.editor
    qtbot.keyClicks(dialog.name, "Reordered")
    _choose(dialog, 0, ids["Intro A"], 0)
    editor.add_step(ids["Follow-up B"], 4)
    editor.add_step(ids["Last call C"], 9)
    editor.table.selectRow(2)
    assert editor.up_button.isEnabled() and not editor.down_button.isEnabled()
    qtbot.mouseClick(editor.up_button, Qt.MouseButton.LeftButton)
    assert editor.selected_row() == 1
    editor.table.selectRow(0)
    assert not editor.up_button.isEnabled()
    qtbot.mouseClick(editor.down_button, Qt.MouseButton.LeftButton)
    _save(qtbot, dialog)
    assert _steps(demo_database, dialog.outcome.value) == [
        (0, 0, ids["Last call C"]),
        (1, 4, ids["Intro A"]),
        (2, 9, ids["Follow-up B"]),
    ]


def test_an_archived_template_is_refused_by_the_service(qtbot, demo_ctx, demo_database) -> None:
    ids = _templates(demo_ctx)
    dialog = _dialog(qtbot, demo_ctx)
    qtbot.keyClicks(dialog.name, "Stale")
    _choose(dialog, 0, ids["Intro A"], 0)
    archive_template(demo_ctx, ids["Intro A"])  # archived while the dialog was open
    before = len(_sequences(demo_database))
    _save(qtbot, dialog)
    assert dialog.isVisible()
    assert "archived" in dialog.error_text("")  # the service's message, shown in the dialog
    assert len(_sequences(demo_database)) == before


def test_edit_steps_of_a_sequence_with_enrolled_candidates(qtbot, demo_ctx, demo_database) -> None:
    ids = _templates(demo_ctx)
    campaign_id = create_sequence(
        demo_ctx,
        "Nurture",
        [SequenceStepInput(ids["Intro A"], 0), SequenceStepInput(ids["Follow-up B"], 5)],
    ).value
    with demo_database.sessions() as session:
        people = list(
            session.scalars(
                select(Candidate.id).where(Candidate.do_not_contact.is_(False)).limit(5)
            )
        )
    enroll(demo_ctx, campaign_id, people)
    dialog = _dialog(qtbot, demo_ctx, campaign_id)
    editor = dialog.editor
    assert dialog.name.text() == "Nurture" and dialog.name.isReadOnly()
    assert [s.delay_days for s in editor.steps()] == [0, 5]
    assert [s.template_id for s in editor.steps()] == [ids["Intro A"], ids["Follow-up B"]]
    editor.day_box(1).setValue(2)
    editor.add_step(ids["Last call C"], 8)
    _save(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert _steps(demo_database, campaign_id) == [
        (0, 0, ids["Intro A"]),
        (1, 2, ids["Follow-up B"]),
        (2, 8, ids["Last call C"]),
    ]
    with demo_database.sessions() as session:
        enrolled = session.scalars(
            select(SequenceEnrollment).where(SequenceEnrollment.campaign_id == campaign_id)
        ).all()
    assert enrolled and all(e.status == "active" for e in enrolled)


def test_steps_that_cannot_be_sent_are_listed_and_the_job_is_marked(
    qtbot, demo_ctx, demo_database
) -> None:
    ids = _templates(demo_ctx)
    pitch = save_template(
        demo_ctx, TemplateInput("Role pitch D", "About {{ job.title }}", "Hi there.")
    ).value
    before = len(_sequences(demo_database))
    dialog = _dialog(qtbot, demo_ctx)
    editor = dialog.editor
    qtbot.keyClicks(dialog.name, "Pitch")
    _choose(dialog, 0, ids["Intro A"], 0)
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    _choose(dialog, 1, pitch, 3)
    assert dialog.job.currentData() is None
    _save(qtbot, dialog)
    assert dialog.isVisible() and len(_sequences(demo_database)) == before
    assert dialog.error_text("") == (
        "These steps cannot be sent as they are:\n"
        "• Step 2 (Role pitch D): uses “Job: title”, but there is no job: choose a job, "
        "or give a fallback"
    )
    assert dialog.error_text("job_id") == (
        "The steps use fields of a job: choose the job they are about."
    )
    assert dialog.job.property("invalid") is True
    assert editor.template_box(1).property("invalid") is True
    assert editor.template_box(0).property("invalid") is False
    dialog.job.setCurrentIndex(1)  # an open job
    _save(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert _steps(demo_database, dialog.outcome.value)[1] == (1, 3, pitch)


def test_the_schedule_line_counts_emails_in_words(qtbot, demo_ctx) -> None:
    ids = _templates(demo_ctx)
    dialog = _dialog(qtbot, demo_ctx)
    _choose(dialog, 0, ids["Intro A"], 0)
    assert dialog.editor.schedule.text().startswith("1 email, sent on day 0 after")
    dialog.editor.add_step(ids["Follow-up B"], 4)
    assert dialog.editor.schedule.text().startswith("2 emails, sent on days 0 and 4 after")
