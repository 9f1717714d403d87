"""Best matches for a job: the whole database ranked by fit.

Fit combines three signals, each between 0 and 1:

- skills: the share of the job's required skills the candidate has. Required skills are the
  curated skills (the resume parser's list) named in the job description, plus the skills
  common among candidates already hired or offered on the job (held by a quarter of them);
- title: rapidfuzz ``token_set_ratio`` between the job title and the candidate's current title;
- location: the same city, or "Remote" on either side.

Scoring 100,000 candidates in Python would be slow, so SQL pre-filters: candidates having at
least one required skill (through ``candidate_skills``), with the overlap counted in SQL and
a rough pre-score (overlap, exact title, same location) ordering them; only the best
``PREFILTER_LIMIT`` are scored with rapidfuzz. Candidates already on the job and those marked
do-not-contact are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, utils
from sqlalchemy import and_, case, exists, func, literal, or_, select

from app.parsing.skills import curated, known_skills
from app.services.core.context import ServiceContext
from app.services.core.names import city_of, person_name
from app.services.core.sql_text import LIKE_ESCAPE, escape_like
from app.services.core.unit_of_work import NotFoundError
from app.store.models import (
    Application,
    Candidate,
    CandidateSkill,
    Client,
    Job,
    Skill,
    Stage,
    StageKind,
)

PREFILTER_LIMIT = 3000  # rows scored by rapidfuzz at most, whatever the database size
WEIGHTS = {"skills": 60.0, "title": 30.0, "location": 10.0}  # score out of 100
TITLE_REASON_MIN = 60  # a title this similar (percent) is worth a reason
REMOTE = "remote"
MAX_SKILLS_SHOWN = 4
MAX_HIRED_SKILLS = 10  # skills taken from hired/offered candidates at most


@dataclass(frozen=True)
class Match:
    candidate_id: int
    name: str
    current_title: str | None
    location: str | None
    score: float  # 0-100, higher is better
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class _Job:
    id: int
    title: str
    location: str | None
    skills: dict[int, str]  # skill id -> name, the required skills


def is_remote(location: str | None) -> bool:
    return REMOTE in (location or "").casefold()


def location_reason(job_location: str | None, location: str | None) -> str | None:
    """Why the locations fit, or None."""
    if is_remote(job_location) or is_remote(location):
        return "remote"
    city = city_of(location)
    if city and city == city_of(job_location):
        return "same city"
    return None


def description_skills(description: str | None) -> list[str]:
    """Curated skills the job description names, by their canonical names."""
    names = curated()
    found: list[str] = []
    for name in known_skills(description or ""):
        canonical = names.get(name.lower(), name)
        if canonical.casefold() not in (f.casefold() for f in found):
            found.append(canonical)
    return found


def required_skills(ctx: ServiceContext, job_id: int) -> list[str]:
    """The job's required skills by name (description, then hired/offered candidates)."""
    return list(_load_job(ctx, job_id).skills.values())


def _load_job(ctx: ServiceContext, job_id: int) -> _Job:
    with ctx.read() as session:
        job = session.get(Job, job_id)
        if job is None:
            raise NotFoundError(f"Job #{job_id} no longer exists.")
        wanted = description_skills(job.description)
        skills: dict[int, str] = {}
        if wanted:
            rows = session.execute(
                select(Skill.id, Skill.name).where(
                    func.lower(Skill.name).in_([w.casefold() for w in wanted])
                )
            )
            by_name = {name.casefold(): (sid, name) for sid, name in rows}
            for name in wanted:
                if name.casefold() in by_name:
                    sid, stored = by_name[name.casefold()]
                    skills[sid] = stored
        # Skills common among the people the client said yes to (hired or offered) on this job:
        # held by at least a quarter of them, the most widely held first.
        successful = or_(Stage.kind == StageKind.HIRED, func.lower(Stage.name).like("offer%"))
        chosen = (
            select(Application.candidate_id)
            .join(Stage, Stage.id == Application.stage_id)
            .where(Application.job_id == job_id, successful)
        )
        people = session.scalar(select(func.count()).select_from(chosen.subquery())) or 0
        if people:
            holders = func.count(CandidateSkill.candidate_id)
            rows = session.execute(
                select(Skill.id, Skill.name)
                .join(CandidateSkill, CandidateSkill.skill_id == Skill.id)
                .where(CandidateSkill.candidate_id.in_(chosen))
                .group_by(Skill.id, Skill.name)
                .having(holders >= max(1, -(-people // 4)))
                .order_by(holders.desc(), Skill.name)
                .limit(MAX_HIRED_SKILLS)
            )
            for sid, name in rows:
                skills.setdefault(sid, name)
        return _Job(job.id, job.title, job.location, skills)


def _prefilter(ctx: ServiceContext, job: _Job) -> list[tuple]:
    """(id, first, last, title, location, overlap, skill ids, middle name) of the likeliest
    candidates."""
    on_job = exists(
        select(Application.id).where(
            Application.job_id == job.id, Application.candidate_id == Candidate.id
        )
    )
    location_fits = literal(False)
    job_city = city_of(job.location)
    if is_remote(job.location):
        location_fits = literal(True)
    elif job_city:
        location_fits = or_(
            func.lower(Candidate.location).like(f"{escape_like(job_city)}%", escape=LIKE_ESCAPE),
            func.lower(Candidate.location).like(f"%{REMOTE}%"),
        )
    else:
        location_fits = func.lower(Candidate.location).like(f"%{REMOTE}%")
    same_title = func.lower(func.coalesce(Candidate.current_title, "")) == job.title.casefold()
    if job.skills:
        overlap = (
            select(
                CandidateSkill.candidate_id.label("candidate_id"),
                func.count().label("overlap"),
                func.group_concat(CandidateSkill.skill_id).label("skill_ids"),
            )
            .where(CandidateSkill.skill_id.in_(list(job.skills)))
            .group_by(CandidateSkill.candidate_id)
            .subquery()
        )
        query = select(
            Candidate.id,
            Candidate.first_name,
            Candidate.last_name,
            Candidate.current_title,
            Candidate.location,
            overlap.c.overlap,
            overlap.c.skill_ids,
            Candidate.middle_name,
        ).join(overlap, overlap.c.candidate_id == Candidate.id)
        rough = overlap.c.overlap * 10 + case((same_title, 5), else_=0)
    else:
        # No skills to go by: the title's words and the location narrow the field instead.
        words = [w for w in job.title.casefold().split() if len(w) > 2]
        title_like = [
            func.lower(Candidate.current_title).like(f"%{escape_like(w)}%", escape=LIKE_ESCAPE)
            for w in words
        ]
        query = select(
            Candidate.id,
            Candidate.first_name,
            Candidate.last_name,
            Candidate.current_title,
            Candidate.location,
            literal(0),
            literal(""),
            Candidate.middle_name,
        ).where(or_(*title_like) if title_like else literal(True))
        rough = case((same_title, 5), else_=0)
    rough = rough + case((location_fits, 2), else_=0)
    query = (
        query.where(and_(Candidate.do_not_contact.is_(False), ~on_job))
        .order_by(rough.desc(), Candidate.id)
        .limit(PREFILTER_LIMIT)
    )
    with ctx.read() as session:
        return list(session.execute(query))


def best_matches(ctx: ServiceContext, job_id: int, limit: int = 50) -> list[Match]:
    """The ``limit`` best-fitting candidates for the job, best first, with the reasons."""
    job = _load_job(ctx, job_id)
    rows = _prefilter(ctx, job)
    required = len(job.skills)
    job_title = utils.default_process(job.title)
    scored: list[tuple[float, int, tuple, float, str | None]] = []
    for row in rows:
        overlap = row[5] or 0
        skills_part = overlap / required if required else 0.0
        title = row[3] or ""
        similarity = fuzz.token_set_ratio(job_title, utils.default_process(title)) if title else 0
        where = location_reason(job.location, row[4])
        score = (
            WEIGHTS["skills"] * skills_part
            + WEIGHTS["title"] * similarity / 100
            + WEIGHTS["location"] * (1.0 if where else 0.0)
        )
        scored.append((round(score, 1), row[0], row, similarity, where))
    scored.sort(key=lambda item: (-item[0], item[1]))
    matches = []
    for score, candidate_id, row, similarity, where in scored[:limit]:
        reasons: list[str] = []
        if required:
            ids = {int(part) for part in str(row[6] or "").split(",") if part}
            names = [name for sid, name in job.skills.items() if sid in ids]
            shown = ", ".join(names[:MAX_SKILLS_SHOWN]) + (
                "…" if len(names) > MAX_SKILLS_SHOWN else ""
            )
            reasons.append(f"{len(names)} of {required} skills: {shown}")
        if similarity >= TITLE_REASON_MIN:
            reasons.append(f"title {round(similarity)}% like '{job.title}'")
        if where:
            reasons.append(where)
        matches.append(
            Match(
                candidate_id=candidate_id,
                name=person_name(row[1], row[7], row[2]),
                current_title=row[3],
                location=row[4],
                score=score,
                reasons=tuple(reasons),
            )
        )
    return matches


def first_stage(ctx: ServiceContext, job_id: int) -> tuple[int, str]:
    """(id, name) of the job's first stage, where best matches are added."""
    with ctx.read() as session:
        row = session.execute(
            select(Stage.id, Stage.name)
            .where(Stage.job_id == job_id, Stage.kind == StageKind.ACTIVE)
            .order_by(Stage.position)
            .limit(1)
        ).first()
        if row is None:
            raise NotFoundError(f"Job #{job_id} has no stage to add candidates to.")
        return row[0], row[1]


def job_heading(ctx: ServiceContext, job_id: int) -> str:
    """ "Title — Client" for the dialog's heading."""

    with ctx.read() as session:
        row = session.execute(
            select(Job.title, Client.name)
            .join(Client, Client.id == Job.client_id)
            .where(Job.id == job_id)
        ).first()
        if row is None:
            raise NotFoundError(f"Job #{job_id} no longer exists.")
        return f"{row[0]} — {row[1]}"
