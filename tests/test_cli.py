"""The headless commands, run in-process through `app.cli.run` and as real processes."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app import __version__
from app.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, run
from app.paths import AppPaths
from app.store.database import open_database
from app.store.models import Base
from tests.support import sha256_of, side_files, sqlite_rows

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def demo_copy(tmp_path: Path, _demo_template: Path) -> Path:
    path = tmp_path / "agency.sqlite3"
    shutil.copy(_demo_template, path)
    return path


def _state(path: Path) -> tuple[str, int, list[str]]:
    return (
        sha256_of(path),
        path.stat().st_mtime_ns,
        sorted(p.name for p in path.parent.iterdir()),
    )


def _stats(capsys: pytest.CaptureFixture[str], database: Path) -> dict[str, int]:
    capsys.readouterr()
    assert run(["stats", "--database", str(database)]) == EXIT_OK
    return json.loads(capsys.readouterr().out)


class TestStats:
    def test_prints_counts_as_json_with_plural_keys(
        self, paths: AppPaths, demo_copy: Path, capsys: pytest.CaptureFixture[str]
    ):
        counts = _stats(capsys, demo_copy)
        assert set(counts) == set(Base.metadata.tables)
        assert "candidates" in counts and "candidate" not in counts
        assert (
            counts["candidates"] == sqlite_rows(demo_copy, "SELECT count(*) FROM candidates")[0][0]
        )
        assert (
            counts["stage_changes"]
            == (sqlite_rows(demo_copy, "SELECT count(*) FROM stage_changes")[0][0])
        )
        contacts = sqlite_rows(demo_copy, "SELECT count(*) FROM contacts")[0][0]
        assert counts["contacts"] == contacts > 0  # the demo's clients have contacts

    def test_accepts_a_sqlite_url_and_the_environment(
        self,
        paths: AppPaths,
        demo_copy: Path,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ):
        assert run(["stats", "--database", f"sqlite:///{demo_copy}"]) == EXIT_OK
        from_url = json.loads(capsys.readouterr().out)
        monkeypatch.setenv("HIREBENCH_DATABASE", str(demo_copy))
        assert run(["stats"]) == EXIT_OK
        assert json.loads(capsys.readouterr().out) == from_url
        assert not paths.default_database.exists()

    def test_the_database_may_be_named_before_the_command(
        self, paths: AppPaths, demo_copy: Path, capsys: pytest.CaptureFixture[str]
    ):
        assert run(["--database", str(demo_copy), "stats"]) == EXIT_OK
        before = json.loads(capsys.readouterr().out)
        assert run(["stats", "--database", str(demo_copy)]) == EXIT_OK
        assert json.loads(capsys.readouterr().out) == before and before["candidates"] > 0
        assert not paths.default_database.exists()

    def test_stats_does_not_change_the_file(
        self, paths: AppPaths, demo_copy: Path, capsys: pytest.CaptureFixture[str]
    ):
        before = sha256_of(demo_copy)
        _stats(capsys, demo_copy)
        assert sha256_of(demo_copy) == before
        assert side_files(demo_copy) == []

    def test_stats_of_a_missing_file_is_an_error_and_creates_nothing(
        self, paths: AppPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ):
        missing = tmp_path / "typo.sqlite3"
        assert run(["stats", "--database", str(missing)]) == EXIT_FAILURE
        assert "There is no database at" in capsys.readouterr().err
        assert not missing.exists()
        assert run(["backup", str(tmp_path / "copy.sqlite3"), "--database", str(missing)]) == 1
        assert not missing.exists() and not (tmp_path / "copy.sqlite3").exists()


class TestDemo:
    def test_creates_the_demo_database_in_the_data_folder(
        self, paths: AppPaths, hirebench_home: Path, capsys: pytest.CaptureFixture[str]
    ):
        assert run(["demo", "--no-gui"]) == EXIT_OK
        printed = Path(capsys.readouterr().out.strip())
        assert printed == paths.demo_database
        assert printed.is_relative_to(hirebench_home.resolve())
        counts = _stats(capsys, printed)
        assert counts["candidates"] > 0 and counts["jobs"] > 0
        assert sqlite_rows(printed, "SELECT action FROM audit_entries") == [("database.demo",)]

        # A second run opens the same file and does not fill it again.
        assert run(["demo", "--no-gui"]) == EXIT_OK
        assert Path(capsys.readouterr().out.strip()) == printed
        assert _stats(capsys, printed) == counts


class TestSeed:
    def test_seed_then_stats(
        self, paths: AppPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ):
        target = tmp_path / "bench.sqlite3"
        assert run(["seed", "--database", str(target), "--candidates", "300"]) == EXIT_OK
        assert "Seeded" in capsys.readouterr().err
        counts = _stats(capsys, target)
        assert counts["candidates"] == 300
        assert counts["applications"] == 900

    def test_seed_is_deterministic_for_a_seed(
        self, paths: AppPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ):
        one, two = tmp_path / "one.sqlite3", tmp_path / "two.sqlite3"
        for target in (one, two):
            assert (
                run(["seed", "--database", str(target), "--candidates", "50", "--seed", "3"]) == 0
            )
        query = "SELECT first_name, last_name, current_title FROM candidates ORDER BY id"
        assert sqlite_rows(one, query) == sqlite_rows(two, query)

    def test_seed_requires_an_explicit_database(
        self,
        paths: AppPaths,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path,
    ):
        monkeypatch.setenv("HIREBENCH_DATABASE", str(tmp_path / "env.sqlite3"))
        assert run(["seed", "--candidates", "10"]) == EXIT_FAILURE
        captured = capsys.readouterr()
        assert "--database is required" in captured.err
        assert captured.out == ""
        assert not paths.default_database.exists()
        assert not (tmp_path / "env.sqlite3").exists()

    def test_seed_refuses_a_database_with_data(
        self, paths: AppPaths, demo_copy: Path, capsys: pytest.CaptureFixture[str]
    ):
        before = sha256_of(demo_copy)
        assert run(["seed", "--database", str(demo_copy), "--candidates", "10"]) == EXIT_FAILURE
        assert "already has data" in capsys.readouterr().err
        assert sha256_of(demo_copy) == before

    def test_seed_refuses_zero_candidates(
        self, paths: AppPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ):
        target = tmp_path / "zero.sqlite3"
        assert run(["seed", "--database", str(target), "--candidates", "0"]) == EXIT_USAGE
        assert "0 is out of range (1 to 2,000,000)" in capsys.readouterr().err
        assert not target.exists()


class TestBackup:
    def test_backup_writes_a_copy(
        self, paths: AppPaths, demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ):
        destination = tmp_path / "out" / "copy.sqlite3"
        assert run(["backup", str(destination), "--database", str(demo_copy)]) == EXIT_OK
        assert Path(capsys.readouterr().out.strip()) == destination
        assert _stats(capsys, destination) == _stats(capsys, demo_copy)
        assert side_files(demo_copy) == []

    def test_backup_into_a_folder(
        self, paths: AppPaths, demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ):
        folder = tmp_path / "out"
        folder.mkdir()
        assert run(["backup", str(folder), "--database", str(demo_copy)]) == EXIT_OK
        printed = Path(capsys.readouterr().out.strip())
        assert printed.parent == folder and printed.exists()

    def test_backup_refuses_to_overwrite(
        self, paths: AppPaths, demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ):
        existing = tmp_path / "existing.sqlite3"
        existing.write_bytes(b"do not overwrite")
        assert run(["backup", str(existing), "--database", str(demo_copy)]) == EXIT_FAILURE
        assert "already exists" in capsys.readouterr().err
        assert existing.read_bytes() == b"do not overwrite"

    def test_backup_needs_a_path(self, paths: AppPaths, capsys: pytest.CaptureFixture[str]):
        assert run(["backup"]) == EXIT_USAGE
        assert "PATH" in capsys.readouterr().err


def _newer_schema(tmp_path: Path) -> Path:
    path = tmp_path / "future.sqlite3"
    open_database(path, tmp_path / "backups").close()
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    connection.commit()
    connection.close()
    return path


class TestBadInputs:
    @pytest.mark.parametrize("command", ["stats", "backup", "seed", "demo"])
    def test_text_file_is_refused_and_unchanged(
        self, paths: AppPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
    ):
        path = tmp_path / "notes.txt"
        path.write_text("not a database\n" * 20, encoding="utf-8")
        before = _state(path)
        argv = {
            "stats": ["stats"],
            "backup": ["backup", str(tmp_path / "never.sqlite3")],
            "seed": ["seed", "--candidates", "5"],
            "demo": ["demo", "--no-gui"],
        }[command]
        assert run([*argv, "--database", str(path)]) == EXIT_FAILURE
        captured = capsys.readouterr()
        assert f"hirebench {command}:" in captured.err
        assert "not a Hirebench database" in captured.err
        assert "Traceback" not in captured.err
        assert captured.out == ""
        assert _state(path) == before

    def test_missing_folder(
        self, paths: AppPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ):
        target = tmp_path / "missing" / "db.sqlite3"
        assert run(["demo", "--no-gui", "--database", str(target)]) == EXIT_FAILURE
        assert f"The folder {target.parent} does not exist" in capsys.readouterr().err
        assert not target.parent.exists()

    def test_newer_schema(
        self, paths: AppPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ):
        path = _newer_schema(tmp_path)
        before = _state(path)
        assert run(["stats", "--database", str(path)]) == EXIT_FAILURE
        assert "newer" in capsys.readouterr().err
        assert _state(path) == before
        assert side_files(path) == []

    def test_unsupported_url(self, paths: AppPaths, capsys: pytest.CaptureFixture[str]):
        assert run(["stats", "--database", "postgres://db.example/hirebench"]) == EXIT_FAILURE
        assert "Unsupported database URL" in capsys.readouterr().err

    def test_unusable_data_folder(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ):
        blocker = tmp_path / "file-not-folder"
        blocker.write_text("x", encoding="utf-8")
        monkeypatch.setenv("HIREBENCH_HOME", str(blocker))
        monkeypatch.delenv("HIREBENCH_DATABASE", raising=False)
        assert run(["stats", "--database", str(tmp_path / "db.sqlite3")]) == EXIT_FAILURE
        assert "cannot use the data folder" in capsys.readouterr().err


def _subprocess(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "HIREBENCH_DATABASE"}
    env["HIREBENCH_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


class TestRealProcess:
    def test_version(self, hirebench_home: Path):
        result = _subprocess(["-m", "app", "--version"], hirebench_home)
        assert result.returncode == 0
        assert result.stdout.strip() == f"hirebench {__version__}"

    def test_bad_database_exit_code_and_message(self, hirebench_home: Path, tmp_path: Path):
        path = _newer_schema(tmp_path)
        before = _state(path)
        result = _subprocess(["-m", "app", "stats", "--database", str(path)], hirebench_home)
        assert result.returncode == EXIT_FAILURE
        assert "newer version" in result.stderr
        assert "Traceback" not in result.stderr
        assert _state(path) == before

    def test_stats_imports_neither_qt_nor_alembic(self, hirebench_home: Path, demo_copy: Path):
        code = (
            "import gc, sys, app.cli, app.services.admin.stats as s; gc.disable(); seen = []; "
            "counts = s.table_counts; "
            "s.table_counts = lambda *a: (seen.append(gc.isenabled()), counts(*a))[1]; "
            "code = app.cli.run(['stats', '--database', sys.argv[1]]); "
            "assert seen == [True], seen; "
            "print(sorted(m for m in ('PySide6', 'alembic') if m in sys.modules)); "
            "sys.exit(code)"
        )
        result = _subprocess(["-c", code, str(demo_copy)], hirebench_home)
        assert result.returncode == 0, result.stderr
        *counts, imported = result.stdout.strip().splitlines()
        assert json.loads("\n".join(counts))["candidates"] > 0
        assert imported == "[]"
