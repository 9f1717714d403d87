"""Possible duplicates: review the queue, merge two records field by field, or dismiss.

A merge goes on Edit → Undo (when the window's undo stack is given), and can be undone
later from the "Merged with …" entry on the kept candidate's timeline."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.candidates.duplicates import (
    MERGE_FIELDS,
    SuspectRow,
    dismiss_suspect,
    list_duplicate_suspects,
    merge_candidates,
)
from app.services.candidates.edit import LABELS
from app.services.candidates.merge_undo import step_title
from app.services.candidates.records import field_values
from app.services.core.changes import Changes
from app.services.core.context import ServiceContext
from app.services.core.names import person_name
from app.ui.merge_undo import MergeStepCommand


class MergeDialog(QDialog):
    """Pick, per field, which record's value the merged candidate keeps."""

    def __init__(
        self,
        services: ServiceContext,
        survivor_id: int,
        other_id: int,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Merge candidates")
        self.services = services
        self.survivor_id, self.other_id = survivor_id, other_id
        self.choices: dict[str, QButtonGroup] = {}
        mine = field_values(services, survivor_id, MERGE_FIELDS)
        theirs = field_values(services, other_id, MERGE_FIELDS)
        layout = QVBoxLayout(self)
        kept, merged = _name(mine, survivor_id), _name(theirs, other_id)
        intro = QLabel(
            f"{merged} will be merged into {kept}: applications, timeline, documents, "
            "contacts, skills, tags and pools all move to the kept record."
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        grid = QGridLayout()
        grid.addWidget(QLabel(f"<b>Keep {html.escape(kept)}</b>"), 0, 1)
        grid.addWidget(QLabel(f"<b>Merge in {html.escape(merged)}</b>"), 0, 2)
        for row, name in enumerate(MERGE_FIELDS, start=1):
            if not mine[name] and not theirs[name]:
                continue
            group = QButtonGroup(self)
            left = QRadioButton(mine[name] or "—")
            right = QRadioButton(theirs[name] or "—")
            left.setObjectName(f"keep_{name}")
            right.setObjectName(f"take_{name}")
            group.addButton(left, 0)
            group.addButton(right, 1)
            (left if mine[name] or not theirs[name] else right).setChecked(True)
            grid.addWidget(QLabel(LABELS.get(name, name)), row, 0)
            grid.addWidget(left, row, 1)
            grid.addWidget(right, row, 2)
            self.choices[name] = group
        layout.addLayout(grid)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Merge")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.buttons = buttons
        self.changes = Changes()
        self.audit_id: int | None = None  # the merge done, to undo it

    def chosen(self) -> dict[str, str]:
        return {
            name: "other" if group.checkedId() == 1 else "survivor"
            for name, group in self.choices.items()
        }

    def accept(self) -> None:
        done = merge_candidates(self.services, self.survivor_id, self.other_id, self.chosen())
        self.changes = done.changes
        self.audit_id = done.value.audit_id
        super().accept()


def _name(values: dict[str, str], candidate_id: int) -> str:
    """A candidate's name for the merge dialog (their number only when they have none)."""
    name = person_name(values.get("first_name"), values.get("middle_name"), values.get("last_name"))
    return name or f"candidate #{candidate_id}"


class DuplicatesDialog(QDialog):
    """The possible-duplicates queue."""

    changes_made = Signal(object)

    def __init__(
        self,
        services: ServiceContext,
        parent: QWidget | None = None,
        undo_stack: QUndoStack | None = None,
        publish: Callable[[Changes], None] | None = None,
        notify: Callable[[str], None] | None = None,
    ):
        """``publish`` and ``notify`` outlive the dialog: an undo from Edit → Undo later
        broadcasts its changes and says what it did through them."""
        super().__init__(parent)
        self.undo_stack, self.publish, self.notify = undo_stack, publish, notify
        self.setWindowTitle("Possible duplicates")
        self.resize(760, 420)
        self.services = services
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("suspectsTable")
        self.table.setHorizontalHeaderLabels(["Candidate", "May be the same as", "Score", "Why"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.empty = QLabel("None found: no possible duplicates are waiting to be checked.")
        self.empty.setObjectName("noSuspects")
        self.empty.setProperty("role", "muted")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty, 1)
        row = QHBoxLayout()
        self.merge_button = QPushButton("Merge…")
        self.dismiss_button = QPushButton("Not the same person")
        close = QPushButton("Close")
        row.addStretch(1)
        row.addWidget(self.dismiss_button)
        row.addWidget(self.merge_button)
        row.addWidget(close)
        layout.addLayout(row)
        self.merge_button.clicked.connect(self.merge_selected)
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        close.clicked.connect(self.accept)
        self.suspects: list[SuspectRow] = []
        self.reload()

    def reload(self) -> None:
        self.suspects = list_duplicate_suspects(self.services)
        self.table.setRowCount(len(self.suspects))
        for row, suspect in enumerate(self.suspects):
            values = (
                f"{suspect.candidate_name} (#{suspect.candidate_id})",
                f"{suspect.other_name} (#{suspect.other_candidate_id})",
                f"{suspect.score:.0f}",
                suspect.reason,
            )
            for column, text in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if self.suspects:
            self.table.selectRow(0)
        has_rows = bool(self.suspects)
        self.table.setVisible(has_rows)
        self.empty.setVisible(not has_rows)
        self.merge_button.setEnabled(has_rows)
        self.dismiss_button.setEnabled(has_rows)

    def selected(self) -> SuspectRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.suspects[rows[0].row()] if rows else None

    def merge_selected(self) -> bool:
        suspect = self.selected()
        if suspect is None:
            return False
        # The older record survives: it has the longer history.
        survivor, other = sorted((suspect.candidate_id, suspect.other_candidate_id))
        dialog = MergeDialog(self.services, survivor, other, self)
        if not dialog.exec():
            return False
        self.changes_made.emit(dialog.changes)
        self._offer_undo(dialog.audit_id)
        self.reload()
        return True

    def _offer_undo(self, audit_id: int | None) -> None:
        if self.undo_stack is None or audit_id is None:
            return

        self.undo_stack.push(
            MergeStepCommand(
                self.services,
                audit_id,
                step_title(self.services, audit_id),
                self.publish or (lambda _changes: None),
                self.notify or (lambda _text: None),
            )
        )

    def dismiss_selected(self) -> None:
        suspect = self.selected()
        if suspect is not None:
            self.changes_made.emit(dismiss_suspect(self.services, suspect.id).changes)
            self.reload()
