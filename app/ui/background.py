"""Run one piece of work off the GUI thread and hear back on it, by queued signal.

For work that may take longer than a frame (checking or copying a large database file):
the window stays responsive and the result arrives as an ordinary slot call on the GUI
thread. Only plain values cross over, never ORM objects.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread; its signals, emitted from the worker, arrive queued."""

    succeeded = Signal(object)
    failed = Signal(object)


def run_in_background(
    parent: QObject,
    work: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
    name: str = "background",
) -> threading.Thread:
    """Start ``work`` on a daemon thread; ``on_done(result)`` or ``on_error(exc)`` follows."""
    relay = _Relay(parent)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        relay.deleteLater()
        callback(value)

    relay.succeeded.connect(lambda result: finish(on_done, result))
    relay.failed.connect(lambda error: finish(on_error, error))

    def run() -> None:
        try:
            result = work()
        except Exception as exc:  # handed to the GUI thread, which says what happened
            log.warning("%s failed: %s", name, exc)
            _emit(relay.failed, exc)
        else:
            _emit(relay.succeeded, result)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread


def _emit(signal: Any, value: Any) -> None:
    try:
        signal.emit(value)
    except RuntimeError:  # the window closed meanwhile: nobody is left to tell
        log.debug("background result dropped: its receiver is gone")
