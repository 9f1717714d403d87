"""The Talent pools section on the demo database: kinds and counts, lazy members with
engagement, candidates dropped on a pool, pool → pipeline in one step, smart pools."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDropEvent
from sqlalchemy import select

from app.services.jobs import list_jobs
from app.services.pools import (
    PAST_APPLICANTS,
    SILVER_MEDALISTS,
    count_members,
    create_pool,
    member_ids,
)
from app.store.models import Application, JobStatus, StageKind
from app.ui.main_window import MainWindow
from app.ui.sections.bulk_actions import candidate_mime
from app.ui.sections.pools import PAGE_SIZE, PoolsSection


def _section(window: MainWindow) -> PoolsSection:
    window.show_section("talent_pools")
    return window.section("talent_pools")  # type: ignore[return-value]


def _row_of(section: PoolsSection, pool_id: int) -> int:
    return next(row for row, pool in enumerate(section.pools) if pool.id == pool_id)


def test_pools_list_kinds_and_computed_counts(window: MainWindow) -> None:
    section = _section(window)
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


def test_members_load_lazily_with_engagement_columns(window: MainWindow) -> None:
    section = _section(window)
    assert section.select_pool(SILVER_MEDALISTS)
    model = section.members_model
    total = count_members(window.services, SILVER_MEDALISTS)
    assert model.total == total and model.rowCount() == min(total, PAGE_SIZE)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[-3:] == ["Last contacted", "Replied", "Campaigns"]
    assert model.index(0, 6).data() == "—" and model.index(0, 7).data() == "—"
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


def test_candidates_dropped_on_a_pool_row_join_it(window: MainWindow) -> None:
    pool = create_pool(window.services, "Drop zone")
    window.events.publish(pool.changes)
    section = _section(window)
    candidates = window.section("candidates")
    ids = [candidates.model.rows[n].id for n in range(3)]
    _drop(section, pool.value, ids)
    assert sorted(member_ids(window.services, pool.value)) == sorted(ids)
    assert section.table.item(_row_of(section, pool.value), 1).text() == "3"
    assert section.members_model.total == 3  # the pool is shown with its new members
    before = count_members(window.services, SILVER_MEDALISTS)
    _drop(section, SILVER_MEDALISTS, ids)
    assert count_members(window.services, SILVER_MEDALISTS) == before  # refused


def test_pool_to_pipeline_in_one_step_and_undo(window: MainWindow) -> None:
    section = _section(window)
    assert section.select_pool(PAST_APPLICANTS)
    job = next(j for j in list_jobs(window.services) if j.status is JobStatus.OPEN)
    stage = next(s for s in job.stages if s.kind is StageKind.ACTIVE)
    section.members.selectAll()
    chosen = section.selected_ids()
    assert len(chosen) == section.members_model.rowCount() > 0
    section.bulk.add_to_job(job.id, stage.stage_id)

    def sources() -> set[str | None]:
        with window.services.read() as session:
            return set(
                session.scalars(
                    select(Application.source).where(
                        Application.job_id == job.id, Application.candidate_id.in_(chosen)
                    )
                )
            )

    assert "Pool: Past applicants" in sources()
    window.undo_action.trigger()
    assert "Pool: Past applicants" not in sources()


def test_smart_pool_follows_a_candidate_change(window: MainWindow) -> None:
    from app.services.pools import create_smart_pool
    from app.services.review import save_review

    made = create_smart_pool(window.services, "Zymurgists", "zymurgist")
    window.events.publish(made.changes)
    section = _section(window)
    row = _row_of(section, made.value)
    assert (section.table.item(row, 2).text(), section.table.item(row, 1).text()) == ("Smart", "0")
    someone = window.section("candidates").model.rows[0].id
    window.events.publish(
        save_review(window.services, someone, {"current_title": "Zymurgist"}).changes
    )
    row = _row_of(section, made.value)
    assert section.table.item(row, 1).text() == "1"
    section.select_pool(made.value)
    assert [m.candidate_id for m in section.members_model.rows] == [someone]
