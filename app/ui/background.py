"""Slow work off the GUI thread, its answer back on it by queued signal.

A widget owns one `BackgroundOps` and starts named operations on it: a *query* reads
(``on_done(result)`` or ``on_error(exc)`` follows), a *write* calls a service whose
`Outcome`/`Changes` is also handed to ``publish`` when it succeeded. A newer operation of the
same name supersedes an older one (typing fast in a search box): the older one's progress and
result are dropped. Everything arrives on the GUI thread, and nothing arrives once the owner is
deleted. Only plain values (dataclasses, ids, exceptions) should cross over, never ORM objects.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from app.services.core.changes import Changes

log = logging.getLogger(__name__)

Report = Callable[[Any], None]  # what a work function calls to report progress
Work = Callable[..., Any]  # no arguments, or ``report`` when progress is wanted


class Superseded(Exception):  # noqa: N818 (not an error: a newer operation replaced it)
    """Raised by ``report`` in an operation that a newer one of its name replaced: the work
    stops there, since nobody will see what it finds."""


class _Emitter(QObject):
    """Created on the GUI thread without a parent: emitting on it is safe even after the owner
    is gone, and its queued signal then reaches nobody. Kept in `_EMITTERS` until its thread
    has ended and deleted there, on the GUI thread: were the worker's closure the last
    reference, the C++ object would be destroyed on the worker, beside the thread that owns it.
    """

    report = Signal(str, int, str, object)  # name, token, kind (done/failed/progress), value


# Every emitter whose thread may still run, with that thread, whichever BackgroundOps made it
# (its owner may be deleted first). Touched on the GUI thread only.
_EMITTERS: list[tuple[_Emitter, threading.Thread]] = []


def _keep_until_done(emitter: _Emitter, thread: threading.Thread) -> None:
    """Forget the emitters of ended threads (deleting them here) and keep this one."""
    _EMITTERS[:] = [(e, t) for e, t in _EMITTERS if t.is_alive()]
    _EMITTERS.append((emitter, thread))


def _sweep_emitters() -> None:
    _EMITTERS[:] = [(e, t) for e, t in _EMITTERS if t.is_alive()]


class BackgroundOps(QObject):
    """Named background operations of one widget (its parent); see the module's docstring."""

    def __init__(self, owner: QObject):
        super().__init__(owner)
        self._tokens: dict[str, int] = {}  # the newest operation of each name
        self._running: dict[int, tuple[_Emitter, _Handlers, threading.Thread]] = {}
        self._threads: dict[str, threading.Thread] = {}  # where each name last ran
        self._next = 0

    def query(
        self,
        name: str,
        work: Work,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: Callable[[Any], None] | None = None,
    ) -> None:
        """Run a read: ``work()`` (``work(report)`` when ``on_progress`` is given)."""
        self._start(name, work, _Handlers(on_done, on_error, on_progress))

    def write(
        self,
        name: str,
        work: Work,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        publish: Callable[[Changes], None],
        on_progress: Callable[[Any], None] | None = None,
    ) -> None:
        """Run a service write returning an `Outcome` (or `Changes`): what it changed is
        published when it succeeds, even if a newer write of the same name came meanwhile
        (the change happened); ``on_done`` only for the newest."""
        self._start(name, work, _Handlers(on_done, on_error, on_progress, publish))

    def busy(self, name: str | None = None) -> bool:
        """Whether the newest operation of ``name`` (of any name, when None) has not answered."""
        names = self._tokens if name is None else (name,)
        return any(self._tokens.get(n) in self._running for n in names)

    def ran_on(self, name: str) -> threading.Thread | None:
        """The thread the latest operation of ``name`` ran on (for tests and diagnostics)."""
        return self._threads.get(name)

    def cancel(self, name: str) -> None:
        """Drop whatever the running operation of ``name`` would still report."""
        self._next += 1
        self._tokens[name] = self._next

    # ---- internals --------------------------------------------------------------------------
    def _start(self, name: str, work: Work, handlers: _Handlers) -> None:
        self._next += 1
        token = self._next
        self._tokens[name] = token
        emitter = _Emitter()
        emitter.report.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        # What the worker's closures hold: plain values only, never the handlers (bound methods
        # of widgets) nor this object, whose last reference must not be dropped off this thread.
        tokens, threads = self._tokens, self._threads
        wants_progress = handlers.on_progress is not None

        def report(value: Any) -> None:
            if tokens.get(name) != token:
                raise Superseded(name)
            _emit(emitter, name, token, "progress", value)

        def run() -> None:
            threads[name] = threading.current_thread()
            try:
                result = work(report) if wants_progress else work()
            except Superseded:
                _emit(emitter, name, token, "failed", Superseded(name))
            except Exception as exc:  # handed to the GUI thread, which says what happened
                log.warning("%s failed: %s", name, exc)
                _emit(emitter, name, token, "failed", exc)
            else:
                _emit(emitter, name, token, "done", result)

        thread = threading.Thread(target=run, name=f"bg-{name}", daemon=True)
        self._running[token] = (emitter, handlers, thread)
        _keep_until_done(emitter, thread)
        thread.start()

    def _deliver(self, name: str, token: int, kind: str, value: Any) -> None:
        entry = self._running.get(token)
        if entry is None:
            return
        handlers = entry[1]
        current = self._tokens.get(name) == token
        if kind == "progress":
            if current and handlers.on_progress is not None:
                handlers.on_progress(value)
            return
        del self._running[token]
        _sweep_emitters()
        if kind == "done" and handlers.publish is not None:
            changes = getattr(value, "changes", value)
            if isinstance(changes, Changes) and changes.ids:
                handlers.publish(changes)
        if not current:
            return  # superseded: a newer operation of this name answers instead
        if kind == "done":
            handlers.on_done(value)
        else:
            handlers.on_error(value)


class _Handlers:
    """The GUI-thread callbacks of one operation."""

    def __init__(
        self,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: Callable[[Any], None] | None = None,
        publish: Callable[[Changes], None] | None = None,
    ):
        self.on_done, self.on_error = on_done, on_error
        self.on_progress, self.publish = on_progress, publish


def _emit(emitter: _Emitter, name: str, token: int, kind: str, value: Any) -> None:
    try:
        emitter.report.emit(name, token, kind, value)
    except RuntimeError:  # the application is shutting down: nobody is left to tell
        log.debug("background %s dropped: its receiver is gone", kind)


def run_in_background(
    parent: QObject,
    work: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
    name: str = "background",
) -> None:
    """One unnamed query on its own `BackgroundOps` under ``parent``, gone once answered."""
    ops = BackgroundOps(parent)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        ops.deleteLater()
        callback(value)

    ops.query(
        name,
        work,
        lambda result: finish(on_done, result),
        lambda error: finish(on_error, error),
    )
