"""Sequences in the Campaigns section on a real demo database file: the Sequences tab, a
sequence's steps and enrolments under both lists, "Stop for this candidate", and New / Edit
through the sequence editor."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from sqlalchemy import select

from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.engagement.sequences import SequenceStepInput, create_sequence, enroll
from app.services.engagement.templates import TemplateInput, save_template
from app.store.database import Database
from app.store.models import Candidate
from app.ui.dialogs.sequence_editor import SequenceEditorDialog
from app.ui.sections.campaigns import CAMPAIGNS_TAB, SEQUENCES_TAB, CampaignsSection
from tests.support import sqlite_rows


def _templates(ctx: ServiceContext) -> list[int]:
    subject = "{}, {{{{ candidate.first_name }}}}"
    return [
        save_template(ctx, TemplateInput(name, subject.format(name), "Hi.")).value
        for name in ("Hello 1", "Hello 2", "Hello 3")
    ]


def _people(database: Database, count: int) -> list[int]:
    with database.sessions() as session:
        return list(
            session.scalars(
                select(Candidate.id)
                .where(Candidate.do_not_contact.is_(False), Candidate.unsubscribed_at.is_(None))
                .order_by(Candidate.id)
                .limit(count)
            )
        )


def _sequence(ctx: ServiceContext, database: Database, people: int = 4) -> tuple[int, list[int]]:
    first, second, third = _templates(ctx)
    steps = [
        SequenceStepInput(first, 0),
        SequenceStepInput(second, 3),
        SequenceStepInput(third, 10),
    ]
    campaign_id = create_sequence(ctx, "Warm intro", steps).value
    enroll(ctx, campaign_id, _people(database, people))
    return campaign_id, [first, second, third]


def _section(qtbot, ctx: ServiceContext) -> CampaignsSection:
    section = CampaignsSection(ctx)
    qtbot.addWidget(section)
    section.resize(1200, 800)
    section.show()
    qtbot.waitExposed(section)
    return section


def _in_editor(act: Callable[[SequenceEditorDialog], None]) -> None:
    """Act on the modal sequence editor once open; reject it if ``act`` fails."""

    def handle() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SequenceEditorDialog):
            QTimer.singleShot(20, handle)
            return
        try:
            act(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, handle)


def _save(dialog: SequenceEditorDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def _enrolments(database: Database, campaign_id: int) -> dict[int, tuple[str, str | None]]:
    rows = sqlite_rows(
        database.path,
        "SELECT candidate_id, status, stop_reason FROM sequence_enrollments "
        f"WHERE campaign_id={campaign_id}",
    )
    return {candidate: (status, reason) for candidate, status, reason in rows}


def test_sequences_tab_lists_sequences_with_enrolment_counts(qtbot, demo_ctx, demo_database):
    campaign_id, _ = _sequence(demo_ctx, demo_database, people=4)
    section = _section(qtbot, demo_ctx)
    section.tabs.setCurrentIndex(SEQUENCES_TAB)
    panel = section.sequences
    model = panel.model
    assert model.rowCount() == 1
    shown = [model.index(0, c).data() for c in range(6)]
    assert shown == ["Warm intro", "Running", "4", "4", "0", "0"]
    assert panel.select_sequence(campaign_id)
    detail = panel.detail
    steps = [[detail.steps.item(r, c).text() for c in range(3)] for r in range(3)]
    assert steps == [
        ["1", "day 0", "Hello 1"],
        ["2", "day 3", "Hello 2"],
        ["3", "day 10", "Hello 3"],
    ]
    assert detail.model.rowCount() == 4
    assert {detail.model.index(r, 2).data() for r in range(4)} == {"Active"}
    assert detail.model.index(0, 1).data() == "Step 1 of 3"
    assert "4 (4 active)" in detail.people_title.text()


def test_stop_for_this_candidate(qtbot, monkeypatch, demo_ctx, demo_database) -> None:
    campaign_id, _ = _sequence(demo_ctx, demo_database, people=3)
    section = _section(qtbot, demo_ctx)
    published = []
    section.changes_made.connect(published.append)
    section.tabs.setCurrentIndex(CAMPAIGNS_TAB)
    assert section.campaigns.select_campaign(campaign_id)
    detail = section.campaigns.detail
    assert detail.isVisible() and detail.model.rowCount() == 3
    assert not detail.stop_button.isEnabled()
    chosen = detail.model.rows[1]
    detail.enrollments.selectRow(1)
    asked: list[str] = []

    def question(_parent, _title, text, *_a, **_k):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    qtbot.mouseClick(detail.stop_button, Qt.MouseButton.LeftButton)
    assert chosen.candidate_name in asked[0]
    enrolments = _enrolments(demo_database, campaign_id)
    assert enrolments[chosen.candidate_id] == ("stopped", "stopped by user")
    assert [s for s, _r in enrolments.values()].count("active") == 2
    assert detail.model.rows[1].stop_reason == "stopped by user"
    assert detail.model.index(1, 2).data() == "Stopped"
    assert not detail.stop_button.isEnabled()  # still selected, no longer running
    assert published and published[-1].touches(ChangeKind.ENROLLMENTS)


def test_the_detail_follows_the_selection(qtbot, demo_ctx, demo_database) -> None:
    campaign_id, _ = _sequence(demo_ctx, demo_database, people=2)
    section = _section(qtbot, demo_ctx)
    section.tabs.setCurrentIndex(CAMPAIGNS_TAB)
    panel = section.campaigns
    assert panel.select_campaign(campaign_id)
    assert panel.edit_button.isVisible() and panel.detail.isVisible()
    panel.table.clearSelection()
    assert not panel.detail.isVisible() and not panel.edit_button.isVisible()
    assert panel.summary.text() == "Choose a campaign to see its details."


def test_new_sequence_from_the_header(qtbot, demo_ctx, demo_database) -> None:
    first, second, _third = _templates(demo_ctx)
    section = _section(qtbot, demo_ctx)

    def fill(dialog: SequenceEditorDialog) -> None:
        qtbot.keyClicks(dialog.name, "Silver medalists nurture")
        box = dialog.editor.template_box(0)
        box.setCurrentIndex(box.findData(first))
        dialog.editor.add_step(second, 7)
        _save(dialog)

    _in_editor(fill)
    qtbot.mouseClick(section.new_sequence_button, Qt.MouseButton.LeftButton)
    assert section.tabs.currentIndex() == SEQUENCES_TAB
    current = section.sequences.current()
    assert current is not None and current.name == "Silver medalists nurture"
    rows = sqlite_rows(
        demo_database.path,
        "SELECT position, delay_days, template_id FROM sequence_steps "
        f"WHERE campaign_id={current.id} ORDER BY position",
    )
    assert rows == [(0, 0, first), (1, 7, second)]
    assert section.sequences.detail.steps.rowCount() == 2


def test_edit_steps_from_the_sequences_tab(qtbot, demo_ctx, demo_database) -> None:
    campaign_id, (first, second, third) = _sequence(demo_ctx, demo_database, people=2)
    section = _section(qtbot, demo_ctx)
    section.tabs.setCurrentIndex(SEQUENCES_TAB)
    assert section.sequences.select_sequence(campaign_id)

    def drop_last(dialog: SequenceEditorDialog) -> None:
        assert [s.template_id for s in dialog.editor.steps()] == [first, second, third]
        dialog.editor.table.selectRow(2)
        dialog.editor.remove_selected()
        _save(dialog)

    _in_editor(drop_last)
    qtbot.mouseClick(section.sequences.edit_button, Qt.MouseButton.LeftButton)
    rows = sqlite_rows(
        demo_database.path,
        f"SELECT delay_days FROM sequence_steps WHERE campaign_id={campaign_id} ORDER BY position",
    )
    assert rows == [(0,), (3,)]
    assert section.sequences.detail.steps.rowCount() == 2
    assert section.sequences.current_id() == campaign_id


def test_stop_for_a_candidate_needs_a_running_one_selected(
    qtbot, monkeypatch, demo_ctx, demo_database
) -> None:
    campaign_id, _ = _sequence(demo_ctx, demo_database, people=2)
    section = _section(qtbot, demo_ctx)
    notices: list[str] = []
    section.sequences.notice.connect(notices.append)
    section.tabs.setCurrentIndex(SEQUENCES_TAB)
    panel = section.sequences
    detail = panel.detail
    assert panel.current() is None
    assert not panel.edit_button.isEnabled() and not detail.stop_button.isEnabled()
    rect = panel.table.visualRect(panel.model.index(0, 0))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.current_id() == campaign_id and panel.edit_button.isEnabled()
    assert detail.model.rowCount() == 2 and not detail.stop_button.isEnabled()
    people = detail.enrollments
    row = people.visualRect(detail.model.index(0, 0)).center()
    qtbot.mouseClick(people.viewport(), Qt.MouseButton.LeftButton, pos=row)
    assert detail.stop_button.isEnabled()
    qtbot.mouseClick(
        people.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, row
    )
    assert detail.selected_rows() == [] and not detail.stop_button.isEnabled()
    qtbot.mouseClick(people.viewport(), Qt.MouseButton.LeftButton, pos=row)
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(detail.stop_button, Qt.MouseButton.LeftButton)
    assert notices[-1] == "Sequence stopped for 1 candidate."
