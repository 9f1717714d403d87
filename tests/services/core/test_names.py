"""One rule for a person's display name and a location's city."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from app.services.candidates.duplicates import list_duplicate_suspects
from app.services.candidates.pools import pool_members
from app.services.candidates.records import candidate_page
from app.services.core.context import ServiceContext
from app.services.core.names import city_of, person_name
from app.services.pipeline.board import load_board
from app.store.models import (
    Application,
    Candidate,
    Client,
    DuplicateSuspect,
    Job,
    PoolMembership,
    Stage,
    StageKind,
    TalentPool,
)


@dataclass(frozen=True)
class _Row:
    first_name: str | None
    middle_name: str | None
    last_name: str | None


@pytest.mark.parametrize(
    ("parts", "shown"),
    [
        (("Ana", "María", "Diaz"), "Ana María Diaz"),
        (("Ana", None, "Diaz"), "Ana Diaz"),
        (("Ana", "", "Diaz"), "Ana Diaz"),
        (("Ana", "  ", "Diaz"), "Ana Diaz"),  # a blank middle name leaves no double space
        (("  Ana ", "Maria José", " Diaz"), "Ana Maria José Diaz"),
        (("Cher", None, None), "Cher"),
        ((None, None, "Diaz"), "Diaz"),
        ((None, None, None), ""),
    ],
)
def test_person_name_from_parts_or_a_record(
    parts: tuple[str | None, str | None, str | None], shown: str
) -> None:
    assert person_name(*parts) == shown
    assert person_name(_Row(*parts)) == shown


def test_person_name_of_a_candidate_keeps_the_middle_name() -> None:
    candidate = Candidate(first_name="Grace", middle_name="Brewster", last_name="Hopper")
    assert person_name(candidate) == "Grace Brewster Hopper"


@pytest.mark.parametrize(
    ("location", "city"),
    [
        ("Austin, TX", "austin"),
        ("  AUSTIN ,  Texas, USA", "austin"),
        ("New   York", "new york"),  # whitespace collapsed, as stored values are
        ("Zürich", "zürich"),
        (", TX", None),  # a region but no city
        ("   ", None),
        ("", None),
        (None, None),
    ],
)
def test_city_of(location: str | None, city: str | None) -> None:
    assert city_of(location) == city


def test_every_list_of_people_names_them_in_full(ctx: ServiceContext) -> None:
    """The candidate list, a pool, a board and the duplicates queue all show middle names."""
    with ctx.write() as tx:
        grace = Candidate(first_name="Grace", middle_name="Brewster", last_name="Hopper")
        other = Candidate(first_name="Grace", last_name="Hopper")
        client = Client(name="Navy")
        job = Job(client=client, title="Rear Admiral", opened_on=dt.date(2026, 1, 5))
        stage = Stage(job=job, name="Applied", kind=StageKind.ACTIVE, position=0)
        pool = TalentPool(name="Pioneers")
        tx.session.add_all([grace, other, client, job, stage, pool])
        tx.session.flush()
        tx.session.add_all(
            [
                Application(candidate=grace, job=job, stage=stage),
                PoolMembership(pool_id=pool.id, candidate_id=grace.id),
                DuplicateSuspect(
                    candidate_id=grace.id, other_candidate_id=other.id, score=90.0, reason="name"
                ),
            ]
        )
        ids = grace.id, job.id, pool.id
    grace_id, job_id, pool_id = ids
    full = "Grace Brewster Hopper"
    listed = {row.id: row.name for row in candidate_page(ctx, 0, 10)}
    assert listed[grace_id] == full
    assert [member.name for member in pool_members(ctx, pool_id, 0, 10)] == [full]
    assert [card.name for card in load_board(ctx, job_id).cards] == [full]
    [suspect] = list_duplicate_suspects(ctx)
    assert (suspect.candidate_name, suspect.other_name) == (full, "Grace Hopper")
