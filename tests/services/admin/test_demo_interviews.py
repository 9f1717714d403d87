"""The demo database's interviews and scorecards: past ones scored, upcoming ones (one
double-booked, one cancelled), the board's stars, and their counts."""

from __future__ import annotations

import datetime as dt

from app.services.admin.stats import table_counts
from app.services.core.context import ServiceContext
from app.services.pipeline.board import load_board
from app.services.pipeline.interview_list import list_interviews
from app.services.pipeline.scorecards import scorecards_of_interviews
from app.store.database import Database
from tests.conftest import DEMO_AS_OF


def _around() -> tuple[dt.datetime, dt.datetime]:
    return DEMO_AS_OF - dt.timedelta(days=60), DEMO_AS_OF + dt.timedelta(days=30)


def test_demo_has_past_and_upcoming_interviews_with_scorecards(demo_ctx: ServiceContext) -> None:
    rows = list_interviews(demo_ctx, *_around(), include_cancelled=True)
    past = [r for r in rows if r.starts_at < DEMO_AS_OF]
    upcoming = [r for r in rows if r.starts_at > DEMO_AS_OF]
    assert len(past) >= 10 and len(upcoming) >= 5
    assert sum(r.cancelled for r in upcoming) == 1 and not any(r.cancelled for r in past)
    assert any(r.conflicts for r in upcoming if not r.cancelled)  # a double-booking to show
    sheets = scorecards_of_interviews(demo_ctx, [r.id for r in past])
    assert all(sheets[r.id].cards for r in past)
    assert any(sheets[r.id].missing for r in past)  # someone has not replied yet
    ahead = scorecards_of_interviews(demo_ctx, [r.id for r in upcoming])
    assert all(not sheet.cards for sheet in ahead.values())  # nothing to score yet
    job = past[0].job_id
    scored = [c for c in load_board(demo_ctx, job).cards if c.score_count]
    assert scored and all(1 <= c.score <= 5 for c in scored)


def test_stats_count_the_interview_tables(demo_database: Database) -> None:
    counts = table_counts(demo_database.engine)
    assert counts["interviews"] >= 15 and counts["scorecards"] >= 10
    assert counts["scorecard_ratings"] >= 4 * counts["scorecards"] - 4
    assert counts["scorecard_templates"] == 2
