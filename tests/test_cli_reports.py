"""`hirebench report`: the same figures as the screen, as JSON, CSV or a plain table."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from app.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, run
from app.paths import AppPaths
from app.store.database import Database
from tests.services.admin.report_history import History, build

MARCH = ["--from", "2026-03-01", "--to", "2026-03-31"]


@pytest.fixture
def history(
    paths: AppPaths, database: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> tuple[History, Path]:
    return build(database, monkeypatch), tmp_path / "test.sqlite3"


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    capsys.readouterr()
    assert run(["report", *argv, "--json"]) == EXIT_OK
    return json.loads(capsys.readouterr().out)


def test_time_to_hire_json_has_the_hires(history, capsys) -> None:
    _h, path = history
    found = _json(capsys, "time-to-hire", *MARCH, "--database", str(path))
    assert found["totals"]["hires"] == 4
    assert [row["Days to hire"] for row in found["rows"]] == [12.0, 3.0, 13.0, 19.0]
    assert set(found["rows"][0]) == {
        "Candidate", "Job", "Client", "Source", "Applied", "Hired", "Days to hire"
    }  # fmt: skip


def test_funnel_rows_have_stage_and_reached(history, capsys) -> None:
    h, path = history
    found = _json(capsys, "funnel", *MARCH, "--database", str(path))
    assert [(row["stage"], row["reached"]) for row in found["rows"]] == [
        ("Applied", 9), ("Screened", 7), ("Interviewed", 5), ("Offered", 5), ("Hired", 4)
    ]  # fmt: skip
    client = _json(
        capsys, "funnel", *MARCH, "--client", str(h.clients["Bolt"]), "--database", str(path)
    )
    assert [row["reached"] for row in client["rows"]] == [2, 2, 1, 1, 1]
    source = _json(capsys, "funnel", *MARCH, "--source", "Referral", "--database", str(path))
    assert [row["reached"] for row in source["rows"]] == [3, 2, 1, 1, 0]


def test_job_and_owner_filters(history, capsys) -> None:
    h, path = history
    job = _json(capsys, "time-to-fill", *MARCH, "--job", str(h.jobs["J3"]), "--database", str(path))
    assert [(row["Job"], row["Days to fill"]) for row in job["rows"]] == [("Designer", 9)]
    owner = _json(
        capsys, "placements", *MARCH, "--owner", str(h.users["Ana"]), "--database", str(path)
    )
    assert owner["rows"] == [
        {"Client": "Bolt", "Month": "2026-03", "Placements": 1, "Fees": "EUR 15,000.00"}
    ]
    assert owner["totals"]["fee_cents"] == {"EUR": 1_500_000}


def test_csv_is_the_screen_table(history, capsys) -> None:
    _h, path = history
    capsys.readouterr()
    assert run(["report", "sources", *MARCH, "--csv", "--database", str(path)]) == EXIT_OK
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows == [
        ["Source", "Applications", "Interviews", "Offers", "Hires", "Hire rate"],
        ["LinkedIn", "4", "3", "3", "3", "0.75"],
        ["Referral", "3", "1", "1", "0", "0.0"],
        ["Indeed", "2", "1", "1", "1", "0.5"],
    ]


def test_every_report_prints_a_table(history, capsys) -> None:
    _h, path = history
    for name in ("time-in-stage", "activity", "campaigns"):
        capsys.readouterr()
        assert run(["report", name, *MARCH, "--database", str(path)]) == EXIT_OK
        assert capsys.readouterr().out.strip()


def test_mistakes_are_refused(history, capsys) -> None:
    _h, path = history
    assert run(["report", "nonsense", "--database", str(path)]) == EXIT_USAGE
    assert run(["report", "funnel", "--from", "March", "--database", str(path)]) == EXIT_USAGE
    backwards = ["--from", "2026-04-01", "--to", "2026-03-01"]
    assert run(["report", "funnel", *backwards, "--database", str(path)]) == EXIT_FAILURE
    assert "--from is after --to" in capsys.readouterr().err
