"""`hirebench interviews`: a range of days listed, as JSON, and written as an .ics file that
the icalendar package reads back with each interview's UID, sequence and time zone."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from icalendar import Calendar

from app.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, run
from app.paths import AppPaths
from app.services.core.context import ServiceContext
from app.services.pipeline.interview_list import get_interview
from app.services.pipeline.interviews import cancel_interview, schedule_interview
from app.store.database import Database
from tests.services.pipeline.interview_setup import build_loop, interview


@pytest.fixture
def filled(ctx: ServiceContext, database: Database) -> tuple[Path, list[int]]:
    loop = build_loop(ctx)
    ids = [
        schedule_interview(ctx, interview(loop)).value.interview_id,
        schedule_interview(
            ctx,
            interview(
                loop, 1, date=dt.date(2027, 4, 2), start=dt.time(9, 0), time_zone="America/New_York"
            ),
        ).value.interview_id,
        schedule_interview(
            ctx, interview(loop, 1, date=dt.date(2027, 6, 1), contact_ids=(loop.alan,))
        ).value.interview_id,
    ]
    cancelled = schedule_interview(ctx, interview(loop, date=dt.date(2027, 3, 30)))
    cancel_interview(ctx, cancelled.value.interview_id)
    return database.path, ids


def test_writes_the_range_as_an_ics_file(
    paths: AppPaths,
    ctx: ServiceContext,
    filled: tuple[Path, list[int]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, (paris, new_york, _june) = filled
    target = tmp_path / "interviews.ics"
    argv = ["interviews", "--database", str(path), "--from", "2027-03-01", "--to", "2027-04-30"]
    assert run([*argv, "--ics", str(target)]) == EXIT_OK
    assert "2 interviews written to" in capsys.readouterr().out
    calendar = Calendar.from_ical(target.read_bytes())
    assert str(calendar["method"]) == "PUBLISH"
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    expected = {get_interview(ctx, i).uid: i for i in (paris, new_york)}
    assert set(events) == set(expected)  # not June's, not the cancelled one
    ny = events[get_interview(ctx, new_york).uid]
    assert ny["dtstart"].params["TZID"] == "America/New_York"
    assert ny["dtstart"].to_ical() == b"20270402T090000"
    zones = {str(z["tzid"]) for z in calendar.walk("VTIMEZONE")}
    assert zones == {"Europe/Paris", "America/New_York"}
    assert "Notes for interviewers: Probe" in str(
        events[get_interview(ctx, paris).uid]["description"]
    )


def test_lists_and_prints_json_with_filters(
    paths: AppPaths, filled: tuple[Path, list[int]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, (paris, new_york, june) = filled
    base = ["interviews", "--database", str(path), "--from", "2027-01-01", "--to", "2027-12-31"]
    assert run(base) == EXIT_OK
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert [line.split()[0] for line in lines] == [f"#{i}" for i in (paris, new_york, june)]
    assert "Thu 25 Mar 2027, 14:00 (Europe/Paris)  Ada Lovelace — Platform Engineer" in lines[0]
    assert "3 interviews." in captured.err
    assert run([*base, "--json", "--cancelled"]) == EXIT_OK
    payload = json.loads(capsys.readouterr().out)
    assert [p["status"] for p in payload].count("cancelled") == 1
    assert run([*base, "--json", "--job", "999"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out) == []


def test_mistakes_are_said_in_one_line(
    paths: AppPaths, filled: tuple[Path, list[int]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ids = filled
    base = ["interviews", "--database", str(path)]
    assert run([*base, "--from", "2027-02-30", "--to", "2027-03-01"]) == EXIT_USAGE
    assert "is not a date" in capsys.readouterr().err
    assert run([*base, "--from", "2027-03-02", "--to", "2027-03-01"]) == EXIT_FAILURE
    assert "--to is before --from" in capsys.readouterr().err
