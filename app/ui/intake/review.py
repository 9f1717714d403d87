"""Review imported resumes: the original on the left (a PDF as pages, DOCX and text as
text), the candidate's fields on the right, editable, with low-confidence reads
highlighted and the parser's reasons beside them. The field (or work-history entry) that
has the focus, or the one under the mouse, is outlined where it is printed in the original;
pages are rendered and values located off the GUI thread. Keyboard flow through the batch:
Alt+Right next, Alt+Left previous, Ctrl+Return accept (save and go on).

A line above the fields says when a file was added to an existing candidate (and why), with
"This is a different person — create new"; a file that named nobody says it needs review,
and accepting it (with at least a name filled in) creates its candidate."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.candidates.merge_undo import UndoRefusedError
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.intake.review import REVIEW_FIELDS, ReviewItem
from app.ui.background import BackgroundOps
from app.ui.intake.original_view import OriginalView
from app.ui.theme import set_invalid

# Saves edited fields of a candidate: (candidate id, {field: new text}, document id) -> None;
# the document is the reviewed file, whose parse the edits may correct.
Saver = Callable[[int, dict[str, str], int], None]
Loader = Callable[[int], ReviewItem]
# Creates the candidate of a file that waited for review: (document id, {field: text}).
Creator = Callable[[int, dict[str, str]], None]
# Undoes a file's attach and makes it a new candidate: (document id) -> None.
Splitter = Callable[[int], None]
SPLIT_LABEL = "This is a different person — create new"
_KEY = Qt.ItemDataRole.UserRole
NEEDS_REVIEW_TEXT = (
    "Needs review: no name, email or phone found. Fill in at least a name and accept to "
    "create the candidate."
)


class _FieldScroller(QScrollArea):
    """Scrolls the fields; Alt+arrows pass on to the dialog (previous and next file)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.AltModifier:
            event.ignore()
            return
        super().keyPressEvent(event)


class ReviewDialog(QDialog):
    accepted_item = Signal(int)  # document id

    def __init__(
        self,
        document_ids: Sequence[int],
        load: Loader,
        save: Saver,
        parent: QWidget | None = None,
        *,
        split: Splitter | None = None,
        create: Creator | None = None,
    ):
        super().__init__(parent)
        self.split, self.create = split, create
        self.setWindowTitle("Review imported resumes")
        self.resize(1200, 800)
        self.document_ids = list(document_ids)
        self.load = load
        self.save = save
        self.position = 0
        self.item: ReviewItem | None = None
        self.accepted_ids: set[int] = set()

        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setProperty("role", "subtitle")
        layout.addWidget(self.title)
        self.ocr_note = QLabel()
        self.ocr_note.setObjectName("reviewOcrNote")
        self.ocr_note.setProperty("role", "warning")
        self.ocr_note.setWordWrap(True)
        self.ocr_note.setVisible(False)
        layout.addWidget(self.ocr_note)
        state = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("reviewStatus")
        self.status.setWordWrap(True)
        self.split_button = QPushButton(SPLIT_LABEL)
        self.split_button.setObjectName("splitButton")
        self.split_button.setAutoDefault(False)
        self.split_button.setToolTip(
            "Take this file off the candidate it was added to (who goes back exactly as they "
            "were) and make a new candidate of it."
        )
        self.split_button.clicked.connect(self.split_current)
        state.addWidget(self.status, 1)
        state.addWidget(self.split_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(state)
        splitter = QSplitter()
        self.original = OriginalView(BackgroundOps(self))
        self.viewer: QStackedWidget = self.original.stack
        self.text_view = self.original.text_view
        self.page_view = self.original.page_view
        splitter.addWidget(self.original)
        form_holder = QWidget()
        self.form = QFormLayout(form_holder)
        self.fields: dict[str, QLineEdit] = {}
        self.hints: dict[str, QLabel] = {}
        self.reasons: dict[str, QLabel] = {}
        self._keys: dict[QObject, str] = {}  # a field's widgets -> the key it highlights
        for name, label in REVIEW_FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"review_{name}")
            hint = QLabel()
            hint.setProperty("role", "muted")
            hint.setWordWrap(True)
            reason = QLabel()
            reason.setObjectName(f"review_{name}_reasons")
            reason.setWordWrap(True)
            reason.setVisible(False)
            column = QVBoxLayout()
            column.setContentsMargins(0, 0, 0, 4)
            column.setSpacing(2)
            column.addWidget(edit)
            column.addWidget(hint)
            column.addWidget(reason)
            holder = QWidget()
            holder.setLayout(column)
            self.form.addRow(label, holder)
            self.fields[name] = edit
            self.hints[name] = hint
            self.reasons[name] = reason
            for widget in (edit, holder):
                self._keys[widget] = name
                widget.installEventFilter(self)
        self.entries = QListWidget()
        self.entries.setObjectName("reviewEntries")
        self.entries.setMouseTracking(True)
        self.entries.setToolTip("Select an entry to see where it is in the resume.")
        self.entries.currentItemChanged.connect(self._entry_selected)
        self.entries.itemEntered.connect(lambda entry: self._hover(entry.data(_KEY)))
        self.entries.viewport().installEventFilter(self)
        self.entries_label = QLabel("Work history and education — select one to see it")
        self.entries_label.setProperty("role", "muted")
        self.entries_label.setWordWrap(True)
        self.form.addRow(self.entries_label)  # full width: a long label would widen the column
        self.form.addRow(self.entries)
        self.selected_key: str | None = None
        self.hovered_key: str | None = None
        scroller = _FieldScroller()  # on a small screen the fields scroll rather than squash
        scroller.setObjectName("reviewFields")
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QScrollArea.Shape.NoFrame)
        scroller.setWidget(form_holder)
        splitter.addWidget(scroller)
        splitter.setSizes([700, 500])
        layout.addWidget(splitter, 1)

        buttons = QHBoxLayout()
        self.previous_button = QPushButton("Previous")
        self.next_button = QPushButton("Next")
        self.accept_button = QPushButton("Accept")
        self.accept_button.setProperty("role", "primary")
        self.position_label = QLabel()
        buttons.addWidget(self.position_label, 1)
        for button in (self.previous_button, self.next_button, self.accept_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        self.accept_button.setDefault(True)
        layout.addLayout(buttons)
        self.previous_button.clicked.connect(self.previous)
        self.next_button.clicked.connect(self.next)
        self.accept_button.clicked.connect(self.accept_current)
        self.shortcuts = []  # kept: a collected wrapper would drop its connection
        for keys, slot in (
            ("Alt+Right", self.next),
            ("Alt+Left", self.previous),
            ("Ctrl+Return", self.accept_current),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)
            self.shortcuts.append(shortcut)
        self.show_item(0)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """The same keys as the shortcuts, for key presses that reach the dialog itself."""
        key, modifiers = event.key(), event.modifiers()
        if modifiers & Qt.KeyboardModifier.AltModifier and key == Qt.Key.Key_Right:
            self.next()
        elif modifiers & Qt.KeyboardModifier.AltModifier and key == Qt.Key.Key_Left:
            self.previous()
        elif modifiers & Qt.KeyboardModifier.ControlModifier and key in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
        ):
            self.accept_current()
        else:
            super().keyPressEvent(event)

    def show_item(self, position: int) -> None:
        if not self.document_ids:
            return
        self.position = max(0, min(position, len(self.document_ids) - 1))
        item = self.load(self.document_ids[self.position])
        self.item = item
        self.title.setText(item.file_name)
        self.position_label.setText(
            f"{self.position + 1} of {len(self.document_ids)}"
            + ("  ·  accepted" if item.document_id in self.accepted_ids else "")
        )
        self.selected_key = self.hovered_key = None
        self.original.display(item)
        self._show_entries(item)
        self.ocr_note.setText(item.ocr_note)
        self.ocr_note.setVisible(bool(item.ocr_note))
        for name, edit in self.fields.items():
            edit.setText(item.values.get(name) or item.parsed.get(name, ""))
            low = item.low_confidence(name)
            set_invalid(edit, low)  # highlighted: check this one against the original
            parsed = item.parsed.get(name, "")
            hint = f"Read from the resume: {parsed}" if parsed else "Not found in the resume"
            if low:
                hint += f"  (confidence {item.confidence.get(name, 0):.0%})"
            self.hints[name].setText(hint)
            self._show_reasons(name, item.reasons.get(name, ()), low)
        self.previous_button.setEnabled(self.position > 0)
        self.next_button.setEnabled(self.position < len(self.document_ids) - 1)
        self._show_state(item)
        # The field keeping the focus from the previous file is outlined in this one too.
        self.select(self._keys.get(self.focusWidget()))

    def _show_state(self, item: ReviewItem, note: str = "", role: str = "") -> None:
        """Why this file is where it is: waiting for a name, or added to someone (and why)."""
        if note:
            text = note
        elif item.needs_review:
            text, role = NEEDS_REVIEW_TEXT, "warning"
        else:
            text, role = item.attached, "muted"
        self.status.setText(text)
        self.status.setProperty("role", role or "muted")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.status.setVisible(bool(text))
        self.split_button.setVisible(item.can_split and self.split is not None)
        self.accept_button.setText("Create candidate" if item.needs_review else "Accept")

    def _show_reasons(self, name: str, reasons: Sequence[str], low: bool) -> None:
        """Why the parser doubts this field, beside it (a warning when its confidence is low)."""
        label = self.reasons[name]
        label.setText("Why: " + "; ".join(reasons) if reasons else "")
        label.setProperty("role", "warning" if low else "muted")
        label.style().unpolish(label)
        label.style().polish(label)
        label.setVisible(bool(reasons))

    def _show_entries(self, item: ReviewItem) -> None:
        self.entries.blockSignals(True)
        self.entries.clear()
        for key, text in item.entries:
            entry = QListWidgetItem(text)
            entry.setData(_KEY, key)
            entry.setToolTip(text)
            self.entries.addItem(entry)
        self.entries.blockSignals(False)
        self.entries.setVisible(bool(item.entries))
        self.entries_label.setVisible(bool(item.entries))
        rows = min(max(len(item.entries), 1), 6)
        self.entries.setFixedHeight(self.entries.sizeHintForRow(0) * rows + 6 if rows else 0)

    # -- where a value is printed ----------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Focus selects a field's highlight; the mouse over a field shows its own meanwhile."""
        kind = event.type()
        if watched is self.entries.viewport() and kind == QEvent.Type.Leave:
            self._hover(None)
        key = self._keys.get(watched)
        if key is not None:
            if kind == QEvent.Type.FocusIn:
                self.select(key)
            elif kind == QEvent.Type.Enter:
                self._hover(key)
            elif kind == QEvent.Type.Leave:
                self._hover(None)
        return super().eventFilter(watched, event)

    def select(self, key: str | None) -> None:
        """Outline where ``key`` (a field, or an entry such as "employers.0") is printed."""
        self.selected_key = key
        self.original.highlight(self.hovered_key or key)

    def _hover(self, key: Any) -> None:
        self.hovered_key = key if isinstance(key, str) else None
        self.original.highlight(self.hovered_key or self.selected_key)

    def _entry_selected(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is not None:
            self.select(current.data(_KEY))

    def edited(self) -> dict[str, str]:
        """Fields whose text differs from the candidate record."""
        assert self.item is not None
        return {
            name: edit.text().strip()
            for name, edit in self.fields.items()
            if edit.text().strip() != (self.item.values.get(name) or "").strip()
        }

    def accept_current(self) -> None:
        if self.item is None:
            return
        try:
            if self.item.candidate_id is not None:
                changes = self.edited()
                if changes:
                    self.save(self.item.candidate_id, changes, self.item.document_id)
            elif self.create is not None:  # a file that waited: it becomes a candidate now
                fields = {name: edit.text().strip() for name, edit in self.fields.items()}
                self.create(self.item.document_id, fields)
            else:
                return
        except ValidationError as error:  # shown beside the fields; nothing saved
            for name, message in error.errors.items():
                if name in self.fields:
                    set_invalid(self.fields[name], True)
                    self.hints[name].setText(message)
            return
        except NotFoundError as error:
            self._show_state(self.item, str(error), "error")
            return
        self.accepted_ids.add(self.item.document_id)
        self.accepted_item.emit(self.item.document_id)
        if self.position < len(self.document_ids) - 1:
            self.show_item(self.position + 1)
        else:
            self.accept()

    def split_current(self) -> bool:
        """ "This is a different person": the file leaves the candidate it was added to and
        becomes a new candidate; the screen then shows the new one, to check and accept."""

        item = self.item
        if item is None or self.split is None or not item.can_split:
            return False
        name = item.values.get("name") or "the candidate"
        try:
            self.split(item.document_id)
        except (UndoRefusedError, NotFoundError) as refused:
            self._show_state(item, str(refused), "error")
            return False
        self.show_item(self.position)
        assert self.item is not None
        self._show_state(
            self.item,
            f"New candidate made from this file; {name} is back exactly as before.",
            "success",
        )
        return True

    def next(self) -> None:
        self.show_item(self.position + 1)

    def previous(self) -> None:
        self.show_item(self.position - 1)
