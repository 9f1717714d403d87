"""The candidate profile dialog: header, preferences, resumes, timeline and quick-add."""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from app.services.candidates.timeline import set_contact_preferences
from app.services.core.changes import ChangeKind, Changes
from app.services.core.names import person_name
from app.store.models import (
    Activity,
    ActivityKind,
    Application,
    AuditEntry,
    Candidate,
    CandidateEmail,
    Consent,
    Document,
)
from app.ui.dialogs.profile import ProfileDialog
from app.ui.main_window import MainWindow
from tests.support import mark_sent


def _candidate(window: MainWindow) -> int:
    """A demo candidate who is in some job's pipeline (and may be contacted)."""
    with window.services.read() as session:
        return session.scalar(
            select(func.min(Application.candidate_id))
            .join(Candidate, Candidate.id == Application.candidate_id)
            .where(Candidate.do_not_contact.is_(False))
        )


def _dialog(window: MainWindow, qtbot, candidate_id: int) -> ProfileDialog:
    dialog = ProfileDialog(
        window.services, candidate_id, window.workspace.paths.documents_dir, window
    )
    qtbot.addWidget(dialog)
    return dialog


def test_profile_shows_header_applications_and_the_do_not_contact_badge(
    window: MainWindow, qtbot
) -> None:
    candidate_id = _candidate(window)
    dialog = _dialog(window, qtbot, candidate_id)
    dialog.show()
    assert dialog.dnc_badge.isHidden()
    with window.services.read() as session:
        candidate = session.get(Candidate, candidate_id)
        name, title = person_name(candidate), candidate.current_title
        jobs = [a.job.title for a in candidate.applications]
    assert dialog.name_label.text() == name == dialog.windowTitle()
    if title:
        assert title in dialog.role_label.text()
    assert "Owner:" in dialog.meta_label.text() or "No owner" in dialog.meta_label.text()
    assert all(job in dialog.browser.toPlainText() for job in jobs)
    set_contact_preferences(window.services, candidate_id, True, Consent.UNKNOWN)
    flagged = _dialog(window, qtbot, candidate_id)
    flagged.show()
    assert flagged.dnc_badge.isVisible() and flagged.dnc_badge.text() == "Do not contact"
    assert flagged.do_not_contact.isChecked()


def test_adding_a_note_appends_it_to_the_timeline_and_the_database(
    window: MainWindow, qtbot
) -> None:
    candidate_id = _candidate(window)
    dialog = _dialog(window, qtbot, candidate_id)
    before = dialog.timeline.count()
    dialog.note_edit.setPlainText("Prefers a hybrid role.")
    qtbot.mouseClick(dialog.add_note_button, Qt.MouseButton.LeftButton)
    assert dialog.timeline.count() == before + 1
    assert "note: Prefers a hybrid role." in dialog.timeline.item(0).text()
    assert dialog.note_edit.toPlainText() == ""
    dialog.note_edit.setPlainText("Second thought.")
    qtbot.keyClick(dialog.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "Second thought." in dialog.timeline.item(0).text()
    dialog.note_edit.setPlainText("Talked about salary.")
    dialog.call_outcome.setCurrentText("Connected")
    qtbot.mouseClick(dialog.log_call_button, Qt.MouseButton.LeftButton)
    assert "call: Call: Connected — Talked about salary." in dialog.timeline.item(0).text()
    with window.services.read() as session:
        rows = session.execute(
            select(Activity.kind, Activity.body)
            .where(Activity.candidate_id == candidate_id)
            .order_by(Activity.id.desc())
            .limit(3)
        ).all()
    assert [tuple(r) for r in rows] == [
        (ActivityKind.CALL, "Talked about salary."),
        (ActivityKind.NOTE, "Second thought."),
        (ActivityKind.NOTE, "Prefers a hybrid role."),
    ]
    assert dialog.all_changes().ids == {ChangeKind.CANDIDATES: frozenset({candidate_id})}


def test_an_empty_note_is_refused_with_a_message(window: MainWindow, qtbot) -> None:
    dialog = _dialog(window, qtbot, _candidate(window))
    before = dialog.timeline.count()
    qtbot.mouseClick(dialog.add_note_button, Qt.MouseButton.LeftButton)
    assert dialog.timeline.count() == before
    assert "required" in dialog.error_label.text() and not dialog.error_label.isHidden()
    assert dialog.all_changes() == Changes()


def test_editing_consent_and_do_not_contact_saves_them(window: MainWindow, qtbot) -> None:
    candidate_id = _candidate(window)
    dialog = _dialog(window, qtbot, candidate_id)
    dialog.show()
    dialog.consent.setCurrentIndex(dialog.consent.findData(Consent.GRANTED.value))
    dialog.do_not_contact.setChecked(True)
    with window.services.read() as session:
        candidate = session.get(Candidate, candidate_id)
        assert candidate.consent is Consent.GRANTED and candidate.do_not_contact
        assert candidate.consent_at is not None
        actions = session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.entity_type == "candidate", AuditEntry.entity_id == candidate_id
            )
        ).all()
    assert actions.count("candidate.contact_preferences") == 2
    assert dialog.dnc_badge.isVisible() and dialog.consent_at.text() != "—"
    assert dialog.all_changes().touches(ChangeKind.CANDIDATES)


def test_open_original_targets_the_stored_file(window: MainWindow, qtbot) -> None:
    candidate_id = _candidate(window)
    documents = window.workspace.paths.documents_dir
    with window.services.sessions() as session, session.begin():
        for n, name in enumerate(("cv-2024.pdf", "cv-2026.pdf")):
            stored = f"ab/{n:064d}.pdf"
            (documents / "ab").mkdir(parents=True, exist_ok=True)
            (documents / stored).write_bytes(b"%PDF-1.4")
            session.add(
                Document(
                    candidate_id=candidate_id,
                    sha256=f"{n:064d}",
                    original_name=name,
                    media_type="application/pdf",
                    size_bytes=8,
                    stored_path=stored,
                    created_at=dt.datetime(2026, 1 + n, 1, tzinfo=dt.UTC),
                )
            )
    dialog = _dialog(window, qtbot, candidate_id)
    opened: list[QUrl] = []
    dialog.open_url = lambda url: opened.append(url) or True  # type: ignore[method-assign]
    assert dialog.resumes.count() == 2
    assert dialog.resumes.item(0).text().startswith("cv-2026.pdf")  # newest first
    assert dialog.open_button.isEnabled()
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert [url.toLocalFile() for url in opened] == [str(documents / f"ab/{1:064d}.pdf")]
    dialog.resumes.setCurrentRow(1)
    (documents / f"ab/{0:064d}.pdf").unlink()
    dialog.open_original()
    assert len(opened) == 1 and "no longer" in dialog.error_label.text()


def test_window_publishes_what_the_profile_changed(window: MainWindow, qtbot) -> None:
    candidate_id = _candidate(window)
    published: list[Changes] = []
    window.events.changed.connect(lambda changes, _origin: published.append(changes))

    def add_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ProfileDialog):
            QTimer.singleShot(20, add_and_close)
            return
        dialog.note_edit.setPlainText("Met at the meetup.")
        dialog.add_note()
        dialog.reject()

    QTimer.singleShot(20, add_and_close)
    window.open_profile(candidate_id)
    assert any(c.ids.get(ChangeKind.CANDIDATES) == frozenset({candidate_id}) for c in published)


# ---- email: compose, log a reply, unsubscribe ------------------------------------------------
def _when_modal(kind: type, act) -> None:
    """Once a modal ``kind`` is up (a dialog the profile opens), let ``act`` drive it."""

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if not isinstance(widget, kind):
            QTimer.singleShot(20, poll)
            return
        act(widget)

    QTimer.singleShot(0, poll)


def _emailable(window: MainWindow) -> int:
    """A demo candidate with an email address who may be emailed."""
    with window.services.read() as session:
        return session.scalar(
            select(func.min(Candidate.id)).where(
                Candidate.do_not_contact.is_(False),
                Candidate.consent != Consent.WITHDRAWN,
                Candidate.id.in_(select(CandidateEmail.candidate_id)),
            )
        )


def _mail_account(window: MainWindow) -> None:
    from app.services.engagement.mail_settings import AccountInput, save_account

    save_account(
        window.services,
        AccountInput(host="localhost", port=1025, security="none", from_address="r@agency.example"),
    )


def _sequence_with(window: MainWindow, candidate_id: int) -> int:
    from app.services.engagement.sequences import SequenceStepInput, create_sequence, enroll
    from app.services.engagement.templates import TemplateInput, save_template

    template = save_template(window.services, TemplateInput("Nudge", "Hi", "Hello")).value
    campaign = create_sequence(window.services, "Nudges", [SequenceStepInput(template, 3)]).value
    enroll(window.services, campaign, [candidate_id])
    return campaign


def _enrolment(window: MainWindow, candidate_id: int) -> tuple[str, str | None]:
    from app.store.engagement import SequenceEnrollment

    with window.services.read() as session:
        row = session.scalars(
            select(SequenceEnrollment).where(SequenceEnrollment.candidate_id == candidate_id)
        ).one()
        return str(row.status), row.stop_reason


def test_email_opens_the_compose_dialog_for_this_candidate_and_queues_it(
    window: MainWindow, qtbot
) -> None:
    from app.store.engagement import OutboxMessage
    from app.ui.dialogs.compose import ComposeDialog

    _mail_account(window)
    candidate_id = _emailable(window)
    woken: list[bool] = []
    dialog = ProfileDialog(
        window.services, candidate_id, parent=window, wake=lambda: woken.append(True)
    )
    qtbot.addWidget(dialog)
    assert dialog.email_button.isEnabled()
    seen: list[ComposeDialog] = []

    def write_and_send(compose: ComposeDialog) -> None:
        seen.append(compose)
        compose.subject.setText("Coffee next week, {{ candidate.first_name }}?")
        qtbot.waitUntil(lambda: compose.plan is not None and compose.plan.can_send)
        compose.send_button.click()

    _when_modal(ComposeDialog, write_and_send)
    qtbot.mouseClick(dialog.email_button, Qt.MouseButton.LeftButton)
    assert seen and seen[0].candidate_ids == [candidate_id]
    assert seen[0].audience_label == dialog.profile.name
    with window.services.read() as session:
        message = session.scalars(
            select(OutboxMessage).where(OutboxMessage.candidate_id == candidate_id)
        ).one()
    assert message.subject.startswith("Coffee next week, ")
    assert woken == [True]
    assert dialog.all_changes().touches(ChangeKind.OUTBOX)


def test_email_is_disabled_for_a_do_not_contact_candidate(window: MainWindow, qtbot) -> None:
    candidate_id = _emailable(window)
    set_contact_preferences(window.services, candidate_id, True, Consent.UNKNOWN)
    dialog = _dialog(window, qtbot, candidate_id)
    assert not dialog.email_button.isEnabled()
    assert "do not contact" in dialog.email_button.toolTip().lower()
    assert "Not emailed" in dialog.email_status.text()


def test_logging_a_reply_puts_it_on_the_timeline_and_stops_sequences(
    window: MainWindow, qtbot
) -> None:
    from app.ui.dialogs.profile import LogReplyDialog

    candidate_id = _emailable(window)
    _sequence_with(window, candidate_id)
    dialog = _dialog(window, qtbot, candidate_id)
    refused: list[str] = []

    def empty_then_filled(reply: LogReplyDialog) -> None:
        reply.accept()  # nothing pasted yet: refused with a message, dialog stays
        refused.append(reply.error_text("body"))
        reply.subject.setText("Re: Nudge")
        reply.body.setPlainText("Thanks, I'm happy where I am for now.")
        reply.accept()

    _when_modal(LogReplyDialog, empty_then_filled)
    qtbot.mouseClick(dialog.reply_button, Qt.MouseButton.LeftButton)
    assert refused == ["Paste the reply's text."]
    with window.services.read() as session:
        activity = session.scalars(
            select(Activity)
            .where(Activity.candidate_id == candidate_id, Activity.kind == ActivityKind.EMAIL)
            .order_by(Activity.id.desc())
        ).first()
    assert (activity.direction, activity.subject) == ("in", "Re: Nudge")
    assert "happy where I am" in dialog.timeline.item(0).text()
    assert _enrolment(window, candidate_id) == ("stopped", "replied")
    assert dialog.all_changes().touches(ChangeKind.CANDIDATES)


def test_unsubscribing_asks_first_then_stops_sequences_and_cancels_waiting_mail(
    window: MainWindow, qtbot
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from app.mail.render import TemplateSource
    from app.services.engagement.campaigns import send_one
    from app.store.engagement import MessageState, OutboxMessage

    _mail_account(window)
    candidate_id = _emailable(window)
    _sequence_with(window, candidate_id)
    queued = send_one(window.services, candidate_id, TemplateSource("Hi", "Hello")).value
    dialog = _dialog(window, qtbot, candidate_id)
    assert dialog.unsubscribe_button.text() == "Unsubscribe"

    _when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.No).click())
    qtbot.mouseClick(dialog.unsubscribe_button, Qt.MouseButton.LeftButton)
    with window.services.read() as session:
        assert session.get(Candidate, candidate_id).unsubscribed_at is None  # declined

    _when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    qtbot.mouseClick(dialog.unsubscribe_button, Qt.MouseButton.LeftButton)
    with window.services.read() as session:
        assert session.get(Candidate, candidate_id).unsubscribed_at is not None
        assert session.get(OutboxMessage, queued).state is MessageState.CANCELLED
    assert _enrolment(window, candidate_id) == ("stopped", "unsubscribed")
    assert "Stopped 1 sequence and cancelled 1 waiting email" in dialog.email_status.text()
    assert dialog.all_changes().touches(ChangeKind.CANDIDATES, ChangeKind.OUTBOX)


def test_the_unsubscribed_badge_shows_and_resubscribe_undoes_it(window: MainWindow, qtbot) -> None:
    from PySide6.QtWidgets import QMessageBox

    from app.services.engagement.optout import unsubscribe

    candidate_id = _emailable(window)
    unsubscribe(window.services, candidate_id)
    dialog = _dialog(window, qtbot, candidate_id)
    dialog.show()
    assert dialog.unsubscribed_badge.isVisible()
    assert "Unsubscribed from email on" in dialog.email_status.text()
    assert not dialog.email_button.isEnabled()
    assert dialog.unsubscribe_button.text() == "Resubscribe"
    _when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    qtbot.mouseClick(dialog.unsubscribe_button, Qt.MouseButton.LeftButton)
    with window.services.read() as session:
        assert session.get(Candidate, candidate_id).unsubscribed_at is None
    assert dialog.unsubscribed_badge.isHidden() and dialog.email_button.isEnabled()
    assert dialog.unsubscribe_button.text() == "Unsubscribe"


def test_the_timeline_tells_sent_emails_from_logged_replies(window: MainWindow, qtbot) -> None:
    from app.services.engagement.optout import log_reply

    candidate_id = _emailable(window)
    now = dt.datetime.now(dt.UTC)
    with window.services.sessions() as session, session.begin():
        session.add(
            Activity(
                candidate_id=candidate_id,
                kind=ActivityKind.EMAIL,
                direction="out",
                subject="Checking in",
                body="Hi!",
                occurred_at=now - dt.timedelta(hours=1),
            )
        )
    log_reply(window.services, candidate_id, "Re: Checking in", "Still looking.")
    dialog = _dialog(window, qtbot, candidate_id)
    lines = [dialog.timeline.item(i).text() for i in range(2)]
    assert "reply ↙: Re: Checking in — Still looking." in lines[0]
    assert "email sent ↗: Checking in — Hi!" in lines[1]


def test_campaign_emails_show_on_the_timeline_until_and_after_they_are_sent(
    window: MainWindow, qtbot
) -> None:
    from app.mail.render import TemplateSource
    from app.services.engagement.campaigns import send_one, send_to_candidates

    candidate_id = _emailable(window)
    now = dt.datetime.now(dt.UTC)
    queued = send_one(window.services, candidate_id, TemplateSource("Coffee?", "Hi")).value
    send_to_candidates(
        window.services,
        [candidate_id],
        TemplateSource("Newsletter", "News"),
        name="May newsletter",
        scheduled_at=now + dt.timedelta(days=2),
    )
    dialog = _dialog(window, qtbot, candidate_id)
    lines = [dialog.timeline.item(i).text() for i in range(dialog.timeline.count())]
    assert "email scheduled: Newsletter  (campaign “May newsletter”)" in lines[0]
    assert any("email queued: Coffee?  (one-off email “Email to" in line for line in lines)
    mark_sent(window.services, queued)
    dialog.reload()
    lines = [dialog.timeline.item(i).text() for i in range(dialog.timeline.count())]
    assert not any("email queued: Coffee?" in line for line in lines)
    sent = [line for line in lines if "email sent ↗: Coffee? — Hi" in line]
    assert len(sent) == 1 and "(one-off email “Email to" in sent[0]


# ---- the record: pools, summary, edit and delete buttons ----------------------------------------
def _pool_texts(dialog: ProfileDialog) -> list[str]:
    return [dialog.pools.item(i).text() for i in range(dialog.pools.count())]


def test_the_pools_box_lists_every_pool_and_removes_from_a_static_one(
    window: MainWindow, qtbot
) -> None:
    from app.services.candidates.pools import add_members
    from app.store.models import PoolMembership
    from tests.support import create_pool, create_smart_pool

    with window.services.read() as session:  # someone in no stored pool yet
        candidate_id = session.scalar(
            select(func.min(Candidate.id)).where(
                Candidate.id.not_in(select(PoolMembership.candidate_id))
            )
        )
        last_name = session.get(Candidate, candidate_id).last_name
    dialog = _dialog(window, qtbot, candidate_id)
    builtin = [text for text in _pool_texts(dialog) if text.endswith("· computed")]
    assert _pool_texts(dialog) == (builtin or ["In no talent pool"])
    pool = create_pool(window.services, "Quiet achievers").value
    add_members(window.services, pool, [candidate_id])
    create_smart_pool(window.services, f"Named {last_name}", f"name:{last_name}")
    dialog.reload()
    texts = _pool_texts(dialog)
    assert texts[:2] == ["Quiet achievers", f"Named {last_name} · smart"]
    assert dialog.pools.currentRow() == 0 and dialog.remove_pool_button.isEnabled()
    assert dialog.pools.item(0).toolTip().startswith("Added on ")
    dialog.pools.setCurrentRow(1)
    assert not dialog.remove_pool_button.isEnabled()  # a smart pool follows the record
    dialog.pools.setCurrentRow(0)
    qtbot.mouseClick(dialog.remove_pool_button, Qt.MouseButton.LeftButton)
    assert _pool_texts(dialog) == texts[1:]
    with window.services.read() as session:
        assert session.get(PoolMembership, (pool, candidate_id)) is None
    assert dialog.all_changes().touches(ChangeKind.POOLS)


def test_open_pool_shows_it_in_talent_pools(window: MainWindow, qtbot) -> None:
    from app.services.candidates.pools import add_members
    from tests.support import create_pool

    candidate_id = _candidate(window)
    pool = create_pool(window.services, "Open me").value
    add_members(window.services, pool, [candidate_id])

    def open_it() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ProfileDialog):
            QTimer.singleShot(20, open_it)
            return
        row = _pool_texts(dialog).index("Open me")
        item = dialog.pools.item(row)
        dialog.pools.setCurrentItem(item)
        qtbot.mouseClick(dialog.open_pool_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, open_it)
    window.open_profile(candidate_id)
    assert window.current_section_key() == "talent_pools"
    assert window.section("talent_pools").current_pool_id() == pool


def test_the_summary_and_the_record_buttons_show(window: MainWindow, qtbot) -> None:
    from app.services.candidates.edit import read_values, update_candidate

    candidate_id = _candidate(window)
    with window.services.read() as session:
        now = read_values(session, candidate_id)
    update_candidate(
        window.services,
        candidate_id,
        dataclasses.replace(now, summary="Builds <data> pipelines.\nMentors juniors."),
        now,
    )
    dialog = _dialog(window, qtbot, candidate_id)
    text = dialog.browser.toPlainText()
    assert "Summary" in text and "Builds <data> pipelines.\nMentors juniors." in text
    assert dialog.edit_button.text() == "Edit…" and dialog.delete_button.text() == "Delete…"


def test_a_long_note_wraps_inside_the_timeline(window: MainWindow, qtbot) -> None:
    candidate_id = _candidate(window)
    dialog = _dialog(window, qtbot, candidate_id)
    dialog.resize(900, 700)
    dialog.show()
    qtbot.waitExposed(dialog)
    long_note = "Discussed relocation, salary bands and start dates at length. " * 6
    dialog.note_edit.setPlainText(long_note)
    qtbot.mouseClick(dialog.add_note_button, Qt.MouseButton.LeftButton)
    timeline = dialog.timeline
    qtbot.wait(50)
    rect = timeline.visualItemRect(timeline.item(0))
    line = timeline.fontMetrics().lineSpacing()
    assert rect.height() >= 2 * line  # several lines, not one running off the edge
    assert rect.width() <= timeline.width()
    assert not timeline.horizontalScrollBar().isVisible()


def test_a_finished_task_reads_as_task_done_on_the_timeline(window: MainWindow, qtbot) -> None:
    import datetime as dt

    from app.services.pipeline.tasks import TaskInput, complete_task, create_task

    candidate_id = _candidate(window)
    task = create_task(
        window.services, TaskInput("Send the offer", dt.date.today(), candidate_id=candidate_id)
    ).value
    complete_task(window.services, task)
    dialog = _dialog(window, qtbot, candidate_id)
    lines = [dialog.timeline.item(row).text() for row in range(dialog.timeline.count())]
    assert any("· task done: Send the offer" in line for line in lines), lines[:3]


def test_the_profile_opens_within_the_screen_with_its_records_in_tabs(
    window: MainWindow, qtbot
) -> None:
    dialog = ProfileDialog(window.services, 1, None, window)
    qtbot.addWidget(dialog)
    room = window.screen().availableGeometry()
    smallest = dialog.minimumSizeHint()
    assert smallest.height() <= 700 and smallest.width() <= 1024  # a 1024 × 700 screen
    assert dialog.height() <= max(room.height() - 60, smallest.height())
    assert dialog.width() <= max(room.width() - 40, smallest.width())
    tabs = [dialog.tabs.tabText(n) for n in range(dialog.tabs.count())]
    assert tabs == ["Profile", "Interviews", "Submittals", "Offers"]
