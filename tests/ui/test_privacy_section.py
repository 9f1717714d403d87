"""The Privacy section: rules made in its form, a scan listing people (off the GUI thread),
Keep 6 months, and Erase… only once confirmed."""

from __future__ import annotations

import datetime as dt
import threading

from app.services.candidates.records import CandidateInput, create_candidate
from app.services.core.context import ServiceContext
from app.store.database import Database
from app.ui.sections.privacy import PrivacySection
from tests.support import raw_connect, sqlite_rows


def _old_person(ctx: ServiceContext, database: Database, first: str) -> int:
    person = create_candidate(ctx, CandidateInput(first, "Oldfield")).value
    when = (dt.datetime.now(dt.UTC) - dt.timedelta(days=900)).strftime("%Y-%m-%d %H:%M:%S.%f")
    with raw_connect(database.path) as raw:
        raw.execute("UPDATE candidates SET updated_at = ? WHERE id = ?", (when, person))
    return person


def _section(qtbot, ctx: ServiceContext) -> PrivacySection:
    section = PrivacySection(ctx)
    qtbot.addWidget(section)
    section.resize(900, 600)
    section.show()
    qtbot.waitUntil(lambda: "rule" in section.header.subtitle.text(), timeout=10_000)
    return section


def test_a_rule_a_scan_and_keep(qtbot, ctx: ServiceContext, database: Database) -> None:
    person = _old_person(ctx, database, "Olga")
    section = _section(qtbot, ctx)
    section.tabs.setCurrentIndex(1)
    section.rule_name.setText("Inactive two years")
    section.rule_kind.setCurrentIndex(section.rule_kind.findData("inactive"))
    section.rule_days.setValue(730)
    section.save_rule_button.click()
    qtbot.waitUntil(lambda: section.rules_table.rowCount() == 1, timeout=10_000)
    section.scan_button.click()
    qtbot.waitUntil(lambda: section.queue_table.rowCount() == 1, timeout=10_000)
    assert section.ops.ran_on("scan") is not threading.main_thread()
    assert section.queue_table.item(0, 0).text() == "Olga Oldfield"
    section.queue_table.selectRow(0)
    section.keep_button.click()
    qtbot.waitUntil(lambda: section.queue_table.rowCount() == 0, timeout=10_000)
    [(status, until)] = sqlite_rows(
        database.path,
        f"SELECT status, keep_until FROM retention_reviews WHERE candidate_id={person}",
    )
    assert status == "kept" and until > dt.date.today().isoformat()


def test_erase_asks_first(qtbot, ctx: ServiceContext, database: Database, monkeypatch) -> None:
    person = _old_person(ctx, database, "Otto")
    from app.services.candidates.retention import save_rule, scan

    save_rule(ctx, "Inactive two years", "inactive", 730)
    scan(ctx)
    section = _section(qtbot, ctx)
    qtbot.waitUntil(lambda: section.queue_table.rowCount() == 1, timeout=10_000)
    section.queue_table.selectRow(0)
    answers = iter([False, True])
    monkeypatch.setattr(PrivacySection, "confirm_erase", lambda _self, _count: next(answers))
    section.erase_button.click()  # declined
    assert sqlite_rows(database.path, f"SELECT first_name FROM candidates WHERE id={person}") == [
        ("Otto",)
    ]
    section.erase_button.click()
    qtbot.waitUntil(lambda: section.queue_table.rowCount() == 0, timeout=15_000)
    assert sqlite_rows(database.path, f"SELECT first_name FROM candidates WHERE id={person}") == [
        ("Erased",)
    ]
