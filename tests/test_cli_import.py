"""`hirebench import`: real resume files through the background intake, one line per file."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from app.cli import EXIT_FAILURE, EXIT_OK, run
from app.paths import AppPaths
from app.services.core.context import ServiceContext
from app.services.core.users import ensure_user
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.jobs import JobInput, create_job
from app.store.database import open_database
from tests.support import sqlite_rows

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def resume(folder: Path, name: str, person: str, email: str, phone: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [person, "Account Manager", f"Chicago, IL | {email} | {phone}"]
    path = folder / name
    if path.suffix == ".docx":
        document = docx.Document()
        for line in lines:
            document.add_paragraph(line)
        document.save(str(path))
    else:
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    resume(folder, "maria.txt", "Maria Lopez", "maria@example.com", "(312) 555-0199")
    resume(folder / "more", "tom.docx", "Tom Baker", "tom@example.net", "(312) 555-0175")
    return folder


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "agency.sqlite3"


def lines_of(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.strip()]


def test_imports_a_folder_and_exits_0(
    paths: AppPaths, inbox: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
):
    assert run(["import", str(inbox), "--database", str(db_path)]) == EXIT_OK
    out = lines_of(capsys.readouterr().out)
    assert len(out) == 3
    assert sorted(line.split()[0] for line in out[:2]) == ["done", "done"]
    assert all(re.search(r"new candidate \S.* #\d+", line) for line in out[:2])
    assert any(str(inbox / "maria.txt") in line for line in out)
    assert out[2] == "2 files: 2 new candidates, 0 updated, 0 duplicates, 0 failed."
    assert sqlite_rows(db_path, "SELECT count(*) FROM candidates") == [(2,)]
    stored = [p for p in paths.documents_dir.rglob("*") if p.is_file()]
    assert len(stored) == 2


def test_the_same_files_again_are_duplicates(
    paths: AppPaths, inbox: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
):
    assert run(["import", str(inbox), "--database", str(db_path)]) == EXIT_OK
    capsys.readouterr()
    assert run(["import", str(inbox), "--database", str(db_path)]) == EXIT_OK
    out = lines_of(capsys.readouterr().out)
    assert [line.split()[0] for line in out[:2]] == ["duplicate", "duplicate"]
    assert "already imported" in out[0]
    assert out[-1].endswith("2 duplicates, 0 failed.")
    assert sqlite_rows(db_path, "SELECT count(*) FROM documents") == [(2,)]


def test_a_failed_file_is_explained_and_exits_1(
    paths: AppPaths, inbox: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
):
    (inbox / "photo.png").write_bytes(b"\x89PNG")  # a picture cut short
    (inbox / "logo.gif").write_bytes(b"GIF89a")
    (inbox / "broken.docx").write_bytes(b"PK\x03\x04 not really a docx")
    assert run(["import", str(inbox), "--database", str(db_path)]) == EXIT_FAILURE
    out = lines_of(capsys.readouterr().out)
    failed = {line.split()[1].rstrip(":"): line for line in out if line.startswith("failed")}
    assert set(failed) == {
        str(inbox / "photo.png"),
        str(inbox / "logo.gif"),
        str(inbox / "broken.docx"),
    }
    assert "the picture is damaged" in failed[str(inbox / "photo.png")]
    assert "Unsupported file type .gif" in failed[str(inbox / "logo.gif")]
    assert out[-1] == "5 files: 2 new candidates, 0 updated, 0 duplicates, 3 failed."


def test_job_and_stage_place_the_candidates(
    paths: AppPaths, inbox: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
):
    database = open_database(db_path, db_path.parent / "backups")
    try:
        ctx = ServiceContext(database.sessions, ensure_user(database.sessions, "setup"))
        client = create_client(ctx, ClientInput(name="Initech")).value
        job = create_job(ctx, JobInput(client_id=client, title="Account Manager")).value
    finally:
        database.close()
    argv = ["import", str(inbox), "--job", str(job), "--stage", "screened"]
    assert run([*argv, "--database", str(db_path)]) == EXIT_OK
    rows = sqlite_rows(
        db_path,
        "SELECT stages.name, applications.source FROM applications "
        "JOIN stages ON stages.id = applications.stage_id",
    )
    assert rows == [("Screened", "Resume import")] * 2
    capsys.readouterr()
    bad = ["import", str(inbox), "--job", str(job), "--stage", "Nowhere", "--database"]
    assert run([*bad, str(db_path)]) == EXIT_FAILURE
    err = capsys.readouterr().err
    assert "has no stage 'Nowhere'" in err and "Applied, Screened" in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--stage", "Applied"], "--stage needs --job"),
        (["--job", "77"], "There is no job #77"),
        (["--pool", "5"], "There is no talent pool #5"),
    ],
)
def test_bad_targets_are_refused_before_reading_files(
    paths: AppPaths,
    inbox: Path,
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
):
    assert run(["import", str(inbox), *extra, "--database", str(db_path)]) == EXIT_FAILURE
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""
    assert not paths.documents_dir.exists() or not any(paths.documents_dir.rglob("*.txt"))


def test_nothing_to_import_exits_1(
    paths: AppPaths, tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(["import", str(empty), "--database", str(db_path)]) == EXIT_FAILURE
    assert "no resume files found" in capsys.readouterr().err


def test_runs_as_a_real_process(hirebench_home: Path, inbox: Path, db_path: Path):
    env = dict(os.environ, HIREBENCH_HOME=str(hirebench_home), QT_QPA_PLATFORM="offscreen")
    env.pop("HIREBENCH_DATABASE", None)
    done = subprocess.run(
        [sys.executable, "-m", "app", "import", str(inbox), "--database", str(db_path)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == EXIT_OK, done.stderr
    assert len(re.findall(r"new candidate \S.* #\d+", done.stdout)) == 2
    assert sqlite_rows(db_path, "SELECT count(*) FROM candidates") == [(2,)]
