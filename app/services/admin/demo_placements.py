"""The generated database's offers and placements, drawn from the pipelines already written.

Every hired application has its accepted offer and its placement (permanent, contract or
contract-to-hire, starting two to five weeks after the hire, with a 90-day guarantee); an
application sitting in Offered has an offer extended (some past their expiry, some declined
just now); some that passed Offered and were then rejected or withdrew have an offer withdrawn
or declined. A filled job's last placement is the one that filled it. The timeline says so
in the services' own words. Its own random stream keeps the rest of the database as it was.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from app.services.pipeline.money import percent_of
from app.services.pipeline.offers import OfferInput, offer_summary
from app.services.pipeline.placements import (
    PlacementInput,
    default_guarantee_end,
    placement_summary,
)
from app.store.enums import FeeKind, PayBasis, PlacementType, RateUnit

SEED_OFFSET = 5_020  # this module's random stream, apart from the generator's
OFFER_DAYS = 7  # how long a demo offer stands
# Of the applications rejected or withdrawn after reaching Offered, the share whose offer
# was recorded (withdrawn by the client, or declined by the candidate).
OFFERS_RECORDED = 0.4


class Rows(Protocol):
    """The generator's batched writer (rows per table, flushed in batches)."""

    connection: sqlite3.Connection

    def add(self, table: str, columns: str, row: Sequence[Any]) -> None: ...

    def flush(self) -> None: ...


@dataclass(frozen=True)
class _Application:
    id: int
    candidate_id: int
    job_id: int
    client_id: int
    job_title: str
    client_name: str
    job_status: str
    stage_kind: str
    stage_name: str
    entered: dt.datetime  # when it entered its current stage
    offered: dt.datetime | None  # when it first entered Offered
    owner_id: int | None


QUERY = """
SELECT a.id, a.candidate_id, a.job_id, j.client_id, j.title, c.name, j.status, s.kind, s.name,
       a.stage_entered_at,
       (SELECT min(sc.changed_at) FROM stage_changes sc JOIN stages o ON o.id = sc.to_stage_id
        WHERE sc.application_id = a.id AND o.name = 'Offered') AS offered_at,
       j.owner_id
FROM applications a
JOIN stages s ON s.id = a.stage_id
JOIN jobs j ON j.id = a.job_id
JOIN clients c ON c.id = j.client_id
WHERE s.kind = 'hired' OR s.name = 'Offered' OR s.kind IN ('rejected', 'withdrawn')
ORDER BY a.id
"""


def _moment(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _entered(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _stamp(moment: dt.datetime) -> str:
    return moment.isoformat(sep=" ", timespec="microseconds")


def add_offers_and_placements(rows: Rows, seed: int, as_of: dt.datetime) -> None:
    """Add the offers, placements and their timeline entries (after the pipelines)."""
    rows.flush()  # the applications and their histories, to read back
    found = [
        _Application(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            r[7],
            r[8],
            _entered(r[9]),
            _moment(r[10]),
            r[11],
        )
        for r in rows.connection.execute(QUERY)
    ]
    _Demo(rows, random.Random(seed + SEED_OFFSET), as_of).run(found)


class _Demo:
    def __init__(self, rows: Rows, rng: random.Random, as_of: dt.datetime):
        self.rows, self.rng, self.as_of = rows, rng, as_of
        self.next_offer = 1

    def run(self, applications: list[_Application]) -> None:
        hired = [a for a in applications if a.stage_kind == "hired"]
        last_hire = {a.job_id: a for a in sorted(hired, key=lambda a: (a.entered, a.id))}
        for application in applications:
            if application.stage_kind == "hired":
                filled = last_hire[application.job_id] is application
                self._hire(application, filled and application.job_status == "filled")
            elif application.stage_name == "Offered":
                self._open_offer(application)
            elif application.offered is not None and self.rng.random() < OFFERS_RECORDED:
                status = "withdrawn" if application.stage_kind == "rejected" else "declined"
                extended = application.offered
                self._offer(application, self._terms(application, extended), status, extended)

    # ---- terms ------------------------------------------------------------------------------
    def _currency(self, application: _Application) -> str:
        return "EUR" if application.client_id % 3 == 0 else "USD"

    def _terms(self, application: _Application, extended: dt.datetime) -> OfferInput:
        rng = self.rng
        currency = self._currency(application)
        start = (extended + dt.timedelta(days=rng.randint(21, 42))).date()
        expires = (extended + dt.timedelta(days=OFFER_DAYS)).date()
        if rng.random() < 0.7:
            salary = rng.randrange(60_000, 165_000, 500) * 100
            return OfferInput(PayBasis.SALARY, salary, currency, start, expires)
        hourly = rng.random() < 0.6
        rate = rng.randrange(45, 110) * 100 if hourly else rng.randrange(400, 900, 25) * 100
        basis = PayBasis.HOURLY if hourly else PayBasis.DAILY
        return OfferInput(basis, rate, currency, start, expires)

    def _placement(self, offer: OfferInput, hired: dt.datetime, offer_id: int) -> PlacementInput:
        rng = self.rng
        start = (hired + dt.timedelta(days=rng.randint(14, 35))).date()
        if offer.start_date and offer.start_date >= hired.date() + dt.timedelta(days=7):
            start = offer.start_date  # as the offer said
        guarantee = default_guarantee_end(start)
        if offer.pay_basis is PayBasis.SALARY:
            kind = PlacementType.PERMANENT
            percent = rng.randrange(1500, 2550, 50)  # 15 % to 25 %, in half points
            return PlacementInput(
                kind,
                start,
                offer.currency,
                salary_cents=offer.amount_cents,
                fee_kind=FeeKind.PERCENT,
                fee_percent_bp=percent,
                guarantee_ends_on=guarantee,
                offer_id=offer_id,
            )
        pay = offer.amount_cents or 0
        bill = percent_of(pay, rng.randrange(12_500, 15_000, 25))  # a 25 % to 50 % markup
        to_hire = rng.random() < 0.3
        return PlacementInput(
            PlacementType.CONTRACT_TO_HIRE if to_hire else PlacementType.CONTRACT,
            start,
            offer.currency,
            rate_unit=RateUnit.HOUR if offer.pay_basis is PayBasis.HOURLY else RateUnit.DAY,
            bill_rate_cents=bill,
            pay_rate_cents=pay,
            fee_kind=FeeKind.FIXED if to_hire else FeeKind.NONE,
            fee_fixed_cents=rng.randrange(8_000, 15_000, 500) * 100 if to_hire else None,
            guarantee_ends_on=guarantee if to_hire else None,
            offer_id=offer_id,
        )

    # ---- rows -------------------------------------------------------------------------------
    def _hire(self, application: _Application, filled_the_job: bool) -> None:
        hired = application.entered
        extended = application.offered or hired - dt.timedelta(days=self.rng.uniform(3, 10))
        terms = self._terms(application, extended)
        decided = min(hired, extended + dt.timedelta(days=self.rng.uniform(1, 5)))
        offer_id = self._offer(application, terms, "accepted", extended, decided)
        placement = self._placement(terms, hired, offer_id)
        values = placement.stored()
        columns = ", ".join(("application_id", *values, "filled_job_from"))
        columns += ", created_at, updated_at"
        stamp = _stamp(hired)
        row = (application.id, *values.values(), "open" if filled_the_job else None, stamp, stamp)
        self.rows.add("placements", columns, [_plain(v) for v in row])
        subject = (
            f"Placed at {application.client_name} as {application.job_title}:"
            f" {placement_summary(placement)}"
        )
        self._timeline(application, "placement", subject, hired)

    def _open_offer(self, application: _Application) -> None:
        extended = application.offered or application.entered
        terms = self._terms(application, extended)
        declined = self.rng.random() < 0.2
        if declined:
            decided = min(self.as_of, extended + dt.timedelta(days=self.rng.uniform(1, 6)))
            self._offer(application, terms, "declined", extended, decided)
        else:  # those extended over a week ago show as expired
            self._offer(application, terms, "extended", extended)

    def _offer(
        self,
        application: _Application,
        terms: OfferInput,
        status: str,
        extended: dt.datetime,
        decided: dt.datetime | None = None,
    ) -> int:
        if status != "extended" and decided is None:
            decided = application.entered
        offer_id = self.next_offer
        self.next_offer += 1
        values = terms.stored()
        columns = ", ".join(("id", "application_id", *values, "status", "extended_on"))
        columns += ", decided_on, created_at, updated_at"
        row = (
            offer_id,
            application.id,
            *values.values(),
            status,
            extended.date(),
            decided.date() if decided else None,
            _stamp(extended),
            _stamp(decided or extended),
        )
        self.rows.add("offers", columns, [_plain(v) for v in row])
        where = f"{application.job_title} at {application.client_name}"
        self._timeline(
            application, "offer", f"Offer extended for {where}: {offer_summary(terms)}", extended
        )
        if decided is not None:
            subject = f"Offer {status} for {application.job_title}:"
            self._timeline(application, "offer", f"{subject} {offer_summary(terms)}", decided)
        return offer_id

    def _timeline(
        self, application: _Application, kind: str, subject: str, when: dt.datetime
    ) -> None:
        self.rows.add(
            "activities",
            "candidate_id, application_id, kind, subject, body, occurred_at, user_id",
            (
                application.candidate_id,
                application.id,
                kind,
                subject[:300],
                None,
                _stamp(min(when, self.as_of)),
                application.owner_id,
            ),
        )


def _plain(value: Any) -> Any:
    """A value as SQLite stores it: enums by value, dates in ISO form."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return getattr(value, "value", value)
