"""Where Hirebench keeps its files.

Nothing is created at import time: callers resolve an `AppPaths` and ask it to make the folders
they are about to use. The data folder can be moved with ``HIREBENCH_HOME`` (portable installs,
tests); the database alone with ``--database`` or ``HIREBENCH_DATABASE``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from app import APP_NAME

DATABASE_FILE_NAME = "hirebench.sqlite3"
DEMO_DATABASE_FILE_NAME = "demo.sqlite3"


@dataclass(frozen=True)
class AppPaths:
    """The folders and files of one Hirebench installation."""

    data_dir: Path
    config_dir: Path
    log_dir: Path

    @property
    def default_database(self) -> Path:
        return self.data_dir / DATABASE_FILE_NAME

    @property
    def demo_database(self) -> Path:
        return self.data_dir / DEMO_DATABASE_FILE_NAME

    @property
    def documents_dir(self) -> Path:
        """Resume files, stored under their SHA-256."""
        return self.data_dir / "documents"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "hirebench.log"

    def ensure(self) -> None:
        """Create the folders this installation writes to."""
        for folder in (self.data_dir, self.config_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)


def resolve_paths(environ: Mapping[str, str] | None = None) -> AppPaths:
    """Find the folders, honouring ``HIREBENCH_HOME`` before the platform's usual places."""
    env = os.environ if environ is None else environ
    home = env.get("HIREBENCH_HOME")
    if home:
        root = Path(home).expanduser().resolve()
        return AppPaths(data_dir=root / "data", config_dir=root / "config", log_dir=root / "logs")
    dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    return AppPaths(
        data_dir=Path(dirs.user_data_dir),
        config_dir=Path(dirs.user_config_dir),
        log_dir=Path(dirs.user_log_dir),
    )


def database_path_from_argument(value: str) -> Path:
    """Accept a plain path or an ``sqlite:///`` URL and return the file path it names."""
    text = value.strip()
    if text.startswith("sqlite:"):
        prefix = "sqlite:///"
        if not text.startswith(prefix) or text == prefix:
            raise ValueError(
                f"Unsupported database URL {value!r}: Hirebench uses SQLite files, "
                "e.g. sqlite:///path/to/hirebench.sqlite3 or just a path."
            )
        text = text[len(prefix) :]
    elif "://" in text:
        raise ValueError(
            f"Unsupported database URL {value!r}: Hirebench uses SQLite files, "
            "e.g. sqlite:///path/to/hirebench.sqlite3 or just a path."
        )
    if not text or text == ":memory:":
        raise ValueError("The database must be a file path.")
    return Path(text).expanduser().absolute()


def choose_database(
    paths: AppPaths, argument: str | None, environ: Mapping[str, str] | None = None
) -> Path:
    """The database to open: the argument, else ``HIREBENCH_DATABASE``, else the default."""
    env = os.environ if environ is None else environ
    if argument is not None:  # an empty --database "" is a mistake, not "the default"
        return database_path_from_argument(argument)
    if env.get("HIREBENCH_DATABASE"):
        return database_path_from_argument(env["HIREBENCH_DATABASE"])
    return paths.default_database
