"""The recruiters using this database."""

from __future__ import annotations

import getpass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.services.core.unit_of_work import Actor, transaction
from app.store.models import User

SYSTEM_ACTOR = Actor(user_id=None, name="system")


def current_login() -> str:
    try:
        return getpass.getuser() or "recruiter"
    except (KeyError, OSError):  # no passwd entry, e.g. in some containers
        return "recruiter"


def ensure_user(sessions: sessionmaker[Session], username: str) -> Actor:
    """The actor for ``username``, creating its User row on first use."""
    users = User.__table__.c  # Core, not ORM: this runs at start-up, before any mapper is needed
    with sessions() as session:
        user_id = session.scalar(select(users.id).where(users.username == username))
    if user_id is not None:
        return Actor(user_id=user_id, name=username)
    with transaction(sessions, SYSTEM_ACTOR) as tx:
        user = User(username=username, display_name=username.replace(".", " ").title())
        tx.session.add(user)
        tx.session.flush()
        tx.audit("user.create", "user", user.id, after={"username": username})
        user_id = user.id
    return Actor(user_id=user_id, name=username)


def list_users(sessions: sessionmaker[Session]) -> list[tuple[int, str]]:
    """(id, display name) of the active recruiters, for owner pickers and filters."""
    with sessions() as session:
        rows = session.execute(
            select(User.id, User.display_name)
            .where(User.is_active.is_(True))
            .order_by(User.display_name)
        )
        return [(row.id, row.display_name) for row in rows]
