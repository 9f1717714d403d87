"""Resume intake through the real window: files dropped on the window, on a board column and
on a talent pool; failures and Retry; the review screen; possible duplicates and merging;
the watched inbox folder. Real files (DOCX, TXT, a PDF drawn by Qt) go through the real
parser in worker processes, and each test waits for the Imports dock to show them finished."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import docx
import pytest
from PySide6.QtCore import QEvent, QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QPageSize,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget
from sqlalchemy import func, select

from app.services.candidates.records import candidate_profile
from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import ServiceContext
from app.store.models import (
    Application,
    Candidate,
    CandidateEmail,
    DuplicateSuspect,
    PoolMembership,
)
from app.ui.dialogs.duplicates import DuplicatesDialog, MergeDialog
from app.ui.intake.panel import FINISHED
from app.ui.intake.review import ReviewDialog
from app.ui.main_window import MainWindow

WAIT_MS = 60_000


# --- resume files --------------------------------------------------------------------------


def resume_lines(name: str, email: str, phone: str, city: str = "Denver, CO") -> list[str]:
    return [
        name,
        "Data Analyst",
        f"{city} | {email} | {phone}",
        "",
        "EXPERIENCE",
        "Data Analyst, Northwind Traders — Jan 2020 – Present",
        "",
        "SKILLS",
        "Python, SQL",
    ]


def write_txt(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_docx(path: Path, lines: list[str]) -> Path:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))
    return path


def write_pdf(path: Path, lines: list[str]) -> Path:
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    document = QTextDocument()
    document.setPlainText("\n".join(lines))
    document.print_(writer)
    del writer  # finishes the file
    return path


def three_resumes(folder: Path) -> dict[str, Path]:
    """A TXT, a DOCX and a PDF, each a different person: {full name: file}."""
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "Quillon Ashbury": write_txt(
            folder / "quillon.txt",
            resume_lines("Quillon Ashbury", "quillon@example.org", "(303) 555-0141"),
        ),
        "Rosalind Vantreight": write_docx(
            folder / "rosalind.docx",
            resume_lines("Rosalind Vantreight", "rosalind@example.org", "(303) 555-0142"),
        ),
        "Thaddeus Merriweather": write_pdf(
            folder / "thaddeus.pdf",
            resume_lines("Thaddeus Merriweather", "thaddeus@example.org", "(303) 555-0143"),
        ),
    }


# --- helpers -------------------------------------------------------------------------------


@pytest.fixture
def win(window: MainWindow) -> Iterator[MainWindow]:
    """The main window, closed at the end so that the intake's worker processes stop."""
    yield window
    window.close()  # closeEvent → intake.shutdown(): runner closed, workers ended
    dock = getattr(window, "_intake", window.intake)  # the dock is made on first use
    controller = dock.controller if dock is not None else None
    if controller is not None:
        assert not controller.runner._thread.is_alive()
        assert not any(w.process.is_alive() for w in controller.runner._pool)


def url_mime(paths: list[Path]) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def send_drop(qtbot, target: QWidget, mime: QMimeData, point: QPointF) -> bool:
    """Real drag-enter, drag-move and drop events to ``target``; True if the drop was taken."""
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(point.toPoint(), actions, mime, buttons, modifiers)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted(), "the drag was refused on entering"
    move = QDragMoveEvent(point.toPoint(), actions, mime, buttons, modifiers)
    QApplication.sendEvent(target, move)
    drop = QDropEvent(point, actions, mime, buttons, modifiers)
    QApplication.sendEvent(target, drop)
    qtbot.wait(10)
    return drop.isAccepted()


def published(window: MainWindow) -> list[Changes]:
    """Every change notice the window broadcasts from now on."""
    seen: list[Changes] = []
    window.events.changed.connect(lambda changes, _origin: seen.append(changes))
    return seen


def published_ids(seen: list[Changes], kind: ChangeKind) -> set[int]:
    return set().union(*(changes.ids.get(kind, frozenset()) for changes in seen))


def finished(window: MainWindow, count: int) -> bool:
    items = window.intake.panel.model.items
    return len(items) >= count and all(item.state in FINISHED for item in items)


def wait_finished(qtbot, window: MainWindow, count: int) -> list:
    """Wait until the Imports panel shows ``count`` files, all finished; their updates."""
    qtbot.waitUntil(lambda: finished(window, count), timeout=WAIT_MS)
    return list(window.intake.panel.model.items)


def results_by_name(items: list) -> dict[str, object]:
    return {Path(item.path).name: item for item in items}


def candidate_named(ctx: ServiceContext, first: str, last: str) -> list[int]:
    with ctx.read() as session:
        return list(
            session.scalars(
                select(Candidate.id).where(
                    Candidate.first_name == first, Candidate.last_name == last
                )
            )
        )


class ModalDriver:
    """Acts on the next modal dialog of a type from a timer, since ``exec()`` blocks the test.

    Errors raised by the action are kept (and the dialog rejected, so nothing hangs) and
    re-raised by `check`.
    """

    def __init__(self, kind: type, action: Callable[[QWidget], None], give_up_ms: int = 20_000):
        self.kind, self.action = kind, action
        self.errors: list[BaseException] = []
        self.ran = False
        self._waited = 0
        self.timer = QTimer()
        self.timer.setInterval(50)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self._give_up_ms = give_up_ms

    def _tick(self) -> None:
        self._waited += 50
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, self.kind):
            if self._waited > self._give_up_ms:
                self.timer.stop()
                self.errors.append(TimeoutError(f"no {self.kind.__name__} appeared"))
                if dialog is not None:
                    dialog.reject()  # type: ignore[attr-defined]
            return
        self.timer.stop()
        self.ran = True
        try:
            self.action(dialog)
        except BaseException as exc:  # reported by check(), not lost in the event loop
            self.errors.append(exc)
            if dialog.isVisible():
                dialog.reject()  # type: ignore[attr-defined]

    def check(self) -> None:
        self.timer.stop()
        if self.errors:
            raise self.errors[0]
        assert self.ran, f"the {self.kind.__name__} was never shown"


# --- tests ---------------------------------------------------------------------------------


def test_files_dropped_on_the_window_become_candidates(
    qtbot, win: MainWindow, demo_ctx: ServiceContext, tmp_path: Path
) -> None:
    files = three_resumes(tmp_path / "drop")
    candidates = win.section("candidates")
    win.show_section("candidates")
    before = candidates.model.total  # type: ignore[attr-defined]
    centre = QPointF(win.rect().center())
    assert send_drop(qtbot, win, url_mime(list(files.values())), centre)
    assert win.intake.isVisible()  # the Imports dock shows itself

    items = wait_finished(qtbot, win, 3)
    assert [item.state for item in items] == ["done"] * 3, [i.message for i in items]
    assert all(item.result.created for item in items)
    panel = win.intake.panel
    assert panel.progress.value() == 3 and panel.progress.format() == "3 of 3"
    assert panel.summary.text().startswith("3 imported · 0 failed · 0 to go")
    shown = {panel.model.data(panel.model.index(row, 2)) for row in range(3)}
    assert shown == {f"new candidate {name}" for name in files}  # each row names its person
    assert panel.table.verticalScrollBar().value() == panel.table.verticalScrollBar().maximum()
    for name in files:
        first, last = name.split()
        assert len(candidate_named(demo_ctx, first, last)) == 1, name
    with demo_ctx.read() as session:
        total = session.scalar(select(func.count(Candidate.id)))
    assert total == before + 3
    # The Candidates list reloads from the coalesced broadcast.
    qtbot.waitUntil(lambda: candidates.model.total == before + 3, timeout=5000)  # type: ignore[attr-defined]
    assert candidates.header.subtitle.text()  # type: ignore[attr-defined]


def test_drop_on_a_board_column_applies_to_that_job_and_stage(
    qtbot, win: MainWindow, demo_ctx: ServiceContext, tmp_path: Path
) -> None:
    with demo_ctx.read() as session:
        job_id = session.scalar(
            select(Application.job_id)
            .group_by(Application.job_id)
            .order_by(func.count().desc())
            .limit(1)
        )
    win.open_job_board(job_id)
    page = win.sections["job_board"]
    board = page.board  # type: ignore[attr-defined]
    assert win.stack.currentWidget() is page
    column = board.columns[1]
    stage_id = int(column.model.key)
    resume = write_docx(
        tmp_path / "ulrika.docx",
        resume_lines("Ulrika Thorsdottir", "ulrika@example.org", "(303) 555-0151"),
    )
    view = column.view
    point = QPointF(view.viewport().rect().center())
    seen = published(win)
    assert send_drop(qtbot, view.viewport(), url_mime([resume]), point)
    assert win.intake_targets and win.intake_targets[-1].stage_id == stage_id

    (item,) = wait_finished(qtbot, win, 1)
    assert item.state == "done", item.message
    result = item.result
    assert result.created and result.application_id is not None
    with demo_ctx.read() as session:
        application = session.get(Application, result.application_id)
        assert (application.candidate_id, application.job_id, application.stage_id) == (
            result.candidate_id,
            job_id,
            stage_id,
        )
    # The board reloads (rebuilding its columns) and shows the new card in that column.
    key = column.model.key
    qtbot.waitUntil(lambda: result.application_id in board.column(key).model.visible, timeout=5000)
    # What the import service reported is what the window broadcast, the stage included.
    assert published_ids(seen, ChangeKind.STAGES) == {stage_id}
    assert published_ids(seen, ChangeKind.JOBS) == {job_id}
    assert result.application_id in published_ids(seen, ChangeKind.APPLICATIONS)


def test_drop_on_a_talent_pool_adds_the_candidate_to_it(
    qtbot, win: MainWindow, demo_ctx: ServiceContext, tmp_path: Path
) -> None:
    win.show_section("talent_pools")
    section = win.section("talent_pools")
    table = section.table  # type: ignore[attr-defined]
    assert table.rowCount() >= 2
    row = 1
    pool_id = table.item(row, 0).data(Qt.ItemDataRole.UserRole + 1)
    members_before = int(table.item(row, 1).text().replace(",", ""))
    resume = write_txt(
        tmp_path / "ignatius.txt",
        resume_lines("Ignatius Pemberton", "ignatius@example.org", "(303) 555-0161"),
    )
    rect = table.visualItemRect(table.item(row, 0))
    assert send_drop(qtbot, table.viewport(), url_mime([resume]), QPointF(rect.center()))

    (item,) = wait_finished(qtbot, win, 1)
    assert item.state == "done", item.message
    with demo_ctx.read() as session:
        membership = session.get(PoolMembership, (pool_id, item.result.candidate_id))
    assert membership is not None
    qtbot.waitUntil(
        lambda: table.item(row, 1).text().replace(",", "") == str(members_before + 1),
        timeout=5000,
    )


def test_bad_files_fail_alone_with_a_message_and_retry_requeues_them(
    qtbot, win: MainWindow, demo_ctx: ServiceContext, tmp_path: Path
) -> None:
    folder = tmp_path / "mixed"
    good = three_resumes(folder)
    corrupt = folder / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\ngarbage\n")
    empty = folder / "empty.txt"
    empty.write_bytes(b"")
    win.intake.import_paths([*good.values(), corrupt, empty])

    items = results_by_name(wait_finished(qtbot, win, 5))
    assert {name: items[name].state for name in items} == {
        "quillon.txt": "done",
        "rosalind.docx": "done",
        "thaddeus.pdf": "done",
        "corrupt.pdf": "failed",
        "empty.txt": "failed",
    }
    assert "corrupt.pdf: the PDF is damaged and cannot be read." in items["corrupt.pdf"].message
    assert items["corrupt.pdf"].error_kind == "corrupt"
    assert "empty.txt: the file is empty." in items["empty.txt"].message
    assert items["empty.txt"].error_kind == "empty"
    panel = win.intake.panel
    model = panel.model
    shown = {model.data(model.index(r, 0)): model.data(model.index(r, 2)) for r in range(5)}
    assert shown["corrupt.pdf"] == items["corrupt.pdf"].message  # the message, per file
    assert shown["empty.txt"] == items["empty.txt"].message
    assert {model.data(model.index(r, 1)) for r in range(5)} == {"Imported", "Failed"}
    assert panel.summary.text().startswith("3 imported · 2 failed · 0 to go")
    assert panel.retry.isEnabled() and not panel.cancel.isEnabled()
    failed_ids = sorted(model.failed_ids())
    assert failed_ids == sorted([items["corrupt.pdf"].item_id, items["empty.txt"].item_id])

    # The recruiter fixes the two files and presses Retry failed: the same rows run again.
    write_pdf(corrupt, resume_lines("Cordelia Fenwright", "cordelia@example.org", "(303) 555-0171"))
    write_txt(empty, resume_lines("Evander Holloway", "evander@example.org", "(303) 555-0172"))
    qtbot.mouseClick(panel.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.failed_ids() == [], timeout=5000)  # re-queued at once
    items = results_by_name(wait_finished(qtbot, win, 5))
    assert len(model.items) == 5  # updated in place, not added as new rows
    assert items["corrupt.pdf"].state == "done" and items["empty.txt"].state == "done"
    assert panel.summary.text().startswith("5 imported · 0 failed")
    assert not panel.retry.isEnabled()
    assert candidate_named(demo_ctx, "Cordelia", "Fenwright")
    assert candidate_named(demo_ctx, "Evander", "Holloway")


def test_review_dialog_saves_an_edit_on_ctrl_return(
    qtbot, win: MainWindow, demo_ctx: ServiceContext, tmp_path: Path
) -> None:
    files = three_resumes(tmp_path / "review")
    win.intake.import_paths(list(files.values()))
    items = wait_finished(qtbot, win, 3)
    assert all(item.state == "done" for item in items)
    first = items[0].result
    seen: dict[str, object] = {}

    def review(dialog: QWidget) -> None:
        assert isinstance(dialog, ReviewDialog)
        seen["documents"] = list(dialog.document_ids)
        seen["position"] = dialog.position_label.text()
        assert dialog.item is not None and dialog.item.document_id == first.document_id
        seen["file"] = dialog.title.text()
        edit = dialog.fields["current_title"]
        edit.setFocus()
        edit.selectAll()
        edit.setText("Principal Data Scientist")
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
            QApplication.sendEvent(dialog.fields["name"], event)
        seen["after"] = dialog.position_label.text()
        seen["accepted"] = set(dialog.accepted_ids)
        dialog.reject()

    driver = ModalDriver(ReviewDialog, review)
    win.review_imports()
    driver.check()
    assert seen["documents"] == [item.result.document_id for item in items]
    assert seen["position"] == "1 of 3"
    assert seen["file"] == Path(items[0].path).name
    assert seen["accepted"] == {first.document_id}
    assert seen["after"] == "2 of 3"  # accepted and moved on to the next resume
    profile = candidate_profile(demo_ctx, first.candidate_id)
    assert profile.current_title == "Principal Data Scientist"
    assert isinstance(win.findChild(QLineEdit), QLineEdit)  # the window lives on


def test_possible_duplicate_is_listed_and_merged(
    qtbot, win: MainWindow, demo_ctx: ServiceContext, tmp_path: Path
) -> None:
    folder = tmp_path / "twins"
    folder.mkdir()
    one = write_txt(
        folder / "zenobia-1.txt",
        resume_lines("Zenobia Quartermaine", "zenobia.q@example.org", "(303) 555-0181"),
    )
    two = write_docx(
        folder / "zenobia-2.docx",
        resume_lines("Zenobia Quartermaine", "zq.work@example.net", "(720) 555-0182"),
    )
    seen = published(win)
    win.intake.import_paths([one, two])
    items = wait_finished(qtbot, win, 2)
    assert all(item.state == "done" and item.result.created for item in items), [
        item.message for item in items
    ]
    ids = sorted(item.result.candidate_id for item in items)
    # The suspected pair is announced, so an open duplicates queue reloads.
    qtbot.waitUntil(lambda: bool(published_ids(seen, ChangeKind.DUPLICATES)), timeout=5000)
    assert published_ids(seen, ChangeKind.CANDIDATES) >= set(ids)
    assert sorted(candidate_named(demo_ctx, "Zenobia", "Quartermaine")) == ids
    later = max(items, key=lambda item: item.result.candidate_id)
    assert later.result.possible_duplicates == (ids[0],)
    assert "possible duplicate" in win.intake.panel.model.data(
        win.intake.panel.model.index(win.intake.panel.model.rows_by_id[later.item_id], 2)
    )
    outcome: dict[str, object] = {}

    def merge(dialog: QWidget) -> None:
        assert isinstance(dialog, MergeDialog)
        outcome["pair"] = (dialog.survivor_id, dialog.other_id)
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

    def queue(dialog: QWidget) -> None:
        assert isinstance(dialog, DuplicatesDialog)
        rows = [
            row
            for row, suspect in enumerate(dialog.suspects)
            if sorted((suspect.candidate_id, suspect.other_candidate_id)) == ids
        ]
        assert len(rows) == 1, "the pair is not in the queue"
        suspect = dialog.suspects[rows[0]]
        outcome["reason"] = suspect.reason
        dialog.table.selectRow(rows[0])
        merging = ModalDriver(MergeDialog, merge)
        outcome["merged"] = dialog.merge_selected()  # runs the merge dialog's event loop
        merging.check()
        outcome["left"] = [
            s
            for s in dialog.suspects
            if {s.candidate_id, s.other_candidate_id} & set(ids)  # reloaded after the merge
        ]
        dialog.accept()

    driver = ModalDriver(DuplicatesDialog, queue)
    win.review_duplicates()
    driver.check()
    assert outcome["merged"] is True
    assert outcome["pair"] == (ids[0], ids[1])  # the older record survives
    assert "similar name" in str(outcome["reason"]) and "same city" in str(outcome["reason"])
    assert outcome["left"] == []
    assert candidate_named(demo_ctx, "Zenobia", "Quartermaine") == [ids[0]]
    with demo_ctx.read() as session:
        emails = set(
            session.scalars(
                select(CandidateEmail.email).where(CandidateEmail.candidate_id == ids[0])
            )
        )
        open_suspects = session.scalar(
            select(func.count(DuplicateSuspect.id)).where(
                DuplicateSuspect.resolved_at.is_(None),
                (DuplicateSuspect.candidate_id.in_(ids))
                | (DuplicateSuspect.other_candidate_id.in_(ids)),
            )
        )
    assert emails == {"zenobia.q@example.org", "zq.work@example.net"}
    assert open_suspects == 0
    assert set(candidate_profile(demo_ctx, ids[0]).emails) == emails


def test_inbox_folder_imports_files_placed_there_later(
    qtbot, win: MainWindow, demo_ctx: ServiceContext, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    win.intake.inbox_interval_s = 0.2  # the default looks every 5 s
    win.set_inbox_folder(str(inbox))
    assert win.workspace.settings.inbox_folder == str(inbox)
    qtbot.wait(500)
    assert win.intake.panel.model.items == []  # nothing there yet

    staging = tmp_path / "staging"
    staging.mkdir()
    resume = write_pdf(
        staging / "octavia.pdf",
        resume_lines("Octavia Blackwood", "octavia@example.org", "(303) 555-0191"),
    )
    os.replace(resume, inbox / "octavia.pdf")  # appears whole, as a finished download would
    (item,) = wait_finished(qtbot, win, 1)
    assert item.state == "done", item.message
    assert Path(item.path) == inbox / "octavia.pdf"
    assert candidate_named(demo_ctx, "Octavia", "Blackwood") == [item.result.candidate_id]
    qtbot.wait(600)  # more looks at the folder: the same file is not imported twice
    assert len(win.intake.panel.model.items) == 1

    win.set_inbox_folder("")  # stop watching
    assert win.intake._inbox is None


def test_an_empty_duplicates_queue_says_none_found(qtbot, demo_ctx) -> None:
    from app.services.candidates.duplicates import list_duplicate_suspects

    assert list_duplicate_suspects(demo_ctx) == []
    dialog = DuplicatesDialog(demo_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.empty.isVisible() and "None found" in dialog.empty.text()
    assert not dialog.table.isVisible() and not dialog.merge_button.isEnabled()


def test_the_merge_dialog_names_both_people(qtbot, demo_ctx) -> None:
    from app.services.candidates.records import field_values

    first = field_values(demo_ctx, 1, ("first_name", "last_name"))
    second = field_values(demo_ctx, 2, ("first_name", "last_name"))
    dialog = MergeDialog(demo_ctx, 1, 2)
    qtbot.addWidget(dialog)
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert f"{second['first_name']} {second['last_name']} will be merged into" in texts
    assert f"{first['first_name']} {first['last_name']}" in texts
    assert "#1" not in texts and "#2" not in texts


def test_new_rows_scroll_into_view_unless_the_user_scrolled_up(qtbot) -> None:
    from app.ui.intake.panel import IntakePanel
    from app.ui.theme import LIGHT
    from app.workers.intake import ItemUpdate

    panel = IntakePanel(LIGHT)
    qtbot.addWidget(panel)
    panel.resize(600, 200)
    panel.show()
    qtbot.waitExposed(panel)
    scroll = panel.table.verticalScrollBar()
    panel.apply_many([ItemUpdate(n, f"/tmp/cv{n}.txt", "queued") for n in range(40)])
    assert scroll.maximum() > 0 and scroll.value() == scroll.maximum()
    panel.apply_many([ItemUpdate(n, f"/tmp/cv{n}.txt", "queued") for n in range(40, 50)])
    assert scroll.value() == scroll.maximum()  # still following the newest
    scroll.setValue(0)  # the user goes back up to read an earlier row
    panel.apply_many([ItemUpdate(n, f"/tmp/cv{n}.txt", "queued") for n in range(50, 60)])
    assert scroll.value() == 0


def test_a_dropped_folder_is_walked_off_the_gui_thread(
    qtbot, win: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    from app.workers import intake

    files = three_resumes(tmp_path / "folder")
    real_expand = intake.expand
    walked_on: list[str] = []

    def recording_expand(paths, scratch):
        walked_on.append(threading.current_thread().name)
        return real_expand(paths, scratch)

    monkeypatch.setattr(intake, "expand", recording_expand)
    win.intake.import_paths([tmp_path / "folder"])
    items = wait_finished(qtbot, win, len(files))
    assert all(item.state == "done" for item in items)
    assert walked_on and threading.main_thread().name not in walked_on


def test_the_dock_shows_before_the_work_starts(qtbot, win: MainWindow, tmp_path: Path) -> None:
    """The dock's first appearance (a relayout and repaint of the window) is not shared with
    the intake's threads and processes starting: they start on the next pass."""
    files = three_resumes(tmp_path / "in")
    dock = win.intake
    dock.import_paths(list(files.values()))
    assert dock.isVisible() and dock.busy
    assert dock.controller is None  # nothing started yet
    items = wait_finished(qtbot, win, len(files))
    assert dock.controller is not None
    assert all(item.state == "done" for item in items)


def test_a_drop_not_yet_started_when_the_window_closes_is_dropped_quietly(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    files = three_resumes(tmp_path / "in")
    dock = window.intake
    dock.import_paths(list(files.values()))
    window.close()  # before the submission's turn comes
    qtbot.wait(50)
    assert dock.controller is None  # no runner (threads, processes) started after the close


def test_a_burst_of_progress_crosses_to_the_window_in_a_few_calls(
    qtbot, win: MainWindow, monkeypatch
) -> None:
    """Thousands of updates from the intake's thread (a folder's files being listed) cost
    the window a few queued calls, not one each; none is lost and their order is kept."""
    from app.ui.intake.dock import IntakeDock
    from app.workers.intake import ItemUpdate

    collects: list[int] = []
    real_collect = IntakeDock._collect

    def counted(dock: IntakeDock) -> None:
        collects.append(len(dock._arrivals))
        real_collect(dock)

    monkeypatch.setattr(IntakeDock, "_collect", counted)  # before the dock connects it
    dock = win.intake
    count = 3000
    sender = threading.Thread(
        target=lambda: [
            dock._receive(ItemUpdate(n, f"/in/cv{n}.txt", "queued")) for n in range(count)
        ]
    )
    sender.start()
    sender.join()
    qtbot.waitUntil(lambda: len(dock.panel.model.items) == count, timeout=WAIT_MS)
    assert sum(collects) == count
    assert len(collects) <= 3
    assert [item.item_id for item in dock.panel.model.items] == list(range(count))
