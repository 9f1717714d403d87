"""How long the GUI thread freezes while work runs in the background: the longest gap between
ticks of a 5 ms timer on it, from the moment the work is asked for until it is done."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication

STALL_TARGET_MS = 50  # the longest the window may freeze
TICK_MS = 5
TIMEOUT_S = 30.0


def gui_stall(
    app: QApplication,
    start: Callable[[], None],
    done: Callable[[], bool],
    timeout_s: float = TIMEOUT_S,
) -> tuple[float, float]:
    """Run ``start`` on the GUI thread with a 5 ms timer ticking; wait until ``done()``.

    Returns (longest gap between ticks in ms, time until done in ms)."""
    ticks: list[float] = []
    loop = QEventLoop()
    finished: list[float] = []

    def tick() -> None:
        now = time.perf_counter()
        ticks.append(now)
        if done():
            finished.append(now)
            loop.quit()

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    safety = QTimer()
    safety.setSingleShot(True)
    safety.timeout.connect(loop.quit)
    app.processEvents()
    timer.start()
    safety.start(int(timeout_s * 1000))
    started = time.perf_counter()
    ticks.append(started)
    start()  # what the click or keystroke does on the GUI thread, counted in the stall
    loop.exec()
    timer.stop()
    safety.stop()
    assert finished, "the operation did not finish in time"
    gaps = [(b - a) * 1000 for a, b in itertools.pairwise(ticks)]
    return max(gaps), (finished[0] - started) * 1000
