"""New job dialog: a requisition for a client, with the default stages."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.services.clients import list_clients
from app.services.context import Outcome, ServiceContext
from app.services.jobs import MAX_OPENINGS, JobInput, create_job
from app.services.users import list_users
from app.ui.dialogs.form import FormDialog


class NewJobDialog(FormDialog):
    def __init__(
        self, services: ServiceContext, parent: QWidget | None = None, client_id: int | None = None
    ):
        super().__init__("New job", parent)
        self.services = services
        self.client = QComboBox()
        self.client.setMinimumWidth(240)
        new_client = QPushButton("New client…")
        new_client.setProperty("role", "flat")
        new_client.clicked.connect(self._new_client)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.client, 1)
        line.addWidget(new_client)
        self.add_field("client_id", "Client", row, required=True)
        self.title_edit = self.add_field("title", "Job title", QLineEdit(), required=True)
        self.title_edit.setPlaceholderText("e.g. Senior Accountant")
        self.location = self.add_field("location", "Location", QLineEdit())
        self.openings = self.add_field("openings", "Openings", QSpinBox())
        self.openings.setRange(0, MAX_OPENINGS + 1)
        self.openings.setValue(1)
        self.opened_on = self.add_field("opened_on", "Opened on", QDateEdit())
        self.opened_on.setCalendarPopup(True)
        self.opened_on.setDate(QDate.currentDate())
        self.opened_on.setDisplayFormat("yyyy-MM-dd")
        self.owner = self.add_field("owner_id", "Owner", QComboBox())
        for user_id, name in list_users(services.sessions):
            self.owner.addItem(name, user_id)
        mine = self.owner.findData(services.actor.user_id)
        self.owner.setCurrentIndex(max(mine, 0))
        self.description = self.add_field("description", "Description", QPlainTextEdit())
        self.description.setFixedHeight(90)
        self._load_clients(client_id)
        self.watch(
            self.title_edit.textChanged,
            self.openings.valueChanged,
            self.client.currentIndexChanged,
            self.opened_on.dateChanged,
        )

    def _load_clients(self, select_id: int | None) -> None:
        self.client.clear()
        self.client.addItem("Choose a client…", None)
        for client in list_clients(self.services):
            self.client.addItem(client.name, client.id)
        if select_id is not None:
            self.client.setCurrentIndex(max(self.client.findData(select_id), 0))

    def _new_client(self) -> None:
        from app.ui.dialogs.new_client import NewClientDialog

        dialog = NewClientDialog(self.services, self)
        if dialog.exec() and dialog.outcome is not None:
            self.side_changes.append(dialog.outcome.changes)
            self._load_clients(dialog.outcome.value)

    def collect(self) -> JobInput:
        date = self.opened_on.date()
        return JobInput(
            client_id=self.client.currentData(),
            title=self.title_edit.text(),
            location=self.location.text(),
            description=self.description.toPlainText(),
            openings=self.openings.value(),
            opened_on=dt.date(date.year(), date.month(), date.day()),
            owner_id=self.owner.currentData(),
        )

    def save(self, data: JobInput) -> Outcome[int]:
        return create_job(self.services, data)
