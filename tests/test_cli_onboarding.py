"""`hirebench onboarding`: the hires' checks from a shell, exit 1 with --overdue when any is."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from app.cli import EXIT_FAILURE, EXIT_OK, run
from app.paths import AppPaths
from app.services.core.context import ServiceContext
from app.services.pipeline.board import MoveRequest, load_board, move_applications
from app.services.pipeline.onboarding import set_start_date
from app.store.database import Database
from tests.services.pipeline.hiring_support import hiring


@pytest.fixture
def hired(paths: AppPaths, ctx: ServiceContext, database: Database) -> Path:
    world = hiring(ctx)
    board = load_board(ctx, world.job_id)
    stage = next(s for s in board.stages if s.name == "Hired")
    card = next(c for c in board.cards if c.application_id == world.applications["Ada"])
    move_applications(ctx, [MoveRequest(card.application_id, card.version, stage.id)])
    set_start_date(ctx, card.application_id, dt.date(2027, 1, 4))
    database.close()
    return database.path


def test_overdue_lists_them_and_fails(hired: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["onboarding", "--overdue", "--today", "2027-01-06", "--database", str(hired)]
    assert run(args) == EXIT_FAILURE
    out = capsys.readouterr().out
    assert "I-9 Section 1" in out and "Background check" in out and "I-9 Section 2" not in out
    assert out.rstrip().endswith("2 onboarding checks overdue as of 2027-01-06")


def test_nothing_overdue_before_the_start(hired: Path, capsys) -> None:
    args = ["onboarding", "--overdue", "--today", "2027-01-04", "--database", str(hired)]
    assert run(args) == EXIT_OK
    assert "0 onboarding checks overdue" in capsys.readouterr().out


def test_json_lists_every_check_with_its_group(hired: Path, capsys) -> None:
    args = ["onboarding", "--json", "--today", "2027-01-06", "--database", str(hired)]
    assert run(args) == EXIT_OK
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted((r["check"], r["group"]) for r in rows) == [
        ("background", "overdue"),
        ("i9_section1", "overdue"),
        ("i9_section2", "due soon"),
    ]
    assert {r["due"] for r in rows} == {"2027-01-04", "2027-01-07"}
