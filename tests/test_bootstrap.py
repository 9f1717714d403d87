"""The composition root: which database opens, the demo's first fill, the acting recruiter."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.bootstrap import open_workspace
from app.paths import AppPaths
from app.store.db import DatabaseError
from app.store.models import AuditEntry, Candidate, User


def _count(workspace, model) -> int:
    with workspace.services.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_demo_is_created_once_in_the_data_folder(paths: AppPaths) -> None:
    first = open_workspace(paths, None, demo=True)
    try:
        assert first.database.path == paths.demo_database
        assert _count(first, Candidate) == 500
    finally:
        first.database.close()
    second = open_workspace(paths, None, demo=True)
    try:
        assert _count(second, Candidate) == 500  # not filled twice
        with second.services.read() as session:
            fills = session.scalars(
                select(AuditEntry).where(AuditEntry.action == "database.demo")
            ).all()
        assert len(fills) == 1
    finally:
        second.database.close()


def test_default_database_and_acting_user(paths: AppPaths) -> None:
    workspace = open_workspace(paths, None, demo=False)
    try:
        assert workspace.database.path == paths.default_database
        assert _count(workspace, Candidate) == 0
        actor = workspace.services.actor
        with workspace.services.read() as session:
            user = session.get(User, actor.user_id)
        assert user is not None and user.username == actor.name
    finally:
        workspace.database.close()
    again = open_workspace(paths, None, demo=False)
    try:
        assert again.services.actor == actor
        assert _count(again, User) == 1
    finally:
        again.database.close()


def test_environment_variable_chooses_the_database(
    paths: AppPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "agency.sqlite3"
    monkeypatch.setenv("HIREBENCH_DATABASE", f"sqlite:///{target}")
    workspace = open_workspace(paths, None, demo=False)
    try:
        assert workspace.database.path == target
    finally:
        workspace.database.close()


def test_unsupported_url_is_a_database_error(paths: AppPaths) -> None:
    with pytest.raises(DatabaseError, match="SQLite"):
        open_workspace(paths, "postgresql://localhost/hr", demo=False)
