"""Quick-add a sourced candidate: a profile URL and pasted profile text, Parse, correct the
fields, Save (through `app.services.candidates.sourcing`)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.candidates.sourcing import SourcedDraft, create_sourced_candidate, parse_profile
from app.services.core.changes import Changes
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError

FIELDS = (
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("current_title", "Current title"),
    ("current_employer", "Employer"),
    ("location", "Location"),
    ("headline", "Headline"),
    ("links", "Links"),
    ("skills", "Skills"),
)


class QuickAddDialog(QDialog):
    """``candidate_id`` is set once saved; `all_changes` is what to broadcast."""

    def __init__(self, services: ServiceContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.draft = SourcedDraft()
        self.candidate_id: int | None = None
        self._changes = Changes()
        self.setWindowTitle("Quick-add sourced candidate")
        self.resize(640, 720)
        layout = QVBoxLayout(self)
        self.url = QLineEdit()
        self.url.setObjectName("profileUrl")
        self.url.setPlaceholderText("https://www.linkedin.com/in/… or https://github.com/…")
        layout.addWidget(QLabel("Profile URL"))
        layout.addWidget(self.url)
        self.url.setFocus()  # typing or pasting starts here when the dialog opens
        self.text = QPlainTextEdit()
        self.text.setObjectName("profileText")
        self.text.setPlaceholderText("Paste the profile's text here (optional)")
        layout.addWidget(QLabel("Profile text"))
        layout.addWidget(self.text, 1)
        parse_row = QHBoxLayout()
        self.parse_button = QPushButton("Parse")
        self.parse_button.setObjectName("parseButton")
        self.parse_button.clicked.connect(self.parse)
        parse_row.addWidget(self.parse_button)
        self.notes = QLabel()
        self.notes.setObjectName("parseNotes")
        self.notes.setWordWrap(True)
        self.notes.setProperty("role", "muted")
        parse_row.addWidget(self.notes, 1)
        layout.addLayout(parse_row)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        for name, label in FIELDS:
            edit = QLineEdit()
            edit.setObjectName(name)
            error = QLabel()
            error.setProperty("role", "error")
            error.setObjectName(f"{name}Error")
            error.hide()
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(edit)
            box.addWidget(error)
            form.addRow(label, box)
            self.fields[name], self.errors[name] = edit, error
        self.fields["links"].setPlaceholderText("comma-separated")
        self.fields["skills"].setPlaceholderText("comma-separated")
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def parse(self) -> None:
        self.draft = parse_profile(self.url.text(), self.text.toPlainText())
        values = {
            "first_name": self.draft.first_name,
            "last_name": self.draft.last_name,
            "email": self.draft.email,
            "phone": self.draft.phone,
            "current_title": self.draft.current_title,
            "current_employer": self.draft.current_employer,
            "location": self.draft.location,
            "headline": self.draft.headline,
            "links": ", ".join(self.draft.links),
            "skills": ", ".join(self.draft.skills),
        }
        for name, value in values.items():
            self.fields[name].setText(value or "")
        self.notes.setText(" ".join(self.draft.warnings))
        self._show_errors({})

    def edits(self) -> dict[str, str]:
        return {name: edit.text() for name, edit in self.fields.items()}

    def save(self) -> None:
        try:
            result = create_sourced_candidate(self.services, self.draft, self.edits())
        except ValidationError as exc:
            self._show_errors(exc.errors)
            return
        self.candidate_id = result.value
        self._changes = self._changes | result.changes
        self.accept()

    def _show_errors(self, errors: dict[str, str]) -> None:
        for name, label in self.errors.items():
            label.setText(errors.get(name, ""))
            label.setVisible(name in errors)
        other = [text for name, text in errors.items() if name not in self.errors]
        if other:
            self.notes.setText(" ".join(other))

    def all_changes(self) -> Changes:
        return self._changes
