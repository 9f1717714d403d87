"""The client contact dialog: new contact, or editing one (name, title, emails, phones, the
hiring-manager mark and notes). Emails and phones are one per line."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLineEdit, QPlainTextEdit, QWidget

from app.services.core.context import Outcome, ServiceContext
from app.services.pipeline.contacts import (
    ContactInput,
    ContactRow,
    create_contact,
    update_contact,
)
from app.ui.dialogs.form import FormDialog


def _lines(edit: QPlainTextEdit) -> tuple[str, ...]:
    return tuple(line for line in edit.toPlainText().splitlines() if line.strip())


class ContactDialog(FormDialog):
    """New contact at ``client_id``, or ``contact`` edited."""

    def __init__(
        self,
        services: ServiceContext,
        client_id: int,
        contact: ContactRow | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__("Edit contact" if contact else "New contact", parent)
        self.services = services
        self.client_id = client_id
        self.contact_id = contact.id if contact else None
        self.first_name = self.add_field("first_name", "First name", QLineEdit(), required=True)
        self.last_name = self.add_field("last_name", "Last name", QLineEdit())
        self.title_edit = self.add_field("title", "Job title", QLineEdit())
        self.title_edit.setPlaceholderText("e.g. Head of Engineering")
        self.emails = self.add_field("emails", "Emails", QPlainTextEdit())
        self.emails.setPlaceholderText("One per line")
        self.emails.setFixedHeight(54)
        self.phones = self.add_field("phones", "Phones", QPlainTextEdit())
        self.phones.setPlaceholderText("One per line")
        self.phones.setFixedHeight(54)
        self.hiring_manager = self.add_field(
            "is_hiring_manager", "Role", QCheckBox("Hiring manager")
        )
        self.notes = self.add_field("notes", "Notes", QPlainTextEdit())
        self.notes.setFixedHeight(60)
        for edit in (self.emails, self.phones, self.notes):
            edit.setTabChangesFocus(True)  # Tab moves on, as in the one-line fields
        if contact is not None:
            self.first_name.setText(contact.first_name)
            self.last_name.setText(contact.last_name)
            self.title_edit.setText(contact.title or "")
            self.emails.setPlainText("\n".join(contact.emails))
            self.phones.setPlainText("\n".join(contact.phones))
            self.hiring_manager.setChecked(contact.is_hiring_manager)
            self.notes.setPlainText(contact.notes or "")
        self.watch(self.first_name.textChanged, self.emails.textChanged, self.phones.textChanged)

    def collect(self) -> ContactInput:
        return ContactInput(
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            title=self.title_edit.text(),
            emails=_lines(self.emails),
            phones=_lines(self.phones),
            is_hiring_manager=self.hiring_manager.isChecked(),
            notes=self.notes.toPlainText(),
        )

    def save(self, data: ContactInput) -> Outcome[int]:
        if self.contact_id is None:
            return create_contact(self.services, self.client_id, data)
        return update_contact(self.services, self.contact_id, data)
