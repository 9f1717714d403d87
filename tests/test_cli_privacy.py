"""`hirebench export-person` and `hirebench erase` on the default database of a private
HIREBENCH_HOME: the export holds the person; after erasure no file anywhere under the home
(database, its WAL, resume files, logs, settings) holds their name, email or phone."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from app.cli import EXIT_FAILURE, EXIT_OK, run
from app.paths import AppPaths
from tests.support import raw_connect

NAME, EMAIL, PHONE = "Maria Lopez-Quintana", "maria.lq@example.com", "(312) 555-0199"


@pytest.fixture
def imported(paths: AppPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> int:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "resume.txt").write_text(
        f"{NAME}\nAccount Manager\nChicago, IL | {EMAIL} | {PHONE}\n", encoding="utf-8"
    )
    assert run(["import", str(inbox)]) == EXIT_OK
    (inbox / "resume.txt").unlink()  # the dropped original is the user's, not ours
    with raw_connect(paths.default_database) as raw:
        [(person,)] = raw.execute("SELECT id FROM candidates").fetchall()
    capsys.readouterr()
    return person


def _holding(folder: Path) -> list[str]:
    needles = [NAME.encode(), EMAIL.encode(), b"+13125550199", b"Quintana"]
    return [
        f"{path.relative_to(folder)}: {needle!r}"
        for path in folder.rglob("*")
        if path.is_file()
        for needle in needles
        if needle in path.read_bytes()
    ]


def test_export_person_writes_a_zip(imported: int, tmp_path: Path, capsys) -> None:
    out = tmp_path / "maria.zip"
    assert run(["export-person", str(imported), str(out)]) == EXIT_OK
    assert "files written to" in capsys.readouterr().out
    with zipfile.ZipFile(out) as archive:
        data = json.loads(archive.read("person.json"))
        assert any(name.startswith("files/") for name in archive.namelist())
    assert data["tables"]["candidate_emails"][0]["email"] == EMAIL


def test_erase_needs_yes_then_leaves_nothing(
    imported: int, hirebench_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _holding(hirebench_home)  # there before
    assert run(["erase", str(imported)]) == EXIT_FAILURE
    assert "--yes" in capsys.readouterr().err
    assert run(["erase", str(imported), "--yes"]) == EXIT_OK
    out = capsys.readouterr().out
    assert f"Candidate #{imported} erased" in out and "audit entries redacted" in out
    assert _holding(hirebench_home) == []
    assert run(["audit", "verify"]) == EXIT_OK
    assert run(["erase", str(imported), "--yes"]) == EXIT_FAILURE
    assert "already erased" in capsys.readouterr().err


def test_export_of_an_unknown_person_is_one_line(paths: AppPaths, tmp_path: Path, capsys):
    assert run(["demo", "--no-gui"]) == EXIT_OK
    demo = str(paths.demo_database)
    out = tmp_path / "x.zip"
    assert run(["export-person", "999999", str(out), "--database", demo]) == EXIT_FAILURE
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no longer exists" in err
    assert not out.exists()
