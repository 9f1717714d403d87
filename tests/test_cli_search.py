"""`hirebench search`: ranked results as text or JSON, the Candidates view's filters, and
input that is never an error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.cli import EXIT_OK, run
from tests.support import sqlite_rows


@pytest.fixture
def demo_copy(tmp_path: Path, _demo_template: Path, hirebench_home: Path) -> Path:
    path = tmp_path / "agency.sqlite3"
    shutil.copy(_demo_template, path)
    return path


def _search(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert run(["search", *args, "--json", "--limit", "500"]) == EXIT_OK
    return json.loads(capsys.readouterr().out)


def _skills_of(path: Path, candidate_id: int) -> set[str]:
    rows = sqlite_rows(
        path,
        "SELECT lower(s.name) FROM candidate_skills cs JOIN skills s ON s.id = cs.skill_id"
        f" WHERE cs.candidate_id = {candidate_id}",
    )
    return {name for (name,) in rows}


def test_json_lists_ranked_hits_that_match(demo_copy: Path, capsys) -> None:
    found = _search(capsys, "skill:python", "--database", str(demo_copy))
    ids = [hit["candidate_id"] for hit in found["hits"]]
    assert ids and len(ids) == len(set(ids))
    assert all("python" in _skills_of(demo_copy, i) for i in ids)
    scores = [hit["score"] for hit in found["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_filters_narrow_the_search_like_the_candidates_view(demo_copy: Path, capsys) -> None:
    everyone = _search(capsys, "skill:python", "--database", str(demo_copy))["hits"]
    dnc = {i for (i,) in sqlite_rows(demo_copy, "SELECT id FROM candidates WHERE do_not_contact")}
    hidden = _search(
        capsys, "skill:python", "--do-not-contact", "hide", "--database", str(demo_copy)
    )["hits"]
    expected = [h["candidate_id"] for h in everyone if h["candidate_id"] not in dnc]
    assert sorted(h["candidate_id"] for h in hidden) == sorted(expected)
    ids = ", ".join(str(h["candidate_id"]) for h in everyone)
    city = sqlite_rows(
        demo_copy,
        f"SELECT location FROM candidates WHERE id IN ({ids}) AND location IS NOT NULL LIMIT 1",
    )[0][0].split(",")[0]  # a city some Python candidate lives in
    located = _search(capsys, "skill:python", "--location", city, "--database", str(demo_copy))[
        "hits"
    ]
    assert located, city
    for hit in located:
        [(location,)] = sqlite_rows(
            demo_copy, f"SELECT location FROM candidates WHERE id = {hit['candidate_id']}"
        )
        assert city.lower() in location.lower()
    assert {h["candidate_id"] for h in located} <= {h["candidate_id"] for h in everyone}


def test_a_malformed_query_is_searched_as_words_not_an_error(demo_copy: Path, capsys) -> None:
    assert run(["search", 'skill:( "unclosed AND OR', "--database", str(demo_copy)]) == EXIT_OK
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err


def test_bad_numbers_are_refused_with_a_message(demo_copy: Path, capsys) -> None:
    assert run(["search", "python", "--limit", "0", "--database", str(demo_copy)]) == 2
    assert "--limit" in capsys.readouterr().err
    code = run(["search", "python", "--contacted-within", "-3", "--database", str(demo_copy)])
    assert code == 2
    assert "--contacted-within" in capsys.readouterr().err


def test_a_reader_that_goes_away_ends_the_command_quietly(demo_copy: Path) -> None:
    """`hirebench search … | head -1`: no traceback when the pipe closes early."""
    import os
    import subprocess
    import sys

    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app",
            "search",
            "skill:python",
            "--limit",
            "500",
            "--database",
            str(demo_copy),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
        cwd=Path(__file__).resolve().parents[1],
    )
    process.stdout.close()  # the reader is gone before anything was written
    _out, errors = process.communicate(timeout=60)
    assert b"Traceback" not in errors and b"BrokenPipeError" not in errors, errors
    assert process.returncode == 1
