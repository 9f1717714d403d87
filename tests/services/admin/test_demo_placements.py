"""The demo database's offers and placements agree with its pipelines and jobs, and give every
new screen something to show: offers in each status, placements over several months."""

from __future__ import annotations

from collections import Counter

from app.services.admin.stats import table_counts
from app.services.core.context import ServiceContext
from app.services.pipeline.board import load_board
from app.services.pipeline.jobs import list_jobs
from app.services.pipeline.money import percent_of
from app.services.pipeline.offers import get_offer, list_offers
from app.services.pipeline.placement_report import list_placements, placements_report
from app.services.pipeline.placements import delete_placement, openings_left
from app.store.database import Database
from app.store.enums import FeeKind, JobStatus, OfferStatus, StageKind
from tests.conftest import DEMO_AS_OF
from tests.support import count_rows, sqlite_rows


def _hired_applications(ctx: ServiceContext) -> set[int]:
    hired: set[int] = set()
    for job in list_jobs(ctx):
        board = load_board(ctx, job.id)
        stages = {s.id for s in board.stages if s.kind is StageKind.HIRED}
        hired |= {c.application_id for c in board.cards if c.stage_id in stages}
    return hired


def test_every_hire_has_its_placement_and_accepted_offer(demo_ctx: ServiceContext) -> None:
    placements = list_placements(demo_ctx)
    assert {p.application.application_id for p in placements} == _hired_applications(demo_ctx)
    for placement in placements:
        assert placement.terms.offer_id is not None
        offer = get_offer(demo_ctx, placement.terms.offer_id)
        assert offer.status is OfferStatus.ACCEPTED
        assert offer.application == placement.application
        assert placement.terms.validate() == {}
        if placement.terms.fee_kind is FeeKind.PERCENT:
            assert placement.terms.salary_cents and placement.terms.fee_percent_bp
            fee = percent_of(placement.terms.salary_cents, placement.terms.fee_percent_bp)
            assert placement.fee_cents == fee


def test_openings_agree_with_job_status(demo_ctx: ServiceContext, demo_database: Database) -> None:
    with demo_database.sessions() as session:
        for job in list_jobs(demo_ctx):
            left = openings_left(session, job.id)
            if job.status is JobStatus.FILLED:
                assert left == 0
            else:
                assert left > 0 or job.status is JobStatus.CLOSED


def test_offers_in_every_status_and_placements_over_months(demo_ctx: ServiceContext) -> None:
    offers = [o for p in _candidates(demo_ctx) for o in list_offers(demo_ctx, candidate_id=p)]
    statuses = Counter(o.status for o in offers)
    assert set(statuses) == set(OfferStatus)
    assert any(o.is_expired(DEMO_AS_OF.date()) for o in offers)
    assert any(
        not o.is_expired(DEMO_AS_OF.date()) and o.status is OfferStatus.EXTENDED for o in offers
    )
    report = placements_report(demo_ctx)
    assert len(report.months) >= 3
    assert len({p.application.client_id for m in report.months for p in m.placements}) >= 2
    assert {currency for currency, _cents in report.fees} == {"EUR", "USD"}
    assert all(cents > 0 for _currency, cents in report.fees)


def _candidates(ctx: ServiceContext) -> set[int]:
    return {p.application.candidate_id for p in list_placements(ctx)} | {
        c.candidate_id for job in list_jobs(ctx) for c in load_board(ctx, job.id).cards
    }


def test_the_timeline_tells_each_offer_and_placement(demo_database: Database) -> None:
    kinds = dict(
        sqlite_rows(
            demo_database.path,
            "SELECT kind, count(*) FROM activities WHERE kind IN ('offer', 'placement')"
            " GROUP BY kind",
        )
    )
    assert kinds["placement"] == count_rows(demo_database, "placements")
    decided = count_rows(demo_database, "offers") - len(
        sqlite_rows(demo_database.path, "SELECT id FROM offers WHERE status = 'extended'")
    )
    assert kinds["offer"] == count_rows(demo_database, "offers") + decided


def test_stats_count_them_and_a_filling_placement_gives_its_opening_back(
    demo_database: Database, demo_ctx: ServiceContext
) -> None:
    counts = table_counts(demo_database.engine)
    assert counts["offers"] == count_rows(demo_database, "offers") > 0
    assert counts["placements"] == count_rows(demo_database, "placements") > 0
    [(placement_id, job_id)] = sqlite_rows(
        demo_database.path,
        "SELECT p.id, a.job_id FROM placements p JOIN applications a ON a.id = p.application_id"
        " WHERE p.filled_job_from IS NOT NULL ORDER BY p.id LIMIT 1",
    )
    delete_placement(demo_ctx, placement_id)
    job = next(j for j in list_jobs(demo_ctx) if j.id == job_id)
    assert job.status is JobStatus.OPEN and job.filled_on is None
