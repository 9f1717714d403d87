"""Best matches for a job over the demo database."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app.services.candidates.matching import (
    best_matches,
    description_skills,
    first_stage,
    location_reason,
    required_skills,
)
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError
from app.store.models import Application, Candidate, CandidateSkill, Job, Skill


def _job(ctx: ServiceContext) -> Job:
    with ctx.read() as session:
        return session.scalars(select(Job).order_by(Job.id)).first()


def test_description_skills_use_the_curated_list() -> None:
    found = description_skills("You will work with python, Kubernetes and PostgreSQL daily.")
    assert {"Python", "Kubernetes", "PostgreSQL"} <= set(found)
    assert description_skills(None) == []


def test_location_reasons() -> None:
    assert location_reason("Austin, TX", "austin, TX") == "same city"
    assert location_reason("Remote", "Austin, TX") == "remote"
    assert location_reason("Austin, TX", "Remote (US)") == "remote"
    assert location_reason("Austin, TX", "Boston, MA") is None
    assert location_reason(None, None) is None
    assert location_reason(", TX", ", TX") is None  # a region alone names no city
    assert location_reason("New  York,  NY", "new york") == "same city"


def test_best_matches_are_ranked_explained_and_exclude_the_job(demo_ctx: ServiceContext) -> None:
    job = _job(demo_ctx)
    matches = best_matches(demo_ctx, job.id, limit=20)
    assert 0 < len(matches) <= 20
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 for s in scores)
    required = required_skills(demo_ctx, job.id)
    assert required
    assert all(m.reasons for m in matches)
    assert any(f"of {len(required)} skills:" in r for r in matches[0].reasons)
    with demo_ctx.read() as session:
        on_job = set(
            session.scalars(select(Application.candidate_id).where(Application.job_id == job.id))
        )
        blocked = set(session.scalars(select(Candidate.id).where(Candidate.do_not_contact)))
    ids = {m.candidate_id for m in matches}
    assert not ids & on_job
    assert not ids & blocked


def test_do_not_contact_candidates_are_left_out(demo_ctx: ServiceContext) -> None:
    job = _job(demo_ctx)
    top = best_matches(demo_ctx, job.id, limit=5)[0]
    with demo_ctx.sessions.begin() as session:
        session.execute(
            update(Candidate).where(Candidate.id == top.candidate_id).values(do_not_contact=True)
        )
    assert top.candidate_id not in {m.candidate_id for m in best_matches(demo_ctx, job.id)}


def test_a_perfect_fit_comes_first(demo_ctx: ServiceContext) -> None:
    job = _job(demo_ctx)
    names = required_skills(demo_ctx, job.id)
    with demo_ctx.sessions.begin() as session:
        person = Candidate(
            first_name="Perfect",
            last_name="Fit",
            current_title=job.title,
            location=job.location or "Remote",
        )
        session.add(person)
        session.flush()
        for skill_id in session.scalars(select(Skill.id).where(Skill.name.in_(names))):
            session.add(CandidateSkill(candidate_id=person.id, skill_id=skill_id))
        person_id = person.id
    best = best_matches(demo_ctx, job.id, limit=3)[0]
    assert best.candidate_id == person_id
    assert best.score == 100.0
    assert best.reasons[0].startswith(f"{len(names)} of {len(names)} skills: ")
    assert f"title 100% like '{job.title}'" in best.reasons
    assert best.reasons[-1] in ("same city", "remote")


def test_missing_job(demo_ctx: ServiceContext) -> None:
    with pytest.raises(NotFoundError):
        best_matches(demo_ctx, 999_999)


def test_first_stage_is_the_first_active_one(demo_ctx: ServiceContext) -> None:
    job = _job(demo_ctx)
    _stage_id, name = first_stage(demo_ctx, job.id)
    assert name == "Applied"
