"""Backups and generated databases."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.services.admin import maintenance
from app.services.admin.generate import Plan, demo_plan
from app.services.admin.maintenance import PREFILLED_TABLES, NotEmptyError, backup, fill_generated
from app.services.admin.sample_data import REJECTION_REASONS
from app.services.admin.stats import table_counts
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.core.context import ServiceContext
from app.services.core.users import ensure_user
from app.services.pipeline.clients import ClientInput, create_client
from app.store.database import Database, open_database
from app.store.db import create_sqlite_engine
from tests.conftest import DEMO_AS_OF
from tests.support import audit_entries, create_pool, integrity_ok, sha256_of, sqlite_rows

TINY = Plan(
    candidates=40,
    clients=2,
    jobs=4,
    recruiters=2,
    applications_per_candidate=1.5,
    pool_only_share=0.1,
    activities_per_candidate=3,
    days_back=90,
)


def _counts_of_file(path: Path) -> dict[str, int]:
    engine = create_sqlite_engine(path)
    try:
        return table_counts(engine)
    finally:
        engine.dispose()


class TestFillGenerated:
    def test_fills_an_empty_database_with_one_audit_entry(self, database: Database):
        counts = fill_generated(database, demo_plan(), as_of=DEMO_AS_OF, action="database.demo")
        [entry] = audit_entries(database)
        assert (entry.action, entry.actor, entry.user_id) == ("database.demo", "system", None)
        assert (entry.entity_type, entry.entity_id) == ("database", None)
        assert entry.after["counts"] == counts
        assert entry.after["plan"]["candidates"] == demo_plan().candidates
        on_disk = table_counts(database.engine)
        assert {table: on_disk[table] for table in counts} == counts
        assert on_disk["audit_entries"] == 1
        # The one entry lists every record the load created, as runs of ids.
        with sqlite3.connect(database.path) as raw:
            for table in ("candidates", "applications", "activities", "jobs"):
                listed = {
                    n for first, last in entry.after["ids"][table] for n in range(first, last + 1)
                }
                stored = {row[0] for row in raw.execute(f"SELECT id FROM {table}")}
                assert listed == stored and len(listed) == counts[table]

    def test_default_action_is_seed(self, database: Database):
        fill_generated(database, TINY, as_of=DEMO_AS_OF)
        assert [e.action for e in audit_entries(database)] == ["database.seed"]

    def test_refuses_the_demo_database_a_second_time(self, demo_database: Database):
        before = table_counts(demo_database.engine)
        with pytest.raises(NotEmptyError, match="already has data"):
            fill_generated(demo_database, TINY, as_of=DEMO_AS_OF)
        assert table_counts(demo_database.engine) == before

    @pytest.mark.parametrize("what", ["client", "candidate", "pool", "user only"])
    def test_refuses_a_database_in_use(self, ctx: ServiceContext, database: Database, what: str):
        if what == "client":
            create_client(ctx, ClientInput(name="Acme"))
        elif what == "candidate":
            create_candidate(ctx, CandidateInput("Ada", "Lovelace"))
        elif what == "pool":
            create_pool(ctx, "Campus")
        before = table_counts(database.engine)
        with pytest.raises(NotEmptyError):
            fill_generated(database, TINY, as_of=DEMO_AS_OF)
        assert table_counts(database.engine) == before

    def test_a_failure_midway_leaves_the_database_empty(
        self, database: Database, monkeypatch: pytest.MonkeyPatch
    ):
        real_generate = maintenance.generate

        def generate_then_fail(connection: sqlite3.Connection, plan: Plan, as_of, progress):
            real_generate(connection, plan, as_of, progress)
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(maintenance, "generate", generate_then_fail)
        with pytest.raises(RuntimeError, match="disk on fire"):
            fill_generated(database, TINY, as_of=DEMO_AS_OF)
        after = table_counts(database.engine)
        assert {t: n for t, n in after.items() if t not in PREFILLED_TABLES} == {
            t: 0 for t in after if t not in PREFILLED_TABLES
        }
        assert after["rejection_reasons"] == len(REJECTION_REASONS)  # as migration 0003 left it
        # …and it can then be filled for real.
        monkeypatch.setattr(maintenance, "generate", real_generate)
        assert fill_generated(database, TINY, as_of=DEMO_AS_OF)["candidates"] == TINY.candidates

    def test_a_user_can_be_added_after_filling(self, database: Database):
        fill_generated(database, TINY, as_of=DEMO_AS_OF)
        actor = ensure_user(database.sessions, "late.comer")
        assert actor.user_id == TINY.recruiters + 1


class TestBackup:
    def test_copy_is_valid_and_has_the_same_counts(self, demo_database: Database, tmp_path: Path):
        destination = tmp_path / "copies" / "demo-copy.sqlite3"
        made = backup(demo_database.path, destination)
        assert made == destination
        assert integrity_ok(made)
        assert _counts_of_file(made) == table_counts(demo_database.engine)
        assert not destination.with_name(destination.name + ".partial").exists()

    def test_copy_includes_changes_still_in_the_write_ahead_log(
        self, ctx: ServiceContext, database: Database, tmp_path: Path
    ):
        with database.engine.connect():  # keep the WAL open so nothing is checkpointed
            create_client(ctx, ClientInput(name="Fresh Client"))
            made = backup(database.path, tmp_path / "copy.sqlite3")
        assert sqlite_rows(made, "SELECT name FROM clients") == [("Fresh Client",)]

    def test_refuses_to_overwrite(self, database: Database, tmp_path: Path):
        existing = tmp_path / "precious.sqlite3"
        existing.write_bytes(b"keep me")
        before = sha256_of(existing)
        with pytest.raises(FileExistsError):
            backup(database.path, existing)
        assert sha256_of(existing) == before

    def test_into_a_folder(self, demo_database: Database, tmp_path: Path):
        folder = tmp_path / "backups-here"
        folder.mkdir()
        made = backup(demo_database.path, folder)
        assert made.parent == folder
        assert made.suffix == ".sqlite3"
        assert made.name.startswith(demo_database.path.stem)
        assert list(folder.iterdir()) == [made]
        assert _counts_of_file(made) == table_counts(demo_database.engine)

    def test_copy_opens_as_a_current_database(self, demo_database: Database, tmp_path: Path):
        made = backup(demo_database.path, tmp_path / "copy.sqlite3")
        before = sha256_of(made)
        reopened = open_database(made, tmp_path / "backups")
        reopened.close()
        assert reopened.migration_backup is None
        assert sha256_of(made) == before


def test_a_seeded_database_has_campaigns_to_report(database: Database) -> None:
    """The benchmark seed sends bulk campaigns (sent, failed, replied, unsubscribed), so the
    campaigns report is timed on real rows; the demo starts with an empty outbox."""
    import datetime as dt

    from app.services.admin.generate import scale_plan
    from app.services.admin.report_catalog import run_report
    from app.services.admin.report_defs import ReportFilter
    from app.services.core.context import ServiceContext
    from app.services.core.users import ensure_user

    counts = fill_generated(database, scale_plan(1_000), as_of=DEMO_AS_OF)
    assert counts["campaigns"] >= 3 and counts["outbox_messages"] >= 300
    ctx = ServiceContext(database.sessions, ensure_user(database.sessions, "tester"))
    end = DEMO_AS_OF.date()
    report = run_report(ctx, "campaigns", ReportFilter(end - dt.timedelta(days=365), end))
    assert len(report.rows) == counts["campaigns"]
    totals = report.totals
    assert totals["sent"] > totals["failed"] > 0 and totals["replied"] > 0
