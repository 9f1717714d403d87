"""The job form: its fields, shared by the New job and Edit job dialogs."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.services.core.context import Outcome, ServiceContext
from app.services.core.users import list_users
from app.services.pipeline.clients import list_clients
from app.services.pipeline.contacts import JobPeople, contact_choices
from app.services.pipeline.jobs import MAX_OPENINGS, JobInput, get_job, update_job
from app.store.enums import EEO_JOB_CATEGORY_LABELS, EeoJobCategory, JobStatus
from app.ui.dialogs.form import FormDialog
from app.ui.dialogs.new_client import NewClientDialog

STATUS_WORDS = {
    JobStatus.OPEN: "Open",
    JobStatus.ON_HOLD: "On hold",
    JobStatus.FILLED: "Filled",
    JobStatus.CLOSED: "Closed",
}


class JobFormDialog(FormDialog):
    """Client, title, posting reference, location, openings, opening date, owner and description.

    Subclasses implement `save`; ``no_owner`` adds a "No owner" choice to the owner list.
    """

    def __init__(
        self,
        title: str,
        services: ServiceContext,
        parent: QWidget | None = None,
        client_id: int | None = None,
        no_owner: bool = False,
    ):
        super().__init__(title, parent)
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
        self.reference = self.add_field("posting_reference", "Posting reference", QLineEdit())
        self.reference.setPlaceholderText("e.g. REQ-2026-014")
        self.reference.setToolTip(
            "The requisition number this job is advertised under. Applicants who write it in"
            " an email's subject are filed under this job."
        )
        self.location = self.add_field("location", "Location", QLineEdit())
        self.openings = self.add_field("openings", "Openings", QSpinBox())
        self.openings.setRange(0, MAX_OPENINGS + 1)
        self.openings.setValue(1)
        self.opened_on = self.add_field("opened_on", "Opened on", QDateEdit())
        self.opened_on.setCalendarPopup(True)
        self.opened_on.setDate(QDate.currentDate())
        self.opened_on.setDisplayFormat("yyyy-MM-dd")
        self.owner = self.add_field("owner_id", "Owner", QComboBox())
        if no_owner:
            self.owner.addItem("No owner", None)
        for user_id, name in list_users(services.sessions):
            self.owner.addItem(name, user_id)
        self.select_owner(services.actor.user_id)
        self.hiring_manager = self.add_field("hiring_manager_id", "Hiring manager", QComboBox())
        self.interviewers = self.add_field("interviewer_ids", "Interviewers", QListWidget())
        self.interviewers.setFixedHeight(84)
        self._kept = JobPeople()  # already on the job: offered even if archived since
        self.eeo_category = self.add_field("eeo_category", "EEO job category", QComboBox())
        self.eeo_category.addItem("Not set", None)
        for category, label in EEO_JOB_CATEGORY_LABELS.items():
            self.eeo_category.addItem(label, category.value)
        self.description = self.add_field("description", "Description", QPlainTextEdit())
        self.description.setFixedHeight(90)
        self._load_clients(client_id)
        self.client.currentIndexChanged.connect(self._load_contacts)
        self._load_contacts()
        self.watch(
            self.title_edit.textChanged,
            self.reference.textChanged,
            self.openings.valueChanged,
            self.client.currentIndexChanged,
            self.opened_on.dateChanged,
        )

    def select_owner(self, user_id: int | None) -> None:
        self.owner.setCurrentIndex(max(self.owner.findData(user_id), 0))

    def _load_clients(self, select_id: int | None) -> None:
        self.client.clear()
        self.client.addItem("Choose a client…", None)
        for client in list_clients(self.services):
            self.client.addItem(client.name, client.id)
        if select_id is not None:
            self.client.setCurrentIndex(max(self.client.findData(select_id), 0))

    def _load_contacts(self, *_args: object) -> None:
        """Offer the chosen client's contacts (not archived ones, unless already on the job);
        what was picked stays picked where the new list still has it."""
        picked = self.people() if self.hiring_manager.count() else self._kept
        kept = (self._kept.hiring_manager_id or 0, *self._kept.interviewer_ids)
        client_id = self.client.currentData()
        contacts = contact_choices(self.services, client_id, kept) if client_id else []
        self.hiring_manager.clear()
        self.hiring_manager.addItem("No hiring manager", None)
        self.interviewers.clear()
        for contact in contacts:
            label = contact.name + (f" · {contact.title}" if contact.title else "")
            label += " (archived)" if contact.archived else ""
            if not contact.archived or contact.id == self._kept.hiring_manager_id:
                self.hiring_manager.addItem(label, contact.id)
            if not contact.archived or contact.id in self._kept.interviewer_ids:
                item = QListWidgetItem(label)
                item.setData(Qt.ItemDataRole.UserRole, contact.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                checked = contact.id in picked.interviewer_ids
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                self.interviewers.addItem(item)
        index = self.hiring_manager.findData(picked.hiring_manager_id)
        self.hiring_manager.setCurrentIndex(max(index, 0))
        self.interviewers.setEnabled(bool(contacts))

    def set_people(self, people: JobPeople) -> None:
        self._kept = people
        self.hiring_manager.clear()
        self._load_contacts()

    def people(self) -> JobPeople:
        checked = tuple(
            item.data(Qt.ItemDataRole.UserRole)
            for item in (self.interviewers.item(i) for i in range(self.interviewers.count()))
            if item.checkState() == Qt.CheckState.Checked
        )
        return JobPeople(self.hiring_manager.currentData(), checked)

    def _new_client(self) -> None:

        dialog = NewClientDialog(self.services, self)
        if dialog.exec() and dialog.outcome is not None:
            self.side_changes.append(dialog.outcome.changes)
            self._load_clients(dialog.outcome.value)

    def collect(self) -> JobInput:
        date = self.opened_on.date()
        return JobInput(
            client_id=self.client.currentData(),
            title=self.title_edit.text(),
            posting_reference=self.reference.text(),
            location=self.location.text(),
            description=self.description.toPlainText(),
            openings=self.openings.value(),
            opened_on=dt.date(date.year(), date.month(), date.day()),
            owner_id=self.owner.currentData(),
            people=self.people(),
            eeo_category=(
                EeoJobCategory(self.eeo_category.currentData())
                if self.eeo_category.currentData()
                else None
            ),
        )


class EditJobDialog(JobFormDialog):
    """Edit a job's fields; its status changes through the Jobs screen's actions instead."""

    def __init__(self, services: ServiceContext, job_id: int, parent: QWidget | None = None):
        detail = get_job(services, job_id)
        super().__init__("Edit job", services, parent, detail.client_id, no_owner=True)
        self.job_id = job_id
        self.status = detail.status
        self.title_edit.setText(detail.title)
        self.reference.setText(detail.posting_reference or "")
        self.location.setText(detail.location or "")
        self.openings.setValue(detail.openings)
        opened = detail.opened_on
        self.opened_on.setDate(QDate(opened.year, opened.month, opened.day))
        self.select_owner(detail.owner_id)
        self.set_people(detail.people)
        if detail.eeo_category is not None:
            self.eeo_category.setCurrentIndex(
                max(self.eeo_category.findData(detail.eeo_category.value), 0)
            )
        self.description.setPlainText(detail.description or "")
        status = f"{STATUS_WORDS[detail.status]}"
        if detail.filled_on is not None:
            status += f" since {detail.filled_on:%Y-%m-%d}"
        self.status_label = QLabel(status)
        self.status_label.setObjectName("status")
        self.form.addRow("Status", self.status_label)

    def collect(self) -> JobInput:
        data = super().collect()
        return JobInput(**(data.__dict__ | {"status": self.status}))

    def save(self, data: JobInput) -> Outcome[int]:
        return update_job(self.services, self.job_id, data)
