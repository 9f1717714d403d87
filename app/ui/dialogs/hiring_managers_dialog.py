"""A job's hiring managers: the users with that role who may read its pipeline. Loaded and
saved off the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.admin.user_admin import UserRow, hiring_manager_choices, set_hiring_managers
from app.services.core.context import ServiceContext
from app.ui.background import BackgroundOps
from app.ui.messages import reason, say

USER_ROLE = Qt.ItemDataRole.UserRole


class HiringManagersDialog(QDialog):
    changes_made = Signal(object)

    def __init__(
        self, services: ServiceContext, job_id: int, title: str, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle(f"Hiring managers — {title}")
        self.services = services
        self.job_id = job_id
        self.ops = BackgroundOps(self)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Hiring managers read this job's pipeline and its candidates' profiles, and change "
            "nothing. Give someone the hiring-manager role in Settings → Users and roles."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget()
        self.list.setObjectName("hiringManagers")
        layout.addWidget(self.list, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
        layout.addWidget(self.buttons)
        services_, job = services, job_id
        self.ops.query(
            "load", lambda: hiring_manager_choices(services_, job), self._show, self._failed
        )

    def _show(self, loaded: tuple[list[UserRow], set[int]]) -> None:
        users, following = loaded
        for user in users:
            item = QListWidgetItem(f"{user.display_name} ({user.username})")
            item.setData(USER_ROLE, user.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if user.id in following else Qt.CheckState.Unchecked
            )
            self.list.addItem(item)
        if not users:
            self.message.setText("No one has the hiring-manager role yet.")
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(True)

    def chosen(self) -> list[int]:
        return [
            self.list.item(row).data(USER_ROLE)
            for row in range(self.list.count())
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        ]

    def _failed(self, error: BaseException) -> None:
        say(self.message, reason(error), error=True)

    def save(self) -> None:
        services, job, chosen = self.services, self.job_id, self.chosen()
        self.ops.write(
            "save",
            lambda: set_hiring_managers(services, job, chosen),
            lambda _value: self.accept(),
            self._failed,
            self.changes_made.emit,
        )
