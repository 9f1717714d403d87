"""Interviews in the window: the schedule dialog (suggested interviewers, double-booking named
as the form changes, inline errors), the board's offer on reaching Interviewed and its refusal
when a scorecard is required, the stars from scorecards, the week view and its filters, the
profile's scorecards side by side, undo, and the reminder before an interview."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt, QTime, QTimer
from PySide6.QtGui import QIcon, QUndoStack
from PySide6.QtWidgets import QApplication, QMainWindow

from app.services.core.changes import Changes
from app.services.core.context import ServiceContext
from app.services.core.users import ensure_user
from app.services.pipeline.board import load_board
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.interview_list import get_interview, list_interviews
from app.services.pipeline.interviews import schedule_interview
from app.services.pipeline.jobs import JobInput, create_job
from app.services.pipeline.scorecards import (
    ScorecardInput,
    save_scorecard,
    scorecards_of_interviews,
    set_job_scorecard,
)
from app.store.enums import Recommendation
from app.ui.board.delegate import score_text
from app.ui.board.view import BoardWidget
from app.ui.icons import IconProvider
from app.ui.interviews.commands import push_schedule, push_scorecard
from app.ui.interviews.panel import InterviewsPanel
from app.ui.interviews.schedule_dialog import ScheduleDialog
from app.ui.notifier import TaskReminders
from app.ui.sections.interviews import InterviewsSection
from app.ui.theme import LIGHT
from tests.services.pipeline.interview_setup import Loop, build_loop, interview

WEEK = dt.date(2027, 3, 22)  # the Monday of the week the test interviews fall in


@pytest.fixture
def loop(ctx: ServiceContext) -> Loop:
    return build_loop(ctx)


def _year() -> tuple[dt.datetime, dt.datetime]:
    return dt.datetime(2027, 1, 1, tzinfo=dt.UTC), dt.datetime(2028, 1, 1, tzinfo=dt.UTC)


def _checked(dialog: ScheduleDialog) -> list[str]:
    items = [dialog.people.item(i) for i in range(dialog.people.count())]
    return [i.text() for i in items if i.checkState() == Qt.CheckState.Checked]


def test_schedule_dialog_suggests_the_jobs_people_and_saves(
    qtbot, ctx: ServiceContext, loop: Loop
) -> None:
    dialog = ScheduleDialog(ctx, loop.applications[0], today=dt.date(2027, 3, 24))
    qtbot.addWidget(dialog)
    # The hiring manager and the job's interviewer come ticked; the agency's user does not.
    assert _checked(dialog) == ["Alan Turing — Lead ★", "Grace Hopper — CTO ★"]
    assert dialog.date_edit.date() == QDate(2027, 3, 25)
    dialog.zone.setCurrentText("Europe/Paris")
    dialog.time_edit.setTime(QTime(14, 0))
    dialog.location.setText("Room 4")
    dialog.accept()
    assert dialog.outcome is not None
    row = get_interview(ctx, dialog.outcome.value.interview_id)
    assert row.when == "Thu 25 Mar 2027, 14:00 (Europe/Paris)"
    assert row.interviewers == "Alan Turing, Grace Hopper" and row.location == "Room 4"


def test_schedule_dialog_names_double_bookings_and_shows_errors_inline(
    qtbot, ctx: ServiceContext, loop: Loop
) -> None:
    schedule_interview(ctx, interview(loop))  # Grace, 25 March 14:00-15:00 Paris
    dialog = ScheduleDialog(ctx, loop.applications[1], today=dt.date(2027, 3, 24))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.zone.setCurrentText("Europe/Paris")
    dialog.time_edit.setTime(QTime(14, 30))
    assert dialog.conflicts.isVisibleTo(dialog)
    assert dialog.conflicts.text() == "Double-booked then: Grace Hopper."
    dialog.time_edit.setTime(QTime(15, 0))
    assert not dialog.conflicts.isVisibleTo(dialog)
    for index in range(dialog.people.count()):
        dialog.people.item(index).setCheckState(Qt.CheckState.Unchecked)
    dialog.zone.setCurrentText("Nowhere/Atlantis")
    dialog.accept()
    assert dialog.outcome is None and dialog.isVisible()
    assert dialog.error_text("interviewers") == "Choose at least one interviewer."
    assert "time zone" in dialog.error_text("time_zone")


def test_undo_of_a_schedule_cancels_it_and_redo_restores_it(
    ctx: ServiceContext, loop: Loop
) -> None:
    data = interview(loop)
    done = schedule_interview(ctx, data)
    stack = QUndoStack()
    heard: list[Changes] = []
    push_schedule(ctx, stack, done, data, heard.append, lambda text: None)
    stack.undo()
    assert get_interview(ctx, done.value.interview_id).cancelled
    stack.redo()
    assert not get_interview(ctx, done.value.interview_id).cancelled
    assert len(heard) == 2 and all(c.ids for c in heard)


def test_board_offers_to_schedule_on_reaching_interviewed(
    qtbot, ctx: ServiceContext, loop: Loop
) -> None:
    board = BoardWidget(ctx, LIGHT, QUndoStack(), lambda: load_board(ctx, loop.job_id), None)
    qtbot.addWidget(board)
    board.reload()
    board.show()
    key = next(board.state.key_of(s) for s in board.state.columns if s.name == "Interviewed")
    assert board.move_cards([loop.applications[0]], key)
    assert board.offer.isVisible() and "Ada Lovelace is in Interviewed" in board.offer_text.text()
    with qtbot.waitSignal(board.schedule_requested) as signal:
        board.offer_button.click()
    assert signal.args == [loop.applications[0]] and not board.offer.isVisible()
    # The card's menu offers it at any stage.
    actions = [a.text() for a in board.build_menu([loop.applications[1]]).actions()]
    assert "Schedule interview…" in actions


def test_board_refuses_leaving_interviewed_without_a_required_scorecard(
    qtbot, ctx: ServiceContext, loop: Loop
) -> None:
    set_job_scorecard(ctx, loop.job_id, ["Skills"], required=True)
    board = BoardWidget(ctx, LIGHT, QUndoStack(), lambda: load_board(ctx, loop.job_id), None)
    qtbot.addWidget(board)
    board.reload()
    board.show()
    keys = {s.name: board.state.key_of(s) for s in board.state.columns}
    assert board.move_cards([loop.applications[0]], keys["Interviewed"])
    assert not board.move_cards([loop.applications[0]], keys["Offered"])
    assert board.banner.text().startswith(
        "This job needs a scorecard before a candidate moves on from Interviewed"
    )


def test_card_stars_come_from_scorecards(ctx: ServiceContext, loop: Loop) -> None:
    interview_id = schedule_interview(
        ctx, interview(loop, contact_ids=(loop.grace, loop.alan))
    ).value.interview_id
    grace, alan = (a.id for a in get_interview(ctx, interview_id).attendees)
    card = next(c for c in load_board(ctx, loop.job_id).cards if c.score is None)
    assert score_text(card) == ""
    save_scorecard(ctx, ScorecardInput(interview_id, grace, (("Skills", 5),), Recommendation.YES))
    save_scorecard(ctx, ScorecardInput(interview_id, alan, (("Skills", 4),), Recommendation.YES))
    cards = {c.application_id: c for c in load_board(ctx, loop.job_id).cards}
    assert score_text(cards[loop.applications[0]]) == "★★★★★ 4.5 (2)"  # half a star up
    assert score_text(cards[loop.applications[1]]) == ""


def test_week_view_lists_days_flags_double_bookings_and_filters(
    qtbot, ctx: ServiceContext, loop: Loop, icons: IconProvider
) -> None:
    schedule_interview(ctx, interview(loop))
    schedule_interview(ctx, interview(loop, 1, start=dt.time(14, 30), duration_minutes=30))
    schedule_interview(ctx, interview(loop, 1, date=dt.date(2027, 3, 31)))  # next week
    other_client = create_client(ctx, ClientInput(name="Contoso")).value
    create_job(ctx, JobInput(client_id=other_client, title="Data Analyst"))
    other_user = ensure_user(ctx.sessions, "someone.else").user_id
    section = InterviewsSection(ctx, icons, QUndoStack(), today=WEEK + dt.timedelta(days=2))
    qtbot.addWidget(section)
    section.resize(1024, 700)
    section.show()
    qtbot.waitUntil(lambda: len(section.rows) == 2 and section.job.count() > 1)
    assert section.week_label.text() == "22–28 Mar 2027"
    items = [section.tree.topLevelItem(i) for i in range(section.tree.topLevelItemCount())]
    texts = [(i.text(0), i.text(1), i.text(5)) for i in items]
    assert texts[0] == ("Mon 22 Mar · no interview", "", "")
    thursday = texts.index(("Thu 25 Mar · 2 interviews", "", ""))
    assert items[thursday].isFirstColumnSpanned()
    assert texts[thursday + 1][1:] == ("Ada Lovelace", "⚠ Grace Hopper")
    assert texts[thursday + 2][1:] == ("Byron Lovelace", "⚠ Grace Hopper")
    assert items[thursday + 1].toolTip(5) == "Booked elsewhere then: Grace Hopper"
    assert section.header.subtitle.text() == "2 interviews this week · 2 double-bookings"
    section.shift_week(1)
    qtbot.waitUntil(lambda: len(section.rows) == 1)
    assert section.rows[0].candidate_name == "Byron Lovelace"
    section.shift_week(-1)
    qtbot.waitUntil(lambda: len(section.rows) == 2)
    # Another client's jobs, another recruiter: nothing; this job: both.
    section.client.setCurrentIndex(section.client.findData(other_client))
    qtbot.waitUntil(lambda: section.rows == [])
    assert [section.job.itemText(i) for i in range(section.job.count())] == [
        "Every job",
        "Data Analyst — Contoso",
    ]
    section.client.setCurrentIndex(0)
    section.job.setCurrentIndex(section.job.findData(loop.job_id))
    qtbot.waitUntil(lambda: len(section.rows) == 2)
    section.recruiter.setCurrentIndex(section.recruiter.findData(other_user))
    qtbot.waitUntil(lambda: section.rows == [])
    section.recruiter.setCurrentIndex(section.recruiter.findData(ctx.actor.user_id))
    qtbot.waitUntil(lambda: len(section.rows) == 2)


def test_profile_tab_shows_scorecards_side_by_side(qtbot, ctx: ServiceContext, loop: Loop) -> None:
    interview_id = schedule_interview(
        ctx, interview(loop, contact_ids=(loop.grace, loop.alan))
    ).value.interview_id
    grace, alan = (a.id for a in get_interview(ctx, interview_id).attendees)
    done = save_scorecard(
        ctx,
        ScorecardInput(
            interview_id,
            grace,
            (("Skills", 4), ("Experience", 5)),
            Recommendation.STRONG_YES,
            "Sharp",
        ),
    )
    stack = QUndoStack()
    entered = ScorecardInput(
        interview_id, grace, (("Skills", 4), ("Experience", 5)), Recommendation.STRONG_YES, "Sharp"
    )
    push_scorecard(ctx, stack, done, entered, lambda c: None, print)
    save_scorecard(ctx, ScorecardInput(interview_id, alan, (("Skills", 2),), Recommendation.NO))
    panel = InterviewsPanel(ctx, loop.candidates[0], stack, lambda c: None, print)
    qtbot.addWidget(panel)
    sheet = panel.sheet
    assert [sheet.horizontalHeaderItem(c).text() for c in range(sheet.columnCount())] == [
        "Grace Hopper",
        "Alan Turing",
    ]
    rows = [sheet.verticalHeaderItem(r).text() for r in range(sheet.rowCount())]
    assert rows == ["Skills", "Experience", "Average", "Recommendation", "Notes"]
    assert [sheet.item(r, 0).text() for r in range(sheet.rowCount())] == [
        "★★★★",
        "★★★★★",
        "4.5",
        "Strong yes",
        "Sharp",
    ]
    assert sheet.item(1, 1).text() == "—"  # Alan did not rate Experience
    assert panel.caption.text() == "Scorecards: 2 of 2."
    stack.undo()  # Grace's scorecard taken back
    panel.reload()
    assert panel.caption.text() == "Scorecards: 1 of 2. Waiting for: Grace Hopper."
    assert len(scorecards_of_interviews(ctx, [interview_id])[interview_id].cards) == 1


def test_a_reminder_comes_before_the_interview(
    qtbot, ctx: ServiceContext, loop: Loop, icons: IconProvider
) -> None:
    interview_id = schedule_interview(ctx, interview(loop)).value.interview_id
    starts = get_interview(ctx, interview_id).starts_at
    window = QMainWindow()
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    reminders = TaskReminders(ctx, window, QIcon(), tray_available=lambda: False)
    assert reminders.check_interviews(starts - dt.timedelta(hours=2)) == []
    with qtbot.waitSignal(reminders.show_interviews_requested):
        [row] = reminders.check_interviews(starts - dt.timedelta(minutes=10))
        assert reminders.notice.isVisible()
        assert "Ada Lovelace" in reminders.notice.text.text()
        assert reminders.notice.show_button.text() == "Show interviews"
        reminders.notice.show_button.click()
    assert row.id == interview_id
    assert reminders.check_interviews(starts - dt.timedelta(minutes=5)) == []
    assert list_interviews(ctx, *_year())[0].id == interview_id


def test_job_scorecard_dialog_takes_a_template_and_sets_the_rule_undoably(
    qtbot, ctx: ServiceContext, loop: Loop
) -> None:
    from app.services.pipeline.scorecards import job_scorecard, save_template
    from app.ui.interviews.commands import open_job_scorecard
    from app.ui.interviews.job_scorecard_dialog import JobScorecardDialog

    save_template(ctx, "Northwind bar", ["Ownership", "Craft"], client_id=loop.client_id)
    stack = QUndoStack()
    heard: list[Changes] = []

    def drive() -> None:
        dialog = next(
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, JobScorecardDialog) and w.isVisible()
        )
        assert dialog.attributes.toPlainText() == "Ownership\nCraft"  # the client's, until set
        dialog.attributes.setPlainText("Ownership\nCraft\nCuriosity")
        dialog.required.setChecked(True)
        dialog.accept()

    QTimer.singleShot(0, drive)
    assert open_job_scorecard(ctx, loop.job_id, None, stack, heard.append, print)
    settings = job_scorecard(ctx, loop.job_id)
    assert [a.name for a in settings.attributes] == ["Ownership", "Craft", "Curiosity"]
    assert settings.required and heard and heard[0].ids
    stack.undo()
    assert not job_scorecard(ctx, loop.job_id).required


def test_scorecard_dialog_enters_and_reloads_an_interviewers_scorecard(
    qtbot, ctx: ServiceContext, loop: Loop
) -> None:
    from app.ui.interviews.scorecard_dialog import ScorecardDialog

    interview_id = schedule_interview(
        ctx, interview(loop, contact_ids=(loop.grace, loop.alan))
    ).value.interview_id
    grace = get_interview(ctx, interview_id).attendees[0].id
    dialog = ScorecardDialog(ctx, interview_id, attendee_id=grace)
    qtbot.addWidget(dialog)
    assert list(dialog.ratings) == ["Skills", "Experience", "Communication", "Motivation"]
    dialog.accept()  # nothing rated: refused, said in words
    assert dialog.outcome is None and "Rate at least one attribute." in dialog.error_text("x")
    dialog.ratings["Skills"].setCurrentIndex(dialog.ratings["Skills"].findData(4))
    dialog.ratings["Communication"].setCurrentIndex(5)
    dialog.recommendation.setCurrentIndex(3)
    dialog.notes.setPlainText("Clear thinker")
    dialog.accept()
    assert dialog.outcome is not None
    [card] = scorecards_of_interviews(ctx, [interview_id])[interview_id].cards
    assert dict(card.ratings) == {"Skills": 4, "Communication": 5}
    assert card.recommendation is Recommendation.STRONG_YES and card.notes == "Clear thinker"
    again = ScorecardDialog(ctx, interview_id, attendee_id=grace)
    qtbot.addWidget(again)
    assert again.interviewer.currentText() == "Grace Hopper (entered)"
    assert (
        again.ratings["Skills"].currentData() == 4 and again.notes.toPlainText() == "Clear thinker"
    )
    again.interviewer.setCurrentIndex(1)  # Alan: nothing yet
    assert again.ratings["Skills"].currentData() == 0


def test_week_view_moves_by_keyboard(
    qtbot, ctx: ServiceContext, loop: Loop, icons: IconProvider
) -> None:
    section = InterviewsSection(ctx, icons, QUndoStack(), today=WEEK)
    qtbot.addWidget(section)
    section.show()
    qtbot.waitExposed(section)
    section.tree.setFocus()
    qtbot.wait(50)
    qtbot.keyClick(section.tree, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert section.week_label.text() == "29 Mar – 4 Apr 2027"
    qtbot.keyClick(section.tree, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(section.tree, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert section.week_label.text() == "15–21 Mar 2027"


def test_every_section_has_its_own_view_shortcut(window) -> None:
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    keys = {a.text(): a.shortcut().toString() for a in view.actions()}
    assert "Interviews" in keys
    assert all(keys.values()) and len(set(keys.values())) == len(keys)
    assert keys["Settings"] == "Ctrl+0"  # the tenth: Ctrl+1 … Ctrl+9, then Ctrl+0


def test_week_view_exports_the_week_as_ics(
    qtbot, ctx: ServiceContext, loop: Loop, icons: IconProvider, tmp_path
) -> None:
    from icalendar import Calendar

    schedule_interview(ctx, interview(loop))
    schedule_interview(ctx, interview(loop, 1, date=dt.date(2027, 3, 31)))  # next week
    section = InterviewsSection(ctx, icons, QUndoStack(), today=WEEK)
    qtbot.addWidget(section)
    qtbot.waitUntil(lambda: len(section.rows) == 1)
    target = tmp_path / "week.ics"
    with qtbot.waitSignal(section.notice) as said:
        section.export(target)
    assert said.args == [f"1 interview exported to {target}."]
    [event] = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert str(event["uid"]) == section.rows[0].uid
