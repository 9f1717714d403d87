"""Recruiters: the actor behind every audit entry."""

from __future__ import annotations

import getpass

import pytest
from sqlalchemy import select

from app.services.core import users
from app.services.core.users import SYSTEM_ACTOR, current_login, ensure_user, list_users
from app.store.database import Database
from app.store.models import User
from tests.support import AuditWatch, count_rows


def test_ensure_user_creates_the_user_once_with_one_audit_entry(database: Database):
    watch = AuditWatch(database)
    actor = ensure_user(database.sessions, "jane.doe")
    with database.sessions() as session:
        user = session.scalar(select(User).where(User.username == "jane.doe"))
    assert (actor.user_id, actor.name) == (user.id, "jane.doe")
    assert user.display_name == "Jane Doe"
    assert user.is_active
    [entry] = watch.new()
    assert (entry.action, entry.entity_type, entry.entity_id) == ("user.create", "user", user.id)
    assert (entry.actor, entry.user_id) == (SYSTEM_ACTOR.name, None)
    assert entry.after == {"username": "jane.doe", "role": "admin"}  # the first user

    again = ensure_user(database.sessions, "jane.doe")
    assert again == actor
    assert count_rows(database, "users") == 1
    assert len(watch.new()) == 1


def test_different_logins_are_different_users(database: Database):
    first = ensure_user(database.sessions, "ann")
    second = ensure_user(database.sessions, "bob")
    assert first.user_id != second.user_id
    assert count_rows(database, "users") == 2


def test_list_users_shows_active_users_by_display_name(database: Database):
    zed = ensure_user(database.sessions, "zed")
    amy = ensure_user(database.sessions, "amy.lee")
    gone = ensure_user(database.sessions, "gone")
    with database.sessions() as session, session.begin():
        session.get(User, gone.user_id).is_active = False
    assert list_users(database.sessions) == [(amy.user_id, "Amy Lee"), (zed.user_id, "Zed")]


def test_current_login_uses_the_os_login(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(users.getpass, "getuser", lambda: "recruiter7")
    assert current_login() == "recruiter7"


@pytest.mark.parametrize("error", [KeyError("uid"), OSError("no login")])
def test_current_login_falls_back_without_a_passwd_entry(
    monkeypatch: pytest.MonkeyPatch, error: Exception
):
    def broken() -> str:
        raise error

    monkeypatch.setattr(getpass, "getuser", broken)
    assert current_login() == "recruiter"
