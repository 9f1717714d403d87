"""Offers: what a candidate is offered for a job — a yearly salary or an hourly or daily rate,
a start date, until when the offer stands — and how it ended (accepted, declined, withdrawn).

Each write is one audited transaction that leaves a line on the candidate's timeline. Edits
return the offer's state before and after, so the window can undo them (`restore_offer`),
refused when the offer changed again since.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace

from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.text_rules import clean_text
from app.services.core.unit_of_work import NotFoundError, Transaction, ValidationError
from app.services.core.validation import check_length
from app.services.pipeline.hiring import (
    DEFAULT_CURRENCY,
    NOTES_LIMIT,
    ApplicationInfo,
    add_timeline,
    application_info,
    application_query,
    check_currency,
    info_from,
)
from app.services.pipeline.money import MAX_CENTS, money_text
from app.store.models import ActivityKind, Application
from app.store.placements import Offer, OfferStatus, PayBasis

BASIS_WORDS = {PayBasis.SALARY: "a year", PayBasis.HOURLY: "an hour", PayBasis.DAILY: "a day"}
STATUS_WORDS = {
    OfferStatus.EXTENDED: "extended",
    OfferStatus.ACCEPTED: "accepted",
    OfferStatus.DECLINED: "declined",
    OfferStatus.WITHDRAWN: "withdrawn",
}
DECISIONS = {
    OfferStatus.ACCEPTED: "offer.accept",
    OfferStatus.DECLINED: "offer.decline",
    OfferStatus.WITHDRAWN: "offer.withdraw",
}


def terms_text(basis: PayBasis, amount_cents: int, currency: str) -> str:
    """ "USD 85,000.00 a year", "EUR 650.00 a day"."""
    return f"{money_text(amount_cents, currency)} {BASIS_WORDS[PayBasis(basis)]}"


@dataclass(frozen=True)
class OfferInput:
    """The terms of an offer as the offer dialog fills them in."""

    pay_basis: PayBasis
    amount_cents: int | None
    currency: str = DEFAULT_CURRENCY
    start_date: dt.date | None = None
    expires_on: dt.date | None = None
    notes: str | None = None

    def validate(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if self.amount_cents is None or self.amount_cents <= 0:
            errors["amount"] = "Enter the salary or rate offered."
        elif self.amount_cents > MAX_CENTS:
            errors["amount"] = "That amount is too large."
        check_currency(errors, self.currency)
        if self.start_date and self.expires_on and self.expires_on > self.start_date:
            errors["expires_on"] = "The offer should expire before the start date."
        check_length(errors, "notes", clean_text(self.notes), NOTES_LIMIT)
        return errors

    def stored(self) -> dict[str, object]:
        return {
            "pay_basis": PayBasis(self.pay_basis),
            "amount_cents": self.amount_cents,
            "currency": self.currency,
            "start_date": self.start_date,
            "expires_on": self.expires_on,
            "notes": clean_text(self.notes),
        }


@dataclass(frozen=True)
class OfferState:
    """Everything about an offer that an edit or a decision changes (what undo puts back)."""

    terms: OfferInput
    status: OfferStatus
    decided_on: dt.date | None


@dataclass(frozen=True)
class OfferRow:
    id: int
    application: ApplicationInfo
    terms: OfferInput
    status: OfferStatus
    extended_on: dt.date
    decided_on: dt.date | None

    @property
    def amount_text(self) -> str:
        return terms_text(self.terms.pay_basis, self.terms.amount_cents or 0, self.terms.currency)

    def is_expired(self, today: dt.date) -> bool:
        """Still extended past its expiry date (no answer came in time)."""
        expires = self.terms.expires_on
        return self.status is OfferStatus.EXTENDED and expires is not None and expires < today

    def status_text(self, today: dt.date) -> str:
        return "expired" if self.is_expired(today) else STATUS_WORDS[self.status]


@dataclass(frozen=True)
class OfferEdit:
    """An offer before and after an edit or a decision."""

    offer_id: int
    before: OfferState
    after: OfferState


_TERM_NAMES = tuple(f.name for f in fields(OfferInput))


def _terms(offer: Offer) -> OfferInput:
    return OfferInput(**{name: getattr(offer, name) for name in _TERM_NAMES})


def _state(offer: Offer) -> OfferState:
    return OfferState(_terms(offer), OfferStatus(offer.status), offer.decided_on)


def offer_summary(terms: OfferInput) -> str:
    parts = [terms_text(terms.pay_basis, terms.amount_cents or 0, terms.currency)]
    if terms.start_date:
        parts.append(f"start {terms.start_date:%Y-%m-%d}")
    if terms.expires_on:
        parts.append(f"expires {terms.expires_on:%Y-%m-%d}")
    return ", ".join(parts)


def _audit_values(state: OfferState) -> dict[str, object]:
    return state.terms.stored() | {"status": state.status, "decided_on": state.decided_on}


def _changed(tx: Transaction, offer_id: int, info: ApplicationInfo) -> None:
    tx.changed(ChangeKind.OFFERS, offer_id)
    tx.changed(ChangeKind.CANDIDATES, info.candidate_id)
    tx.changed(ChangeKind.APPLICATIONS, info.application_id)


def _offer(tx: Transaction, offer_id: int) -> Offer:
    offer = tx.session.get(Offer, offer_id)
    if offer is None:
        raise NotFoundError(f"Offer #{offer_id} no longer exists.")
    return offer


def _check(data: OfferInput) -> None:
    errors = data.validate()
    if errors:
        raise ValidationError(errors)


def record_offer(
    ctx: ServiceContext, application_id: int, data: OfferInput, today: dt.date | None = None
) -> Outcome[int]:
    """Record an offer extended today (or ``today``); the value is the new offer's id."""
    _check(data)
    with ctx.write() as tx:
        return outcome(offer_in(tx, application_id, data, today), tx)


def offer_in(
    tx: Transaction, application_id: int, data: OfferInput, today: dt.date | None = None
) -> int:
    """`record_offer` within the caller's transaction (a move to Offered records it too)."""
    info = application_info(tx.session, application_id)
    offer = Offer(
        application_id=application_id,
        status=OfferStatus.EXTENDED,
        extended_on=today or dt.date.today(),
        **data.stored(),
    )
    tx.session.add(offer)
    tx.session.flush()
    tx.audit("offer.create", "offer", offer.id, after=_audit_values(_state(offer)))
    subject = f"Offer extended for {info.job_title} at {info.client_name}: {offer_summary(data)}"
    add_timeline(tx, info, ActivityKind.OFFER, subject, clean_text(data.notes))
    _changed(tx, offer.id, info)
    return offer.id


def update_offer(ctx: ServiceContext, offer_id: int, data: OfferInput) -> Outcome[OfferEdit]:
    """Change an offer's terms; an unchanged offer writes nothing."""
    _check(data)
    with ctx.write() as tx:
        offer = _offer(tx, offer_id)
        before = _state(offer)
        after = replace(before, terms=OfferInput(**data.stored()))  # type: ignore[arg-type]
        if after == before:
            return outcome(OfferEdit(offer_id, before, before), tx)
        _write(tx, offer, before, after, "offer.update", "Offer edited")
        return outcome(OfferEdit(offer_id, before, after), tx)


def set_offer_status(
    ctx: ServiceContext, offer_id: int, status: OfferStatus, today: dt.date | None = None
) -> Outcome[OfferEdit]:
    """Record the answer: accepted or declined by the candidate, or withdrawn by the client.
    Only an extended offer can be decided (undo puts an answer back)."""
    status = OfferStatus(status)
    if status not in DECISIONS:
        raise ValidationError({"status": "An offer is accepted, declined or withdrawn."})
    with ctx.write() as tx:
        offer = _offer(tx, offer_id)
        before = _state(offer)
        if before.status is not OfferStatus.EXTENDED:
            raise ValidationError(
                {"status": f"This offer was already {STATUS_WORDS[before.status]}."}
            )
        after = replace(before, status=status, decided_on=today or dt.date.today())
        word = STATUS_WORDS[status]
        _write(tx, offer, before, after, DECISIONS[status], f"Offer {word}")
        return outcome(OfferEdit(offer_id, before, after), tx)


def restore_offer(ctx: ServiceContext, edit: OfferEdit, undo: bool) -> Outcome[OfferEdit]:
    """Undo (``undo`` True) or redo an edit or a decision, refused if the offer changed since."""
    expected, target = (edit.after, edit.before) if undo else (edit.before, edit.after)
    with ctx.write() as tx:
        offer = _offer(tx, edit.offer_id)
        if _state(offer) != expected:
            raise ValidationError({"offer": "The offer changed since; nothing was undone."})
        action = "offer.undo" if undo else "offer.redo"
        what = f"{'Undo' if undo else 'Redo'}: offer {STATUS_WORDS[target.status]}"
        _write(tx, offer, expected, target, action, what)
        return outcome(edit, tx)


def _write(
    tx: Transaction, offer: Offer, before: OfferState, after: OfferState, action: str, what: str
) -> None:
    for name, value in after.terms.stored().items():
        setattr(offer, name, value)
    offer.status, offer.decided_on = after.status, after.decided_on
    tx.session.flush()
    info = application_info(tx.session, offer.application_id)
    tx.audit(action, "offer", offer.id, _audit_values(before), _audit_values(after))
    subject = f"{what} for {info.job_title}: {offer_summary(after.terms)}"
    add_timeline(tx, info, ActivityKind.OFFER, subject, None)
    _changed(tx, offer.id, info)


def delete_offer(
    ctx: ServiceContext, offer_id: int, expected: OfferState | None = None
) -> Outcome[OfferRow]:
    """Remove an offer (the undo of recording it), refused if it changed from ``expected``.
    The timeline keeps what happened and says it was taken back."""
    with ctx.write() as tx:
        offer = _offer(tx, offer_id)
        if expected is not None and _state(offer) != expected:
            raise ValidationError({"offer": "The offer changed since; nothing was undone."})
        info = application_info(tx.session, offer.application_id)
        row = _row(offer, info)
        tx.audit("offer.delete", "offer", offer_id, before=_audit_values(_state(offer)))
        tx.session.delete(offer)
        subject = f"Offer taken back for {info.job_title}: {offer_summary(row.terms)}"
        add_timeline(tx, info, ActivityKind.OFFER, subject, None)
        _changed(tx, offer_id, info)
        return outcome(row, tx)


def _row(offer: Offer, info: ApplicationInfo) -> OfferRow:
    return OfferRow(
        offer.id,
        info,
        _terms(offer),
        OfferStatus(offer.status),
        offer.extended_on,
        offer.decided_on,
    )


def list_offers(
    ctx: ServiceContext, candidate_id: int | None = None, application_id: int | None = None
) -> list[OfferRow]:
    """A candidate's (or one application's) offers, newest first."""
    query = application_query().add_columns(Offer)
    query = query.join(Offer, Offer.application_id == Application.id)
    if candidate_id is not None:
        query = query.where(Application.candidate_id == candidate_id)
    if application_id is not None:
        query = query.where(Application.id == application_id)
    query = query.order_by(Offer.extended_on.desc(), Offer.id.desc())
    with ctx.read() as session:
        return [_row(row[-1], info_from(row)) for row in session.execute(query)]


def get_offer(ctx: ServiceContext, offer_id: int) -> OfferRow:
    with ctx.read() as session:
        row = session.execute(
            application_query()
            .add_columns(Offer)
            .join(Offer, Offer.application_id == Application.id)
            .where(Offer.id == offer_id)
        ).first()
    if row is None:
        raise NotFoundError(f"Offer #{offer_id} no longer exists.")
    return _row(row[-1], info_from(row))


def latest_offer(ctx: ServiceContext, application_id: int) -> OfferRow | None:
    """The application's most recent offer, accepted ones first (what a placement starts from)."""
    offers = list_offers(ctx, application_id=application_id)
    accepted = [o for o in offers if o.status is OfferStatus.ACCEPTED]
    chosen = accepted or offers
    return chosen[0] if chosen else None
