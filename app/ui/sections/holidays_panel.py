"""Settings → Holidays: the agency's days off, which business-day deadlines (onboarding
checks) skip. They live in the database, shared by everyone who uses it; each change is one
audited write that also moves the open checks' due days."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.services.pipeline.holidays import HolidayRow, list_holidays, set_holidays
from app.ui.background import BackgroundOps

ROW_ROLE = 256  # Qt.ItemDataRole.UserRole


class HolidaysPanel(QGroupBox):
    """The holiday list with Add and Remove."""

    changes_made = Signal(object)  # Changes

    def __init__(self, services: ServiceContext):
        super().__init__("Holidays")
        self.setObjectName("holidaysPanel")
        self.services = services
        self.rows: list[HolidayRow] = []
        self.loaded = False
        self.ops = BackgroundOps(self)
        layout = QVBoxLayout(self)
        hint = QLabel("Business-day deadlines (I-9 Section 2, background check waits) skip these.")
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.list = QListWidget()
        self.list.setObjectName("holidayList")
        self.list.setMaximumHeight(160)
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setObjectName("holidayDay")
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setDate(QDate.currentDate())
        self.name = QLineEdit()
        self.name.setObjectName("holidayName")
        self.name.setPlaceholderText("Name (e.g. New Year's Day)")
        self.name.setMaxLength(100)
        self.add_button = QPushButton("Add")
        self.add_button.setObjectName("addHoliday")
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removeHoliday")
        self.remove_button.clicked.connect(self.remove_selected)
        for widget in (self.day, self.name, self.add_button, self.remove_button):
            row.addWidget(widget)
        layout.addLayout(row)
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.hide()
        layout.addWidget(self.error)
        self.reload()

    def reload(self) -> None:
        services = self.services
        self.ops.query("holidays", lambda: list_holidays(services), self._show, self._failed)

    def _failed(self, error: BaseException) -> None:
        self.error.setText(str(error))
        self.error.show()

    def _show(self, rows: list[HolidayRow]) -> None:
        self.rows = rows
        self.loaded = True
        self.list.clear()
        for holiday in rows:
            item = QListWidgetItem(f"{holiday.day:%Y-%m-%d} ({holiday.day:%a})  {holiday.name}")
            item.setData(ROW_ROLE, holiday.day)
            self.list.addItem(item)

    def _save(self, rows: list[HolidayRow]) -> None:
        self.error.hide()
        services = self.services  # the worker holds no widget
        self.ops.write(
            "save",
            lambda: set_holidays(services, rows),
            lambda done: self._show(done.value),
            self._refused,
            self.changes_made.emit,
        )

    def _refused(self, error: BaseException) -> None:
        text = "; ".join(error.errors.values()) if isinstance(error, ValidationError) else error
        self.error.setText(str(text))
        self.error.show()
        self.reload()

    def add(self) -> None:
        day: dt.date = self.day.date().toPython()  # type: ignore[assignment]
        if any(row.day == day for row in self.rows):
            self._refused(ValidationError({"day": f"{day:%Y-%m-%d} is already a holiday."}))
            return
        self._save([*self.rows, HolidayRow(day, self.name.text())])
        self.name.clear()

    def remove_selected(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        day = item.data(ROW_ROLE)
        self._save([row for row in self.rows if row.day != day])
