"""Best matches at scale: the 100,000-candidate seeded database.

Figure: p95 of `best_matches` (SQL pre-filter, rapidfuzz scoring, reasons) for job 1 and five
other jobs spread over the database, several rounds each, after one warm-up call.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from app.services.candidates.matching import best_matches
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import Actor
from app.store.database import open_database
from tests.perf.support import bench, seeded_database

JOBS = (1, 37, 101, 199, 288, 395)
ROUNDS = 5


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def test_best_matches_at_100000(tmp_path: Path) -> None:
    database = open_database(seeded_database(), tmp_path / "backups")
    ctx = ServiceContext(database.sessions, Actor(None, "bench"))
    best_matches(ctx, JOBS[0])  # warm up the page cache
    times: list[float] = []
    found = 0
    for _ in range(ROUNDS):
        for job_id in JOBS:
            started = time.perf_counter()
            matches = best_matches(ctx, job_id)
            times.append((time.perf_counter() - started) * 1000)
            found += len(matches)
    database.close()
    bench("best_matches_p95", _p95(times), "ms", "target<=500")
    bench("best_matches_median", statistics.median(times), "ms")
    print(f"jobs: {JOBS}, {ROUNDS} rounds, {found // ROUNDS} matches per round")
