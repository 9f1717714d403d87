"""The Talent pools section on the demo database: kinds and counts, lazy members with
engagement, candidates dropped on a pool, pool → pipeline in one step, smart pools."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDropEvent
from sqlalchemy import select

from app.services.candidates.pools import (
    PAST_APPLICANTS,
    SILVER_MEDALISTS,
    count_members,
    member_ids,
)
from app.services.pipeline.jobs import list_jobs
from app.store.models import Application, JobStatus, StageKind
from app.ui.main_window import MainWindow
from app.ui.sections.bulk_actions import candidate_mime
from app.ui.sections.pools import PAGE_SIZE, PoolsSection
from tests.support import create_pool


def _section(window: MainWindow, qtbot=None) -> PoolsSection:
    """The section, with its background counts arrived when ``qtbot`` is given."""
    window.show_section("talent_pools")
    section: PoolsSection = window.section("talent_pools")  # type: ignore[assignment]
    if qtbot is not None:
        qtbot.waitUntil(lambda: not section.counting, timeout=10_000)
    return section


def _row_of(section: PoolsSection, pool_id: int) -> int:
    return next(row for row, pool in enumerate(section.pools) if pool.id == pool_id)


def test_pools_list_kinds_and_computed_counts(window: MainWindow, qtbot) -> None:
    section = _section(window, qtbot)
    table = section.table
    kinds = [(table.item(r, 0).text(), table.item(r, 2).text()) for r in range(table.rowCount())]
    assert ("Engineering talent", "Static") in kinds
    assert ("Finalists to revisit", "Static") in kinds  # the demo's hand-kept list
    assert [name for name, kind in kinds if kind == "Built-in"] == [
        "Silver medalists",
        "Past applicants",
    ]
    for pool_id in (SILVER_MEDALISTS, PAST_APPLICANTS):
        row = _row_of(section, pool_id)
        shown = int(table.item(row, 1).text().replace(",", ""))
        assert shown == count_members(window.services, pool_id) > 0


def test_members_load_lazily_with_engagement_columns(window: MainWindow, qtbot) -> None:
    section = _section(window)
    assert section.select_pool(SILVER_MEDALISTS)  # before it is counted: members wait
    assert section.members_model.rowCount() == 0
    assert "finding members" in section.members_title.text()
    qtbot.waitUntil(lambda: not section.counting, timeout=10_000)
    model = section.members_model
    total = count_members(window.services, SILVER_MEDALISTS)
    assert model.total == total and model.rowCount() == min(total, PAGE_SIZE)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[-4:] == ["Last contacted", "Replied", "Campaigns", "Runner-up for"]
    assert model.index(0, 6).data() == "—" and model.index(0, 7).data() == "0"  # none yet
    contacted = [model.index(r, 5).data() for r in range(model.rowCount())]
    assert any(text != "never" for text in contacted)
    while model.canFetchMore():
        model.fetchMore()
    shown = [model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(model.rowCount())]
    assert sorted(shown) == sorted(member_ids(window.services, SILVER_MEDALISTS))
    assert not section.remove_button.isEnabled()  # computed pools are not edited by hand


def _drop(section: PoolsSection, pool_id: int, ids: list[int]) -> None:
    table = section.table
    point = table.visualItemRect(table.item(_row_of(section, pool_id), 0)).center()
    mime = candidate_mime(ids)  # kept alive: the event does not own it
    event = QDropEvent(
        QPointF(point),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    table.dropEvent(event)


def test_candidates_dropped_on_a_pool_row_join_it(window: MainWindow, qtbot) -> None:
    pool = create_pool(window.services, "Drop zone")
    window.events.publish(pool.changes)
    section = _section(window)
    candidates = window.section("candidates")
    ids = [candidates.model.rows[n].id for n in range(3)]
    _drop(section, pool.value, ids)
    assert sorted(member_ids(window.services, pool.value)) == sorted(ids)
    assert section.table.item(_row_of(section, pool.value), 1).text() == "3"
    assert section.members_model.total == 3  # the pool is shown with its new members
    qtbot.waitUntil(lambda: not section.counting, timeout=10_000)
    before = count_members(window.services, SILVER_MEDALISTS)
    _drop(section, SILVER_MEDALISTS, ids)
    assert count_members(window.services, SILVER_MEDALISTS) == before  # refused


def test_pool_to_pipeline_in_one_step_and_undo(window: MainWindow, qtbot) -> None:
    section = _section(window, qtbot)
    assert section.select_pool(PAST_APPLICANTS)
    job = next(j for j in list_jobs(window.services) if j.status is JobStatus.OPEN)
    stage = next(s for s in job.stages if s.kind is StageKind.ACTIVE)
    section.members.selectAll()
    chosen = section.selected_ids()
    assert len(chosen) == section.members_model.rowCount() > 0

    def on_job() -> set[int]:
        with window.services.read() as session:
            return set(
                session.scalars(
                    select(Application.candidate_id).where(
                        Application.job_id == job.id, Application.candidate_id.in_(chosen)
                    )
                )
            )

    before = on_job()
    section.bulk.add_to_job(job.id, stage.stage_id)
    assert on_job() == set(chosen) != before
    window.undo_action.trigger()
    assert on_job() == before


def test_smart_pool_follows_a_candidate_change(window: MainWindow, qtbot) -> None:
    from app.services.intake.review import save_review
    from tests.support import create_smart_pool

    made = create_smart_pool(window.services, "Zymurgists", "zymurgist")
    window.events.publish(made.changes)
    section = _section(window, qtbot)
    row = _row_of(section, made.value)
    assert (section.table.item(row, 2).text(), section.table.item(row, 1).text()) == ("Smart", "0")
    someone = window.section("candidates").model.rows[0].id
    window.events.publish(
        save_review(window.services, someone, {"current_title": "Zymurgist"}).changes
    )
    assert section.table.item(_row_of(section, made.value), 1).text() == "…"  # recounting
    qtbot.waitUntil(lambda: not section.counting, timeout=10_000)
    row = _row_of(section, made.value)
    assert section.table.item(row, 1).text() == "1"
    section.select_pool(made.value)
    assert [m.candidate_id for m in section.members_model.rows] == [someone]


def test_computed_pools_are_counted_off_the_gui_thread(
    window: MainWindow, qtbot, monkeypatch
) -> None:
    """The section appears with "…" for the computed pools; a worker thread counts them, and
    a count that finishes after a reload is dropped, not shown."""
    import threading

    from app.ui.sections import pools as pools_section

    counted_on: list[tuple[int, threading.Thread]] = []
    release = threading.Event()
    real = pools_section.member_ids

    def slow_count(services: object, pool_id: int) -> list[int]:
        counted_on.append((pool_id, threading.current_thread()))
        assert release.wait(10), "the test never released the count"
        return real(services, pool_id)

    monkeypatch.setattr(pools_section, "member_ids", slow_count)
    section = _section(window)  # returns while the worker waits: the GUI thread is free
    for pool_id in (SILVER_MEDALISTS, PAST_APPLICANTS):
        assert section.table.item(_row_of(section, pool_id), 1).text() == "…"
    assert section.counting
    qtbot.waitUntil(lambda: len(counted_on) == 1, timeout=5000)
    old = section._generation
    section.reload()  # a new list: whatever the first count finds is stale
    section._counted(old, SILVER_MEDALISTS, list(range(123_456)))  # a late signal
    assert section.table.item(_row_of(section, SILVER_MEDALISTS), 1).text() == "…"
    release.set()
    qtbot.waitUntil(lambda: not section.counting, timeout=10_000)
    main = threading.main_thread()
    assert counted_on and all(thread is not main for _pool, thread in counted_on)
    for pool_id in (SILVER_MEDALISTS, PAST_APPLICANTS):
        shown = section.table.item(_row_of(section, pool_id), 1).text()
        assert int(shown.replace(",", "")) == len(real(window.services, pool_id))


def test_members_show_replies_and_campaigns(window: MainWindow, qtbot) -> None:
    import datetime as dt

    from app.services.candidates.pools import add_members
    from app.store.engagement import Campaign, CampaignKind, MessageState, OutboxMessage
    from app.store.models import Activity, ActivityKind

    pool = create_pool(window.services, "Engaged")
    someone = window.section("candidates").model.rows[0].id
    add_members(window.services, pool.value, [someone])
    replied = dt.datetime(2026, 6, 2, 15, 0, tzinfo=dt.UTC)
    with window.services.write() as tx:
        campaign = Campaign(name="Autumn roles", kind=CampaignKind.BULK)
        tx.session.add(campaign)
        tx.session.flush()
        tx.session.add(
            Activity(
                candidate_id=someone,
                kind=ActivityKind.EMAIL,
                direction="in",
                occurred_at=replied,
            )
        )
        tx.session.add(
            OutboxMessage(
                campaign_id=campaign.id,
                candidate_id=someone,
                to_address="someone@example.com",
                subject="Autumn roles",
                body_text="Hello",
                message_id="<autumn.1@example.com>",
                state=MessageState.SENT,
            )
        )
    window.events.publish(pool.changes)
    section = _section(window, qtbot)
    assert section.select_pool(pool.value)
    model = section.members_model
    assert model.index(0, 6).data() == replied.astimezone().strftime("%Y-%m-%d")
    assert model.index(0, 7).data() == "1"
    assert "reply" in model.index(0, 6).data(Qt.ItemDataRole.ToolTipRole)


# ---- the members: select all, keeping one's place ------------------------------------------------
def _big_pool(window: MainWindow, size: int = 300) -> int:
    from app.services.candidates.pools import add_members
    from app.services.candidates.records import candidate_page

    pool = create_pool(window.services, "Big list")
    everyone = [row.id for row in candidate_page(window.services, 0, size)]
    add_members(window.services, pool.value, everyone)
    window.events.publish(pool.changes)
    return pool.value


def _click_member(section: PoolsSection, qtbot, row: int) -> None:
    table, model = section.members, section.members_model
    table.scrollTo(model.index(row, 0))
    point = table.visualRect(model.index(row, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=point)


def _status(window: MainWindow) -> str:
    return window.statusBar().currentMessage()


def test_ctrl_a_over_members_acts_on_the_whole_pool(
    window: MainWindow, qtbot, tmp_path, monkeypatch
) -> None:
    import csv

    from PySide6.QtWidgets import QFileDialog

    pool_id = _big_pool(window)
    section = _section(window, qtbot)
    assert section.select_pool(pool_id)
    assert section.members_model.rowCount() == PAGE_SIZE < 300
    _click_member(section, qtbot, 0)
    qtbot.keyClick(section.members, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert section.keeper.all_matching
    bar = section.select_all_bar
    assert bar.isVisible()
    assert bar.label.text() == "All 300 members of Big list are selected."
    target = tmp_path / "pool.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    section.bulk.export_action.trigger()
    qtbot.waitUntil(lambda: _status(window) == f"Exported 300 candidates to {target}.")
    with target.open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 300
    assert section.remove_button.isEnabled()
    qtbot.mouseClick(section.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _status(window) == "Removed 300 members from Big list.")
    assert member_ids(window.services, pool_id) == []


def test_ctrl_a_over_a_computed_pool_uses_the_members_found(window: MainWindow, qtbot) -> None:
    section = _section(window, qtbot)
    assert section.select_pool(PAST_APPLICANTS)
    _click_member(section, qtbot, 0)
    qtbot.keyClick(section.members, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    selection = section.selection()
    assert selection.find_all is None  # found already, off the GUI thread
    assert sorted(selection.ids) == sorted(member_ids(window.services, PAST_APPLICANTS))


def test_a_reload_keeps_the_members_selection_and_scroll(window: MainWindow, qtbot) -> None:
    from app.services.candidates.timeline import add_note

    pool_id = _big_pool(window)
    section = _section(window, qtbot)
    section.select_pool(pool_id)
    model = section.members_model
    model.fetchMore()
    _click_member(section, qtbot, 210)
    qtbot.mouseClick(
        section.members.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        section.members.visualRect(model.index(214, 0)).center(),
    )
    chosen = section.selected_ids()
    assert chosen == [model.rows[210].candidate_id, model.rows[214].candidate_id]
    scroll = section.members.verticalScrollBar().value()
    assert scroll > 0
    window.events.publish(add_note(window.services, chosen[0], "Still keen").changes)
    assert section.current_pool_id() == pool_id
    assert section.selected_ids() == chosen
    assert section.members.verticalScrollBar().value() == scroll
    # A computed pool is recounted in the background on reload: its members come back
    # selected once it is.
    section.select_pool(SILVER_MEDALISTS)
    qtbot.waitUntil(lambda: not section.counting, timeout=10_000)
    _click_member(section, qtbot, 2)
    silver = section.selected_ids()
    window.watcher.changed_elsewhere.emit()
    assert section.counting
    qtbot.waitUntil(lambda: not section.counting, timeout=10_000)
    assert section.selected_ids() == silver
    assert section.members.currentIndex().row() == 2


def test_silver_medalists_say_which_job_each_came_second_on(window: MainWindow, qtbot) -> None:
    from app.services.candidates.pools import runner_up_jobs
    from app.ui.sections.pools import RUNNER_UP_COLUMN

    window.show_section("talent_pools")
    section = window.section("talent_pools")
    assert section.select_pool(SILVER_MEDALISTS)
    qtbot.waitUntil(lambda: section.members_model.rowCount() > 0, timeout=5000)
    assert not section.members.isColumnHidden(RUNNER_UP_COLUMN)
    model = section.members_model
    ids = [model.index(row, 0).data(Qt.ItemDataRole.UserRole) for row in range(model.rowCount())]
    expected = runner_up_jobs(window.services, ids)
    assert set(expected) == set(ids)  # every silver medalist lost a job somewhere
    for row, candidate_id in enumerate(ids):
        shown = model.index(row, RUNNER_UP_COLUMN).data()
        assert shown == "; ".join(expected[candidate_id]) and " · " in shown
    other = next(pool for pool in section.pools if pool.id != SILVER_MEDALISTS)
    section.select_pool(other.id)
    assert section.members.isColumnHidden(RUNNER_UP_COLUMN)


def test_every_pool_shows_without_scrolling(window: MainWindow, qtbot) -> None:
    window.resize(1024, 700)
    window.show_section("talent_pools")
    table = window.section("talent_pools").table
    qtbot.waitUntil(lambda: table.height() >= table.minimumHeight())
    last = table.visualItemRect(table.item(table.rowCount() - 1, 0))
    assert table.rowCount() >= 6 and table.viewport().rect().contains(last)
    assert table.verticalScrollBar().maximum() == 0


def test_a_hidden_section_reloads_once_when_shown(window: MainWindow, qtbot, monkeypatch) -> None:
    """Changes while another section is shown (a bulk import) cost no pools read then; the
    list catches up, once, when the section is shown again."""
    from app.services.core.changes import ChangeKind, Changes

    section = _section(window, qtbot)
    window.show_section("candidates")
    assert not section.isVisible()
    reloads: list[int] = []
    real = section.reload
    monkeypatch.setattr(section, "reload", lambda: (reloads.append(1), real())[1])
    created = create_pool(window.services, "Added while hidden")
    for _ in range(3):
        section.on_changes(Changes.of(ChangeKind.POOLS))
    assert reloads == []
    window.show_section("talent_pools")
    assert reloads == [1]
    assert any(pool.id == created.value for pool in section.pools)
