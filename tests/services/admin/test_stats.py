"""Whole-database counts."""

from __future__ import annotations

from sqlalchemy import inspect

from app.services.admin.maintenance import PREFILLED_TABLES
from app.services.admin.sample_data import REJECTION_REASONS
from app.services.admin.stats import table_counts
from app.store.database import Database
from app.store.search import is_search_table
from tests.support import count_rows


def test_table_counts_has_one_plural_key_per_model_table(database: Database):
    counts = table_counts(database.engine)
    on_disk = {
        name
        for name in inspect(database.engine).get_table_names()
        if name != "alembic_version" and not is_search_table(name)  # the FTS index's own
    }
    assert set(counts) == on_disk
    assert list(counts) == sorted(counts)
    for singular in ("candidate", "job", "client", "application", "user"):
        assert singular not in counts
        assert f"{singular}s" in counts
    # A new database is empty but for the reference rows its migrations write.
    assert {t for t, n in counts.items() if n} == set(PREFILLED_TABLES)
    assert counts["rejection_reasons"] == len(REJECTION_REASONS)


def test_table_counts_match_the_rows(demo_database: Database):
    counts = table_counts(demo_database.engine)
    assert counts == {table: count_rows(demo_database, table) for table in counts}
    assert counts["candidates"] > 0
    assert counts["applications"] > 0


def test_interview_tables_are_counted(database: Database):
    counts = table_counts(database.engine)
    for table in ("interviews", "interview_attendees", "scorecards", "scorecard_templates"):
        assert counts[table] == 0
