"""What the intake benchmarks share: timing the GUI thread's slots, sampling where it stalls,
the memory high-water marks of this process and its parser processes, and a folder of
distinct generated resumes.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import itertools
import os
import statistics
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.services.core.context import ServiceContext
from tests.perf.support import ROOT, earlier_benchmarks_frozen

SHARED_PDFS = ROOT.parent / "shared" / "resumes" / "files"


def distinct_pdf_variants(
    folder: Path, count: int, label: str, sources: list[Path] | None = None
) -> list[Path]:
    """``count`` different files (by SHA-256): ``sources`` (the shared sample PDFs unless
    given) in turn, each with a comment line appended after %%EOF (``label`` and its number)."""
    sources = sources if sources is not None else sorted(SHARED_PDFS.glob("*.pdf"))
    if not sources:
        pytest.fail(f"no sample PDFs in {SHARED_PDFS}: the benchmark needs ../shared/")
    paths = []
    for n in range(count):
        source = sources[n % len(sources)]
        path = folder / f"{n:04d}-{source.name}"
        path.write_bytes(source.read_bytes() + f"\n% {label} {n}\n".encode())
        paths.append(path)
    assert len({hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}) == count
    return paths


SAMPLE_FROM_MS = 50  # the sampler records where the GUI thread is once a tick is this late


class SlotTimes:
    """Wraps GUI-thread slots (class attributes, before the window connects them) to time them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.monkeypatch = monkeypatch
        self.durations: dict[str, list[float]] = {}
        self.depth = 0
        self.top: list[tuple[float, str]] = []  # outermost wrapped calls only

    def wrap(self, owner: type, name: str) -> None:
        original = getattr(owner, name)
        label = f"{owner.__module__.replace('.', '/')}.py:{owner.__name__}.{name}"
        times = self.durations.setdefault(label, [])

        @functools.wraps(original)
        def timed(*args, **kwargs):
            self.depth += 1
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                took = (time.perf_counter() - started) * 1000
                self.depth -= 1
                times.append(took)
                if self.depth == 0:
                    self.top.append((took, label))

        self.monkeypatch.setattr(owner, name, timed)

    def slowest(self) -> tuple[float, str]:
        return max(self.top, default=(0.0, "-"))

    def summary(self) -> Iterator[str]:
        rows = sorted(
            ((max(v), sum(v), len(v), k) for k, v in self.durations.items() if v), reverse=True
        )
        for worst, total, calls, label in rows:
            yield f"  {label}: {calls} calls, max {worst:.1f} ms, total {total:.0f} ms"


class StallSampler(threading.Thread):
    """Records the GUI thread's stack whenever its timer is more than SAMPLE_FROM_MS late."""

    def __init__(self, gui_thread: int):
        super().__init__(name="stall-sampler", daemon=True)
        self.gui_thread = gui_thread
        self.last_tick = time.perf_counter()
        self.samples: dict[float, list[traceback.StackSummary]] = {}
        self.stop = threading.Event()

    def tick(self, now: float) -> None:
        self.last_tick = now

    def run(self) -> None:
        while not self.stop.wait(0.003):
            tick = self.last_tick
            if (time.perf_counter() - tick) * 1000 < SAMPLE_FROM_MS:
                continue
            frame = sys._current_frames().get(self.gui_thread)
            if frame is not None:
                self.samples.setdefault(tick, []).append(traceback.extract_stack(frame))

    def where(self, tick: float) -> list[str]:
        """The app frames the GUI thread was in during the stall after ``tick``, commonest first."""
        stacks = self.samples.get(tick, [])
        chains = Counter()
        for stack in stacks:
            frames = [
                f"{Path(f.filename).relative_to(ROOT)}:{f.name}"
                for f in stack
                if str(ROOT / "app") in f.filename
            ]
            chains[" → ".join(frames[-6:]) or "(outside app code)"] += 1
        return [f"{count}/{len(stacks)} samples: {chain}" for chain, count in chains.most_common(4)]


def timed_intake(folder: Path, pdfs: list[Path], safety_s: float) -> tuple[list[Any], float]:
    """Import ``pdfs`` into a new database in ``folder`` with the `IntakeRunner` on every
    core: each file's final `ItemUpdate` (in the order given), and the seconds from submitting
    to all done."""
    from app.services.core.users import ensure_user
    from app.store.database import open_database
    from app.workers.intake import FINAL_STATES, IntakeRunner, ItemUpdate

    database = open_database(folder / "intake.sqlite3", folder / "backups")
    ctx = ServiceContext(database.sessions, ensure_user(database.sessions, "bench"))
    final: dict[int, ItemUpdate] = {}

    def on_update(update: ItemUpdate) -> None:
        if update.state in FINAL_STATES:
            final[update.item_id] = update

    runner = IntakeRunner(ctx, folder / "documents", on_update, workers=os.cpu_count() or 1)
    try:
        with earlier_benchmarks_frozen():
            started = time.perf_counter()
            ids = runner.submit(pdfs)
            assert runner.wait(safety_s), "the intake did not finish in time"
            elapsed = time.perf_counter() - started
    finally:
        runner.close()
        database.close()
    return [final[i] for i in ids], elapsed


def instrument(monkeypatch: pytest.MonkeyPatch) -> SlotTimes:
    from app.ui.board.view import BoardWidget
    from app.ui.intake.dock import IntakeDock
    from app.ui.intake.panel import IntakePanel
    from app.ui.main_window import MainWindow
    from app.ui.sections.candidates import CandidatesSection
    from app.ui.sections.jobs import JobsSection
    from app.ui.sections.pools import PoolsSection
    from app.ui.watcher import DatabaseWatcher

    slots = SlotTimes(monkeypatch)
    for owner, name in (
        (IntakeDock, "_drain"),
        (IntakeDock, "_publish"),
        (IntakePanel, "apply_many"),
        (MainWindow, "_on_changes"),
        (MainWindow, "_changed_elsewhere"),
        (MainWindow, "_refresh_status"),
        (DatabaseWatcher, "poll"),
        (BoardWidget, "on_changes"),
        (BoardWidget, "reload"),
        (JobsSection, "on_changes"),
        (CandidatesSection, "on_changes"),
        (PoolsSection, "on_changes"),
    ):
        slots.wrap(owner, name)
    return slots


# --- memory -----------------------------------------------------------------------------------


def _status_kb(pid: int | str, field: str) -> int:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _children() -> set[int]:
    """This process's child processes (whichever of its threads started them)."""
    found: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        try:
            found.update(int(p) for p in (task / "children").read_text().split())
        except OSError:
            continue
    return found


class MemorySampler(threading.Thread):
    """The peak resident memory (VmHWM) of this process and of every child process it starts.

    This process's peak is reset at the start (``/proc/self/clear_refs``), so earlier tests
    in the session do not count; children are sampled every 50 ms while they live.
    """

    def __init__(self) -> None:
        super().__init__(name="memory-sampler", daemon=True)
        self.children: dict[int, int] = {}
        self.stop = threading.Event()
        with open(f"/proc/{os.getpid()}/clear_refs", "w") as control:
            control.write("5")  # resets VmHWM to the current RSS

    def run(self) -> None:
        while not self.stop.wait(0.05):
            self.sample()

    def sample(self) -> None:
        for pid in _children():
            peak = _status_kb(pid, "VmHWM")
            if peak:
                self.children[pid] = max(self.children.get(pid, 0), peak)

    def finish(self) -> tuple[float, float, int]:
        """MB at peak: this process, its children together, and how many children there were."""
        self.sample()
        self.stop.set()
        self.join()
        main = _status_kb("self", "VmHWM") / 1024
        return main, sum(self.children.values()) / 1024, len(self.children)


# --- a folder of distinct resumes ---------------------------------------------------------------

_FIRST = [
    "Ada",
    "Ben",
    "Cleo",
    "Dev",
    "Elif",
    "Femi",
    "Gus",
    "Hana",
    "Ivo",
    "Jae",
    "Kai",
    "Lena",
    "Milo",
    "Nia",
    "Omar",
    "Pia",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
]
_LAST = [
    "Abbott",
    "Baker",
    "Castro",
    "Dunn",
    "Ellis",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quispe",
    "Rossi",
    "Silva",
    "Tanaka",
    "Ueda",
    "Vargas",
    "Weber",
    "Xu",
    "Young",
    "Zimmer",
]
_TITLES = ["Data Engineer", "Product Designer", "Backend Developer", "QA Analyst", "Nurse"]
_EMPLOYERS = ["Northwind Logistics", "Blue Harbor Retail", "Lakeside Analytics", "Acme Health"]
_SKILLS = ["Python", "SQL", "Figma", "Kubernetes", "Excel", "Tableau", "Go", "Patient care"]


def _pdf_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def write_resume_pdf(path: Path, n: int) -> None:
    """A one-page resume of person ``n`` (distinct name, email and phone), as a plain PDF."""
    first, last = _FIRST[n % len(_FIRST)], _LAST[(n // len(_FIRST)) % len(_LAST)]
    middle = chr(ord("A") + (n // (len(_FIRST) * len(_LAST))) % 26)
    title = _TITLES[n % len(_TITLES)]
    lines: list[tuple[str, float, str]] = [
        ("F2", 20, f"{first} {middle}. {last}"),
        ("F1", 10, f"{first.lower()}.{last.lower()}{n}@example.org | (312) 555-{n % 10000:04d}"),
        ("F1", 10, "Chicago, IL"),
        ("F2", 13, "Experience"),
    ]
    for k in range(3):
        start = 2022 - 3 * k
        employer = _EMPLOYERS[(n + k) % len(_EMPLOYERS)]
        lines += [
            ("F2", 10, f"{title} - {employer}"),
            ("F1", 10, f"Jan {start} - {'Present' if k == 0 else f'Dec {start + 2}'}"),
            ("F1", 10, f"- Built and ran the {title.lower()} work for {employer}, with others."),
        ]
    lines += [
        ("F2", 13, "Education"),
        ("F1", 10, "University of Illinois - Bachelor of Science, 2014"),
        ("F2", 13, "Skills"),
        ("F1", 10, ", ".join(_SKILLS[(n + k) % len(_SKILLS)] for k in range(4))),
    ]
    y = 750.0
    stream = []
    for font, size, text in lines:
        y -= size * 1.8
        stream.append(f"BT /{font} {size} Tf 1 0 0 1 60 {y:.1f} Tm ({_pdf_text(text)}) Tj ET")
    content = "\n".join(stream).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))


# --- importing through the main window ---------------------------------------------------------


class GcPauses:
    """The longest cyclic garbage collection while installed (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.longest_ms = 0.0
        self._started = 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.longest_ms = max(self.longest_ms, (time.perf_counter() - self._started) * 1000)

    def remove(self) -> None:
        gc.callbacks.remove(self._on_gc)


@dataclass
class WindowRun:
    """What one import through the main window measured."""

    seconds: float  # from the drop until every file had finished
    gaps_ms: list[float]  # between ticks of a 10 ms timer on the GUI thread
    worst_at_s: float
    states: Counter[str]
    slots: SlotTimes
    long_stalls: list[tuple[float, list[str]]]  # (ms, where the GUI thread was)
    gc_pause_ms: float  # the longest cyclic garbage collection (it holds every thread)

    @property
    def max_stall_ms(self) -> float:
        return max(self.gaps_ms)

    @property
    def median_gap_ms(self) -> float:
        return statistics.median(self.gaps_ms)


def import_through_window(
    qapp: QApplication,
    monkeypatch: pytest.MonkeyPatch,
    paths,
    demo_database,
    demo_ctx: ServiceContext,
    drop: list[Path],
    expected: int,
    safety_s: float,
) -> WindowRun:
    """Drop ``drop`` on the real main window (demo database, a busy job board open) and
    run its event loop until all ``expected`` files have finished, plus 1.5 s of reloads."""
    from sqlalchemy import func, select

    from app.bootstrap import Workspace
    from app.resources import resources_dir
    from app.settings import Settings
    from app.store.models import Application
    from app.ui.icons import IconProvider
    from app.ui.intake.panel import FINISHED
    from app.ui.main_window import MainWindow
    from app.ui.theme import LIGHT, apply_theme

    apply_theme(qapp, "light")
    slots = instrument(monkeypatch)
    workspace = Workspace(paths, demo_database, demo_ctx, Settings())
    window = MainWindow(workspace, IconProvider(resources_dir(), LIGHT))
    window.resize(1600, 1000)
    window.show()
    # A recruiter's session: Jobs shown first, Candidates and Talent pools visited, then the
    # busiest job's board left open while the files are imported (the demo database).
    window.show_section("candidates")
    window.show_section("talent_pools")
    with demo_ctx.read() as session:
        job_id = session.scalar(
            select(Application.job_id).group_by(Application.job_id).order_by(func.count().desc())
        )
    window.open_job_board(job_id)
    qapp.processEvents()
    # As the app does once its window is up (`app.ui.application.end_startup_gc`): what
    # start-up made is frozen out of the collector's sight, so a full collection during the
    # import walks only what the session created since.
    gc.collect()
    gc.freeze()
    pauses = GcPauses()

    ticks: list[float] = []
    sampler = StallSampler(threading.get_ident())
    loop = QEventLoop()
    state: dict[str, float | None] = {"finished_at": None}

    def tick() -> None:
        now = time.perf_counter()
        ticks.append(now)
        sampler.tick(now)
        if state["finished_at"] is None:
            items = window.intake.panel.model.items
            if len(items) >= expected and all(i.state in FINISHED for i in items):
                state["finished_at"] = now
        elif now - state["finished_at"] > 1.5:  # the last broadcast and reloads included
            loop.quit()

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(10)
    timer.timeout.connect(tick)
    safety = QTimer()
    safety.setSingleShot(True)
    safety.timeout.connect(loop.quit)

    sampler.start()
    timer.start()
    started = time.perf_counter()
    ticks.append(started)
    sampler.tick(started)
    window.intake.import_paths(drop)  # spawns the workers, like the first drop does
    safety.start(int(safety_s * 1000))
    loop.exec()
    timer.stop()
    sampler.stop.set()
    sampler.join()
    pauses.remove()
    gc.unfreeze()
    ended = state["finished_at"] or time.perf_counter()
    items = list(window.intake.panel.model.items)
    window.close()  # stops the intake's workers
    window.deleteLater()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.processEvents()

    assert state["finished_at"] is not None, "the import did not finish in time"
    gaps = [(b - a) * 1000 for a, b in itertools.pairwise(ticks)]
    worst = max(range(len(gaps)), key=gaps.__getitem__)
    long_stalls = sorted(
        ((gap, ticks[i]) for i, gap in enumerate(gaps) if gap > SAMPLE_FROM_MS), reverse=True
    )
    return WindowRun(
        seconds=ended - started,
        gaps_ms=gaps,
        worst_at_s=ticks[worst] - started,
        states=Counter(item.state for item in items),
        slots=slots,
        long_stalls=[(gap, sampler.where(at)) for gap, at in long_stalls[:3]],
        gc_pause_ms=pauses.longest_ms,
    )


def report_window_run(run: WindowRun, files: int, target_ms: float) -> None:
    print(
        f"{files} files in {run.seconds:.1f} s through the window; succeeded "
        f"{run.states.get('done', 0)}, review {run.states.get('review', 0)}, failed "
        f"{run.states.get('failed', 0)}; {len(run.gaps_ms)} ticks, "
        f"{sum(g > target_ms for g in run.gaps_ms)} gaps over {target_ms:g} ms; the worst at "
        f"{run.worst_at_s:.1f} s; slowest wrapped slot: {run.slots.slowest()[1]}; longest "
        f"garbage collection {run.gc_pause_ms:.0f} ms"
    )
    print("GUI-thread slots (wrapped):")
    for line in run.slots.summary():
        print(line)
    for gap, where in run.long_stalls:
        print(f"stall of {gap:.0f} ms; the GUI thread was in:")
        for line in where:
            print(f"  {line}")
