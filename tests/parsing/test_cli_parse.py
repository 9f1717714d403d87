"""`hirebench parse FILE... --json`: one object per file, failures reported in line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app.cli import EXIT_FAILURE, EXIT_OK, run
from app.parsing import ParsedResume

CORPUS = Path(__file__).resolve().parent / "corpus"
ROOT = Path(__file__).resolve().parents[2]
KEYS = set(ParsedResume(file="x").to_json())


def test_parse_prints_a_list_in_the_to_json_shape(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HIREBENCH_HOME", str(tmp_path))
    files = [CORPUS / "maria_lopez_one-column.pdf", CORPUS / "bad" / "encrypted.pdf"]
    status = run(["parse", *map(str, files), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert status == EXIT_OK
    assert len(out) == 2
    assert set(out[0]) == KEYS
    assert out[0]["name"] == "Maria Lopez"
    assert out[0]["phones"] == ["+13125550187"]
    assert set(out[0]["employers"][0]) == {"company", "title", "start", "end"}
    assert set(out[0]["education"][0]) == {"institution", "degree", "year"}
    assert set(out[1]) == {"file", "error", "warnings"}
    assert out[1]["file"].endswith("encrypted.pdf")
    assert "password" in out[1]["error"]


def test_all_failing_exits_1(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HIREBENCH_HOME", str(tmp_path))
    status = run(["parse", str(CORPUS / "bad" / "corrupt.pdf"), str(tmp_path), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert status == EXIT_FAILURE
    assert [set(o) for o in out] == [{"file", "error", "warnings"}] * 2


def test_region_option(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HIREBENCH_HOME", str(tmp_path))
    path = tmp_path / "cv.txt"
    path.write_text("Anna Schmidt\nTel. 030 1234567\nanna@example.de\n")
    assert run(["parse", str(path), "--json", "--region", "de"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)[0]["phones"] == ["+49301234567"]


def test_as_a_process(tmp_path) -> None:
    env = dict(os.environ, HIREBENCH_HOME=str(tmp_path))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "parse",
            str(CORPUS / "oliver_bennett_one-column.txt"),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == EXIT_OK, done.stderr
    assert json.loads(done.stdout)[0]["emails"] == ["oliver.bennett@example.org"]
