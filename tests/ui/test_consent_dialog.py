"""Consent records from the profile: the history, recording an answer (the profile's consent
box follows it), and the emailed request — off the GUI thread."""

from __future__ import annotations

import threading

from app.services.candidates.records import CandidateInput, create_candidate
from app.services.core.context import ServiceContext
from app.store.database import Database
from app.ui.dialogs.consent_dialog import ConsentDialog
from tests.services.engagement.test_campaigns import configure_mail
from tests.support import sqlite_rows


def test_record_and_request(qtbot, ctx: ServiceContext, database: Database) -> None:
    configure_mail(ctx)
    person = create_candidate(ctx, CandidateInput("Ada", "Lovelace", email="ada@example.org"))
    dialog = ConsentDialog(ctx, person.value)
    qtbot.addWidget(dialog)
    dialog.show()
    heard = []
    dialog.changes_made.connect(heard.append)
    dialog.source.setText("application form")
    dialog.record_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    assert dialog.ops.ran_on("record") is not threading.main_thread()
    assert dialog.table.item(0, 1).text() == "Granted"
    assert dialog.table.item(0, 3).text() == "application form"
    assert dialog.table.item(0, 4).text()  # lapses in two years by default
    dialog.request_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10_000)
    assert dialog.table.item(0, 1).text() == "Requested"
    assert "outbox" in dialog.message.text()
    assert heard
    assert sqlite_rows(database.path, "SELECT consent FROM candidates") == [("granted",)]
    assert sqlite_rows(database.path, "SELECT count(*) FROM outbox_messages") == [(1,)]


def test_a_refusal_is_said_in_the_dialog(qtbot, ctx: ServiceContext) -> None:
    person = create_candidate(ctx, CandidateInput("Ada", "Lovelace"))  # no email, no account
    dialog = ConsentDialog(ctx, person.value)
    qtbot.addWidget(dialog)
    dialog.request_button.click()
    qtbot.waitUntil(lambda: bool(dialog.message.text()), timeout=10_000)
    assert dialog.message.property("role") == "error"
