"""`hirebench audit verify` and `hirebench audit export`, on real database files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from app.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, run
from app.paths import AppPaths
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.candidates.timeline import add_note
from app.services.core.context import ServiceContext
from app.store.database import Database
from tests.support import raw_connect


@pytest.fixture
def trail(paths: AppPaths, ctx: ServiceContext, database: Database) -> Path:
    for first in ("Ada", "Grace"):
        person = create_candidate(ctx, CandidateInput(first, "Example")).value
        add_note(ctx, person, f"{first} asked for a call, ‘soon’, with a comma.")
    database.close()
    return database.path


def _entries(path: Path) -> int:
    with raw_connect(path) as connection:
        return connection.execute("SELECT count(*) FROM audit_entries").fetchone()[0]


def test_verify_counts_the_entries(trail: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["audit", "verify", "--database", str(trail)]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith(f"{_entries(trail)} entries verified")


def test_verify_names_the_first_broken_entry(
    trail: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with raw_connect(trail) as connection:
        connection.execute("DROP TRIGGER audit_entries_no_update")
        target = connection.execute("SELECT max(id) FROM audit_entries").fetchone()[0]
        connection.execute(f"UPDATE audit_entries SET actor = 'someone' WHERE id = {target}")
    assert run(["audit", "verify", "--database", str(trail)]) == EXIT_FAILURE
    out = capsys.readouterr().out.strip()
    assert len(out.splitlines()) == 1
    assert out.startswith(f"Audit entry {target} does not verify: its content was changed")


def test_export_writes_every_entry_as_csv(trail: Path, capsys: pytest.CaptureFixture[str]):
    assert run(["audit", "export", "--database", str(trail)]) == EXIT_OK
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == _entries(trail)
    assert [int(r["id"]) for r in rows] == sorted((int(r["id"]) for r in rows), reverse=True)
    notes = [r for r in rows if r["action"] == "activity.create" or "note" in r["action"]]
    assert notes, {r["action"] for r in rows}
    assert all(len(r["chain_hash"]) == 64 for r in rows)
    created = [r for r in rows if r["action"] == "candidate.create"]
    assert {json.loads(r["after"])["first_name"] for r in created} == {"Ada", "Grace"}


def test_export_filters_and_writes_a_file(trail: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "audit.csv"
    argv = ["audit", "export", str(out), "--database", str(trail), "--action", "candidate."]
    assert run(argv) == EXIT_OK
    assert "audit entries written" in capsys.readouterr().out
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and all(r["action"].startswith("candidate.") for r in rows)
    assert not list(tmp_path.glob("*.partial"))


def test_export_refuses_a_backwards_range(trail: Path, capsys) -> None:
    argv = [
        "audit",
        "export",
        "--database",
        str(trail),
        "--from",
        "2026-05-02",
        "--to",
        "2026-05-01",
    ]
    assert run(argv) == EXIT_FAILURE
    assert "--from is after --to" in capsys.readouterr().err


def test_audit_needs_an_action(trail: Path, capsys) -> None:
    assert run(["audit", "--database", str(trail)]) == EXIT_USAGE
    assert "ACTION" in capsys.readouterr().err
