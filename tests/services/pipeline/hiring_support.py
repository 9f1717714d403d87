"""A client, a job and candidates on its board, built through the services, for the offer
and placement tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.services.candidates.bulk import add_to_job
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.core.context import ServiceContext
from app.services.pipeline.board import load_board
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.jobs import JobInput, create_job, get_job
from app.store.enums import JobStatus


@dataclass
class Hiring:
    ctx: ServiceContext
    client_id: int
    job_id: int
    applications: dict[str, int]  # candidate's first name → application id
    candidates: dict[str, int]  # candidate's first name → candidate id

    def job_state(self) -> tuple[JobStatus, dt.date | None]:
        job = get_job(self.ctx, self.job_id)
        return job.status, job.filled_on


def hiring(
    ctx: ServiceContext,
    openings: int = 1,
    names: tuple[str, ...] = ("Ada", "Brian"),
    client: str = "Northwind",
    title: str = "Backend Engineer",
) -> Hiring:
    client_id = create_client(ctx, ClientInput(name=client)).value
    job_id = create_job(ctx, JobInput(client_id, title, openings=openings)).value
    people = [create_candidate(ctx, CandidateInput(name, "Tester")).value for name in names]
    applied = load_board(ctx, job_id).stages[0].id
    add_to_job(ctx, people, job_id, applied, "Test")
    cards = {card.candidate_id: card.application_id for card in load_board(ctx, job_id).cards}
    pairs = list(zip(names, people, strict=True))
    return Hiring(ctx, client_id, job_id, {n: cards[p] for n, p in pairs}, dict(pairs))
