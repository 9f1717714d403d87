"""Properties of the reports over random histories made through the board: the funnel never
grows down the stages, and every hire standing now is counted once, in every report."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.services.admin.report_catalog import run_report
from app.services.admin.report_defs import ReportFilter
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.core.context import ServiceContext
from app.services.pipeline.board import Replay
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.jobs import DEFAULT_STAGES, JobInput, create_job
from app.store.database import Database
from app.store.models import Application, Stage, StageKind
from tests.services.admin.report_history import DAY0, Clock, History, _apply, day, move

STAGES = [name for name, _kind in DEFAULT_STAGES]
UNDO = "undo"
# One application's history: where each move takes it (or an undo of the move before).
moves = st.lists(st.sampled_from([*STAGES[1:], UNDO]), max_size=6)
histories = st.lists(moves, min_size=1, max_size=4)


@pytest.fixture
def world(database: Database, ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch):
    clock = Clock()
    monkeypatch.setattr("app.services.pipeline.board.utc_now", clock)
    client = create_client(ctx, ClientInput("Random")).value
    return ctx, clock, client, [0]


def _play(world, history: list[list[str]]) -> int:
    ctx, clock, client, counter = world
    counter[0] += 1
    job = create_job(ctx, JobInput(client, f"Job {counter[0]}", opened_on=DAY0.date())).value
    h = History(ctx, ctx, jobs={"J": job})
    for index, steps in enumerate(history):
        person = create_candidate(ctx, CandidateInput(f"P{counter[0]}", f"N{index}")).value
        name = f"x{index}"
        h.apps[name] = _apply(ctx, person, job, "Web" if index % 2 else "Referral", 0)
        where = [STAGES[0]]
        for on, step in enumerate(steps, 1):
            if step == UNDO:
                if len(where) < 2:
                    continue
                where.pop()
                back = "No fit" if where[-1] == "Rejected" else None  # a rejection needs one
                move(h, clock, ctx, name, where[-1], on, reason=back, replay=Replay.UNDO)
            elif step != where[-1]:
                reason = "No fit" if step == "Rejected" else None
                move(h, clock, ctx, name, step, on, reason=reason)
                where.append(step)
    return job


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(history=histories)
def test_funnel_never_grows_and_each_hire_counts_once(world, history) -> None:
    job = _play(world, history)
    ctx = world[0]
    scope = ReportFilter(DAY0.date(), day(40).date(), job_id=job)
    funnel = run_report(ctx, "funnel", scope)
    reached = [row[1] for row in funnel.rows]
    assert reached == sorted(reached, reverse=True)
    assert reached[0] == len(history)
    with ctx.read() as session:
        standing = session.scalar(
            select(func.count())
            .select_from(Application)
            .join(Stage, Stage.id == Application.stage_id)
            .where(Application.job_id == job, Stage.kind == StageKind.HIRED)
        )
    hires = run_report(ctx, "time-to-hire", scope)
    assert hires.totals["hires"] == standing
    assert len({row[0] for row in hires.rows}) == standing  # each person once
    assert funnel.rows[-1][0] == "Hired" and funnel.rows[-1][1] == standing
    assert funnel.totals["hires"] == standing
    assert run_report(ctx, "sources", scope).totals["hires"] == standing
    activity = run_report(ctx, "activity", scope)
    assert activity.totals["placements"] == standing


def test_a_card_moved_to_hired_and_back_three_times_is_one_hire_at_most(world) -> None:
    there_and_back = ["Hired", "Offered"] * 3
    job = _play(world, [there_and_back, [*there_and_back, "Hired"]])
    scope = ReportFilter(DAY0.date(), day(40).date(), job_id=job)
    assert run_report(world[0], "time-to-hire", scope).totals["hires"] == 1
    undone = ["Hired", UNDO, "Hired", UNDO]
    job = _play(world, [undone])
    scope = ReportFilter(DAY0.date(), day(40).date(), job_id=job)
    assert run_report(world[0], "time-to-hire", scope).totals["hires"] == 0


def test_a_move_taken_back_by_undo_is_not_reached_a_move_back_by_hand_is(world) -> None:
    undone = ["Interviewed", UNDO]  # Applied → Interviewed, undone: back in Applied
    by_hand = ["Interviewed", "Applied"]
    redone = ["Interviewed", UNDO, "Interviewed"]
    job = _play(world, [undone, by_hand, redone])
    scope = ReportFilter(DAY0.date(), day(40).date(), job_id=job)
    rows = run_report(world[0], "funnel", scope).rows
    assert [(row[0], row[1]) for row in rows] == [
        ("Applied", 3), ("Screened", 2), ("Interviewed", 2), ("Offered", 0), ("Hired", 0)
    ]  # fmt: skip


def test_a_move_taken_back_by_undo_leaves_one_stay(world) -> None:
    # Applied day 0; Screened day 1, undone day 2; Screened again day 3, back to Applied by
    # hand day 4; Interviewed day 5, undone day 6 (still in Applied). Stays: Applied days 0-3
    # (one stay: the move taken back did not happen), Screened 3-4; nothing in Interviewed.
    job = _play(world, [["Screened", UNDO, "Screened", "Applied", "Interviewed", UNDO]])
    scope = ReportFilter(DAY0.date(), day(40).date(), job_id=job)
    rows = run_report(world[0], "time-in-stage", scope).rows
    assert [(row[0], row[1], row[2]) for row in rows] == [
        ("Applied", 1, 3.0),
        ("Screened", 1, 1.0),
    ]
