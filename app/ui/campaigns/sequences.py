"""The Sequences tab: drip sequences with their enrolment counts, New sequence… and Edit steps….

The selected sequence's steps and enrolments show below (`SequenceDetail`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSplitter, QVBoxLayout, QWidget

from app.services.core.context import ServiceContext
from app.services.engagement.campaigns import CampaignRow, list_campaigns
from app.ui.campaigns.campaign_list import kind_of, status_label
from app.ui.campaigns.list_panel import (
    RowListPanel,
    RowsModel,
    list_table,
    local_time,
    muted_label,
    status_value,
)
from app.ui.campaigns.sequence_detail import SequenceDetail
from app.ui.campaigns.throttle import ReloadThrottle

_Index = QModelIndex | QPersistentModelIndex


class SequencesModel(RowsModel):
    COLUMNS = ("Sequence", "Status", "Enrolled", "Active", "Finished", "Stopped", "Sent", "Created")

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row: CampaignRow = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.TextAlignmentRole and 2 <= index.column() <= 6:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        enrolled = row.enrollments
        return (
            row.name,
            status_label(row),
            f"{sum(enrolled.values()):,}",
            f"{enrolled.get('active', 0):,}",
            f"{enrolled.get('finished', 0):,}",
            f"{enrolled.get('stopped', 0):,}",
            f"{row.counts.get('sent', 0):,}",
            local_time(row.created_at),
        )[index.column()]


class SequencesPanel(RowListPanel):
    changes_made = Signal(object)  # Changes
    notice = Signal(str)
    open_profile = Signal(int)  # candidate id
    new_sequence = Signal()
    edit_sequence = Signal(int)  # campaign id

    def __init__(self, services: ServiceContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 8, 0, 0)
        column.setSpacing(8)
        actions = QHBoxLayout()
        self.new_button = QPushButton("New sequence…")
        self.new_button.setObjectName("newSequenceTab")
        self.edit_button = QPushButton("Edit steps…")
        self.edit_button.setObjectName("editSequence")
        actions.addWidget(self.new_button)
        actions.addWidget(self.edit_button)
        self.edit_button.setVisible(True)
        actions.addStretch(1)
        hint = muted_label(
            text="Enrol candidates from Candidates or Talent pools (Add to sequence…). A reply, "
            "an unsubscribe or a stage change stops a candidate's sequence.",
            wrap=True,
        )
        actions.addWidget(hint, 1)
        column.addLayout(actions)
        self.model = SequencesModel(self)
        self.table = list_table("sequencesTable", self.model, (260,))
        self.detail = SequenceDetail(services)
        self.detail.changes_made.connect(self.changes_made)
        self.detail.notice.connect(self.notice)
        self.detail.open_profile.connect(self.open_profile)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(1, 2)
        column.addWidget(splitter, 1)

        self.new_button.clicked.connect(self.new_sequence)
        self.edit_button.clicked.connect(self._edit)
        self.table.doubleClicked.connect(lambda _index: self._edit())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._chosen())
        self.throttle = ReloadThrottle(self, self.reload)
        self.reload()

    def reload(self) -> None:
        chosen = self.current_id()
        rows = [row for row in list_campaigns(self.services) if kind_of(row) == "sequence"]
        self.model.set_rows(rows)
        if chosen is not None and self.select_sequence(chosen):
            return
        self._chosen()

    def select_sequence(self, campaign_id: int) -> bool:
        if not self.select_row_with_id(campaign_id):
            return False
        self._chosen()
        return True

    def _editable(self, row: CampaignRow | None) -> bool:
        return row is not None and status_value(row) != "stopped"

    def _chosen(self) -> None:
        row = self.current()
        self.edit_button.setEnabled(self._editable(row))
        self.detail.show_sequence(row.id if row else None)

    def _edit(self) -> None:
        row = self.current()
        if self._editable(row):
            self.edit_sequence.emit(row.id)
