"""Scorecards: a job's attributes from a template, one scorecard per interviewer with 1-5
ratings and a recommendation, the board's average and count, the rule that holds a card in
Interviewed until a scorecard is in, audit, timeline and undo."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.services.pipeline.board import (
    MoveRequest,
    Replay,
    load_board,
    load_pipeline,
    move_applications,
)
from app.services.pipeline.interview_list import get_interview
from app.services.pipeline.interviews import schedule_interview
from app.services.pipeline.scorecards import (
    DEFAULT_ATTRIBUTES,
    ScorecardInput,
    delete_scorecard,
    job_scorecard,
    list_templates,
    save_scorecard,
    save_template,
    scorecards_of_interviews,
    set_job_scorecard,
)
from app.store.database import Database
from app.store.interviews import Recommendation
from app.store.models import Activity, ActivityKind
from tests.services.pipeline.interview_setup import Loop, build_loop, interview
from tests.support import AuditWatch, count_rows


@pytest.fixture
def loop(ctx: ServiceContext) -> Loop:
    return build_loop(ctx)


def _scheduled(ctx: ServiceContext, loop: Loop, index: int = 0) -> tuple[int, dict[str, int]]:
    """An interview with Grace and Alan; (its id, attendee id by name)."""
    data = interview(loop, index, contact_ids=(loop.grace, loop.alan), start=dt.time(9 + index, 0))
    interview_id = schedule_interview(ctx, data).value.interview_id
    people = {a.name: a.id for a in get_interview(ctx, interview_id).attendees}
    return interview_id, people


def _card(interview_id: int, attendee: int, *ratings: int, rec=Recommendation.YES, notes=None):
    names = ("Skills", "Experience", "Communication", "Motivation")
    return ScorecardInput(
        interview_id, attendee, tuple(zip(names, ratings, strict=False)), rec, notes
    )


def test_a_job_takes_its_clients_template_else_the_agencys(ctx: ServiceContext, loop: Loop) -> None:
    assert [a.name for a in job_scorecard(ctx, loop.job_id).attributes] == list(DEFAULT_ATTRIBUTES)
    save_template(ctx, "Engineering", ["Coding", "Design", "Coding", " "])
    assert [a.name for a in job_scorecard(ctx, loop.job_id).attributes] == ["Coding", "Design"]
    own = save_template(ctx, "Northwind bar", ["Ownership", "Craft"], client_id=loop.client_id)
    rows = list_templates(ctx, loop.client_id)
    assert [r.label for r in rows] == ["Northwind bar", "Engineering (agency)"]
    settings = job_scorecard(ctx, loop.job_id)
    assert [a.name for a in settings.attributes] == ["Ownership", "Craft"]
    assert settings.template_id == own.value and not settings.required
    with pytest.raises(ValidationError) as raised:
        save_template(ctx, "Engineering", ["X"])
    assert "already a template" in raised.value.errors["name"]


def test_scorecards_per_interviewer_side_by_side_with_audit_and_timeline(
    ctx: ServiceContext, database: Database, loop: Loop
) -> None:
    interview_id, people = _scheduled(ctx, loop)
    watch = AuditWatch(database)
    first = save_scorecard(
        ctx, _card(interview_id, people["Grace Hopper"], 4, 5, 3, 4, rec=Recommendation.STRONG_YES)
    )
    assert first.value.previous is None
    assert first.changes.touches(ChangeKind.INTERVIEWS, ChangeKind.APPLICATIONS)
    save_scorecard(
        ctx, _card(interview_id, people["Alan Turing"], 2, 3, 2, 1, rec=Recommendation.NO)
    )
    sheet = scorecards_of_interviews(ctx, [interview_id])[interview_id]
    assert sheet.attributes == DEFAULT_ATTRIBUTES and sheet.missing == ()
    grace, alan = sheet.cards
    assert (grace.interviewer, grace.average, grace.recommendation_label) == (
        "Grace Hopper",
        4.0,
        "Strong yes",
    )
    assert dict(alan.ratings) == {"Skills": 2, "Experience": 3, "Communication": 2, "Motivation": 1}
    assert [e.action for e in watch.new()] == ["scorecard.create", "scorecard.create"]
    with ctx.read() as session:
        subjects = list(
            session.scalars(select(Activity.subject).where(Activity.kind == ActivityKind.NOTE))
        )
    assert subjects == [
        "Scorecard from Grace Hopper: Strong yes (4.0/5)",
        "Scorecard from Alan Turing: No (2.0/5)",
    ]


def test_the_board_shows_the_mean_of_the_scorecards_and_their_count(
    ctx: ServiceContext, loop: Loop
) -> None:
    interview_id, people = _scheduled(ctx, loop)
    save_scorecard(ctx, _card(interview_id, people["Grace Hopper"], 5, 5, 4, 4))  # 4.5
    save_scorecard(ctx, _card(interview_id, people["Alan Turing"], 3, 3))  # 3.0, two rated
    second, people2 = _scheduled(ctx, loop, 1)
    save_scorecard(ctx, _card(second, people2["Grace Hopper"], 1, 2, 3, 4))  # 2.5
    cards = {c.application_id: c for c in load_board(ctx, loop.job_id).cards}
    ada, byron = cards[loop.applications[0]], cards[loop.applications[1]]
    assert (ada.score, ada.score_count) == (pytest.approx(3.75), 2)  # each interviewer equal
    assert (byron.score, byron.score_count) == (pytest.approx(2.5), 1)
    pipeline = {c.application_id: c for c in load_pipeline(ctx).cards}
    assert pipeline[loop.applications[0]].score_count == 2


def test_replacing_a_scorecard_and_undoing(
    ctx: ServiceContext, database: Database, loop: Loop
) -> None:
    interview_id, people = _scheduled(ctx, loop)
    grace = people["Grace Hopper"]
    created = save_scorecard(ctx, _card(interview_id, grace, 2, 2, 2, 2, rec=Recommendation.NO))
    replaced = save_scorecard(ctx, _card(interview_id, grace, 5, 5, 5, 5, notes="Changed mind"))
    assert replaced.value.scorecard_id == created.value.scorecard_id
    assert replaced.value.previous == _card(interview_id, grace, 2, 2, 2, 2, rec=Recommendation.NO)
    # Undo of the replacement puts the first back; undo of the first removes it.
    save_scorecard(ctx, replaced.value.previous)
    [card] = scorecards_of_interviews(ctx, [interview_id])[interview_id].cards
    assert card.average == 2.0 and card.recommendation is Recommendation.NO
    delete_scorecard(ctx, created.value.scorecard_id)
    sheet = scorecards_of_interviews(ctx, [interview_id])[interview_id]
    assert sheet.cards == () and sheet.missing == ("Grace Hopper", "Alan Turing")
    assert count_rows(database, "scorecard_ratings") == 0


@pytest.mark.parametrize(
    ("ratings", "field"),
    [
        ((), "ratings"),
        ((("Skills", 6),), "ratings"),
        ((("Skills", 0),), "ratings"),
        ((("Charm", 3),), "ratings"),
    ],
)
def test_invalid_scorecards_write_nothing(
    ctx: ServiceContext, database: Database, loop: Loop, ratings: tuple, field: str
) -> None:
    interview_id, people = _scheduled(ctx, loop)
    data = ScorecardInput(interview_id, people["Grace Hopper"], ratings, Recommendation.YES)
    with pytest.raises(ValidationError) as raised:
        save_scorecard(ctx, data)
    assert field in raised.value.errors
    assert count_rows(database, "scorecards") == 0


def test_an_interviewer_of_another_interview_is_refused(ctx: ServiceContext, loop: Loop) -> None:
    interview_id, _people = _scheduled(ctx, loop)
    _other, people2 = _scheduled(ctx, loop, 1)
    with pytest.raises(ValidationError):
        save_scorecard(ctx, _card(interview_id, people2["Grace Hopper"], 3))


def test_a_required_scorecard_holds_the_card_in_interviewed(
    ctx: ServiceContext, loop: Loop
) -> None:
    set_job_scorecard(ctx, loop.job_id, ["Skills", "Experience"], required=True)
    board = load_board(ctx, loop.job_id)
    card = next(c for c in board.cards if c.application_id == loop.applications[0])
    moved = move_applications(
        ctx, [MoveRequest(card.application_id, card.version, loop.interviewed_stage_id)]
    )
    version = moved.value.after[0].version
    offered = loop.stage_ids["Offered"]
    with pytest.raises(ValidationError) as raised:
        move_applications(ctx, [MoveRequest(card.application_id, version, offered)])
    assert "needs a scorecard before a candidate moves on from Interviewed" in str(raised.value)
    # A step back, a rejection and an undo are always allowed.
    back = move_applications(
        ctx, [MoveRequest(card.application_id, version, loop.stage_ids["Screened"])]
    )
    undo = move_applications(
        ctx,
        [
            MoveRequest(
                card.application_id,
                back.value.after[0].version,
                loop.interviewed_stage_id,
                replay=Replay.UNDO,
            )
        ],
    )
    version = undo.value.after[0].version
    interview_id = schedule_interview(ctx, interview(loop)).value.interview_id
    grace = get_interview(ctx, interview_id).attendees[0].id
    save_scorecard(ctx, ScorecardInput(interview_id, grace, (("Skills", 4),), Recommendation.YES))
    done = move_applications(ctx, [MoveRequest(card.application_id, version, offered)])
    assert done.value.after[0].stage_id == offered


def test_an_attribute_already_rated_stays(ctx: ServiceContext, loop: Loop) -> None:
    interview_id, people = _scheduled(ctx, loop)
    save_scorecard(ctx, _card(interview_id, people["Grace Hopper"], 4, 4))
    with pytest.raises(ValidationError) as raised:
        set_job_scorecard(ctx, loop.job_id, ["Skills", "Leadership"], required=False)
    assert raised.value.errors["attributes"] == "Already rated, so kept: Experience."
    previous = set_job_scorecard(
        ctx, loop.job_id, ["Skills", "Experience", "Leadership"], required=True
    ).value
    settings = job_scorecard(ctx, loop.job_id)
    assert [a.name for a in settings.attributes] == ["Skills", "Experience", "Leadership"]
    assert settings.required and not previous.required


def test_a_jobs_attributes_saved_as_a_template_in_the_same_transaction(
    ctx: ServiceContext, database: Database, loop: Loop
) -> None:
    set_job_scorecard(ctx, loop.job_id, ["Depth", "Clarity"], False, save_as="Platform bar")
    [template] = list_templates(ctx, loop.client_id)
    assert (template.name, template.client_id, template.attributes) == (
        "Platform bar",
        loop.client_id,
        ("Depth", "Clarity"),
    )
    assert job_scorecard(ctx, loop.job_id).template_id == template.id
    # The same name again is refused, and the job's attributes stay as they were.
    with pytest.raises(ValidationError) as raised:
        set_job_scorecard(ctx, loop.job_id, ["Other"], True, save_as="Platform bar")
    assert "already a template" in raised.value.errors["name"]
    settings = job_scorecard(ctx, loop.job_id)
    assert [a.name for a in settings.attributes] == ["Depth", "Clarity"] and not settings.required
    set_job_scorecard(ctx, loop.job_id, ["Depth"], False, save_as="Everyone", agency_wide=True)
    assert [t.label for t in list_templates(ctx)] == ["Everyone (agency)"]
    assert count_rows(database, "scorecard_templates") == 2
