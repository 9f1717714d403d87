"""The profile document a client is sent: what a branded one holds and what a blind one
leaves out, decided without any rendering."""

from __future__ import annotations

from dataclasses import astuple
from pathlib import Path

import pytest

from app.services.candidates.blind import Redactor, initials
from app.services.candidates.profile_document import ProfileOptions, profile_document
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from tests.services.candidates import profile_world as w


@pytest.fixture
def world(ctx: ServiceContext, tmp_path: Path) -> w.ProfileWorld:
    return w.build_world(ctx, tmp_path)


def _all_text(value: object) -> str:
    """Every string in a document, nested dataclasses and tuples included."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes) or value is None:
        return ""
    if isinstance(value, tuple | list):
        return "\n".join(_all_text(v) for v in value)
    if hasattr(value, "__dataclass_fields__"):
        return "\n".join(_all_text(v) for v in astuple(value))  # type: ignore[arg-type]
    return str(value)


def test_the_branded_profile_holds_the_record_the_job_and_the_agency(
    ctx: ServiceContext, world: w.ProfileWorld
) -> None:
    doc = profile_document(
        ctx, world.candidate_id, ProfileOptions(pitch="Ran Kafka at 2M msg/s.", job_id=world.job_id)
    )
    assert doc.name == f"{w.FIRST} {w.MIDDLE} {w.LAST}"
    assert (doc.emails, doc.phones, doc.links) == ((w.EMAIL,), (w.PHONE,), w.LINKS)
    assert doc.location == w.ADDRESS
    assert [(h.employer, h.title, h.period) for h in doc.history] == [
        (w.EMPLOYERS[0], "Lead Data Engineer", "2020-01 – present"),
        (w.EMPLOYERS[1], "Data Engineer", "2016-05 – 2019-12"),
    ]
    assert [(e.institution, e.degree, e.year) for e in doc.education] == [
        ("University of Leeds", "BSc Computer Science", "2016")
    ]
    # The skills the job's description names come first.
    assert doc.skills == ("Kafka", "Python", "Airflow")
    assert (doc.job_title, doc.client_name) == ("Principal Data Engineer", "Halcyon Freight")
    assert doc.pitch == "Ran Kafka at 2M msg/s."
    assert doc.recruiter_name == "Tester"
    assert (doc.brand.name, doc.brand.primary_color, doc.brand.accent_color) == (
        w.AGENCY,
        w.PRIMARY,
        w.ACCENT,
    )
    assert not doc.blind


def test_the_blind_profile_holds_no_way_to_identify_or_reach_the_candidate(
    ctx: ServiceContext, world: w.ProfileWorld
) -> None:
    pitch = f"I met {w.FIRST} last week; call {w.PHONE} or write to {w.EMAIL}."
    doc = profile_document(ctx, world.candidate_id, ProfileOptions(blind=True, pitch=pitch))
    assert doc.blind
    assert doc.name == "P. M."
    assert doc.title == "Candidate profile: P. M."
    assert (doc.emails, doc.phones, doc.links, doc.location) == ((), (), (), None)
    text = _all_text(doc)
    for secret in w.identifying_strings():
        assert secret.casefold() not in text.casefold(), secret
    # What the client judges on stays: the work, the skills, the employers by default.
    assert "streaming platforms" in (doc.summary or "")
    assert "P." in (doc.pitch or "")
    assert [h.employer for h in doc.history] == list(w.EMPLOYERS)
    assert set(doc.skills) == {"Python", "Kafka", "Airflow"}


def test_a_blind_profile_may_leave_out_the_employers(
    ctx: ServiceContext, world: w.ProfileWorld
) -> None:
    doc = profile_document(
        ctx, world.candidate_id, ProfileOptions(blind=True, show_employers=False)
    )
    text = _all_text(doc)
    for employer in w.EMPLOYERS:
        assert employer.casefold() not in text.casefold()
    assert [h.title for h in doc.history] == ["Lead Data Engineer", "Data Engineer"]
    assert "University of Leeds" in text


def test_redaction_rules() -> None:
    redactor = Redactor("Jo", None, "Ng", phones=("(555) 010-2030",), links=("jo.dev/cv",))
    assert redactor.initials == "J. N."
    assert redactor.scrub("Jo Ng, jo@ng.example, 555.010.2030, jo.dev/cv") == (
        "J. N., [removed], [removed], [removed]"
    )
    # Year ranges are not phone numbers; other people's numbers of phone length are removed.
    assert redactor.scrub("2016 - 2019 at Jolly Co; +1 415 555 0100") == (
        "2016 - 2019 at Jolly Co; [removed]"
    )
    # A name inside a longer word stays ("Jolly"), a name alone goes.
    assert redactor.scrub("Ask Jo.") == "Ask J.."
    assert initials("", None, "") == "Candidate"


def test_missing_records_and_long_pitches_are_refused(
    ctx: ServiceContext, world: w.ProfileWorld
) -> None:
    with pytest.raises(NotFoundError):
        profile_document(ctx, world.candidate_id + 100)
    with pytest.raises(NotFoundError):
        profile_document(ctx, world.candidate_id, ProfileOptions(job_id=world.job_id + 100))
    with pytest.raises(ValidationError):
        profile_document(ctx, world.candidate_id, ProfileOptions(pitch="x" * 6000))
