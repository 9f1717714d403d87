"""The profile's Submittals box: where the candidate was sent, to whom, and how each client
answered; "Record answer…" (or Enter on a row) sets the status and feedback, on Edit → Undo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.candidates.submittal_records import (
    SubmittalRow,
    SubmittalUpdate,
    candidate_submittals,
    restore_submittal,
    update_submittal,
)
from app.services.candidates.submittals import MAX_FEEDBACK, STATUS_WORDS
from app.services.core.changes import Changes
from app.services.core.context import Outcome, ServiceContext
from app.services.core.text_rules import clean_text
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.store.enums import SubmittalStatus
from app.ui.background import BackgroundOps
from app.ui.dialogs.form import FormDialog

ROW_ROLE = Qt.ItemDataRole.UserRole


def row_text(row: SubmittalRow) -> str:
    when = row.submitted_at.astimezone().strftime("%Y-%m-%d")
    kind = " (blind)" if row.blind else ""
    return (
        f"{when} · {row.job_title} — {row.client_name} · to {row.contact_name}{kind}"
        f" · {row.status_text}" + (f": {row.feedback}" if row.feedback else "")
    )


@dataclass(frozen=True)
class _Answer:
    status: SubmittalStatus
    feedback: str | None

    def validate(self) -> dict[str, str]:
        if len(clean_text(self.feedback) or "") > MAX_FEEDBACK:
            return {"feedback": f"At most {MAX_FEEDBACK:,} characters."}
        return {}


class AnswerDialog(FormDialog):
    """The client's answer on one submittal."""

    def __init__(self, services: ServiceContext, row: SubmittalRow, parent: QWidget | None = None):
        super().__init__(f"Answer from {row.client_name}", parent)
        self.services = services
        self.row = row
        self.status = self.add_field("status", "Status", QComboBox(), required=True)
        for status, words in STATUS_WORDS.items():
            self.status.addItem(words, status.value)
        self.status.setCurrentIndex(self.status.findData(row.status.value))
        self.feedback = self.add_field("feedback", "Feedback", QPlainTextEdit())
        self.feedback.setPlainText(row.feedback or "")
        self.feedback.setPlaceholderText("What the client said")
        self.feedback.setTabChangesFocus(True)
        self.watch(self.feedback.textChanged)

    def collect(self) -> _Answer:
        return _Answer(SubmittalStatus(self.status.currentData()), self.feedback.toPlainText())

    def save(self, data: _Answer) -> Outcome[SubmittalUpdate]:
        try:
            return update_submittal(
                self.services, self.row.id, data.status, data.feedback, self.row.version
            )
        except NotFoundError as error:
            raise ValidationError({"status": str(error)}) from error


class SubmittalAnswerCommand(QUndoCommand):
    """One recorded answer, for Edit → Undo (refused if the submittal changed since)."""

    def __init__(
        self,
        services: ServiceContext,
        done: Outcome[SubmittalUpdate],
        publish: Callable[[Changes], None],
        failed: Callable[[str], None],
    ):
        update = done.value
        super().__init__(f"Answer on {update.candidate_name}: {STATUS_WORDS[update.after.status]}")
        self.services = services
        self.update_ = update
        self.publish = publish
        self.failed = failed
        self._first_redo = True

    def redo(self) -> None:
        if self._first_redo:  # already recorded before being pushed
            self._first_redo = False
            return
        self._run(undo=False)

    def undo(self) -> None:
        self._run(undo=True)

    def _run(self, undo: bool) -> None:
        try:
            done = restore_submittal(self.services, self.update_, undo)
        except (ValidationError, NotFoundError) as exc:
            self.setObsolete(True)
            reason = " ".join(exc.errors.values()) if isinstance(exc, ValidationError) else exc
            self.failed(f"Could not {'undo' if undo else 'redo'}: {reason}")
            return
        self.update_ = done.value  # a redo wrote a new timeline entry: undo takes that one
        self.publish(done.changes)


class SubmittalsBox(QGroupBox):
    """Lists the candidate's submittals (read off the GUI thread) and records answers."""

    def __init__(
        self,
        services: ServiceContext,
        candidate_id: int,
        record: Callable[[Outcome[object]], None],
        undo_stack: QUndoStack | None,
        publish_later: Callable[[Changes], None],
        notify: Callable[[str], None],
        parent: QWidget | None = None,
    ):
        super().__init__("Submittals", parent)
        self.services = services
        self.candidate_id = candidate_id
        self.record = record
        self.undo_stack = undo_stack
        self.publish_later = publish_later
        self.notify = notify
        self.ops = BackgroundOps(self)
        self.rows: list[SubmittalRow] = []
        row = QHBoxLayout(self)
        self.list = QListWidget()
        self.list.setObjectName("profile_submittals")
        self.list.setWordWrap(True)  # each line whole: job, client, status and feedback
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemActivated.connect(lambda _item: self.record_answer())
        self.list.currentItemChanged.connect(lambda *_: self._update_button())
        buttons = QVBoxLayout()
        self.answer_button = QPushButton("Record answer…")
        self.answer_button.setObjectName("record_answer_button")
        self.answer_button.setToolTip("The client's answer: interested, interview, declined.")
        self.answer_button.setAutoDefault(False)
        self.answer_button.clicked.connect(self.record_answer)
        buttons.addWidget(self.answer_button)
        buttons.addStretch(1)
        row.addWidget(self.list, 1)
        row.addLayout(buttons)
        self._update_button()

    def reload(self) -> None:
        services, candidate_id = self.services, self.candidate_id
        self.ops.query(
            "submittals",
            lambda: candidate_submittals(services, candidate_id),
            self._show,
            lambda error: self.notify(str(error)),
        )

    def _show(self, rows: list[SubmittalRow]) -> None:
        self.rows = rows
        current = self.list.currentItem()
        keep = current.data(ROW_ROLE) if current is not None else None
        self.list.clear()
        for row in rows:
            item = QListWidgetItem(row_text(row))
            item.setData(ROW_ROLE, row.id)
            item.setToolTip(row.feedback or f"Sent to {row.contact_email}")
            self.list.addItem(item)
            if row.id == keep:
                self.list.setCurrentItem(item)
        if not rows:
            self.list.addItem(QListWidgetItem("Not submitted to a client yet"))
            self.list.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        elif self.list.currentItem() is None:
            self.list.setCurrentRow(0)
        self._update_button()

    def _current(self) -> SubmittalRow | None:
        item = self.list.currentItem()
        chosen = item.data(ROW_ROLE) if item is not None else None
        return next((row for row in self.rows if row.id == chosen), None)

    def _update_button(self) -> None:
        self.answer_button.setEnabled(self._current() is not None)

    def record_answer(self) -> None:
        row = self._current()
        if row is None:
            return
        dialog = AnswerDialog(self.services, row, self)
        if dialog.exec() != AnswerDialog.DialogCode.Accepted or dialog.outcome is None:
            return
        done: Outcome[SubmittalUpdate] = dialog.outcome
        self.record(done)  # type: ignore[arg-type]
        if self.undo_stack is not None and done.value.activity_id is not None:
            self.undo_stack.push(
                SubmittalAnswerCommand(self.services, done, self.publish_later, self.notify)
            )
        self.reload()
