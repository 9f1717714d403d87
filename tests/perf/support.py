"""Shared pieces of the benchmarks: the seeded database and how figures are printed."""

from __future__ import annotations

import contextlib
import gc
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Set in a process one benchmark starts for another (see tests/perf/conftest.py).
FRESH_PROCESS_ENV = "HIREBENCH_BENCH_FRESH_PROCESS"
BENCH_DIR = ROOT / "bench-out"


# Raised whenever the generator's content changes (v2: campaigns), so a seed cached by an
# older version is built again rather than benchmarked as if it were current.
SEED_VERSION = 2


@contextlib.contextmanager
def earlier_benchmarks_frozen() -> Iterator[None]:
    """What earlier benchmarks left in this process (a 100,000-candidate board, search
    results) frozen out of the garbage collector while a throughput is timed, as the app
    freezes its own start-up heap: every full collection would walk that heap too, and a
    benchmark would run slower after others than alone. It is not the whole of it:
    pdfplumber's baseline ran at 6.7 files/s after the other benchmarks, 7.5 with their heap
    frozen and 8.7 alone, so the intake's speed-up is measured in a fresh process."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def seeded_database(candidates: int = 100_000, resumes: bool = False) -> Path:
    """A database made by `hirebench seed` (with a generated resume per candidate if
    ``resumes``), built once and reused by later runs."""
    kind = "-resumes" if resumes else ""
    path = BENCH_DIR / f"seed-{candidates}{kind}-v{SEED_VERSION}.sqlite3"
    if not path.exists():
        BENCH_DIR.mkdir(exist_ok=True)
        partial = path.with_suffix(".partial.sqlite3")
        for leftover in BENCH_DIR.glob(partial.name + "*"):
            leftover.unlink()
        env = dict(os.environ, HIREBENCH_HOME=str(BENCH_DIR / "home"))
        subprocess.run(
            [
                sys.executable,
                "-m",
                "app",
                "seed",
                "--database",
                str(partial),
                "--candidates",
                str(candidates),
                *(["--resumes"] if resumes else []),
            ],
            check=True,
            env=env,
            cwd=ROOT,
        )
        partial.rename(path)
        for side in ("-wal", "-shm"):
            Path(f"{partial}{side}").unlink(missing_ok=True)
    return path


# Figures that missed their target in this run; `make bench` fails when any did (see
# tests/perf/conftest.py), after every benchmark has printed its figures.
MISSED: list[str] = []
_TARGET = re.compile(r"target(<=|>=)(-?[0-9.]+(?:e-?[0-9]+)?)")


def bench(name: str, value: float, unit: str, target: str | None = None) -> str:
    """Print one figure as ``BENCH <name> <value> <unit> [target<=x]``; remember a miss."""
    line = f"BENCH {name} {value:.4g} {unit}" + (f" {target}" if target else "")
    print(line, flush=True)
    if target and not meets(value, target):
        MISSED.append(line)
    return line


def meets(value: float, target: str) -> bool:
    """Whether ``value`` meets a ``target<=x`` / ``target>=x`` text."""
    found = _TARGET.fullmatch(target.strip())
    if found is None:
        raise ValueError(f"unreadable target {target!r}")
    limit = float(found.group(2))
    return value <= limit if found.group(1) == "<=" else value >= limit
