"""Settings → Users and roles: everyone with an account here, their role and whether they
are active; an admin changes roles, adds users and (de)activates them. Everyone else sees
the list only. Reads and writes run off the GUI thread; the services refuse what the role
may not do, and the panel says so."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.services.admin.user_admin import UserRow, add_user, list_user_rows, set_active, set_role
from app.services.core.context import ServiceContext
from app.services.core.roles import ROLE_LABELS, Permission, Role, allowed
from app.ui.background import BackgroundOps
from app.ui.messages import reason, say


class UsersPanel(QGroupBox):
    """See the module docstring."""

    changes_made = Signal(object)  # Changes

    def __init__(self, services: ServiceContext):
        super().__init__("Users and roles")
        self.setObjectName("usersPanel")
        self.services = services
        self.ops = BackgroundOps(self)
        self.users: list[UserRow] = []
        self.may_manage = allowed(services.actor, Permission.MANAGE_USERS)
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("usersTable")
        self.table.setHorizontalHeaderLabels(["User", "Role", "Active"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(160)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table)
        self.message = QLabel()
        self.message.setObjectName("usersMessage")
        self.message.setWordWrap(True)
        self.message.setProperty("role", "muted")
        layout.addWidget(self.message)
        add_row = QHBoxLayout()
        self.login = QLineEdit()
        self.login.setObjectName("newUserLogin")
        self.login.setPlaceholderText("Login name (as the computer knows them)")
        self.new_role = QComboBox()
        self.new_role.setObjectName("newUserRole")
        for role in Role:
            self.new_role.addItem(ROLE_LABELS[role], role.value)
        self.new_role.setCurrentIndex(self.new_role.findData(Role.RECRUITER.value))
        self.add_button = QPushButton("Add user")
        self.add_button.setObjectName("addUser")
        self.add_button.clicked.connect(self.add)
        self.toggle_button = QPushButton("Deactivate")
        self.toggle_button.setObjectName("toggleUser")
        self.toggle_button.clicked.connect(self.toggle_active)
        for widget in (self.login, self.new_role, self.add_button, self.toggle_button):
            add_row.addWidget(widget)
        layout.addLayout(add_row)
        for widget in (self.login, self.new_role, self.add_button, self.toggle_button):
            widget.setEnabled(self.may_manage)
        if not self.may_manage:
            self.message.setText("Only an admin changes users and roles.")
        self.table.itemSelectionChanged.connect(self._selected)
        self.reload()

    def reload(self) -> None:
        services = self.services
        self.ops.query("users", lambda: list_user_rows(services), self._show, self._failed)

    def _show(self, users: list[UserRow]) -> None:
        self.users = users
        self.table.setRowCount(len(users))
        for number, user in enumerate(users):
            name = QTableWidgetItem(f"{user.display_name} ({user.username})")
            self.table.setItem(number, 0, name)
            box = QComboBox()
            for role in Role:
                box.addItem(ROLE_LABELS[role], role.value)
            box.setCurrentIndex(box.findData(user.role))
            box.setEnabled(self.may_manage)
            box.currentIndexChanged.connect(
                lambda _i, user_id=user.id, box=box: self.change_role(user_id, box.currentData())
            )
            self.table.setCellWidget(number, 1, box)
            self.table.setItem(number, 2, QTableWidgetItem("Yes" if user.active else "No"))
        self._selected()

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        user = self.users[rows[0].row()] if rows else None
        self.toggle_button.setText("Activate" if user and not user.active else "Deactivate")
        self.toggle_button.setEnabled(self.may_manage and user is not None)

    def _failed(self, error: BaseException) -> None:
        say(self.message, reason(error), error=True)
        self.reload()  # a refused role change shows the role as it is

    def _write(self, name: str, work: Any, said: str) -> None:
        def done(_value: object) -> None:
            say(self.message, said)
            self.reload()

        self.ops.write(name, work, done, self._failed, self.changes_made.emit)

    def change_role(self, user_id: int, role: str) -> None:
        services = self.services
        label = ROLE_LABELS[Role(role)].lower()
        self._write("role", lambda: set_role(services, user_id, role), f"Role changed to {label}.")

    def add(self) -> None:
        services, login, role = self.services, self.login.text(), self.new_role.currentData()
        self.login.clear()
        self._write("add", lambda: add_user(services, login, None, role), f"Added {login.strip()}.")

    def toggle_active(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        user = self.users[rows[0].row()]
        services = self.services
        verb = "Activated" if not user.active else "Deactivated"
        self._write(
            "active",
            lambda: set_active(services, user.id, not user.active),
            f"{verb} {user.display_name}.",
        )
