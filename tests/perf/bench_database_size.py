"""Database size and search with a resume per candidate: 100,000 candidates, each with a
generated ~350-word resume (`hirebench seed --resumes`).

Figures: the file's size after `hirebench maintenance` (VACUUM) and before it, the search
index's, the documents' and the report indexes' (migration 0021) shares of it, free-text
search over the resumes (p95, end to end through `search_candidates`), and the search
benchmark's own query sets (name prefixes, multi-word) on this database. Sizes in MB
(1,000,000 bytes).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from app.services.admin.compact import run_maintenance
from app.services.candidates.search import search_candidates
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import Actor
from app.store.database import open_database
from app.store.migrate import remove_with_side_files
from tests.perf.bench_search import MULTI_WORD, NAME_PREFIXES, _p95
from tests.perf.support import BENCH_DIR, bench, seeded_database

# Words and phrases of the generated resumes (app/services/admin/seed_resumes.py), alone,
# together, as phrases and under resume:/cv:.
RESUME_QUERIES = [
    "billing engine",
    "marketing attribution",
    "quarterly planning kubernetes",
    '"incident response"',
    'resume:"customer retention"',
    "cv:reconciliation",
    "commercial pilot licence",
    "payment reconciliation tableau",
    "hackathon",
    "scrum master",
    "fintech logistics",
    "biotech stakeholders",
    "negotiated contract renewals",
    '"design system" figma',
    "resume:(pytorch OR tensorflow)",
    "field service scheduling",
    "chess trail running",
    "youth football",
    "enterprise clients salesforce",
    "resume:inventory -python",
]
ROUNDS = 3
MB = 1_000_000
REPORT_INDEXES = (
    "ix_activities_report",
    "ix_stage_changes_stays",
    "ix_stage_changes_reach",
    "ix_applications_cohort",
)


def _timed(ctx: ServiceContext, queries: list[str], need_hits: bool = False) -> list[float]:
    """Times of each query, ROUNDS times; every resume query must find someone (the search
    benchmark's own sets include a few that find no one by design)."""
    times = []
    for _ in range(ROUNDS):
        for query in queries:
            started = time.perf_counter()
            result = search_candidates(ctx, query)
            times.append((time.perf_counter() - started) * 1000)
            assert result.warning is None, (query, result.warning)
            assert result.hits or not need_hits, query
    return times


def _pages(database_path: Path, names: tuple[str, ...]) -> int:
    # Deferred: only this figure needs a raw connection.
    import sqlite3

    connection = sqlite3.connect(f"{database_path.as_uri()}?mode=ro", uri=True)
    try:
        marks = ",".join("?" * len(names))
        return connection.execute(
            f"SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN ({marks})", names
        ).fetchone()[0]
    finally:
        connection.close()


def test_database_size_and_resume_search_at_100000() -> None:
    seeded = seeded_database(resumes=True)
    path = BENCH_DIR / "sized.sqlite3"
    remove_with_side_files(path)
    shutil.copy(seeded, path)
    try:
        database = open_database(path, BENCH_DIR / "backups")
        report = run_maintenance(database, force_vacuum=True)
        database.close()
        documents = _pages(path, ("documents",))
        reports = _pages(path, REPORT_INDEXES)

        database = open_database(path, BENCH_DIR / "backups")
        ctx = ServiceContext(database.sessions, Actor(None, "bench"))
        search_candidates(ctx, "warm up the page cache")
        resume_times = _timed(ctx, RESUME_QUERIES, need_hits=True)
        name_times = _timed(ctx, NAME_PREFIXES)
        multi_times = _timed(ctx, MULTI_WORD)
        database.close()
    finally:
        remove_with_side_files(path)

    bench("db_size_file", report.file_after / MB, "MB", "target<=800")
    bench("db_size_file_as_seeded", report.file_before / MB, "MB")
    bench("db_size_search_index", (report.index_after or 0) / MB, "MB", "target<=250")
    bench("db_size_documents", documents / MB, "MB")
    bench("db_size_report_indexes", reports / MB, "MB")
    bench("db_maintenance_seconds", report.seconds, "s")
    bench("search_resume_free_text_p95", _p95(resume_times), "ms", "target<=50")
    bench("search_name_prefix_with_resumes_p95", _p95(name_times), "ms", "target<=5")
    bench("search_multi_word_with_resumes_p95", _p95(multi_times), "ms", "target<=50")
