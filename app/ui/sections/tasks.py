"""The Tasks section, "My tasks": follow-ups in Overdue, Today, Upcoming and Done groups, with
New task…, Mark done / Reopen, Edit…, Delete… and Open (the candidate, job or client).

Every write is a use case of `app.services.pipeline.tasks`; what it changed goes out on
`changes_made` for the window to broadcast. A task someone else changed or deleted meanwhile
is refused with a message above the list, and the list reloads.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHeaderView,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.core.users import list_users
from app.services.pipeline.tasks import (
    TaskGroups,
    TaskRow,
    complete_task,
    delete_task,
    list_tasks,
    local_now,
    reopen_task,
)
from app.ui.dialogs.task_editor import TaskEditorDialog
from app.ui.flow_layout import FlowLayout
from app.ui.icons import IconProvider
from app.ui.messages import error_label
from app.ui.widgets import SectionHeader, section_layout
from app.wording import plural

ROW_ROLE = Qt.ItemDataRole.UserRole
EVERYONE = -1  # the owner filter's "Everyone's tasks"
COLUMNS = ("Task", "Due", "About", "Owner")
GROUPS = (
    ("overdue", "Overdue"),
    ("today", "Today"),
    ("upcoming", "Upcoming"),
    ("done", "Done"),
)
EMPTY_GROUP = {
    "overdue": "Nothing overdue.",
    "today": "Nothing due today.",
    "upcoming": "Nothing planned.",
    "done": "Nothing done yet.",
}


def day_text(day: dt.date, today: dt.date, capital: bool = True) -> str:
    """A day in words near today ("Today", "yesterday", "Tue 15 Dec", with the year when it
    is not this one)."""
    named = {0: "today", 1: "tomorrow", -1: "yesterday"}.get((day - today).days)
    if named is not None:
        return named.capitalize() if capital else named
    text = f"{day:%a} {day.day} {day:%b}"
    return text if day.year == today.year else f"{text} {day.year}"


def due_text(row: TaskRow, today: dt.date, capital: bool = True) -> str:
    """When a task is due: "Today 14:00", "Tomorrow", "Mon 4 Jan 2027" (``capital`` False:
    "today 14:00", inside a sentence)."""
    day = day_text(row.due_on, today, capital)
    return f"{day} {row.due_time:%H:%M}" if row.due_time is not None else day


def about_text(row: TaskRow) -> str:
    kind = row.about_kind
    if kind is None:
        return "—"
    return f"{row.about} ({kind})"


class TasksSection(QWidget):
    """A recruiter's follow-ups, the soonest first."""

    open_profile = Signal(int)  # candidate id
    open_job = Signal(int)  # job id: show its board
    changes_made = Signal(object)  # Changes, after each action taken here
    # Candidates, jobs and clients: a name shown under About may have changed.
    shows = frozenset(
        {ChangeKind.TASKS, ChangeKind.CANDIDATES, ChangeKind.JOBS, ChangeKind.CLIENTS}
    )

    def __init__(
        self, services: ServiceContext, icons: IconProvider, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.services = services
        self.palette_colors = icons.palette
        self.groups = TaskGroups()
        layout = section_layout(self)
        self.header = SectionHeader("Tasks", "")
        self.owner_filter = QComboBox()
        self.owner_filter.setObjectName("taskOwnerFilter")
        self.owner_filter.setToolTip("Whose tasks to show")
        self._fill_owners()
        self.new_button = QPushButton(icons.get("plus", icons.palette.accent_text), "New task…")
        self.new_button.setObjectName("newTaskButton")
        self.new_button.setProperty("role", "primary")
        self.new_button.clicked.connect(self.new_task)
        self.header.add_action(self.owner_filter)
        self.header.add_action(self.new_button)
        layout.addWidget(self.header)
        layout.addLayout(self._build_actions(icons))
        self.action_error = error_label("taskError")
        layout.addWidget(self.action_error)

        self.tree = QTreeWidget()
        self.tree.setObjectName("tasksTree")
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)  # F2: Edit…
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.itemDoubleClicked.connect(lambda item, _column: self._double_clicked(item))
        self.tree.currentItemChanged.connect(lambda *_: self._update_actions())
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 130), (2, 220), (3, 120)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.tree.setColumnWidth(column, width)
        layout.addWidget(self.tree, 1)
        self.owner_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.reload()

    # ---- building ---------------------------------------------------------------------------
    def _build_actions(self, icons: IconProvider) -> FlowLayout:
        def action(text: str, icon: str | None, slot: Any, tip: str, *keys: str) -> QAction:
            made = QAction(icons.get(icon) if icon else QIcon(), text, self)
            made.setToolTip(f"{tip} ({QKeySequence(keys[0]).toString()})" if keys else tip)
            if keys:  # while the focus is in this section
                made.setShortcuts([QKeySequence(k) for k in keys])
                made.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            made.triggered.connect(lambda _checked=False: slot())
            self.addAction(made)
            return made

        self.done_action = action(
            "Mark done",
            "check",
            self.toggle_done,
            "Mark the task done",
            "Ctrl+Return",
            "Ctrl+Enter",  # the keypad's Enter
        )
        self.edit_action = action("Edit…", "pencil", self.edit_selected, "Change the task", "F2")
        self.delete_action = action(
            "Delete…", "trash-2", self.delete_selected, "Delete the task", "Delete"
        )
        self.open_action = action(
            "Open", "eye", self.open_selected, "Open the candidate or job it is about"
        )
        row = FlowLayout(spacing=4)
        for item in (self.done_action, self.edit_action, self.delete_action, self.open_action):
            button = QToolButton()
            button.setDefaultAction(item)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setAutoRaise(True)
            row.addWidget(button)
        return row

    def _fill_owners(self) -> None:
        current = self.owner_filter.currentData()
        me = self.services.actor.user_id
        self.owner_filter.blockSignals(True)
        self.owner_filter.clear()
        self.owner_filter.addItem("My tasks", me)
        self.owner_filter.addItem("Everyone's tasks", EVERYONE)
        for user_id, name in list_users(self.services.sessions):
            if user_id != me:
                self.owner_filter.addItem(f"{name}'s tasks", user_id)
        index = self.owner_filter.findData(current) if current is not None else 0
        self.owner_filter.setCurrentIndex(max(index, 0))
        self.owner_filter.blockSignals(False)

    # ---- showing ----------------------------------------------------------------------------
    def owner_id(self) -> int | None:
        """The recruiter whose tasks are shown; None for everyone's."""
        value = self.owner_filter.currentData()
        return None if value == EVERYONE else value

    def reload(self, now: dt.datetime | None = None) -> None:
        """Read the tasks again, keeping the selection and which groups are open."""
        selected = self.selected_task()
        expanded = {
            self.tree.topLevelItem(i).data(0, ROW_ROLE): self.tree.topLevelItem(i).isExpanded()
            for i in range(self.tree.topLevelItemCount())
        }
        self.groups = list_tasks(self.services, self.owner_id(), now)
        today = self.groups.today_date
        self.tree.clear()
        for key, label in GROUPS:
            rows: tuple[TaskRow, ...] = getattr(self.groups, key)
            total = self.groups.done_total if key == "done" else len(rows)
            heading = f"{label} ({total:,})"
            if key == "done" and total > len(rows):
                heading = f"{label} ({total:,}; the latest {len(rows):,} shown)"
            group = QTreeWidgetItem([heading])
            group.setData(0, ROW_ROLE, key)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = QFont(group.font(0))
            font.setBold(True)
            group.setFont(0, font)
            group.setFirstColumnSpanned(False)
            if key == "overdue" and rows:
                group.setForeground(0, QBrush(QColor(self.palette_colors.danger)))
            self.tree.addTopLevelItem(group)
            for row in rows:
                group.addChild(self._item(row, key, today))
            if not rows:
                empty = QTreeWidgetItem([EMPTY_GROUP[key]])
                empty.setFlags(Qt.ItemFlag.NoItemFlags)
                group.addChild(empty)
            group.setExpanded(expanded.get(key, key != "done"))
        self._update_subtitle()
        if selected is None or not self.select_task(selected.id):
            self._select_first()
        self._update_actions()

    def _item(self, row: TaskRow, group: str, today: dt.date) -> QTreeWidgetItem:
        if group == "done" and row.completed_at is not None:
            due = f"done {day_text(row.completed_at.astimezone().date(), today, capital=False)}"
        else:
            due = due_text(row, today)
        item = QTreeWidgetItem([row.title, due, about_text(row), row.owner_name or "—"])
        item.setData(0, ROW_ROLE, row)
        if row.note:
            item.setToolTip(0, row.note)
        late = group == "overdue" or (
            group == "today"
            and row.due_time is not None
            and dt.datetime.combine(row.due_on, row.due_time) <= local_now()
        )
        if late:
            item.setForeground(1, QBrush(QColor(self.palette_colors.danger)))
        if group == "done":
            for column in range(len(COLUMNS)):
                item.setForeground(column, QBrush(QColor(self.palette_colors.text_muted)))
        return item

    def _update_subtitle(self) -> None:
        groups = self.groups
        parts = [
            f"{len(groups.overdue):,} overdue",
            f"{len(groups.today):,} due today",
            f"{len(groups.upcoming):,} upcoming",
        ]
        whose = "Your" if self.owner_filter.currentIndex() == 0 else "These"
        if not groups.open_count:
            self.header.subtitle.setText(f"{whose} open tasks: none. New task… plans a follow-up.")
        else:
            self.header.subtitle.setText(
                f"{plural(groups.open_count, 'open task')}: {' · '.join(parts)}"
            )

    def selected_task(self) -> TaskRow | None:
        item = self.tree.currentItem()
        value = item.data(0, ROW_ROLE) if item is not None else None
        return value if isinstance(value, TaskRow) else None

    def select_task(self, task_id: int) -> bool:
        for group_index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(group_index)
            for child_index in range(group.childCount()):
                child = group.child(child_index)
                row = child.data(0, ROW_ROLE)
                if isinstance(row, TaskRow) and row.id == task_id:
                    group.setExpanded(True)
                    self.tree.setCurrentItem(child)
                    self.tree.scrollToItem(child)
                    return True
        return False

    def _select_first(self) -> None:
        for key, _label in GROUPS[:-1]:
            items = self.task_items(key)
            if items:
                self.tree.setCurrentItem(items[0])
                return

    def task_items(self, group: str) -> list[QTreeWidgetItem]:
        """The rows shown under a group ("overdue", "today", "upcoming", "done")."""
        for index in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(index)
            if top.data(0, ROW_ROLE) == group:
                children = (top.child(i) for i in range(top.childCount()))
                return [c for c in children if isinstance(c.data(0, ROW_ROLE), TaskRow)]
        return []

    def _update_actions(self) -> None:
        task = self.selected_task()
        for item in (self.done_action, self.delete_action):
            item.setEnabled(task is not None)
        self.edit_action.setEnabled(task is not None and not task.done)
        self.open_action.setEnabled(task is not None and task.about_kind in ("candidate", "job"))
        self.done_action.setText("Reopen" if task is not None and task.done else "Mark done")

    def _show_error(self, text: str) -> None:
        self.action_error.setText(text)
        self.action_error.setVisible(bool(text))

    # ---- acting -----------------------------------------------------------------------------
    def _run(self, dialog: QDialog) -> bool:
        """Run a dialog (an overridable seam); whatever it saved is published."""
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        changes = dialog.all_changes()  # type: ignore[attr-defined]
        dialog.deleteLater()
        if changes.ids:
            self._publish(changes)
        return accepted

    def _publish(self, changes: Changes) -> None:
        self.changes_made.emit(changes)
        self.reload()

    def new_task(self) -> None:
        self._show_error("")
        dialog = TaskEditorDialog(self.services, self)
        if self._run(dialog) and dialog.outcome is not None:
            self.select_task(dialog.outcome.value)

    def edit_selected(self) -> None:
        task = self.selected_task()
        if task is None or task.done:
            return
        try:
            dialog = TaskEditorDialog(self.services, self, task_id=task.id)
        except NotFoundError as error:
            self._refused(error)
            return
        self._show_error("")
        self._run(dialog)

    def toggle_done(self) -> None:
        """Mark the selected task done, or reopen a done one."""
        task = self.selected_task()
        if task is None:
            return
        if task.done:
            self._write(lambda: reopen_task(self.services, task.id))
        else:
            self._write(lambda: complete_task(self.services, task.id, task.version))

    def delete_selected(self) -> None:
        task = self.selected_task()
        if task is None:
            return
        kept = (
            " Its entry on the candidate's timeline stays."
            if task.done and task.candidate_id
            else ""
        )
        if not self.confirm("Delete task", f"Delete “{task.title}”?{kept}"):
            return
        self._write(lambda: delete_task(self.services, task.id))

    def confirm(self, title: str, text: str) -> bool:
        """Ask before deleting (an overridable seam for tests)."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is delete

    def _write(self, write: Any) -> None:
        try:
            done: Outcome[int] = write()
        except (ValidationError, NotFoundError) as error:
            self._refused(error)
            return
        self._show_error("")
        self._publish(done.changes)

    def _refused(self, error: ValidationError | NotFoundError) -> None:
        text = (
            "; ".join(error.errors.values()) if isinstance(error, ValidationError) else str(error)
        )
        self.reload()
        self._show_error(text)

    def open_selected(self) -> None:
        task = self.selected_task()
        if task is None:
            return
        if task.candidate_id is not None:
            self.open_profile.emit(task.candidate_id)
        elif task.job_id is not None:
            self.open_job.emit(task.job_id)

    def _double_clicked(self, item: QTreeWidgetItem) -> None:
        row = item.data(0, ROW_ROLE)
        if not isinstance(row, TaskRow):
            return
        if row.done:
            self.open_selected()
        else:
            self.edit_selected()

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.addActions([self.done_action, self.edit_action, self.open_action])
        menu.addSeparator()
        menu.addAction(self.delete_action)
        return menu

    def _context_menu(self, point: QPoint) -> None:
        item = self.tree.itemAt(point)
        if item is not None and isinstance(item.data(0, ROW_ROLE), TaskRow):
            self.tree.setCurrentItem(item)
        if self.selected_task() is not None:
            self.context_menu().exec(self.tree.viewport().mapToGlobal(point))

    def on_changes(self, changes: Changes) -> None:
        if changes.external or changes.touches(*self.shows):
            self.reload()
        if changes.external:  # users are added only by another program (the command line)
            self._fill_owners()
