"""Shared pieces of the benchmarks: the seeded database and how figures are printed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / "bench-out"


def seeded_database(candidates: int = 100_000) -> Path:
    """A database made by `hirebench seed`, built once and reused by later runs."""
    path = BENCH_DIR / f"seed-{candidates}.sqlite3"
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
            ],
            check=True,
            env=env,
            cwd=ROOT,
        )
        partial.rename(path)
        for side in ("-wal", "-shm"):
            Path(f"{partial}{side}").unlink(missing_ok=True)
    return path


def bench(name: str, value: float, unit: str, target: str | None = None) -> str:
    """Print one figure as ``BENCH <name> <value> <unit> [target<=x]``."""
    line = f"BENCH {name} {value:.4g} {unit}" + (f" {target}" if target else "")
    print(line, flush=True)
    return line
