"""Bulk actions: tagging, adding to a pool or a job (and undoing it), CSV export."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services.candidates.bulk import (
    add_to_job,
    add_to_pool,
    export_cell,
    export_csv,
    neutralise,
    remove_applications,
    tag_candidates,
)
from app.services.candidates.pools import member_ids
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.services.pipeline.board import MoveRequest, VersionConflictError, move_applications
from app.store.database import Database
from app.store.models import (
    Activity,
    Application,
    CandidateEmail,
    CandidatePhone,
    CandidateTag,
    JobStatus,
    StageChange,
    Tag,
)
from tests.services.candidates.test_pools_crm import World
from tests.support import AuditWatch, count_rows, create_pool


@pytest.fixture
def world(database: Database) -> World:
    return World(database)


def _applications(database: Database, job_id: int) -> dict[int, Application]:
    with database.sessions() as session:
        rows = session.scalars(select(Application).where(Application.job_id == job_id))
        return {a.candidate_id: a for a in rows}


def test_add_to_job_creates_applications_history_and_audit(
    ctx: ServiceContext, world: World, database: Database
):
    job = world.job("Engineer")
    people = [world.person("P0"), world.person("P1", source="Referral"), world.person("P2")]
    already = world.history(people[0], job, "Applied")
    watch = AuditWatch(database)
    done = add_to_job(ctx, people, job["job"], job["Screened"], "Pool: Engineering talent")
    assert len(done.value) == 2
    assert done.value.skipped == (people[0],)
    assert "1 already on this job" in done.value.message
    created = _applications(database, job["job"])
    assert created[people[0]].id == already  # left where it was
    # The source is where the candidate came from, not the pool they were picked from.
    assert [(created[p].stage_id, created[p].source) for p in people[1:]] == [
        (job["Screened"], "Referral"),
        (job["Screened"], "Agency database"),
    ]
    assert created[people[1]].board_position < created[people[2]].board_position
    with database.sessions() as session:
        history = session.execute(
            select(StageChange.from_stage_id, StageChange.to_stage_id).where(
                StageChange.application_id.in_(done.value)
            )
        ).all()
        activities = session.scalars(
            select(Activity.subject).where(Activity.application_id.in_(done.value))
        ).all()
    assert history == [(None, job["Screened"])] * 2
    assert all("Screened" in subject and "Engineering talent" in subject for subject in activities)
    assert [e.action for e in watch.new()] == ["application.create"] * 2
    assert done.changes.ids[ChangeKind.APPLICATIONS] == set(done.value)
    assert done.changes.ids[ChangeKind.JOBS] == {job["job"]}


def test_undo_add_to_job_removes_the_applications_and_their_history(
    ctx: ServiceContext, world: World, database: Database
):
    job = world.job("Engineer")
    people = [world.person(f"P{n}") for n in range(2)]
    done = add_to_job(ctx, people, job["job"], job["Applied"], "Search: python")
    watch = AuditWatch(database)
    undone = remove_applications(ctx, done.value)
    assert undone.value == 2
    assert _applications(database, job["job"]) == {}
    assert count_rows(database, "stage_changes") == 0
    assert count_rows(database, "activities") == 0
    assert [e.action for e in watch.new()] == ["application.remove"] * 2
    assert undone.changes.ids[ChangeKind.CANDIDATES] == set(people)


def test_undo_is_refused_when_an_application_changed_since(
    ctx: ServiceContext, world: World, database: Database
):
    job = world.job("Engineer")
    people = [world.person(f"P{n}") for n in range(2)]
    done = add_to_job(ctx, people, job["job"], job["Applied"], "Search: python")
    moved = _applications(database, job["job"])[people[1]]
    move_applications(ctx, [MoveRequest(moved.id, moved.version, job["Interviewed"])])
    watch = AuditWatch(database)
    with pytest.raises(VersionConflictError) as raised:
        remove_applications(ctx, done.value)
    assert raised.value.application_ids == (moved.id,)
    assert len(_applications(database, job["job"])) == 2  # all or nothing
    assert watch.new() == []


def test_add_to_job_refuses_a_closed_job_or_a_foreign_stage(ctx: ServiceContext, world: World):
    closed = world.job("Old", JobStatus.CLOSED)
    other = world.job("Other")
    person = world.person("P")
    with pytest.raises(ValidationError) as raised:
        add_to_job(ctx, [person], closed["job"], closed["Applied"], "x")
    assert "job" in raised.value.errors
    with pytest.raises(ValidationError) as raised:
        add_to_job(ctx, [person], other["job"], closed["Applied"], "x")
    assert "stage" in raised.value.errors
    with pytest.raises(ValidationError):
        add_to_job(ctx, [person], other["job"], other["Rejected"], "x")


def test_tagging_reuses_tags_ignoring_case_and_is_audited(
    ctx: ServiceContext, world: World, database: Database
):
    people = [world.person(f"P{n}") for n in range(3)]
    watch = AuditWatch(database)
    assert tag_candidates(ctx, people[:2], " Python ").value == 2
    assert tag_candidates(ctx, people, "python").value == 1  # only the third is new
    with database.sessions() as session:
        assert session.scalars(select(Tag.name)).all() == ["Python"]
        assert len(session.scalars(select(CandidateTag)).all()) == 3
    actions = [e.action for e in watch.new()]
    assert actions.count("tag.create") == 1 and actions.count("candidate.tag") == 3
    with pytest.raises(ValidationError):
        tag_candidates(ctx, people, "   ")


def test_add_to_pool_adds_only_new_members(ctx: ServiceContext, world: World):
    pool = create_pool(ctx, "Bench").value
    people = [world.person(f"P{n}") for n in range(2)]
    assert add_to_pool(ctx, people, pool).value == 2
    assert add_to_pool(ctx, people, pool).value == 0
    assert sorted(member_ids(ctx, pool)) == sorted(people)


def test_csv_export_neutralises_formulas(
    ctx: ServiceContext, world: World, database: Database, tmp_path: Path
):
    evil = world.person('=HYPERLINK("x")', "Smith", location="@SUM(A1)", source="-2+3")
    plain = world.person("Ada", "Lovelace", current_title="Analyst", current_employer="Acme")
    with database.sessions() as session, session.begin():
        session.add(CandidateEmail(candidate_id=plain, email="ada@example.com", position=0))
        session.add(CandidateEmail(candidate_id=plain, email="ada@work.example", position=1))
        session.add(CandidatePhone(candidate_id=plain, phone="+44 20 7946 0958", position=0))
    tag_candidates(ctx, [plain], "Finance")
    target = tmp_path / "export.csv"
    watch = AuditWatch(database)
    assert export_csv(ctx, [plain, evil], target).value == 2
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["name"] for row in rows] == ["Ada Lovelace", '\'=HYPERLINK("x") Smith']
    assert rows[0]["emails"] == "ada@example.com; ada@work.example"
    assert rows[0]["phones"] == "'+44 20 7946 0958"
    assert (rows[0]["title"], rows[0]["employer"], rows[0]["tags"]) == (
        "Analyst",
        "Acme",
        "Finance",
    )
    assert (rows[1]["location"], rows[1]["source"]) == ("'@SUM(A1)", "'-2+3")
    [entry] = watch.new()
    assert (entry.action, entry.after["count"]) == ("candidate.export", 2)
    assert neutralise("plain") == "plain" and neutralise("") == ""


def test_csv_export_is_atomic(
    ctx: ServiceContext, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    person = world.person("Ada")
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "export.csv"
    target.write_text("old content\n")

    def broken_replace(source: str, destination: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        export_csv(ctx, [person], target)
    assert target.read_text() == "old content\n"  # untouched
    assert [p.name for p in folder.iterdir()] == ["export.csv"]  # no temporary file left
    monkeypatch.undo()
    export_csv(ctx, [person], target)
    assert target.read_text(encoding="utf-8-sig").splitlines()[1].startswith("Ada")


def test_csv_export_counts_the_rows_written(
    ctx: ServiceContext, world: World, database: Database, tmp_path: Path
):
    """The count (returned and audited) is what the file holds: a candidate deleted since
    the selection was made is neither written nor counted, and the audit names who was."""
    from app.store.models import Candidate

    people = [world.person(f"P{n}") for n in range(3)]
    gone = world.person("Gone")
    with database.sessions() as session, session.begin():
        session.delete(session.get(Candidate, gone))
    target = tmp_path / "export.csv"
    watch = AuditWatch(database)
    chosen = [people[2], gone, people[0], people[2], people[1]]  # one twice, one deleted
    assert export_csv(ctx, chosen, target).value == 3
    with target.open(encoding="utf-8-sig", newline="") as handle:
        names = [row["name"] for row in csv.DictReader(handle)]
    assert [name.split()[0] for name in names] == ["P2", "P0", "P1"]
    [entry] = watch.new()
    assert entry.after["count"] == 3
    assert entry.after["candidate_ids"] == [people[2], people[0], people[1]]


def test_selection_must_not_be_empty(ctx: ServiceContext, world: World):
    with pytest.raises(ValidationError):
        tag_candidates(ctx, [], "x")
    with pytest.raises(ValidationError):
        add_to_job(ctx, [], 1, 1, "x")


def test_a_search_never_becomes_the_source(ctx: ServiceContext, world: World, database: Database):
    job = world.job("Engineer")
    people = [world.person("Bruce", source="LinkedIn"), world.person("Ada")]
    done = add_to_job(ctx, people, job["job"], job["Applied"], "Search: bruce")
    created = _applications(database, job["job"])
    assert {created[p].source for p in people} == {"LinkedIn", "Agency database"}
    with database.sessions() as session:
        subjects = session.scalars(
            select(Activity.subject).where(Activity.application_id.in_(done.value))
        ).all()
    assert subjects == ["Added to Applied for Engineer (from Search: bruce)"] * 2


def test_a_hostile_origin_is_cleaned_and_fitted_not_refused(
    ctx: ServiceContext, world: World, database: Database
):
    job = world.job("Engineer")
    person = world.person("P", source="Referral\x1b[2J")
    add_to_job(ctx, [person], job["job"], job["Applied"], "Pool:\x1b[2J " + "Talent " * 100)
    [application] = _applications(database, job["job"]).values()
    assert application.source == "Referral[2J"
    with database.sessions() as session:
        [subject] = session.scalars(
            select(Activity.subject).where(Activity.application_id == application.id)
        ).all()
    assert "\x1b" not in subject and "(from Pool:[2J Talent Talent" in subject
    assert len(subject) <= 300 and subject.endswith("…)")


def test_a_tag_is_cleaned_and_capped(ctx: ServiceContext, world: World, database: Database):
    person = world.person("P")
    with pytest.raises(ValidationError) as raised:
        tag_candidates(ctx, [person], "t" * 81)
    assert raised.value.errors == {"tag": "At most 80 characters."}
    tag_candidates(ctx, [person], "Hot\x00\u202e lead\x1b")
    with database.sessions() as session:
        assert list(session.scalars(select(Tag.name))) == ["Hot lead"]


def test_csv_export_drops_control_characters_then_neutralises(
    ctx: ServiceContext, world: World, database: Database, tmp_path: Path
):
    # Written directly, as a database from before values were cleaned may hold them.
    legacy = world.person(
        "Eve\x00\u202e",
        "Mal\x1b[2Jory",
        location="\r\n=cmd|' /C calc'!A0",  # a formula behind a line break
        current_title="Head\r\nof\tthings\x85",
        current_employer="\x00@SUM(A1)",  # a formula behind a NUL
        source="\u202e-2+3\x9b",
    )
    with database.sessions() as session, session.begin():
        session.add(CandidateEmail(candidate_id=legacy, email="eve\x00@example.com", position=0))
        session.add(CandidatePhone(candidate_id=legacy, phone="\t+1 555\x1b 0100", position=0))
    target = tmp_path / "export.csv"
    assert export_csv(ctx, [legacy], target).value == 1
    raw = target.read_text(encoding="utf-8-sig")
    assert len(raw.splitlines()) == 2  # the header and one row: no line break inside a cell
    assert not any(unsafe in raw for unsafe in ("\x00", "\x1b", "\u202e", "\x85", "\x9b", "\t"))
    with target.open(encoding="utf-8-sig", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert row == {
        "name": "Eve Mal[2Jory",
        "emails": "eve@example.com",
        "phones": "'+1 555 0100",
        "location": "'=cmd|' /C calc'!A0",
        "title": "Head of things",
        "employer": "'@SUM(A1)",
        "skills": "",
        "tags": "",
        "source": "'-2+3",
    }
    assert export_cell(" \x00=1+1") == "'=1+1" and export_cell("plain") == "plain"
