"""The main window on the demo database: real data in each section, navigation, persistence."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget

from app.services.admin.reports import overview
from app.services.pipeline.jobs import list_jobs
from app.settings import load_settings
from app.store.models import JobStatus
from app.ui.icons import IconProvider
from app.ui.main_window import MainWindow
from app.ui.sections.candidates import PAGE_SIZE
from app.ui.sections.jobs import COLUMNS, ROW_ROLE
from app.ui.sections.registry import SECTIONS


def test_opens_on_jobs_with_counts_per_stage(window: MainWindow, workspace) -> None:
    assert window.current_section_key() == "jobs"
    section = window.section("jobs")
    model = section.table.model()
    open_jobs = {
        job.id: job for job in list_jobs(workspace.services) if job.status is JobStatus.OPEN
    }
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    shown = set()
    for row in range(model.rowCount()):
        job = model.index(row, 0).data(ROW_ROLE)
        shown.add(job.id)
        assert model.index(row, 0).data() == open_jobs[job.id].title
        for stage in ("Applied", "Interviewed", "Hired"):
            cell = model.index(row, headers.index(stage)).data()
            assert int(cell) == open_jobs[job.id].count_for(stage)
        total = model.index(row, headers.index("Total")).data()
        assert int(total) == open_jobs[job.id].total_applications > 0
    assert shown == set(open_jobs)  # open jobs are what the first screen shows
    assert f"{len(open_jobs)} open of 12 jobs" in section.header.subtitle.text()


def test_status_filter_shows_all_jobs(window: MainWindow) -> None:
    section = window.section("jobs")
    section.status_filter.setCurrentIndex(0)  # all statuses
    assert section.table.model().rowCount() == 12
    section.search.setText("zzz-no-such-job")
    assert section.table.model().rowCount() == 0


def test_navigation_switches_sections(window: MainWindow, qtbot) -> None:
    for row, key in enumerate(spec.key for spec in SECTIONS):
        window.navigation.setCurrentRow(row)
        assert window.stack.currentWidget() is window.section(key)
        assert window.current_section_key() == key
    window.show_section("candidates")
    assert window.navigation.currentRow() == 2


def test_candidates_list_loads_lazily(window: MainWindow) -> None:
    window.show_section("candidates")
    section = window.section("candidates")
    model = section.model
    assert model.total == 500
    assert model.rowCount() == PAGE_SIZE
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 500
    ids = [model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(model.rowCount())]
    assert len(set(ids)) == 500
    assert "500 candidates" in section.header.subtitle.text()


def test_pools_pipeline_and_reports_show_data(qtbot, window: MainWindow) -> None:
    window.show_section("talent_pools")
    pools: QTableWidget = window.section("talent_pools").table
    assert pools.rowCount() == 6  # the demo's 4 pools and the 2 built-in ones
    assert int(pools.item(0, 1).text().replace(",", "")) > 0
    window.show_section("pipeline")
    page = window.section("pipeline")
    keys = [column.model.key for column in page.board.columns]
    assert keys[:3] == ["Applied", "Screened", "Interviewed"] and "Rejected" in keys
    open_ids = {j.id for j in list_jobs(window.services) if j.status is JobStatus.OPEN}
    assert page.board.state.cards
    assert {card.job_id for card in page.board.state.cards.values()} <= open_ids
    window.show_section("reports")
    report = window.section("reports")
    open_jobs = len([j for j in list_jobs(window.services) if j.status is JobStatus.OPEN])
    # The figures are computed in the background.
    qtbot.waitUntil(lambda: report.open_jobs.value.text() == str(open_jobs), timeout=10_000)
    assert report.sources.rowCount() == len(overview(window.services).sources)


def test_status_bar_counts(qtbot, window: MainWindow) -> None:
    # Counted in the background, off the GUI thread.
    qtbot.waitUntil(lambda: "500 candidates · 12 jobs" in window.status_counts.text())
    assert window._status_ops.ran_on("status") is not threading.main_thread()


def test_status_bar_counts_wait_for_the_first_frame(qtbot, workspace, icons: IconProvider) -> None:
    """Counting shares the interpreter with whatever runs beside it: it starts once the first
    screen is on display, not while that screen is being drawn."""
    main = MainWindow(workspace, icons)
    qtbot.addWidget(main)
    qtbot.wait(300)  # the event loop turns; the window is not shown yet
    assert main.status_counts.text() == ""
    main.show()
    qtbot.waitUntil(lambda: "500 candidates · 12 jobs" in main.status_counts.text())
    main.close()


def test_geometry_and_section_are_remembered(qtbot, workspace, icons: IconProvider) -> None:
    first = MainWindow(workspace, icons)
    qtbot.addWidget(first)
    first.show()
    first.resize(781, 699)
    first.show_section("reports")
    first.close()
    saved = load_settings(workspace.paths.settings_file)
    assert saved.last_section == "reports"
    assert saved.window_geometry
    workspace.settings = saved
    second = MainWindow(workspace, icons)
    qtbot.addWidget(second)
    second.show()
    assert second.current_section_key() == "reports"
    assert (second.width(), second.height()) == (781, 699)


def test_theme_switch_is_saved(window: MainWindow, workspace) -> None:
    window.show_section("settings")
    combo = window.section("settings").theme
    combo.setCurrentIndex(combo.findData("dark"))
    assert load_settings(workspace.paths.settings_file).theme == "dark"
    assert window.palette().window().color().lightness() < 100
    combo.setCurrentIndex(combo.findData("light"))
    assert window.palette().window().color().lightness() > 200


def test_undo_redo_actions_exist(window: MainWindow) -> None:
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    assert not window.undo_action.isEnabled()  # nothing done yet


def test_first_screen_view_is_the_jobs_table(window: MainWindow) -> None:
    assert window.first_screen_view().objectName() == "jobsTable"


def test_jobs_table_sorts_by_header(window: MainWindow) -> None:
    section = window.section("jobs")
    section.status_filter.setCurrentIndex(0)
    view = section.table
    header = view.horizontalHeader()
    header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
    titles = [view.model().index(r, 0).data() for r in range(view.model().rowCount())]
    assert titles == sorted(titles, key=str.lower) and len(titles) == 12
    header.setSortIndicator(len(COLUMNS) - 1, Qt.SortOrder.DescendingOrder)
    totals = [int(view.model().index(r, len(COLUMNS) - 1).data()) for r in range(12)]
    assert totals == sorted(totals, reverse=True)
    section.search.setText(titles[0])  # filtering keeps the chosen order
    shown = [view.model().index(r, len(COLUMNS) - 1).data() for r in range(view.model().rowCount())]
    assert shown == sorted(shown, key=int, reverse=True)


def test_mail_dispatcher_starts_after_start_up_and_stops_with_the_window(
    qtbot, window: MainWindow
) -> None:
    from app.ui.main_window import MAIL_START_DELAY_MS

    assert window._mail is None  # nothing mail-related on the start-up path
    qtbot.waitUntil(lambda: window._mail is not None, timeout=MAIL_START_DELAY_MS + 3000)
    runtime = window.mail_runtime
    assert runtime.running  # the demo's local-relay account is set up
    import threading

    [thread] = [t for t in threading.enumerate() if t is runtime.dispatcher._thread]
    assert thread.name == "outbox-dispatcher" and thread.is_alive()
    window.close()
    assert not runtime.running
    assert not thread.is_alive()


def test_campaigns_and_settings_sections_share_the_windows_mail_runtime(
    qtbot, window: MainWindow
) -> None:
    campaigns = window.section("campaigns")
    assert campaigns.runtime is window.mail_runtime
    window.mail_runtime.start()
    assert window.mail_runtime.dispatcher._account.port == 1025
    panel = window.section("settings").email_panel
    panel.port.setValue(2525)
    with qtbot.waitSignal(panel.saved, timeout=10_000):  # the password moved, off-thread
        assert panel.save()
    # The saved account reaches the running dispatcher without a restart.
    assert window.mail_runtime.account.port == 2525
    assert window.mail_runtime.dispatcher._account.port == 2525


def test_dispatcher_changes_are_broadcast_in_bursts_with_the_watcher_resting(
    qtbot, window: MainWindow
) -> None:
    from app.services.core.changes import ChangeKind, Changes

    runtime = window.mail_runtime
    window._mail_flush.setInterval(50)
    window._mail_quiet.setInterval(150)
    published: list[Changes] = []
    window.events.changed.connect(lambda changes, _origin=None: published.append(changes))
    for message_id in range(1, 51):  # one signal per recorded batch of sent mail
        runtime.changes_made.emit(Changes({ChangeKind.OUTBOX: frozenset({message_id})}))
    assert window.watcher.paused  # the dispatcher's commits are not "changed elsewhere"
    qtbot.waitUntil(lambda: len(published) == 1, timeout=2000)
    assert published[0].ids[ChangeKind.OUTBOX] == frozenset(range(1, 51))
    qtbot.waitUntil(lambda: not window.watcher.paused, timeout=2000)
    assert len(published) == 1


def test_a_window_closed_before_mail_starts_never_starts_it(qtbot, workspace, icons) -> None:
    import threading

    from app.ui.main_window import MAIL_START_DELAY_MS

    before = {t for t in threading.enumerate() if t.name == "outbox-dispatcher"}
    main = MainWindow(workspace, icons)
    main.show()
    main.close()
    qtbot.wait(MAIL_START_DELAY_MS + 300)  # the start timer has fired by now
    assert main._mail is None
    assert {t for t in threading.enumerate() if t.name == "outbox-dispatcher"} == before
    main.deleteLater()


def test_the_window_title_names_the_database_once(window: MainWindow, workspace) -> None:
    """Qt appends the application's name to the title itself: ours must not repeat it."""
    assert window.windowTitle() == workspace.database.path.name
    assert window.windowTitle().count("Hirebench") == 0


# ---- changes made here are not "changed elsewhere"; every list keeps its place -------------------
CHANGED_ELSEWHERE = "The database was changed elsewhere; views reloaded."


def _when_modal(act) -> None:
    """Run ``act(dialog)`` once the next modal dialog is open (its own loop is running)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def step() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, step)
        else:
            act(dialog)

    QTimer.singleShot(0, step)


def _click_row(qtbot, table, row: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    index = table.model().index(row, 0)
    table.scrollTo(index)
    point = table.visualRect(index).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, point)


def test_own_note_do_not_contact_enrolment_and_export_are_not_changes_elsewhere(
    window: MainWindow, qtbot, tmp_path, monkeypatch
) -> None:
    """The watcher keeps polling meanwhile (every 20 ms): the profile's writes, the
    enrolment committed by a worker thread and the export written by another one are all
    this window's own, so nothing says "changed elsewhere" and the selection stays."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QFileDialog
    from sqlalchemy import select

    from app.services.engagement.sequences import SequenceStepInput, create_sequence
    from app.services.engagement.templates import TemplateInput, save_template
    from app.store.engagement import SequenceEnrollment
    from app.store.models import Activity, Candidate

    services = window.services
    intro = save_template(services, TemplateInput("Intro", "Hello", "Hi there")).value
    create_sequence(services, "Warm intro", [SequenceStepInput(intro, 0)])
    said: list[str] = []
    window.statusBar().messageChanged.connect(said.append)
    window.watcher.timer.setInterval(20)
    window.show_section("candidates")
    section = window.section("candidates")
    table = section.table
    _click_row(qtbot, table, 2)
    person = section.selected_ids()[0]

    ticked: list[bool] = []

    def in_profile(dialog) -> None:
        qtbot.keyClicks(dialog.note_edit, "Called: keen on Berlin")
        qtbot.mouseClick(dialog.add_note_button, Qt.MouseButton.LeftButton)
        qtbot.wait(100)
        ticked.append(not dialog.do_not_contact.isChecked())
        box = dialog.do_not_contact
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
        qtbot.wait(100)
        dialog.reject()

    _when_modal(in_profile)
    section.bulk.profile_action.trigger()
    with services.read() as session:
        assert session.get(Candidate, person).do_not_contact is ticked[0]
        notes = session.scalars(select(Activity.body).where(Activity.candidate_id == person))
        assert "Called: keen on Berlin" in list(notes)
    assert section.selected_ids() == [person]

    _click_row(qtbot, table, 5)
    for row in (6, 7):
        _click_row(qtbot, table, row, Qt.KeyboardModifier.ControlModifier)
    chosen = section.selected_ids()

    def in_enrolment(dialog) -> None:
        qtbot.mouseClick(dialog.enroll_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=10_000)
        qtbot.wait(100)
        dialog.accept()

    _when_modal(in_enrolment)
    section.bulk.sequence_action.trigger()
    with services.read() as session:
        enrolled = session.scalars(select(SequenceEnrollment.candidate_id)).all()
    assert sorted(enrolled) == sorted(chosen)
    target = tmp_path / "three.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    section.bulk.export_action.trigger()
    qtbot.waitUntil(lambda: "Exported 3 candidates" in window.statusBar().currentMessage())
    qtbot.wait(100)
    assert not [text for text in said if "elsewhere" in text]
    assert section.selected_ids() == chosen


def test_another_process_is_announced_and_every_list_keeps_its_place(
    window: MainWindow, qtbot
) -> None:
    from app.services.candidates.pools import add_members
    from app.services.candidates.records import candidate_page
    from tests.support import create_pool
    from tests.ui.test_watcher import finish, write_from_another_process

    window.resize(1024, 700)
    pool = create_pool(window.services, "Keep my place")
    add_members(
        window.services, pool.value, [r.id for r in candidate_page(window.services, 0, 300)]
    )
    window.events.publish(pool.changes)

    jobs = window.section("jobs")
    jobs.status_filter.setCurrentIndex(0)  # all of them: more than fit
    jobs.table.setFixedHeight(160)
    last = jobs.proxy.rowCount() - 1
    _click_row(qtbot, jobs.table, last)
    job = jobs.selected_job().id
    jobs_scroll = jobs.table.verticalScrollBar().value()
    assert jobs_scroll > 0

    window.show_section("candidates")
    candidates = window.section("candidates")
    candidates.model.fetchMore()
    _click_row(qtbot, candidates.table, 250)
    _click_row(qtbot, candidates.table, 260, Qt.KeyboardModifier.ControlModifier)
    people = candidates.selected_ids()
    people_scroll = candidates.table.verticalScrollBar().value()
    assert people_scroll > 0

    window.show_section("talent_pools")
    pools = window.section("talent_pools")
    qtbot.waitUntil(lambda: not pools.counting, timeout=10_000)
    pools.select_pool(pool.value)
    pools.members_model.fetchMore()
    _click_row(qtbot, pools.members, 220)
    members = pools.selected_ids()
    members_scroll = pools.members.verticalScrollBar().value()

    finish(write_from_another_process(window.workspace.database.path))
    assert window.watcher.poll() is True
    assert window.statusBar().currentMessage() == CHANGED_ELSEWHERE
    qtbot.waitUntil(lambda: not pools.counting, timeout=10_000)
    window.show_section("candidates")  # a hidden section reloads when shown again
    qtbot.waitUntil(lambda: candidates.model.total == 501, timeout=10_000)  # the new one
    assert candidates.selected_ids() == people
    assert candidates.table.verticalScrollBar().value() == people_scroll
    assert (jobs.selected_job().id, jobs.table.verticalScrollBar().value()) == (job, jobs_scroll)
    assert pools.current_pool_id() == pool.value
    assert pools.selected_ids() == members
    assert pools.members.verticalScrollBar().value() == members_scroll


def test_jobs_table_shows_each_jobs_location(window: MainWindow, workspace) -> None:
    section = window.section("jobs")
    model = section.table.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    column = headers.index("Location")
    locations = {job.id: job.location or "" for job in list_jobs(workspace.services)}
    assert any(locations.values())
    for row in range(model.rowCount()):
        job = model.index(row, 0).data(ROW_ROLE)
        assert model.index(row, column).data() == locations[job.id]


def test_every_section_fits_1024_by_700_with_the_sidebar_whole(window: MainWindow, qtbot) -> None:
    window.resize(1024, 700)
    metrics = window.navigation.fontMetrics()
    widest_label = max(metrics.horizontalAdvance(spec.title) for spec in SECTIONS)
    for key, label in ((spec.key, spec.title) for spec in SECTIONS):
        window.show_section(key)
        qtbot.wait(20)
        assert window.width() == 1024, f"{label} makes the window wider"
        assert window.navigation.width() >= widest_label + 40, f"{label} squeezes the sidebar"
    window.splitter.setSizes([10, 2000])  # dragging the handle cannot squeeze it either
    assert window.navigation.width() >= widest_label + 40


def test_a_role_that_changes_no_record_sends_and_reads_no_mail(
    qtbot, paths, demo_database, demo_ctx, icons
) -> None:
    """Compliance staff and hiring managers change no record, so their windows leave the
    outbox and the inbox to the recruiters' (the dispatcher's writes would be refused)."""
    from app.bootstrap import Workspace
    from app.services.admin.user_admin import add_user
    from app.services.core.context import ServiceContext
    from app.services.core.users import ensure_user
    from app.settings import Settings
    from app.ui.main_window import MAIL_START_DELAY_MS

    add_user(demo_ctx, "carla.compliance", None, "compliance")
    compliance = ServiceContext(
        demo_database.sessions, ensure_user(demo_database.sessions, "carla.compliance")
    )
    window = MainWindow(Workspace(paths, demo_database, compliance, Settings()), icons)
    qtbot.addWidget(window)
    window.show()
    qtbot.wait(MAIL_START_DELAY_MS + 500)
    assert window._mail is None and window._mailbox is None
