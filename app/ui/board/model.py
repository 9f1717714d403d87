"""Board models: one list model per stage column over a shared, plain-Python board state.

Cards are painted by a delegate; no widget exists per card. Drag and drop travels as our
own MIME type carrying application ids and versions; files dropped on a column are handed
to resume intake with that column as the target.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from app.services.pipeline.board import Board, Card, MovedCard, StageInfo
from app.store.enums import SubmittalStatus

# The card's mark for where the client stands on the candidate (kept short: cards are narrow).
SUBMITTAL_MARKS: dict[str, str] = {
    SubmittalStatus.SUBMITTED.value: "Sent to client",
    SubmittalStatus.INTERESTED.value: "Client interested",
    SubmittalStatus.INTERVIEW_REQUESTED.value: "Interview asked",
    SubmittalStatus.DECLINED.value: "Client declined",
}

CARD_MIME = "application/x-hirebench-applications"
CARD_ROLE = Qt.ItemDataRole.UserRole + 1
STAGE_ROLE = Qt.ItemDataRole.UserRole + 2
SLA_ROLE = Qt.ItemDataRole.UserRole + 3  # the SLA (days) of the card's own stage, or None

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class StageDrop:
    """Resume files dropped on a board column: they become applications in its job and stage."""

    job_id: int | None
    stage_id: int | None
    stage_name: str
    paths: tuple[str, ...]


class BoardState:
    """The cards of a board grouped into ordered columns (one per stage, or stage name)."""

    def __init__(self, board: Board):
        self.board = board
        self.columns: list[StageInfo] = list(board.stages)
        self.cards: dict[int, Card] = {card.application_id: card for card in board.cards}
        self.candidate_ids: frozenset[int] = frozenset(card.candidate_id for card in board.cards)
        self.order: dict[str, list[int]] = {self.key_of(stage): [] for stage in self.columns}
        # Candidate skills for the filter: loaded the first time the filter is used.
        self.skills: dict[int, tuple[str, ...]] | None = None
        # Cards per column in the database (combined boards load only part of each column).
        self.totals: dict[str, int] = dict(board.totals or {})
        if board.stage_by_job_and_name is not None:
            self._stage_key = {
                sid: name for (_job, name), sid in board.stage_by_job_and_name.items()
            }
        else:
            self._stage_key = {stage.id: str(stage.id) for stage in board.stages}
        stage_key = self._stage_key
        for card in board.cards:  # already in board order (position, id)
            key = stage_key.get(card.stage_id, str(card.stage_id))
            self.order.setdefault(key, []).append(card.application_id)

    @property
    def combined(self) -> bool:
        return self.board.stage_by_job_and_name is not None

    def key_of(self, stage: StageInfo) -> str:
        """Columns are keyed by stage id on a job board, by stage name on combined boards."""
        return stage.name if self.board.stage_by_job_and_name is not None else str(stage.id)

    def column_key_of_card(self, card: Card) -> str:
        return self._stage_key.get(card.stage_id, str(card.stage_id))

    def stage_for(self, card: Card, column_key: str) -> int | None:
        """The stage id a card would have in that column (None if its job lacks it)."""
        if self.board.stage_by_job_and_name is not None:
            return self.board.stage_by_job_and_name.get((card.job_id, column_key))
        return int(column_key)

    def matches(self, application_id: int, words: Sequence[str]) -> bool:
        card = self.cards[application_id]
        skills = self.skills.get(card.candidate_id, ()) if self.skills else ()
        return card.matches(words, skills)

    def column(self, key: str) -> StageInfo:
        return next(stage for stage in self.columns if self.key_of(stage) == key)

    def apply(self, moved: Iterable[MovedCard], before_ids: dict[int, int | None]) -> None:
        """Reflect completed moves: update cards and place them in their new column."""
        for state in moved:
            card = self.cards[state.application_id]
            old_key = self.column_key_of_card(card)
            card = replace(
                card,
                stage_id=state.stage_id,
                board_position=state.board_position,
                version=state.version,
                rejection_reason=state.rejection_reason,
                stage_entered_at=state.stage_entered_at,
            )
            self.cards[card.application_id] = card
            self.order[old_key].remove(card.application_id)
            new_key = self.column_key_of_card(card)
            if old_key != new_key and self.totals:
                self.totals[old_key] = self.totals.get(old_key, 1) - 1
                self.totals[new_key] = self.totals.get(new_key, 0) + 1
            new_order = self.order[new_key]
            before = before_ids.get(card.application_id)
            if before is not None and before in new_order:
                new_order.insert(new_order.index(before), card.application_id)
            else:
                self._insert_by_position(new_order, card)

    def _insert_by_position(self, order: list[int], card: Card) -> None:
        for index, other in enumerate(order):
            if self.cards[other].board_position > card.board_position:
                order.insert(index, card.application_id)
                return
        order.append(card.application_id)


class ColumnModel(QAbstractListModel):
    """The visible cards of one column, in board order, narrowed by the board filter."""

    cards_dropped = Signal(object, str, int)  # application ids, column key, row
    files_dropped = Signal(StageDrop)

    def __init__(self, state: BoardState, key: str, parent: Any = None):
        super().__init__(parent)
        self.state = state
        self.key = key
        self.words: tuple[str, ...] = ()
        self.visible: list[int] = list(state.order[key])

    # ---- content --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute the visible cards after the state or the filter changed."""
        order = self.state.order[self.key]
        wanted = (
            [i for i in order if self.state.matches(i, self.words)] if self.words else list(order)
        )
        if wanted == self.visible:
            return
        self.beginResetModel()
        self.visible = wanted
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        self.words = tuple(text.lower().split())
        self.refresh()

    def remove_ids(self, ids: Sequence[int]) -> None:
        for application_id in ids:
            if application_id in self.visible:
                row = self.visible.index(application_id)
                self.beginRemoveRows(QModelIndex(), row, row)
                del self.visible[row]
                self.endRemoveRows()

    def sync_inserted(self) -> None:
        """Insert rows for cards now in this column (after a move), keeping the rest."""
        wanted = [i for i in self.state.order[self.key] if self.state.matches(i, self.words)]
        present = set(self.visible)
        for row, application_id in enumerate(wanted):
            if application_id not in present:
                self.beginInsertRows(QModelIndex(), row, row)
                self.visible.insert(row, application_id)
                self.endInsertRows()
        if self.visible != wanted:  # order changed within the column
            self.beginResetModel()
            self.visible = wanted
            self.endResetModel()
        else:
            self.dataChanged.emit(self.index(0), self.index(max(0, len(self.visible) - 1)))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.visible)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.visible):
            return None
        card = self.state.cards[self.visible[index.row()]]
        if role == CARD_ROLE:
            return card
        if role == STAGE_ROLE:
            return self.state.column(self.key)
        if role == SLA_ROLE:
            return self.state.board.sla_days(card)
        if role == Qt.ItemDataRole.DisplayRole:
            return card.name
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [
                card.name,
                " · ".join(filter(None, (card.current_title, card.current_employer))),
            ]
            if self.state.combined:
                lines.append(f"{card.job_title} — {card.client_name}")
            if card.rejection_reason:
                lines.append(f"Rejected: {card.rejection_reason}")
            if card.submittal:
                lines.append(f"Client: {SUBMITTAL_MARKS.get(card.submittal, card.submittal)}")
            return "\n".join(line for line in lines if line)
        return None

    def card_at(self, row: int) -> Card:
        return self.state.cards[self.visible[row]]

    # ---- drag and drop ----------------------------------------------------------------------
    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return Qt.ItemFlag.ItemIsDropEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [CARD_MIME, "text/uri-list"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({index.row() for index in indexes if index.isValid()})
        payload = [
            {"id": self.visible[row], "version": self.state.cards[self.visible[row]].version}
            for row in rows
        ]
        mime = QMimeData()
        mime.setData(CARD_MIME, QByteArray(json.dumps(payload).encode()))
        mime.setText("\n".join(self.state.cards[self.visible[row]].name for row in rows))
        return mime

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        return data.hasFormat(CARD_MIME) or (data.hasUrls() and self.state.board.job_id is not None)

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        if row < 0:
            row = parent.row() if parent.isValid() else len(self.visible)
        if data.hasFormat(CARD_MIME):
            payload = json.loads(bytes(data.data(CARD_MIME).data()).decode())
            ids = [item["id"] for item in payload if item["id"] in self.state.cards]
            if ids:
                self.cards_dropped.emit(ids, self.key, row)
            return False  # the move happens through the service; the view must not remove rows
        if data.hasUrls():
            paths = tuple(url.toLocalFile() for url in data.urls() if url.isLocalFile())
            if not paths or self.state.board.job_id is None:
                return False
            stage = self.state.column(self.key)
            self.files_dropped.emit(StageDrop(stage.job_id, stage.id, stage.name, paths))
            return True
        return False
