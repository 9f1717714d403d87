"""The Qt bindings must not leak or over-release references on signal emits.

PySide6 6.12.0 under CPython 3.11 gives back one reference to True (or None) too many on
every emit and aborts the process after a few hundred; pyproject.toml keeps it out. This
test fails loudly if such a build is installed, instead of the app crashing later.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    flag = Signal(bool)
    bare = Signal()
    value = Signal(object)


def test_emits_keep_reference_counts_of_singletons(qapp) -> None:
    emitter = _Emitter()
    received: list[object] = []
    emitter.flag.connect(received.append)
    emitter.bare.connect(lambda: received.append(None))
    emitter.value.connect(received.append)
    counts = (sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None))
    for _ in range(200):
        emitter.flag.emit(True)
        emitter.flag.emit(False)
        emitter.bare.emit()
        emitter.value.emit(None)
    received.clear()
    after = (sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None))
    assert after == counts
