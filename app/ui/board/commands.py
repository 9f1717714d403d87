"""Undoable board moves.

A move is carried out through the service before its command is pushed, so a refused move
(version conflict, missing reason) never lands on the undo stack. Undo and redo are moves
too: they go through the same service, write their own StageChange history (marked "Undo
of …" / "Redo of …"), put back the time the card entered its stage, and are refused the same
way if the application changed meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.services.pipeline.board import (
    MovedCard,
    MoveRequest,
    MoveResult,
    Replay,
    VersionConflictError,
    move_applications,
)

Applied = Callable[[Outcome[MoveResult], dict[int, int | None]], None]
Failed = Callable[[Exception], None]


def _restore(
    states: tuple[MovedCard, ...], versions: dict[int, int], replay: Replay
) -> list[MoveRequest]:
    """Requests that put each application back exactly as ``states`` recorded it."""
    return [
        MoveRequest(
            application_id=state.application_id,
            expected_version=versions[state.application_id],
            to_stage_id=state.stage_id,
            position=state.board_position,
            rejection_reason=state.rejection_reason,
            replay=replay,
            stage_entered_at=state.stage_entered_at,
        )
        for state in states
    ]


class MoveCommand(QUndoCommand):
    """One completed move (of one or several cards), undoable while nobody else changed them."""

    def __init__(
        self,
        services: ServiceContext,
        done: Outcome[MoveResult],
        text: str,
        applied: Applied,
        failed: Failed,
    ):
        super().__init__(text)
        self.services = services
        self.result = done.value
        self.applied = applied
        self.failed = failed
        self._first_redo = True
        self._versions = {state.application_id: state.version for state in self.result.after}

    def redo(self) -> None:
        if self._first_redo:  # already carried out before being pushed
            self._first_redo = False
            return
        self._run(self.result.after, Replay.REDO)

    def undo(self) -> None:
        self._run(self.result.before, Replay.UNDO)

    def _run(self, target: tuple[MovedCard, ...], replay: Replay) -> None:
        try:
            done = move_applications(self.services, _restore(target, self._versions, replay))
        except (VersionConflictError, ValidationError) as exc:
            self.setObsolete(True)  # the stack drops a command that can no longer apply
            self.failed(exc)
            return
        self._versions = {state.application_id: state.version for state in done.value.after}
        self.applied(done, {})
