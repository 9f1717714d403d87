"""Background resume intake, without Qt: parse in worker processes, import in one thread.

Parsers meet hostile files (huge, malformed, crafted), so each parse runs in a worker
*process* ("spawn": no inherited locks or Qt state) with an address-space limit, and is
killed when it overruns its time limit. A hang or crash fails that one file; the others
carry on in fresh workers. One background thread feeds and watches the workers and does
the database writes with its own sessions: the files parsed so far are imported together
(`app.services.intake.batch`: one transaction, each file in its own savepoint), and between
two files of a batch the workers are handed their next file, so parsing and importing
overlap. It reports every step through ``on_update``, which the Qt layer re-emits on the
GUI thread.
Only ids, paths and plain dataclasses cross the thread and process boundaries.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.services.core.changes import Changes
from app.wording import plural
from app.workers.archives import ARCHIVE_SUFFIXES, RESUME_SUFFIXES, expand

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from app.parsing.result import ParsedResume
    from app.services.core.context import ServiceContext
    from app.services.intake.importer import ImportResult, IntakeTarget

log = logging.getLogger(__name__)

QUEUED, PARSING, IMPORTING = "queued", "parsing", "importing"
DONE, FAILED, CANCELLED = "done", "failed", "cancelled"
NEEDS_REVIEW = "review"  # stored, but no candidate made: nobody could be named from it
FINAL_STATES = frozenset({DONE, FAILED, CANCELLED, NEEDS_REVIEW})
IDLE_WORKER_SECONDS = 60.0  # an idle worker process is stopped after this long
IMPORT_BATCH = 32  # parsed files imported in one transaction, at most
# While more files are being parsed, a batch waits until it holds this many files or its first
# has waited IMPORT_WAIT_S: a transaction's fixed cost (the lock, the commit, re-deriving each
# touched candidate's search row) makes a file imported alone cost twice one in a batch of 8,
# and early in a drop the parsers deliver one file at a time.
MIN_IMPORT_BATCH = 8
IMPORT_WAIT_S = 0.25
# Files handed to one parser process at a time: the next waits in its pipe, so the process
# starts on it the moment it has sent a reply, not after this thread has read that reply
# (which waits while a batch is imported).
WORKER_DEPTH = 2
# A parser process runs Python's cycle collector itself, every this many files, instead of
# letting allocation counts trigger it mid-parse (about 4% of a parse); the modules loaded
# by the first file are frozen out of its reach.
COLLECT_EVERY = 16
PARSER_NICENESS = 10  # parser processes run this much below the app (see `_lower_priority`)

ParseFunction = Callable[..., "ParsedResume"]


@dataclass(frozen=True)
class ItemUpdate:
    """The state of one file, each time it changes."""

    item_id: int
    path: str
    state: str  # queued | parsing | importing | done | review | failed | cancelled
    message: str = ""
    result: ImportResult | None = None
    error_kind: str | None = None
    # What the import wrote, as the service reported it: the window broadcasts exactly this.
    changes: Changes = field(default_factory=Changes)


@dataclass(frozen=True)
class Parsed:
    """A parser process's reply: the file was read."""

    item_id: int
    resume: ParsedResume


@dataclass(frozen=True)
class ParseFailed:
    """A parser process's reply: the file could not be read, and why."""

    item_id: int
    error_kind: str  # a `ParseError` kind, "memory" or "parser_error"
    message: str


ParseReply = Parsed | ParseFailed


# --- the worker process --------------------------------------------------------------------


def _default_parse(path: Path, default_region: str = "US") -> ParsedResume:
    # Deferred: only the parser processes load the parser (pdfplumber and the rest).
    from app.parsing import parse_file

    return parse_file(path, default_region=default_region)


def _lower_priority(pid: int | None) -> None:
    """Run a parser process below the app's own threads: with every core parsing, the window
    and the import thread (which writes what the parsers read) would otherwise get a share of
    a core each, and the window would stall. Parsers still take every core left over. Set
    from here, at once, so that the process's own start-up (Python and its imports) is
    covered too."""
    if pid is None:  # not started
        return
    with contextlib.suppress(OSError, AttributeError):  # no setpriority on Windows
        os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, 0) + PARSER_NICENESS)


def _limit_memory(memory_mb: int) -> None:
    try:
        # Deferred: not on Windows, which has no address-space limit.
        import resource
    except ImportError:  # not on Windows: rely on the time limit
        return
    limit = memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(
        resource.RLIMIT_AS, (limit, hard if hard != resource.RLIM_INFINITY else limit)
    )


def _worker_main(
    connection: Connection, memory_mb: int, parse: ParseFunction | None, default_region: str
) -> None:
    """Parse the paths sent on ``connection`` one by one and send back each outcome."""
    with contextlib.suppress(ValueError, OSError):  # Ctrl-C is the parent's to handle
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _limit_memory(memory_mb)
    # Deferred: only the parser processes load the parser.
    from app.parsing.result import ParseError

    function = parse or _default_parse
    since_collect = -1  # -1: no file parsed yet
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        item_id, path = task
        reply: ParseReply
        try:
            reply = Parsed(item_id, function(Path(path), default_region=default_region))
        except ParseError as exc:
            reply = ParseFailed(item_id, exc.kind, str(exc))
        except MemoryError:
            reply = ParseFailed(
                item_id, "memory", f"The file needs more than {memory_mb} MB to read."
            )
        except Exception as exc:  # a parser bug must not take the worker's other files down
            reply = ParseFailed(item_id, "parser_error", f"The parser failed: {exc!r}"[:500])
        try:
            connection.send(reply)
        except MemoryError:
            connection.send(ParseFailed(item_id, "memory", "The result is too large to return."))
        except Exception as exc:  # an unpicklable result
            connection.send(ParseFailed(item_id, "parser_error", f"Unusable result: {exc!r}"[:500]))
        if isinstance(reply, ParseFailed) and reply.error_kind == "memory":
            return  # start afresh: the heap may be fragmented or half-initialised
        since_collect = _collect_garbage(since_collect)


def _collect_garbage(since_collect: int) -> int:
    """After a file: the first time, freeze what is loaded and take over collection; then
    collect every `COLLECT_EVERY` files. Returns the new count."""
    if since_collect < 0:
        gc.freeze()  # the parser's modules and tables: long-lived, never garbage
        gc.disable()
        return 0
    if since_collect + 1 >= COLLECT_EVERY:
        gc.collect()
        return 0
    return since_collect + 1


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    # The files sent and not yet answered, in order: the process answers the first next.
    pending: deque[int] = field(default_factory=deque)
    deadline: float = 0.0  # for the first pending file, counted from when it started
    idle_since: float = field(default_factory=time.monotonic)

    @property
    def item_id(self) -> int | None:
        """The file being parsed now, if any."""
        return self.pending[0] if self.pending else None


@dataclass
class _Item:
    id: int
    display: str
    path: Path | None
    target: IntakeTarget | None
    state: str = QUEUED


# --- the runner ----------------------------------------------------------------------------


class IntakeRunner:
    """Imports resume files in the background; see the module docstring.

    ``parse`` replaces `app.parsing.parse_file` (tests): a module-level function, since
    worker processes are spawned and receive it by reference.
    """

    def __init__(
        self,
        ctx: ServiceContext,
        documents_dir: Path,
        on_update: Callable[[ItemUpdate], None],
        workers: int | None = None,
        timeout_s: float = 60,
        memory_mb: int = 1536,
        default_region: str = "US",
        parse: ParseFunction | None = None,
    ):
        # Deferred: keeps SQLAlchemy and the services out of the spawned parser processes.
        from sqlalchemy.orm import sessionmaker

        # Deferred: as above.
        from app.services.core.context import ServiceContext as Context

        bind = ctx.sessions.kw.get("bind")
        # The thread's own session factory over the same (thread-safe) engine.
        self._ctx = Context(sessionmaker(bind, expire_on_commit=False), ctx.actor) if bind else ctx
        self.documents_dir = Path(documents_dir)
        self._on_update = on_update
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self.default_region = default_region
        self._parse = parse
        self._mp = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._items: dict[int, _Item] = {}
        self._queue: deque[int] = deque()
        # Dropped paths not yet walked (`submit_in_background`), and the thread walking them.
        self._expansions: deque[tuple[list[Path], IntakeTarget | None]] = deque()
        self._expander: threading.Thread | None = None
        self._ready: deque[tuple[int, ParsedResume]] = deque()  # parsed, waiting for import
        self._ready_since = 0.0  # when the first file now in ``_ready`` was parsed
        self._outbox: deque[ItemUpdate] = deque()
        self._emitting = 0
        self._next_id = 1
        self._cancel_running = False
        self._stopping = False
        self._closed = False
        self._pool: list[_Worker] = []
        self._scratch = Path(tempfile.mkdtemp(prefix="hirebench-intake-"))
        self._wake_reader, self._wake_writer = self._mp.Pipe(duplex=False)
        self._thread = threading.Thread(target=self._run, name="hirebench-intake", daemon=True)
        self._thread.start()

    # -- the public API, for any thread --

    def submit(self, paths: Iterable[Path], target: IntakeTarget | None = None) -> list[int]:
        """Queue files, folders (recursively) and zip archives; returns one id per file.

        Unsupported, missing and refused files get an id too, and a "failed" update.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("This intake runner is closed.")
        entries = list(expand([Path(p) for p in paths], self._scratch))
        ids = []
        with self._lock:
            for entry in entries:
                item = _Item(self._next_id, entry.display, entry.path, target)
                self._next_id += 1
                self._items[item.id] = item
                ids.append(item.id)
                if entry.path is None:
                    item.state = FAILED
                    self._post(item, entry.message, error_kind=entry.error_kind)
                else:
                    self._queue.append(item.id)
                    self._post(item)
        self._wake()
        return ids

    def submit_in_background(
        self, paths: Iterable[Path], target: IntakeTarget | None = None
    ) -> None:
        """As `submit`, but folders are walked and archives unpacked on a thread of the
        runner's, in the order given: a drop returns at once whatever the folder holds (a
        network share, a large zip), and its files are reported as they are queued."""
        with self._lock:
            if self._closed:
                raise RuntimeError("This intake runner is closed.")
            self._expansions.append(([Path(p) for p in paths], target))
            if self._expander is None:
                self._expander = threading.Thread(
                    target=self._expand_pending, name="hirebench-intake-files", daemon=True
                )
                self._expander.start()

    def _expand_pending(self) -> None:
        while True:
            with self._lock:
                if not self._expansions or self._closed:
                    self._expansions.clear()
                    self._expander = None
                    self._changed.notify_all()
                    return
                paths, target = self._expansions[0]
            try:
                self.submit(paths, target)
            except Exception:  # closed meanwhile, or a folder that vanished mid-walk
                log.exception("could not queue %d dropped paths", len(paths))
            with self._lock:
                self._expansions.popleft()
                self._changed.notify_all()

    def cancel(self) -> None:
        """Cancel queued files; files being parsed are stopped (their workers killed)."""
        with self._lock:
            self._cancel_queued()
            self._cancel_running = True
        self._wake()

    def retry(self, item_ids: Iterable[int]) -> list[int]:
        """Queue failed or cancelled files again; returns the ids actually queued."""
        queued = []
        with self._lock:
            for item_id in item_ids:
                item = self._items.get(item_id)
                if item is None or item.path is None or item.state not in (FAILED, CANCELLED):
                    continue
                item.state = QUEUED
                self._queue.append(item.id)
                self._post(item, "Queued again.")
                queued.append(item.id)
        self._wake()
        return queued

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every file has finished and been reported; False on timeout."""
        with self._changed:
            return self._changed.wait_for(self._settled, timeout)

    def close(self, timeout: float = 10.0) -> None:
        """Stop: cancel what is left, end the workers and the thread, delete temporary files."""
        with self._lock:
            if self._closed:
                return
            self._closed = self._stopping = True
            self._cancel_queued()
        self._wake()
        if threading.current_thread() is not self._thread:  # close() from an update callback
            self._thread.join(timeout)
        self._wake_writer.close()
        shutil.rmtree(self._scratch, ignore_errors=True)

    def __enter__(self) -> IntakeRunner:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- helpers shared by both sides (called with the lock held) --

    def _settled(self) -> bool:
        return (
            not self._outbox
            and not self._emitting
            and not self._expansions
            and all(item.state in FINAL_STATES for item in self._items.values())
        )

    def _post(
        self,
        item: _Item,
        message: str = "",
        result: ImportResult | None = None,
        error_kind: str | None = None,
        changes: Changes | None = None,
    ) -> None:
        self._outbox.append(
            ItemUpdate(
                item.id, item.display, item.state, message, result, error_kind, changes or Changes()
            )
        )

    def _cancel_queued(self) -> None:
        while self._queue:
            item = self._items[self._queue.popleft()]
            item.state = CANCELLED
            self._post(item, "Cancelled.")

    def _wake(self) -> None:
        with self._lock, contextlib.suppress(OSError):
            self._wake_writer.send_bytes(b"\0")

    # -- the background thread --

    def _set(self, item_id: int, state: str, message: str = "", **extra: Any) -> None:
        with self._lock:
            item = self._items[item_id]
            item.state = state
            self._post(item, message, **extra)
        self._flush()

    def _flush(self) -> None:
        """Deliver queued updates in order, outside the lock (callbacks may call back in)."""
        while True:
            with self._lock:
                if not self._outbox:
                    self._changed.notify_all()
                    return
                update = self._outbox.popleft()
                self._emitting += 1
            try:
                self._on_update(update)
            except Exception:
                log.exception("intake update callback failed")
            finally:
                with self._lock:
                    self._emitting -= 1

    def _run(self) -> None:
        while True:
            try:
                if self._step():
                    break
            except Exception:  # keep serving the other files; this one is reported below
                log.exception("intake thread step failed")
                self._fail_orphans()
                time.sleep(0.1)
        try:
            self._shutdown_workers()
        finally:
            with self._lock:
                for item in self._items.values():
                    if item.state not in FINAL_STATES:
                        item.state = CANCELLED
                        self._post(item, "Cancelled.")
            self._flush()

    def _step(self) -> bool:
        """One round of the thread's loop; True when it is time to stop."""
        self._flush()
        with self._lock:
            stopping, cancel = self._stopping, self._cancel_running
            self._cancel_running = False
        if cancel or stopping:
            self._stop_busy_workers()
        if stopping:
            return True
        self._dispatch()
        self._flush()
        self._watch()
        self._import_ready()
        return False

    def _fail_orphans(self) -> None:
        """After an unexpected error, fail the files that no worker is parsing any more."""
        working = {item_id for w in self._pool for item_id in w.pending}
        self._ready.clear()  # their items are failed below, with the rest
        with self._lock:
            for item in self._items.values():
                if item.state in (PARSING, IMPORTING) and item.id not in working:
                    item.state = FAILED
                    self._post(item, "Internal error; see the log.", error_kind="internal")

    def _dispatch(self) -> None:
        """Hand queued files to idle workers, starting workers up to the limit, then a
        second file to each busy one (`WORKER_DEPTH`)."""
        while True:
            idle = next((w for w in self._pool if not w.pending), None)
            if idle is None and len(self._pool) >= self.workers:
                idle = min(self._pool, key=lambda w: len(w.pending), default=None)
                if idle is None or len(idle.pending) >= WORKER_DEPTH:
                    return
            with self._lock:
                if not self._queue:
                    return
                item_id = self._queue.popleft()
                item = self._items[item_id]
                item.state = PARSING
                self._post(item)
            worker = idle or self._start_worker()
            try:
                worker.connection.send((item_id, str(item.path)))
            except OSError:
                if worker.pending:  # it died on the file it has: that one is collected below
                    worker.pending.append(item_id)
                    self._collect(worker)
                    continue
                self._retire(worker)
                self._set(
                    item_id, FAILED, "The parser process could not start.", error_kind="crashed"
                )
                continue
            if not worker.pending:
                worker.deadline = time.monotonic() + self.timeout_s
            worker.pending.append(item_id)

    def _start_worker(self) -> _Worker:
        ours, theirs = self._mp.Pipe()
        process = self._mp.Process(
            target=_worker_main,
            args=(theirs, self.memory_mb, self._parse, self.default_region),
            name="hirebench-parser",
            daemon=True,
        )
        process.start()
        _lower_priority(process.pid)
        theirs.close()  # so a dead worker reads as end-of-file here
        worker = _Worker(process, ours)
        self._pool.append(worker)
        return worker

    def _poll_workers(self) -> None:
        """Collect the replies already there (between import batches), without waiting."""
        busy = [w for w in self._pool if w.item_id is not None]
        waitables: list[Any] = []
        for worker in busy:
            waitables += [worker.connection, worker.process.sentinel]
        ready = wait(waitables, 0) if waitables else []
        for worker in busy:
            if worker.connection in ready or worker.process.sentinel in ready:
                self._collect(worker)

    def _watch(self) -> None:
        """Wait for a result, a dead worker, a deadline or a wake-up, and deal with it."""
        now = time.monotonic()
        busy = [w for w in self._pool if w.item_id is not None]
        deadlines = [w.deadline for w in busy]
        deadlines += [w.idle_since + IDLE_WORKER_SECONDS for w in self._pool if w.item_id is None]
        if self._ready:
            deadlines.append(self._ready_since + IMPORT_WAIT_S)
        timeout = max(0.0, min(deadlines) - now) if deadlines else None
        waitables: list[Any] = [self._wake_reader]
        for worker in busy:
            waitables += [worker.connection, worker.process.sentinel]
        ready = wait(waitables, timeout)
        if self._wake_reader in ready:
            with contextlib.suppress(EOFError, OSError):
                while self._wake_reader.poll():
                    self._wake_reader.recv_bytes()
        for worker in busy:
            if worker.connection in ready or worker.process.sentinel in ready:
                self._collect(worker)
        now = time.monotonic()
        for worker in list(self._pool):
            if worker.item_id is not None and now >= worker.deadline:
                item_id = worker.item_id
                self._retire(worker)
                message = f"Parsing took longer than {self.timeout_s:g} s and was stopped."
                self._set(item_id, FAILED, message, error_kind="timeout")
                self._requeue_waiting(worker)
            elif worker.item_id is None and now - worker.idle_since >= IDLE_WORKER_SECONDS:
                self._retire(worker, gently=True)

    def _collect(self, worker: _Worker) -> None:
        item_id = worker.item_id
        assert item_id is not None
        reply: ParseReply | None = None
        try:
            if worker.connection.poll():
                reply = worker.connection.recv()
        except (EOFError, OSError):
            reply = None
        if reply is None:  # the process died without answering
            worker.process.join(1)
            exitcode = worker.process.exitcode
            self._retire(worker)
            self._set(item_id, FAILED, _death_message(exitcode), error_kind="crashed")
            self._requeue_waiting(worker)
            return
        worker.pending.popleft()
        now = time.monotonic()
        worker.idle_since = now
        worker.deadline = now + self.timeout_s  # the next pending file starts now
        failed = reply if isinstance(reply, ParseFailed) else None
        if not worker.process.is_alive() or (failed and failed.error_kind == "memory"):
            self._retire(worker, gently=not worker.pending)
            self._requeue_waiting(worker, first_failed=False)
        self._dispatch()  # keep the other workers busy while this file is imported
        if isinstance(reply, Parsed):
            if not self._ready:
                self._ready_since = now
            self._ready.append((item_id, reply.resume))
        elif failed is not None:
            self._set(item_id, FAILED, failed.message, error_kind=failed.error_kind)
        else:
            log.error("unexpected reply from a parser: %r", type(reply).__name__)
            self._set(item_id, FAILED, "Internal error; see the log.", error_kind="internal")

    def _import_ready(self) -> None:
        """Import the files parsed so far, in batches of up to IMPORT_BATCH (one transaction
        each: see `app.services.intake.batch`)."""
        # Deferred: keeps SQLAlchemy and the services out of the spawned parser processes.
        from app.services.intake.batch import BatchItem, import_batch

        while self._import_due():
            batch = [self._ready.popleft() for _ in range(min(IMPORT_BATCH, len(self._ready)))]
            self._ready_since = time.monotonic()  # for the files parsed while this batch imports
            items: list[BatchItem] = []
            with self._lock:
                for item_id, parsed in batch:
                    item = self._items[item_id]
                    assert item.path is not None
                    item.state = IMPORTING
                    self._post(item)
                    items.append(BatchItem(item.path, parsed, item.target))
            self._flush()
            outcomes = import_batch(self._ctx, self.documents_dir, items, self._poll_workers)
            with self._lock:
                for (item_id, _parsed), done in zip(batch, outcomes, strict=True):
                    item = self._items[item_id]
                    if isinstance(done, Exception):
                        log.warning("import of item %s failed: %s", item_id, type(done).__name__)
                        item.state = FAILED
                        message = _import_failure(done, self._ctx)
                        self._post(item, message, error_kind="import")
                        continue
                    result = done.value
                    item.state = NEEDS_REVIEW if result.needs_review else DONE
                    self._post(item, describe(result), result=result, changes=done.changes)
            self._flush()
            self._poll_workers()

    def _import_due(self) -> bool:
        """Whether to import the parsed files now: enough for a batch, the first has waited
        long enough, or no more are on their way (nothing parsing or queued)."""
        if not self._ready:
            return False
        if len(self._ready) >= MIN_IMPORT_BATCH:
            return True
        if time.monotonic() >= self._ready_since + IMPORT_WAIT_S:
            return True
        with self._lock:
            queued = bool(self._queue)
        return not queued and not any(w.pending for w in self._pool)

    def _requeue_waiting(self, worker: _Worker, *, first_failed: bool = True) -> None:
        """After a worker was stopped or died, its files still waiting behind the one it
        failed on (``first_failed``) go back to the front of the queue for another worker:
        they were never started, so they do not fail with it."""
        waiting = list(worker.pending)[1 if first_failed else 0 :]
        worker.pending.clear()
        if not waiting:
            return
        with self._lock:
            for item_id in reversed(waiting):
                item = self._items[item_id]
                if item.state in FINAL_STATES:
                    continue
                item.state = QUEUED
                self._queue.appendleft(item_id)
                self._post(item)
        self._flush()

    def _stop_busy_workers(self) -> None:
        for worker in list(self._pool):
            if worker.pending:
                stopped = list(worker.pending)
                self._retire(worker)
                worker.pending.clear()
                for item_id in stopped:
                    self._set(item_id, CANCELLED, "Cancelled while parsing.")

    def _retire(self, worker: _Worker, gently: bool = False) -> None:
        """Stop a worker: ask an idle one to leave, kill a busy or stuck one."""
        if gently and worker.process.is_alive():
            with contextlib.suppress(OSError):
                worker.connection.send(None)
            worker.process.join(1)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(5)
        worker.connection.close()
        with contextlib.suppress(ValueError):
            worker.process.close()
        if worker in self._pool:
            self._pool.remove(worker)

    def _shutdown_workers(self) -> None:
        for worker in list(self._pool):
            self._retire(worker, gently=worker.item_id is None)


def _death_message(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        hint = " (out of memory?)" if -exitcode == signal.SIGKILL else ""
        return f"The parser was killed by {name}{hint}; the file was not imported."
    return f"The parser crashed (exit code {exitcode}); the file was not imported."


def _import_failure(exc: Exception, ctx: ServiceContext) -> str:
    # Deferred: keeps SQLAlchemy and the services out of the spawned parser processes.
    from sqlalchemy.exc import SQLAlchemyError

    # Deferred: as above.
    from app.services.core.unit_of_work import NotFoundError, ValidationError
    from app.store.db import BUSY_TIMEOUT_MS, DatabaseError, lock_wait_ms
    from app.store.errors import describe_database_error, is_locked

    if isinstance(exc, ValidationError | NotFoundError | DatabaseError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"Could not store the file: {describe_database_error(exc)}"
    if isinstance(exc, SQLAlchemyError):
        waited = lock_wait_ms(ctx.sessions) if is_locked(exc) else BUSY_TIMEOUT_MS
        return f"The database refused the import: {describe_database_error(exc, None, waited)}"
    return f"The import failed: {exc!r}"[:300]


def describe(result: ImportResult) -> str:
    """One line for the user about a finished import."""
    # Deferred: keeps SQLAlchemy and the services out of the spawned parser processes.
    from app.services.candidates.edit import field_label

    if result.needs_review:
        return "; ".join(result.notes)
    who = f"{result.candidate_name} " if result.candidate_name else ""
    if result.duplicate_document:
        parts = [
            f"already imported (document #{result.document_id}), "
            f"candidate {who}#{result.candidate_id}"
        ]
    elif result.created:
        parts = [f"new candidate {who}#{result.candidate_id}"]
    else:
        parts = [f"added to candidate {who}#{result.candidate_id}"]
        if result.matched_by:
            parts.append(result.matched_by)
    if result.application_id:
        parts.append(f"application #{result.application_id}")
    if result.conflicts:
        names = ", ".join(sorted(field_label(name).lower() for name in result.conflicts))
        parts.append(f"{plural(len(result.conflicts), 'field')} not changed: {names}")
    if result.possible_duplicates:
        others = ", ".join(f"#{i}" for i in result.possible_duplicates)
        parts.append(f"possible duplicate of {others}")
    parts += [note.rstrip(".") for note in result.notes if not note.startswith("This file was")]
    return "; ".join(parts)


# --- watching an inbox folder ----------------------------------------------------------------


class InboxWatcher:
    """Polls a folder for new resume files and submits each once its size has settled.

    A file is remembered by name, size and modification time, so a file replaced by a new
    version is imported again (the import itself recognises identical bytes). A file still
    being written (size or time changed since the previous look) waits for the next poll.
    """

    def __init__(
        self,
        folder: Path,
        submit: Callable[..., list[int]],
        interval_s: float = 5.0,
        target: IntakeTarget | None = None,
        on_submit: Callable[[list[int]], None] | None = None,
    ):
        """``submit(paths, target)`` queues files: `IntakeRunner.submit` or a wrapper of it."""
        self.folder = Path(folder)
        self.submit = submit
        self.interval_s = interval_s
        self.target = target
        self.on_submit = on_submit
        self._seen: set[tuple[str, int, int]] = set()
        self._pending: dict[str, tuple[int, int]] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll(self) -> list[int]:
        """Look once; submit the files that were already there, unchanged, last time."""

        wanted = RESUME_SUFFIXES | ARCHIVE_SUFFIXES
        ready: list[Path] = []
        current: dict[str, tuple[int, int]] = {}
        try:
            entries = list(os.scandir(self.folder))
        except OSError as exc:
            log.warning("cannot read the inbox %s: %s", self.folder, exc)
            return []
        for entry in entries:
            if entry.name.startswith((".", "~$")) or not entry.is_file():
                continue
            if Path(entry.name).suffix.lower() not in wanted:
                continue
            try:
                info = entry.stat()
            except OSError:
                continue
            key = (info.st_size, info.st_mtime_ns)
            if (entry.name, *key) in self._seen:
                continue
            current[entry.name] = key
            if self._pending.get(entry.name) == key and info.st_size > 0:
                ready.append(Path(entry.path))
                self._seen.add((entry.name, *key))
                del current[entry.name]
        self._pending = current
        if not ready:
            return []
        ids = self.submit(sorted(ready), self.target)
        if self.on_submit is not None:
            self.on_submit(ids)
        return ids

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="hirebench-inbox", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.interval_s + 5)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll()
            except Exception:
                log.exception("inbox poll failed")
            self._stop.wait(self.interval_s)
