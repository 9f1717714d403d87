"""The Templates tab: the agency's email templates, with New, Edit and Archive.

Templates are edited in `TemplateEditorDialog` (subject, bodies, merge fields and a live
preview). Archiving keeps a template for the campaigns that used it but hides it from new
sends; "Show archived" brings it back into view to restore it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.engagement.templates import TemplateRow, archive_template, list_templates
from app.ui.campaigns.list_panel import (
    RowListPanel,
    RowsModel,
    counted,
    list_table,
    local_time,
    muted_label,
)
from app.ui.campaigns.throttle import ReloadThrottle
from app.ui.dialogs.template_editor import TemplateEditorDialog

_Index = QModelIndex | QPersistentModelIndex


class TemplatesModel(RowsModel):
    COLUMNS = ("Template", "Subject", "Updated", "")

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row: TemplateRow = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1:
            return row.subject
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            row.name,
            " ".join(row.subject.split()),
            local_time(row.updated_at),
            "Archived" if row.archived else "",
        )[index.column()]


class TemplatesPanel(RowListPanel):
    changes_made = Signal(object)  # Changes
    notice = Signal(str)

    def __init__(self, services: ServiceContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 8, 0, 0)
        column.setSpacing(8)
        actions = QHBoxLayout()
        self.new_button = QPushButton("New template…")
        self.new_button.setObjectName("newTemplate")
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setObjectName("editTemplate")
        self.archive_button = QPushButton("Archive")
        self.archive_button.setObjectName("archiveTemplate")
        self.show_archived = QCheckBox("Show archived")
        self.show_archived.setObjectName("showArchivedTemplates")
        for widget in (self.new_button, self.edit_button, self.archive_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        actions.addWidget(self.show_archived)
        column.addLayout(actions)
        self.model = TemplatesModel(self)
        self.table = list_table("templatesTable", self.model, (240, 380, 140))
        column.addWidget(self.table, 1)
        self.message = muted_label("templatesMessage")
        column.addWidget(self.message)

        self.new_button.clicked.connect(lambda: self.edit(None))
        self.edit_button.clicked.connect(self.edit_selected)
        self.archive_button.clicked.connect(self.toggle_archived)
        self.show_archived.toggled.connect(lambda _on: self.reload())
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update())
        self.model.modelReset.connect(self._update)
        self.throttle = ReloadThrottle(self, self.reload)
        self.reload()

    def reload(self) -> None:
        chosen = self.current_id()
        self.model.set_rows(
            list_templates(self.services, include_archived=self.show_archived.isChecked())
        )
        if chosen is not None:
            self.select_template(chosen)
        active = sum(1 for row in self.model.rows if not row.archived)
        self.message.setText(
            counted(active, "template") if self.model.rows else "No templates yet: New template…"
        )

    def select_template(self, template_id: int) -> bool:
        return self.select_row_with_id(template_id)

    def _update(self) -> None:
        row = self.current()
        self.edit_button.setEnabled(row is not None)
        self.archive_button.setEnabled(row is not None)
        self.archive_button.setText("Restore" if row is not None and row.archived else "Archive")

    def edit_selected(self) -> None:
        row = self.current()
        if row is not None:
            self.edit(row.id)

    def edit(self, template_id: int | None) -> None:
        """Open the template editor; what it saved is broadcast and selected here."""

        dialog = TemplateEditorDialog(self.services, template_id, self)
        accepted = dialog.exec() == dialog.DialogCode.Accepted
        changes, outcome = dialog.all_changes(), dialog.outcome
        self.throttle.now()
        if accepted and outcome is not None and isinstance(outcome.value, int):
            self.select_template(outcome.value)
        if changes.ids:
            self.changes_made.emit(changes)

    def toggle_archived(self) -> None:
        row = self.current()
        if row is None:
            return
        try:
            done = archive_template(self.services, row.id, archived=not row.archived)
        except (ValidationError, NotFoundError) as exc:
            self.notice.emit(str(exc))
            self.throttle.now()
            return
        self.throttle.now()
        self.changes_made.emit(done.changes)
        verb = "restored" if row.archived else "archived"
        text = f"“{row.name}” {verb}."
        self.message.setText(text)
        self.notice.emit(text)
