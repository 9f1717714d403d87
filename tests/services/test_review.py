"""Saving the resume review screen: values cleaned, and each field held to its cap."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.parsing.result import ParsedResume
from app.services.context import ServiceContext
from app.services.intake import import_resume
from app.services.review import save_review
from app.services.unit_of_work import ValidationError
from app.store.database import Database
from app.store.models import Candidate
from tests.support import AuditWatch


@pytest.fixture
def candidate_id(ctx: ServiceContext, tmp_path: Path) -> int:
    source = tmp_path / "jane.txt"
    source.write_text("Jane Doe\n", encoding="utf-8")
    parsed = ParsedResume(file="jane.txt", name="Jane Doe", text="Jane Doe")
    return import_resume(ctx, tmp_path / "documents", source, parsed).value.candidate_id


def test_control_characters_are_dropped_from_every_edit(
    ctx: ServiceContext, database: Database, candidate_id: int
) -> None:
    save_review(
        ctx,
        candidate_id,
        {
            "name": "Jane\x00 Q\x1b Doe\u202e",
            "location": "Austin\r\nTX\x1b",
            "current_title": "Data\x85Engineer",
            "current_employer": "Acme\x00",
            "email": "jane\x00@example.com",
            "phone": "+1 512 555 0142\x1b",
            "links": "linkedin.com/in/jane\x1b, github.com/jane",
            "skills": "Python\x00, SQL",
        },
    )
    with database.sessions() as session:
        candidate = session.get_one(Candidate, candidate_id)
        assert (candidate.first_name, candidate.middle_name, candidate.last_name) == (
            "Jane",
            "Q",
            "Doe",
        )
        assert (candidate.location, candidate.current_title, candidate.current_employer) == (
            "Austin TX",
            "Data Engineer",
            "Acme",
        )
        assert candidate.primary_email == "jane@example.com"
        assert [p.phone for p in candidate.phones] == ["+1 512 555 0142"]
        assert candidate.links == ["linkedin.com/in/jane", "github.com/jane"]
        assert sorted(s.name for s in candidate.skills) == ["Python", "SQL"]


def test_over_long_edits_are_refused_per_field_and_nothing_changes(
    ctx: ServiceContext, database: Database, candidate_id: int
) -> None:
    watch = AuditWatch(database)
    with pytest.raises(ValidationError) as raised:
        save_review(
            ctx,
            candidate_id,
            {
                "name": "Jane " + "D" * 101,
                "location": "L" * 201,
                "current_title": "T" * 1_000_000,
                "current_employer": "E" * 201,
                "links": ", ".join(f"example.com/{n}" for n in range(21)),
                "skills": "Python, " + "S" * 121,
            },
        )
    assert raised.value.errors == {
        "name": "At most 100 characters for each part of a name.",
        "location": "At most 200 characters.",
        "current_title": "At most 200 characters.",
        "current_employer": "At most 200 characters.",
        "links": "At most 20 links.",
        "skills": "At most 120 characters.",
    }
    assert watch.new() == []
    with database.sessions() as session:
        assert session.get_one(Candidate, candidate_id).current_title is None
