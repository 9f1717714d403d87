"""The generator behind the demo and benchmark databases: deterministic and realistic."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services.admin.generate import Plan, demo_plan, scale_plan
from app.services.admin.maintenance import fill_generated
from app.services.pipeline.jobs import DEFAULT_STAGES
from app.store.database import Database, open_database
from app.store.models import Application, Candidate, Consent
from tests.conftest import DEMO_AS_OF
from tests.support import sqlite_rows

DETERMINISM_TABLES = ("candidates", "applications", "stage_changes", "activities", "jobs")


def _fill(folder: Path, name: str, plan: Plan, as_of: dt.datetime) -> Path:
    path = folder / name
    database = open_database(path, folder / "backups")
    try:
        fill_generated(database, plan, as_of=as_of)
    finally:
        database.close()
    return path


def _dump(path: Path, table: str) -> list[tuple]:
    return sqlite_rows(path, f"SELECT * FROM {table} ORDER BY id")


def _small(seed: int = 7) -> Plan:
    return Plan(
        candidates=150,
        clients=3,
        jobs=12,
        recruiters=3,
        applications_per_candidate=1.8,
        pool_only_share=0.15,
        activities_per_candidate=6,
        days_back=180,
        seed=seed,
    )


def test_same_plan_and_day_give_identical_rows(tmp_path: Path):
    first = _fill(tmp_path, "one.sqlite3", demo_plan(), DEMO_AS_OF)
    second = _fill(tmp_path, "two.sqlite3", demo_plan(), DEMO_AS_OF)
    for table in DETERMINISM_TABLES:
        rows = _dump(first, table)
        assert rows, table
        assert rows == _dump(second, table), table


def test_another_seed_or_day_gives_other_rows(tmp_path: Path):
    base = _fill(tmp_path, "base.sqlite3", _small(seed=7), DEMO_AS_OF)
    reseeded = _fill(tmp_path, "seed.sqlite3", _small(seed=8), DEMO_AS_OF)
    later = _fill(tmp_path, "later.sqlite3", _small(seed=7), DEMO_AS_OF + dt.timedelta(days=1))
    assert _dump(base, "candidates") != _dump(reseeded, "candidates")
    assert _dump(base, "candidates") != _dump(later, "candidates")


class TestDemo:
    def test_sizes(self, demo_database: Database):
        plan = demo_plan()
        assert (plan.clients, plan.jobs, plan.candidates) == (3, 12, 500)
        path = demo_database.path
        assert sqlite_rows(path, "SELECT count(*) FROM clients") == [(plan.clients,)]
        assert sqlite_rows(path, "SELECT count(*) FROM jobs") == [(plan.jobs,)]
        assert sqlite_rows(path, "SELECT count(*) FROM candidates") == [(plan.candidates,)]
        assert sqlite_rows(path, "SELECT count(*) FROM stages") == [
            (plan.jobs * len(DEFAULT_STAGES),)
        ]

    def test_applications_sit_in_every_default_stage(self, demo_database: Database):
        by_stage = dict(
            sqlite_rows(
                demo_database.path,
                "SELECT s.name, count(*) FROM applications a JOIN stages s ON s.id = a.stage_id"
                " GROUP BY s.name",
            )
        )
        assert set(by_stage) == {name for name, _ in DEFAULT_STAGES}
        # A realistic funnel: more people applied than were hired.
        assert by_stage["Applied"] > by_stage["Hired"] > 0

    def test_some_candidates_are_only_in_pools(self, demo_database: Database):
        [(without,)] = sqlite_rows(
            demo_database.path,
            "SELECT count(*) FROM candidates"
            " WHERE id NOT IN (SELECT candidate_id FROM applications)",
        )
        assert 0 < without < 500
        [(members,)] = sqlite_rows(demo_database.path, "SELECT count(*) FROM pool_memberships")
        assert members > 0

    def test_activities_include_notes_and_stage_changes(self, demo_database: Database):
        kinds = dict(
            sqlite_rows(demo_database.path, "SELECT kind, count(*) FROM activities GROUP BY kind")
        )
        assert kinds.get("note", 0) > 0
        assert kinds.get("stage_change", 0) > 0
        [(empty_notes,)] = sqlite_rows(
            demo_database.path,
            "SELECT count(*) FROM activities WHERE kind = 'note' AND coalesce(body, '') = ''",
        )
        assert empty_notes == 0

    @pytest.mark.parametrize(
        ("table", "column"),
        [
            ("candidates", "created_at"),
            ("applications", "applied_at"),
            ("applications", "stage_entered_at"),
            ("stage_changes", "changed_at"),
            ("activities", "occurred_at"),
            ("jobs", "opened_on"),
        ],
    )
    def test_dates_fall_within_the_past_180_days(
        self, demo_database: Database, table: str, column: str
    ):
        [(earliest, latest)] = sqlite_rows(
            demo_database.path, f"SELECT min({column}), max({column}) FROM {table}"
        )
        start = (DEMO_AS_OF - dt.timedelta(days=180)).replace(tzinfo=None)
        end = DEMO_AS_OF.replace(tzinfo=None)
        earliest, latest = dt.datetime.fromisoformat(earliest), dt.datetime.fromisoformat(latest)
        if table == "jobs":  # a date: compare days
            assert start.date() <= earliest.date() <= latest.date() <= end.date()
        else:
            assert start <= earliest <= latest <= end

    def test_each_stage_history_ends_at_the_current_stage(self, demo_database: Database):
        path = demo_database.path
        current = dict(sqlite_rows(path, "SELECT id, stage_id FROM applications"))
        history: dict[int, list[tuple]] = defaultdict(list)
        for application_id, from_id, to_id, changed_at in sqlite_rows(
            path,
            "SELECT application_id, from_stage_id, to_stage_id, changed_at FROM stage_changes"
            " ORDER BY application_id, id",
        ):
            history[application_id].append((from_id, to_id, changed_at))
        assert set(history) == set(current)
        for application_id, steps in history.items():
            assert steps[0][0] is None  # the first entry is the application itself
            for before, after in pairwise(steps):
                assert after[0] == before[1]  # each move starts where the last one ended
                assert after[2] >= before[2]  # …and not earlier in time
            assert steps[-1][1] == current[application_id]

    def test_stages_belong_to_the_application_job(self, demo_database: Database):
        [(mismatched,)] = sqlite_rows(
            demo_database.path,
            "SELECT count(*) FROM applications a JOIN stages s ON s.id = a.stage_id"
            " WHERE s.job_id != a.job_id",
        )
        assert mismatched == 0
        assert sqlite_rows(demo_database.path, "PRAGMA foreign_key_check") == []

    def test_every_job_agrees_with_its_hires(self, demo_database: Database):
        """Open and on-hold jobs have fewer hires than openings; a filled job has at least
        one hire, none after its fill date, the last on that day; a closed job none."""
        path = demo_database.path
        hires: dict[int, list[str]] = defaultdict(list)
        for job_id, entered in sqlite_rows(
            path,
            "SELECT a.job_id, a.stage_entered_at FROM applications a"
            " JOIN stages s ON s.id = a.stage_id WHERE s.kind = 'hired'",
        ):
            hires[job_id].append(entered[:10])
        jobs = sqlite_rows(path, "SELECT id, status, openings, opened_on, filled_on FROM jobs")
        assert {status for _, status, *_ in jobs} == {"open", "on_hold", "filled", "closed"}
        for job_id, status, openings, opened_on, filled_on in jobs:
            hired = hires[job_id]
            if status in ("open", "on_hold"):
                assert len(hired) < openings, job_id
                assert filled_on is None, job_id
            elif status == "filled":
                assert 1 <= len(hired) <= openings, job_id
                assert filled_on is not None, job_id
                assert opened_on <= filled_on <= DEMO_AS_OF.date().isoformat(), job_id
                assert max(hired) == filled_on, job_id  # time to fill runs to the last hire
            else:
                assert (hired, filled_on) == ([], None), job_id

    def test_nothing_happens_on_a_job_before_it_opened_or_after_it_ended(
        self, demo_database: Database
    ):
        path = demo_database.path
        [(early,)] = sqlite_rows(
            path,
            "SELECT count(*) FROM applications a JOIN jobs j ON j.id = a.job_id"
            " WHERE date(a.applied_at) < j.opened_on OR a.stage_entered_at < a.applied_at",
        )
        assert early == 0
        [(late_on_filled,)] = sqlite_rows(
            path,
            "SELECT count(*) FROM stage_changes c JOIN applications a ON a.id = c.application_id"
            " JOIN jobs j ON j.id = a.job_id"
            " WHERE j.status = 'filled' AND date(c.changed_at) > j.filled_on",
        )
        assert late_on_filled == 0
        [(before_joining,)] = sqlite_rows(
            path,
            "SELECT count(*) FROM applications a JOIN candidates c ON c.id = a.candidate_id"
            " WHERE a.applied_at < c.created_at",
        )
        assert before_joining == 0

    def test_rows_load_through_the_orm(self, demo_database: Database):
        with demo_database.sessions() as session:
            candidate = session.get(Candidate, 1)
            application = session.scalars(select(Application).limit(1)).one()
            assert candidate.consent is Consent.UNKNOWN
            assert candidate.created_at.tzinfo is not None
            assert candidate.primary_email and "@" in candidate.primary_email
            assert isinstance(candidate.links, list)
            assert application.stage.job_id == application.job_id
            assert application.applied_at <= DEMO_AS_OF


def test_scale_plan_gives_three_applications_each_and_a_big_job_one(tmp_path: Path):
    plan = scale_plan(2000)
    path = _fill(tmp_path, "scale.sqlite3", plan, DEMO_AS_OF)
    per_candidate = Counter(
        n
        for _, n in sqlite_rows(
            path, "SELECT candidate_id, count(*) FROM applications GROUP BY candidate_id"
        )
    )
    assert per_candidate == {3: 2000}
    [(job_one,)] = sqlite_rows(path, "SELECT count(*) FROM applications WHERE job_id = 1")
    assert plan.big_job_applications > 0
    assert job_one == plan.big_job_applications
    assert sqlite_rows(path, "PRAGMA foreign_key_check") == []


def test_scale_plan_grows_jobs_and_clients_with_size():
    small, large = scale_plan(2000), scale_plan(100_000)
    assert large.jobs > small.jobs
    assert large.clients > small.clients
    assert large.big_job_applications <= large.candidates
    assert scale_plan(300).big_job_applications <= 300
    assert scale_plan(2000, seed=1).seed == 1


def test_a_plan_with_fewer_jobs_than_job_families(tmp_path: Path):
    plan = Plan(
        candidates=60,
        clients=1,
        jobs=2,
        recruiters=1,
        applications_per_candidate=2,
        pool_only_share=0.0,
        activities_per_candidate=2,
        days_back=30,
    )
    path = _fill(tmp_path, "few-jobs.sqlite3", plan, DEMO_AS_OF)
    jobs = {job for (job,) in sqlite_rows(path, "SELECT DISTINCT job_id FROM applications")}
    assert jobs and jobs <= {1, 2}
    [(candidates,)] = sqlite_rows(path, "SELECT count(DISTINCT candidate_id) FROM applications")
    assert candidates == plan.candidates
    assert sqlite_rows(path, "PRAGMA foreign_key_check") == []


def test_demo_comes_with_email_templates_branding_and_a_local_relay(
    demo_database: Database,
) -> None:
    from app.mail.render import TemplateSource, check_template
    from app.services.admin import sample_data as sd

    templates = sqlite_rows(
        demo_database.path, "SELECT name, subject, body_text, body_html FROM email_templates"
    )
    assert sorted(name for name, *_ in templates) == sorted(t.name for t in sd.EMAIL_TEMPLATES)
    for _name, subject, text, html in templates:
        assert check_template(TemplateSource(subject, text, html)) == []
    assert sqlite_rows(demo_database.path, "SELECT id, agency_name FROM branding") == [
        (1, sd.DEMO_AGENCY)
    ]
    assert sqlite_rows(demo_database.path, "SELECT id, host, port, security FROM mail_account") == [
        (1, "localhost", 1025, "none")
    ]
