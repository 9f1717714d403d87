"""Rejection reasons: the list offered when a candidate is rejected, edited as a whole."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.core.context import Outcome, ServiceContext
from app.services.pipeline.reasons import (
    MAX_REASON_LENGTH,
    ReasonsInput,
    list_rejection_reasons,
    set_rejection_reasons,
)
from app.ui.dialogs.form import FormDialog


class ReasonsDialog(FormDialog):
    """Add, edit (double-click), order and remove reasons; Save replaces the list at once.

    Removed reasons are retired, not erased: rejected applications keep their text.
    """

    def __init__(self, services: ServiceContext, parent: QWidget | None = None):
        super().__init__("Rejection reasons", parent)
        self.services = services
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setObjectName("reasonList")
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.list.setMinimumHeight(200)
        for label in list_rejection_reasons(services):
            self._append(label)
        column.addWidget(self.list)
        adding = QHBoxLayout()
        self.new_reason = QLineEdit()
        self.new_reason.setObjectName("newReason")
        self.new_reason.setPlaceholderText("A new reason")
        self.new_reason.setMaxLength(MAX_REASON_LENGTH)
        self.add_button = QPushButton("Add")
        adding.addWidget(self.new_reason, 1)
        adding.addWidget(self.add_button)
        column.addLayout(adding)
        moving = QHBoxLayout()
        self.up_button = QPushButton("Move up")
        self.down_button = QPushButton("Move down")
        self.remove_button = QPushButton("Remove")
        for button in (self.up_button, self.down_button, self.remove_button):
            moving.addWidget(button)
        moving.addStretch(1)
        column.addLayout(moving)
        self.add_field("labels", "Reasons", holder)

        self.add_button.clicked.connect(self.add_reason)
        self.new_reason.returnPressed.connect(self.add_reason)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.currentRowChanged.connect(self._update_buttons)
        self.list.itemChanged.connect(self._recheck)
        self._update_buttons()

    def _append(self, label: str) -> QListWidgetItem:
        item = QListWidgetItem(label)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.list.addItem(item)
        return item

    def labels(self) -> list[str]:
        return [self.list.item(row).text() for row in range(self.list.count())]

    def add_reason(self) -> None:
        text = self.new_reason.text().strip()
        if not text:
            return
        self.list.setCurrentItem(self._append(text))
        self.new_reason.clear()
        self._recheck()

    def move_selected(self, delta: int) -> None:
        row = self.list.currentRow()
        target = row + delta
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self._update_buttons()
            self._recheck()

    def _update_buttons(self, *_args: object) -> None:
        row = self.list.currentRow()
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < self.list.count() - 1)
        self.remove_button.setEnabled(row >= 0)

    def collect(self) -> ReasonsInput:
        return ReasonsInput(tuple(self.labels()))

    def save(self, data: ReasonsInput) -> Outcome[list[str]]:
        return set_rejection_reasons(self.services, data.labels)
