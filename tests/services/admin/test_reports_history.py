"""Every report over a scripted month of hiring equals the figures worked out by hand.

The history is in `report_history` (withdrawals, rejections, a job reopened, moves back to
an earlier stage, a hire undone, a card taken out of Hired and back, a job with two
openings, one candidate in two jobs). Day N is 1 March 2026 + N days.
"""

from __future__ import annotations

import datetime as dt

import pytest

from app.services.admin.report_catalog import REPORTS, run_report
from app.services.admin.report_defs import ReportFilter
from app.services.admin.reports import overview
from app.store.database import Database
from tests.services.admin.report_history import History, build

MARCH = ReportFilter(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


@pytest.fixture
def history(database: Database, monkeypatch: pytest.MonkeyPatch) -> History:
    return build(database, monkeypatch)


def test_time_to_hire_counts_each_standing_hire_once(history: History) -> None:
    report = run_report(history.tester, "time-to-hire", MARCH)
    # a1 applied day 0, hired day 12; c2 10 → 13; b2 6 → 19; a5 4 → 23 (its last entry
    # into Hired). a2's hire was undone, c1's fell through: neither is a hire.
    assert [(row[0], row[1], row[5], row[6]) for row in report.rows] == [
        ("Cleo Test", "Engineer", "2026-03-13", 12.0),
        ("Eve Test", "Designer", "2026-03-14", 3.0),
        ("Hana Test", "Analyst", "2026-03-20", 13.0),
        ("Gus Test", "Engineer", "2026-03-24", 19.0),
    ]
    assert report.totals == {"hires": 4, "median_days": 12.5, "mean_days": 11.75}


def test_time_to_hire_in_a_shorter_range(history: History) -> None:
    first_half = ReportFilter(dt.date(2026, 3, 1), dt.date(2026, 3, 15))
    report = run_report(history.tester, "time-to-hire", first_half)
    assert report.totals["hires"] == 2  # a1 (day 12) and c2 (day 13)


def test_time_to_fill(history: History) -> None:
    report = run_report(history.tester, "time-to-fill", MARCH)
    # J3 opened 5 March, filled, reopened, filled again 14 March: 9 days; J2 19; J1 23.
    assert [(row[0], row[2], row[5]) for row in report.rows] == [
        ("Designer", 1, 9),
        ("Analyst", 1, 19),
        ("Engineer", 2, 23),
    ]
    assert report.totals == {"jobs": 3, "median_days": 19.0, "mean_days": 17.0}


def test_time_in_stage(history: History) -> None:
    report = run_report(history.tester, "time-in-stage", MARCH)
    # Applied: 2 3 1 4 10 1 2 2 1; Screened: 4 1 1 1 4 18 4 2; Interviewed: 4 3 6 2 7;
    # Offered: a1 2, a5 1 and 1, a2 5: days 15 to 20, its hire on day 16 undone on day 17
    # (days between a change and the one before it, the undone move taken out).
    assert report.rows == (
        ("Applied", 9, 2.0, 10.0, 3, 2, ""),
        ("Screened", 8, 3.0, 18.0, None, 0, ""),
        ("Interviewed", 5, 4.0, 7.0, 3, 3, "Over SLA"),
        ("Offered", 4, 1.5, 5.0, None, 0, ""),
    )
    assert report.totals == {"stays": 26, "over_sla": 5, "flagged": ["Interviewed"]}


def test_funnel(history: History) -> None:
    report = run_report(history.tester, "funnel", MARCH)
    # Furthest: a3 c1 Applied; a4 b1 Screened; a2 Offered; a1 a5 b2 c2 Hired.
    assert [(row[0], row[1]) for row in report.rows] == [
        ("Applied", 9),
        ("Screened", 7),
        ("Interviewed", 5),
        ("Offered", 5),
        ("Hired", 4),
    ]
    assert [row[2] for row in report.rows] == [0.7778, 0.7143, 1.0, 0.8, None]
    assert report.totals == {"applications": 9, "hires": 4}


def test_funnel_of_one_job_and_one_source(history: History) -> None:
    job = ReportFilter(MARCH.start, MARCH.end, job_id=history.jobs["J2"])
    assert [row[1] for row in run_report(history.tester, "funnel", job).rows] == [2, 2, 1, 1, 1]
    referral = ReportFilter(MARCH.start, MARCH.end, source="Referral")
    rows = run_report(history.tester, "funnel", referral).rows
    assert [row[1] for row in rows] == [3, 2, 1, 1, 0]  # a2 Offered, a4 Screened, c1 Applied


def test_sources(history: History) -> None:
    report = run_report(history.tester, "sources", MARCH)
    assert report.rows == (
        ("LinkedIn", 4, 3, 3, 3, 0.75),
        ("Referral", 3, 1, 1, 0, 0.0),
        ("Indeed", 2, 1, 1, 1, 0.5),
    )
    assert report.totals == {
        "applications": 9,
        "interviews": 5,
        "offers": 5,
        "hires": 4,
        "hire_rate": 0.4444,
    }


def test_recruiter_activity(history: History) -> None:
    report = run_report(history.tester, "activity", MARCH)
    # Ana: a1 ×2, b1 ×2, b2 ×3 moves; one interview move (b2); hired a1 and b2; a call, a
    # note, Hana submitted to Bolt. Tester: 23 moves (the undo is a move), 4 into
    # Interviewed, hired c2 and a5.
    assert report.rows == (
        ("Ana", 1, 1, 0, 7, 1, 1, 2),
        ("Tester", 1, 0, 0, 23, 0, 4, 2),
    )
    acme = ReportFilter(MARCH.start, MARCH.end, client_id=history.clients["Acme"])
    assert run_report(history.tester, "activity", acme).rows == (
        ("Ana", 0, 0, 0, 2, 0, 0, 1),
        ("Tester", 0, 0, 0, 23, 0, 4, 2),
    )


def test_placements_and_fees_per_client_and_month(history: History) -> None:
    spring = ReportFilter(dt.date(2026, 3, 1), dt.date(2026, 4, 30))
    report = run_report(history.tester, "placements", spring)
    # By start month: b2 30 March (25 % of EUR 60,000.00); a1, c2, a5 in April (20 % of USD
    # 100,000.00, USD 10,000.00 and USD 15,000.00 fixed).
    assert report.rows == (
        ("Acme", "2026-04", 3, "USD 45,000.00"),
        ("Bolt", "2026-03", 1, "EUR 15,000.00"),
    )
    assert report.totals == {
        "placements": 4,
        "clients": 2,
        "fees": "EUR 15,000.00 · USD 45,000.00",
        "fee_cents": {"EUR": 1_500_000, "USD": 4_500_000},
    }
    assert run_report(history.tester, "placements", MARCH).rows == (
        ("Bolt", "2026-03", 1, "EUR 15,000.00"),
    )
    linkedin = ReportFilter(spring.start, spring.end, source="LinkedIn")
    assert run_report(history.tester, "placements", linkedin).rows == (
        ("Acme", "2026-04", 3, "USD 45,000.00"),
    )


def test_owner_filter_is_the_job_owner(history: History) -> None:
    mine = ReportFilter(MARCH.start, MARCH.end, owner_id=history.users["Ana"])
    assert [row[0] for row in run_report(history.tester, "time-to-fill", mine).rows] == ["Analyst"]


def test_headline_hires_use_the_same_definition(history: History) -> None:
    figures = overview(history.tester, today=dt.date(2026, 4, 1))
    # Seven moves went into Hired; four hires stand.
    assert figures.hires_last_90_days == 4
    assert (
        figures.hires_last_90_days
        == run_report(history.tester, "time-to-hire", MARCH).totals["hires"]
    )
    assert {(s.source, s.applications, s.hires) for s in figures.sources} == {
        ("LinkedIn", 4, 3),
        ("Referral", 3, 0),
        ("Indeed", 2, 1),
    }


def test_every_report_has_its_columns_in_each_row(history: History) -> None:
    for name in REPORTS:
        report = run_report(history.tester, name, MARCH)
        assert all(len(row) == len(report.columns) for row in report.rows), name
        assert report.records() == [
            dict(zip(report.columns, row, strict=True)) for row in report.rows
        ]


def test_an_application_opened_straight_into_hired_reached_every_stage(history: History) -> None:
    """No move into an active stage in its history: it still reached Hired (it is a hire
    now), and so every stage before it."""
    from app.services.candidates.records import CandidateInput, create_candidate
    from app.services.pipeline.applications import open_application
    from app.services.pipeline.clients import ClientInput, create_client
    from app.services.pipeline.jobs import JobInput, create_job
    from app.store.models import Job, StageKind
    from tests.services.admin.report_history import day

    ctx = history.tester
    job_id = create_job(
        ctx, JobInput(create_client(ctx, ClientInput("Direct")).value, "Direct hire")
    ).value
    person = create_candidate(ctx, CandidateInput("Dee", "Rect")).value
    with ctx.write() as tx:
        job = tx.session.get(Job, job_id)
        hired = next(s for s in job.stages if s.kind == StageKind.HIRED)
        open_application(tx, person, job, hired, "Referral", 1.0, day(5))
    only = ReportFilter(MARCH.start, MARCH.end, job_id=job_id)
    report = run_report(ctx, "funnel", only)
    assert [row[1] for row in report.rows] == [1, 1, 1, 1, 1]
    assert report.totals == {"applications": 1, "hires": 1}
    assert run_report(ctx, "time-to-hire", only).totals["hires"] == 1
    [source] = run_report(ctx, "sources", only).rows
    assert source[0] == "Referral" and source[1] == 1 and source[4] == 1  # applied and hired
