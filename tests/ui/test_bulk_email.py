"""Bulk "Email…" and "Add to sequence…" from the Candidates view, a search and a talent pool."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from sqlalchemy import select

from app.services.candidates.pools import PAST_APPLICANTS
from app.services.candidates.timeline import set_contact_preferences
from app.services.core.changes import ChangeKind, Changes
from app.services.engagement.mail_settings import AccountInput, save_account
from app.services.engagement.sequences import SequenceStepInput, create_sequence
from app.services.engagement.templates import TemplateInput, save_template
from app.store.engagement import Campaign, OutboxMessage, SequenceEnrollment
from app.store.models import Candidate, CandidateEmail, Consent
from app.ui.dialogs.compose import ComposeDialog
from app.ui.dialogs.enroll import EnrollDialog
from app.ui.main_window import MainWindow
from app.ui.sections.candidates import CandidatesSection


def _when_modal(kind: type, act: Callable) -> None:
    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if not isinstance(widget, kind):
            QTimer.singleShot(20, poll)
            return
        act(widget)

    QTimer.singleShot(0, poll)


def _mail_ready(window: MainWindow) -> int:
    save_account(
        window.services,
        AccountInput(host="localhost", port=1025, security="none", from_address="r@a.example"),
    )
    return save_template(
        window.services, TemplateInput("Test check-in", "Hello", "Hi {{ candidate.first_name }}")
    ).value


def _candidates(window: MainWindow) -> CandidatesSection:
    window.show_section("candidates")
    return window.section("candidates")  # type: ignore[return-value]


def _select_rows(section: CandidatesSection, rows: range) -> list[int]:
    model, selection = section.model, QItemSelection()
    for row in rows:
        selection.select(model.index(row, 0), model.index(row, model.columnCount() - 1))
    section.table.selectionModel().select(
        selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
    )
    return section.selected_ids()


def _send_with_template(qtbot, seen: list[ComposeDialog]) -> Callable[[ComposeDialog], None]:
    def act(compose: ComposeDialog) -> None:
        seen.append(compose)
        compose.template.setCurrentIndex(compose.template.findText("Test check-in"))
        qtbot.waitUntil(lambda: compose.plan is not None, timeout=10_000)
        compose.send_button.click()

    return act


def _contactable(window: MainWindow, ids: list[int]) -> set[int]:
    """Of ``ids``, who may be emailed: not do-not-contact, consent not withdrawn, not
    unsubscribed, with an address."""
    with window.services.read() as session:
        return set(
            session.scalars(
                select(Candidate.id).where(
                    Candidate.id.in_(ids),
                    Candidate.do_not_contact.is_(False),
                    Candidate.consent != Consent.WITHDRAWN,
                    Candidate.unsubscribed_at.is_(None),
                    Candidate.id.in_(select(CandidateEmail.candidate_id)),
                )
            )
        )


def _do_not_contact(window: MainWindow, ids: list[int]) -> set[int]:
    with window.services.read() as session:
        return set(
            session.scalars(
                select(Candidate.id).where(
                    Candidate.id.in_(ids), Candidate.do_not_contact.is_(True)
                )
            )
        )


def test_email_from_the_candidates_list_queues_a_campaign_for_the_selection(
    window: MainWindow, qtbot
) -> None:
    template_id = _mail_ready(window)
    section = _candidates(window)
    bulk = section.bulk
    _select_rows(section, range(0))
    assert not bulk.email_action.isEnabled() and not bulk.sequence_action.isEnabled()
    chosen = _select_rows(section, range(12))
    set_contact_preferences(window.services, chosen[3], True, Consent.UNKNOWN)
    assert bulk.email_action.isEnabled() and bulk.sequence_action.isEnabled()
    menu_texts = [action.text() for action in bulk.menu(section).actions()]
    assert "Email…" in menu_texts and "Add to sequence…" in menu_texts
    woken: list[bool] = []
    bulk.wake = lambda: woken.append(True)
    published: list[Changes] = []
    window.events.changed.connect(lambda changes, _origin: published.append(changes))
    seen: list[ComposeDialog] = []
    _when_modal(ComposeDialog, _send_with_template(qtbot, seen))
    bulk.email_action.trigger()

    compose = seen[0]
    assert compose.audience_label == "Candidates list"
    assert compose.candidate_ids == chosen
    skipped = _do_not_contact(window, chosen)
    with window.services.read() as session:
        campaign = session.get(Campaign, compose.outcome.value)
        recipients = set(
            session.scalars(
                select(OutboxMessage.candidate_id).where(OutboxMessage.campaign_id == campaign.id)
            )
        )
    assert campaign.audience == "Candidates list" and campaign.template_id == template_id
    assert recipients == _contactable(window, chosen)
    assert skipped and not recipients & skipped
    assert woken == [True]
    assert any(changes.touches(ChangeKind.OUTBOX) for changes in published)
    assert window.statusBar().currentMessage().startswith(f"Queued {len(recipients)} email")


def test_add_to_sequence_from_a_search_result_names_the_search(window: MainWindow, qtbot) -> None:
    template_id = _mail_ready(window)
    sequence = create_sequence(
        window.services, "Warm intro", [SequenceStepInput(template_id, 0)]
    ).value
    section = _candidates(window)
    section.search.setText("python")
    section.apply_search()
    qtbot.waitUntil(lambda: not section.loading, timeout=10_000)  # searched in the background
    assert section.model.searching and section.model.rowCount() > 0
    chosen = _select_rows(section, range(min(5, section.model.rowCount())))
    seen: list[EnrollDialog] = []

    def enrol(dialog: EnrollDialog) -> None:
        seen.append(dialog)
        dialog.enroll_button.click()
        qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=10_000)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Close).click()

    _when_modal(EnrollDialog, enrol)
    section.bulk.sequence_action.trigger()
    assert seen[0].audience_label == "Search: python"
    with window.services.read() as session:
        enrolled = set(
            session.scalars(
                select(SequenceEnrollment.candidate_id).where(
                    SequenceEnrollment.campaign_id == sequence
                )
            )
        )
    assert enrolled and enrolled == _contactable(window, chosen)
    assert window.statusBar().currentMessage() == seen[0].notice


def test_email_from_a_talent_pool_uses_the_pool_as_the_audience(window: MainWindow, qtbot) -> None:
    _mail_ready(window)
    window.show_section("talent_pools")
    section = window.section("talent_pools")
    assert section.select_pool(PAST_APPLICANTS)
    # Built-in pools find their members on a worker thread.
    qtbot.waitUntil(lambda: section.members.model().rowCount() > 0, timeout=5000)
    section.members.selectRow(0)
    chosen = section.selected_ids()
    assert len(chosen) == 1
    seen: list[ComposeDialog] = []

    def cancel(compose: ComposeDialog) -> None:
        seen.append(compose)
        compose.reject()

    _when_modal(ComposeDialog, cancel)
    section.bulk.email_action.trigger()
    assert seen[0].audience_label == "Pool: Past applicants"
    assert seen[0].candidate_ids == chosen
    with window.services.read() as session:
        assert session.scalars(select(Campaign)).first() is None  # cancelled: nothing queued


def test_a_bulk_email_without_a_subject_cannot_be_sent_to_the_selection(
    window: MainWindow, qtbot
) -> None:
    from PySide6.QtCore import Qt

    _mail_ready(window)
    section = _candidates(window)
    chosen = _select_rows(section, range(6))
    seen: list[ComposeDialog] = []

    def try_to_send(compose: ComposeDialog) -> None:
        seen.append(compose)
        try:
            qtbot.keyClicks(compose.body_text, "Some news about roles.")
            qtbot.waitUntil(lambda: compose.plan is not None, timeout=10_000)
            assert len(compose.plan.recipients) > 0
            assert compose.subject_error.isVisible() and not compose.send_button.isEnabled()
            qtbot.mouseClick(compose.send_button, Qt.MouseButton.LeftButton)
            qtbot.keyClick(compose.campaign_name, Qt.Key.Key_Return)  # Enter asks to send
            assert compose.outcome is None and not compose.ops.busy("send")
        finally:
            compose.reject()

    _when_modal(ComposeDialog, try_to_send)
    section.bulk.email_action.trigger()
    assert seen and seen[0].candidate_ids == chosen
    with window.services.read() as session:
        assert session.scalars(select(Campaign)).first() is None
        assert session.scalars(select(OutboxMessage)).first() is None
