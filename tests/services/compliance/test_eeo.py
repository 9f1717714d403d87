"""Self-identification: recorded write-only by recruiters, read only as suppressed
aggregates by compliance; and never anywhere else (search, the FTS tables, profile, board
card, CSV exports, the person's own export, rendered emails, the audit trail)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from app.mail.render import KNOWN_FIELDS
from app.services.admin.audit_trail import AuditFilter, write_audit_csv
from app.services.admin.report_catalog import REPORTS, run_report
from app.services.admin.report_defs import ReportFilter
from app.services.admin.report_export import report_csv
from app.services.candidates.bulk import export_csv
from app.services.candidates.privacy import EEO_HELD, erase_person, person_data
from app.services.candidates.records import candidate_profile
from app.services.candidates.search import search_candidates
from app.services.compliance.eeo import (
    SUPPRESSED,
    EeoInput,
    eeo_aggregates,
    has_eeo_answers,
    record_eeo_answers,
)
from app.services.compliance.flow_log import flow_log
from app.services.core.changes import ChangeKind
from app.services.core.roles import PermissionDenied, Role
from app.services.engagement.campaigns import candidate_values, recipient_rows
from app.services.pipeline.board import load_board
from app.store.database import Database
from app.store.enums import Race, Sex
from tests.services.compliance.eeo_world import World, as_role, world
from tests.support import raw_connect

# What would show if an answer leaked: stored values and the labels of Brian's answers.
NEEDLES = (
    "pacific_islander",
    "Pacific Islander",
    "Hawaiian",
    "not_protected",
    "protected veteran",
    "Protected veteran",
    "female",
    "Female",
    "I have a disability",
)


def _leaks(value: object) -> list[str]:
    text = value if isinstance(value, str) else repr(value)
    return [needle for needle in NEEDLES if needle in text]


def test_answers_never_leave_the_compliance_views(database: Database, tmp_path) -> None:
    w = world(database)
    with raw_connect(database.path) as raw:
        stored = repr(raw.execute("SELECT * FROM eeo_answers").fetchall())
        assert {"pacific_islander", "not_protected", "female"} <= set(_leaks(stored))
        tables = [
            name
            for (name,) in raw.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%'"
            )
        ]
        assert "candidate_search" in tables
        for table in tables:
            assert _leaks(raw.execute(f"SELECT * FROM {table}").fetchall()) == [], table
        audit = raw.execute("SELECT action, before, after FROM audit_entries").fetchall()
        assert _leaks(audit) == []
        assert sum(action == "eeo.record" for action, _before, _after in audit) == 3
    brian = w.candidates["Brian"]
    assert search_candidates(w.admin, "Brian").hits
    for query in ("Brian", "pacific", "islander", "female", "protected"):
        found = search_candidates(w.admin, query)
        assert _leaks(found.hits) == [], query  # the hits (the result repeats the query)
    for query in ("pacific", "islander", "hawaiian"):
        assert not search_candidates(w.admin, query).hits, query
    assert _leaks(candidate_profile(w.admin, brian, None)) == []
    assert _leaks(load_board(w.admin, w.job_id)) == []
    out = tmp_path / "candidates.csv"
    export_csv(w.admin, list(w.candidates.values()), out)
    assert _leaks(out.read_text(encoding="utf-8")) == []
    period = ReportFilter(dt.date.today() - dt.timedelta(days=1), dt.date.today())
    for name in REPORTS:
        assert _leaks(report_csv(run_report(w.admin, name, period))) == [], name
    audit_csv = io.StringIO()
    write_audit_csv(w.compliance, AuditFilter(), audit_csv)
    assert _leaks(audit_csv.getvalue()) == []
    exported = person_data(w.admin, brian)
    assert exported["tables"]["eeo_answers"] == [
        {"application_id": w.applications["Brian"], "answers": EEO_HELD}
    ]
    assert _leaks(json.dumps(exported)) == []
    # Emails: no merge field names an EEO question, and a candidate's merge values hold none.
    questions = ("race", "sex", "gender", "veteran", "disab", "hispanic", "eeo", "ethnic")
    assert [f for f in KNOWN_FIELDS if any(word in f.lower() for word in questions)] == []
    with database.sessions() as session:
        values = candidate_values(recipient_rows(session, [brian])[brian])
    assert values["first_name"] == "Brian" and _leaks(values) == []


def test_recording_is_write_only(database: Database) -> None:
    w = world(database)
    application = w.applications["Dana"]
    assert not has_eeo_answers(w.recruiter, application)
    outcome = record_eeo_answers(w.recruiter, application, EeoInput(sex=Sex.FEMALE))
    assert outcome.value is None
    assert has_eeo_answers(w.recruiter, application)
    for ctx in (w.recruiter, w.admin):
        with pytest.raises(PermissionDenied, match="see EEO answers"):
            eeo_aggregates(ctx)
        with pytest.raises(PermissionDenied):
            flow_log(ctx, dt.date.today(), dt.date.today())
    manager = as_role(database, w.admin, "harry.manager", Role.HIRING_MANAGER)
    with pytest.raises(PermissionDenied, match="record EEO answers"):
        record_eeo_answers(manager, application, EeoInput(race=Race.ASIAN))


def test_aggregates_suppress_cells_under_five(database: Database) -> None:
    w = world(database)
    # Five more applicants in Applied, all White women: that cell reaches five.
    from app.services.candidates.bulk import add_to_job
    from app.services.candidates.records import CandidateInput, create_candidate

    board = load_board(w.recruiter, w.job_id)
    more = [
        create_candidate(w.recruiter, CandidateInput(f"Extra{n}", "Tester")).value for n in range(5)
    ]
    add_to_job(w.recruiter, more, w.job_id, board.stages[0].id, "Board")
    cards = load_board(w.recruiter, w.job_id).cards
    for card in cards:
        if card.candidate_id in more:
            record_eeo_answers(w.recruiter, card.application_id, EeoInput(sex=Sex.FEMALE))
    tables = {table.question: table for table in eeo_aggregates(w.compliance)}
    sex = tables["Sex"]
    assert sex.stages[0] == "Applied" and "Hired" in sex.stages
    applied, female = sex.stages.index("Applied"), sex.categories.index("Female")
    assert sex.cells[applied][female] == 5
    assert sex.shown(applied, female) == "5"
    hired = sex.stages.index("Hired")
    assert sex.cells[hired][female] is None and sex.shown(hired, female) == SUPPRESSED
    # The five and Dana did not answer the other questions: six there.
    for question in ("Race/ethnicity", "Veteran status", "Disability status"):
        table = tables[question]
        assert table.cells[applied][table.categories.index("Not provided")] == 6
    # Everything else holds fewer than five: suppressed, zero included.
    others = [
        value
        for table in tables.values()
        for r, row in enumerate(table.cells)
        for c, value in enumerate(row)
        if (r, table.categories[c]) not in {(applied, "Female"), (applied, "Not provided")}
    ]
    assert others and all(value is None for value in others)
    assert set(tables) == {"Race/ethnicity", "Sex", "Veteran status", "Disability status"}
    assert "Two or More Races" in tables["Race/ethnicity"].categories
    assert tables["Race/ethnicity"].categories[0] == "Hispanic or Latino"


def test_erasure_keeps_recent_answers_and_deletes_old_ones(database: Database) -> None:
    w = world(database)
    old = w.applications["Brian"]
    with raw_connect(database.path) as raw:
        raw.execute(
            "UPDATE applications SET applied_at = '2023-01-05 10:00:00.000000' WHERE id = ?",
            (old,),
        )
    erase_person(w.compliance, w.candidates["Brian"], None)
    erase_person(w.compliance, w.candidates["Ada"], None)
    with raw_connect(database.path) as raw:
        kept = {row[0] for row in raw.execute("SELECT application_id FROM eeo_answers")}
    assert old not in kept
    assert w.applications["Ada"] in kept
    today = dt.date.today()
    rows = {row.applicant_id: row for row in flow_log(w.compliance, today, today)}
    ada = rows[w.candidates["Ada"]]
    assert (ada.sex, ada.race_ethnicity, ada.disposition) == (
        "Female",
        "Hispanic or Latino",
        "Hired",
    )


def _dana_twice(w: World) -> tuple[int, int]:
    """A second record of Dana applied to the same job: its id and its application's."""
    from app.services.candidates.bulk import add_to_job
    from app.services.candidates.records import CandidateInput, create_candidate

    twin = create_candidate(w.recruiter, CandidateInput("Dana", "Tester")).value
    add_to_job(w.recruiter, [twin], w.job_id, load_board(w.recruiter, w.job_id).stages[0].id, "x")
    application = next(
        card.application_id
        for card in load_board(w.recruiter, w.job_id).cards
        if card.candidate_id == twin
    )
    return twin, application


def test_a_merge_keeps_the_dropped_applications_answers(database: Database) -> None:
    from app.services.candidates.duplicates import merge_candidates

    w = world(database)
    twin, twin_application = _dana_twice(w)
    record_eeo_answers(w.recruiter, twin_application, EeoInput(race=Race.PACIFIC_ISLANDER))
    merge_candidates(w.recruiter, w.candidates["Dana"], twin, {})
    with raw_connect(database.path) as raw:
        rows = raw.execute(
            "SELECT application_id, race FROM eeo_answers WHERE race = 'pacific_islander'"
        ).fetchall()
        audit = raw.execute("SELECT before, after FROM audit_entries").fetchall()
    assert (w.applications["Dana"], "pacific_islander") in rows
    assert _leaks(audit) == []  # the merge's snapshot holds no answer either


def test_undoing_a_merge_puts_the_answers_back_on_the_restored_application(
    database: Database,
) -> None:
    """The merge moved the dropped application's answers to the kept one; undo restores the
    dropped application and its answers with it, redo moves them again, and the audit
    entries name the applications only."""
    from app.services.candidates.duplicates import merge_candidates
    from app.services.candidates.merge_undo import redo_step, undo_step

    w = world(database)
    twin, twin_application = _dana_twice(w)
    kept = w.applications["Dana"]
    with raw_connect(database.path) as raw:
        raw.execute("DELETE FROM eeo_answers WHERE application_id = ?", (kept,))
    record_eeo_answers(w.recruiter, twin_application, EeoInput(race=Race.PACIFIC_ISLANDER))

    def answers() -> dict[int, str]:
        with raw_connect(database.path) as raw:
            found = raw.execute(
                "SELECT application_id, race FROM eeo_answers WHERE application_id IN (?, ?)",
                (kept, twin_application),
            ).fetchall()
        return dict(found)

    merged = merge_candidates(w.recruiter, w.candidates["Dana"], twin, {}).value
    assert answers() == {kept: "pacific_islander"}
    undone = undo_step(w.recruiter, merged.audit_id)
    assert answers() == {twin_application: "pacific_islander"}
    assert undone.changes.touches(ChangeKind.EEO)
    redo_step(w.recruiter, merged.audit_id)
    assert answers() == {kept: "pacific_islander"}
    undo_step(w.recruiter, merged.audit_id)
    assert answers() == {twin_application: "pacific_islander"}
    with raw_connect(database.path) as raw:
        audit = raw.execute("SELECT before, after FROM audit_entries").fetchall()
    assert _leaks(audit) == []
