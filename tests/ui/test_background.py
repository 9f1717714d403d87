"""BackgroundOps: work off the GUI thread, answers (and progress) back on it, stale ones
dropped, writes' changes published, nothing delivered to a deleted owner."""

from __future__ import annotations

import gc
import threading

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QWidget

from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import Outcome
from app.ui import background
from app.ui.background import BackgroundOps, run_in_background


@pytest.fixture
def owner(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


class Calls:
    """What reached the GUI thread, and on which thread each callback ran."""

    def __init__(self) -> None:
        self.done: list[object] = []
        self.errors: list[BaseException] = []
        self.progress: list[object] = []
        self.published: list[Changes] = []
        self.threads: set[threading.Thread] = set()

    def _on_gui(self) -> None:
        self.threads.add(threading.current_thread())

    def on_done(self, value: object) -> None:
        self._on_gui()
        self.done.append(value)

    def on_error(self, error: BaseException) -> None:
        self._on_gui()
        self.errors.append(error)

    def on_progress(self, value: object) -> None:
        self._on_gui()
        self.progress.append(value)

    def publish(self, changes: Changes) -> None:
        self._on_gui()
        self.published.append(changes)


def test_a_query_runs_off_the_gui_thread_and_answers_on_it(owner, qtbot) -> None:
    ops, calls = BackgroundOps(owner), Calls()
    ran_on: list[threading.Thread] = []

    def work() -> int:
        ran_on.append(threading.current_thread())
        return 42

    ops.query("answer", work, calls.on_done, calls.on_error)
    assert ops.busy("answer") and ops.busy()
    qtbot.waitUntil(lambda: calls.done == [42], timeout=5000)
    assert not ops.busy("answer") and not ops.busy()
    assert ran_on and threading.main_thread() not in ran_on
    assert ops.ran_on("answer") is ran_on[0] and ops.ran_on("other") is None
    assert calls.threads == {threading.main_thread()}
    assert calls.errors == []


def test_a_failure_reaches_on_error(owner, qtbot) -> None:
    ops, calls = BackgroundOps(owner), Calls()

    def work() -> None:
        raise ValueError("the database is locked")

    ops.query("broken", work, calls.on_done, calls.on_error)
    qtbot.waitUntil(lambda: bool(calls.errors), timeout=5000)
    assert [str(e) for e in calls.errors] == ["the database is locked"]
    assert isinstance(calls.errors[0], ValueError)
    assert calls.done == [] and not ops.busy()


def test_progress_arrives_queued_on_the_gui_thread_before_the_result(owner, qtbot) -> None:
    ops, calls = BackgroundOps(owner), Calls()
    reported_from: list[threading.Thread] = []

    def work(report) -> str:
        reported_from.append(threading.current_thread())
        for step in (1, 2, 3):
            report(step)
        return "finished"

    ops.query("steps", work, calls.on_done, calls.on_error, on_progress=calls.on_progress)
    qtbot.waitUntil(lambda: calls.done == ["finished"], timeout=5000)
    assert calls.progress == [1, 2, 3]
    assert threading.main_thread() not in reported_from
    assert calls.threads == {threading.main_thread()}


def test_a_newer_op_of_the_same_name_supersedes_the_older(owner, qtbot) -> None:
    ops, calls = BackgroundOps(owner), Calls()
    release = threading.Event()
    stopped: list[str] = []

    def slow(report) -> str:
        report("early")  # may arrive before the newer op starts: the GUI has it then
        release.wait(5)
        try:
            report("late")  # superseded by now: this stops the work
        except Exception as exc:
            stopped.append(type(exc).__name__)
            raise
        return "old"

    other = Calls()
    ops.query("search", slow, calls.on_done, calls.on_error, on_progress=calls.on_progress)
    ops.query("search", lambda: "new", calls.on_done, calls.on_error)
    ops.query("count", lambda: 7, other.on_done, other.on_error)  # another name: unaffected
    qtbot.waitUntil(lambda: calls.done == ["new"] and other.done == [7], timeout=5000)
    release.set()
    qtbot.waitUntil(lambda: stopped == ["Superseded"], timeout=5000)
    qtbot.wait(50)  # the old op's answer, had it been delivered, would have arrived
    assert calls.done == ["new"] and calls.errors == []
    assert "late" not in calls.progress
    assert not ops.busy()


def test_cancel_drops_a_running_ops_answer(owner, qtbot) -> None:
    ops, calls = BackgroundOps(owner), Calls()
    release = threading.Event()
    finished = threading.Event()

    def work() -> int:
        release.wait(5)
        finished.set()
        return 1

    ops.query("count", work, calls.on_done, calls.on_error)
    ops.cancel("count")
    assert not ops.busy("count")
    release.set()
    assert finished.wait(5)
    qtbot.wait(50)
    assert calls.done == [] and calls.errors == []


def test_a_write_publishes_its_changes_then_answers(owner, qtbot) -> None:
    ops, calls = BackgroundOps(owner), Calls()
    changes = Changes.of(ChangeKind.CANDIDATES, 3)
    order: list[str] = []
    ops.write(
        "save",
        lambda: Outcome("saved", changes),
        lambda value: order.append(f"done:{value.value}"),
        calls.on_error,
        lambda published: order.append(f"published:{sorted(k.value for k in published.kinds)}"),
    )
    qtbot.waitUntil(lambda: len(order) == 2, timeout=5000)
    assert order == ["published:['candidates']", "done:saved"]


def test_a_superseded_write_still_publishes_what_it_changed(owner, qtbot) -> None:
    ops, calls = BackgroundOps(owner), Calls()
    release = threading.Event()
    first = Changes.of(ChangeKind.POOLS, 1)
    second = Changes.of(ChangeKind.POOLS, 2)

    def slow() -> Changes:
        release.wait(5)
        return first

    ops.write("add", slow, calls.on_done, calls.on_error, calls.publish)
    ops.write("add", lambda: second, calls.on_done, calls.on_error, calls.publish)
    qtbot.waitUntil(lambda: calls.done == [second], timeout=5000)
    release.set()
    qtbot.waitUntil(lambda: len(calls.published) == 2, timeout=5000)
    assert calls.published == [second, first]  # the change happened: views must hear of it
    assert calls.done == [second]


def test_a_failed_write_publishes_nothing(owner, qtbot) -> None:
    ops, calls = BackgroundOps(owner), Calls()

    def work() -> Changes:
        raise RuntimeError("refused")

    ops.write("save", work, calls.on_done, calls.on_error, calls.publish)
    qtbot.waitUntil(lambda: bool(calls.errors), timeout=5000)
    assert calls.published == [] and calls.done == []


def test_nothing_reaches_a_deleted_owner(qtbot) -> None:
    widget = QWidget()
    ops, calls = BackgroundOps(widget), Calls()
    release = threading.Event()
    finished = threading.Event()

    def work(report) -> int:
        release.wait(5)
        report("step")
        finished.set()
        return 1

    ops.query("slow", work, calls.on_done, calls.on_error, on_progress=calls.on_progress)
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    release.set()
    assert finished.wait(5)
    qtbot.wait(100)
    assert calls.done == [] and calls.progress == [] and calls.errors == []


def test_run_in_background_answers_once(owner, qtbot) -> None:
    calls = Calls()
    run_in_background(owner, lambda: "ok", calls.on_done, calls.on_error, name="one-off")
    qtbot.waitUntil(lambda: calls.done == ["ok"], timeout=5000)
    qtbot.wait(20)
    assert not owner.findChildren(BackgroundOps)  # it cleans up after itself


def test_an_emitter_outliving_its_owner_is_deleted_on_the_gui_thread(qtbot) -> None:
    """The worker's closure must not hold the last reference: the C++ object would then be
    destroyed on the worker, beside the GUI thread that owns it."""
    widget = QWidget()
    ops = BackgroundOps(widget)
    release = threading.Event()
    destroyed_on: list[threading.Thread] = []

    def work() -> int:
        release.wait(5)
        return 1

    ops.query("slow", work, lambda _: None, lambda _: None)
    [(emitter, thread)] = [(e, t) for e, t in background._EMITTERS if t.name == "bg-slow"]
    emitter.destroyed.connect(
        lambda: destroyed_on.append(threading.current_thread()), Qt.ConnectionType.DirectConnection
    )
    del emitter
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    del ops, widget
    gc.collect()  # the owner's wrappers are gone; only the worker and the keeper remain
    release.set()
    thread.join(5)
    assert not thread.is_alive() and destroyed_on == []  # the worker let go without deleting
    other = QWidget()
    qtbot.addWidget(other)
    BackgroundOps(other).query("next", lambda: 2, lambda _: None, lambda _: None)
    assert destroyed_on == [threading.main_thread()]  # swept here when the next op started
