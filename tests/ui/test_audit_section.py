"""The Audit trail section: pages loaded off the GUI thread as the list scrolls, filters,
before and after side by side, the chain verified (and a tampered entry named), CSV export."""

from __future__ import annotations

import csv
import threading
from pathlib import Path

from PySide6.QtCore import QDate

from app.services.admin.audit_trail import PAGE
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.candidates.timeline import add_note
from app.services.core.context import ServiceContext
from app.store.database import Database
from app.ui.sections.audit import AuditSection
from tests.support import raw_connect


def _history(ctx: ServiceContext, database: Database, extra: int = 0) -> int:
    person = create_candidate(ctx, CandidateInput("Ada", "Lovelace")).value
    add_note(ctx, person, "First call went well.")
    if extra:  # many entries at once, sealed by the next commit below
        with raw_connect(database.path) as raw:
            raw.executemany(
                "INSERT INTO audit_entries (occurred_at, actor, action, entity_type, entity_id,"
                " before, after) VALUES ('2026-01-05 09:00:00', 'bulk', 'job.update', 'job', ?,"
                ' \'{"title": "Old"}\', \'{"title": "New"}\')',
                [(n,) for n in range(extra)],
            )
    create_candidate(ctx, CandidateInput("Grace", "Hopper"))
    return person


def _section(qtbot, ctx: ServiceContext) -> AuditSection:
    section = AuditSection(ctx)
    qtbot.addWidget(section)
    section.resize(1000, 650)
    section.show()
    qtbot.waitUntil(lambda: bool(section.model.rows), timeout=10_000)
    return section


def test_the_newest_entries_load_off_the_gui_thread_and_more_on_scroll(
    qtbot, ctx: ServiceContext, database: Database
):
    _history(ctx, database, extra=PAGE + 50)
    section = _section(qtbot, ctx)
    assert section.ops.ran_on("page") is not threading.main_thread()
    rows = section.model.rows
    assert len(rows) == PAGE and rows[0].id > rows[-1].id
    assert section.model.canFetchMore()
    section.table.scrollToBottom()
    qtbot.waitUntil(lambda: len(section.model.rows) > PAGE, timeout=10_000)
    ids = [row.id for row in section.model.rows]
    assert ids == sorted(set(ids), reverse=True)  # no repeats, newest first


def test_filters_and_the_before_and_after_of_an_entry(
    qtbot, ctx: ServiceContext, database: Database
):
    _history(ctx, database, extra=3)
    section = _section(qtbot, ctx)
    qtbot.waitUntil(lambda: section.action.count() > 1, timeout=10_000)
    section.action.setCurrentIndex(section.action.findData("job.update"))
    qtbot.waitUntil(
        lambda: (
            bool(section.model.rows) and {r.action for r in section.model.rows} == {"job.update"}
        ),
        timeout=10_000,
    )
    assert len(section.model.rows) == 3
    section.table.selectRow(0)
    assert section.detail.rowCount() == 1
    cells = [section.detail.item(0, column).text() for column in range(3)]
    assert cells == ["title", "Old", "New"]
    assert section.detail.item(0, 2).font().bold()
    section.action.setCurrentIndex(0)
    section.start.setDate(QDate(2026, 1, 6))  # after the bulk entries' day
    qtbot.waitUntil(
        lambda: (
            bool(section.model.rows) and "job.update" not in {r.action for r in section.model.rows}
        ),
        timeout=10_000,
    )


def test_verify_says_how_many_and_names_a_tampered_entry(
    qtbot, ctx: ServiceContext, database: Database
):
    _history(ctx, database)
    section = _section(qtbot, ctx)
    section.verify_button.click()
    qtbot.waitUntil(lambda: "verified" in section.outcome.text(), timeout=10_000)
    with raw_connect(database.path) as raw:
        raw.execute("DROP TRIGGER audit_entries_no_update")
        target = raw.execute("SELECT min(id) FROM audit_entries WHERE actor != 'system'")
        target_id = target.fetchone()[0]
        raw.execute(f"UPDATE audit_entries SET actor = 'someone' WHERE id = {target_id}")
    section.verify_button.click()
    qtbot.waitUntil(lambda: "does not verify" in section.outcome.text(), timeout=10_000)
    assert f"Audit entry {target_id}" in section.outcome.text()
    assert section.outcome.property("role") == "error"


def test_export_writes_the_filtered_entries(
    qtbot, ctx: ServiceContext, database: Database, tmp_path: Path
):
    person = _history(ctx, database)
    section = _section(qtbot, ctx)
    qtbot.waitUntil(lambda: section.record_type.count() > 1, timeout=10_000)
    section.record_type.setCurrentIndex(section.record_type.findData("candidate"))
    section.record_id.setText(str(person))
    section.record_id.editingFinished.emit()
    target = tmp_path / "audit.csv"
    section.export_to(target)
    qtbot.waitUntil(lambda: "written to" in section.outcome.text(), timeout=10_000)
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert rows and {(r["record_type"], r["record_id"]) for r in rows} == {
        ("candidate", str(person))
    }


def test_the_section_is_hidden_from_a_role_that_may_not_read_it(
    qtbot, paths, demo_database: Database, demo_ctx: ServiceContext, icons
) -> None:
    from app.bootstrap import Workspace
    from app.services.admin.user_admin import add_user
    from app.services.core.users import ensure_user
    from app.settings import Settings
    from app.ui.main_window import KEYS, MainWindow

    add_user(demo_ctx, "rita.recruiter", None, "recruiter")
    recruiter = ServiceContext(
        demo_database.sessions, ensure_user(demo_database.sessions, "rita.recruiter")
    )
    for services, shown in ((demo_ctx, True), (recruiter, False)):
        workspace = Workspace(paths, demo_database, services, Settings())
        window = MainWindow(workspace, icons)
        qtbot.addWidget(window)
        row = KEYS.index("audit")
        assert window.navigation.item(row).isHidden() is not shown
        window.show_section("audit")
        assert (window.current_section_key() == "audit") is shown
