"""A move to Offered or Hired with its offer or placement: one transaction, all or nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.services.pipeline.board import MoveRequest, VersionConflictError, load_board
from app.services.pipeline.offers import OfferInput, list_offers
from app.services.pipeline.placement_report import placement_of
from app.services.pipeline.placements import PlacementInput
from app.services.pipeline.stage_terms import (
    asks_for_offer,
    asks_for_placement,
    move_with_offer,
    move_with_placement,
)
from app.store.database import Database
from app.store.enums import JobStatus, StageKind
from app.store.placements import FeeKind, PayBasis, PlacementType
from tests.services.pipeline.hiring_support import Hiring, hiring
from tests.support import count_rows

TODAY = dt.date(2026, 12, 1)


def _placement() -> PlacementInput:
    return PlacementInput(
        PlacementType.PERMANENT,
        dt.date(2027, 1, 4),
        salary_cents=10_000_000,
        fee_kind=FeeKind.PERCENT,
        fee_percent_bp=2000,
    )


def _request(world: Hiring, name: str, stage_name: str, version_offset: int = 0) -> MoveRequest:
    board = load_board(world.ctx, world.job_id)
    stage = next(s for s in board.stages if s.name == stage_name)
    card = next(c for c in board.cards if c.application_id == world.applications[name])
    return MoveRequest(card.application_id, card.version + version_offset, stage.id)


def _stage_of(world: Hiring, name: str) -> str:
    board = load_board(world.ctx, world.job_id)
    card = next(c for c in board.cards if c.application_id == world.applications[name])
    return next(s.name for s in board.stages if s.id == card.stage_id)


def test_which_stages_ask(ctx: ServiceContext) -> None:
    board = load_board(ctx, hiring(ctx).job_id)
    assert [s.name for s in board.stages if asks_for_offer(s)] == ["Offered"]
    assert [s.kind for s in board.stages if asks_for_placement(s)] == [StageKind.HIRED]


def test_move_with_offer(ctx: ServiceContext) -> None:
    world = hiring(ctx)
    done = move_with_offer(
        ctx, _request(world, "Ada", "Offered"), OfferInput(PayBasis.DAILY, 65_000, "EUR"), TODAY
    )
    assert _stage_of(world, "Ada") == "Offered"
    (offer,) = list_offers(ctx, application_id=world.applications["Ada"])
    assert offer.id == done.value.record_id and offer.amount_text == "EUR 650.00 a day"
    assert done.changes.touches(ChangeKind.APPLICATIONS, ChangeKind.OFFERS, ChangeKind.STAGES)


def test_move_with_placement_fills_the_job(ctx: ServiceContext) -> None:
    world = hiring(ctx)
    done = move_with_placement(ctx, _request(world, "Ada", "Hired"), _placement(), TODAY)
    assert _stage_of(world, "Ada") == "Hired"
    placed = placement_of(ctx, world.applications["Ada"])
    assert placed is not None and placed.id == done.value.record_id
    assert world.job_state() == (JobStatus.FILLED, TODAY)
    assert done.value.move.before[0].stage_id != done.value.move.after[0].stage_id


def test_a_refused_placement_leaves_the_card_where_it_was(
    ctx: ServiceContext, database: Database
) -> None:
    world = hiring(ctx)
    move_with_placement(ctx, _request(world, "Ada", "Hired"), _placement(), TODAY)
    with pytest.raises(ValidationError, match="Every opening"):
        move_with_placement(ctx, _request(world, "Brian", "Hired"), _placement(), TODAY)
    assert _stage_of(world, "Brian") == "Applied"
    invalid = dataclasses.replace(_placement(), salary_cents=None)
    with pytest.raises(ValidationError):
        move_with_placement(ctx, _request(world, "Brian", "Hired"), invalid, TODAY)
    assert _stage_of(world, "Brian") == "Applied"
    assert count_rows(database, "placements") == 1


def test_a_card_changed_meanwhile_records_nothing(ctx: ServiceContext, database: Database) -> None:
    world = hiring(ctx)
    stale = _request(world, "Ada", "Offered", version_offset=-1)
    with pytest.raises(VersionConflictError):
        move_with_offer(ctx, stale, OfferInput(PayBasis.SALARY, 1), TODAY)
    assert count_rows(database, "offers") == 0 and _stage_of(world, "Ada") == "Applied"
