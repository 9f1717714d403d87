"""The EEO section: the compliance role's aggregates (read off the GUI thread, counts under
five shown as "<5") and the flow log exported as CSV; no other role is offered it."""

from __future__ import annotations

import csv
import threading
from pathlib import Path

from PySide6.QtCore import QDate

from app.services.candidates.bulk import add_to_job
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.compliance.eeo import EeoInput, record_eeo_answers
from app.services.compliance.flow_log import COLUMNS
from app.services.pipeline.board import load_board
from app.store.database import Database
from app.store.enums import Sex
from app.ui.sections.eeo import EeoSection
from tests.services.compliance.eeo_world import world


def _section(qtbot, ctx) -> EeoSection:
    section = EeoSection(ctx)
    qtbot.addWidget(section)
    section.resize(1100, 600)
    section.show()
    qtbot.waitUntil(lambda: section.table.rowCount() > 0, timeout=10_000)
    return section


def test_counts_are_shown_suppressed_under_five(qtbot, database: Database) -> None:
    w = world(database)
    more = [
        create_candidate(w.recruiter, CandidateInput(f"Extra{n}", "Tester")).value for n in range(6)
    ]
    add_to_job(w.recruiter, more, w.job_id, load_board(w.recruiter, w.job_id).stages[0].id, "x")
    for card in load_board(w.recruiter, w.job_id).cards:
        if card.candidate_id in more:
            record_eeo_answers(w.recruiter, card.application_id, EeoInput(sex=Sex.MALE))
    section = _section(qtbot, w.compliance)
    assert section.ops.ran_on("aggregates") is not threading.main_thread()
    section.question.setCurrentText("Sex")
    header = [
        section.table.horizontalHeaderItem(c).text() for c in range(section.table.columnCount())
    ]
    rows = {row[1]: dict(zip(header, row, strict=True)) for row in section.cell_texts()}
    assert rows["Applied"]["Male"] == "6"
    assert rows["Applied"]["Female"] == "<5" and rows["Hired"]["Female"] == "<5"
    assert all(
        value == "<5" for stage, row in rows.items() for key, value in row.items()
        if key not in ("Job", "Stage") and (stage, key) != ("Applied", "Male")
    )  # fmt: skip


def test_the_flow_log_is_exported_off_the_gui_thread(
    qtbot, database: Database, tmp_path: Path
) -> None:
    w = world(database)
    section = _section(qtbot, w.compliance)
    out = tmp_path / "flow.csv"
    section.export_to(out)
    qtbot.waitUntil(lambda: "written to" in section.status.text(), timeout=10_000)
    assert section.ops.ran_on("export") is not threading.main_thread()
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == COLUMNS and len(rows) == 5
    assert not list(tmp_path.glob(".*.partial"))


def test_a_recruiter_is_refused_in_the_section(qtbot, database: Database) -> None:
    w = world(database)
    section = EeoSection(w.recruiter)
    qtbot.addWidget(section)
    section.show()
    qtbot.waitUntil(lambda: "Could not count" in section.status.text(), timeout=10_000)
    assert "may not see EEO answers" in section.status.text()
    assert section.table.rowCount() == 0
    assert QDate.currentDate() == section.end.date()


def test_answers_recorded_elsewhere_show_on_the_next_change(qtbot, database: Database) -> None:
    from app.services.core.changes import ChangeKind, Changes

    w = world(database)
    section = _section(qtbot, w.compliance)
    section.question.setCurrentText("Sex")

    def applied_not_provided() -> str:
        table = section.table
        header = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
        rows = {row[1]: dict(zip(header, row, strict=True)) for row in section.cell_texts()}
        return rows["Applied"]["Not provided"]

    assert applied_not_provided() == "<5"
    more = [
        create_candidate(w.recruiter, CandidateInput(f"Late{n}", "Tester")).value for n in range(5)
    ]
    add_to_job(w.recruiter, more, w.job_id, load_board(w.recruiter, w.job_id).stages[0].id, "x")
    section.on_changes(Changes.of(ChangeKind.APPLICATIONS))
    # Dana and the five newcomers did not answer: six now.
    qtbot.waitUntil(lambda: applied_not_provided() == "6", timeout=10_000)
    assert ChangeKind.EEO in EeoSection.shows  # a recorded answer reloads it too
