"""New candidate dialog: the few fields a recruiter types after a phone call."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from app.services.admin.sample_data import SOURCES
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.core.context import Outcome, ServiceContext
from app.ui.dialogs.form import FormDialog


class NewCandidateDialog(FormDialog):
    def __init__(self, services: ServiceContext, parent: QWidget | None = None):
        super().__init__("New candidate", parent)
        self.services = services
        self.first_name = self.add_field("first_name", "First name", QLineEdit(), required=True)
        self.last_name = self.add_field("last_name", "Last name", QLineEdit(), required=True)
        self.email = self.add_field("email", "Email", QLineEdit())
        self.email.setPlaceholderText("name@example.com")
        self.phone = self.add_field("phone", "Phone", QLineEdit())
        self.phone.setPlaceholderText("+1 512 555 0100")
        self.current_title = self.add_field("current_title", "Current title", QLineEdit())
        self.current_employer = self.add_field("current_employer", "Employer", QLineEdit())
        self.location = self.add_field("location", "Location", QLineEdit())
        self.linkedin = self.add_field("links", "Profile link", QLineEdit())
        self.linkedin.setPlaceholderText("linkedin.com/in/…")
        self.source = self.add_field("source", "Source", QComboBox())
        self.source.setEditable(True)
        self.source.addItems(["Manual entry", *SOURCES])
        self.watch(
            self.first_name.textChanged,
            self.last_name.textChanged,
            self.email.textChanged,
            self.phone.textChanged,
            self.linkedin.textChanged,
        )

    def collect(self) -> CandidateInput:
        link = self.linkedin.text().strip()
        return CandidateInput(
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            email=self.email.text(),
            phone=self.phone.text(),
            current_title=self.current_title.text(),
            current_employer=self.current_employer.text(),
            location=self.location.text(),
            source=self.source.currentText(),
            links=(link,) if link else (),
        )

    def save(self, data: CandidateInput) -> Outcome[int]:
        return create_candidate(self.services, data)
