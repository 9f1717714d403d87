"""The Compliance section: onboarding checks grouped Overdue / Due soon / Open / Done, read
off the GUI thread, with its actions going through the service's rules; the status bar's
count of overdue checks."""

from __future__ import annotations

import datetime as dt
import threading

from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.pipeline.board import MoveRequest, load_board, move_applications
from app.services.pipeline.onboarding import CheckRow, checks_of, set_start_date
from app.store.enums import CheckKind, CheckStatus
from app.ui.icons import IconProvider
from app.ui.main_window import MainWindow
from app.ui.sections.compliance import ComplianceSection
from tests.services.pipeline.hiring_support import hiring

TODAY = dt.date(2027, 1, 6)  # a Wednesday
START = dt.date(2027, 1, 4)


def _hire(ctx: ServiceContext, start: dt.date = START) -> int:
    world = hiring(ctx)
    board = load_board(ctx, world.job_id)
    stage = next(s for s in board.stages if s.name == "Hired")
    card = next(c for c in board.cards if c.application_id == world.applications["Ada"])
    move_applications(ctx, [MoveRequest(card.application_id, card.version, stage.id)])
    set_start_date(ctx, card.application_id, start)
    return card.application_id


def _section(qtbot, ctx: ServiceContext, icons: IconProvider) -> ComplianceSection:
    section = ComplianceSection(ctx, icons, today=lambda: TODAY)
    qtbot.addWidget(section)
    qtbot.waitUntil(lambda: section.loaded)
    return section


def _kinds(section: ComplianceSection, group: str) -> list[CheckKind]:
    return [item.data(0, 256).kind for item in section.check_items(group)]


def _reloaded(qtbot, section: ComplianceSection, act) -> None:
    section.loaded = False
    act()
    qtbot.waitUntil(lambda: section.loaded and not section.ops.busy())


def test_checks_are_grouped_and_read_off_the_gui_thread(qtbot, ctx, icons) -> None:
    _hire(ctx)
    section = _section(qtbot, ctx, icons)
    assert sorted(_kinds(section, "overdue")) == sorted(
        [CheckKind.I9_SECTION1, CheckKind.BACKGROUND]
    )
    assert _kinds(section, "due_soon") == [CheckKind.I9_SECTION2]
    assert _kinds(section, "done") == []
    worker = section.ops.ran_on("checks")
    assert worker is not None and worker is not threading.main_thread()
    assert "2 overdue" in section.header.subtitle.text()


def test_mark_done_moves_an_i9_section_to_done_and_publishes(qtbot, ctx, icons) -> None:
    _hire(ctx)
    section = _section(qtbot, ctx, icons)
    published = []
    section.changes_made.connect(published.append)
    item = next(
        i for i in section.check_items("overdue") if i.data(0, 256).kind is CheckKind.I9_SECTION1
    )
    section.tree.setCurrentItem(item)
    assert section.done_action.isEnabled() and not section.advance_action.isEnabled()
    _reloaded(qtbot, section, section.done_action.trigger)
    assert _kinds(section, "done") == [CheckKind.I9_SECTION1]
    assert _kinds(section, "overdue") == [CheckKind.BACKGROUND]
    assert published and published[0].touches(ChangeKind.ONBOARDING)


def _select_background(section: ComplianceSection) -> CheckRow:
    for group in ("overdue", "due_soon", "open", "done"):
        for item in section.check_items(group):
            if item.data(0, 256).kind is CheckKind.BACKGROUND:
                section.tree.setCurrentItem(item)
                return item.data(0, 256)
    raise AssertionError("no background check shown")


def test_advance_follows_the_rules_and_shows_a_refusal(qtbot, ctx, icons, monkeypatch) -> None:
    application = _hire(ctx)
    section = _section(qtbot, ctx, icons)
    steps = iter(
        [
            CheckStatus.IN_PROGRESS,
            CheckStatus.CONSIDER,
            CheckStatus.PRE_ADVERSE_SENT,
            CheckStatus.ADVERSE_ACTION,  # today is the notice's day: refused
        ]
    )
    offered: list[tuple[CheckStatus, ...]] = []

    def choose(row: CheckRow) -> CheckStatus:
        offered.append(row.next_steps())
        return next(steps)

    monkeypatch.setattr(section, "choose_step", choose)
    for _ in range(3):
        _select_background(section)
        assert section.advance_action.isEnabled() and not section.done_action.isEnabled()
        _reloaded(qtbot, section, section.advance_action.trigger)
    assert offered[0] == (CheckStatus.IN_PROGRESS,)
    assert offered[1] == (CheckStatus.CLEAR, CheckStatus.CONSIDER)
    background = _select_background(section)
    assert background.status is CheckStatus.PRE_ADVERSE_SENT
    assert background.due_on == dt.date(2027, 1, 13)
    _reloaded(qtbot, section, section.advance_action.trigger)
    qtbot.waitUntil(lambda: not section.action_error.isHidden())
    assert "not before 2027-01-13" in section.action_error.text()
    stored = {r.kind: r for r in checks_of(ctx, application)}
    assert stored[CheckKind.BACKGROUND].status is CheckStatus.PRE_ADVERSE_SENT


def test_set_owner_and_start_date(qtbot, ctx, icons, monkeypatch) -> None:
    application = _hire(ctx)
    section = _section(qtbot, ctx, icons)
    _select_background(section)
    monkeypatch.setattr(section, "choose_owner", lambda _row, users: users[0][0])
    _reloaded(qtbot, section, section.owner_action.trigger)
    background = _select_background(section)
    assert background.owner_id == ctx.actor.user_id and background.owner_name
    monkeypatch.setattr(section, "choose_start", lambda _row: dt.date(2027, 1, 11))
    _reloaded(qtbot, section, section.start_action.trigger)
    assert _kinds(section, "overdue") == []
    stored = {r.kind: r for r in checks_of(ctx, application)}
    assert stored[CheckKind.I9_SECTION2].due_on == dt.date(2027, 1, 14)


def test_the_status_bar_counts_overdue_checks_and_opens_the_section(
    qtbot, window: MainWindow
) -> None:
    _hire(window.services, dt.date.today() - dt.timedelta(days=30))
    window._refresh_status()
    label = window.status_overdue
    qtbot.waitUntil(label.isVisible)
    count = int(label.text().split(">")[1].split()[0].replace(",", ""))
    assert count >= 3
    label.linkActivated.emit("compliance")
    assert window.current_section_key() == "compliance"


def test_settings_holidays_are_added_and_removed_and_move_due_days(qtbot, ctx) -> None:
    from PySide6.QtCore import QDate

    from app.services.pipeline.holidays import list_holidays
    from app.ui.sections.holidays_panel import HolidaysPanel

    application = _hire(ctx)
    panel = HolidaysPanel(ctx)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.loaded)
    published = []
    panel.changes_made.connect(published.append)
    panel.day.setDate(QDate(2027, 1, 5))
    panel.name.setText("Founders' day")
    panel.loaded = False
    panel.add_button.click()
    qtbot.waitUntil(lambda: panel.list.count() == 1 and not panel.ops.busy())
    assert [(h.day, h.name) for h in list_holidays(ctx)] == [(dt.date(2027, 1, 5), "Founders' day")]
    assert published and published[0].touches(ChangeKind.HOLIDAYS)
    section2 = {r.kind: r for r in checks_of(ctx, application)}[CheckKind.I9_SECTION2]
    assert section2.due_on == dt.date(2027, 1, 8)
    panel.add_button.click()  # the same day again: refused here, nothing written
    assert not panel.error.isHidden() and len(list_holidays(ctx)) == 1
    panel.list.setCurrentRow(0)
    panel.remove_button.click()
    qtbot.waitUntil(lambda: panel.list.count() == 0 and not panel.ops.busy())
    assert list_holidays(ctx) == []


def test_edit_undo_of_a_hire_on_the_board_takes_its_checks_back_and_redo_again(qtbot, ctx) -> None:
    from PySide6.QtGui import QUndoStack

    from app.ui.board.commands import MoveCommand

    world = hiring(ctx)
    board = load_board(ctx, world.job_id)
    stage = next(s for s in board.stages if s.name == "Hired")
    card = next(c for c in board.cards if c.application_id == world.applications["Ada"])
    done = move_applications(ctx, [MoveRequest(card.application_id, card.version, stage.id)])
    applied, failed = [], []
    stack = QUndoStack()
    stack.push(MoveCommand(ctx, done, "Move Ada", lambda o, _p: applied.append(o), failed.append))
    made = [(r.kind, r.status, r.due_on) for r in checks_of(ctx, card.application_id)]
    assert len(made) == 3
    stack.undo()
    assert checks_of(ctx, card.application_id) == [] and not failed
    assert applied[-1].changes.touches(ChangeKind.ONBOARDING)
    stack.redo()
    again = [(r.kind, r.status, r.due_on) for r in checks_of(ctx, card.application_id)]
    assert again == made and not failed


def test_the_profile_shows_a_hires_checks_in_one_line(qtbot, ctx) -> None:
    from app.ui.dialogs.hiring_panel import HiringPanel

    application = _hire(ctx)
    candidate = checks_of(ctx, application)[0].candidate_id
    panel = HiringPanel(ctx, candidate, lambda _o: None, lambda _c: None, lambda _t: None, None)
    qtbot.addWidget(panel)
    panel.reload()
    lines = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert lines == [
        "Onboarding (Backend Engineer at Northwind): I-9 Section 1: open, due 2027-01-04"
        " · I-9 Section 2: open, due 2027-01-07 · Background check: requested, due 2027-01-04"
    ]


def test_each_action_goes_on_the_undo_stack(qtbot, ctx, icons, monkeypatch) -> None:
    """Mark done, Advance…, Set owner… and Set start date… are undone and redone from the
    stack, exactly; an undo of a check changed since says why and leaves the stack."""
    application = _hire(ctx)
    section = _section(qtbot, ctx, icons)
    stack = section.undo_stack

    def stored() -> dict[CheckKind, CheckRow]:
        return {r.kind: r for r in checks_of(ctx, application)}

    first = stored()
    item = next(
        i for i in section.check_items("overdue") if i.data(0, 256).kind is CheckKind.I9_SECTION1
    )
    section.tree.setCurrentItem(item)
    _reloaded(qtbot, section, section.done_action.trigger)
    qtbot.waitUntil(lambda: stack.count() == 1)
    assert stack.undoText() == "Mark I-9 Section 1 of Ada Tester done"
    assert stored()[CheckKind.I9_SECTION1].status is CheckStatus.DONE
    stack.undo()
    assert stored()[CheckKind.I9_SECTION1].status is CheckStatus.OPEN
    assert stored()[CheckKind.I9_SECTION1].completed_on is None
    stack.redo()
    assert stored()[CheckKind.I9_SECTION1].status is CheckStatus.DONE

    monkeypatch.setattr(section, "choose_step", lambda _row: CheckStatus.IN_PROGRESS)
    _select_background(section)
    _reloaded(qtbot, section, section.advance_action.trigger)
    monkeypatch.setattr(section, "choose_owner", lambda _row, users: users[0][0])
    _select_background(section)
    _reloaded(qtbot, section, section.owner_action.trigger)
    monkeypatch.setattr(section, "choose_start", lambda _row: dt.date(2027, 1, 11))
    _reloaded(qtbot, section, section.start_action.trigger)
    qtbot.waitUntil(lambda: stack.count() == 4)
    assert stored()[CheckKind.I9_SECTION2].due_on == dt.date(2027, 1, 14)
    stack.undo()  # the start date: every check's due day back
    assert stored()[CheckKind.I9_SECTION2].due_on == first[CheckKind.I9_SECTION2].due_on
    stack.undo()  # the owner
    assert stored()[CheckKind.BACKGROUND].owner_id is None
    stack.undo()  # the step
    assert stored()[CheckKind.BACKGROUND].status is CheckStatus.REQUESTED

    # Someone takes the step again meanwhile: the redo that would overwrite it is refused.
    background = stored()[CheckKind.BACKGROUND]
    from app.services.pipeline.onboarding import advance_check

    advance_check(ctx, background.id, CheckStatus.IN_PROGRESS, background.version, TODAY)
    stack.redo()
    assert "changed since" in section.action_error.text()
    assert stored()[CheckKind.BACKGROUND].owner_id is None
