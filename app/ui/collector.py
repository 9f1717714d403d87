"""Python's cyclic garbage collector, run on the GUI thread only.

The automatic collector runs on whichever thread happens to allocate when a threshold is
crossed, and the workers (background queries, the outbox dispatcher) allocate a great deal. A
cycle it frees may hold Qt objects: a closed dialog's wrapper with its timers, pixmaps and the
`BackgroundOps` of its queries. Freed on a worker thread, their C++ destructors run there, beside
the GUI thread that owns them, and Qt may crash later in that thread's event processing. So the
automatic collector stays off while the window is up, and `GuiThreadCollector` does the same
generational work, with the same thresholds, from a timer on the GUI thread.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_INTERVAL_MS = 250  # how often the counts are looked at; a look costs microseconds


def collect_if_due(thresholds: tuple[int, int, int]) -> int | None:
    """Collect the oldest generation whose threshold is crossed, as the automatic collector
    would; the generation collected, or None when none was due."""
    first, second, third = thresholds
    allocations, young, middle = gc.get_count()
    if allocations <= first:
        return None
    generation = 0
    if young >= second:
        generation = 2 if middle >= third else 1
    gc.collect(generation)
    return generation


class GuiThreadCollector(QObject):
    """Turns automatic collection off and collects from a GUI-thread timer instead; `stop`
    (or the owner's destruction) turns it back on."""

    def __init__(self, parent: QObject, interval_ms: int = CHECK_INTERVAL_MS):
        super().__init__(parent)
        threshold = gc.get_threshold()
        self.thresholds = (threshold[0], threshold[1], threshold[2])
        self.collections = [0, 0, 0]  # per generation, for tests and diagnostics
        gc.disable()
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()
        self.destroyed.connect(_enable)

    def check(self) -> None:
        generation = collect_if_due(self.thresholds)
        if generation is not None:
            self.collections[generation] += 1

    def pause(self) -> None:
        """Stop looking for a while (automatic collection stays off)."""
        self._timer.stop()

    def resume(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()


def _enable() -> None:
    gc.enable()
