"""The Templates tab of the Campaigns section on a real demo database file: the list, New and
Edit through the template editor, Archive and Restore."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox
from sqlalchemy import select

from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import ServiceContext
from app.services.engagement.templates import TemplateInput, save_template
from app.store.database import Database
from app.store.engagement import EmailTemplate
from app.ui.campaigns.templates import TemplatesPanel
from app.ui.dialogs.template_editor import TemplateEditorDialog


def _template(ctx: ServiceContext, name: str, subject: str = "Hello {{ candidate.first_name }}"):
    body = "Hi {{ candidate.first_name }},\n\nA short note.\n"
    return save_template(ctx, TemplateInput(name, subject, body)).value


def _stored(database: Database) -> dict[str, EmailTemplate]:
    with database.sessions() as session:
        return {row.name: row for row in session.scalars(select(EmailTemplate))}


def _panel(qtbot, ctx: ServiceContext) -> TemplatesPanel:
    panel = TemplatesPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def _names(panel: TemplatesPanel) -> list[str]:
    model = panel.model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def _row_of(panel: TemplatesPanel, name: str) -> int:
    return _names(panel).index(name)


def _in_dialog(
    act: Callable[[TemplateEditorDialog], None], seen: list[QDialog], tries: int = 100
) -> None:
    """Act on the modal template editor once it is open (looking for up to 2 s); reject it
    if ``act`` fails, so a broken test ends instead of waiting on a dialog nobody closes."""

    def handle(left: int = tries) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, TemplateEditorDialog):
            if left:
                QTimer.singleShot(20, lambda: handle(left - 1))
            return
        seen.append(dialog)
        try:
            act(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, handle)


def _save(dialog: QDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()  # type: ignore[attr-defined]


def test_list_shows_templates_by_name_with_subject_and_update(qtbot, demo_ctx) -> None:
    before = {row for row in _names(_panel(qtbot, demo_ctx))}
    _template(demo_ctx, "Zz follow-up", "Following up, {{ candidate.first_name }}")
    _template(demo_ctx, "Aa first touch")
    panel = _panel(qtbot, demo_ctx)
    names = _names(panel)
    assert set(names) == before | {"Zz follow-up", "Aa first touch"}
    assert names == sorted(names, key=str.casefold)
    row = _row_of(panel, "Zz follow-up")
    assert panel.model.index(row, 1).data() == "Following up, {{ candidate.first_name }}"
    assert panel.model.index(row, 2).data()[:2] == "20"  # a local date and time
    assert panel.model.index(row, 3).data() == ""
    assert not panel.edit_button.isEnabled() and not panel.archive_button.isEnabled()


def test_archive_hides_the_template_and_show_archived_restores_it(
    qtbot, demo_ctx, demo_database
) -> None:
    _template(demo_ctx, "Old announcement")
    panel = _panel(qtbot, demo_ctx)
    emitted: list[Changes] = []
    panel.changes_made.connect(emitted.append)
    panel.table.selectRow(_row_of(panel, "Old announcement"))
    assert panel.archive_button.isEnabled() and panel.archive_button.text() == "Archive"
    qtbot.mouseClick(panel.archive_button, Qt.MouseButton.LeftButton)
    assert _stored(demo_database)["Old announcement"].archived is True
    assert "Old announcement" not in _names(panel)
    assert emitted and emitted[-1].touches(ChangeKind.EMAIL_TEMPLATES)

    panel.show_archived.setChecked(True)
    row = _row_of(panel, "Old announcement")
    assert panel.model.index(row, 3).data() == "Archived"
    panel.table.selectRow(row)
    assert panel.archive_button.text() == "Restore"
    qtbot.mouseClick(panel.archive_button, Qt.MouseButton.LeftButton)
    assert _stored(demo_database)["Old announcement"].archived is False
    panel.show_archived.setChecked(False)
    assert "Old announcement" in _names(panel)


def test_new_template_through_the_editor_is_saved_listed_and_selected(
    qtbot, demo_ctx, demo_database
) -> None:
    panel = _panel(qtbot, demo_ctx)
    emitted: list[Changes] = []
    panel.changes_made.connect(emitted.append)
    seen: list[QDialog] = []

    def fill(dialog: TemplateEditorDialog) -> None:
        qtbot.keyClicks(dialog.name, "Spring newsletter")
        qtbot.keyClicks(dialog.subject, "News for {{ candidate.first_name }}")
        dialog.body_text.setPlainText("Hi {{ candidate.first_name }},\n\nOur spring roles.")
        _save(dialog)

    _in_dialog(fill, seen)
    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    assert seen and seen[0].result() == QDialog.DialogCode.Accepted
    stored = _stored(demo_database)["Spring newsletter"]
    assert stored.subject == "News for {{ candidate.first_name }}"
    assert panel.current() is not None and panel.current().name == "Spring newsletter"
    assert emitted and stored.id in emitted[-1].ids[ChangeKind.EMAIL_TEMPLATES]


def test_edit_opens_the_selected_template_and_an_invalid_one_is_refused(
    qtbot, demo_ctx, demo_database
) -> None:
    _template(demo_ctx, "Interview follow-up")
    panel = _panel(qtbot, demo_ctx)
    panel.table.selectRow(_row_of(panel, "Interview follow-up"))
    seen: list[QDialog] = []
    errors: list[str] = []

    def change(dialog: TemplateEditorDialog) -> None:
        assert dialog.name.text() == "Interview follow-up"
        dialog.subject.setText("Thanks {{ candidate.frist_name }}")  # a typo: refused
        _save(dialog)
        errors.append(dialog.error_text("subject"))
        assert dialog.isVisible()
        dialog.subject.setText("Thanks for coming in, {{ candidate.first_name }}")
        _save(dialog)

    _in_dialog(change, seen)
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    assert "frist_name" in errors[0]
    assert seen[0].result() == QDialog.DialogCode.Accepted
    stored = _stored(demo_database)["Interview follow-up"]
    assert stored.subject == "Thanks for coming in, {{ candidate.first_name }}"
    row = _row_of(panel, "Interview follow-up")
    assert panel.model.index(row, 1).data() == stored.subject


def test_cancelled_editor_changes_nothing(qtbot, demo_ctx, demo_database) -> None:
    panel = _panel(qtbot, demo_ctx)
    before = {name: row.subject for name, row in _stored(demo_database).items()}
    emitted: list[Changes] = []
    panel.changes_made.connect(emitted.append)
    seen: list[QDialog] = []

    def type_then_cancel(dialog: TemplateEditorDialog) -> None:
        qtbot.keyClicks(dialog.name, "Never saved")
        dialog.reject()

    _in_dialog(type_then_cancel, seen)
    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    assert seen and seen[0].result() == QDialog.DialogCode.Rejected
    assert {name: row.subject for name, row in _stored(demo_database).items()} == before
    assert not emitted
