"""The Compliance section: every current hire's onboarding checks (I-9 sections, background
checks) in Overdue, Due soon, Open and Done groups, with Mark done, Advance…, Set owner…,
Set start date… and Open profile.

The list is read off the GUI thread (`BackgroundOps`); each action is one use case of
`app.services.pipeline.onboarding`, run there too, whose changes go out on `changes_made`;
once done it goes on the window's undo stack (Edit → Undo puts the checks back as they were,
`app.services.pipeline.onboarding_undo`, refused if they changed since).
The rules (which step may follow which, the adverse-action waiting period) live in the
service: a refused step comes back as a message above the list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QInputDialog,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.pipeline.onboarding import (
    STATUS_WORDS,
    CheckGroups,
    CheckRow,
    advance_check,
    list_checks,
    set_owner,
    set_start_date,
    user_choices,
)
from app.services.pipeline.onboarding_undo import (
    CheckState,
    restore_checks,
    state_of,
    states_of_application,
)
from app.store.enums import CheckStatus
from app.ui.background import BackgroundOps
from app.ui.flow_layout import FlowLayout
from app.ui.icons import IconProvider
from app.ui.messages import error_label
from app.ui.widgets import SectionHeader, section_layout
from app.ui.write_command import WriteCommand

ROW_ROLE = Qt.ItemDataRole.UserRole
COLUMNS = ("Check", "Candidate", "Job", "Status", "Due", "Owner")
GROUPS = (("overdue", "Overdue"), ("due_soon", "Due soon"), ("open", "Open"), ("done", "Done"))
EMPTY_GROUP = {
    "overdue": "Nothing overdue.",
    "due_soon": "Nothing due in the next three business days.",
    "open": "Nothing else open.",
    "done": "Nothing done yet.",
}


def due_words(row: CheckRow) -> str:
    if row.done and row.completed_on is not None:
        return f"done {row.completed_on:%Y-%m-%d}"
    if row.due_on is None:
        return "no start date"
    return f"{row.due_on:%Y-%m-%d}"


class ComplianceSection(QWidget):
    """The compliance dashboard."""

    open_profile = Signal(int)  # candidate id
    changes_made = Signal(object)  # Changes, after each action taken here
    # Candidates, jobs and stages: a name, or a hire itself (a card moved), may have changed.
    shows = frozenset(
        {
            ChangeKind.ONBOARDING,
            ChangeKind.HOLIDAYS,
            ChangeKind.PLACEMENTS,
            ChangeKind.APPLICATIONS,
            ChangeKind.CANDIDATES,
            ChangeKind.JOBS,
        }
    )

    def __init__(
        self,
        services: ServiceContext,
        icons: IconProvider,
        today: Callable[[], dt.date] = dt.date.today,
        parent: QWidget | None = None,
        undo_stack: QUndoStack | None = None,
    ):
        super().__init__(parent)
        self.services = services
        self.today = today
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.palette_colors = icons.palette
        self.groups = CheckGroups()
        self.loaded = False
        self.ops = BackgroundOps(self)
        layout = section_layout(self)
        self.header = SectionHeader("Compliance", "Onboarding checks of every hire")
        layout.addWidget(self.header)
        layout.addLayout(self._build_actions(icons))
        self.action_error = error_label("complianceError")
        layout.addWidget(self.action_error)
        self.tree = QTreeWidget()
        self.tree.setObjectName("complianceTree")
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.currentItemChanged.connect(lambda *_: self._update_actions())
        self.tree.itemDoubleClicked.connect(lambda *_: self.open_selected())
        header = self.tree.header()
        header.setStretchLastSection(False)
        # The job (title and client) is the long text: it takes what is left, so that at
        # 1024 px the check and the person are read whole and nothing scrolls sideways.
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 190), (1, 135), (3, 110), (4, 102), (5, 105)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.tree.setColumnWidth(column, width)
        layout.addWidget(self.tree, 1)
        self._update_actions()
        self.reload()

    def _build_actions(self, icons: IconProvider) -> FlowLayout:
        def action(text: str, icon: str, slot: Any, tip: str) -> QAction:
            made = QAction(icons.get(icon), text, self)
            made.setToolTip(tip)
            made.triggered.connect(lambda _checked=False: slot())
            self.addAction(made)
            return made

        self.done_action = action("Mark done", "check", self.mark_done, "Mark the I-9 section done")
        self.advance_action = action(
            "Advance…", "chevron-right", self.advance_selected, "Move the background check on"
        )
        self.owner_action = action("Set owner…", "user-plus", self.owner_selected, "Who owns it")
        self.start_action = action(
            "Set start date…", "calendar", self.start_selected, "The hire's first day of work"
        )
        self.open_action = action("Open profile", "eye", self.open_selected, "Open the candidate")
        row = FlowLayout(spacing=4)
        for item in (
            self.done_action,
            self.advance_action,
            self.owner_action,
            self.start_action,
            self.open_action,
        ):
            button = QToolButton()
            button.setDefaultAction(item)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setAutoRaise(True)
            row.addWidget(button)
        return row

    # ---- showing ----------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the checks again, off the GUI thread."""
        services, day = self.services, self.today()
        self.ops.query("checks", lambda: list_checks(services, day), self._show, self._failed)

    def _failed(self, error: BaseException) -> None:
        self._show_error(f"Could not read the onboarding checks: {error}")

    def _show(self, groups: CheckGroups) -> None:
        selected = self.selected_check()
        self.groups = groups
        self.loaded = True
        self.tree.clear()
        for key, label in GROUPS:
            rows: tuple[CheckRow, ...] = getattr(groups, key)
            group = QTreeWidgetItem([f"{label} ({len(rows):,})"])
            group.setData(0, ROW_ROLE, key)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = QFont(group.font(0))
            font.setBold(True)
            group.setFont(0, font)
            if key == "overdue" and rows:
                group.setForeground(0, QBrush(QColor(self.palette_colors.danger)))
            self.tree.addTopLevelItem(group)
            group.setFirstColumnSpanned(True)
            for row in rows:
                group.addChild(self._item(row, key))
            if not rows:
                empty = QTreeWidgetItem([EMPTY_GROUP[key]])
                empty.setFlags(Qt.ItemFlag.NoItemFlags)
                group.addChild(empty)
                empty.setFirstColumnSpanned(True)  # a sentence, not a check's name
            group.setExpanded(key != "done")
        total = sum(len(getattr(groups, key)) for key, _ in GROUPS[:-1])
        self.header.subtitle.setText(
            f"{len(groups.overdue):,} overdue · {len(groups.due_soon):,} due soon · "
            f"{total:,} open in all"
        )
        if selected is None or not self.select_check(selected.id):
            self._select_first()
        self._update_actions()

    def _item(self, row: CheckRow, group: str) -> QTreeWidgetItem:
        job = f"{row.job_title} ({row.client_name})"
        owner = row.owner_name or "—"
        item = QTreeWidgetItem(
            [row.kind_text, row.candidate_name, job, row.status_text, due_words(row), owner]
        )
        item.setData(0, ROW_ROLE, row)
        item.setToolTip(2, job)  # elided when the window is narrow
        if group == "overdue":
            item.setForeground(4, QBrush(QColor(self.palette_colors.danger)))
        if group == "done":
            for column in range(len(COLUMNS)):
                item.setForeground(column, QBrush(QColor(self.palette_colors.text_muted)))
        return item

    def check_items(self, group: str) -> list[QTreeWidgetItem]:
        """The rows shown under a group ("overdue", "due_soon", "open", "done")."""
        for index in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(index)
            if top is not None and top.data(0, ROW_ROLE) == group:
                children = [top.child(i) for i in range(top.childCount())]
                return [
                    c
                    for c in children
                    if c is not None and isinstance(c.data(0, ROW_ROLE), CheckRow)
                ]
        return []

    def selected_check(self) -> CheckRow | None:
        item = self.tree.currentItem()
        value = item.data(0, ROW_ROLE) if item is not None else None
        return value if isinstance(value, CheckRow) else None

    def select_check(self, check_id: int) -> bool:
        for key, _label in GROUPS:
            for item in self.check_items(key):
                if item.data(0, ROW_ROLE).id == check_id:
                    self.tree.setCurrentItem(item)
                    return True
        return False

    def _select_first(self) -> None:
        for key, _label in GROUPS:
            items = self.check_items(key)
            if items:
                self.tree.setCurrentItem(items[0])
                return

    def _update_actions(self) -> None:
        row = self.selected_check()
        steps = row.next_steps() if row is not None else ()
        self.done_action.setEnabled(steps == (CheckStatus.DONE,))
        self.advance_action.setEnabled(bool(steps) and steps != (CheckStatus.DONE,))
        for item in (self.owner_action, self.start_action, self.open_action):
            item.setEnabled(row is not None)

    def _show_error(self, text: str) -> None:
        self.action_error.setText(text)
        self.action_error.setVisible(bool(text))

    # ---- acting -----------------------------------------------------------------------------
    def _write(
        self, name: str, work: Callable[[], Any], undoable: Callable[[Any], WriteCommand]
    ) -> None:
        """Run ``work`` off the GUI thread; once done, put ``undoable(result)`` on the stack."""
        self._show_error("")

        def done(result: Any) -> None:
            self.undo_stack.push(undoable(result))
            self.reload()

        self.ops.write(name, work, done, self._refused, self._publish)

    def _command(
        self, text: str, before: dict[int, CheckState], after: dict[int, CheckState]
    ) -> WriteCommand:
        """Undo writes ``before`` back while the checks are as ``after`` left them; redo the
        other way round."""
        services = self.services
        return WriteCommand(
            text,
            lambda: restore_checks(services, before, after),
            lambda: restore_checks(services, after, before),
            self._publish,
            self._show_error,
        )

    def _stepped(self, row: CheckRow, text: str) -> Callable[[Outcome[CheckRow]], WriteCommand]:
        def command(done: Outcome[CheckRow]) -> WriteCommand:
            return self._command(text, {row.id: state_of(row)}, {row.id: state_of(done.value)})

        return command

    def _publish(self, changes: Changes) -> None:
        self.changes_made.emit(changes)

    def _refused(self, error: BaseException) -> None:
        if isinstance(error, ValidationError):
            text = "; ".join(error.errors.values())
        elif isinstance(error, NotFoundError):
            text = str(error)
        else:
            text = f"Could not save: {error}"
        self.reload()
        self._show_error(text)

    def mark_done(self) -> None:
        row = self.selected_check()
        if row is None:
            return
        services, day = self.services, self.today()
        self._write(
            "advance",
            lambda: advance_check(services, row.id, CheckStatus.DONE, row.version, day),
            self._stepped(row, f"Mark {row.kind_text} of {row.candidate_name} done"),
        )

    def advance_selected(self) -> None:
        row = self.selected_check()
        if row is None or not row.next_steps():
            return
        step = self.choose_step(row)
        if step is None:
            return
        services, day = self.services, self.today()
        self._write(
            "advance",
            lambda: advance_check(services, row.id, step, row.version, day),
            self._stepped(
                row, f"{row.kind_text} of {row.candidate_name}: {STATUS_WORDS[step].lower()}"
            ),
        )

    def owner_selected(self) -> None:
        row = self.selected_check()
        if row is None:
            return
        chosen = self.choose_owner(row, user_choices(self.services))
        if chosen is None:
            return
        owner = chosen or None  # 0: nobody
        services = self.services
        self._write(
            "owner",
            lambda: set_owner(services, row.id, owner, row.version),
            self._stepped(row, f"Set the owner of {row.kind_text} of {row.candidate_name}"),
        )

    def start_selected(self) -> None:
        row = self.selected_check()
        if row is None:
            return
        start = self.choose_start(row)
        if start is None:
            return
        services, application_id = self.services, row.application_id

        def work() -> Outcome[tuple[dict[int, CheckState], dict[int, CheckState]]]:
            before = states_of_application(services, application_id)
            done = set_start_date(services, application_id, start)
            after = states_of_application(services, application_id)
            changed = set(done.value)  # the checks already on that date are left out
            before = {i: state for i, state in before.items() if i in changed}
            after = {i: state for i, state in after.items() if i in changed}
            return Outcome((before, after), done.changes)

        self._write(
            "start",
            work,
            lambda done: self._command(f"Set the start date of {row.candidate_name}", *done.value),
        )

    def open_selected(self) -> None:
        row = self.selected_check()
        if row is not None:
            self.open_profile.emit(row.candidate_id)

    # ---- questions (overridable seams for tests) -------------------------------------------
    def choose_step(self, row: CheckRow) -> CheckStatus | None:
        steps = row.next_steps()
        labels = [STATUS_WORDS[step] for step in steps]
        text, ok = QInputDialog.getItem(
            self, row.kind_text, f"{row.candidate_name}: move on to", labels, 0, False
        )
        return steps[labels.index(text)] if ok and text in labels else None

    def choose_owner(self, row: CheckRow, users: list[tuple[int, str]]) -> int | None:
        """The chosen user's id, 0 for nobody, None when cancelled."""
        labels = ["Nobody"] + [name for _id, name in users]
        current = next((i + 1 for i, (uid, _n) in enumerate(users) if uid == row.owner_id), 0)
        text, ok = QInputDialog.getItem(self, "Owner", row.kind_text, labels, current, False)
        if not ok or text not in labels:
            return None
        index = labels.index(text)
        return 0 if index == 0 else users[index - 1][0]

    def choose_start(self, row: CheckRow) -> dt.date | None:
        dialog = QDialog(self)
        dialog.setWindowTitle(f"Start date of {row.candidate_name}")
        form = QFormLayout(dialog)
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        start = row.start_date or self.today()
        edit.setDate(QDate(start.year, start.month, start.day))
        form.addRow("First day of work", edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        chosen = edit.date().toPython() if accepted else None
        dialog.deleteLater()
        return chosen  # type: ignore[return-value]

    def on_changes(self, changes: Changes) -> None:
        if changes.external or changes.touches(*self.shows):
            self.reload()
