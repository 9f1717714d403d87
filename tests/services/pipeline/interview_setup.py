"""A client with contacts, a job, a mail account and candidates on the job, built through the
services, for the interview and scorecard tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.services.candidates.bulk import add_to_job
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.core.context import ServiceContext
from app.services.engagement.mail_settings import AccountInput, save_account
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.contacts import ContactInput, JobPeople, create_contact
from app.services.pipeline.interviews import InterviewInput
from app.services.pipeline.jobs import JobInput, create_job
from app.services.pipeline.stages import list_stages
from app.store.models import User


@dataclass(frozen=True)
class Loop:
    client_id: int
    job_id: int
    grace: int  # contacts
    alan: int
    applications: tuple[int, ...]
    candidates: tuple[int, ...]
    interviewed_stage_id: int
    stage_ids: dict[str, int]


def build_loop(ctx: ServiceContext, host: str = "127.0.0.1", port: int = 2525) -> Loop:
    save_account(
        ctx,
        AccountInput(
            host=host,
            port=port,
            security="none",
            from_name="Acme Talent",
            from_address="jobs@acme-talent.test",
            rate_per_minute=0,
        ),
    )
    with ctx.write() as tx:  # the recruiter's own address: the invites' organizer
        user = tx.session.get(User, ctx.actor.user_id)
        assert user is not None
        user.email, user.display_name = "rita@acme-talent.test", "Rita Recruiter"
    client_id = create_client(ctx, ClientInput(name="Northwind")).value
    grace = create_contact(
        ctx,
        client_id,
        ContactInput("Grace", "Hopper", "CTO", ("grace@northwind.test",), is_hiring_manager=True),
    ).value
    alan = create_contact(
        ctx, client_id, ContactInput("Alan", "Turing", "Lead", ("alan@northwind.test",))
    ).value
    job_id = create_job(
        ctx,
        JobInput(
            client_id=client_id,
            title="Platform Engineer",
            opened_on=dt.date(2026, 1, 5),
            people=JobPeople(grace, (alan,)),
        ),
    ).value
    stages = {stage.name: stage.id for stage in list_stages(ctx, job_id)}
    candidates = tuple(
        create_candidate(
            ctx, CandidateInput(first, "Lovelace", email=f"{first.lower()}@mail.test")
        ).value
        for first in ("Ada", "Byron")
    )
    applications = tuple(add_to_job(ctx, candidates, job_id, stages["Screened"], "Test").value)
    return Loop(
        client_id, job_id, grace, alan, applications, candidates, stages["Interviewed"], stages
    )


def interview(loop: Loop, index: int = 0, **changes: object) -> InterviewInput:
    values: dict[str, object] = {
        "application_id": loop.applications[index],
        "date": dt.date(2027, 3, 25),
        "start": dt.time(14, 0),
        "time_zone": "Europe/Paris",
        "duration_minutes": 60,
        "contact_ids": (loop.grace,),
        "location": "Northwind HQ, room 4",
        "video_link": None,
        "notes": "Probe the distributed-systems work.",
        "candidate_invited": True,
    }
    return InterviewInput(**(values | changes))  # type: ignore[arg-type]
