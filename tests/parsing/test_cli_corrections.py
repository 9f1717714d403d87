"""`hirebench parse --corrections`: review corrections exported as labelled examples that the
accuracy corpus's scorer reads (run as a subprocess, as a benchmark would)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import EXIT_OK, EXIT_USAGE, run
from app.parsing import parse_file
from app.paths import AppPaths
from app.services.core.context import ServiceContext
from app.services.core.users import ensure_user
from app.services.intake.importer import import_resume
from app.services.intake.review import save_review
from app.store.database import open_database
from tests.parsing.make_corpus import render_pdf as write_pdf
from tests.parsing.test_locate import RESUME

ROOT = Path(__file__).resolve().parents[2]
SCORER = ROOT.parent / "shared" / "resumes" / "score.py"


def _scores(predictions: Path, truth: Path) -> tuple[int, dict[str, float], str]:
    if not SCORER.exists():
        pytest.fail(f"no scorer at {SCORER}: this test needs ../shared/resumes")
    done = subprocess.run(
        [sys.executable, str(SCORER), str(predictions), "--truth", str(truth)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    last = done.stdout.strip().splitlines()[-1]
    figures = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)/", last)}
    return done.returncode, figures, done.stdout


@pytest.fixture
def corrected(qapp: object, paths: AppPaths, tmp_path: Path) -> Path:
    """A database where one resume was corrected on review (its current title); the PDF is
    written by Qt, in the session's QApplication."""
    db_path = tmp_path / "agency.sqlite3"
    source = tmp_path / "in" / "maria.pdf"
    source.parent.mkdir()
    write_pdf(RESUME, source)
    database = open_database(db_path, may_create=True)
    try:
        ctx = ServiceContext(database.sessions, ensure_user(database.sessions, "tester"))
        parsed = parse_file(source)
        assert parsed.current_title == "Senior Data Engineer"
        done = import_resume(ctx, paths.documents_dir, source, parsed).value
        save_review(
            ctx,
            done.candidate_id,
            {"current_title": "Lead Data Engineer", "location": "Portland, Oregon"},
            document_id=done.document_id,
        )
    finally:
        database.close()
    return db_path


def test_json_lists_the_examples_in_the_truth_schema(
    corrected: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["parse", "--corrections", "--json", "--database", str(corrected)]) == EXIT_OK
    (example,) = json.loads(capsys.readouterr().out)
    assert example["file"] == "maria.pdf"
    assert example["corrected_fields"] == ["current_title", "location"]
    truth = example["truth"]
    assert set(truth) == {
        "name", "email", "phone", "location", "links", "current_title",
        "employers", "education", "skills",
    }  # fmt: skip
    assert truth["current_title"] == "Lead Data Engineer"
    assert truth["location"] == "Portland, Oregon"
    assert truth["employers"][0]["title"] == "Lead Data Engineer"
    assert truth["name"] == "Maria Kowalski"
    assert example["parsed"]["current_title"] == "Senior Data Engineer"  # the parser's own


def test_the_exported_folder_scores_the_parser_against_the_corrections(
    corrected: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "examples"
    status = run(["parse", "--corrections-dir", str(out), "--database", str(corrected)])
    assert status == EXIT_OK
    assert (out / "maria.pdf").read_bytes()[:5] == b"%PDF-"
    truth = json.loads((out / "truth" / "maria.pdf.json").read_text(encoding="utf-8"))
    assert truth["current_title"] == "Lead Data Engineer"

    # The parser's output as it was at review time, scored against the corrected truth.
    code, figures, report = _scores(out / "parsed.json", out / "truth")
    assert figures["name"] == 1.0 and figures["email"] == 1.0 and figures["phone"] == 1.0
    assert figures["current_title_lenient"] == 0.0  # the correction: the parser was wrong
    assert code == 1 and "not parsed" not in report

    # The exported file parsed again by the command line, as a benchmark would.
    parsed = subprocess.run(
        [sys.executable, "-m", "app", "parse", str(out / "maria.pdf"), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert parsed.returncode == 0, parsed.stderr
    predictions = tmp_path / "pred.json"
    predictions.write_text(parsed.stdout, encoding="utf-8")
    _code, again, _report = _scores(predictions, out / "truth")
    assert again == figures  # the same parser reads the same file the same way


def test_files_and_corrections_together_are_refused(
    corrected: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["parse", "x.pdf", "--corrections", "--database", str(corrected)]) != EXIT_OK
    assert "not both" in capsys.readouterr().err
    assert run(["parse"]) == EXIT_USAGE
