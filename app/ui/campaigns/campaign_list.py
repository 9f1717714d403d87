"""The Campaigns tab: each send with its progress, counts by state, and Pause / Resume / Stop.

Selecting a sequence shows its steps and who is going through it (`SequenceDetail`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.engagement import campaigns
from app.services.engagement.campaigns import CampaignRow
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

KIND_LABELS = {"one_off": "One-off", "bulk": "Bulk", "sequence": "Sequence"}
STATUS_LABELS = {
    "active": "Sending",
    "paused": "Paused",
    "stopped": "Stopped",
    "finished": "Finished",
}
COUNT_STATES = ("queued", "sent", "failed", "unknown", "cancelled")
PROGRESS_COLUMN = 4
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 1  # (sent, total)

_Index = QModelIndex | QPersistentModelIndex


def kind_of(row: CampaignRow) -> str:
    return str(row.kind)


def status_label(row: CampaignRow) -> str:
    """ "Sending" for an active send, "Running" for an active sequence, and so on."""
    if kind_of(row) == "sequence" and status_of(row) == "active":
        return "Running"
    return STATUS_LABELS.get(status_of(row), status_of(row))


def status_of(row: CampaignRow) -> str:
    """What the list shows: a one-off or bulk send with nothing left reads "Finished"."""
    status = row.display_status
    return str(status)


class CampaignsModel(RowsModel):
    """Campaigns number in the tens or hundreds: all are loaded at once."""

    COLUMNS = (
        "Campaign",
        "Kind",
        "Audience",
        "Created",
        "Progress",
        "Queued",
        "Sent",
        "Failed",
        "Unknown",
        "Cancelled",
        "Status",
    )

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row: CampaignRow = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == PROGRESS_ROLE:
            return (row.counts.get("sent", 0), row.total)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.TextAlignmentRole and 5 <= column <= 9:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == PROGRESS_COLUMN:
                return self._progress_tip(row)
            if column == 2:
                return row.audience or ""
        return None

    @staticmethod
    def _display(row: CampaignRow, column: int) -> str:
        if column == 0:
            return row.name
        if column == 1:
            return KIND_LABELS.get(kind_of(row), kind_of(row))
        if column == 2:
            return row.audience or ""
        if column == 3:
            return local_time(row.created_at)
        if column == PROGRESS_COLUMN:
            return progress_text(row)
        if 5 <= column <= 9:
            return f"{row.counts.get(COUNT_STATES[column - 5], 0):,}"
        status = status_label(row)
        if status_of(row) == "active" and row.scheduled_at is not None and row.pending:
            return f"Scheduled {local_time(row.scheduled_at)}"
        return status

    @staticmethod
    def _progress_tip(row: CampaignRow) -> str:
        tip = f"{row.counts.get('sent', 0):,} of {row.total:,} emails sent"
        if kind_of(row) == "sequence":
            enrolled = row.enrollments
            tip += (
                f"; {sum(enrolled.values()):,} enrolled: {enrolled.get('active', 0):,} active, "
                f"{enrolled.get('finished', 0):,} finished, {enrolled.get('stopped', 0):,} stopped"
            )
        return tip


def progress_text(row: CampaignRow) -> str:
    text = f"{row.counts.get('sent', 0):,} of {row.total:,} sent"
    if kind_of(row) == "sequence":
        text += f" · {row.enrollments.get('active', 0):,} active"
    if row.replies and row.reply_rate is not None:
        text += f" · {row.replies:,} replied ({row.reply_rate:.0%})"
    return text


def stop_question(row: CampaignRow) -> str:
    """ "Stop “Spring” for good? Its 4 queued emails will be cancelled." (and for a sequence,
    that nobody in it gets another step)."""
    queued = row.counts.get("queued", 0)
    if queued:
        what = f"Its {queued:,} queued email{'s' if queued != 1 else ''} will be cancelled"
    else:
        what = "No email of it is waiting to go out"
    if kind_of(row) == "sequence":
        what += ", and nobody in it will get another step"
    return f"Stop “{row.name}” for good? {what}."


class ProgressDelegate(QStyledItemDelegate):
    """Draws the Progress column as a slim bar (sent of total) followed by its figures."""

    BAR_WIDTH = 72
    BAR_HEIGHT = 8

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        value = index.data(PROGRESS_ROLE)
        if not value:
            super().paint(painter, option, index)
            return
        sent, total = value
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        painter.save()
        if selected:
            painter.fillRect(option.rect, palette.highlight())
        rect = option.rect.adjusted(8, 0, -6, 0)
        bar = QRect(
            rect.left(), rect.center().y() - self.BAR_HEIGHT // 2, self.BAR_WIDTH, self.BAR_HEIGHT
        )
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.mid())
        painter.drawRoundedRect(bar, 4, 4)
        done = round(bar.width() * min(sent, total) / total) if total else 0
        if done:
            painter.setBrush(palette.highlightedText() if selected else palette.highlight())
            painter.drawRoundedRect(QRect(bar.left(), bar.top(), done, bar.height()), 4, 4)
        text_rect = rect.adjusted(self.BAR_WIDTH + 8, 0, 0, 0)
        painter.setPen(
            palette.color(palette.ColorRole.HighlightedText if selected else palette.ColorRole.Text)
        )
        text = option.fontMetrics.elidedText(
            str(index.data(Qt.ItemDataRole.DisplayRole)),
            Qt.TextElideMode.ElideRight,
            text_rect.width(),
        )
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter), text)
        painter.restore()


class CampaignsPanel(RowListPanel):
    """The campaigns table, its actions and the selected sequence's detail."""

    changes_made = Signal(object)  # Changes
    notice = Signal(str)
    open_profile = Signal(int)  # candidate id
    show_messages = Signal(int, str)  # campaign id, name: open the Outbox filtered to it
    edit_sequence = Signal(int)  # campaign id

    def __init__(
        self,
        services: ServiceContext,
        wake: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.services = services
        self.wake = wake or (lambda: None)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 8, 0, 0)
        column.setSpacing(8)

        actions = QHBoxLayout()
        self.pause_button = QPushButton("Pause")
        self.pause_button.setObjectName("pauseCampaign")
        self.pause_button.setToolTip("Hold the campaign: nothing more goes out until resumed")
        self.resume_button = QPushButton("Resume")
        self.resume_button.setObjectName("resumeCampaign")
        self.stop_button = QPushButton("Stop…")
        self.stop_button.setObjectName("stopCampaign")
        self.stop_button.setProperty("role", "danger")
        self.stop_button.setToolTip("End the campaign: its queued emails are cancelled")
        self.messages_button = QPushButton("Show messages")
        self.messages_button.setObjectName("showCampaignMessages")
        self.edit_button = QPushButton("Edit steps…")
        self.edit_button.setObjectName("editSequenceSteps")
        for button in (
            self.pause_button,
            self.resume_button,
            self.stop_button,
            self.messages_button,
            self.edit_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        self.message = muted_label("campaignsMessage")
        actions.addWidget(self.message)
        column.addLayout(actions)

        self.model = CampaignsModel(self)
        self.table = list_table(
            "campaignsTable", self.model, (190, 75, 160, 135, 210, 75, 65, 65, 80, 85)
        )
        self.table.setItemDelegateForColumn(PROGRESS_COLUMN, ProgressDelegate(self.table))
        self.empty = muted_label(
            "campaignsEmpty",
            "No campaigns yet. Email a selection from Candidates or Talent pools, or create "
            "a sequence, and its progress shows here.",
            wrap=True,
        )
        self.detail = SequenceDetail(services)
        self.detail.changes_made.connect(self.changes_made)
        self.detail.notice.connect(self.notice)
        self.detail.open_profile.connect(self.open_profile)
        self.summary = muted_label("campaignSummary", wrap=True)
        lower = QWidget()
        lower_column = QVBoxLayout(lower)
        lower_column.setContentsMargins(0, 8, 0, 0)
        lower_column.addWidget(self.summary)
        lower_column.addWidget(self.detail, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        column.addWidget(self.empty)
        column.addWidget(splitter, 1)

        self.pause_button.clicked.connect(lambda: self._act(campaigns.pause_campaign, "paused"))
        self.resume_button.clicked.connect(self.resume_selected)
        self.stop_button.clicked.connect(self.stop_selected)
        self.messages_button.clicked.connect(self._show_messages)
        self.edit_button.clicked.connect(self._edit)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._chosen())
        self.throttle = ReloadThrottle(self, self.reload)
        self.reload()

    # ---- loading -----------------------------------------------------------------------------
    def reload(self) -> None:
        chosen = self.current_id()
        self.model.set_rows(campaigns.list_campaigns(self.services))
        self.empty.setVisible(not self.model.rows)
        if chosen is not None and self.select_campaign(chosen):
            return
        self._chosen()

    def select_campaign(self, campaign_id: int) -> bool:
        if not self.select_row_with_id(campaign_id):
            return False
        self._chosen()
        return True

    def _chosen(self) -> None:
        """The buttons follow the selected campaign as the list shows it: nothing to pause
        or stop without one, nor once a send has nothing left to go out ("Finished")."""
        row = self.current()
        status = status_value(row)
        shown = status_of(row) if row is not None else ""
        sequence = row is not None and kind_of(row) == "sequence"
        self.pause_button.setEnabled(shown == "active")
        self.resume_button.setEnabled(shown == "paused")
        self.stop_button.setEnabled(shown in ("active", "paused"))
        self.messages_button.setEnabled(row is not None)
        self.edit_button.setVisible(sequence)
        self.edit_button.setEnabled(sequence and status != "stopped")
        if row is None:
            self.summary.setText("Choose a campaign to see its details.")
            self.detail.show_sequence(None)
            self.detail.hide()
            return
        self.summary.setText(self._summary(row))
        self.detail.setVisible(sequence)
        self.detail.show_sequence(row.id if sequence else None)

    @staticmethod
    def _summary(row: CampaignRow) -> str:
        counts = row.counts
        parts = [f"{counts.get(state, 0):,} {state}" for state in COUNT_STATES]
        text = f"{row.name}: {', '.join(parts)} of {row.total:,} emails."
        if counts.get("unknown"):
            text += " Check the unknown ones in the Outbox."
        if counts.get("failed"):
            text += " Failed ones show the server's reply in the Outbox."
        return text

    # ---- actions -----------------------------------------------------------------------------
    def _act(
        self,
        action: Callable[[ServiceContext, int], Outcome[Any]],
        done_text: str,
    ) -> bool:
        row = self.current()
        if row is None:
            return False
        try:
            done = action(self.services, row.id)
        except ValidationError as exc:
            self._say("; ".join(exc.errors.values()))
            self.throttle.now()
            return False
        except NotFoundError as exc:
            self._say(str(exc))
            self.throttle.now()
            return False
        self.throttle.now()
        self.changes_made.emit(done.changes)
        self._say(f"“{row.name}” {done_text}.")
        return True

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.notice.emit(text)

    def resume_selected(self) -> None:
        if self._act(campaigns.resume_campaign, "resumed"):
            self.wake()

    def stop_selected(self) -> None:
        row = self.current()
        if row is None:
            return
        answer = QMessageBox.question(self, "Stop campaign", stop_question(row))
        if answer == QMessageBox.StandardButton.Yes:
            self._act(campaigns.stop_campaign, "stopped")

    def _show_messages(self) -> None:
        row = self.current()
        if row is not None:
            self.show_messages.emit(row.id, row.name)

    def _edit(self) -> None:
        row = self.current()
        if row is not None and kind_of(row) == "sequence":
            self.edit_sequence.emit(row.id)
