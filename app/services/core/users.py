"""The recruiters using this database."""

from __future__ import annotations

import getpass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.services.core.roles import SYSTEM_ROLE, Role
from app.services.core.unit_of_work import Actor, transaction
from app.store.models import User

SYSTEM_ACTOR = Actor(user_id=None, name="system", role=SYSTEM_ROLE)


def current_login() -> str:
    try:
        return getpass.getuser() or "recruiter"
    except (KeyError, OSError):  # no passwd entry, e.g. in some containers
        return "recruiter"


def ensure_user(sessions: sessionmaker[Session], username: str) -> Actor:
    """The actor for ``username`` with their role, creating its User row on first use: the
    first person to open a database with no admin becomes its admin, anyone later a
    recruiter (an admin changes roles)."""
    users = User.__table__.c  # Core, not ORM: this runs at start-up, before any mapper is needed
    with sessions() as session:
        found = session.execute(
            select(users.id, users.role).where(users.username == username)
        ).first()
    if found is not None:
        return Actor(user_id=found.id, name=username, role=found.role)
    with transaction(sessions, SYSTEM_ACTOR) as tx:
        has_admin = tx.session.scalar(
            select(users.id).where(users.role == Role.ADMIN, users.is_active.is_(True)).limit(1)
        )
        role = Role.RECRUITER if has_admin is not None else Role.ADMIN
        user = User(
            username=username, display_name=username.replace(".", " ").title(), role=role.value
        )
        tx.session.add(user)
        tx.session.flush()
        tx.audit("user.create", "user", user.id, after={"username": username, "role": role.value})
        user_id = user.id
    return Actor(user_id=user_id, name=username, role=role.value)


def list_users(sessions: sessionmaker[Session]) -> list[tuple[int, str]]:
    """(id, display name) of the active recruiters, for owner pickers and filters."""
    with sessions() as session:
        rows = session.execute(
            select(User.id, User.display_name)
            .where(User.is_active.is_(True))
            .order_by(User.display_name)
        )
        return [(row.id, row.display_name) for row in rows]
