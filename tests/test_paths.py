"""Where Hirebench keeps its files, and which database it opens."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.paths import (
    AppPaths,
    choose_database,
    database_path_from_argument,
    resolve_paths,
)


class TestDatabaseArgument:
    def test_plain_absolute_path(self, tmp_path: Path):
        target = tmp_path / "agency.sqlite3"
        assert database_path_from_argument(str(target)) == target

    def test_relative_path_becomes_absolute(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        monkeypatch.chdir(tmp_path)
        assert database_path_from_argument("  data/agency.sqlite3 ") == tmp_path / "data" / (
            "agency.sqlite3"
        )

    def test_home_is_expanded(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        monkeypatch.setenv("HOME", str(tmp_path))
        assert database_path_from_argument("~/db.sqlite3") == tmp_path / "db.sqlite3"

    def test_sqlite_url_with_absolute_path(self, tmp_path: Path):
        target = tmp_path / "agency.sqlite3"
        assert database_path_from_argument(f"sqlite:///{target}") == target

    def test_sqlite_url_with_relative_path(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        monkeypatch.chdir(tmp_path)
        assert database_path_from_argument("sqlite:///rel.sqlite3") == tmp_path / "rel.sqlite3"

    @pytest.mark.parametrize(
        "value",
        [
            "postgres://user:secret@db.example/hirebench",
            "postgresql+psycopg://localhost/hb",
            "mysql://localhost/hb",
            "sqlite://",
            "sqlite:///",
            "sqlite:relative.db",
        ],
    )
    def test_other_urls_are_refused(self, value: str):
        with pytest.raises(ValueError, match="Unsupported database URL"):
            database_path_from_argument(value)

    @pytest.mark.parametrize("value", [":memory:", "sqlite:///:memory:", "", "   "])
    def test_memory_and_empty_are_refused(self, value: str):
        with pytest.raises(ValueError):
            database_path_from_argument(value)


class TestChooseDatabase:
    @pytest.fixture
    def app_paths(self, tmp_path: Path) -> AppPaths:
        return AppPaths(tmp_path / "data", tmp_path / "config", tmp_path / "logs")

    def test_argument_wins_over_environment(self, app_paths: AppPaths, tmp_path: Path):
        env = {"HIREBENCH_DATABASE": str(tmp_path / "env.sqlite3")}
        chosen = choose_database(app_paths, str(tmp_path / "arg.sqlite3"), env)
        assert chosen == tmp_path / "arg.sqlite3"

    def test_environment_wins_over_default(self, app_paths: AppPaths, tmp_path: Path):
        env = {"HIREBENCH_DATABASE": f"sqlite:///{tmp_path / 'env.sqlite3'}"}
        assert choose_database(app_paths, None, env) == tmp_path / "env.sqlite3"

    def test_default_without_argument_or_environment(self, app_paths: AppPaths):
        assert choose_database(app_paths, None, {}) == app_paths.default_database
        assert choose_database(app_paths, None, {"HIREBENCH_DATABASE": ""}) == (
            app_paths.default_database
        )

    def test_an_empty_argument_is_a_mistake_not_the_default(self, app_paths: AppPaths):
        """`--database ""` (an unset shell variable) must not open the real database."""
        with pytest.raises(ValueError, match="file path"):
            choose_database(app_paths, "", {})

    def test_bad_environment_value_is_reported(self, app_paths: AppPaths):
        with pytest.raises(ValueError, match="Unsupported"):
            choose_database(app_paths, None, {"HIREBENCH_DATABASE": "postgres://x/y"})

    def test_reads_the_process_environment_by_default(
        self, app_paths: AppPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ):
        monkeypatch.setenv("HIREBENCH_DATABASE", str(tmp_path / "from-env.sqlite3"))
        assert choose_database(app_paths, None) == tmp_path / "from-env.sqlite3"


class TestResolvePaths:
    def test_hirebench_home_holds_everything(self, hirebench_home: Path):
        paths = resolve_paths()
        for folder in (paths.data_dir, paths.config_dir, paths.log_dir):
            assert folder.is_relative_to(hirebench_home.resolve())
        assert len({paths.data_dir, paths.config_dir, paths.log_dir}) == 3
        assert paths.default_database.parent == paths.data_dir
        assert paths.demo_database.parent == paths.data_dir
        assert paths.default_database != paths.demo_database
        assert paths.settings_file.parent == paths.config_dir
        assert paths.log_file.parent == paths.log_dir
        assert paths.backups_dir.parent == paths.data_dir
        assert paths.documents_dir.parent == paths.data_dir

    def test_nothing_is_created_until_ensure(self, hirebench_home: Path):
        paths = resolve_paths()
        assert list(hirebench_home.iterdir()) == []
        paths.ensure()
        paths.ensure()  # twice is fine
        assert paths.data_dir.is_dir() and paths.config_dir.is_dir() and paths.log_dir.is_dir()

    def test_explicit_environment_mapping(self, tmp_path: Path):
        paths = resolve_paths({"HIREBENCH_HOME": str(tmp_path / "portable")})
        assert paths.data_dir == (tmp_path / "portable").resolve() / "data"

    def test_platform_folders_without_hirebench_home(self):
        paths = resolve_paths({})
        assert "hirebench" in str(paths.data_dir).lower()
        assert paths.data_dir.is_absolute()
