"""Tasks in the window: the Tasks section (new, done, edit, delete), Add task… from a profile
and from a job's context menu, and reminders when a task falls due — never a modal dialog."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QMessageBox,
    QSystemTrayIcon,
    QToolButton,
    QTreeWidgetItem,
)

from app.services.candidates.records import candidate_profile
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.users import ensure_user
from app.services.pipeline.tasks import (
    TaskInput,
    complete_task,
    create_task,
    get_task,
    list_tasks,
    local_now,
)
from app.store.models import Task
from app.ui.dialogs.profile import ProfileDialog
from app.ui.dialogs.task_editor import TaskEditorDialog
from app.ui.main_window import MainWindow
from app.ui.notifier import FIRST_CHECK_MS
from app.ui.sections.registry import SECTIONS
from app.ui.sections.tasks import TasksSection

TODAY = local_now().date()


def _when_modal(kind: type, act: Callable[[object], None]) -> None:
    """Once a modal ``kind`` is up, let ``act`` drive it as a user would."""

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if not isinstance(widget, kind):
            QTimer.singleShot(20, poll)
            return
        try:
            act(widget)
        finally:
            if widget.isVisible():
                widget.reject()  # a failed check must not leave the test waiting on it

    QTimer.singleShot(0, poll)


def _fill_and_save(qtbot, title: str, days: int = 0) -> Callable[[object], None]:
    def act(dialog: object) -> None:
        assert isinstance(dialog, TaskEditorDialog)
        dialog.title_edit.clear()
        qtbot.keyClicks(dialog.title_edit, title)
        if days == 1:
            qtbot.mouseClick(dialog.quick_buttons["Tomorrow"], Qt.MouseButton.LeftButton)
        save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)

    return act


def _tasks(window: MainWindow) -> TasksSection:
    window.show_section("tasks")
    section = window.section("tasks")
    assert isinstance(section, TasksSection)
    return section


def _titles(section: TasksSection, group: str) -> list[str]:
    return [item.text(0) for item in section.task_items(group)]


def _select(qtbot, section: TasksSection, title: str) -> QTreeWidgetItem:
    """Click the task's row."""
    for group in ("overdue", "today", "upcoming", "done"):
        for item in section.task_items(group):
            if item.text(0) == title:
                point = section.tree.visualItemRect(item).center()
                qtbot.mouseClick(section.tree.viewport(), Qt.MouseButton.LeftButton, pos=point)
                assert section.tree.currentItem() is item
                return item
    raise AssertionError(f"{title} is not listed")


def _button(section: TasksSection, action: QAction) -> QToolButton:
    return next(b for b in section.findChildren(QToolButton) if b.defaultAction() is action)


def test_tasks_sits_between_talent_pools_and_campaigns_at_1024_by_700(
    window: MainWindow, qtbot
) -> None:
    keys = [spec.key for spec in SECTIONS]
    assert keys.index("tasks") == keys.index("talent_pools") + 1
    assert keys.index("campaigns") == keys.index("tasks") + 1
    window.resize(1024, 700)
    row = keys.index("tasks")
    rect = window.navigation.visualItemRect(window.navigation.item(row))
    assert window.navigation.viewport().rect().contains(rect)  # no scrolling to reach it
    qtbot.mouseClick(window.navigation.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    section = window.section("tasks")
    assert window.stack.currentWidget() is section
    qtbot.wait(20)
    for button in (section.new_button, section.owner_filter):
        corner = button.mapTo(window, button.rect().bottomRight())
        assert window.rect().contains(corner)  # fully inside the window at 1024×700


def test_new_task_mark_done_reopen_and_delete_with_real_keys(window: MainWindow, qtbot) -> None:
    section = _tasks(window)
    assert section.header.subtitle.text().startswith("Your open tasks: none")
    _when_modal(TaskEditorDialog, _fill_and_save(qtbot, "Send the shortlist", days=1))
    qtbot.mouseClick(section.new_button, Qt.MouseButton.LeftButton)
    assert _titles(section, "upcoming") == ["Send the shortlist"]
    assert section.task_items("upcoming")[0].text(1) == "Tomorrow"
    assert section.header.subtitle.text() == "1 open task: 0 overdue · 0 due today · 1 upcoming"

    window.activateWindow()  # the editor that just closed had the focus
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    _select(qtbot, section, "Send the shortlist")
    section.tree.setFocus()
    qtbot.keyClick(section.tree, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert _titles(section, "upcoming") == []
    assert _titles(section, "done") == ["Send the shortlist"]
    assert section.task_items("done")[0].text(1) == "done today"

    _select(qtbot, section, "Send the shortlist")
    assert section.done_action.text() == "Reopen"
    qtbot.keyClick(section.tree, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert _titles(section, "upcoming") == ["Send the shortlist"]

    _select(qtbot, section, "Send the shortlist")
    questions: list[str] = []

    def answer(box: object) -> None:
        assert isinstance(box, QMessageBox)
        questions.append(box.text())
        next(b for b in box.buttons() if b.text() == "Delete").click()

    _when_modal(QMessageBox, answer)
    qtbot.keyClick(section.tree, Qt.Key.Key_Delete)
    assert questions == ["Delete “Send the shortlist”?"]
    assert _titles(section, "upcoming") == []
    with window.services.read() as session:
        assert session.query(Task).count() == 0


def test_editing_with_a_double_click_or_f2(window: MainWindow, qtbot) -> None:
    create_task(window.services, TaskInput(title="Chase feedback", due_on=TODAY))
    section = _tasks(window)
    item = _select(qtbot, section, "Chase feedback")
    _when_modal(TaskEditorDialog, _fill_and_save(qtbot, "Chase feedback from Acme"))
    point = section.tree.visualItemRect(item).center()
    qtbot.mouseDClick(section.tree.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert _titles(section, "today") == ["Chase feedback from Acme"]
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    _select(qtbot, section, "Chase feedback from Acme")
    _when_modal(TaskEditorDialog, _fill_and_save(qtbot, "Chase Acme", days=1))
    qtbot.keyClick(section.tree, Qt.Key.Key_F2)
    assert _titles(section, "upcoming") == ["Chase Acme"]


def test_a_task_done_elsewhere_is_refused_and_the_list_reloads(window: MainWindow, qtbot) -> None:
    task_id = create_task(window.services, TaskInput(title="Call", due_on=TODAY)).value
    section = _tasks(window)
    _select(qtbot, section, "Call")
    complete_task(window.services, task_id)  # another window got there first
    qtbot.mouseClick(_button(section, section.done_action), Qt.MouseButton.LeftButton)
    assert "already done" in section.action_error.text()
    assert _titles(section, "done") == ["Call"] and _titles(section, "today") == []


def test_owner_filter_shows_everyones_tasks(window: MainWindow, qtbot) -> None:
    other = ServiceContext(window.services.sessions, ensure_user(window.services.sessions, "ana"))
    create_task(other, TaskInput(title="Ana's call", due_on=TODAY))
    create_task(window.services, TaskInput(title="My call", due_on=TODAY))
    section = _tasks(window)
    section._fill_owners()
    assert _titles(section, "today") == ["My call"]
    section.owner_filter.setCurrentIndex(section.owner_filter.findText("Everyone's tasks"))
    assert sorted(_titles(section, "today")) == ["Ana's call", "My call"]
    section.owner_filter.setCurrentIndex(section.owner_filter.findText("Ana's tasks"))
    assert _titles(section, "today") == ["Ana's call"]


def test_add_task_from_a_profile_and_done_goes_on_the_timeline(window: MainWindow, qtbot) -> None:
    candidate_id = 1
    dialog = ProfileDialog(window.services, candidate_id, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.tasks.item(0).text() == "No open task"
    assert not dialog.task_done_button.isEnabled()

    def check_link_and_save(editor: object) -> None:
        assert isinstance(editor, TaskEditorDialog)
        assert editor.about.currentText() == f"Candidate: {dialog.profile.name}"
        _fill_and_save(qtbot, "Call about the offer")(editor)

    _when_modal(TaskEditorDialog, check_link_and_save)
    qtbot.mouseClick(dialog.add_task_button, Qt.MouseButton.LeftButton)
    assert dialog.tasks.item(0).text() == "Today · Call about the offer"
    assert dialog.all_changes().touches(ChangeKind.TASKS)

    qtbot.mouseClick(dialog.task_done_button, Qt.MouseButton.LeftButton)
    assert dialog.tasks.item(0).text() == "No open task"
    assert "task done: Call about the offer" in dialog.timeline.item(0).text()
    entries = candidate_profile(window.services, candidate_id).activities
    assert (entries[0].kind, entries[0].subject) == ("task", "Done: Call about the offer")


def test_add_task_from_a_jobs_context_menu(window: MainWindow, qtbot) -> None:
    jobs = window.section("jobs")
    jobs.table.selectRow(0)
    job = jobs.selected_job()
    menu = jobs.context_menu()
    entries = {action.text(): action for action in menu.actions()}
    assert f"Add task about {job.client_name}…" in entries

    def check_and_save(editor: object) -> None:
        assert isinstance(editor, TaskEditorDialog)
        assert editor.about.currentText() == f"Job: {job.title} ({job.client_name})"
        _fill_and_save(qtbot, "Send the shortlist")(editor)

    _when_modal(TaskEditorDialog, check_and_save)
    entries["Add task…"].trigger()
    [row] = list_tasks(window.services, window.services.actor.user_id).today
    assert (row.job_id, row.title) == (job.id, "Send the shortlist")
    tasks = _tasks(window)  # built after the change: it reads it
    assert _titles(tasks, "today") == ["Send the shortlist"]
    assert tasks.task_items("today")[0].text(2) == f"{job.title} ({job.client_name}) (job)"

    _when_modal(TaskEditorDialog, _fill_and_save(qtbot, "Invoice"))
    entries[f"Add task about {job.client_name}…"].trigger()
    assert {r.client_id for r in list_tasks(window.services, None).today} == {None, job.client_id}
    assert "Invoice" in _titles(tasks, "today")  # the open section heard of it


def test_what_fell_due_while_closed_is_announced_at_start_up_without_a_dialog(
    qtbot, workspace, icons
) -> None:
    yesterday = TODAY - dt.timedelta(days=1)
    create_task(workspace.services, TaskInput(title="Send contract", due_on=yesterday))
    window = MainWindow(workspace, icons)
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    notice = window.reminders.notice
    assert not notice.isVisible()
    qtbot.waitUntil(notice.isVisible, timeout=FIRST_CHECK_MS + 3000)
    assert QApplication.activeModalWidget() is None
    assert "Task due: Send contract" in notice.text.text()
    assert "Task due: Send contract" in window.statusBar().currentMessage()
    assert window.rect().contains(notice.geometry())
    assert window.reminders.check() == []  # announced once
    qtbot.mouseClick(notice.show_button, Qt.MouseButton.LeftButton)
    assert window.current_section_key() == "tasks"
    assert not notice.isVisible()
    assert window.reminders.timer.isActive()
    assert window.reminders.timer.interval() == 60_000


def test_a_task_falling_due_while_running_is_announced_at_its_time(
    window: MainWindow, qtbot
) -> None:
    tomorrow = TODAY + dt.timedelta(days=1)
    create_task(
        window.services,
        TaskInput(title="Call Ada", due_on=tomorrow, due_time=dt.time(9, 0), candidate_id=1),
    )
    reminders = window.reminders
    eight = dt.datetime.combine(tomorrow, dt.time(8, 59)).astimezone()
    nine = dt.datetime.combine(tomorrow, dt.time(9, 0)).astimezone()
    assert reminders.check(eight) == []
    [row] = reminders.check(nine)
    assert row.title == "Call Ada"
    assert "Call Ada" in reminders.notice.text.text()
    qtbot.mouseClick(reminders.notice.close_button, Qt.MouseButton.LeftButton)
    assert not reminders.notice.isVisible()
    assert get_task(window.services, row.id).done is False


def test_the_system_tray_is_used_when_there_is_one(window: MainWindow, qtbot) -> None:
    create_task(window.services, TaskInput(title="Send contract", due_on=TODAY))
    reminders = window.reminders
    reminders.tray_available = lambda: True  # as on a desktop with a notification area
    [row] = reminders.check()
    assert row.title == "Send contract"
    assert isinstance(reminders.tray, QSystemTrayIcon) and reminders.tray.isVisible()
    assert not reminders.notice.isVisible()  # the tray said it
    assert QApplication.activeModalWidget() is None
    assert window.current_section_key() == "jobs"
    reminders.tray.messageClicked.emit()  # what the desktop sends when the message is clicked
    assert window.current_section_key() == "tasks"
