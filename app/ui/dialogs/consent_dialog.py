"""A candidate's consent records: the history (status, legal basis, source, expiry, who
recorded it) and a form to record a new answer or email the consent request. Reads and
writes run off the GUI thread."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.candidates.consent import (
    LEGAL_BASES,
    ConsentRow,
    consent_history,
    record_consent,
    request_consent,
)
from app.services.core.context import ServiceContext
from app.ui.background import BackgroundOps
from app.ui.messages import reason, say

STATUS_LABELS = {"granted": "Granted", "withdrawn": "Withdrawn", "requested": "Requested"}


class ConsentDialog(QDialog):
    """See the module docstring. ``changes_made`` carries each write's `Changes`."""

    changes_made = Signal(object)

    def __init__(self, services: ServiceContext, candidate_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Consent records")
        self.services = services
        self.candidate_id = candidate_id
        self.ops = BackgroundOps(self)
        self.rows: list[ConsentRow] = []
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("consentHistory")
        self.table.setHorizontalHeaderLabels(
            ["Recorded", "Answer", "Legal basis", "Source", "Lapses", "By"]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        form = QFormLayout()
        self.status = QComboBox()
        self.status.setObjectName("consentStatus")
        for value in ("granted", "withdrawn"):
            self.status.addItem(STATUS_LABELS[value], value)
        self.basis = QComboBox()
        self.basis.setObjectName("consentBasis")
        for value, label in LEGAL_BASES.items():
            self.basis.addItem(label, value)
        self.source = QLineEdit()
        self.source.setObjectName("consentSource")
        self.source.setPlaceholderText("e.g. application form, phone call on 3 May")
        self.lapses = QCheckBox("Lapses on")
        self.expires = QDateEdit(QDate.currentDate().addYears(2))
        self.expires.setObjectName("consentExpires")
        self.expires.setCalendarPopup(True)
        self.expires.setDisplayFormat("yyyy-MM-dd")
        self.lapses.setChecked(True)
        self.lapses.toggled.connect(self.expires.setEnabled)
        expiry = QHBoxLayout()
        expiry.addWidget(self.lapses)
        expiry.addWidget(self.expires, 1)
        form.addRow("Answer", self.status)
        form.addRow("Legal basis", self.basis)
        form.addRow("Source", self.source)
        form.addRow("", expiry)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setObjectName("consentMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.record_button = QPushButton("Record answer")
        self.record_button.setObjectName("recordConsent")
        self.request_button = QPushButton("Request consent by email")
        self.request_button.setObjectName("requestConsent")
        buttons.addButton(self.request_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.record_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.record_button.clicked.connect(self.record)
        self.request_button.clicked.connect(self.request)
        layout.addWidget(buttons)
        self.resize(720, 460)
        self.reload()

    def reload(self) -> None:
        services, person = self.services, self.candidate_id
        self.ops.query(
            "history", lambda: consent_history(services, person), self._show, self._failed
        )

    def _show(self, rows: list[ConsentRow]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for number, row in enumerate(rows):
            values = (
                row.recorded_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                STATUS_LABELS.get(row.status, row.status),
                row.basis_label,
                row.source or "",
                row.expires_on.isoformat() if row.expires_on else "",
                row.recorded_by or "",
            )
            for column, value in enumerate(values):
                self.table.setItem(number, column, QTableWidgetItem(value))

    def _failed(self, error: BaseException) -> None:
        say(self.message, reason(error), error=True)

    def _done(self, said: str) -> Any:
        def done(_value: object) -> None:
            say(self.message, said)
            self.reload()

        return done

    def record(self) -> None:
        services, person = self.services, self.candidate_id
        status, basis = self.status.currentData(), self.basis.currentData()
        source = self.source.text()
        expires: dt.date | None = None
        if self.lapses.isChecked() and status == "granted":
            value = self.expires.date()
            expires = dt.date(value.year(), value.month(), value.day())
        self.ops.write(
            "record",
            lambda: record_consent(services, person, status, basis, source, expires),
            self._done(f"Recorded: {STATUS_LABELS[status].lower()}."),
            self._failed,
            self.changes_made.emit,
        )

    def request(self) -> None:
        services, person = self.services, self.candidate_id
        self.ops.write(
            "request",
            lambda: request_consent(services, person),
            self._done("The consent request is in the outbox."),
            self._failed,
            self.changes_made.emit,
        )
