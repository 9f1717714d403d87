"""What a role may read: everything, or — for a hiring manager — the jobs they follow and
the people who applied to them.

List services filter by `job_scope`; services that open one record call `require_job` or
`require_candidate`; services listing the whole database call `require_all`.
"""

from __future__ import annotations

from sqlalchemy import exists, select

from app.services.core.context import ServiceContext
from app.services.core.roles import Permission, PermissionDenied, allowed, require
from app.store.models import Application, JobHiringManager


def job_scope(ctx: ServiceContext) -> frozenset[int] | None:
    """None when the actor reads everything; otherwise the ids of the jobs they follow."""
    if allowed(ctx.actor, Permission.READ_ALL):
        return None
    with ctx.read() as session:
        return frozenset(
            session.scalars(
                select(JobHiringManager.job_id).where(JobHiringManager.user_id == ctx.actor.user_id)
            )
        )


def require_all(ctx: ServiceContext) -> None:
    """Refuse a role that reads only some jobs a list over the whole database."""
    require(ctx.actor, Permission.READ_ALL)


def require_job(ctx: ServiceContext, job_id: int) -> None:
    scope = job_scope(ctx)
    if scope is not None and job_id not in scope:
        raise PermissionDenied(ctx.actor, Permission.READ_ALL)


def require_candidate(ctx: ServiceContext, candidate_id: int) -> None:
    """A hiring manager reads only the people who applied to a job they follow."""
    scope = job_scope(ctx)
    if scope is None:
        return
    with ctx.read() as session:
        applied = session.scalar(
            select(
                exists().where(
                    Application.candidate_id == candidate_id, Application.job_id.in_(scope)
                )
            )
        )
    if not applied:
        raise PermissionDenied(ctx.actor, Permission.READ_ALL)
