"""New job / client / candidate dialogs: invalid input is refused inline, valid input saved."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel
from sqlalchemy import func, select

from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.store.models import AuditEntry, Candidate, Client, Job
from app.ui.dialogs.duplicates import MergeDialog
from app.ui.dialogs.new_candidate import NewCandidateDialog
from app.ui.dialogs.new_client import NewClientDialog
from app.ui.dialogs.new_job import NewJobDialog
from app.ui.main_window import MainWindow


def _count(ctx: ServiceContext, model: type) -> int:
    with ctx.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def _save(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_new_job_refuses_invalid_input(qtbot, demo_ctx: ServiceContext) -> None:
    dialog = NewJobDialog(demo_ctx)
    qtbot.addWidget(dialog)
    before = _count(demo_ctx, Job)
    _save(dialog)  # no client, no title
    assert dialog.error_text("client_id")
    assert dialog.error_text("title") == "Job title is required."
    assert dialog.field("title").property("invalid") is True
    assert dialog.result() == 0
    dialog.client.setCurrentIndex(1)
    qtbot.keyClicks(dialog.title_edit, "   ")  # blank is still blank
    dialog.openings.setValue(0)
    _save(dialog)
    assert dialog.error_text("title")
    assert "between 1 and" in dialog.error_text("openings")
    assert not dialog.error_text("client_id")  # fixed, so its message is gone
    assert _count(demo_ctx, Job) == before


def test_new_job_messages_update_while_typing(qtbot, demo_ctx: ServiceContext) -> None:
    dialog = NewJobDialog(demo_ctx)
    qtbot.addWidget(dialog)
    _save(dialog)
    assert dialog.error_text("title")
    qtbot.keyClicks(dialog.title_edit, "Payroll Lead")
    assert dialog.error_text("title") == ""
    assert dialog.field("title").property("invalid") is False


def test_new_job_saves_valid_input(qtbot, demo_ctx: ServiceContext) -> None:
    dialog = NewJobDialog(demo_ctx)
    qtbot.addWidget(dialog)
    before = _count(demo_ctx, Job)
    dialog.client.setCurrentIndex(2)
    client_id = dialog.client.currentData()
    qtbot.keyClicks(dialog.title_edit, "Payroll Lead")
    qtbot.keyClicks(dialog.location, "Remote")
    dialog.openings.setValue(2)
    _save(dialog)
    assert dialog.result() == NewJobDialog.DialogCode.Accepted
    assert _count(demo_ctx, Job) == before + 1
    job_id = dialog.outcome.value
    assert dialog.outcome.changes.ids[ChangeKind.JOBS] == frozenset({job_id})
    with demo_ctx.read() as session:
        job = session.get(Job, job_id)
        assert (job.title, job.client_id, job.openings, job.location) == (
            "Payroll Lead",
            client_id,
            2,
            "Remote",
        )
        assert [stage.name for stage in job.stages][:2] == ["Applied", "Screened"]
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "job.create")).all()
        assert [entry.entity_id for entry in audit] == [job_id]


def test_new_client_rejects_duplicates_inline(qtbot, demo_ctx: ServiceContext) -> None:
    with demo_ctx.read() as session:
        existing = session.scalar(select(Client.name).limit(1))
    dialog = NewClientDialog(demo_ctx)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, existing.upper())
    qtbot.keyClicks(dialog.website, "not a url")
    _save(dialog)
    assert "web address" in dialog.error_text("website")
    dialog.website.clear()
    _save(dialog)
    assert dialog.error_text("name") == "A client with this name already exists."
    assert dialog.result() == 0


def test_new_candidate_validates_email_and_saves(qtbot, demo_ctx: ServiceContext) -> None:
    before = _count(demo_ctx, Candidate)
    dialog = NewCandidateDialog(demo_ctx)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.first_name, "Ada")
    qtbot.keyClicks(dialog.last_name, "Lovelace")
    qtbot.keyClicks(dialog.email, "ada@")
    _save(dialog)
    assert "valid email" in dialog.error_text("email")
    assert _count(demo_ctx, Candidate) == before
    qtbot.keyClicks(dialog.email, "analytical.example")
    _save(dialog)
    assert dialog.result() == NewCandidateDialog.DialogCode.Accepted
    assert _count(demo_ctx, Candidate) == before + 1


def test_window_publishes_changes_and_reloads(window: MainWindow, qtbot) -> None:
    section = window.section("jobs")
    section.status_filter.setCurrentIndex(0)
    rows_before = section.table.model().rowCount()

    def fill_and_save() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, NewJobDialog):  # not shown yet: look again shortly
            QTimer.singleShot(20, fill_and_save)
            return
        dialog.client.setCurrentIndex(1)
        qtbot.keyClicks(dialog.title_edit, "Night Auditor")
        _save(dialog)

    QTimer.singleShot(50, fill_and_save)
    window.new_job()
    assert section.table.model().rowCount() == rows_before + 1
    titles = {section.table.model().index(r, 0).data() for r in range(rows_before + 1)}
    assert "Night Auditor" in titles
    qtbot.waitUntil(lambda: "13 jobs" in window.status_counts.text())
    assert window.statusBar().currentMessage() == "Job created."


def test_typing_starts_in_the_first_field_and_space_never_saves(
    qtbot, demo_ctx: ServiceContext
) -> None:
    dialog = NewClientDialog(demo_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.name
    before = _count(demo_ctx, Client)
    qtbot.keyClicks(dialog.focusWidget(), "Acme Works")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Space)
    assert dialog.name.text() == "Acme Works "
    assert dialog.isVisible() and _count(demo_ctx, Client) == before


def test_focus_stays_put_while_a_refused_form_is_corrected(qtbot, demo_ctx: ServiceContext) -> None:
    """After a refused save, messages update as you type, but the cursor is never moved:
    keystrokes meant for Phone must not land in Website."""
    dialog = NewClientDialog(demo_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.website.setText("not a website")
    _save(dialog)  # refused: no name, bad website; the first invalid field gets focus
    assert dialog.focusWidget() is dialog.name
    dialog.phone.setFocus()
    qtbot.waitUntil(dialog.phone.hasFocus)
    qtbot.keyClicks(dialog.phone, "+1 512 555")
    assert dialog.phone.hasFocus()
    assert dialog.phone.text() == "+1 512 555"
    assert dialog.website.text() == "not a website"


def test_quick_add_opens_in_the_profile_url(qtbot, demo_ctx: ServiceContext) -> None:
    from app.ui.dialogs.quick_add import QuickAddDialog

    dialog = QuickAddDialog(demo_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.url


def test_merge_dialog_names_both_candidates_in_full(qtbot, ctx: ServiceContext) -> None:
    with ctx.write() as tx:
        kept = Candidate(first_name="Maria", middle_name="José", last_name="Diaz")
        merged = Candidate(first_name="Maria", last_name="Diaz")
        tx.session.add_all([kept, merged])
        tx.session.flush()
        ids = kept.id, merged.id
    dialog = MergeDialog(ctx, *ids)
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert any(text.startswith("Maria Diaz will be merged into Maria José Diaz:") for text in texts)
