"""Inputs the offer and placement forms share: amounts typed as text (parsed to cents by the
service's money rules), a date that may be left unset, and the form data that carries the
parse errors together with the use case's own checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QCheckBox, QDateEdit, QHBoxLayout, QLineEdit, QWidget

from app.services.pipeline.money import cents_text, parse_money, parse_percent, percent_text

DATE_FORMAT = "ddd d MMM yyyy"


class Validates(Protocol):
    def validate(self) -> dict[str, str]: ...


V = TypeVar("V", bound=Validates)


@dataclass(frozen=True)
class FormData(Generic[V]):
    """What a terms form collected: the use case's input, and the messages for fields whose
    text could not be read (those win over the input's own message for the same field)."""

    value: V
    parse_errors: Mapping[str, str] = field(default_factory=dict)

    def validate(self) -> dict[str, str]:
        return self.value.validate() | dict(self.parse_errors)


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    return edit


class OptionalDate(QWidget):
    """A date that may be unknown: a check box turns the date on."""

    changed = Signal()

    def __init__(self, label: str, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.check = QCheckBox(label)
        self.check.setObjectName(f"{name}_set")
        self.edit = date_edit(f"{name}_date")
        self.edit.setEnabled(False)
        self.check.toggled.connect(self.edit.setEnabled)
        self.check.toggled.connect(lambda _on: self.changed.emit())
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())
        row.addWidget(self.check)
        row.addWidget(self.edit, 1)
        self.setFocusProxy(self.check)

    def value(self) -> dt.date | None:
        return self.edit.date().toPython() if self.check.isChecked() else None  # type: ignore[return-value]

    def set_value(self, day: dt.date | None, fallback: dt.date) -> None:
        self.check.setChecked(day is not None)
        self.edit.setDate(qdate(day or fallback))


def money_edit(name: str, placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(f"{name}_text")
    edit.setPlaceholderText(placeholder)
    edit.setMaxLength(24)
    return edit


def set_cents(edit: QLineEdit, cents: int | None) -> None:
    edit.setText(cents_text(cents) if cents is not None else "")


def set_percent(edit: QLineEdit, basis_points: int | None) -> None:
    edit.setText(percent_text(basis_points).removesuffix(" %") if basis_points else "")


def read(
    errors: dict[str, str], name: str, text: str, parse: Callable[[str], int | None]
) -> int | None:
    """The parsed value of one field, or None with its message in ``errors``."""
    try:
        return parse(text)
    except ValueError as error:
        errors[name] = str(error)
        return None


def read_money(errors: dict[str, str], name: str, edit: QLineEdit, what: str) -> int | None:
    return read(errors, name, edit.text(), lambda text: parse_money(text, what))


def read_percent(errors: dict[str, str], name: str, edit: QLineEdit) -> int | None:
    return read(errors, name, edit.text(), parse_percent)


def currency_edit(value: str) -> QLineEdit:
    edit = QLineEdit(value)
    edit.setMaxLength(3)
    edit.setMaximumWidth(80)
    edit.setPlaceholderText("USD")
    edit.textEdited.connect(lambda text: _upper(edit, text))
    return edit


def _upper(edit: QLineEdit, text: str) -> None:
    if text != text.upper():
        position = edit.cursorPosition()
        edit.setText(text.upper())
        edit.setCursorPosition(position)


def choose(combo: Any, value: object) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)
