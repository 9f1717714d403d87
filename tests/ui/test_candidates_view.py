"""The Candidates section on the demo database: filters, search, bulk actions and undo."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QPoint, Qt
from sqlalchemy import select

from app.services.candidates.pools import SILVER_MEDALISTS, member_ids
from app.services.candidates.records import SORT_KEYS, CandidateFilters, count_candidates
from app.services.pipeline.jobs import list_jobs
from app.store.models import Application, Candidate, CandidateTag, JobStatus, StageKind, Tag
from app.ui.dialogs.profile import ProfileDialog
from app.ui.main_window import MainWindow
from app.ui.sections.bulk_actions import candidate_ids_from
from app.ui.sections.candidates import PAGE_SIZE, CandidatesSection
from tests.services.candidates.test_filters import _expected


def _section(window: MainWindow) -> CandidatesSection:
    window.show_section("candidates")
    return window.section("candidates")  # type: ignore[return-value]


def _settled(section: CandidatesSection, qtbot) -> None:
    """Wait for a search or filtered list, found in the background, to be shown."""
    qtbot.waitUntil(lambda: not section.loading, timeout=10_000)


def _ids(section: CandidatesSection) -> list[int]:
    model = section.model
    while model.canFetchMore():
        model.fetchMore()
    return [model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(model.rowCount())]


def _select_rows(section: CandidatesSection, rows: range) -> list[int]:
    model, selection = section.model, QItemSelection()
    for row in rows:
        selection.select(model.index(row, 0), model.index(row, model.columnCount() - 1))
    section.table.selectionModel().select(
        selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
    )
    return section.selected_ids()


def test_filters_narrow_the_lazy_table(window: MainWindow, qtbot) -> None:
    section = _section(window)
    bar = section.filter_bar
    assert section.model.total == 500 and section.model.rowCount() == PAGE_SIZE
    bar.select(bar.tag, "Boomerang")
    assert section.loading and section.header.subtitle.text() == "Searching…"
    assert section.model.total == 500  # the rows shown stay until the filtered ones arrive
    _settled(section, qtbot)
    tagged = section.model.total
    assert 0 < tagged < 500
    assert "match the filters" in section.header.subtitle.text()
    expected = count_candidates(window.services, CandidateFilters(tags=("Boomerang",)))
    assert len(_ids(section)) == tagged == expected
    bar.select(bar.tag, None)
    bar.location.setText("Chicago")
    bar.location.editingFinished.emit()
    _settled(section, qtbot)
    rows = _ids(section)
    assert rows and all("Chicago" in section.model.rows[n].values[3] for n in range(len(rows)))
    bar.location.clear()
    bar.location.editingFinished.emit()
    bar.select(bar.pool, SILVER_MEDALISTS)
    _settled(section, qtbot)
    assert sorted(_ids(section)) == sorted(member_ids(window.services, SILVER_MEDALISTS))
    bar.select(bar.stage, "Offered")
    _settled(section, qtbot)
    offered = section.model.total
    bar.select(bar.stage, "Interviewed")
    _settled(section, qtbot)
    assert 0 < offered <= section.model.total
    bar.select(bar.dnc, True)
    _settled(section, qtbot)
    assert section.model.total < offered
    bar.clear.click()
    assert section.model.total == 500 and not section.model.filters.active


def test_bulk_add_to_job_then_edit_undo_removes_the_applications(window: MainWindow, qtbot) -> None:
    section = _section(window)
    job = next(j for j in list_jobs(window.services) if j.status is JobStatus.OPEN)
    stage = next(s for s in job.stages if s.kind is StageKind.ACTIVE)
    section.filter_bar.select(section.filter_bar.dnc, False)
    _settled(section, qtbot)
    chosen = _select_rows(section, range(5))
    assert len(chosen) == 5 and section.bulk.job_action.isEnabled()

    def applications() -> dict[int, Application]:
        with window.services.read() as session:
            rows = session.scalars(
                select(Application).where(
                    Application.job_id == job.id, Application.candidate_id.in_(chosen)
                )
            )
            return {a.candidate_id: a for a in rows}

    before = applications()
    section.bulk.add_to_job(job.id, stage.stage_id)
    after = applications()
    new = {cid: a for cid, a in after.items() if cid not in before}
    assert len(new) == 5 - len(before)
    with window.services.read() as session:  # the candidate's own source, not the list's
        own = {c: session.get(Candidate, c).source or "Agency database" for c in new}
    assert all(a.source == own[c] != "Candidates list" for c, a in new.items())
    assert window.undo_stack.canUndo()
    window.undo_action.trigger()
    assert applications().keys() == before.keys()
    window.redo_action.trigger()
    assert applications().keys() == after.keys()
    window.undo_action.trigger()
    assert applications().keys() == before.keys()


def test_tag_export_and_profile_from_the_selection(
    window: MainWindow, qtbot, tmp_path: Path, monkeypatch
) -> None:
    section = _section(window)
    chosen = _select_rows(section, range(3))
    section.bulk.tag("Hot lead")
    assert window.statusBar().currentMessage() == "Tagged 3 candidates “Hot lead”."
    with window.services.read() as session:
        tagged = session.scalars(
            select(CandidateTag.candidate_id)
            .join(Tag, Tag.id == CandidateTag.tag_id)
            .where(Tag.name == "Hot lead")
        ).all()
    assert sorted(tagged) == sorted(chosen)
    assert section.filter_bar.tag.findData("Hot lead") >= 0  # the filter offers the new tag
    chosen = _select_rows(section, range(3))
    target = tmp_path / "selection.csv"
    section.bulk.export(target)  # written in the background
    expected = f"Exported 3 candidates to {target}."
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == expected, timeout=10_000)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        names = [row["name"] for row in csv.DictReader(handle)]
    assert names == [section.model.rows[n].values[0] for n in range(3)]
    opened: list[str] = []
    monkeypatch.setattr(ProfileDialog, "exec", lambda self: opened.append(self.windowTitle()))
    _select_rows(section, range(1))
    section.bulk.profile_action.trigger()
    assert opened == [section.model.rows[0].values[0]]


def test_rows_drag_as_candidate_ids(window: MainWindow) -> None:
    section = _section(window)
    model = section.model
    indexes = [model.index(0, 0), model.index(0, 1), model.index(2, 0)]
    assert candidate_ids_from(model.mimeData(indexes)) == [model.rows[0].id, model.rows[2].id]


def test_search_box_shows_ranked_results_with_snippets(window: MainWindow, qtbot) -> None:
    section = _section(window)
    section.search.setText("engineer")
    qtbot.waitUntil(lambda: section.model.searching, timeout=2000)
    model = section.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[-1] == "Match" and "Score" in headers
    assert 0 < model.total < 500
    assert "best first" in section.header.subtitle.text()
    section.search.clear()
    section.apply_search()
    assert model.total == 500


def test_search_results_follow_the_filters(window: MainWindow, qtbot) -> None:
    from app.services.candidates.search import matching_candidate_ids

    section = _section(window)
    section.search.setText("engineer")
    qtbot.waitUntil(lambda: section.model.searching, timeout=2000)
    everyone = set(_ids(section))
    bar = section.filter_bar
    assert bar.isEnabled()
    bar.select(bar.tag, "Boomerang")
    _settled(section, qtbot)
    tagged = CandidateFilters(tags=("Boomerang",))
    shown = _ids(section)
    assert section.model.searching and "and the filters" in section.header.subtitle.text()
    assert set(shown) == set(matching_candidate_ids(window.services, "engineer", tagged))
    listed = set(_all_listed(window, tagged))
    assert shown and set(shown) == everyone & listed
    bar.clear.click()
    _settled(section, qtbot)  # still a search: found in the background
    assert set(_ids(section)) == everyone


def _all_listed(window: MainWindow, filters: CandidateFilters) -> list[int]:
    from app.services.candidates.records import candidate_page

    return [row.id for row in candidate_page(window.services, 0, 1000, "name", filters)]


def test_every_column_sorts_both_ways_from_its_header(window: MainWindow, qtbot) -> None:
    section = _section(window)
    database = window.workspace.database
    header = section.table.horizontalHeader()
    for column, order in enumerate(SORT_KEYS):
        for descending in (False, True):
            qt_order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            section.table.sortByColumn(column, qt_order)
            assert (section.model.order, section.model.descending) == (order, descending)
            assert section.model.rowCount() == PAGE_SIZE  # still lazy
            assert _ids(section) == _expected(database, order, descending), (order, descending)
    # A click on a new column: A to Z first, newest first for Added; a second click reverses.
    for column, first in ((1, False), (6, True)):
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
        assert (section.model.order, section.model.descending) == (SORT_KEYS[column], first)
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
        assert section.model.descending is not first
    assert "click a column to sort" in section.header.subtitle.text()


# ---- select all matching, and keeping one's place -----------------------------------------------
def _click_row(section: CandidatesSection, qtbot, row: int) -> None:
    table = section.table
    table.scrollTo(section.model.index(row, 0))
    point = table.visualRect(section.model.index(row, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=point)


def _ctrl_a(section: CandidatesSection, qtbot) -> None:
    _click_row(section, qtbot, 0)
    qtbot.keyClick(section.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)


def _status(window: MainWindow) -> str:
    return window.statusBar().currentMessage()


def _csv_names(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [row["name"] for row in csv.DictReader(handle)]


def test_ctrl_a_then_export_writes_every_matching_candidate(
    window: MainWindow, qtbot, tmp_path: Path, monkeypatch
) -> None:
    import threading

    from PySide6.QtWidgets import QFileDialog

    from app.services.candidates import bulk
    from app.ui.sections import candidates as candidates_section

    threads: list[threading.Thread] = []

    def on_thread(work):
        def run(*args, **kwargs):
            threads.append(threading.current_thread())
            return work(*args, **kwargs)

        return run

    monkeypatch.setattr(
        candidates_section, "all_matching_ids", on_thread(candidates_section.all_matching_ids)
    )
    monkeypatch.setattr(bulk, "export_csv", on_thread(bulk.export_csv))
    section = _section(window)
    bar = section.filter_bar
    bar.select(bar.dnc, False)  # more matches than one page: 200 loaded of them
    _settled(section, qtbot)
    filters = CandidateFilters(do_not_contact=False)
    matching = count_candidates(window.services, filters)
    assert matching > PAGE_SIZE == section.model.rowCount()
    _ctrl_a(section, qtbot)
    assert section.keeper.all_matching
    assert section.select_all_bar.isVisible()
    assert section.select_all_bar.label.text() == (
        f"All {matching:,} matching candidates are selected."
    )
    target = tmp_path / "everyone.csv"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_args, **_kw: (str(target), "CSV (*.csv)")
    )
    section.bulk.export_action.trigger()
    expected = f"Exported {matching:,} candidates to {target}."
    qtbot.waitUntil(lambda: _status(window) == expected, timeout=10_000)
    listed = [section.model.rows[n].values[0] for n in range(len(_ids(section)))]
    assert _csv_names(target) == listed  # every match, in the list's order
    assert section.keeper.all_matching  # still selected after the export
    # Finding the ids and writing the file: both off the GUI thread.
    assert len(threads) == 2 and threading.main_thread() not in threads


def test_all_matching_follows_the_sort_order(window: MainWindow, qtbot, tmp_path: Path) -> None:
    from app.services.candidates.records import all_matching_ids

    section = _section(window)
    database = window.workspace.database
    for column, order in enumerate(SORT_KEYS):
        for descending in (False, True):
            qt_order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            section.table.sortByColumn(column, qt_order)
            expected = _expected(database, order, descending)
            assert all_matching_ids(window.services, None, order, descending) == expected
    _ctrl_a(section, qtbot)
    selection = section.selection()
    assert selection.find_all is not None and selection.expected == 500
    assert selection.find_all() == _expected(database, "added", True)


def test_select_all_link_then_tag_every_search_result(
    window: MainWindow, qtbot, monkeypatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    from app.services.candidates.search import matching_candidate_ids

    section = _section(window)
    section.search.setText("a")  # a broad prefix search: more than one page
    qtbot.waitUntil(lambda: section.model.searching, timeout=2000)
    everyone = matching_candidate_ids(window.services, "a")
    assert len(everyone) > PAGE_SIZE == section.model.rowCount()
    _select_rows(section, range(PAGE_SIZE))  # every loaded row, as a shift-click would
    bar = section.select_all_bar
    assert bar.isVisible() and not section.keeper.all_matching
    assert bar.label.text() == f"All {PAGE_SIZE} loaded candidates are selected."
    assert bar.button.text().startswith("Select all ")
    qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
    assert section.keeper.all_matching
    asked: list[str] = []

    def ask(_parent, _title, label, *_args, **_kw):
        asked.append(label)
        return "Everyone A", True

    monkeypatch.setattr(QInputDialog, "getText", ask)
    section.bulk.tag_action.trigger()
    expected = f"Tagged {len(everyone):,} candidates “Everyone A”."
    qtbot.waitUntil(lambda: _status(window) == expected, timeout=10_000)
    with window.services.read() as session:
        tagged = session.scalars(
            select(CandidateTag.candidate_id)
            .join(Tag, Tag.id == CandidateTag.tag_id)
            .where(Tag.name == "Everyone A")
        ).all()
    assert sorted(tagged) == sorted(everyone)
    qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)  # "Clear selection"
    assert not section.keeper.all_matching and section.selected_ids() == []


def test_all_matching_to_a_pool_a_job_and_a_sequence(
    window: MainWindow, qtbot, monkeypatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    from app.ui.dialogs.enroll import EnrollDialog
    from tests.support import create_pool

    pool = create_pool(window.services, "All of them")
    window.events.publish(pool.changes)
    section = _section(window)
    _ctrl_a(section, qtbot)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *_args, **_kw: ("All of them", True))
    section.bulk.pool_action.trigger()
    expected = "Added 500 candidates to All of them."
    qtbot.waitUntil(lambda: _status(window) == expected, timeout=10_000)
    assert len(member_ids(window.services, pool.value)) == 500

    job = next(j for j in list_jobs(window.services) if j.status is JobStatus.OPEN)
    stage = next(s for s in job.stages if s.kind is StageKind.ACTIVE)
    section.bulk.add_to_job(job.id, stage.stage_id)
    qtbot.waitUntil(lambda: _status(window).startswith("Added "), timeout=10_000)
    qtbot.waitUntil(lambda: "to " + job.title in _status(window), timeout=10_000)
    with window.services.read() as session:
        on_job = session.scalars(
            select(Application.candidate_id).where(Application.job_id == job.id)
        ).all()
    assert len(set(on_job)) == 500
    already = job.total_applications
    assert _status(window) == (
        f"Added {500 - already} candidates to {job.title}; {already} were on it already."
    )

    enrolled: list[list[int]] = []

    def run(dialog: EnrollDialog) -> int:
        enrolled.append(dialog.candidate_ids)
        return 0

    monkeypatch.setattr(EnrollDialog, "exec", run)
    section.bulk.sequence_action.trigger()
    qtbot.waitUntil(lambda: bool(enrolled), timeout=10_000)
    assert sorted(enrolled[0]) == sorted(_ids(section))


def test_a_click_leaves_all_matching_and_scrolled_rows_join_it(window: MainWindow, qtbot) -> None:
    section = _section(window)
    _ctrl_a(section, qtbot)
    section.model.fetchMore()  # scrolled down: the new rows are selected too
    assert len(section.selected_ids()) == section.model.rowCount() == 2 * PAGE_SIZE
    _click_row(section, qtbot, 3)
    assert not section.keeper.all_matching
    assert section.selected_ids() == [section.model.rows[3].id]
    assert not section.select_all_bar.isVisible()
    assert section.selection().ids == (section.model.rows[3].id,)


def test_a_reload_keeps_the_selection_and_the_scroll(window: MainWindow, qtbot) -> None:
    from app.services.candidates.timeline import add_note

    section = _section(window)
    section.model.fetchMore()
    section.model.fetchMore()
    chosen = _select_rows(section, [250, 251, 380])
    current = section.model.index(251, 0)
    section.table.selectionModel().setCurrentIndex(
        current, QItemSelectionModel.SelectionFlag.NoUpdate
    )
    section.table.scrollTo(section.model.index(300, 0))
    scroll = section.table.verticalScrollBar().value()
    assert scroll > 0
    window.events.publish(add_note(window.services, chosen[0], "Called back").changes)
    window.watcher.changed_elsewhere.emit()  # and an external change too
    assert section.selected_ids() == chosen
    assert section.table.currentIndex().row() == 251
    assert section.table.verticalScrollBar().value() == scroll
    _ctrl_a(section, qtbot)
    window.events.publish(add_note(window.services, chosen[0], "Again").changes)
    assert section.keeper.all_matching and section.select_all_bar.isVisible()
    section.filter_bar.select(section.filter_bar.dnc, True)  # a new question: a new answer
    _settled(section, qtbot)
    assert not section.keeper.all_matching and section.selected_ids() == []


# ---- searches and filtered lists in the background ---------------------------------------------
def test_a_filtered_first_page_is_found_off_the_gui_thread(
    window: MainWindow, qtbot, monkeypatch
) -> None:
    import threading

    from app.ui.sections import candidate_pages

    section = _section(window)
    threads: list[threading.Thread] = []
    real = candidate_pages.count_candidates

    def count(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(candidate_pages, "count_candidates", count)
    bar = section.filter_bar
    bar.select(bar.dnc, True)
    assert section.loading and not section.model.canFetchMore()  # no page of the old list
    _settled(section, qtbot)
    assert section.model.filters.do_not_contact is True
    assert section.model.total == count_candidates(
        window.services, CandidateFilters(do_not_contact=True)
    )
    assert threads and threading.main_thread() not in threads
    # A column header sorts the filtered list in the background too; the widths stay.
    widths = [section.table.columnWidth(c) for c in range(3)]
    section.table.setColumnWidth(1, widths[1] + 40)
    section.table.sortByColumn(6, Qt.SortOrder.DescendingOrder)
    assert section.loading
    _settled(section, qtbot)
    assert (section.model.order, section.model.descending) == ("added", True)
    assert section.model.filters.do_not_contact is True
    assert section.table.columnWidth(1) == widths[1] + 40
    assert len(threads) == 2


def test_only_the_newest_question_is_answered(window: MainWindow, qtbot, monkeypatch) -> None:
    import threading

    from app.ui.sections import candidate_pages

    section = _section(window)
    release = threading.Event()
    real = candidate_pages.count_candidates

    def count(services, filters=None):
        if filters == CandidateFilters(tags=("Boomerang",)):
            release.wait(10)  # the first question is slow to answer
        return real(services, filters)

    monkeypatch.setattr(candidate_pages, "count_candidates", count)
    shown: list[CandidateFilters] = []
    section.model.modelReset.connect(lambda: shown.append(section.model.filters))
    bar = section.filter_bar
    bar.select(bar.tag, "Boomerang")
    bar.select(bar.dnc, True)  # asked before the first answer came: it supersedes it
    _settled(section, qtbot)
    release.set()
    qtbot.wait(200)
    both = CandidateFilters(tags=("Boomerang",), do_not_contact=True)
    assert shown == [both] and section.model.filters == both
    assert section.model.total == count_candidates(window.services, both)


def test_a_search_that_fails_says_so_and_keeps_the_rows(
    window: MainWindow, qtbot, monkeypatch
) -> None:
    from app.ui.sections import candidate_pages

    section = _section(window)
    before = [row.id for row in section.model.rows]

    def broken(*_args, **_kwargs):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(candidate_pages, "search_candidates", broken)
    section.search.setText("engineer")
    section.apply_search()
    _settled(section, qtbot)
    assert section.header.subtitle.text() == "The search could not be done: database is locked"
    assert [row.id for row in section.model.rows] == before and not section.model.searching
    assert section.model.canFetchMore()  # the list shown scrolls on as before


def test_a_hidden_section_reloads_once_when_shown(window: MainWindow, qtbot, monkeypatch) -> None:
    """A bulk import's changes while another section is shown read no candidates on the GUI
    thread; the list catches up, once, when the section is shown again."""
    from app.services.core.changes import ChangeKind, Changes

    section = _section(window)
    _settled(section, qtbot)
    window.show_section("talent_pools")
    assert not section.isVisible()
    reloads: list[int] = []
    real = section.reload
    monkeypatch.setattr(section, "reload", lambda: (reloads.append(1), real())[1])
    for _ in range(3):
        section.on_changes(Changes.of(ChangeKind.CANDIDATES))
    assert reloads == []
    window.show_section("candidates")
    assert reloads == [1]
