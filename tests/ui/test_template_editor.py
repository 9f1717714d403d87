"""The email template editor: merge-field picker, live preview for a recipient, inline errors."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import func, select

from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.engagement.templates import TemplateInput, save_template
from app.store.engagement import EmailTemplate
from app.store.models import AuditEntry, Candidate
from app.ui.dialogs.template_editor import TemplateEditorDialog


def _editor(qtbot, ctx: ServiceContext, template_id: int | None = None) -> TemplateEditorDialog:
    dialog = TemplateEditorDialog(ctx, template_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _save(qtbot, dialog: TemplateEditorDialog) -> None:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _problems(dialog: TemplateEditorDialog) -> list[str]:
    return [dialog.problems.item(i).text() for i in range(dialog.problems.count())]


def _rendered_for(qtbot, dialog: TemplateEditorDialog, text: str) -> None:
    """Wait until the preview shows the current editor text."""
    qtbot.waitUntil(
        lambda: (
            dialog.shown is not None
            and dialog.shown.request == dialog.request()
            and text in dialog.preview_text.toPlainText()
        ),
        timeout=10_000,
    )


def _candidate(ctx: ServiceContext) -> tuple[int, str, str]:
    with ctx.read() as session:
        row = session.execute(
            select(Candidate.id, Candidate.first_name, Candidate.last_name)
            .where(Candidate.current_title.is_not(None))
            .order_by(Candidate.id)
        ).first()
        return row.id, row.first_name, row.last_name


def test_a_new_template_previews_for_a_searched_candidate_and_saves(
    qtbot, demo_ctx: ServiceContext
) -> None:
    candidate_id, first, last = _candidate(demo_ctx)
    dialog = _editor(qtbot, demo_ctx)
    qtbot.keyClicks(dialog.name, "Spring hello")
    qtbot.keyClicks(dialog.subject, "Hello ")
    dialog.fields.insert("candidate.first_name", dialog.subject)
    assert dialog.subject.text() == "Hello {{ candidate.first_name }}"
    dialog.body_text.setFocus()
    qtbot.keyClicks(dialog.body_text, "Dear ")
    qtbot.waitUntil(lambda: dialog.fields.target is dialog.body_text)
    action = next(a for a in dialog.fields.menu.actions() if a.data() == "candidate.full_name")
    action.trigger()  # the picker puts the field where the cursor was
    assert dialog.body_text.toPlainText() == "Dear {{ candidate.full_name }}"
    qtbot.keyClicks(dialog.recipient_search, f"{first} {last}")
    qtbot.waitUntil(lambda: dialog.recipient.findData(candidate_id) >= 0, timeout=10_000)
    dialog.recipient.setCurrentIndex(dialog.recipient.findData(candidate_id))
    _rendered_for(qtbot, dialog, f"Dear {first} {last}")
    assert f"Hello {first}" in dialog.preview_subject.text()
    assert f"{first} {last}" in dialog.preview_html.toPlainText()
    assert dialog.problems_title.text() == "No problems found."
    assert dialog.ops.ran_on("preview") not in (None, threading.main_thread())
    _save(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    with demo_ctx.read() as session:
        saved = session.get(EmailTemplate, dialog.outcome.value)
        audited = session.scalar(
            select(func.count()).where(
                AuditEntry.entity_type == "email_template", AuditEntry.entity_id == saved.id
            )
        )
    assert (saved.name, saved.subject, saved.body_text, saved.body_html) == (
        "Spring hello",
        "Hello {{ candidate.first_name }}",
        "Dear {{ candidate.full_name }}",
        None,
    )
    assert audited >= 1
    assert dialog.all_changes().touches(ChangeKind.EMAIL_TEMPLATES)


def test_an_invalid_template_lists_its_problems_and_is_not_saved(
    qtbot, demo_ctx: ServiceContext
) -> None:
    with demo_ctx.read() as session:
        before = session.scalar(select(func.count()).select_from(EmailTemplate))
    dialog = _editor(qtbot, demo_ctx)
    qtbot.keyClicks(dialog.name, "Broken")
    qtbot.keyClicks(dialog.subject, "Hi {{ candidate.frist_name }}")
    qtbot.keyClicks(dialog.body_text, "Line one")
    qtbot.keyClick(dialog.body_text, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.body_text, "{% if %}")
    qtbot.waitUntil(lambda: len(_problems(dialog)) >= 2, timeout=10_000)
    problems = _problems(dialog)
    assert any("candidate.frist_name" in p and "Subject" in p for p in problems)
    assert any("Text" in p and "line 2" in p for p in problems)
    _save(qtbot, dialog)
    assert dialog.isVisible() and dialog.result() != dialog.DialogCode.Accepted
    assert "candidate.frist_name" in dialog.error_text("subject")
    assert dialog.error_text("body_text")
    with demo_ctx.read() as session:
        assert session.scalar(select(func.count()).select_from(EmailTemplate)) == before
    dialog.subject.setText("Hi {{ candidate.first_name }}")  # messages update as it is fixed
    assert dialog.error_text("subject") == ""


def test_a_value_missing_for_the_previewed_recipient_is_shown_but_does_not_block_saving(
    qtbot, demo_ctx: ServiceContext
) -> None:
    dialog = _editor(qtbot, demo_ctx)
    qtbot.waitUntil(lambda: dialog.recipient.currentData() is not None, timeout=10_000)
    qtbot.keyClicks(dialog.name, "Role pitch")
    qtbot.keyClicks(dialog.subject, "About {{ job.title }}")
    qtbot.keyClicks(dialog.body_text, "Hello")
    qtbot.waitUntil(lambda: any("job.title" in p for p in _problems(dialog)), timeout=10_000)
    assert dialog.preview_text.toPlainText() == ""  # nothing rendered while a value is missing
    title = dialog.job.itemText(1).split(" — ")[0]
    dialog.job.setCurrentIndex(1)
    _rendered_for(qtbot, dialog, "Hello")
    assert title in dialog.preview_subject.text() and _problems(dialog) == []
    _save(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted


def test_editing_an_existing_template_loads_it_and_refuses_a_taken_name(
    qtbot, demo_ctx: ServiceContext
) -> None:
    first = save_template(demo_ctx, TemplateInput("Welcome", "Welcome!", "Hello there")).value
    second = save_template(demo_ctx, TemplateInput("Follow-up", "Again", "Hi")).value
    dialog = _editor(qtbot, demo_ctx, second)
    assert dialog.windowTitle() == "Edit email template"
    assert (dialog.name.text(), dialog.subject.text(), dialog.body_text.toPlainText()) == (
        "Follow-up",
        "Again",
        "Hi",
    )
    dialog.name.setText("welcome")
    _save(qtbot, dialog)
    assert dialog.error_text("name") and dialog.isVisible()
    dialog.name.setText("Follow-up, second try")
    dialog.body_html.setPlainText("<p>Hi <b>{{ candidate.first_name }}</b></p>")
    _save(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.outcome.value == second
    with demo_ctx.read() as session:
        row = session.get(EmailTemplate, second)
        assert row.name == "Follow-up, second try" and row.body_html.startswith("<p>Hi")
        assert session.get(EmailTemplate, first).name == "Welcome"


def test_merged_values_are_escaped_in_the_html_preview(qtbot, demo_ctx: ServiceContext) -> None:
    candidate_id, _first, _last = _candidate(demo_ctx)
    with demo_ctx.sessions() as session, session.begin():
        session.get(Candidate, candidate_id).first_name = "<b>Bold</b>"
    dialog = _editor(qtbot, demo_ctx)
    qtbot.keyClicks(dialog.recipient_search, "Bold")
    qtbot.waitUntil(lambda: dialog.recipient.findData(candidate_id) >= 0, timeout=10_000)
    dialog.recipient.setCurrentIndex(dialog.recipient.findData(candidate_id))
    qtbot.keyClicks(dialog.subject, "Hi")
    dialog.body_html.setPlainText("<p>Hi {{ candidate.first_name }}</p>")
    dialog.body_text.setPlainText("Hi {{ candidate.first_name }}")
    _rendered_for(qtbot, dialog, "Hi <b>Bold</b>")
    # Shown as typed characters, not as bold markup.
    assert "Hi <b>Bold</b>" in dialog.preview_html.toPlainText()
