"""The client dialog: a new client, or editing one."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

from app.services.core.context import Outcome, ServiceContext
from app.services.pipeline.clients import ClientInput, create_client, update_client
from app.ui.dialogs.form import FormDialog


class NewClientDialog(FormDialog):
    """New client, or (``client_id`` and its ``values``) editing one."""

    def __init__(
        self,
        services: ServiceContext,
        parent: QWidget | None = None,
        client_id: int | None = None,
        values: ClientInput | None = None,
    ):
        super().__init__("Edit client" if client_id else "New client", parent)
        self.services = services
        self.client_id = client_id
        self.name = self.add_field("name", "Company", QLineEdit(), required=True)
        self.name.setPlaceholderText("e.g. Northstar Fintech")
        self.industry = self.add_field("industry", "Industry", QLineEdit())
        self.website = self.add_field("website", "Website", QLineEdit())
        self.website.setPlaceholderText("example.com")
        self.phone = self.add_field("phone", "Phone", QLineEdit())
        self.location = self.add_field("location", "Location", QLineEdit())
        self.notes = self.add_field("notes", "Notes", QPlainTextEdit())
        self.notes.setFixedHeight(70)
        if values is not None:
            self.name.setText(values.name)
            self.industry.setText(values.industry or "")
            self.website.setText(values.website or "")
            self.phone.setText(values.phone or "")
            self.location.setText(values.location or "")
            self.notes.setPlainText(values.notes or "")
        self.watch(self.name.textChanged, self.website.textChanged, self.phone.textChanged)

    def collect(self) -> ClientInput:
        return ClientInput(
            name=self.name.text(),
            industry=self.industry.text(),
            website=self.website.text(),
            phone=self.phone.text(),
            location=self.location.text(),
            notes=self.notes.toPlainText(),
        )

    def save(self, data: ClientInput) -> Outcome[int]:
        if self.client_id is None:
            return create_client(self.services, data)
        return update_client(self.services, self.client_id, data)
