"""Placements: a hire with its terms — start date, permanent or contract, the salary or the
bill and pay rates (and so the margin), the agency's fee and the end of its guarantee.

A job's ``openings`` is how many people it hires; each placement takes one, and the one that
takes the last marks the job filled. Removing a placement (the undo of recording it) gives
its opening back and the job the status it had. Each write is one audited transaction with a
line on the candidate's timeline; edits return the terms before and after for undo.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from sqlalchemy import func, select
from sqlalchemy.orm import Session

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
    check_currency,
)
from app.services.pipeline.money import (
    MAX_BASIS_POINTS,
    MAX_CENTS,
    Margin,
    cents_text,
    margin,
    money_text,
    percent_of,
    percent_text,
)
from app.services.pipeline.offers import OfferRow
from app.services.pipeline.onboarding import set_start_in
from app.store.models import ActivityKind, Application, Job, JobStatus
from app.store.placements import FeeKind, Offer, PayBasis, Placement, PlacementType, RateUnit

DEFAULT_GUARANTEE_DAYS = 90
TYPE_WORDS = {
    PlacementType.PERMANENT: "Permanent",
    PlacementType.CONTRACT: "Contract",
    PlacementType.CONTRACT_TO_HIRE: "Contract-to-hire",
}
UNIT_WORDS = {RateUnit.HOUR: "an hour", RateUnit.DAY: "a day"}


def default_guarantee_end(start: dt.date, days: int = DEFAULT_GUARANTEE_DAYS) -> dt.date:
    """The usual end of the agency's replacement guarantee: ``days`` after the start."""
    return start + dt.timedelta(days=days)


def _positive(errors: dict[str, str], name: str, cents: int | None, label: str) -> None:
    if cents is None or cents <= 0:
        errors[name] = f"Enter the {label}."
    elif cents > MAX_CENTS:
        errors[name] = "That amount is too large."


@dataclass(frozen=True)
class PlacementInput:
    """A placement's terms, as the placement dialog fills them in.

    Permanent: a salary. Contract: bill and pay rates per hour or day (no salary).
    Contract-to-hire: the rates, and the salary on conversion if agreed. A percentage fee is
    a share of the salary; a fixed fee is an amount; a contract may have none (its margin
    is the agency's income).
    """

    placement_type: PlacementType
    start_date: dt.date | None
    currency: str = DEFAULT_CURRENCY
    salary_cents: int | None = None
    rate_unit: RateUnit | None = None
    bill_rate_cents: int | None = None
    pay_rate_cents: int | None = None
    fee_kind: FeeKind = FeeKind.NONE
    fee_percent_bp: int | None = None
    fee_fixed_cents: int | None = None
    guarantee_ends_on: dt.date | None = None
    notes: str | None = None
    offer_id: int | None = None

    @property
    def has_rates(self) -> bool:
        return PlacementType(self.placement_type) is not PlacementType.PERMANENT

    def validate(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        kind = PlacementType(self.placement_type)
        if self.start_date is None:
            errors["start_date"] = "Enter the start date."
        check_currency(errors, self.currency)
        if kind is PlacementType.PERMANENT or self.salary_cents is not None:
            _positive(errors, "salary", self.salary_cents, "yearly salary")
        if kind is PlacementType.CONTRACT and self.salary_cents is not None:
            errors["salary"] = "A contract has rates, not a salary."
        if self.has_rates:
            if self.rate_unit is None:
                errors["rate_unit"] = "Choose whether the rates are per hour or per day."
            _positive(errors, "bill_rate", self.bill_rate_cents, "bill rate")
            _positive(errors, "pay_rate", self.pay_rate_cents, "pay rate")
            bill, pay = self.bill_rate_cents or 0, self.pay_rate_cents or 0
            if "bill_rate" not in errors and "pay_rate" not in errors and bill < pay:
                errors["bill_rate"] = "The bill rate is below the pay rate."
        self._validate_fee(errors)
        start, guarantee = self.start_date, self.guarantee_ends_on
        if start and guarantee and guarantee < start:
            errors["guarantee_ends_on"] = "The guarantee ends after the start date."
        check_length(errors, "notes", clean_text(self.notes), NOTES_LIMIT)
        return errors

    def _validate_fee(self, errors: dict[str, str]) -> None:
        fee = FeeKind(self.fee_kind)
        if fee is FeeKind.PERCENT:
            bp = self.fee_percent_bp
            if bp is None or not 0 < bp <= MAX_BASIS_POINTS:
                errors["fee"] = "Enter a percentage above 0 and at most 100."
            elif self.salary_cents is None and "salary" not in errors:
                errors["fee"] = "A percentage fee needs the salary it is a share of."
        elif fee is FeeKind.FIXED:
            _positive(errors, "fee", self.fee_fixed_cents, "fee")

    def fee_cents(self) -> int:
        """The fee billed: the percentage of the salary rounded half up to the cent, or the
        fixed amount, or 0."""
        fee = FeeKind(self.fee_kind)
        if fee is FeeKind.PERCENT and self.salary_cents and self.fee_percent_bp:
            return percent_of(self.salary_cents, self.fee_percent_bp)
        if fee is FeeKind.FIXED and self.fee_fixed_cents:
            return self.fee_fixed_cents
        return 0

    def margin(self) -> Margin | None:
        if self.bill_rate_cents is None or self.pay_rate_cents is None:
            return None
        return margin(self.bill_rate_cents, self.pay_rate_cents)

    def stored(self) -> dict[str, object]:
        """The columns as stored: what does not apply to the type or the fee is cleared."""
        rates = self.has_rates
        fee = FeeKind(self.fee_kind)
        return {
            "placement_type": PlacementType(self.placement_type),
            "start_date": self.start_date,
            "currency": self.currency,
            "salary_cents": self.salary_cents,
            "rate_unit": RateUnit(self.rate_unit) if rates and self.rate_unit else None,
            "bill_rate_cents": self.bill_rate_cents if rates else None,
            "pay_rate_cents": self.pay_rate_cents if rates else None,
            "fee_kind": fee,
            "fee_percent_bp": self.fee_percent_bp if fee is FeeKind.PERCENT else None,
            "fee_cents": self.fee_cents(),
            "guarantee_ends_on": self.guarantee_ends_on,
            "notes": clean_text(self.notes),
            "offer_id": self.offer_id,
        }

    def normalised(self) -> PlacementInput:
        """The input as it reads back once stored (what edits and undo compare)."""
        values = self.stored()
        fee_cents = values.pop("fee_cents")
        fixed = fee_cents if values["fee_kind"] is FeeKind.FIXED else None
        return PlacementInput(**values, fee_fixed_cents=fixed)  # type: ignore[arg-type]


def terms_from_offer(offer: OfferRow | None) -> PlacementInput | None:
    """A placement's terms started from the offer it follows: a salary makes it permanent
    with a percentage fee, a rate a contract paying that rate; currency and start carry over."""
    if offer is None:
        return None
    terms = offer.terms
    basis = PayBasis(terms.pay_basis)
    if basis is PayBasis.SALARY:
        return PlacementInput(
            PlacementType.PERMANENT,
            terms.start_date,
            terms.currency,
            salary_cents=terms.amount_cents,
            fee_kind=FeeKind.PERCENT,
            offer_id=offer.id,
        )
    return PlacementInput(
        PlacementType.CONTRACT,
        terms.start_date,
        terms.currency,
        rate_unit=RateUnit.HOUR if basis is PayBasis.HOURLY else RateUnit.DAY,
        pay_rate_cents=terms.amount_cents,
        offer_id=offer.id,
    )


_INPUT_NAMES = tuple(f.name for f in fields(PlacementInput) if f.name != "fee_fixed_cents")


def terms_of(placement: Placement) -> PlacementInput:
    values = {name: getattr(placement, name) for name in _INPUT_NAMES}
    fixed = placement.fee_cents if placement.fee_kind is FeeKind.FIXED else None
    return PlacementInput(**values, fee_fixed_cents=fixed)


@dataclass(frozen=True)
class PlacementRow:
    id: int
    application: ApplicationInfo
    terms: PlacementInput
    fee_cents: int

    @property
    def type_text(self) -> str:
        return TYPE_WORDS[PlacementType(self.terms.placement_type)]

    @property
    def fee_text(self) -> str:
        return money_text(self.fee_cents, self.terms.currency)

    @property
    def pay_text(self) -> str:
        return pay_text(self.terms)


@dataclass(frozen=True)
class PlacementEdit:
    placement_id: int
    before: PlacementInput
    after: PlacementInput


def openings_left(session: Session, job_id: int) -> int:
    """How many of the job's openings no placement has taken yet."""
    openings = session.scalar(select(Job.openings).where(Job.id == job_id)) or 0
    taken = session.scalar(
        select(func.count(Placement.id))
        .join(Application, Application.id == Placement.application_id)
        .where(Application.job_id == job_id)
    )
    return openings - (taken or 0)


def pay_text(terms: PlacementInput) -> str:
    """ "USD 120,000.00 a year" or "USD 95.00 / 70.00 an hour" (bill / pay)."""
    parts = []
    if terms.bill_rate_cents is not None and terms.pay_rate_cents is not None:
        unit = UNIT_WORDS[RateUnit(terms.rate_unit or RateUnit.HOUR)]
        bill = money_text(terms.bill_rate_cents, terms.currency)
        parts.append(f"{bill} / {cents_text(terms.pay_rate_cents)} {unit}")
    if terms.salary_cents is not None:
        parts.append(f"{money_text(terms.salary_cents, terms.currency)} a year")
    return "; ".join(parts)


def placement_summary(terms: PlacementInput) -> str:
    parts = [TYPE_WORDS[PlacementType(terms.placement_type)], pay_text(terms)]
    if terms.start_date:
        parts.append(f"starts {terms.start_date:%Y-%m-%d}")
    fee = money_text(terms.fee_cents(), terms.currency)
    if FeeKind(terms.fee_kind) is FeeKind.PERCENT and terms.fee_percent_bp:
        parts.append(f"fee {fee} ({percent_text(terms.fee_percent_bp)})")
    elif FeeKind(terms.fee_kind) is FeeKind.FIXED:
        parts.append(f"fee {fee}")
    return ", ".join(p for p in parts if p)


def _changed(tx: Transaction, placement_id: int, info: ApplicationInfo) -> None:
    tx.changed(ChangeKind.PLACEMENTS, placement_id)
    tx.changed(ChangeKind.CANDIDATES, info.candidate_id)
    tx.changed(ChangeKind.APPLICATIONS, info.application_id)
    tx.changed(ChangeKind.JOBS, info.job_id)
    tx.changed(ChangeKind.CLIENTS, info.client_id)


def _check(tx: Transaction, data: PlacementInput, application_id: int) -> None:
    errors = data.validate()
    if data.offer_id is not None:
        offer = tx.session.get(Offer, data.offer_id)
        if offer is None or offer.application_id != application_id:
            errors["offer_id"] = "That offer is not one made for this application."
    if errors:
        raise ValidationError(errors)


def record_placement(
    ctx: ServiceContext, application_id: int, data: PlacementInput, today: dt.date | None = None
) -> Outcome[int]:
    """Record the hire of an application; it takes one of the job's openings, and the last
    one marks the job filled (today, or ``today``). The value is the placement's id."""
    errors = data.validate()
    if errors:
        raise ValidationError(errors)
    with ctx.write() as tx:
        return outcome(place_in(tx, application_id, data, today), tx)


def place_in(
    tx: Transaction, application_id: int, data: PlacementInput, today: dt.date | None = None
) -> int:
    """`record_placement` within the caller's transaction (a move to Hired records it too)."""
    info = application_info(tx.session, application_id)
    _check(tx, data, application_id)
    taken = tx.session.scalar(
        select(Placement.id).where(Placement.application_id == application_id)
    )
    if taken is not None:
        raise ValidationError({"application": f"{info.candidate_name} is already placed."})
    left = openings_left(tx.session, info.job_id)
    if left <= 0:
        raise ValidationError(
            {"job": f"Every opening of {info.job_title} is taken; add one to the job first."}
        )
    job = tx.session.get(Job, info.job_id)
    assert job is not None
    placement = Placement(application_id=application_id, **data.stored())
    if left == 1 and job.status is not JobStatus.FILLED:
        placement.filled_job_from = job.status
        _set_job(tx, job, JobStatus.FILLED, today or dt.date.today(), "job.fill")
    tx.session.add(placement)
    tx.session.flush()
    tx.audit("placement.create", "placement", placement.id, after=data.stored())
    set_start_in(tx, application_id, placement.start_date)  # onboarding checks' due days
    subject = f"Placed at {info.client_name} as {info.job_title}: {placement_summary(data)}"
    add_timeline(tx, info, ActivityKind.PLACEMENT, subject, clean_text(data.notes))
    _changed(tx, placement.id, info)
    return placement.id


def _set_job(
    tx: Transaction, job: Job, status: JobStatus, filled_on: dt.date | None, action: str
) -> None:
    before = {"status": job.status, "filled_on": job.filled_on}
    job.status, job.filled_on = status, filled_on
    tx.audit(action, "job", job.id, before, {"status": status, "filled_on": filled_on})


def delete_placement(
    ctx: ServiceContext, placement_id: int, expected: PlacementInput | None = None
) -> Outcome[PlacementRow]:
    """Remove a placement (the undo of recording it), refused if its terms changed from
    ``expected``. Its opening comes back: a job it filled gets back the status it had."""
    with ctx.write() as tx:
        return outcome(unplace_in(tx, placement_id, expected), tx)


def unplace_in(
    tx: Transaction, placement_id: int, expected: PlacementInput | None = None
) -> PlacementRow:
    """`delete_placement` within the caller's transaction (a card moved out of Hired)."""
    placement = _placement(tx, placement_id)
    terms = terms_of(placement)
    if expected is not None and terms != expected.normalised():
        raise ValidationError({"placement": "The placement changed since; nothing was undone."})
    info = application_info(tx.session, placement.application_id)
    row = PlacementRow(placement.id, info, terms, placement.fee_cents)
    job = tx.session.get(Job, info.job_id)
    earlier = placement.filled_job_from
    if job is not None and earlier is not None and job.status is JobStatus.FILLED:
        _set_job(tx, job, JobStatus(earlier), None, "job.reopen")
    tx.audit("placement.delete", "placement", placement_id, before=terms.stored())
    tx.session.delete(placement)
    subject = f"Placement taken back ({info.job_title} at {info.client_name})"
    add_timeline(tx, info, ActivityKind.PLACEMENT, subject, None)
    _changed(tx, placement_id, info)
    return row


def update_placement(
    ctx: ServiceContext, placement_id: int, data: PlacementInput
) -> Outcome[PlacementEdit]:
    """Change a placement's terms; an unchanged placement writes nothing."""
    errors = data.validate()
    if errors:
        raise ValidationError(errors)
    with ctx.write() as tx:
        placement = _placement(tx, placement_id)
        _check(tx, data, placement.application_id)
        before, after = terms_of(placement), data.normalised()
        if before != after:
            _write(tx, placement, before, after, "placement.update", "Placement edited")
        return outcome(PlacementEdit(placement_id, before, after), tx)


def restore_placement(
    ctx: ServiceContext, edit: PlacementEdit, undo: bool
) -> Outcome[PlacementEdit]:
    """Undo (``undo`` True) or redo an edit, refused if the placement changed since."""
    expected, target = (edit.after, edit.before) if undo else (edit.before, edit.after)
    with ctx.write() as tx:
        placement = _placement(tx, edit.placement_id)
        if terms_of(placement) != expected:
            raise ValidationError({"placement": "The placement changed since; nothing was undone."})
        what = "Undo: placement edit" if undo else "Redo: placement edit"
        _write(
            tx, placement, expected, target, "placement.undo" if undo else "placement.redo", what
        )
        return outcome(edit, tx)


def _write(
    tx: Transaction,
    placement: Placement,
    before: PlacementInput,
    after: PlacementInput,
    action: str,
    what: str,
) -> None:
    for name, value in after.stored().items():
        setattr(placement, name, value)
    tx.session.flush()
    set_start_in(tx, placement.application_id, placement.start_date)
    info = application_info(tx.session, placement.application_id)
    tx.audit(action, "placement", placement.id, before.stored(), after.stored())
    add_timeline(tx, info, ActivityKind.PLACEMENT, f"{what}: {placement_summary(after)}", None)
    _changed(tx, placement.id, info)


def _placement(tx: Transaction, placement_id: int) -> Placement:
    placement = tx.session.get(Placement, placement_id)
    if placement is None:
        raise NotFoundError(f"Placement #{placement_id} no longer exists.")
    return placement
