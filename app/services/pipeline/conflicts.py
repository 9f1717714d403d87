"""The error of a move or edit made on a stale view of an application.

Its own module so that what only names the error (the window's message helper, bulk actions)
need not load the board service and everything it brings (sequences, campaigns, mail): that
chain cost the first screen ~70 ms at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence


class VersionConflictError(Exception):
    """The application changed (elsewhere) since the caller loaded it."""

    def __init__(self, application_ids: Sequence[int], names: Sequence[str]):
        self.application_ids = tuple(application_ids)
        who = ", ".join(names) or "an application"
        super().__init__(
            f"{who} changed since the board was loaded (another window or another Hirebench). "
            "Nothing was moved; the board shows the current state."
        )
