"""Managing the people who use this database and their roles (admins only).

Every change is one audited unit of work. The last active admin can neither lose the role
nor be deactivated, so a database always has someone who can manage it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.roles import ROLE_LABELS, Permission, Role, require
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.store.models import Job, JobHiringManager, User

_USERNAME = re.compile(r"^[A-Za-z0-9._@-]{1,120}$")


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: str
    active: bool

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(Role(self.role), self.role) if self.role in set(Role) else self.role


def list_user_rows(ctx: ServiceContext) -> list[UserRow]:
    """Everyone, active first, by name (anyone may read who uses the database)."""
    with ctx.read() as session:
        users = session.scalars(select(User).order_by(User.is_active.desc(), User.display_name))
        return [UserRow(u.id, u.username, u.display_name, u.role, u.is_active) for u in users]


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        known = ", ".join(role.value for role in Role)
        raise ValidationError({"role": f"Unknown role {value!r}; one of {known}."}) from None


def add_user(
    ctx: ServiceContext, username: str, display_name: str | None, role: str
) -> Outcome[int]:
    """A new user (their login name as the operating system gives it) with a role."""
    require(ctx.actor, Permission.MANAGE_USERS)
    wanted = _role(role)
    name = username.strip()
    if not _USERNAME.match(name):
        raise ValidationError({"username": "Use letters, digits, dots, dashes or @ (no spaces)."})
    with ctx.write(Permission.MANAGE_USERS) as tx:
        if tx.session.scalar(select(User.id).where(User.username == name)) is not None:
            raise ValidationError({"username": f"{name} already has an account."})
        user = User(
            username=name,
            display_name=(display_name or "").strip() or name.replace(".", " ").title(),
            role=wanted.value,
        )
        tx.session.add(user)
        tx.session.flush()
        tx.audit("user.create", "user", user.id, after={"username": name, "role": wanted.value})
        tx.changed(ChangeKind.USERS, user.id)
        return outcome(user.id, tx)


def _active_admins(session: object, other_than: int) -> int:
    return int(
        session.scalar(  # type: ignore[attr-defined]
            select(func.count(User.id)).where(
                User.role == Role.ADMIN, User.is_active.is_(True), User.id != other_than
            )
        )
        or 0
    )


def set_role(ctx: ServiceContext, user_id: int, role: str) -> Outcome[None]:
    """Give a user another role; the last active admin keeps theirs."""
    wanted = _role(role)
    with ctx.write(Permission.MANAGE_USERS) as tx:
        user = tx.session.get(User, user_id)
        if user is None:
            raise NotFoundError(f"User #{user_id} no longer exists.")
        if user.role == wanted.value:
            return outcome(None, tx)
        if user.role == Role.ADMIN and not _active_admins(tx.session, user.id):
            raise ValidationError(
                {"role": f"{user.display_name} is the only admin; make someone else admin first."}
            )
        before = user.role
        user.role = wanted.value
        tx.audit("user.set_role", "user", user.id, {"role": before}, {"role": wanted.value})
        tx.changed(ChangeKind.USERS, user.id)
        return outcome(None, tx)


def set_active(ctx: ServiceContext, user_id: int, active: bool) -> Outcome[None]:
    """Deactivate (or reactivate) a user: they stay in the audit trail and on old records."""
    with ctx.write(Permission.MANAGE_USERS) as tx:
        user = tx.session.get(User, user_id)
        if user is None:
            raise NotFoundError(f"User #{user_id} no longer exists.")
        if (
            not active
            and user.role == Role.ADMIN
            and user.is_active
            and not _active_admins(tx.session, user.id)
        ):
            raise ValidationError({"active": f"{user.display_name} is the only active admin."})
        if user.is_active != active:
            user.is_active = active
            tx.audit(
                "user.activate" if active else "user.deactivate",
                "user",
                user.id,
                {"active": not active},
                {"active": active},
            )
            tx.changed(ChangeKind.USERS, user.id)
        return outcome(None, tx)


def set_hiring_managers(ctx: ServiceContext, job_id: int, user_ids: list[int]) -> Outcome[None]:
    """The hiring managers who follow ``job_id`` (users with that role only)."""
    with ctx.write(Permission.EDIT_RECORDS) as tx:
        session = tx.session
        if session.get(Job, job_id) is None:
            raise NotFoundError(f"Job #{job_id} no longer exists.")
        wanted = sorted(set(user_ids))
        roles = dict(session.execute(select(User.id, User.role).where(User.id.in_(wanted))).all())
        wrong = [uid for uid in wanted if roles.get(uid) != Role.HIRING_MANAGER]
        if wrong:
            raise ValidationError(
                {"managers": "Only users with the hiring-manager role can follow a job."}
            )
        current = sorted(
            session.scalars(
                select(JobHiringManager.user_id).where(JobHiringManager.job_id == job_id)
            )
        )
        if current == wanted:
            return outcome(None, tx)
        session.query(JobHiringManager).filter(JobHiringManager.job_id == job_id).delete()
        session.add_all(JobHiringManager(job_id=job_id, user_id=uid) for uid in wanted)
        tx.audit("job.set_hiring_managers", "job", job_id, {"users": current}, {"users": wanted})
        tx.changed(ChangeKind.JOBS, job_id)
        return outcome(None, tx)


def managed_job_ids(ctx: ServiceContext) -> list[int] | None:
    """The jobs a hiring manager may read; None for every other role (no limit)."""
    if ctx.actor.role != Role.HIRING_MANAGER:
        return None
    with ctx.read() as session:
        return list(
            session.scalars(
                select(JobHiringManager.job_id).where(JobHiringManager.user_id == ctx.actor.user_id)
            )
        )


def hiring_manager_choices(ctx: ServiceContext, job_id: int) -> tuple[list[UserRow], set[int]]:
    """The active users with the hiring-manager role, and those following ``job_id``."""
    with ctx.read() as session:
        users = session.scalars(
            select(User)
            .where(User.role == Role.HIRING_MANAGER, User.is_active.is_(True))
            .order_by(User.display_name)
        )
        rows = [UserRow(u.id, u.username, u.display_name, u.role, u.is_active) for u in users]
        following = set(
            session.scalars(
                select(JobHiringManager.user_id).where(JobHiringManager.job_id == job_id)
            )
        )
    return rows, following
