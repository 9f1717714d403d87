"""The Campaigns section on a real demo database file: the outbox with its counts per state,
lazy loading and actions (retry, cancel, the decision about "unknown" messages), the
dispatcher's problems, throttled reloads, and the campaigns list with Pause / Resume / Stop."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from app.mail.render import TemplateSource
from app.mail.secrets import PasswordStore
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.engagement import outbox
from app.services.engagement.campaigns import send_to_candidates
from app.services.engagement.mail_settings import AccountInput, save_account
from app.services.engagement.templates import TemplateInput, save_template
from app.store.database import Database
from app.store.models import Activity, ActivityKind, Candidate
from app.ui.campaigns.outbox import PAGE_SIZE, UNKNOWN_EXPLAINED
from app.ui.mail_runtime import MailRuntime
from app.ui.sections.campaigns import (
    CAMPAIGNS_TAB,
    OUTBOX_TAB,
    TEMPLATES_TAB,
    CampaignsSection,
)
from tests.support import claim_next, mark_failed, mark_sent, sqlite_rows

TEMPLATE = TemplateSource(
    subject="News for {{ candidate.first_name | default('you') }}",
    body_text="Hi {{ candidate.first_name | default('there') }},\n\nA few new roles.\n",
)
REFUSED = "550 5.1.1 <nobody@example.com>: Recipient address rejected"


class FakeDispatcher:
    """Stands in for the SMTP dispatcher thread: records what the runtime asks of it."""

    made: list[FakeDispatcher] = []

    def __init__(self, **arguments: Any):
        self.arguments = arguments
        self.wakes = 0
        self.started = False
        FakeDispatcher.made.append(self)

    def start(self) -> None:
        self.started = True

    def wake(self) -> None:
        self.wakes += 1

    def stop(self, timeout: float) -> None:
        self.started = False


@pytest.fixture
def runtime(qtbot, demo_ctx: ServiceContext):
    FakeDispatcher.made.clear()
    mail = MailRuntime(demo_ctx, PasswordStore(backend=None), dispatcher_factory=FakeDispatcher)
    yield mail
    mail.stop()


def _configure(ctx: ServiceContext) -> None:
    save_account(
        ctx,
        AccountInput(
            host="127.0.0.1",
            port=2525,
            security="none",
            from_name="Brightpath Recruiting",
            from_address="team@brightpath.example",
            rate_per_minute=0,
        ),
    )


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


def _campaign(ctx: ServiceContext, database: Database, count: int, name: str = "Spring") -> int:
    _configure(ctx)
    return send_to_candidates(
        ctx, _people(database, count), TEMPLATE, name=name, audience="Pool: Engineering talent"
    ).value


def _claimed(ctx: ServiceContext) -> int:
    claimed = claim_next(ctx, dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
    assert claimed is not None
    return claimed.id


def _settle(ctx: ServiceContext, *, sent=0, failed=0, unknown=0) -> dict[str, list[int]]:
    """Take messages through the dispatcher's own service calls, as a send would."""
    ids: dict[str, list[int]] = {"sent": [], "failed": [], "unknown": []}
    for _ in range(sent):
        ids["sent"].append(message := _claimed(ctx))
        mark_sent(ctx, message)
    for _ in range(failed):
        ids["failed"].append(message := _claimed(ctx))
        mark_failed(ctx, message, REFUSED)
    for _ in range(unknown):
        ids["unknown"].append(_claimed(ctx))
    if unknown:
        outbox.recover_interrupted(ctx)  # the app stopped while these were being sent
    return ids


def _states(database: Database) -> dict[str, int]:
    rows = sqlite_rows(database.path, "SELECT state, count(*) FROM outbox_messages GROUP BY 1")
    return {str(state): number for state, number in rows}


def _section(qtbot, ctx: ServiceContext, runtime: Any = None) -> CampaignsSection:
    section = CampaignsSection(ctx, None, runtime)
    qtbot.addWidget(section)
    section.resize(1200, 800)
    section.show()
    qtbot.waitExposed(section)
    return section


def _select(section: CampaignsSection, ids: list[int]) -> None:
    table, model = section.outbox.table, section.outbox.model
    table.clearSelection()
    selection = table.selectionModel()
    for row, message in enumerate(model.rows):
        if message.id in ids:
            selection.select(
                model.index(row, 0), selection.SelectionFlag.Select | selection.SelectionFlag.Rows
            )


def _answer_yes(monkeypatch, asked: list[str]) -> None:
    def question(_parent, _title, text, *_args, **_kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)


def _click(qtbot, button) -> None:
    assert button.isEnabled(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


# ---- outbox ------------------------------------------------------------------------------------


def test_outbox_counts_every_state_and_the_chips_filter(qtbot, demo_ctx, demo_database) -> None:
    _campaign(demo_ctx, demo_database, 30)
    ids = _settle(demo_ctx, sent=3, failed=2, unknown=1)
    queued = [message.id for message in outbox.list_messages(demo_ctx, ["queued"])]
    outbox.cancel(demo_ctx, queued[:4])
    section = _section(qtbot, demo_ctx)
    truth = _states(demo_database)
    assert truth == {"queued": 20, "sent": 3, "failed": 2, "unknown": 1, "cancelled": 4}
    chips = section.outbox.chips
    assert chips["all"].text() == "All  30"
    assert chips["queued"].text() == "Queued  20"
    assert chips["sending"].text() == "Sending  0"
    assert chips["sent"].text() == "Sent  3"
    assert chips["failed"].text() == "Failed  2"
    assert chips["cancelled"].text() == "Cancelled  4"
    assert chips["unknown"].text() == "⚠ Unknown — check  1"
    assert section.tabs.tabText(OUTBOX_TAB) == "Outbox (1 to check)"
    assert "3 sent" in section.header.subtitle.text()

    _click(qtbot, chips["failed"])
    model = section.outbox.model
    assert sorted(model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(2)) == sorted(
        ids["failed"]
    )
    assert model.rowCount() == 2
    assert {model.index(r, 2).data() for r in range(2)} == {"Failed"}
    assert model.index(0, 6).data() == REFUSED  # the server's own reply
    assert model.index(0, 0).data().endswith(">")  # "Name <address>"

    _click(qtbot, chips["unknown"])
    assert model.rowCount() == 1 and model.index(0, 2).data() == "Unknown — check"
    assert section.outbox.explanation.isVisible()
    assert section.outbox.explanation.text() == UNKNOWN_EXPLAINED
    _click(qtbot, chips["sent"])
    assert model.rowCount() == 3 and all(model.index(r, 5).data() for r in range(3))
    assert not section.outbox.explanation.isVisible()


def test_outbox_loads_page_by_page(qtbot, demo_ctx, demo_database) -> None:
    _campaign(demo_ctx, demo_database, 450)
    queued = _states(demo_database)["queued"]
    assert queued > 2 * PAGE_SIZE
    section = _section(qtbot, demo_ctx)
    model = section.outbox.model
    assert model.rowCount() == PAGE_SIZE and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 2 * PAGE_SIZE
    while model.canFetchMore():
        model.fetchMore()
    shown = [model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(model.rowCount())]
    assert len(shown) == len(set(shown)) == queued
    section.outbox.reload()  # a reload keeps what was loaded, so the view keeps its place
    assert model.rowCount() == queued


def test_retry_failed_and_cancel_queued(qtbot, monkeypatch, demo_ctx, demo_database, runtime):
    _campaign(demo_ctx, demo_database, 8)
    ids = _settle(demo_ctx, sent=1, failed=2)
    section = _section(qtbot, demo_ctx, runtime)
    panel = section.outbox
    published: list[Any] = []
    section.changes_made.connect(published.append)

    _select(section, ids["sent"])
    assert not panel.retry_button.isEnabled() and not panel.cancel_button.isEnabled()
    _select(section, ids["failed"])
    assert panel.retry_button.isEnabled() and panel.cancel_button.isEnabled()
    assert not panel.arrived_button.isEnabled() and not panel.again_button.isEnabled()
    _click(qtbot, panel.retry_button)
    rows = sqlite_rows(
        demo_database.path,
        f"SELECT state, attempts FROM outbox_messages WHERE id IN {tuple(ids['failed'])}",
    )
    assert rows == [("queued", 0), ("queued", 0)]
    assert published and published[-1].touches(ChangeKind.OUTBOX)
    assert panel.chips["failed"].text() == "Failed  0"
    assert FakeDispatcher.made and FakeDispatcher.made[-1].started  # woken: it started

    asked: list[str] = []
    _answer_yes(monkeypatch, asked)
    queued = [m.id for m in outbox.list_messages(demo_ctx, ["queued"])][:3]
    _select(section, queued)
    _click(qtbot, panel.cancel_button)
    assert asked == ["Cancel 3 messages? They will not be sent."]
    rows = sqlite_rows(
        demo_database.path,
        f"SELECT state, last_error FROM outbox_messages WHERE id IN {tuple(queued)}",
    )
    assert rows == [("cancelled", "Cancelled by the user.")] * 3
    assert panel.chips["cancelled"].text() == "Cancelled  3"


def test_cancel_asks_first_and_no_changes_nothing(qtbot, monkeypatch, demo_ctx, demo_database):
    _campaign(demo_ctx, demo_database, 3)
    section = _section(qtbot, demo_ctx)
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.No)
    _select(section, [m.id for m in section.outbox.model.rows])
    _click(qtbot, section.outbox.cancel_button)
    assert _states(demo_database) == {"queued": 3}


def test_unknown_messages_are_decided_by_the_user(
    qtbot, monkeypatch, demo_ctx, demo_database, runtime
) -> None:
    _campaign(demo_ctx, demo_database, 5)
    ids = _settle(demo_ctx, sent=1, unknown=2)
    arrived, again = ids["unknown"]
    section = _section(qtbot, demo_ctx, runtime)
    panel = section.outbox
    _click(qtbot, panel.chips["unknown"])
    assert panel.model.rowCount() == 2
    assert panel.model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole) == UNKNOWN_EXPLAINED

    _select(section, [arrived])
    assert panel.arrived_button.isEnabled() and panel.again_button.isEnabled()
    assert panel.cancel_button.isEnabled() and not panel.retry_button.isEnabled()
    _click(qtbot, panel.arrived_button)
    [(state, candidate_id)] = sqlite_rows(
        demo_database.path, f"SELECT state, candidate_id FROM outbox_messages WHERE id={arrived}"
    )
    assert state == "sent"
    with demo_database.sessions() as session:
        timeline = session.scalars(
            select(Activity).where(
                Activity.candidate_id == candidate_id, Activity.kind == ActivityKind.EMAIL
            )
        ).all()
    assert [a.direction for a in timeline if a.subject.startswith("News for")] == ["out"]

    asked: list[str] = []
    _answer_yes(monkeypatch, asked)
    _select(section, [again])
    _click(qtbot, panel.again_button)
    assert "receive it twice" in asked[0]
    assert sqlite_rows(
        demo_database.path, f"SELECT state FROM outbox_messages WHERE id={again}"
    ) == [("queued",)]
    assert panel.model.rowCount() == 0  # the Unknown chip has nothing left
    assert panel.chips["unknown"].text() == "Unknown — check  0"
    assert section.tabs.tabText(OUTBOX_TAB) == "Outbox"


def test_a_mixed_selection_offers_only_what_applies_to_all(qtbot, demo_ctx, demo_database):
    _campaign(demo_ctx, demo_database, 4)
    ids = _settle(demo_ctx, failed=1, unknown=1)
    section = _section(qtbot, demo_ctx)
    panel = section.outbox
    _select(section, ids["failed"] + ids["unknown"])
    assert panel.retry_button.isEnabled() and panel.cancel_button.isEnabled()
    assert not panel.arrived_button.isEnabled() and not panel.again_button.isEnabled()


def test_the_dispatchers_problem_shows_as_a_banner(qtbot, demo_ctx, demo_database, runtime):
    section = _section(qtbot, demo_ctx, runtime)
    banner = section.outbox.problem
    assert not banner.isVisible()
    runtime.problem.emit("No password for team on smtp.example.com — set it in Settings.")
    assert banner.isVisible()
    assert "No password" in section.outbox.problem_text.text()
    _click(qtbot, section.findChild(type(section.outbox.retry_button), "dismissProblem"))
    assert not banner.isVisible()
    section.show_problem("Could not connect to smtp.example.com:587: Connection refused")
    assert banner.isVisible()
    runtime.message_state_changed.emit(1, "sent")  # mail flows again
    assert not banner.isVisible()


def test_a_burst_of_state_changes_reloads_at_most_twice_a_second(
    qtbot, demo_ctx, demo_database, runtime
) -> None:
    _campaign(demo_ctx, demo_database, 40)
    section = _section(qtbot, demo_ctx, runtime)
    throttle = section.outbox.throttle
    before = throttle.reloads
    for _ in range(25):
        message = _claimed(demo_ctx)
        mark_sent(demo_ctx, message)
        runtime.message_state_changed.emit(message, "sending")
        runtime.message_state_changed.emit(message, "sent")
    assert throttle.reloads == before  # nothing yet: the burst is coalesced
    qtbot.waitUntil(lambda: section.outbox.chips["sent"].text() == "Sent  25", timeout=2000)
    assert throttle.reloads == before + 1
    assert section.campaigns.throttle.pending  # hidden tab: reloads when shown
    section.tabs.setCurrentIndex(CAMPAIGNS_TAB)
    assert section.campaigns.model.rows[0].counts.get("sent") == 25


def test_a_hidden_tab_reloads_when_shown(qtbot, demo_ctx, demo_database) -> None:
    section = _section(qtbot, demo_ctx)
    section.tabs.setCurrentIndex(CAMPAIGNS_TAB)
    saved = save_template(demo_ctx, TemplateInput("Late arrival", "Hello", "Hi."))
    section.on_changes(saved.changes)
    _configure(demo_ctx)
    sent = send_to_candidates(demo_ctx, _people(demo_database, 2), TEMPLATE, name="Meanwhile")
    section.on_changes(sent.changes)
    names = lambda: [row.name for row in section.campaigns.model.rows]  # noqa: E731
    qtbot.waitUntil(lambda: names() == ["Meanwhile"], timeout=2000)
    assert "Late arrival" not in [row.name for row in section.templates.model.rows]  # hidden
    section.tabs.setCurrentIndex(TEMPLATES_TAB)
    assert "Late arrival" in [row.name for row in section.templates.model.rows]
    section.tabs.setCurrentIndex(OUTBOX_TAB)
    assert section.outbox.chips["queued"].text() == "Queued  2"


# ---- campaigns ---------------------------------------------------------------------------------


def _campaign_row(section: CampaignsSection, campaign_id: int) -> int:
    rows = section.campaigns.model.rows
    return next(index for index, row in enumerate(rows) if row.id == campaign_id)


def test_campaign_progress_counts_and_status(qtbot, demo_ctx, demo_database) -> None:
    campaign_id = _campaign(demo_ctx, demo_database, 10)
    _settle(demo_ctx, sent=4, failed=1, unknown=1)
    section = _section(qtbot, demo_ctx)
    section.tabs.setCurrentIndex(CAMPAIGNS_TAB)
    model = section.campaigns.model
    row = _campaign_row(section, campaign_id)
    values = [model.index(row, column).data() for column in range(model.columnCount())]
    assert values[0] == "Spring" and values[1] == "Bulk"
    assert values[2] == "Pool: Engineering talent"
    assert values[4] == "4 of 10 sent"
    assert model.index(row, 4).data(Qt.ItemDataRole.UserRole + 1) == (4, 10)
    assert values[5:10] == ["4", "4", "1", "1", "0"]  # queued, sent, failed, unknown, cancelled
    assert values[10] == "Sending"
    section.campaigns.table.viewport().repaint()  # the progress bar paints


def test_pause_resume_and_stop_a_campaign(
    qtbot, monkeypatch, demo_ctx, demo_database, runtime
) -> None:
    campaign_id = _campaign(demo_ctx, demo_database, 6)
    _settle(demo_ctx, sent=2)
    section = _section(qtbot, demo_ctx, runtime)
    section.tabs.setCurrentIndex(CAMPAIGNS_TAB)
    panel = section.campaigns
    assert panel.select_campaign(campaign_id)
    status = lambda: sqlite_rows(  # noqa: E731
        demo_database.path, f"SELECT status FROM campaigns WHERE id={campaign_id}"
    )[0][0]
    assert panel.pause_button.isEnabled() and not panel.resume_button.isEnabled()
    _click(qtbot, panel.pause_button)
    assert status() == "paused"
    assert panel.model.index(_campaign_row(section, campaign_id), 10).data() == "Paused"
    assert panel.resume_button.isEnabled() and not panel.pause_button.isEnabled()
    _click(qtbot, panel.resume_button)
    assert status() == "active"
    assert FakeDispatcher.made and FakeDispatcher.made[-1].started

    asked: list[str] = []
    _answer_yes(monkeypatch, asked)
    _click(qtbot, panel.stop_button)
    assert asked[0] == "Stop “Spring” for good? Its 4 queued emails will be cancelled."
    assert status() == "stopped"
    assert _states(demo_database) == {"sent": 2, "cancelled": 4}
    assert not panel.pause_button.isEnabled() and not panel.stop_button.isEnabled()
    assert section.outbox.throttle.pending  # the hidden Outbox tab catches up when shown
    section.tabs.setCurrentIndex(OUTBOX_TAB)
    assert section.outbox.chips["cancelled"].text() == "Cancelled  4"


def test_show_messages_filters_the_outbox_to_the_campaign(qtbot, demo_ctx, demo_database):
    first = _campaign(demo_ctx, demo_database, 3, name="First")
    second = _campaign(demo_ctx, demo_database, 5, name="Second")
    section = _section(qtbot, demo_ctx)
    section.tabs.setCurrentIndex(CAMPAIGNS_TAB)
    assert section.campaigns.select_campaign(first)
    _click(qtbot, section.campaigns.messages_button)
    assert section.tabs.currentIndex() == OUTBOX_TAB
    model = section.outbox.model
    assert model.rowCount() == 3
    assert {row.campaign_id for row in model.rows} == {first}
    assert section.outbox.chips["all"].text() == "All  3"
    assert "First" in section.outbox.campaign_filter.text()
    _click(qtbot, section.outbox.campaign_filter)
    assert model.rowCount() == 8 and {row.campaign_id for row in model.rows} == {first, second}
    assert not section.outbox.campaign_filter.isVisible()


def test_no_campaigns_yet_says_how_to_start(qtbot, demo_ctx, demo_database) -> None:
    assert sqlite_rows(demo_database.path, "SELECT count(*) FROM campaigns") == [(0,)]
    section = _section(qtbot, demo_ctx)
    assert section.header.subtitle.text() == "Nothing sent yet"
    assert section.outbox.model.rowCount() == 0
    section.tabs.setCurrentIndex(CAMPAIGNS_TAB)
    assert section.campaigns.empty.isVisible() and section.campaigns.model.rowCount() == 0
    assert not section.campaigns.pause_button.isEnabled()


def test_double_click_opens_the_profile_and_the_menu_mirrors_the_buttons(
    qtbot, demo_ctx, demo_database
) -> None:
    _campaign(demo_ctx, demo_database, 3)
    ids = _settle(demo_ctx, failed=1)
    section = _section(qtbot, demo_ctx)
    opened: list[int] = []
    section.open_profile.connect(opened.append)
    _click(qtbot, section.outbox.chips["failed"])
    table = section.outbox.table
    rect = table.visualRect(section.outbox.model.index(0, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    [(candidate_id,)] = sqlite_rows(
        demo_database.path, f"SELECT candidate_id FROM outbox_messages WHERE id={ids['failed'][0]}"
    )
    assert opened == [candidate_id]
    _select(section, ids["failed"])
    menu = section.outbox.context_menu()
    enabled = {action.text(): action.isEnabled() for action in menu.actions() if action.text()}
    assert enabled == {
        "Open profile": True,
        "Retry": True,
        "Cancel": True,
        "It arrived — mark sent": False,
        "Send again": False,
    }
    next(a for a in menu.actions() if a.text() == "Retry").trigger()
    assert sqlite_rows(
        demo_database.path, f"SELECT state FROM outbox_messages WHERE id={ids['failed'][0]}"
    ) == [("queued",)]


def test_a_problem_reported_before_the_section_opened_shows_when_it_opens(
    qtbot, demo_ctx, demo_database, runtime
) -> None:
    from app.workers.dispatcher import DispatchEvent

    text = "Could not connect to smtp.example.com:587: Connection refused"
    runtime._deliver(DispatchEvent(None, None, "offline", text))  # as the dispatcher reports
    assert runtime.last_problem == text
    section = _section(qtbot, demo_ctx, runtime)
    assert not section.outbox.problem.isHidden()
    assert text in section.outbox.problem_text.text()


def test_pause_and_stop_follow_the_selection_and_a_finished_send_offers_neither(
    qtbot, demo_ctx, demo_database
) -> None:
    finished = _campaign(demo_ctx, demo_database, 3, name="Done")
    _settle(demo_ctx, sent=3)
    running = _campaign(demo_ctx, demo_database, 2, name="Running")
    section = _section(qtbot, demo_ctx)
    section.tabs.setCurrentIndex(CAMPAIGNS_TAB)
    panel = section.campaigns
    buttons = (panel.pause_button, panel.resume_button, panel.stop_button, panel.messages_button)
    assert panel.current() is None
    assert [button.isEnabled() for button in buttons] == [False] * 4  # nothing selected
    table = panel.table
    rect = table.visualRect(panel.model.index(_campaign_row(section, finished), 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.current_id() == finished
    assert panel.model.index(_campaign_row(section, finished), 10).data() == "Finished"
    assert [button.isEnabled() for button in buttons] == [False, False, False, True]
    rect = table.visualRect(panel.model.index(_campaign_row(section, running), 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert [button.isEnabled() for button in buttons] == [True, False, True, True]
    qtbot.mouseClick(
        table.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        rect.center(),
    )  # Ctrl+click the selected row: nothing selected again
    assert panel.current() is None
    assert [button.isEnabled() for button in buttons] == [False] * 4


def test_every_campaigns_heading_shows_whole_in_both_themes(qtbot, qapp, demo_ctx) -> None:
    from app.ui.theme import apply_theme

    try:
        for mode in ("light", "dark"):
            apply_theme(qapp, mode)
            section = _section(qtbot, demo_ctx)
            section.resize(1024, 700)
            tables = {
                "Outbox": section.outbox.table,
                "Campaigns": section.campaigns.table,
                "Sequences": section.sequences.table,
                "Enrolments": section.sequences.detail.enrollments,
                "Templates": section.templates.table,
            }
            for tab, table in tables.items():
                header = table.horizontalHeader()
                for column in range(header.count() - 1):  # the last one stretches
                    heading = table.model().headerData(column, Qt.Orientation.Horizontal)
                    assert header.sectionSize(column) >= header.sectionSizeHint(column), (
                        f"{mode}: {tab} “{heading}” is cut off"
                    )
    finally:
        apply_theme(qapp, "light")
