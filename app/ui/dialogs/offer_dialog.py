"""Record or edit an offer: a yearly salary or an hourly or daily rate, the currency, the start
date and until when the offer stands.

What Save does is the caller's ``write``: record the offer, record it together with a move to
Offered (from a board), or save an edit. From a board the dialog also offers to move the card
without an offer; Cancel then means no move at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from app.services.core.context import Outcome
from app.services.pipeline.hiring import DEFAULT_CURRENCY
from app.services.pipeline.offers import OfferInput
from app.store.enums import PayBasis
from app.ui.dialogs.terms_dialog import TermsDialog
from app.ui.dialogs.terms_fields import (
    FormData,
    OptionalDate,
    choose,
    currency_edit,
    money_edit,
    read_money,
    set_cents,
)

BASIS_LABELS: tuple[tuple[object, str], ...] = (
    (PayBasis.SALARY, "Yearly salary"),
    (PayBasis.HOURLY, "Hourly rate"),
    (PayBasis.DAILY, "Daily rate"),
)
SKIP_BUTTON = "moveWithoutOffer"

OfferWrite = Callable[[OfferInput], Outcome[Any]]


class OfferDialog(TermsDialog):
    def __init__(
        self,
        title: str,
        write: OfferWrite,
        initial: OfferInput | None = None,
        *,
        skip_text: str | None = None,
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(title, write, today=today, parent=parent)
        self.basis = self.add_choice("pay_basis", "Offered as", BASIS_LABELS)
        self.amount = money_edit("amount", "85,000 or 42.50")
        self.add_field("amount", "Amount", self.amount, required=True)
        self.currency = currency_edit(DEFAULT_CURRENCY)
        self.add_field("currency", "Currency", self.currency, required=True)
        self.start = OptionalDate("Agreed", "start")
        self.add_field("start_date", "Start date", self.start)
        self.expires = OptionalDate("Stands until", "expires")
        self.add_field("expires_on", "Expires", self.expires)
        self.notes = self.add_notes("Bonus, benefits, conditions (optional)", 90)
        self.add_skip_button(skip_text, SKIP_BUTTON)
        self._fill(initial)
        self.watch(self.amount.textChanged, self.currency.textChanged, self.start.changed)
        self.watch(self.expires.changed)

    def _fill(self, initial: OfferInput | None) -> None:
        # A new offer stands for a week unless the recruiter says otherwise.
        week = self.today + dt.timedelta(days=7)
        data = initial or OfferInput(PayBasis.SALARY, None, expires_on=week)
        choose(self.basis, PayBasis(data.pay_basis))
        set_cents(self.amount, data.amount_cents)
        self.currency.setText(data.currency)
        self.start.set_value(data.start_date, self.today + dt.timedelta(days=30))
        self.expires.set_value(data.expires_on, self.today + dt.timedelta(days=7))
        self.notes.setPlainText(data.notes or "")

    def collect(self) -> FormData[OfferInput]:
        errors: dict[str, str] = {}
        amount = read_money(errors, "amount", self.amount, "the amount")
        value = OfferInput(
            self.basis.currentData(),
            amount,
            self.currency.text().strip().upper(),
            self.start.value(),
            self.expires.value(),
            self.notes.toPlainText(),
        )
        return FormData(value, errors)
