"""A card moved to Offered offers to record the offer; a card moved to Hired asks for its
placement. The dialog's Save moves the card and records the terms in one write; its second
button moves the card without them (recorded later from the profile); Cancel, or Escape,
leaves the card where it was — as rejecting without a reason does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QDialog, QWidget

from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.services.pipeline.board import (
    Card,
    MoveRequest,
    MoveResult,
    StageInfo,
    VersionConflictError,
)
from app.services.pipeline.offers import OfferInput, latest_offer
from app.services.pipeline.placement_report import placement_of
from app.services.pipeline.placements import PlacementInput, terms_from_offer
from app.services.pipeline.stage_terms import (
    MovedWith,
    asks_for_offer,
    asks_for_placement,
    move_with_offer,
    move_with_placement,
)
from app.ui.dialogs.offer_dialog import OfferDialog
from app.ui.dialogs.placement_dialog import PlacementDialog
from app.ui.dialogs.terms_commands import Notify, Publish, offer_recorded, placement_recorded


@dataclass(frozen=True)
class TermsAnswer:
    """What the recruiter answered: cancel (no move), move plainly (``done`` None), or the
    move already made with its record (``done``) and the command that undoes the record."""

    cancelled: bool = False
    done: Outcome[MoveResult] | None = None
    command: QUndoCommand | None = None
    conflict: bool = False  # the card changed meanwhile: the board should reload


T = TypeVar("T")
TermsProvider = Callable[[Card, StageInfo, MoveRequest], TermsAnswer | None]


class _Writer(Generic[T]):
    """The dialog's Save: the move and the record in one write; a card that changed
    meanwhile is reported in the dialog, and the board reloads once it closes."""

    def __init__(self, move: Callable[[T], Outcome[MovedWith]]):
        self.move = move
        self.saved: T | None = None
        self.conflict = False

    def __call__(self, data: T) -> Outcome[MovedWith]:
        try:
            done = self.move(data)
        except VersionConflictError as error:
            self.conflict = True
            raise ValidationError({"move": str(error)}) from error
        self.saved = data
        return done


def ask_terms(
    parent: QWidget,
    services: ServiceContext,
    card: Card,
    stage: StageInfo,
    request: MoveRequest,
    publish: Publish,
    notify: Notify,
    today: dt.date | None = None,
) -> TermsAnswer | None:
    """Ask for the offer or placement a move into ``stage`` brings; None: it brings none
    (another stage, or a card already placed)."""
    if asks_for_offer(stage):
        offer_writer = _Writer[OfferInput](
            lambda data: move_with_offer(services, request, data, today)
        )
        offer_dialog = OfferDialog(
            f"Offer to {card.name}",
            offer_writer,
            skip_text="Move without offer",
            today=today,
            parent=parent,
        )
        answer = _answer(offer_dialog, offer_writer.conflict)
        if answer.done is None or offer_writer.saved is None:
            return answer
        command = offer_recorded(
            services,
            card.application_id,
            _record_id(offer_dialog),
            offer_writer.saved,
            publish,
            notify,
            f"Move {card.name} to {stage.name} with an offer",
        )
    elif asks_for_placement(stage) and placement_of(services, card.application_id) is None:
        placement_writer = _Writer[PlacementInput](
            lambda data: move_with_placement(services, request, data, today)
        )
        placement_dialog = PlacementDialog(
            f"Hire {card.name}",
            placement_writer,
            terms_from_offer(latest_offer(services, card.application_id)),
            skip_text="Hire without placement",
            today=today,
            parent=parent,
        )
        answer = _answer(placement_dialog, placement_writer.conflict)
        if answer.done is None or placement_writer.saved is None:
            return answer
        command = placement_recorded(
            services,
            card.application_id,
            _record_id(placement_dialog),
            placement_writer.saved,
            publish,
            notify,
            f"Hire {card.name} with a placement",
        )
    else:
        return None
    return TermsAnswer(done=answer.done, command=command)


def _answer(dialog: OfferDialog | PlacementDialog, conflict: bool) -> TermsAnswer:
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    if not accepted:
        return TermsAnswer(cancelled=True, conflict=conflict)
    done = dialog.outcome
    if dialog.skipped or done is None:
        return TermsAnswer()
    return TermsAnswer(done=Outcome(done.value.move, done.changes))


def _record_id(dialog: OfferDialog | PlacementDialog) -> int:
    assert dialog.outcome is not None
    record_id: int = dialog.outcome.value.record_id
    return record_id
