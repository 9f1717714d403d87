"""Offers: recorded with their terms, edited and decided with undo, each write audited and on
the candidate's timeline; invalid terms write nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.pipeline.offers import (
    OfferInput,
    delete_offer,
    get_offer,
    latest_offer,
    list_offers,
    record_offer,
    restore_offer,
    set_offer_status,
    update_offer,
)
from app.store.database import Database
from app.store.models import Activity, ActivityKind
from app.store.placements import OfferStatus, PayBasis
from tests.services.pipeline.hiring_support import Hiring, hiring
from tests.support import AuditWatch, count_rows

TODAY = dt.date(2026, 12, 1)
TERMS = OfferInput(
    PayBasis.SALARY,
    8_500_000,
    "USD",
    start_date=dt.date(2027, 1, 4),
    expires_on=dt.date(2026, 12, 11),
    notes="  Signing bonus agreed. ",
)


@pytest.fixture
def world(ctx: ServiceContext) -> Hiring:
    return hiring(ctx)


def _timeline(database: Database, candidate_id: int) -> list[str]:
    with database.sessions() as session:
        return list(
            session.scalars(
                select(Activity.subject)
                .where(Activity.candidate_id == candidate_id, Activity.kind == ActivityKind.OFFER)
                .order_by(Activity.id)
            )
        )


def test_record_offer_stores_terms_audits_and_tells_the_timeline(
    ctx: ServiceContext, database: Database, world: Hiring
) -> None:
    watch = AuditWatch(database)
    application = world.applications["Ada"]
    done = record_offer(ctx, application, TERMS, today=TODAY)
    offer = get_offer(ctx, done.value)
    assert offer.status is OfferStatus.EXTENDED and offer.extended_on == TODAY
    assert offer.terms.amount_cents == 8_500_000 and offer.terms.notes == "Signing bonus agreed."
    assert offer.amount_text == "USD 85,000.00 a year"
    assert offer.application.job_title == "Backend Engineer"
    assert offer.application.client_name == "Northwind"
    (entry,) = watch.new()
    assert (entry.action, entry.entity_id) == ("offer.create", done.value)
    assert entry.after["amount_cents"] == 8_500_000 and entry.after["status"] == "extended"
    candidate = offer.application.candidate_id
    assert done.changes.ids[ChangeKind.OFFERS] == {done.value}
    assert done.changes.ids[ChangeKind.CANDIDATES] == {candidate}
    (line,) = _timeline(database, candidate)
    assert line == (
        "Offer extended for Backend Engineer at Northwind: USD 85,000.00 a year,"
        " start 2027-01-04, expires 2026-12-11"
    )


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        (OfferInput(PayBasis.HOURLY, None), "amount"),
        (OfferInput(PayBasis.HOURLY, 0), "amount"),
        (OfferInput(PayBasis.DAILY, 65_000, "eur"), "currency"),
        (OfferInput(PayBasis.DAILY, 65_000, "EURO"), "currency"),
        (
            OfferInput(
                PayBasis.SALARY, 1, start_date=dt.date(2027, 1, 1), expires_on=dt.date(2027, 1, 2)
            ),
            "expires_on",
        ),
        (OfferInput(PayBasis.SALARY, 1, notes="x" * 5_001), "notes"),
    ],
)
def test_invalid_terms_write_nothing(
    ctx: ServiceContext, database: Database, world: Hiring, terms: OfferInput, field: str
) -> None:
    watch = AuditWatch(database)
    with pytest.raises(ValidationError) as refused:
        record_offer(ctx, world.applications["Ada"], terms)
    assert field in refused.value.errors
    assert count_rows(database, "offers") == 0
    assert watch.new() == []


def test_offer_for_a_missing_application_is_refused(ctx: ServiceContext, world: Hiring) -> None:
    with pytest.raises(NotFoundError):
        record_offer(ctx, 999_999, TERMS)


def test_edit_and_its_undo_and_redo(ctx: ServiceContext, database: Database, world: Hiring) -> None:
    offer_id = record_offer(ctx, world.applications["Ada"], TERMS, today=TODAY).value
    better = OfferInput(PayBasis.SALARY, 9_000_000, "USD", dt.date(2027, 1, 11), TERMS.expires_on)
    edit = update_offer(ctx, offer_id, better).value
    assert get_offer(ctx, offer_id).terms.amount_cents == 9_000_000
    assert edit.before.terms.amount_cents == 8_500_000

    restore_offer(ctx, edit, undo=True)
    assert get_offer(ctx, offer_id).terms == edit.before.terms
    restore_offer(ctx, edit, undo=False)
    assert get_offer(ctx, offer_id).terms.start_date == dt.date(2027, 1, 11)

    # An unchanged save writes nothing.
    watch = AuditWatch(database)
    same = update_offer(ctx, offer_id, better)
    assert same.value.before == same.value.after and watch.new() == []

    # Changed again since: the undo is refused rather than overwriting.
    update_offer(ctx, offer_id, OfferInput(PayBasis.SALARY, 9_100_000))
    with pytest.raises(ValidationError, match="changed since"):
        restore_offer(ctx, edit, undo=True)
    assert get_offer(ctx, offer_id).terms.amount_cents == 9_100_000


def test_decisions_and_undo(ctx: ServiceContext, database: Database, world: Hiring) -> None:
    offer_id = record_offer(ctx, world.applications["Ada"], TERMS, today=TODAY).value
    watch = AuditWatch(database)
    decided = set_offer_status(ctx, offer_id, OfferStatus.DECLINED, today=dt.date(2026, 12, 3))
    offer = get_offer(ctx, offer_id)
    assert (offer.status, offer.decided_on) == (OfferStatus.DECLINED, dt.date(2026, 12, 3))
    assert [e.action for e in watch.new()] == ["offer.decline"]
    with pytest.raises(ValidationError, match="already declined"):
        set_offer_status(ctx, offer_id, OfferStatus.ACCEPTED)
    restore_offer(ctx, decided.value, undo=True)
    offer = get_offer(ctx, offer_id)
    assert (offer.status, offer.decided_on) == (OfferStatus.EXTENDED, None)
    set_offer_status(ctx, offer_id, OfferStatus.WITHDRAWN)
    assert get_offer(ctx, offer_id).status is OfferStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        set_offer_status(ctx, offer_id, OfferStatus.EXTENDED)
    lines = _timeline(database, offer.application.candidate_id)
    assert [line.split(" for ")[0] for line in lines[1:]] == [
        "Offer declined",
        "Undo: offer extended",
        "Offer withdrawn",
    ]
    assert lines[-1].startswith("Offer withdrawn for Backend Engineer: USD 85,000.00 a year")


def test_expiry_and_latest_offer(ctx: ServiceContext, world: Hiring) -> None:
    application = world.applications["Ada"]
    assert latest_offer(ctx, application) is None
    first = record_offer(ctx, application, TERMS, today=TODAY).value
    offer = get_offer(ctx, first)
    assert not offer.is_expired(dt.date(2026, 12, 11))
    assert offer.is_expired(dt.date(2026, 12, 12))
    assert offer.status_text(dt.date(2026, 12, 12)) == "expired"
    set_offer_status(ctx, first, OfferStatus.ACCEPTED)
    assert not get_offer(ctx, first).is_expired(dt.date(2027, 6, 1))
    second = record_offer(ctx, application, OfferInput(PayBasis.HOURLY, 6_000), today=TODAY)
    assert latest_offer(ctx, application).id == first  # the accepted one comes first
    assert [o.id for o in list_offers(ctx, application_id=application)] == [second.value, first]
    candidate = get_offer(ctx, first).application.candidate_id
    assert len(list_offers(ctx, candidate_id=candidate)) == 2


def test_delete_is_the_undo_of_recording(
    ctx: ServiceContext, database: Database, world: Hiring
) -> None:
    offer_id = record_offer(ctx, world.applications["Ada"], TERMS, today=TODAY).value
    state = update_offer(ctx, offer_id, TERMS).value.after
    set_offer_status(ctx, offer_id, OfferStatus.ACCEPTED)
    with pytest.raises(ValidationError, match="changed since"):
        delete_offer(ctx, offer_id, expected=state)
    assert count_rows(database, "offers") == 1
    done = delete_offer(ctx, offer_id)
    assert done.value.id == offer_id and count_rows(database, "offers") == 0
    candidate = done.value.application.candidate_id
    assert _timeline(database, candidate)[-1].startswith("Offer taken back for Backend Engineer")
