"""Undo for offers and placements, on the window's stack: recording one is undone by removing
it (refused if it was edited since) and redone by recording it again; an edit or a decision is
undone by writing back the state before (refused if it changed again since).

Every command is pushed after its write succeeded, so its first redo does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from app.services.core.changes import Changes
from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
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

Publish = Callable[[Changes], None]
Notify = Callable[[str], None]
Write = Callable[[], Outcome[Any]]


class WriteCommand(QUndoCommand):
    """A write already done, whose undo and redo are writes too."""

    def __init__(self, text: str, undo: Write, redo: Write, publish: Publish, notify: Notify):
        super().__init__(text)
        self._undo, self._redo = undo, redo
        self.publish, self.notify = publish, notify
        self._first_redo = True

    def redo(self) -> None:
        if self._first_redo:
            self._first_redo = False
            return
        self._run(self._redo, "redo")

    def undo(self) -> None:
        self._run(self._undo, "undo")

    def _run(self, write: Write, verb: str) -> None:
        try:
            done = write()
        except (ValidationError, NotFoundError) as error:
            self.setObsolete(True)  # the stack drops a command that can no longer apply
            reason = (
                "; ".join(error.errors.values()) if isinstance(error, ValidationError) else error
            )
            self.notify(f"Could not {verb} “{self.text()}”: {reason}")
            return
        self.publish(done.changes)


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
