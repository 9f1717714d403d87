"""Voluntary self-identification: a recruiter types the answers an applicant gave on the
paper form. Write-only: the form always opens blank and never shows stored answers back
(the service has no way to read them but the compliance aggregates); it only says that
answers were recorded, and that saving replaces them."""

from __future__ import annotations

import enum

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from app.services.compliance.eeo import EeoInput, has_eeo_answers, record_eeo_answers
from app.services.core.context import Outcome, ServiceContext
from app.store.enums import (
    EEO_LABELS,
    DisabilityStatus,
    HispanicLatino,
    Race,
    Sex,
    VeteranStatus,
)
from app.ui.dialogs.form import FormDialog

NOT_ANSWERED = "Not answered"
# In the order of the EEO-1 form: the Hispanic or Latino question first, then race.
QUESTIONS: tuple[tuple[str, str, type[enum.StrEnum]], ...] = (
    ("hispanic_latino", "Hispanic or Latino?", HispanicLatino),
    ("race", "Race", Race),
    ("sex", "Sex", Sex),
    ("veteran", "Protected veteran", VeteranStatus),
    ("disability", "Disability", DisabilityStatus),
)


class EeoFormDialog(FormDialog):
    def __init__(
        self, services: ServiceContext, application_id: int, parent: QWidget | None = None
    ):
        super().__init__("Voluntary self-identification", parent)
        self.services = services
        self.application_id = application_id
        note = QLabel(
            "Enter what the applicant chose on the form; each answer may be declined. The"
            " answers are kept apart from the record and seen only by compliance, as totals."
            " They cannot be shown here again."
        )
        note.setWordWrap(True)
        self.form.addRow(note)
        if has_eeo_answers(services, application_id):
            recorded = QLabel("Answers were already recorded; saving replaces them.")
            recorded.setObjectName("recorded")
            recorded.setWordWrap(True)
            self.form.addRow(recorded)
        self.choices: dict[str, QComboBox] = {}
        for name, label, kind in QUESTIONS:
            box = self.add_field(name, label, QComboBox())
            box.addItem(NOT_ANSWERED, None)
            for value, text in EEO_LABELS[kind].items():
                box.addItem(text, str(value))
            self.choices[name] = box

    def collect(self) -> EeoInput:
        values = {}
        for name, _label, kind in QUESTIONS:
            data = self.choices[name].currentData()
            values[name] = kind(data) if data else None
        return EeoInput(**values)  # type: ignore[arg-type]

    def save(self, data: EeoInput) -> Outcome[None]:
        return record_eeo_answers(self.services, self.application_id, data)
