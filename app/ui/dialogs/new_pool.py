"""New talent pool dialog: a static pool, or a smart pool (a saved search)."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from app.services.context import Outcome, ServiceContext
from app.services.pools import PoolInput, save_pool
from app.ui.dialogs.form import FormDialog


class NewPoolDialog(FormDialog):
    def __init__(self, services: ServiceContext, smart: bool, parent: QWidget | None = None):
        super().__init__("New smart pool" if smart else "New pool", parent)
        self.services = services
        self.smart = smart
        self.name = self.add_field("name", "Name", QLineEdit(), required=True)
        self.name.setPlaceholderText("e.g. Python engineers in Berlin")
        self.query = QLineEdit()
        if smart:
            self.add_field("query", "Search", self.query, required=True)
            self.query.setPlaceholderText("words to search for, as in the Candidates search box")
        self.description = self.add_field("description", "Description", QLineEdit())
        self.watch(self.name.textChanged, self.query.textChanged)

    def collect(self) -> PoolInput:
        return PoolInput(
            name=self.name.text(),
            description=self.description.text(),
            query=self.query.text() if self.smart else None,
            smart=self.smart,
        )

    def save(self, data: PoolInput) -> Outcome[int]:
        return save_pool(self.services, data)
