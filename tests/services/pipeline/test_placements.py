"""Placements: terms validated, fee and margin exact to the cent, the job's openings counted
down (filled at zero, given back on undo), edits undoable, everything audited and on the
timeline; the month report's grouping and fee totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.services.candidates.delete import delete_candidate
from app.services.candidates.duplicates import merge_candidates
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.services.pipeline.board import MoveRequest, load_board, move_applications
from app.services.pipeline.jobs import change_status
from app.services.pipeline.offers import OfferInput, get_offer, list_offers, record_offer
from app.services.pipeline.placement_report import (
    get_placement,
    group_by_month,
    list_placements,
    months_back,
    placement_of,
    placements_report,
    totals_text,
)
from app.services.pipeline.placements import (
    PlacementInput,
    default_guarantee_end,
    delete_placement,
    record_placement,
    restore_placement,
    terms_from_offer,
    update_placement,
)
from app.store.database import Database
from app.store.enums import JobStatus
from app.store.models import Activity, ActivityKind
from app.store.placements import FeeKind, PayBasis, PlacementType, RateUnit
from tests.services.pipeline.hiring_support import Hiring, hiring
from tests.support import AuditWatch, applied_long_ago, count_rows

TODAY = dt.date(2026, 12, 1)
START = dt.date(2027, 1, 4)
PERMANENT = PlacementInput(
    PlacementType.PERMANENT,
    START,
    "USD",
    salary_cents=8_333_333,  # 83,333.33
    fee_kind=FeeKind.PERCENT,
    fee_percent_bp=2250,  # 22.5 % → 18,749.999925 → 18,750.00
    guarantee_ends_on=default_guarantee_end(START),
)
CONTRACT = PlacementInput(
    PlacementType.CONTRACT,
    START,
    "EUR",
    rate_unit=RateUnit.HOUR,
    bill_rate_cents=10_001,
    pay_rate_cents=3_333,
)


def test_fee_and_margin_are_exact() -> None:
    assert PERMANENT.fee_cents() == 1_875_000
    assert PERMANENT.guarantee_ends_on == dt.date(2027, 4, 4)
    found = CONTRACT.margin()
    assert found is not None and found.amount_cents == 6_668
    assert found.margin_percent == Decimal("66.67")
    assert CONTRACT.fee_cents() == 0
    fixed = PlacementInput(
        PlacementType.CONTRACT_TO_HIRE,
        START,
        rate_unit=RateUnit.DAY,
        bill_rate_cents=80_000,
        pay_rate_cents=60_050,
        fee_kind=FeeKind.FIXED,
        fee_fixed_cents=500_001,
    )
    assert fixed.fee_cents() == 500_001 and fixed.margin().amount_cents == 19_950  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        (PlacementInput(PlacementType.PERMANENT, None, salary_cents=1), "start_date"),
        (PlacementInput(PlacementType.PERMANENT, START), "salary"),
        (PlacementInput(PlacementType.PERMANENT, START, "us", salary_cents=1), "currency"),
        (
            PlacementInput(
                PlacementType.CONTRACT, START, salary_cents=1, rate_unit=RateUnit.HOUR,
                bill_rate_cents=2, pay_rate_cents=1,
            ),
            "salary",
        ),
        (
            PlacementInput(PlacementType.CONTRACT, START, bill_rate_cents=2, pay_rate_cents=1),
            "rate_unit",
        ),
        (
            PlacementInput(
                PlacementType.CONTRACT, START, rate_unit=RateUnit.HOUR, bill_rate_cents=5_000,
                pay_rate_cents=5_001,
            ),
            "bill_rate",
        ),
        (
            PlacementInput(
                PlacementType.CONTRACT, START, rate_unit=RateUnit.DAY, bill_rate_cents=1
            ),
            "pay_rate",
        ),
        (
            PlacementInput(
                PlacementType.CONTRACT, START, rate_unit=RateUnit.DAY, bill_rate_cents=2,
                pay_rate_cents=1, fee_kind=FeeKind.PERCENT, fee_percent_bp=2000,
            ),
            "fee",
        ),
        (
            PlacementInput(
                PlacementType.PERMANENT, START, salary_cents=1, fee_kind=FeeKind.PERCENT,
                fee_percent_bp=10_001,
            ),
            "fee",
        ),
        (
            PlacementInput(PlacementType.PERMANENT, START, salary_cents=1, fee_kind=FeeKind.FIXED),
            "fee",
        ),
        (
            PlacementInput(
                PlacementType.PERMANENT, START, salary_cents=1,
                guarantee_ends_on=START - dt.timedelta(days=1),
            ),
            "guarantee_ends_on",
        ),
    ],
)  # fmt: skip
def test_invalid_terms_write_nothing(
    ctx: ServiceContext, database: Database, terms: PlacementInput, field: str
) -> None:
    world = hiring(ctx)
    watch = AuditWatch(database)
    with pytest.raises(ValidationError) as refused:
        record_placement(ctx, world.applications["Ada"], terms)
    assert field in refused.value.errors
    assert count_rows(database, "placements") == 0 and watch.new() == []
    assert world.job_state() == (JobStatus.OPEN, None)


def test_the_last_opening_fills_the_job_and_undo_gives_it_back(
    ctx: ServiceContext, database: Database
) -> None:
    world = hiring(ctx, openings=2, names=("Ada", "Brian", "Cleo"))
    first = record_placement(ctx, world.applications["Ada"], PERMANENT, today=TODAY)
    assert world.job_state() == (JobStatus.OPEN, None)  # one opening left
    assert first.changes.ids[ChangeKind.JOBS] == {world.job_id}
    assert first.changes.ids[ChangeKind.CLIENTS] == {world.client_id}

    watch = AuditWatch(database)
    second = record_placement(ctx, world.applications["Brian"], CONTRACT, today=TODAY)
    assert world.job_state() == (JobStatus.FILLED, TODAY)
    assert [e.action for e in watch.new()] == ["job.fill", "placement.create"]

    with pytest.raises(ValidationError, match="Every opening"):
        record_placement(ctx, world.applications["Cleo"], PERMANENT)
    with pytest.raises(ValidationError, match="already placed"):
        record_placement(ctx, world.applications["Ada"], PERMANENT)

    delete_placement(ctx, second.value, expected=CONTRACT)
    assert world.job_state() == (JobStatus.OPEN, None)
    record_placement(ctx, world.applications["Cleo"], CONTRACT, today=TODAY)  # the opening is back
    assert world.job_state() == (JobStatus.FILLED, TODAY)


def test_a_job_on_hold_goes_back_on_hold(ctx: ServiceContext) -> None:
    world = hiring(ctx)
    change_status(ctx, world.job_id, "hold")
    placed = record_placement(ctx, world.applications["Ada"], PERMANENT, today=TODAY).value
    assert world.job_state() == (JobStatus.FILLED, TODAY)
    delete_placement(ctx, placed)
    assert world.job_state()[0] is JobStatus.ON_HOLD


def test_a_job_filled_by_hand_stays_filled(ctx: ServiceContext) -> None:
    world = hiring(ctx, openings=2)
    placed = record_placement(ctx, world.applications["Ada"], PERMANENT, today=TODAY).value
    change_status(ctx, world.job_id, "fill", today=TODAY)
    delete_placement(ctx, placed)
    assert world.job_state() == (JobStatus.FILLED, TODAY)


def test_record_audits_links_the_offer_and_tells_the_timeline(
    ctx: ServiceContext, database: Database
) -> None:
    world = hiring(ctx)
    application = world.applications["Ada"]
    offer = record_offer(ctx, application, OfferInput(PayBasis.SALARY, 8_333_333)).value
    other = record_offer(ctx, world.applications["Brian"], OfferInput(PayBasis.SALARY, 1)).value
    with pytest.raises(ValidationError, match="not one made"):
        record_placement(ctx, application, replace(PERMANENT, offer_id=other))
    linked = replace(PERMANENT, offer_id=offer, notes=" Relocates ")
    placed = record_placement(ctx, application, linked, today=TODAY).value
    row = get_placement(ctx, placed)
    assert row.terms.offer_id == offer and row.terms.notes == "Relocates"
    assert row.fee_cents == 1_875_000 and row.fee_text == "USD 18,750.00"
    assert row.type_text == "Permanent" and row.pay_text == "USD 83,333.33 a year"
    assert placement_of(ctx, application) == row
    with database.sessions() as session:
        subject, body = session.execute(
            select(Activity.subject, Activity.body).where(Activity.kind == ActivityKind.PLACEMENT)
        ).one()
    assert subject == (
        "Placed at Northwind as Backend Engineer: Permanent, USD 83,333.33 a year,"
        " starts 2027-01-04, fee USD 18,750.00 (22.5 %)"
    )
    assert body == "Relocates"


def test_edit_recomputes_the_fee_and_undo_restores(ctx: ServiceContext, database: Database) -> None:
    world = hiring(ctx)
    placed = record_placement(ctx, world.applications["Ada"], PERMANENT, today=TODAY).value
    raised = replace(PERMANENT, salary_cents=9_000_001)
    edit = update_placement(ctx, placed, raised).value
    assert get_placement(ctx, placed).fee_cents == 2_025_000  # 2,025,000.225 → down
    watch = AuditWatch(database)
    restore_placement(ctx, edit, undo=True)
    assert get_placement(ctx, placed).fee_cents == 1_875_000
    assert [e.action for e in watch.new()] == ["placement.undo"]
    restore_placement(ctx, edit, undo=False)
    assert get_placement(ctx, placed).terms.salary_cents == 9_000_001
    # To a contract: the salary and percentage go, the rates come.
    contract = update_placement(ctx, placed, CONTRACT).value
    row = get_placement(ctx, placed)
    assert (row.terms.salary_cents, row.terms.fee_percent_bp, row.fee_cents) == (None, None, 0)
    assert row.pay_text == "EUR 100.01 / 33.33 an hour"
    update_placement(ctx, placed, PERMANENT)
    with pytest.raises(ValidationError, match="changed since"):
        restore_placement(ctx, contract, undo=True)
    with pytest.raises(ValidationError, match="changed since"):
        delete_placement(ctx, placed, expected=CONTRACT)
    assert count_rows(database, "placements") == 1


def test_deleting_the_candidate_takes_their_placement_and_offers(
    ctx: ServiceContext, database: Database
) -> None:
    world = hiring(ctx)
    application = world.applications["Ada"]
    record_offer(ctx, application, OfferInput(PayBasis.SALARY, 1))
    placed = record_placement(ctx, application, PERMANENT, today=TODAY).value
    candidate = get_placement(ctx, placed).application.candidate_id
    # A hired candidate is no longer in an open pipeline stage.
    board = load_board(ctx, world.job_id)
    hired = next(s for s in board.stages if s.kind.value == "hired")
    card = next(c for c in board.cards if c.application_id == application)
    move_applications(ctx, [MoveRequest(application, card.version, hired.id)])
    applied_long_ago(database, candidate)  # the flow log no longer needs the application
    delete_candidate(ctx, candidate, None)
    assert count_rows(database, "placements") == 0
    assert count_rows(database, "offers") == 0


def _month_world(ctx: ServiceContext) -> tuple[Hiring, Hiring]:
    north = hiring(ctx, openings=3, names=("Ada", "Brian", "Cleo"))
    south = hiring(ctx, client="Southwind", names=("Dora",))
    terms = [
        (north, "Ada", dt.date(2026, 10, 3), PERMANENT),  # USD 18,750.00
        (north, "Brian", dt.date(2026, 10, 28), CONTRACT),  # EUR 0.00
        (
            north,
            "Cleo",
            dt.date(2026, 11, 30),
            PlacementInput(
                PlacementType.PERMANENT,
                None,
                "EUR",
                salary_cents=6_000_005,
                fee_kind=FeeKind.PERCENT,
                fee_percent_bp=1500,
            ),  # 900,000.75 → EUR 9,000.01
        ),
        (
            south,
            "Dora",
            dt.date(2026, 10, 1),
            PlacementInput(
                PlacementType.PERMANENT,
                None,
                salary_cents=5_000_000,
                fee_kind=FeeKind.FIXED,
                fee_fixed_cents=1_000_050,
            ),  # USD 10,000.50
        ),
    ]
    for world, name, start, data in terms:
        placed = replace(data, start_date=start)
        record_placement(ctx, world.applications[name], placed, today=TODAY)
    return north, south


def test_report_groups_by_start_month_with_totals_per_currency(ctx: ServiceContext) -> None:
    north, south = _month_world(ctx)
    report = placements_report(ctx)
    assert [m.label for m in report.months] == ["November 2026", "October 2026"]
    november, october = report.months
    assert [p.application.candidate_name for p in november.placements] == ["Cleo Tester"]
    assert november.fees == (("EUR", 900_001),)
    assert [p.application.candidate_name for p in october.placements] == [
        "Brian Tester",  # latest start first
        "Ada Tester",
        "Dora Tester",
    ]
    assert october.fees == (("EUR", 0), ("USD", 1_875_000 + 1_000_050))
    assert report.fees == (("EUR", 900_001), ("USD", 2_875_050))
    assert report.count == 4
    assert totals_text(report.fees) == "EUR 9,000.01 · USD 28,750.50"

    client = placements_report(ctx, client_id=south.client_id)
    assert client.count == 1 and client.fees == (("USD", 1_000_050),)
    window = placements_report(ctx, start=dt.date(2026, 10, 2), end=dt.date(2026, 10, 31))
    assert window.count == 2 and window.fees == (("EUR", 0), ("USD", 1_875_000))
    assert list_placements(ctx, client_id=north.client_id, start=dt.date(2026, 11, 1))[0].id
    assert group_by_month([]).months == () and totals_text(()) == "—"


def test_months_back() -> None:
    assert months_back(dt.date(2026, 12, 4), 12) == dt.date(2026, 1, 1)
    assert months_back(dt.date(2026, 3, 31), 6) == dt.date(2025, 10, 1)
    assert months_back(dt.date(2026, 1, 15), 1) == dt.date(2026, 1, 1)


def test_terms_from_offer(ctx: ServiceContext) -> None:
    world = hiring(ctx)
    application = world.applications["Ada"]
    day_rate = OfferInput(PayBasis.DAILY, 65_000, "EUR", start_date=START)
    offer_id = record_offer(ctx, application, day_rate).value
    terms = terms_from_offer(get_offer(ctx, offer_id))
    assert terms is not None
    assert (terms.placement_type, terms.rate_unit, terms.pay_rate_cents) == (
        PlacementType.CONTRACT,
        RateUnit.DAY,
        65_000,
    )
    assert (terms.currency, terms.start_date, terms.offer_id) == ("EUR", START, offer_id)
    assert "bill_rate" in terms.validate()  # the bill rate is the recruiter's to add
    salary = get_offer(ctx, record_offer(ctx, application, OfferInput(PayBasis.SALARY, 9)).value)
    permanent = terms_from_offer(salary)
    assert permanent is not None and permanent.salary_cents == 9
    assert permanent.fee_kind is FeeKind.PERCENT and terms_from_offer(None) is None


def test_merging_duplicates_on_the_same_job_keeps_the_offer_and_placement(
    ctx: ServiceContext, database: Database
) -> None:
    world = hiring(ctx)
    kept, dropped = world.applications["Ada"], world.applications["Brian"]
    record_offer(ctx, dropped, OfferInput(PayBasis.SALARY, 8_333_333))
    placed = record_placement(ctx, dropped, PERMANENT, today=TODAY).value
    merge_candidates(ctx, world.candidates["Ada"], world.candidates["Brian"], {})
    assert count_rows(database, "offers") == 1 and count_rows(database, "placements") == 1
    assert get_placement(ctx, placed).application.application_id == kept
    assert [o.application.application_id for o in list_offers(ctx, application_id=kept)] == [kept]
