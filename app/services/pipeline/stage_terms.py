"""Moves that carry terms: a card moved to Offered with the offer made, a card moved to Hired
with its placement. The move and the record are one transaction, so a refused placement (no
opening left, invalid terms) leaves the card where it was, and a card that changed meanwhile
records nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm.exc import StaleDataError

from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.unit_of_work import ValidationError
from app.services.pipeline.board import (
    MoveRequest,
    MoveResult,
    StageInfo,
    VersionConflictError,
    moves_in,
)
from app.services.pipeline.offers import OfferInput, offer_in
from app.services.pipeline.placements import PlacementInput, place_in
from app.store.enums import StageKind

OFFER_STAGE = "offered"


def asks_for_offer(stage: StageInfo) -> bool:
    """A move into this stage offers to record the offer: the active stage named Offered."""
    return stage.kind is StageKind.ACTIVE and stage.name.strip().casefold() == OFFER_STAGE


def asks_for_placement(stage: StageInfo) -> bool:
    """A move into the hired stage asks for the placement."""
    return stage.kind is StageKind.HIRED


@dataclass(frozen=True)
class MovedWith:
    """A move and the id of what was recorded with it (an offer or a placement)."""

    move: MoveResult
    record_id: int


def _check(data: OfferInput | PlacementInput) -> None:
    errors = data.validate()
    if errors:
        raise ValidationError(errors)


def move_with_offer(
    ctx: ServiceContext, request: MoveRequest, data: OfferInput, today: dt.date | None = None
) -> Outcome[MovedWith]:
    _check(data)
    try:
        with ctx.write() as tx:
            move = moves_in(tx, [request])
            return outcome(MovedWith(move, offer_in(tx, request.application_id, data, today)), tx)
    except StaleDataError as exc:
        raise VersionConflictError([request.application_id], []) from exc


def move_with_placement(
    ctx: ServiceContext, request: MoveRequest, data: PlacementInput, today: dt.date | None = None
) -> Outcome[MovedWith]:
    _check(data)
    try:
        with ctx.write() as tx:
            move = moves_in(tx, [request])
            placed = place_in(tx, request.application_id, data, today)
            return outcome(MovedWith(move, placed), tx)
    except StaleDataError as exc:
        raise VersionConflictError([request.application_id], []) from exc
