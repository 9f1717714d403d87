"""The kanban board widget: one list view per stage column, cards painted by a delegate.

Moves go through `app.services.pipeline.board` and onto the window's undo stack; a refused move
(someone else changed the card) shows a notice and reloads the board.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.services.compliance.qualifications import (
    basic_qualifications_of,
    set_basic_qualifications,
)
from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import Outcome, ServiceContext
from app.services.core.roles import Permission, allowed
from app.services.core.unit_of_work import ValidationError
from app.services.pipeline.board import (
    Board,
    Card,
    MoveRequest,
    MoveResult,
    VersionConflictError,
    skills_for_board,
)
from app.services.pipeline.board import move_applications as move_service
from app.services.pipeline.scorecards import is_interview_stage
from app.services.pipeline.stage_terms import asks_for_offer, asks_for_placement
from app.store.enums import BasicQualifications, StageKind
from app.ui.board.commands import MoveCommand
from app.ui.board.delegate import CardDelegate
from app.ui.board.model import BoardState, ColumnModel, StageDrop
from app.ui.board.stage_terms import TermsProvider
from app.ui.theme import Palette

COLUMN_WIDTH = 280
RELOAD_DELAY_MS = 150
ReasonProvider = Callable[[Sequence[Card]], "str | None"]


SUBMIT_KEYS = "Ctrl+Shift+S"
QUALIFICATION_CHOICES = (
    (BasicQualifications.MET, "Met"),
    (BasicQualifications.NOT_MET, "Not met"),
    (BasicQualifications.UNKNOWN, "Unknown"),
)


class BoardColumn(QFrame):
    """A stage's header (name, count, SLA) and its list view."""

    def __init__(self, model: ColumnModel, delegate: CardDelegate, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.setObjectName(f"column_{model.key}")
        self.setProperty("role", "card")
        self.setFixedWidth(COLUMN_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 8, 6, 6)
        layout.setSpacing(6)
        self.header = QLabel()
        self.header.setProperty("role", "heading")
        layout.addWidget(self.header)
        self.view = QListView()
        self.view.setObjectName(f"cards_{model.key}")
        self.view.setModel(model)
        self.view.setItemDelegate(delegate)
        self.view.setUniformItemSizes(True)
        # Lay out long columns in batches so the first cards paint without waiting for all.
        self.view.setLayoutMode(QListView.LayoutMode.Batched)
        self.view.setBatchSize(200)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setDragEnabled(True)
        self.view.setAcceptDrops(True)
        self.view.setDropIndicatorShown(True)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.setFrameShape(QFrame.Shape.NoFrame)
        layout.addWidget(self.view, 1)
        model.modelReset.connect(self.update_header)
        model.rowsInserted.connect(self.update_header)
        model.rowsRemoved.connect(self.update_header)
        self.update_header()

    def update_header(self) -> None:
        state, key = self.model.state, self.model.key
        stage = state.column(key)
        loaded = len(state.order[key])
        total = max(state.totals.get(key, loaded), loaded)
        shown = self.model.rowCount()
        count = f"{total:,}"
        if shown != loaded:
            count = f"{shown:,} of {total:,}"
        elif loaded < total:
            count = f"{loaded:,} of {total:,} shown"
        sla = f"  ·  SLA {stage.sla_days}d" if stage.sla_days and not state.combined else ""
        self.header.setText(f"{stage.name}   {count}{sla}")

    def selected_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        return [self.model.visible[row] for row in rows]


class BoardWidget(QWidget):
    """A job's board or the combined "My pipeline" board."""

    changes_made = Signal(object)  # Changes
    intake_requested = Signal(StageDrop)
    open_profile = Signal(int)  # candidate id
    notice = Signal(str)
    schedule_requested = Signal(int)  # application id: open the schedule-interview dialog
    submit_requested = Signal(int, object)  # job id, candidate ids: "Submit to client…"

    def __init__(
        self,
        services: ServiceContext,
        palette: Palette,
        undo_stack: QUndoStack,
        loader: Callable[[], Board],
        ask_reason: ReasonProvider,
        parent: QWidget | None = None,
        ask_terms: TermsProvider | None = None,
    ):
        super().__init__(parent)
        self.services = services
        self.palette = palette
        self.undo_stack = undo_stack
        self.loader = loader
        self.ask_reason = ask_reason
        # A move of one card to Offered or Hired asks for the offer or placement.
        self.ask_terms = ask_terms
        self.state: BoardState | None = None
        self.columns: list[BoardColumn] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        bar = QHBoxLayout()
        self.filter = QLineEdit()
        self.filter.setObjectName("boardFilter")
        self.filter.setPlaceholderText("Filter cards by name, tag or skill")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.summary = QLabel()
        self.summary.setProperty("role", "muted")
        bar.addWidget(self.filter, 1)
        bar.addWidget(self.summary)
        layout.addLayout(bar)
        self.banner = QLabel()
        self.banner.setObjectName("boardNotice")
        self.banner.setProperty("role", "warning")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)
        layout.addWidget(self._build_offer())
        self._stale = False  # a change concerned this board while it was hidden or busy
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_DELAY_MS)  # several changes, one reload
        self._reload_timer.timeout.connect(self._reload_if_stale)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout.addWidget(self.scroll, 1)
        for keys, step in (("Ctrl+Right", 1), ("Ctrl+Left", -1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda step=step: self.move_selection_by(step))
        submit = QShortcut(QKeySequence(SUBMIT_KEYS), self)
        submit.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        submit.activated.connect(self.submit_selection)

    def _build_offer(self) -> QWidget:
        """The line offered when a card reaches the Interviewed stage: Schedule interview…"""
        self.offer = QWidget()
        self.offer.setObjectName("interviewOffer")
        row = QHBoxLayout(self.offer)
        row.setContentsMargins(0, 0, 0, 0)
        self.offer_text = QLabel()
        self.offer_button = QPushButton("Schedule interview…")
        self.offer_button.setObjectName("offerSchedule")
        self.offer_button.setProperty("role", "primary")
        self.offer_button.clicked.connect(self._accept_offer)
        dismiss = QPushButton("Not now")
        dismiss.setObjectName("offerDismiss")
        dismiss.clicked.connect(self.offer.hide)
        row.addWidget(self.offer_text, 1)
        row.addWidget(self.offer_button)
        row.addWidget(dismiss)
        self.offer.hide()
        self._offered: int | None = None
        return self.offer

    def offer_schedule(self, card: Card) -> None:
        """Offer to schedule the interview of a card just moved to Interviewed. After a drag
        the button has the focus (Enter schedules); a keyboard move (Ctrl+→) keeps it in the
        column, and Tab reaches the offer."""
        self._offered = card.application_id
        self.offer_text.setText(f"{card.name} is in Interviewed. Schedule the interview now?")
        self.offer.show()
        self.offer_button.setFocus()

    def _accept_offer(self) -> None:
        self.offer.hide()
        if self._offered is not None:
            self.schedule_requested.emit(self._offered)

    # ---- loading ----------------------------------------------------------------------------
    def reload(self) -> None:
        """Load the board afresh from the database, keeping the filter."""
        self.set_board(self.loader())

    def set_board(self, board: Board) -> None:
        self.state = BoardState(board)
        delegate = CardDelegate(self.palette, combined=self.state.combined, parent=self)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        self.columns = []
        for stage in self.state.columns:
            model = ColumnModel(self.state, self.state.key_of(stage), holder)
            model.cards_dropped.connect(self.move_cards)
            model.files_dropped.connect(self.intake_requested)
            column = BoardColumn(model, delegate)
            column.view.customContextMenuRequested.connect(
                lambda point, column=column: self._context_menu(column, point)
            )
            self.columns.append(column)
            row.addWidget(column)
        row.addStretch(1)
        self.scroll.setWidget(holder)  # the previous board's widgets are deleted with it
        self._apply_filter(self.filter.text())

    def column(self, key: str) -> BoardColumn:
        return next(column for column in self.columns if column.model.key == key)

    def _apply_filter(self, text: str) -> None:
        if text.strip() and self.state is not None and self.state.skills is None:
            self.state.skills = skills_for_board(self.services, self.state.board)
        for column in self.columns:
            column.model.set_filter(text)
            column.update_header()
        self._update_summary()

    def _update_summary(self) -> None:
        """How many cards the columns show, and how many of those are past their stage's
        SLA: counted over every column, each card by its own stage's SLA, so the filter
        box (and the owner and client choices that made the board) narrow both figures."""
        if self.state is None:
            return
        now = dt.datetime.now(dt.UTC)
        board, cards = self.state.board, self.state.cards
        shown = [cards[i] for column in self.columns for i in column.model.visible]
        late = sum(1 for card in shown if card.is_overdue(board.sla_days(card), now))
        loaded = len(cards)
        noun = "application" if self.state.combined else "candidate"
        text = f"{loaded:,} {noun}{'' if loaded == 1 else 's'}"
        if len(shown) != loaded:
            text = f"{len(shown):,} of {text} shown"
        if late:
            text += f" · {late:,} past their stage's SLA"
        self.summary.setText(text)

    # ---- moves ------------------------------------------------------------------------------
    def move_cards(self, ids: Sequence[int], column_key: str, row: int = -1) -> bool:
        """Move cards into a column (before the card at ``row``; -1 for the end)."""
        assert self.state is not None
        target_column = self.column(column_key)
        visible = [i for i in target_column.model.visible if i not in ids]
        before = visible[row] if 0 <= row < len(visible) else None
        cards = [self.state.cards[i] for i in ids if i in self.state.cards]
        stage_kind = self.state.column(column_key).kind
        reason = None
        moving = [c for c in cards if self.state.column_key_of_card(c) != column_key]
        target = self.state.column(column_key)
        if (
            self.ask_terms is not None
            and len(moving) > 1
            and (asks_for_offer(target) or asks_for_placement(target))
        ):
            # Each card's offer or placement is its own: asked one by one, each its own move
            # (and undo); a card whose question is cancelled stays where it was.
            results = [self.move_cards([card.application_id], column_key, row) for card in moving]
            return any(results)
        if stage_kind is StageKind.REJECTED and moving:
            reason = self.ask_reason(moving)
            if not reason:
                return False  # cancelled: nothing moves
        requests = []
        skipped = []
        for card in cards:
            stage_id = self.state.stage_for(card, column_key)
            if stage_id is None:
                skipped.append(card.name)
                continue
            requests.append(
                MoveRequest(
                    application_id=card.application_id,
                    expected_version=card.version,
                    to_stage_id=stage_id,
                    before_application_id=before,
                    rejection_reason=reason,
                )
            )
        if skipped:
            self.show_notice(f"{', '.join(skipped)}: that job has no “{column_key}” stage.")
        if not requests:
            return False
        done: Outcome[MoveResult] | None = None
        follow_up: QUndoCommand | None = None
        if self.ask_terms is not None and len(requests) == 1 and len(moving) == 1:
            answer = self.ask_terms(moving[0], self.state.column(column_key), requests[0])
            if answer is not None and answer.cancelled:
                if answer.conflict:
                    self.reload()
                return False  # cancelled: nothing moves
            if answer is not None:
                done, follow_up = answer.done, answer.command
        try:
            if done is None:
                done = move_service(self.services, requests)
        except VersionConflictError as exc:
            self.show_notice(str(exc))
            self.reload()
            return False
        except ValidationError as exc:  # the messages alone, without the field names
            self.show_notice(" ".join(exc.errors.values()) or str(exc))
            return False
        before_ids = {request.application_id: before for request in requests}
        self.apply_moves(done, before_ids)
        names = cards[0].name if len(cards) == 1 else f"{len(requests)} candidates"
        label = self.state.column(column_key).name
        command = MoveCommand(
            self.services, done, f"Move {names} to {label}", self.apply_moves, self.command_failed
        )
        if follow_up is None:
            self.undo_stack.push(command)
        else:  # one undo takes back the offer or placement, then the move
            self.undo_stack.beginMacro(follow_up.text())
            self.undo_stack.push(command)
            self.undo_stack.push(follow_up)
            self.undo_stack.endMacro()
        self.hide_notice()
        moved = [c for c in cards if c in moving]
        if len(moved) == 1 and is_interview_stage(label):
            self.offer_schedule(moved[0])
        return True

    def apply_moves(self, done: Outcome[MoveResult], before_ids: dict[int, int | None]) -> None:
        """Show completed moves (from a drop, a menu, undo or redo) without reloading."""
        if self.state is not None:
            moved = [s for s in done.value.after if s.application_id in self.state.cards]
            if moved:
                old_keys = {
                    self.state.column_key_of_card(self.state.cards[s.application_id]) for s in moved
                }
                self.state.apply(moved, before_ids)
                new_keys = {
                    self.state.column_key_of_card(self.state.cards[s.application_id]) for s in moved
                }
                ids = [s.application_id for s in moved]
                for column in self.columns:
                    if column.model.key in old_keys:
                        column.model.remove_ids(ids)
                    if column.model.key in new_keys | old_keys:
                        column.model.sync_inserted()
                        column.update_header()
                self._update_summary()
        self.changes_made.emit(done.changes)

    def command_failed(self, error: Exception) -> None:
        self.show_notice(f"Could not undo or redo: {error}")
        self.reload()

    def move_selection_by(self, step: int) -> None:
        """Ctrl+Left/Right: move the focused column's selected cards to the next stage."""
        for index, column in enumerate(self.columns):
            if column.view.hasFocus() or column.view.viewport().hasFocus():
                ids = column.selected_ids()
                target = index + step
                if ids and 0 <= target < len(self.columns):
                    self.move_cards(ids, self.columns[target].model.key)
                    self._select(self.columns[target], ids)
                return

    def _select(self, column: BoardColumn, ids: Sequence[int]) -> None:
        column.view.setFocus()
        selection = column.view.selectionModel()
        selection.clearSelection()
        for application_id in ids:
            if application_id in column.model.visible:
                index = column.model.index(column.model.visible.index(application_id))
                selection.select(index, QItemSelectionModel.SelectionFlag.Select)
                column.view.scrollTo(index)

    # ---- context menu -----------------------------------------------------------------------
    def _context_menu(self, column: BoardColumn, point: QPoint) -> None:
        if self.state is None or not column.view.indexAt(point).isValid():
            return
        ids = column.selected_ids() or [column.model.visible[column.view.indexAt(point).row()]]
        menu = self.build_menu(ids)
        menu.exec(column.view.viewport().mapToGlobal(point))

    def build_menu(self, ids: Sequence[int]) -> QMenu:
        assert self.state is not None
        menu = QMenu(self)
        move_to = menu.addMenu("Move to")
        for stage in self.state.columns:
            key = self.state.key_of(stage)
            action = move_to.addAction(stage.name)
            action.triggered.connect(lambda _c=False, key=key: self.move_cards(ids, key))
        rejected = self._column_of_kind(StageKind.REJECTED)
        withdrawn = self._column_of_kind(StageKind.WITHDRAWN)
        menu.addSeparator()
        reject = menu.addAction("Reject…")
        reject.setEnabled(rejected is not None)
        reject.triggered.connect(lambda: self.move_cards(ids, rejected))
        withdraw = menu.addAction("Withdraw")
        withdraw.setEnabled(withdrawn is not None)
        withdraw.triggered.connect(lambda: self.move_cards(ids, withdrawn))
        menu.addSeparator()
        schedule = menu.addAction("Schedule interview…")
        application = ids[0]
        schedule.triggered.connect(lambda: self.schedule_requested.emit(application))
        # The key is named, not bound: the board's own shortcut takes it (a second binding
        # in a kept menu would make both ambiguous).
        submit = menu.addAction(f"Submit to client…\t{SUBMIT_KEYS}")
        submit.setObjectName("submitToClient")
        submit.setEnabled(self._one_job(ids) is not None)
        submit.triggered.connect(lambda: self.submit_cards(ids))
        profile = menu.addAction("Open profile")
        candidate = self.state.cards[ids[0]].candidate_id
        profile.triggered.connect(lambda: self.open_profile.emit(candidate))
        menu.addSeparator()
        self._add_compliance_actions(menu, ids)
        return menu

    def _add_compliance_actions(self, menu: QMenu, ids: Sequence[int]) -> None:
        """Basic qualifications (for the applicant flow log) and the self-identification
        form, which a recruiter fills in and can never read back."""
        can_edit = allowed(self.services.actor, Permission.EDIT_RECORDS)
        qualifications = menu.addMenu("Basic qualifications")
        qualifications.setObjectName("basicQualifications")
        qualifications.setEnabled(can_edit)
        current = set(basic_qualifications_of(self.services, ids).values()) if can_edit else set()
        for value, label in QUALIFICATION_CHOICES:
            action = qualifications.addAction(label)
            action.setCheckable(True)
            action.setChecked(current == {value})
            action.triggered.connect(
                lambda _c=False, value=value: self.set_qualifications(ids, value)
            )
        identify = menu.addAction("Voluntary self-identification…")
        identify.setObjectName("selfIdentification")
        identify.setEnabled(len(ids) == 1 and allowed(self.services.actor, Permission.RECORD_EEO))
        application = ids[0]
        identify.triggered.connect(lambda: self.record_self_identification(application))

    def set_qualifications(self, ids: Sequence[int], value: BasicQualifications) -> None:
        changes = Changes()
        try:
            for application_id in ids:
                changes = (
                    changes | set_basic_qualifications(self.services, application_id, value).changes
                )
        except ValidationError as error:
            self.show_notice(str(error))
        if changes.kinds:
            self.changes_made.emit(changes)

    def record_self_identification(self, application_id: int) -> None:
        # Deferred: the form loads only when first opened.
        from app.ui.dialogs.eeo_form import EeoFormDialog

        dialog = EeoFormDialog(self.services, application_id, self)
        if dialog.exec() and dialog.outcome is not None:
            self.changes_made.emit(dialog.all_changes())
            self.notice.emit("Self-identification recorded.")

    def _one_job(self, ids: Sequence[int]) -> int | None:
        """The job all these cards are on (None when they are on several: a submittal is for
        one job)."""
        assert self.state is not None
        jobs = {self.state.cards[i].job_id for i in ids if i in self.state.cards}
        return next(iter(jobs)) if len(jobs) == 1 else None

    def submit_cards(self, ids: Sequence[int]) -> None:
        job_id = self._one_job(ids)
        if job_id is None or self.state is None:
            self.notice.emit("Choose cards of one job to submit them to its client.")
            return
        candidates = tuple(dict.fromkeys(self.state.cards[i].candidate_id for i in ids))
        self.submit_requested.emit(job_id, candidates)

    def submit_selection(self) -> None:
        """The keyboard's way to "Submit to client…": the selected cards of every column."""
        ids = [i for column in self.columns for i in column.selected_ids()]
        if ids:
            self.submit_cards(ids)

    def _column_of_kind(self, kind: StageKind) -> str | None:
        assert self.state is not None
        for stage in self.state.columns:
            if stage.kind is kind:
                return self.state.key_of(stage)
        return None

    # ---- notices and changes ----------------------------------------------------------------
    def show_notice(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()
        self.notice.emit(text)

    def hide_notice(self) -> None:
        self.banner.hide()

    def on_changes(self, changes: Changes) -> None:
        """Reload if the change concerns this board: soon if shown, else when next shown.

        Reloading rebuilds every column, so unrelated changes (an import into another job,
        a new candidate nobody has applied with) must not trigger it.
        """
        if self.state is None or not self.concerns(changes):
            return
        self._stale = True
        if self.isVisible():
            self._reload_timer.start()

    def concerns(self, changes: Changes) -> bool:
        assert self.state is not None
        if changes.touches(ChangeKind.EXTERNAL, ChangeKind.STAGES):
            return True
        board = self.state.board
        jobs = changes.ids.get(ChangeKind.JOBS, frozenset())
        if jobs and (board.job_id is None or board.job_id in jobs):
            return True
        if changes.ids.get(ChangeKind.APPLICATIONS, frozenset()) & self.state.cards.keys():
            return True
        candidates = changes.ids.get(ChangeKind.CANDIDATES, frozenset())
        return bool(candidates & self.state.candidate_ids)

    def _reload_if_stale(self) -> None:
        if self._stale and self.state is not None:
            self._stale = False
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._reload_timer.start()


def card_ids(board: BoardWidget) -> dict[str, list[int]]:
    """Visible card ids per column key (for tests and diagnostics)."""
    return {column.model.key: list(column.model.visible) for column in board.columns}
