"""The Edit candidate form: every field a recruiter keeps by hand, checked as they type.

Several emails, phones and links are kept in small lists (the first email and phone are the
primary ones; "Make primary" moves one up). Skills and tags are typed comma-separated. The
form remembers what it was filled with, so the use case (`update_candidate`) writes only what
the user changed, and refuses a field somebody else changed meanwhile with what it holds now;
saving again then keeps the user's value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.services.admin.sample_data import SOURCES
from app.services.candidates.edit import (
    CandidateValues,
    EditConflictError,
    EditForm,
    EditResult,
    load_edit_form,
    replace_values,
    update_candidate,
)
from app.services.candidates.records import RECORD_TEXT_FIELDS
from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.ui.dialogs.form import FormDialog
from app.ui.theme import set_invalid


def split_names(text: str) -> tuple[str, ...]:
    """Skills or tags typed comma- (or line-) separated."""
    return tuple(part.strip() for part in re.split(r"[,\n]", text) if part.strip())


class LastItemCompleter(QCompleter):
    """Completes the item being typed in a comma-separated line, keeping those before it."""

    def splitPath(self, path: str) -> list[str]:
        return [path.rsplit(",", 1)[-1].strip()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        done = self.widget().text().rsplit(",", 1)[0] if "," in self.widget().text() else ""
        chosen = super().pathFromIndex(index)
        return f"{done}, {chosen}" if done else chosen


class ValueList(QWidget):
    """Several values of one kind (emails, phones, links): a list that can be edited in
    place, and a line to add one more. What is typed in that line and not yet added counts
    too, so nothing typed is lost on Save."""

    changed = Signal()

    def __init__(self, noun: str, placeholder: str, primary: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.noun = noun
        self.primary = primary
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        self.items = QListWidget()
        self.items.setObjectName(f"{noun}_items")
        self.items.setMaximumHeight(74)
        self.items.setEditTriggers(
            QListWidget.EditTrigger.DoubleClicked
            | QListWidget.EditTrigger.EditKeyPressed
            | QListWidget.EditTrigger.SelectedClicked
        )
        self.items.itemChanged.connect(lambda _item: self._changed())
        self.items.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.items.installEventFilter(self)
        self.entry = QLineEdit()
        self.entry.setObjectName(f"{noun}_entry")
        self.entry.setPlaceholderText(placeholder)
        self.entry.installEventFilter(self)
        self.entry.textChanged.connect(lambda _text: self._changed())
        self.add_button = self._button("Add", self.add_entry)
        self.primary_button = self._button("Make primary", self.make_primary)
        self.primary_button.setVisible(primary)
        self.remove_button = self._button("Remove", self.remove_current)
        listed = QHBoxLayout()
        listed.setSpacing(4)
        side = QVBoxLayout()
        side.setSpacing(4)
        side.addWidget(self.primary_button)
        side.addWidget(self.remove_button)
        side.addStretch(1)
        listed.addWidget(self.items, 1)
        listed.addLayout(side)
        adding = QHBoxLayout()
        adding.setSpacing(4)
        adding.addWidget(self.entry, 1)
        adding.addWidget(self.add_button)
        column.addLayout(listed)
        column.addLayout(adding)
        self.setFocusProxy(self.entry)
        self._update_buttons()

    def _button(self, text: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(f"{self.noun}_{text.lower().replace(' ', '_')}")
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())  # type: ignore[operator]
        return button

    def set_values(self, values: Sequence[str]) -> None:
        self.items.blockSignals(True)
        self.items.clear()
        for value in values:
            self._append(value)
        self.items.blockSignals(False)
        self._mark_primary()
        self._update_buttons()

    def values(self) -> tuple[str, ...]:
        listed = [self.items.item(row).text() for row in range(self.items.count())]
        pending = self.entry.text()
        return tuple(value for value in [*listed, pending] if value.strip())

    def _append(self, value: str) -> None:
        item = QListWidgetItem(value)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.items.addItem(item)

    def add_entry(self) -> None:
        value = self.entry.text().strip()
        if not value:
            return
        self._append(value)
        self.entry.clear()  # emits changed
        self._mark_primary()
        self._update_buttons()

    def remove_current(self) -> None:
        row = self.items.currentRow()
        if row < 0:
            return
        self.items.takeItem(row)
        self._changed()

    def make_primary(self) -> None:
        row = self.items.currentRow()
        if row <= 0:
            return
        item = self.items.takeItem(row)
        self.items.insertItem(0, item)
        self.items.setCurrentRow(0)
        self._changed()

    def _changed(self) -> None:
        self._mark_primary()
        self._update_buttons()
        self.changed.emit()

    def _mark_primary(self) -> None:
        """The first value is the primary one: shown in bold, with a tooltip saying so."""
        self.items.blockSignals(True)
        for row in range(self.items.count()):
            item = self.items.item(row)
            font = QFont(item.font())
            font.setBold(self.primary and row == 0)
            item.setFont(font)
            item.setToolTip("Primary" if self.primary and row == 0 else "Double-click to edit")
        self.items.blockSignals(False)

    def _update_buttons(self) -> None:
        row = self.items.currentRow()
        self.remove_button.setEnabled(row >= 0)
        self.primary_button.setEnabled(row > 0)
        self.add_button.setEnabled(bool(self.entry.text().strip()))

    def event(self, event: QEvent) -> bool:
        """A form marking the whole list invalid marks the list and the entry line, which
        are what the style sheet draws."""
        if event.type() == QEvent.Type.DynamicPropertyChange:
            invalid = bool(self.property("invalid"))
            for part in (self.items, self.entry):
                if bool(part.property("invalid")) != invalid:
                    set_invalid(part, invalid)
        return super().event(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            if watched is self.entry and enter and self.entry.text().strip():
                self.add_entry()  # Enter adds the value instead of saving the form
                return True
            if watched is self.items and event.key() == Qt.Key.Key_Delete:
                self.remove_current()
                return True
        return super().eventFilter(watched, event)


class EditCandidateDialog(FormDialog):
    """Edit every field of one candidate; `outcome` holds the `EditResult` once saved."""

    def __init__(self, services: ServiceContext, candidate_id: int, parent: QWidget | None = None):
        form = load_edit_form(services, candidate_id)
        super().__init__(f"Edit {form.name}", parent)
        self.services = services
        self.candidate_id = candidate_id
        self.baseline = form.values  # what the form was filled with
        self.setMinimumWidth(720)
        self._build(form)
        self.fill(form.values)
        self.resize(860, 640)

    # ---- building -----------------------------------------------------------------------------
    def _build(self, form: EditForm) -> None:
        """Two columns (who they are; how to reach them) and the longer fields below, in a
        scroll area so the form fits a small screen."""
        outer = self.form
        body = QWidget()
        grid = QVBoxLayout(body)
        grid.setContentsMargins(0, 0, 8, 0)
        columns = QHBoxLayout()
        columns.setSpacing(16)
        left, right, below = QFormLayout(), QFormLayout(), QFormLayout()
        for layout in (left, right, below):
            layout.setSpacing(6)
            layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        columns.addLayout(left, 4)
        columns.addLayout(right, 5)
        grid.addLayout(columns)
        grid.addLayout(below)
        grid.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setWidget(body)
        outer.addRow(self.scroll)

        self.form = left
        self.first_name = self._line("first_name", "First name", required=True)
        self.middle_name = self._line("middle_name", "Middle name")
        self.last_name = self._line("last_name", "Last name", required=True)
        self.headline = self._line("headline", "Headline")
        self.current_title = self._line("current_title", "Current title")
        self.current_employer = self._line("current_employer", "Employer")
        self.location = self._line("location", "Location")
        self.source = QComboBox()
        self.source.setEditable(True)
        sources = dict.fromkeys(["Manual entry", *SOURCES, *form.sources])
        self.source.addItems(list(sources))
        self.add_field("source", "Source", self.source)
        self.owner = QComboBox()
        self.owner.addItem("No owner", None)
        for user_id, name in form.owners:
            self.owner.addItem(name, user_id)
        self.add_field("owner_id", "Owner", self.owner)

        self.form = right
        self.emails = ValueList("emails", "Add an email address", primary=True)
        self.add_field("emails", "Emails", self.emails)
        self.phones = ValueList("phones", "Add a phone number", primary=True)
        self.add_field("phones", "Phones", self.phones)
        self.links = ValueList("links", "Add a link (linkedin.com/in/…)", primary=False)
        self.add_field("links", "Links", self.links)

        self.form = below
        self.summary = QPlainTextEdit()
        self.summary.setPlaceholderText("A few lines about them")
        self.summary.setFixedHeight(72)
        self.add_field("summary", "Summary", self.summary)
        self.skills = QPlainTextEdit()
        self.skills.setPlaceholderText("Python, SQL, Kubernetes…")
        self.skills.setFixedHeight(52)
        self.add_field("skills", "Skills", self.skills)
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("Comma-separated, e.g. relocating, hot lead")
        completer = LastItemCompleter(list(form.tags), self.tags)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tags.setCompleter(completer)
        self.add_field("tags", "Tags", self.tags)
        self.form = outer
        self._align_labels(left, below)

        self.watch(
            self.first_name.textChanged,
            self.middle_name.textChanged,
            self.last_name.textChanged,
            self.headline.textChanged,
            self.current_title.textChanged,
            self.current_employer.textChanged,
            self.location.textChanged,
            self.source.currentTextChanged,
            self.emails.changed,
            self.phones.changed,
            self.links.changed,
            self.summary.textChanged,
            self.skills.textChanged,
            self.tags.textChanged,
        )

    @staticmethod
    def _align_labels(*layouts: QFormLayout) -> None:
        """The same label width in forms stacked one above the other."""
        labels = [
            label
            for layout in layouts
            for row in range(layout.rowCount())
            if (item := layout.itemAt(row, QFormLayout.ItemRole.LabelRole)) is not None
            and (label := item.widget()) is not None
        ]
        width = max((label.sizeHint().width() for label in labels), default=0)
        for label in labels:
            label.setMinimumWidth(width)

    def _line(self, name: str, label: str, required: bool = False) -> QLineEdit:
        edit = QLineEdit()
        self.add_field(name, label, edit, required=required)
        return edit

    # ---- values -------------------------------------------------------------------------------
    def fill(self, values: CandidateValues) -> None:
        for name in RECORD_TEXT_FIELDS:
            if name == "source":  # a combo (the sources in use), set below
                continue
            edit: QLineEdit = getattr(self, name)
            edit.setText(getattr(values, name) or "")
            edit.setCursorPosition(0)
        self.source.setCurrentText(values.source or "")
        self.owner.setCurrentIndex(max(0, self.owner.findData(values.owner_id)))
        self.emails.set_values(values.emails)
        self.phones.set_values(values.phones)
        self.links.set_values(values.links)
        self.summary.setPlainText(values.summary or "")
        self.skills.setPlainText(", ".join(values.skills))
        self.tags.setText(", ".join(values.tags))

    def collect(self) -> CandidateValues:
        return CandidateValues(
            first_name=self.first_name.text(),
            middle_name=self.middle_name.text(),
            last_name=self.last_name.text(),
            headline=self.headline.text(),
            current_title=self.current_title.text(),
            current_employer=self.current_employer.text(),
            location=self.location.text(),
            source=self.source.currentText(),
            owner_id=self.owner.currentData(),
            summary=self.summary.toPlainText(),
            emails=self.emails.values(),
            phones=self.phones.values(),
            links=self.links.values(),
            skills=split_names(self.skills.toPlainText()),
            tags=split_names(self.tags.text()),
        )

    def save(self, data: CandidateValues) -> Outcome[EditResult]:
        try:
            return update_candidate(self.services, self.candidate_id, data, self.baseline)
        except EditConflictError as conflict:
            # Told once what the record holds now; saving again keeps the user's value.
            self.baseline = replace_values(self.baseline, conflict.errors, conflict.current)
            raise
        except NotFoundError as gone:
            raise ValidationError({"candidate": str(gone)}) from gone

    def show_errors(self, errors: Mapping[str, str], focus_first: bool = False) -> None:
        super().show_errors(errors, focus_first)
        first = next((name for name in self._fields if name in errors), None)
        if focus_first and first is not None:
            self.scroll.ensureWidgetVisible(self.field(first))
