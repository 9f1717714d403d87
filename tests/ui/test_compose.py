"""The compose dialog: the send plan (skips and blocking problems), preview, send and schedule."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from PySide6.QtCore import QDateTime, Qt, QUrl
from sqlalchemy import delete, func, select

from app.services.candidates.timeline import set_contact_preferences
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.names import person_name
from app.services.engagement.mail_settings import AccountInput, save_account
from app.services.engagement.optout import unsubscribe
from app.services.engagement.templates import TemplateInput, save_template
from app.store.database import Database
from app.store.engagement import Campaign, CampaignKind, MailAccount, MessageState, OutboxMessage
from app.store.models import Candidate, CandidateEmail, Consent, Job, JobStatus
from app.ui.dialogs.compose import ComposeDialog
from app.ui.mail_widgets import PreviewBrowser

AUDIENCE = "Pool: Engineering talent"


@pytest.fixture
def mail_ready(demo_ctx: ServiceContext) -> ServiceContext:
    """The demo database with a mail account (a local relay) and two templates."""
    save_account(
        demo_ctx,
        AccountInput(
            host="localhost",
            port=1025,
            security="none",
            from_name="Brightpath Recruiting",
            from_address="recruiting@brightpath.example",
            signature="The Brightpath team",
        ),
    )
    save_template(
        demo_ctx,
        TemplateInput(
            "Test check-in",
            "Check-in, {{ candidate.first_name }}",
            "Hi {{ candidate.first_name }},\n\nStill happy in your role?",
        ),
    )
    save_template(
        demo_ctx,
        TemplateInput("Test role pitch", "{{ job.title }}", "Hi {{ candidate.first_name }}"),
    )
    return demo_ctx


def _emailable(ctx: ServiceContext, count: int) -> list[int]:
    with ctx.read() as session:
        return list(
            session.scalars(
                select(Candidate.id)
                .where(
                    Candidate.do_not_contact.is_(False),
                    Candidate.unsubscribed_at.is_(None),
                    Candidate.consent != Consent.WITHDRAWN,
                    Candidate.id.in_(select(CandidateEmail.candidate_id)),
                )
                .order_by(Candidate.id)
                .limit(count)
            )
        )


def _open_job(ctx: ServiceContext) -> tuple[int, str]:
    with ctx.read() as session:
        job = session.scalars(
            select(Job).where(Job.status == JobStatus.OPEN).order_by(Job.id)
        ).first()
        return job.id, job.title


def _outbox_count(ctx: ServiceContext) -> int:
    with ctx.read() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage))


def _dialog(qtbot, ctx: ServiceContext, ids: list[int], **kwargs) -> ComposeDialog:
    dialog = ComposeDialog(ctx, ids, kwargs.pop("audience", AUDIENCE), **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _planned(qtbot, dialog: ComposeDialog) -> None:
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10_000)


def _choose(combo, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"{text!r} not offered"
    combo.setCurrentIndex(index)


def test_bulk_send_shows_skips_then_queues_one_campaign_and_wakes_the_dispatcher(
    qtbot, mail_ready: ServiceContext
) -> None:
    ctx = mail_ready
    ids = _emailable(ctx, 8)
    dnc, unsubscribed, no_email = ids[5], ids[6], ids[7]
    set_contact_preferences(ctx, dnc, True, Consent.UNKNOWN)
    unsubscribe(ctx, unsubscribed)
    with ctx.sessions() as session, session.begin():
        session.execute(delete(CandidateEmail).where(CandidateEmail.candidate_id == no_email))
    woken: list[bool] = []
    published = []
    dialog = _dialog(qtbot, ctx, ids, wake=lambda: woken.append(True))
    dialog.changes_made.connect(published.append)
    _choose(dialog.template, "Test check-in")
    _planned(qtbot, dialog)
    assert dialog.plan_label.text() == (
        "Will send to 5 · skipped: 1 do-not-contact, 1 unsubscribed, 1 without an email"
    )
    assert dialog.problems.isHidden()
    assert dialog.send_button.isEnabled() and dialog.send_button.text() == "Send 5 emails"
    assert dialog.ops.ran_on("plan") not in (None, threading.main_thread())
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=10_000)
    assert woken == [True]
    assert dialog.ops.ran_on("send") not in (None, threading.main_thread())
    assert published and published[0].touches(ChangeKind.OUTBOX, ChangeKind.CAMPAIGNS)
    with ctx.read() as session:
        campaign = session.get(Campaign, dialog.outcome.value)
        messages = session.scalars(
            select(OutboxMessage).where(OutboxMessage.campaign_id == campaign.id)
        ).all()
    assert campaign.kind is CampaignKind.BULK and campaign.audience == AUDIENCE
    assert campaign.template_id is not None  # sent as the template, unchanged
    assert campaign.name == f"Test check-in — {AUDIENCE}"
    assert sorted(m.candidate_id for m in messages) == sorted(ids[:5])
    assert all(m.state is MessageState.QUEUED for m in messages)
    assert "Queued 5 emails" in dialog.notice


def test_a_missing_merge_value_blocks_the_send_until_a_job_is_chosen(
    qtbot, mail_ready: ServiceContext
) -> None:
    ctx = mail_ready
    ids = _emailable(ctx, 3)
    before = _outbox_count(ctx)
    dialog = _dialog(qtbot, ctx, ids)
    _choose(dialog.template, "Test role pitch")
    _planned(qtbot, dialog)
    problems = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    # Said once, not per recipient, and pointing at the Job selector, which is marked.
    assert problems == ["The email uses “Job: title”, but no job is chosen: choose a job above."]
    assert dialog.job.property("invalid") is True and "choose the job" in dialog.job.toolTip()
    assert dialog.problems.isVisible() and not dialog.send_button.isEnabled()
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert _outbox_count(ctx) == before  # nothing queued while blocked
    job_id, title = _open_job(ctx)
    dialog.job.setCurrentIndex(dialog.job.findData(job_id))
    assert dialog.plan is None and not dialog.send_button.isEnabled()  # stale until re-planned
    _planned(qtbot, dialog)
    assert dialog.problems.isHidden() and dialog.send_button.isEnabled()
    assert dialog.job.property("invalid") is False and dialog.job.toolTip() == ""
    qtbot.waitUntil(lambda: dialog.preview_result is not None, timeout=10_000)
    assert title in dialog.preview_subject.text()


def _problems(dialog: ComposeDialog) -> list[str]:
    return [dialog.problems.item(i).text() for i in range(dialog.problems.count())]


def test_no_subject_or_text_is_said_inline_and_send_stays_disabled(
    qtbot, mail_ready: ServiceContext
) -> None:
    ctx = mail_ready
    ids = _emailable(ctx, 6)
    before = _outbox_count(ctx)
    dialog = _dialog(qtbot, ctx, ids)
    assert dialog.subject.text() == ""  # a one-off email starts with a greeting, no subject
    assert dialog.subject_error.isVisible()
    assert dialog.subject_error.text() == "Write a subject: an email cannot go out without one."
    assert dialog.subject.property("invalid") is True
    _planned(qtbot, dialog)
    assert dialog.plan_label.text() == "Will send to 6 · nobody skipped"
    assert _problems(dialog) == [] and dialog.problems.isHidden()  # said under the field
    assert not dialog.send_button.isEnabled()
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    dialog.send()  # even asked directly (Enter in a field), nothing is queued
    assert not dialog.ops.busy("send") and _outbox_count(ctx) == before
    qtbot.keyClicks(dialog.subject, "Catching up")
    assert dialog.subject_error.isHidden() and dialog.subject.property("invalid") is False
    _planned(qtbot, dialog)
    assert dialog.send_button.isEnabled()
    dialog.body_text.selectAll()
    qtbot.keyClick(dialog.body_text, Qt.Key.Key_Delete)
    assert dialog.body_error.isVisible() and not dialog.send_button.isEnabled()
    assert dialog.body_error.text() == "Write the email's text: it cannot go out empty."
    _planned(qtbot, dialog)
    assert not dialog.send_button.isEnabled() and _outbox_count(ctx) == before


def test_a_subject_that_merges_to_nothing_is_listed_for_that_recipient(
    qtbot, mail_ready: ServiceContext
) -> None:
    ctx = mail_ready
    ids = _emailable(ctx, 2)
    with ctx.sessions() as session, session.begin():
        first, second = (session.get(Candidate, i) for i in ids)
        first.current_title, second.current_title = "Analyst", None
        name = " ".join(p for p in (second.first_name, second.middle_name, second.last_name) if p)
    dialog = _dialog(qtbot, ctx, ids)
    qtbot.keyClicks(dialog.subject, '{{ candidate.current_title | default("") }}')
    _planned(qtbot, dialog)
    assert _problems(dialog) == [f"{name}: the subject is empty once merged"]
    assert dialog.subject_error.isHidden() and not dialog.send_button.isEnabled()


def test_an_unknown_field_typed_in_a_one_off_email_is_listed_and_blocks(
    qtbot, mail_ready: ServiceContext
) -> None:
    dialog = _dialog(qtbot, mail_ready, _emailable(mail_ready, 2))
    assert dialog.template.currentData() is None  # a one-off email by default
    qtbot.keyClicks(dialog.subject, "Hello {{ candidate.frist_name }}")
    assert dialog.plan is None  # typing makes the plan stale at once
    _planned(qtbot, dialog)
    problems = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert any("candidate.frist_name" in line for line in problems)
    assert not dialog.send_button.isEnabled()
    dialog.subject.clear()
    qtbot.keyClicks(dialog.subject, "Hello {{ candidate.first_name }}")
    _planned(qtbot, dialog)
    assert dialog.plan.problems == [] and dialog.send_button.isEnabled()


def test_editing_a_template_sends_a_one_off_copy(qtbot, mail_ready: ServiceContext) -> None:
    dialog = _dialog(qtbot, mail_ready, _emailable(mail_ready, 2))
    _choose(dialog.template, "Test check-in")
    assert dialog.template_id() is not None and "Sent as the template" in (
        dialog.template_note.text()
    )
    dialog.body_text.moveCursor(dialog.body_text.textCursor().MoveOperation.End)
    qtbot.keyClicks(dialog.body_text, " Call me.")
    assert dialog.template_id() is None and "one-off copy" in dialog.template_note.text()
    qtbot.keyClicks(dialog.campaign_name, "  Spring   outreach ")
    _planned(qtbot, dialog)
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=10_000)
    with mail_ready.read() as session:
        campaign = session.get(Campaign, dialog.outcome.value)
        bodies = session.scalars(
            select(OutboxMessage.body_text).where(OutboxMessage.campaign_id == campaign.id)
        ).all()
    assert campaign.template_id is None and campaign.name == "Spring outreach"
    assert len(bodies) == 2 and all("Call me." in body for body in bodies)


def test_a_scheduled_send_waits_until_the_chosen_local_time(
    qtbot, mail_ready: ServiceContext
) -> None:
    ids = _emailable(mail_ready, 2)
    dialog = _dialog(qtbot, mail_ready, ids)
    _choose(dialog.template, "Test check-in")
    dialog.schedule.setChecked(True)
    assert dialog.when.isEnabled()
    chosen = QDateTime.currentDateTime().addDays(2)
    dialog.when.setDateTime(chosen)
    expected = dt.datetime.fromtimestamp(chosen.toSecsSinceEpoch(), tz=dt.UTC)
    _planned(qtbot, dialog)
    assert dialog.send_button.text() == "Schedule 2 emails"
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=10_000)
    with mail_ready.read() as session:
        campaign = session.get(Campaign, dialog.outcome.value)
        due = session.scalars(
            select(OutboxMessage.next_attempt_at).where(OutboxMessage.campaign_id == campaign.id)
        ).all()
    as_utc = [d.replace(tzinfo=dt.UTC) if d.tzinfo is None else d for d in due]
    assert as_utc == [expected, expected]
    assert campaign.scheduled_at is not None
    assert "Scheduled 2 emails" in dialog.notice


def test_one_candidate_gets_a_one_off_email_with_a_preview_for_them(
    qtbot, mail_ready: ServiceContext
) -> None:
    candidate_id = _emailable(mail_ready, 1)[0]
    with mail_ready.read() as session:
        candidate = session.get(Candidate, candidate_id)
        first_name, name = candidate.first_name, person_name(candidate)
    dialog = _dialog(qtbot, mail_ready, [candidate_id], audience=name)
    assert dialog.campaign_name.isHidden()  # a one-off email has no campaign name to give
    _choose(dialog.template, "Test check-in")
    _planned(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.preview_result is not None, timeout=10_000)
    assert first_name in dialog.preview_text.toPlainText()
    assert first_name in dialog.preview_html.toPlainText()
    assert dialog.recipient.currentData() == candidate_id
    assert dialog.send_button.text() == "Send 1 email"
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=10_000)
    with mail_ready.read() as session:
        message = session.get(OutboxMessage, dialog.outcome.value)
        campaign = session.get(Campaign, message.campaign_id)
    assert message.candidate_id == candidate_id and message.state is MessageState.QUEUED
    assert campaign.kind is CampaignKind.ONE_OFF
    assert message.subject == f"Check-in, {first_name}"


def test_without_a_mail_account_the_dialog_says_so_and_points_to_settings(
    qtbot, mail_ready: ServiceContext
) -> None:
    with mail_ready.sessions() as session, session.begin():
        session.execute(delete(MailAccount))
    dialog = _dialog(qtbot, mail_ready, _emailable(mail_ready, 2))
    assert dialog.account_hint.isVisible()
    _choose(dialog.template, "Test check-in")
    _planned(qtbot, dialog)
    requested: list[bool] = []
    dialog.settings_requested.connect(lambda: requested.append(True))
    qtbot.mouseClick(dialog.settings_button, Qt.MouseButton.LeftButton)
    assert requested == [True] and not dialog.isVisible()


def test_the_preview_loads_no_remote_or_local_images(qtbot, demo_database: Database) -> None:
    browser = PreviewBrowser(logo=None)
    qtbot.addWidget(browser)
    browser.set_email_html(
        '<p>Hi</p><img src="https://tracker.example/pixel.gif">'
        '<img src="file:///etc/hostname"><img src="cid:agency-logo">'
    )
    browser.show()
    qtbot.waitExposed(browser)
    assert "https://tracker.example/pixel.gif" in browser.refused
    assert "file:///etc/hostname" in browser.refused


def test_the_preview_shows_the_agency_logo_it_carries_inline(qtbot) -> None:
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QColor, QImage

    image = QImage(4, 4, QImage.Format.Format_RGB32)
    image.fill(QColor("#0f766e"))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    browser = PreviewBrowser(logo=bytes(buffer.data()))
    qtbot.addWidget(browser)
    browser.set_email_html('<img src="cid:agency-logo"><img src="http://x.example/a.png">')
    browser.show()
    qtbot.waitExposed(browser)
    logo = browser.loadResource(2, QUrl("cid:agency-logo"))
    assert isinstance(logo, QImage) and logo.pixelColor(0, 0) == QColor("#0f766e")
    assert browser.refused == ["http://x.example/a.png"]
