"""One rule for a person's display name and a location's city."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.services.core.names import city_of, person_name
from app.store.models import Candidate


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
