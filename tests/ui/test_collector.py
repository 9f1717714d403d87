"""Cycles are collected on the GUI thread only, by a timer, never by a worker's allocations."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject

from app.ui.collector import GuiThreadCollector, collect_if_due


@pytest.fixture
def automatic_collection_restored() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    (gc.enable if was_enabled else gc.disable)()


class _Cycle:
    """Two of these refer to each other; freeing one notes the thread it was freed on."""

    def __init__(self, freed_on: list[threading.Thread]):
        self.other: _Cycle | None = None
        self.freed_on = freed_on

    def __del__(self) -> None:
        self.freed_on.append(threading.current_thread())


@pytest.fixture
def other_collectors_paused(qapp) -> Iterator[None]:
    """The test session's own collector (tests/conftest.py) would otherwise collect first."""
    others = qapp.findChildren(GuiThreadCollector)
    for other in others:
        other.pause()
    yield
    for other in others:
        other.resume()


def test_cycles_a_worker_drops_are_freed_on_the_gui_thread(
    qtbot, automatic_collection_restored, other_collectors_paused
) -> None:
    owner = QObject()
    collector = GuiThreadCollector(owner, interval_ms=20)
    assert not gc.isenabled()
    freed_on: list[threading.Thread] = []
    kept: list[list[int]] = []

    def worker() -> None:
        first, second = _Cycle(freed_on), _Cycle(freed_on)
        first.other, second.other = second, first
        del first, second
        kept.extend([n] for n in range(50_000))  # allocations enough to cross any threshold

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert freed_on == []  # the worker's allocations collected nothing
    qtbot.waitUntil(lambda: len(freed_on) == 2, timeout=2_000)  # the timer did
    assert set(freed_on) == {threading.main_thread()}
    assert sum(collector.collections) > 0
    collector.stop()
    assert gc.isenabled()


def test_the_due_generation_follows_the_thresholds(automatic_collection_restored) -> None:
    gc.disable()
    gc.collect()
    assert collect_if_due((10**9, 10, 10)) is None  # nothing allocated past the threshold
    junk = [[n] for n in range(2_000)]
    assert collect_if_due((100, 10, 10)) == 0
    assert collect_if_due((100, 10, 10)) is None  # just collected: the count starts again
    del junk


def test_deleting_the_owner_turns_automatic_collection_back_on(
    qtbot, automatic_collection_restored
) -> None:
    owner = QObject()
    GuiThreadCollector(owner)
    assert not gc.isenabled()
    owner.deleteLater()
    qtbot.waitUntil(gc.isenabled, timeout=2_000)
