"""Candidate search at scale: the 100,000-candidate seeded database.

Figures: p95 of multi-word searches over skills, titles and notes (a recruiter's query), p95
of short name prefixes (type-ahead), both end to end through `search_candidates` (ranking,
page of 50, snippets), the same two narrowed by Candidates filters, and the size of the
candidate index on disk.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from sqlalchemy import text

from app.services.candidates.records import CandidateFilters
from app.services.candidates.search import search_candidates
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import Actor
from app.store.database import open_database
from tests.perf.support import bench, seeded_database

# Words of the generated data (sample_data: titles, skills, note templates, cities).
MULTI_WORD = [
    "python kubernetes",
    "senior accountant gaap",
    "data engineer spark",
    "react typescript",
    "java microservices",
    "aws docker",
    "sql tableau",
    "machine learning pytorch",
    "product manager roadmapping",
    "ux designer figma",
    "user research prototyping",
    "financial analyst forecasting",
    "payroll specialist",
    "quickbooks reconciliations",
    "netsuite month-end close",
    "controller audit",
    "it support active directory",
    "desktop support windows",
    "customer success zendesk",
    "salesforce negotiation",
    "account executive crm",
    "seo copywriting",
    "email marketing hubspot",
    "growth marketer google analytics",
    "office coordinator scheduling",
    "executive assistant microsoft 365",
    "vendor management onboarding",
    "backend engineer postgresql",
    "full stack developer node.js",
    "graphql django",
    "staff engineer ci/cd",
    "airflow dbt snowflake",
    "pandas statistics",
    "a/b testing analytics",
    "power bi sql",
    "design systems accessibility",
    "jira agile",
    "salary expectation",
    "hybrid work remote",
    "second interview portfolio",
    "python austin",
    "kubernetes seattle",
    "gaap boston",
    "figma remote",
    "engineering manager python",
    "data scientist pytorch",
    "senior software engineer go",
    "analytics manager tableau",
    "sales development representative",
    "content strategist seo",
    "networking windows support",
    "excel forecasting analyst",
    "lead generation crm",
    "notice period employer",
    "future roles nurture",
]
NAME_PREFIXES = [
    "jo",
    "ada",
    "mar",
    "ngu",
    "sm",
    "li",
    "ch",
    "dav",
    "ana",
    "kim",
    "pat",
    "gar",
    "wil",
    "sak",
    "ahm",
    "ale",
    "fat",
    "ro",
    "el",
    "tom",
    "gup",
    "cha",
    "lee",
    "zh",
    "ken",
    "be",
    "sa",
    "di",
    "mi",
    "ol",
]
ROUNDS = 3


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


# Searches narrowed by the Candidates filter bar: the common, broad filters (most candidates
# pass) and a narrow one.
FILTERS = [
    CandidateFilters(do_not_contact=False),
    CandidateFilters(source="LinkedIn"),
    CandidateFilters(location="Austin", do_not_contact=False),
]


def _timed(
    ctx: ServiceContext, queries: list[str], filters: CandidateFilters | None = None
) -> tuple[list[float], int]:
    times: list[float] = []
    found = 0
    for _ in range(ROUNDS):
        for query in queries:
            started = time.perf_counter()
            result = search_candidates(ctx, query, filters=filters)
            times.append((time.perf_counter() - started) * 1000)
            found += bool(result.hits)
            assert result.warning is None, (query, result.warning)
    return times, found // ROUNDS


def test_candidate_search_at_100000(tmp_path: Path) -> None:
    database = open_database(seeded_database(), tmp_path / "backups")  # migrates an old seed
    ctx = ServiceContext(database.sessions, Actor(None, "bench"))
    with database.engine.connect() as connection:
        size_bytes = connection.execute(
            text(
                "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'candidate_search%'"
                " OR name LIKE 'candidate_name_search%'"
            )
        ).scalar_one()
    search_candidates(ctx, "warm up the page cache")
    multi_times, multi_found = _timed(ctx, MULTI_WORD)
    name_times, names_found = _timed(ctx, NAME_PREFIXES)
    filtered_multi: list[float] = []
    filtered_names: list[float] = []
    for filters in FILTERS:
        filtered_multi += _timed(ctx, MULTI_WORD, filters)[0]
        filtered_names += _timed(ctx, NAME_PREFIXES, filters)[0]
    database.close()

    bench("search_multi_word_p95", _p95(multi_times), "ms", "target<=50")
    bench("search_multi_word_median", statistics.median(multi_times), "ms")
    bench("search_name_prefix_p95", _p95(name_times), "ms", "target<=5")
    bench("search_name_prefix_median", statistics.median(name_times), "ms")
    bench("search_multi_word_filtered_p95", _p95(filtered_multi), "ms")
    bench("search_name_prefix_filtered_p95", _p95(filtered_names), "ms")
    bench("search_index_size", size_bytes / 2**20, "MB")
    print(
        f"queries: {len(MULTI_WORD)} multi-word ({multi_found} with hits), "
        f"{len(NAME_PREFIXES)} name prefixes ({names_found} with hits), {ROUNDS} rounds"
    )
