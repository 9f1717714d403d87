"""Quick-add of sourced candidates: parsing a profile and saving it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.services.candidates.records import CandidateInput, candidate_profile, create_candidate
from app.services.candidates.sourcing import (
    SOURCE,
    SourcedDraft,
    create_sourced_candidate,
    name_from_handle,
    parse_profile,
)
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.store.models import AuditEntry

PROFILE = """Jane Doe
Senior Data Engineer at Acme Corp
Austin, TX | jane.doe@example.org | +1 512 555 0142

Experience
Senior Data Engineer, Acme Corp  2021 - Present
Built data pipelines.

Skills
Python, SQL, Airflow, dbt
"""


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("linkedin.com/in/jane-doe-4b2a19", ("Jane", "Doe")),
        ("linkedin.com/in/mary-ann-smith", ("Mary", "Ann Smith")),
        ("github.com/octocat", ("Octocat", "")),
        ("example.com/jane", ("", "")),
        (None, ("", "")),
    ],
)
def test_name_from_handle(link: str | None, expected: tuple[str, str]) -> None:
    assert name_from_handle(link) == expected


def test_url_only_gives_the_link_and_a_name_guess() -> None:
    draft = parse_profile("https://www.linkedin.com/in/jane-doe-4b2a19/?trk=x", None)
    assert draft.links == ("linkedin.com/in/jane-doe-4b2a19",)
    assert (draft.first_name, draft.last_name) == ("Jane", "Doe")
    assert draft.email is None


def test_text_is_parsed_like_a_resume_and_wins_over_the_handle() -> None:
    draft = parse_profile("https://github.com/jdoe99", PROFILE)
    assert (draft.first_name, draft.last_name) == ("Jane", "Doe")
    assert draft.email == "jane.doe@example.org"
    assert draft.phone == "+15125550142"
    assert draft.location == "Austin, TX"
    assert draft.current_title == "Senior Data Engineer"
    assert draft.current_employer == "Acme Corp"
    assert {"Python", "SQL", "Airflow", "dbt"} <= set(draft.skills)
    assert draft.links[0] == "github.com/jdoe99"


def test_nothing_given_gives_an_empty_draft() -> None:
    assert parse_profile(None, "   ") == SourcedDraft()


def test_create_sourced_candidate(ctx: ServiceContext) -> None:
    draft = parse_profile("https://www.linkedin.com/in/jane-doe", PROFILE)
    result = create_sourced_candidate(ctx, draft, {"headline": "Data engineer, open to offers"})
    profile = candidate_profile(ctx, result.value)
    assert profile.source == SOURCE
    assert profile.links[0] == "linkedin.com/in/jane-doe"
    assert profile.emails == ("jane.doe@example.org",)
    assert profile.headline == "Data engineer, open to offers"
    assert {"Python", "SQL"} <= set(profile.skills)
    assert profile.experience[0][0] == "Acme Corp"
    assert result.changes.touches(ChangeKind.CANDIDATES)
    with ctx.read() as session:
        entry = session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "candidate.create",
                AuditEntry.entity_id == result.value,
            )
        ).one()
    assert entry is not None


def test_edits_override_the_draft(ctx: ServiceContext) -> None:
    draft = parse_profile("github.com/octocat", None)
    edits = {"last_name": "Cat", "links": "github.com/octocat, octo.dev", "skills": "Go, Rust"}
    candidate_id = create_sourced_candidate(ctx, draft, edits).value
    profile = candidate_profile(ctx, candidate_id)
    assert profile.name == "Octocat Cat"
    assert profile.links == ("github.com/octocat", "octo.dev")
    assert set(profile.skills) == {"Go", "Rust"}


def test_duplicate_email_is_refused(ctx: ServiceContext) -> None:
    existing = create_candidate(
        ctx, CandidateInput(first_name="Jane", last_name="Doe", email="jane.doe@example.org")
    ).value
    draft = parse_profile(None, PROFILE)
    with pytest.raises(ValidationError) as caught:
        create_sourced_candidate(ctx, draft)
    assert caught.value.errors["email"] == f"Candidate #{existing} already has this email address."


def test_missing_last_name_is_refused(ctx: ServiceContext) -> None:
    draft = parse_profile("github.com/octocat", None)
    with pytest.raises(ValidationError) as caught:
        create_sourced_candidate(ctx, draft)
    assert "last_name" in caught.value.errors


def test_unknown_edit_is_refused(ctx: ServiceContext) -> None:
    with pytest.raises(ValidationError):
        create_sourced_candidate(ctx, SourcedDraft("A", "B"), {"owner_id": 3})


def test_what_the_parser_finds_is_fitted_in_the_draft() -> None:
    text = PROFILE.replace("Python, SQL", "Python, " + "Airflow" * 40 + ", SQL")
    draft = parse_profile("linkedin.com/in/jane-doe\x1b[2J", text)
    assert (draft.first_name, draft.last_name) == ("Jane", "Doe")
    long_skill = next(skill for skill in draft.skills if skill.startswith("AirflowAirflow"))
    assert len(long_skill) == 120 and long_skill.endswith("…")
    assert all(link.isprintable() for link in draft.links)


def test_a_drafts_own_long_values_are_fitted_when_saved(ctx: ServiceContext) -> None:
    draft = SourcedDraft(
        first_name="Jane",
        last_name="D" * 5_000,
        current_title="Principal " * 100,
        location="\x1bAustin",
        email="a" * 300 + "@example.org",
        phone="+1 512 555 0142" + " 0" * 40,
        links=("linkedin.com/in/jane", "example.com/" + "p" * 600),
        skills=("Python", "S" * 500),
        experiences=(("C" * 500, "T" * 500, "2021-03-01", "present"),),
    )
    candidate_id = create_sourced_candidate(ctx, draft).value
    profile = candidate_profile(ctx, candidate_id)
    first, last = profile.name.split(" ", 1)
    assert first == "Jane" and len(last) == 100 and last.endswith("…")
    assert profile.current_title is not None and len(profile.current_title) <= 200
    assert profile.location == "Austin"
    assert profile.emails == () and profile.phones == ()  # too long to be real: left out
    assert profile.links == ("linkedin.com/in/jane",)
    assert set(profile.skills) == {"Python", "S" * 119 + "…"}
    [(company, title, _start, _end)] = profile.experience
    assert (len(company), len(title or "")) == (200, 200)


def test_the_recruiters_long_edits_are_refused_per_field(ctx: ServiceContext) -> None:
    draft = SourcedDraft(first_name="Jane", last_name="Doe")
    with pytest.raises(ValidationError) as raised:
        create_sourced_candidate(
            ctx,
            draft,
            {
                "current_title": "T" * 201,
                "headline": "H" * 301,
                "email": "a" * 300 + "@example.org",
                "skills": "Python, " + "S" * 121,
            },
        )
    assert raised.value.errors == {
        "current_title": "At most 200 characters.",
        "headline": "At most 300 characters.",
        "email": "At most 254 characters.",
        "skills": "At most 120 characters.",
    }


def test_a_profile_headline_and_skills_line_fill_title_employer_and_skills() -> None:
    draft = parse_profile(
        "https://www.linkedin.com/in/jane-roe",
        "Jane Roe\nSenior Data Engineer at Dell Technologies\nAustin, Texas\n"
        "Skills: Python, Spark, Airflow\njane.roe@example.com\n",
    )
    assert (draft.current_title, draft.current_employer) == (
        "Senior Data Engineer",
        "Dell Technologies",
    )
    assert draft.headline == "Senior Data Engineer at Dell Technologies"
    assert {"Python", "Spark", "Airflow"} <= set(draft.skills)
    assert len({skill.casefold() for skill in draft.skills}) == len(draft.skills)


def test_prose_with_at_is_not_taken_for_a_headline() -> None:
    draft = parse_profile(None, "Bob Stone\nLooking at new roles in Denver\nbob@example.com\n")
    assert draft.current_title is None and draft.current_employer is None
    at_sign = parse_profile(None, "Ana Ruiz\nStaff Engineer @ Northwind\nTop skills: Go; Rust\n")
    assert (at_sign.current_title, at_sign.current_employer) == ("Staff Engineer", "Northwind")
    assert {"Go", "Rust"} <= set(at_sign.skills)
