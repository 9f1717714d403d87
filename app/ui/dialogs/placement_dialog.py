"""Record or edit a placement: the start date, permanent or contract, the salary or the bill
and pay rates (the margin is worked out as they are typed), the fee as a percentage of the
salary or an amount, and the end of the guarantee.

Save runs the caller's ``write`` (record, record with a move to Hired, or save an edit). From
a board the dialog also offers to move the card without a placement; Cancel means no move.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QWidget,
)

from app.services.core.context import Outcome
from app.services.pipeline.hiring import DEFAULT_CURRENCY
from app.services.pipeline.money import money_text
from app.services.pipeline.placements import (
    DEFAULT_GUARANTEE_DAYS,
    UNIT_WORDS,
    PlacementInput,
    default_guarantee_end,
)
from app.store.enums import FeeKind, PlacementType, RateUnit
from app.ui.dialogs.terms_dialog import TermsDialog
from app.ui.dialogs.terms_fields import (
    FormData,
    OptionalDate,
    choose,
    currency_edit,
    date_edit,
    money_edit,
    qdate,
    read_money,
    read_percent,
    set_cents,
    set_percent,
)

TYPE_LABELS = (
    (PlacementType.PERMANENT, "Permanent"),
    (PlacementType.CONTRACT, "Contract"),
    (PlacementType.CONTRACT_TO_HIRE, "Contract-to-hire"),
)
FEE_LABELS = (
    (FeeKind.PERCENT, "Percentage of salary"),
    (FeeKind.FIXED, "Fixed amount"),
    (FeeKind.NONE, "No fee"),
)
SKIP_BUTTON = "moveWithoutPlacement"

PlacementWrite = Callable[[PlacementInput], Outcome[Any]]


class PlacementDialog(TermsDialog):
    def __init__(
        self,
        title: str,
        write: PlacementWrite,
        initial: PlacementInput | None = None,
        *,
        skip_text: str | None = None,
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(title, write, today=today, parent=parent)
        self.placement_type = self.add_choice("placement_type", "Type", TYPE_LABELS)
        self.start = date_edit("start")
        self.add_field("start_date", "Start date", self.start, required=True)
        self.currency = currency_edit(DEFAULT_CURRENCY)
        self.add_field("currency", "Currency", self.currency, required=True)
        self.salary = money_edit("salary", "Yearly, e.g. 85,000")
        self.add_field("salary", "Salary", self.salary)
        self.rate_unit = QComboBox()
        for unit in RateUnit:
            self.rate_unit.addItem(f"Per {unit.value}", unit)
        self.add_field("rate_unit", "Rates", self.rate_unit)
        self.bill_rate = money_edit("bill_rate", "What the client pays, e.g. 95")
        self.add_field("bill_rate", "Bill rate", self.bill_rate)
        self.pay_rate = money_edit("pay_rate", "What the contractor gets, e.g. 70")
        self.add_field("pay_rate", "Pay rate", self.pay_rate)
        self.fee_kind = QComboBox()
        for kind, label in FEE_LABELS:
            self.fee_kind.addItem(label, kind)
        self.add_field("fee_kind", "Fee", self.fee_kind)
        self.fee_value = money_edit("fee", "20 (%) or an amount")
        self.add_field("fee", "Fee value", self.fee_value)
        self.figures = QLabel()
        self.figures.setObjectName("placementFigures")
        self.figures.setProperty("role", "muted")
        self.figures.setWordWrap(True)
        self.form.addRow("", self.figures)
        self.guarantee = OptionalDate("Until", "guarantee")
        self.guarantee.setToolTip(
            f"Set {DEFAULT_GUARANTEE_DAYS} days after the start until you change it."
        )
        self.add_field("guarantee_ends_on", "Guarantee", self.guarantee)
        self.notes = self.add_notes("Anything agreed beyond the figures (optional)", 70)
        self.add_skip_button(skip_text, SKIP_BUTTON)
        self._guarantee_follows_start = initial is None or initial.guarantee_ends_on is None
        self.offer_id = initial.offer_id if initial else None
        self._fill(initial)
        self.placement_type.currentIndexChanged.connect(self._show_rows)
        self.fee_kind.currentIndexChanged.connect(self._show_rows)
        self.start.dateChanged.connect(self._start_moved)
        self.guarantee.changed.connect(self._guarantee_edited)
        for edit in (self.salary, self.bill_rate, self.pay_rate, self.fee_value, self.currency):
            edit.textChanged.connect(self._show_figures)
        self.rate_unit.currentIndexChanged.connect(self._show_figures)
        self.watch(self.salary.textChanged, self.bill_rate.textChanged, self.pay_rate.textChanged)
        self.watch(self.fee_value.textChanged, self.currency.textChanged)
        self._show_rows()

    def _fill(self, initial: PlacementInput | None) -> None:
        data = initial or PlacementInput(PlacementType.PERMANENT, None, fee_kind=FeeKind.PERCENT)
        choose(self.placement_type, PlacementType(data.placement_type))
        start = data.start_date or self.today + dt.timedelta(days=14)
        self.start.setDate(qdate(start))
        self.currency.setText(data.currency)
        set_cents(self.salary, data.salary_cents)
        choose(self.rate_unit, RateUnit(data.rate_unit or RateUnit.HOUR))
        set_cents(self.bill_rate, data.bill_rate_cents)
        set_cents(self.pay_rate, data.pay_rate_cents)
        choose(self.fee_kind, FeeKind(data.fee_kind))
        if FeeKind(data.fee_kind) is FeeKind.PERCENT:
            set_percent(self.fee_value, data.fee_percent_bp)
        else:
            set_cents(self.fee_value, data.fee_fixed_cents)
        guarantee = data.guarantee_ends_on or default_guarantee_end(start)
        self.guarantee.set_value(guarantee, guarantee)
        self.notes.setPlainText(data.notes or "")

    # ---- what shows -------------------------------------------------------------------------
    def _show_rows(self, *_args: object) -> None:
        kind = PlacementType(self.placement_type.currentData())
        rates = kind is not PlacementType.PERMANENT
        for widget in (self.rate_unit, self.bill_rate, self.pay_rate):
            self._show_row(widget, rates)
        self._show_row(self.salary, kind is not PlacementType.CONTRACT)
        label = self.form.labelForField(self._holder(self.salary))
        if isinstance(label, QLabel):
            conversion = kind is PlacementType.CONTRACT_TO_HIRE
            label.setText("Salary on hire" if conversion else "Salary *")
        fee = FeeKind(self.fee_kind.currentData())
        self._show_row(self.fee_value, fee is not FeeKind.NONE)
        self.fee_value.setPlaceholderText(
            "Percent, e.g. 20" if fee is FeeKind.PERCENT else "Amount"
        )
        self._show_figures()
        self.adjustSize()

    @staticmethod
    def _holder(widget: QWidget) -> QWidget:
        """The form row's field: the holder `add_field` put the widget in."""
        holder = widget.parentWidget()
        assert holder is not None
        return holder

    def _show_row(self, widget: QWidget, visible: bool) -> None:
        self.form.setRowVisible(self._holder(widget), visible)

    def _show_figures(self, *_args: object) -> None:
        """The fee and margin as they stand, worked out by the service's own rules."""
        data = self.collect()
        terms, lines = data.value, []
        currency = terms.currency or DEFAULT_CURRENCY
        found = terms.margin() if terms.has_rates else None
        if found is not None and not data.parse_errors.keys() & {"bill_rate", "pay_rate"}:
            unit = UNIT_WORDS[RateUnit(terms.rate_unit or RateUnit.HOUR)]
            text = f"Margin {money_text(found.amount_cents, currency)} {unit}"
            if found.margin_percent is not None and found.markup_percent is not None:
                text += f" ({found.margin_percent} % of bill, markup {found.markup_percent} %)"
            lines.append(text)
        if FeeKind(terms.fee_kind) is not FeeKind.NONE and "fee" not in data.parse_errors:
            lines.append(f"Fee {money_text(terms.fee_cents(), currency)}")
        self.figures.setText(" · ".join(lines))
        self.figures.setVisible(bool(lines))

    def _start_moved(self, *_args: object) -> None:
        if self._guarantee_follows_start:
            start = self.start.date().toPython()
            end = default_guarantee_end(start)  # type: ignore[arg-type]
            self.guarantee.blockSignals(True)
            self.guarantee.set_value(end, end)
            self.guarantee.blockSignals(False)

    def _guarantee_edited(self) -> None:
        self._guarantee_follows_start = False

    # ---- saving -----------------------------------------------------------------------------
    def collect(self) -> FormData[PlacementInput]:
        errors: dict[str, str] = {}
        kind = PlacementType(self.placement_type.currentData())
        fee = FeeKind(self.fee_kind.currentData())
        rates = kind is not PlacementType.PERMANENT
        salary = None
        if kind is not PlacementType.CONTRACT:
            salary = read_money(errors, "salary", self.salary, "the salary")
        percent = fixed = None
        if fee is FeeKind.PERCENT:
            percent = read_percent(errors, "fee", self.fee_value)
        elif fee is FeeKind.FIXED:
            fixed = read_money(errors, "fee", self.fee_value, "the fee")
        value = PlacementInput(
            kind,
            self.start.date().toPython(),  # type: ignore[arg-type]
            self.currency.text().strip().upper(),
            salary_cents=salary,
            rate_unit=self.rate_unit.currentData() if rates else None,
            bill_rate_cents=read_money(errors, "bill_rate", self.bill_rate, "the bill rate")
            if rates
            else None,
            pay_rate_cents=read_money(errors, "pay_rate", self.pay_rate, "the pay rate")
            if rates
            else None,
            fee_kind=fee,
            fee_percent_bp=percent,
            fee_fixed_cents=fixed,
            guarantee_ends_on=self.guarantee.value(),
            notes=self.notes.toPlainText(),
            offer_id=self.offer_id,
        )
        return FormData(value, errors)
