"""The Outbox tab: every email Hirebench will send, is sending or has sent, by state.

Messages are loaded page by page (a campaign can hold thousands). Filter chips show how many
messages sit in each state; the actions act on the selection — Retry a failed message, Cancel
one that has not gone, and decide about an "unknown" one (Hirebench stopped while handing it
to the mail server, so it is never resent without the recruiter saying so).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.services.core.changes import Changes
from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.engagement import outbox
from app.services.engagement.outbox import OutboxRow
from app.ui.campaigns.list_panel import (
    ThrottledPanel,
    counted,
    list_table,
    local_time,
    muted_label,
)
from app.ui.campaigns.throttle import ReloadThrottle
from app.ui.table_model import ColumnTableModel

PAGE_SIZE = 200
MAX_KEPT_ROWS = 5_000  # a reload refetches what was loaded (scroll position kept), up to this
STATES: tuple[str, ...] = ("queued", "sending", "sent", "failed", "cancelled", "unknown")
STATE_LABELS = {
    "queued": "Queued",
    "sending": "Sending",
    "sent": "Sent",
    "failed": "Failed",
    "cancelled": "Cancelled",
    "unknown": "Unknown — check",
}
UNKNOWN_EXPLAINED = (
    "“Unknown — check” means Hirebench stopped (a crash, a power cut, the computer slept) "
    "while it was handing this email to the mail server, so it cannot tell whether the email "
    "went out. It is never sent again on its own. Look in your mail account's Sent folder or "
    "ask the candidate, then choose “It arrived — mark sent” or “Send again”."
)
ID_ROLE = Qt.ItemDataRole.UserRole
STATE_ROLE = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex


def _state(row: OutboxRow) -> str:
    return str(row.state)


def _recipient(row: OutboxRow) -> str:
    name = row.candidate_name or row.to_name
    return f"{name} <{row.to_address}>" if name else row.to_address


class OutboxModel(ColumnTableModel):
    """Outbox rows for the chosen states (and campaign), newest first, a page at a time."""

    COLUMNS = ("Recipient", "Subject", "State", "Attempts", "Next try", "Sent at", "Server reply")

    def __init__(self, services: ServiceContext, parent: Any = None):
        super().__init__(parent)
        self.services = services
        self.states: tuple[str, ...] | None = None
        self.campaign_id: int | None = None
        self.total = 0

    def set_filter(self, states: tuple[str, ...] | None, campaign_id: int | None) -> None:
        self.states, self.campaign_id = states, campaign_id

    def _page(self, offset: int, limit: int) -> list[Any]:
        return list(
            outbox.list_messages(
                self.services,
                states=self.states,
                campaign_id=self.campaign_id,
                offset=offset,
                limit=limit,
            )
        )

    def reload(self, total: int) -> None:
        """Refetch as many rows as were loaded (at least a page), so the view keeps its place."""
        keep = min(max(PAGE_SIZE, len(self.rows)), MAX_KEPT_ROWS)
        self.beginResetModel()
        self.total = total
        self.rows = self._page(0, keep) if total else []
        self.endResetModel()

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:
        if parent.isValid():
            return
        page = self._page(len(self.rows), PAGE_SIZE)
        if not page:
            self.total = len(self.rows)
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self.rows.extend(page)
        self.endInsertRows()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 2 and _state(row) == "unknown":
                return UNKNOWN_EXPLAINED
            if column == 6 and row.last_error:
                return row.last_error
            if column == 0:
                return _recipient(row)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return row.id
        if role == STATE_ROLE:
            return _state(row)
        return None

    @staticmethod
    def _display(row: Any, column: int) -> str:
        state = _state(row)
        if column == 0:
            return _recipient(row)
        if column == 1:
            return row.subject
        if column == 2:
            return STATE_LABELS.get(state, state)
        if column == 3:
            return str(row.attempts)
        if column == 4:
            return local_time(row.next_attempt_at) if state == "queued" else ""
        if column == 5:
            return local_time(row.sent_at)
        return " ".join((row.last_error or "").split())


class OutboxPanel(ThrottledPanel):
    """Chips with counts per state, the lazy message table and the actions on its selection."""

    changes_made = Signal(object)  # Changes, for the application's broadcast
    notice = Signal(str)  # a short result for the status bar
    counts_changed = Signal(object)  # {state: count} over the whole outbox (or the campaign)
    open_profile = Signal(int)  # candidate id: a message double-clicked

    def __init__(
        self,
        services: ServiceContext,
        wake: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.services = services
        self.wake = wake or (lambda: None)
        self.counts: dict[str, int] = {}
        self.campaign_id: int | None = None
        self.campaign_name = ""
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 8, 0, 0)
        column.setSpacing(8)

        self.problem = QFrame()
        self.problem.setObjectName("outboxProblem")
        self.problem.setProperty("role", "card")
        problem_row = QHBoxLayout(self.problem)
        problem_row.setContentsMargins(12, 8, 8, 8)
        self.problem_text = QLabel()
        self.problem_text.setObjectName("outboxProblemText")
        self.problem_text.setProperty("role", "warning")
        self.problem_text.setWordWrap(True)
        self.try_again_button = QPushButton("Try again")
        self.try_again_button.setObjectName("tryAgainSending")
        self.try_again_button.setToolTip("Resume sending now, with the account as it is saved")
        self.try_again_button.clicked.connect(self.try_again)
        dismiss = QPushButton("Dismiss")
        dismiss.setObjectName("dismissProblem")
        dismiss.setProperty("role", "flat")
        dismiss.clicked.connect(self.clear_problem)
        problem_row.addWidget(self.problem_text, 1)
        problem_row.addWidget(self.try_again_button)
        problem_row.addWidget(dismiss)
        self.problem.hide()
        column.addWidget(self.problem)

        chips = QHBoxLayout()
        chips.setSpacing(6)
        self.chip_group = QButtonGroup(self)
        self.chip_group.setExclusive(True)
        self.chips: dict[str, QToolButton] = {}
        for key in ("all", *STATES):
            chip = QToolButton()
            chip.setObjectName(f"chip_{key}")
            chip.setCheckable(True)
            chip.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            if key == "unknown":
                chip.setToolTip(UNKNOWN_EXPLAINED)
            self.chip_group.addButton(chip)
            self.chips[key] = chip
            chips.addWidget(chip)
            chip.clicked.connect(lambda _checked=False: self.reload())
        self.chips["all"].setChecked(True)
        chips.addStretch(1)
        self.campaign_filter = QPushButton()
        self.campaign_filter.setObjectName("clearCampaignFilter")
        self.campaign_filter.setProperty("role", "flat")
        self.campaign_filter.setToolTip("Show the messages of every campaign")
        self.campaign_filter.clicked.connect(lambda: self.show_campaign(None))
        self.campaign_filter.hide()
        chips.addWidget(self.campaign_filter)
        column.addLayout(chips)

        self.explanation = muted_label("unknownExplanation", UNKNOWN_EXPLAINED, wrap=True)
        self.explanation.hide()
        column.addWidget(self.explanation)

        self.model = OutboxModel(services, self)
        self.table = list_table(
            "outboxTable", self.model, (240, 260, 130, 80, 140, 140), multi=True
        )
        self.table.setWordWrap(False)
        column.addWidget(self.table, 1)

        actions = QHBoxLayout()
        self.retry_button = QPushButton("Retry")
        self.retry_button.setObjectName("retryMessages")
        self.retry_button.setToolTip("Queue the selected failed messages again")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelMessages")
        self.cancel_button.setToolTip("Do not send the selected messages")
        self.arrived_button = QPushButton("It arrived — mark sent")
        self.arrived_button.setObjectName("markArrived")
        self.arrived_button.setToolTip("The email did reach the candidate: record it as sent")
        self.again_button = QPushButton("Send again")
        self.again_button.setObjectName("sendAgain")
        self.again_button.setToolTip("The email did not arrive: send it once more")
        for button in (self.retry_button, self.cancel_button, self.arrived_button):
            actions.addWidget(button)
        actions.addWidget(self.again_button)
        actions.addStretch(1)
        self.message = muted_label("outboxMessage")
        actions.addWidget(self.message)
        column.addLayout(actions)

        self.retry_button.clicked.connect(self.retry_selected)
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.arrived_button.clicked.connect(lambda: self.resolve_selected(was_sent=True))
        self.again_button.clicked.connect(lambda: self.resolve_selected(was_sent=False))
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_actions())
        self.model.modelReset.connect(self._update_actions)
        self.table.doubleClicked.connect(self._open_profile)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.throttle = ReloadThrottle(self, self.reload)
        self.reload()

    # ---- loading -----------------------------------------------------------------------------
    def chosen_state(self) -> str:
        return next((key for key, chip in self.chips.items() if chip.isChecked()), "all")

    def choose_state(self, state: str) -> None:
        self.chips[state].setChecked(True)
        self.reload()

    def show_campaign(self, campaign_id: int | None, name: str = "") -> None:
        """Only this campaign's messages (None: every message)."""
        self.campaign_id, self.campaign_name = campaign_id, name
        self.campaign_filter.setText(f"Campaign: {name}  ✕" if campaign_id is not None else "")
        self.campaign_filter.setVisible(campaign_id is not None)
        self.reload()

    def reload(self) -> None:
        chosen = self.selected_ids()
        scroll = self.table.verticalScrollBar().value()
        self.counts = {
            str(state): number
            for state, number in outbox.outbox_counts(self.services, self.campaign_id).items()
        }
        for key, chip in self.chips.items():
            if key == "all":
                chip.setText(f"All  {sum(self.counts.values()):,}")
            else:
                chip.setText(f"{STATE_LABELS[key]}  {self.counts.get(key, 0):,}")
        if self.counts.get("unknown", 0):
            self.chips["unknown"].setText("⚠ " + self.chips["unknown"].text())
        state = self.chosen_state()
        states = None if state == "all" else (state,)
        total = sum(self.counts.values()) if states is None else self.counts.get(state, 0)
        self.model.set_filter(states, self.campaign_id)
        self.model.reload(total)
        self._reselect(chosen)
        self.table.verticalScrollBar().setValue(scroll)
        self.explanation.setVisible(state == "unknown" or self._selected_states() == {"unknown"})
        self.counts_changed.emit(dict(self.counts))

    def _reselect(self, ids: Sequence[int]) -> None:
        if not ids:
            return
        wanted = set(ids)
        selection = self.table.selectionModel()
        for row, message in enumerate(self.model.rows):
            if message.id in wanted:
                selection.select(
                    self.model.index(row, 0),
                    selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
                )

    # ---- selection and actions ---------------------------------------------------------------
    def _selected_rows(self) -> list[Any]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.rows[row] for row in rows if row < len(self.model.rows)]

    def selected_ids(self, states: tuple[str, ...] | None = None) -> list[int]:
        return [row.id for row in self._selected_rows() if states is None or _state(row) in states]

    def _selected_states(self) -> set[str]:
        return {_state(row) for row in self._selected_rows()}

    def _update_actions(self) -> None:
        states = self._selected_states()
        self.retry_button.setEnabled("failed" in states)
        self.cancel_button.setEnabled(bool(states & {"queued", "unknown", "failed"}))
        only_unknown = states == {"unknown"}
        self.arrived_button.setEnabled(only_unknown)
        self.again_button.setEnabled(only_unknown)
        self.explanation.setVisible(self.chosen_state() == "unknown" or only_unknown)

    def _call(self, action: Callable[[], Outcome[Any]]) -> Outcome[Any] | None:
        """Run one service call; a refusal is said, not raised."""
        try:
            return action()
        except ValidationError as exc:
            self._say("; ".join(exc.errors.values()))
        except NotFoundError as exc:
            self._say(str(exc))
        return None

    def _done(self, changes: Changes) -> None:
        self.changes_made.emit(changes)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.notice.emit(text)

    def retry_selected(self) -> None:
        ids = self.selected_ids(("failed",))
        if not ids:
            return
        done = self._call(lambda: outbox.retry_failed(self.services, ids))
        self.throttle.now()
        if done is not None:
            self._done(done.changes)
            self._say(f"{counted(len(ids), 'message')} queued again.")
            self.wake()

    def cancel_selected(self) -> None:
        ids = self.selected_ids(("queued", "unknown", "failed"))
        if not ids:
            return
        answer = QMessageBox.question(
            self,
            "Cancel messages",
            f"Cancel {counted(len(ids), 'message')}? They will not be sent.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        done = self._call(lambda: outbox.cancel(self.services, ids))
        self.throttle.now()
        if done is not None:
            self._done(done.changes)
            self._say(f"{counted(len(ids), 'message')} cancelled.")

    def resolve_selected(self, *, was_sent: bool) -> None:
        """The recruiter's decision about messages left "unknown" by a crash."""
        ids = self.selected_ids(("unknown",))
        if not ids:
            return
        if not was_sent:
            answer = QMessageBox.question(
                self,
                "Send again",
                f"Send {counted(len(ids), 'message')} again? If an email did arrive after all, "
                "the candidate will receive it twice.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        changes = Changes()
        resolved = 0
        for message_id in ids:
            result = self._call(
                lambda message_id=message_id: outbox.resolve_unknown(
                    self.services, message_id, was_sent=was_sent
                )
            )
            if result is None:
                break
            changes = changes | result.changes
            resolved += 1
        self.throttle.now()
        if resolved:
            self._done(changes)
            self._say(
                f"{counted(resolved, 'message')} marked sent."
                if was_sent
                else f"{counted(resolved, 'message')} queued to be sent again."
            )
            if not was_sent:
                self.wake()

    def _open_profile(self, index: QModelIndex) -> None:
        if index.isValid() and index.row() < len(self.model.rows):
            candidate_id = self.model.rows[index.row()].candidate_id
            if candidate_id is not None:
                self.open_profile.emit(candidate_id)

    def context_menu(self) -> QMenu:
        """The actions that apply to the selection, as on the buttons, plus the profile."""
        menu = QMenu(self)
        rows = self._selected_rows()
        profile = menu.addAction("Open profile")
        profile.setEnabled(len(rows) == 1 and rows[0].candidate_id is not None)
        if rows:
            profile.triggered.connect(lambda: self.open_profile.emit(rows[0].candidate_id))
        menu.addSeparator()
        for button in (
            self.retry_button,
            self.cancel_button,
            self.arrived_button,
            self.again_button,
        ):
            action = menu.addAction(button.text())
            action.setEnabled(button.isEnabled())
            action.triggered.connect(button.click)
        return menu

    def _context_menu(self, point: QPoint) -> None:
        index = self.table.indexAt(point)
        if not index.isValid():
            return
        if not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            self.table.selectRow(index.row())
        self.context_menu().exec(self.table.viewport().mapToGlobal(point))

    # ---- the dispatcher's problems -----------------------------------------------------------
    def show_problem(self, text: str) -> None:
        """A banner for what stops or pauses sending (no password, server unreachable, an
        unexpected error); '' clears it. The messages it holds up show it as their last
        error, so the table is reloaded."""
        if not text:
            self.clear_problem()
            return
        self.problem_text.setText(text)
        self.problem.show()
        self.request_reload()

    def try_again(self) -> None:
        """The recruiter fixed what was wrong (or wants another go): sending resumes now. The
        banner stays until sending works, or comes back with what still stops it."""
        self.wake()
        self._say("Trying to send again…")

    def clear_problem(self) -> None:
        self.problem_text.clear()
        self.problem.hide()
