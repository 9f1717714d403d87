"""Undo for offers and placements, on the window's stack: recording one is undone by removing
it (refused if it was edited since) and redone by recording it again; an edit or a decision is
undone by writing back the state before (refused if it changed again since). Each is a
`app.ui.write_command.WriteCommand`, pushed after its write succeeded.
"""

from __future__ import annotations

from typing import Any

from app.services.core.context import Outcome, ServiceContext
from app.services.pipeline.offers import (
    OfferEdit,
    OfferInput,
    OfferState,
    delete_offer,
    get_offer,
    record_offer,
    restore_offer,
)
from app.services.pipeline.placements import (
    PlacementEdit,
    PlacementInput,
    delete_placement,
    record_placement,
    restore_placement,
)
from app.store.enums import OfferStatus
from app.ui.write_command import Notify, Publish, WriteCommand


def offer_recorded(
    services: ServiceContext,
    application_id: int,
    offer_id: int,
    data: OfferInput,
    publish: Publish,
    notify: Notify,
    text: str = "Record offer",
) -> WriteCommand:
    """Undo removes the offer while it is as recorded; redo records it again."""
    current = {"id": offer_id}
    expected = OfferState(get_offer(services, offer_id).terms, OfferStatus.EXTENDED, None)

    def undo() -> Outcome[Any]:
        return delete_offer(services, current["id"], expected)

    def redo() -> Outcome[Any]:
        done = record_offer(services, application_id, data)
        current["id"] = done.value
        return done

    return WriteCommand(text, undo, redo, publish, notify)


def offer_edited(
    services: ServiceContext, edit: OfferEdit, publish: Publish, notify: Notify, text: str
) -> WriteCommand:
    return WriteCommand(
        text,
        lambda: restore_offer(services, edit, undo=True),
        lambda: restore_offer(services, edit, undo=False),
        publish,
        notify,
    )


def placement_recorded(
    services: ServiceContext,
    application_id: int,
    placement_id: int,
    data: PlacementInput,
    publish: Publish,
    notify: Notify,
    text: str = "Record placement",
) -> WriteCommand:
    """Undo removes the placement (its opening comes back) while its terms are as recorded;
    redo records it again."""
    current = {"id": placement_id}

    def undo() -> Outcome[Any]:
        return delete_placement(services, current["id"], expected=data)

    def redo() -> Outcome[Any]:
        done = record_placement(services, application_id, data)
        current["id"] = done.value
        return done

    return WriteCommand(text, undo, redo, publish, notify)


def placement_edited(
    services: ServiceContext, edit: PlacementEdit, publish: Publish, notify: Notify, text: str
) -> WriteCommand:
    return WriteCommand(
        text,
        lambda: restore_placement(services, edit, undo=True),
        lambda: restore_placement(services, edit, undo=False),
        publish,
        notify,
    )


def placement_removed(
    services: ServiceContext,
    application_id: int,
    placement_id: int,
    data: PlacementInput,
    publish: Publish,
    notify: Notify,
    text: str,
) -> WriteCommand:
    """A placement taken back: undo records it again (if an opening is still free), redo
    takes it back again."""
    current = {"id": placement_id}

    def undo() -> Outcome[Any]:
        done = record_placement(services, application_id, data)
        current["id"] = done.value
        return done

    def redo() -> Outcome[Any]:
        return delete_placement(services, current["id"], expected=data)

    return WriteCommand(text, undo, redo, publish, notify)
