"""The Candidates list's filters and the WHERE conditions they become.

Shared by the list (`records`) and full-text search (`search`). A pool filter needs `pools`,
which runs saved searches, so `search` reaches this module only through
`CandidateFilters.conditions` (importing it would close a cycle).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from app.services.candidates import pools
from app.services.core.context import ServiceContext
from app.services.core.sql_text import LIKE_ESCAPE, escape_like
from app.services.core.text_rules import clean
from app.store.models import (
    Application,
    Candidate,
    CandidateSkill,
    CandidateTag,
    Skill,
    Stage,
    StageChange,
    StageKind,
    Tag,
    utc_now,
)


@dataclass(frozen=True)
class CandidateFilters:
    """What the Candidates list is narrowed to; empty fields do not filter.

    Text matches ignore case; every listed skill and tag must be present.
    """

    skills: tuple[str, ...] = ()
    location: str | None = None
    tags: tuple[str, ...] = ()
    source: str | None = None
    owner_id: int | None = None
    contacted_within_days: int | None = None
    pool_id: int | None = None
    furthest_stage: str | None = None  # reached at least this stage (by name) on some job
    do_not_contact: bool | None = None  # True: only them; False: leave them out

    @property
    def active(self) -> bool:
        return self != CandidateFilters()

    def conditions(self, ctx: ServiceContext) -> list[Any]:
        """`filter_conditions` for these filters: how the search, which pools depend on,
        applies them without importing this module (it would close a cycle)."""
        return filter_conditions(ctx, self)


def filter_conditions(ctx: ServiceContext, filters: CandidateFilters | None) -> list[Any]:
    """The WHERE conditions on ``Candidate`` for ``filters``."""
    if filters is None:
        return []
    conditions: list[Any] = []
    for name in filters.skills:
        if skill := clean(name):
            conditions.append(_has_named(CandidateSkill, Skill, "skill_id", skill))
    for name in filters.tags:
        if tag := clean(name):
            conditions.append(_has_named(CandidateTag, Tag, "tag_id", tag))
    if location := clean(filters.location):
        conditions.append(
            Candidate.location.ilike(f"%{escape_like(location)}%", escape=LIKE_ESCAPE)
        )
    if source := clean(filters.source):
        conditions.append(func.lower(Candidate.source) == source.lower())
    if filters.owner_id is not None:
        conditions.append(Candidate.owner_id == filters.owner_id)
    if filters.contacted_within_days is not None:
        since = utc_now() - dt.timedelta(days=filters.contacted_within_days)
        conditions.append(pools.contacted_since(Candidate.id, since))
    if filters.pool_id is not None:
        conditions.append(pools.member_condition(ctx, filters.pool_id))
    if stage := clean(filters.furthest_stage):
        conditions.append(_reached_stage(stage))
    if filters.do_not_contact is not None:
        conditions.append(Candidate.do_not_contact.is_(filters.do_not_contact))
    return conditions


def _has_named(link: type, named: type, key: str, name: str) -> Any:
    link_table, named_table = link.__table__, named.__table__  # type: ignore[attr-defined]
    return exists(
        select(link_table.c.candidate_id)
        .join(named_table, named_table.c.id == link_table.c[key])
        .where(
            link_table.c.candidate_id == Candidate.id,
            func.lower(named_table.c.name) == name.lower(),
        )
    )


def _reached_stage(name: str) -> Any:
    """The candidate's history reaches the stage named ``name`` or a later active or hired
    stage of the same job."""
    target, named = aliased(Stage), aliased(Stage)
    named_at = (
        select(func.min(named.position))
        .where(named.job_id == target.job_id, func.lower(named.name) == name.lower())
        .scalar_subquery()
    )
    return exists(
        select(StageChange.id)
        .join(Application, Application.id == StageChange.application_id)
        .join(target, target.id == StageChange.to_stage_id)
        .where(
            Application.candidate_id == Candidate.id,
            or_(
                func.lower(target.name) == name.lower(),
                and_(
                    target.kind.in_((StageKind.ACTIVE, StageKind.HIRED)),
                    target.position >= named_at,
                ),
            ),
        )
    )
