"""Through the real window: a resume added to the wrong candidate is taken back with Edit →
Undo (Ctrl+Z) and done again with Redo; the review screen's "This is a different person —
create new"; a file naming nobody waits for review and becomes a candidate once named; a
merge from Possible duplicates is undone with Ctrl+Z, and from the kept candidate's timeline
("Undo this merge"). Every undo is checked against every row SQLite holds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.parsing.result import ParsedResume
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.candidates.timeline import add_note
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.intake.importer import import_resume
from app.store.database import Database
from app.store.models import Candidate, Document
from app.ui.dialogs.duplicates import DuplicatesDialog, MergeDialog
from app.ui.dialogs.profile import ProfileDialog
from app.ui.intake.panel import FINISHED
from app.ui.intake.review import NEEDS_REVIEW_TEXT, ReviewDialog
from app.ui.main_window import MainWindow
from app.ui.merge_undo import STEP_ROLE
from tests.support import dump_candidate_tables, sqlite_rows

WAIT_MS = 60_000


def resume_text(path: Path, name: str, email: str, phone: str, title: str = "Analyst") -> Path:
    lines = [name, title, f"Denver, CO | {email} | {phone}", "", "SKILLS", "Python, SQL"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def win(window: MainWindow) -> Iterator[MainWindow]:
    """The window, closed at the end so that the intake's worker processes stop."""
    yield window
    window.close()


def finished(window: MainWindow, count: int) -> list[Any]:
    model = window.intake.panel.model
    return (
        list(model.items)
        if len(model.items) >= count and all(item.state in FINISHED for item in model.items)
        else []
    )


def wait_finished(qtbot, window: MainWindow, count: int) -> list[Any]:
    qtbot.waitUntil(lambda: bool(finished(window, count)), timeout=WAIT_MS)
    qtbot.wait(150)  # the dock applies and publishes its last batch
    return finished(window, count)


def keys(window: MainWindow, qtbot, action: str) -> None:
    """Edit → Undo or Redo by the shortcut the platform gives it (Ctrl+Z; Ctrl+Shift+Z or
    Ctrl+Y), typed in the window's navigation list."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.navigation.setFocus()
    shortcut = (window.undo_action if action == UNDO else window.redo_action).shortcut()
    QTest.keySequence(window.navigation, shortcut)


UNDO, REDO = "undo", "redo"


def when_modal(kind: type, act: Callable[[Any], None]) -> list[BaseException]:
    """Run ``act`` on the next modal dialog of ``kind`` (``exec()`` blocks the test); errors
    are collected and the dialog rejected, so nothing hangs."""
    errors: list[BaseException] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(30, poll)
            return
        try:
            act(dialog)
        except BaseException as exc:
            errors.append(exc)
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, poll)
    return errors


def double_click_row(qtbot, window: MainWindow, row: int) -> None:
    """A double click on a row of the Imports table, as a mouse makes it: the first click
    (press, release), then the second (QTest's double click alone starts no press)."""
    table = window.intake.panel.table
    point = table.visualRect(table.model().index(row, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=point)


def drop_on_window(qtbot, window: MainWindow, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = QPointF(window.rect().center())
    actions = Qt.DropAction.CopyAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(point.toPoint(), actions, mime, buttons, modifiers)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(
        window, QDragMoveEvent(point.toPoint(), actions, mime, buttons, modifiers)
    )
    drop = QDropEvent(point, actions, mime, buttons, modifiers)
    QApplication.sendEvent(window, drop)
    assert drop.isAccepted()


def test_ctrl_z_takes_a_resume_back_off_the_wrong_candidate_and_redo_puts_it_back(
    qtbot, win: MainWindow, demo_ctx: ServiceContext, demo_database: Database, tmp_path: Path
) -> None:
    existing = create_candidate(
        demo_ctx,
        CandidateInput("Quintessa", "Marlowe", email="quintessa@example.org", location="Denver"),
    ).value
    before = dump_candidate_tables(demo_database)
    resume = resume_text(
        tmp_path / "quintessa.txt", "Quintessa Marlowe", "quintessa@example.org", "(720) 867-5309"
    )
    win.intake.import_paths([resume])
    [item] = wait_finished(qtbot, win, 1)
    assert item.state == "done" and item.result.candidate_id == existing, item.message
    assert "same email address quintessa@example.org" in item.message
    assert win.undo_stack.undoText() == "Add quintessa.txt to Quintessa Marlowe"
    merged = dump_candidate_tables(demo_database)
    assert merged != before

    keys(win, qtbot, UNDO)
    assert dump_candidate_tables(demo_database, skip_document=item.result.document_id) == before
    assert win.statusBar().currentMessage() == (
        "Undone: adding quintessa.txt to Quintessa Marlowe."
    )
    model = win.intake.panel.model
    assert model.data(model.index(0, 1)) == "Needs review"  # the file waits, linked to nobody

    keys(win, qtbot, REDO)
    assert dump_candidate_tables(demo_database) == merged
    assert model.data(model.index(0, 1)) == "Imported"


def test_review_screen_makes_a_different_person_of_a_wrongly_attached_file(
    qtbot, win: MainWindow, demo_ctx: ServiceContext, demo_database: Database, tmp_path: Path
) -> None:
    existing = create_candidate(
        demo_ctx,
        CandidateInput("Thaddeus", "Okafor", email="t.okafor@example.org", phone="(720) 867-5309"),
    ).value
    owned = "SELECT * FROM {} WHERE candidate_id = " + str(existing) + " ORDER BY rowid"
    tables = ("candidate_emails", "candidate_phones", "candidate_skills", "activities")
    before = {t: sqlite_rows(demo_database.path, owned.format(t)) for t in tables}
    resume = resume_text(
        tmp_path / "thaddeus.txt", "Thaddeus Okafor", "thaddeus.o@example.net", "720.867.5309"
    )
    win.intake.import_paths([resume])
    [item] = wait_finished(qtbot, win, 1)
    assert item.result.candidate_id == existing and not item.result.created, item.message
    seen: dict[str, Any] = {}

    def review(dialog: ReviewDialog) -> None:
        seen["status"] = dialog.status.text()
        seen["split shown"] = dialog.split_button.isVisible()
        seen["email before"] = dialog.fields["email"].text()
        qtbot.mouseClick(dialog.split_button, Qt.MouseButton.LeftButton)
        seen["after"] = dialog.status.text()
        seen["email after"] = dialog.fields["email"].text()
        seen["split after"] = dialog.split_button.isVisible()
        seen["candidate"] = dialog.item.candidate_id if dialog.item else None
        dialog.reject()

    errors = when_modal(ReviewDialog, review)
    double_click_row(qtbot, win, 0)
    assert errors == []
    assert seen["status"] == (
        f"Added to Thaddeus Okafor (#{existing}) because of the same phone number "
        "(720) 867-5309 and a similar name."
    )
    assert seen["split shown"] and not seen["split after"]
    # The attach had added the new resume's address to the existing person's record.
    assert seen["email before"] == "t.okafor@example.org, thaddeus.o@example.net"
    assert seen["after"] == (
        "New candidate made from this file; Thaddeus Okafor is back exactly as before."
    )
    assert seen["email after"] == "thaddeus.o@example.net"
    new_id = seen["candidate"]
    assert new_id not in (None, existing)
    assert {t: sqlite_rows(demo_database.path, owned.format(t)) for t in tables} == before
    with demo_ctx.read() as session:
        assert session.get_one(Document, item.result.document_id).candidate_id == new_id
    model = win.intake.panel.model
    assert model.data(model.index(0, 2)) == "new candidate Thaddeus Okafor"


def test_a_file_naming_nobody_waits_for_review_and_a_fake_docx_is_refused(
    qtbot, win: MainWindow, demo_ctx: ServiceContext, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("some words about nothing in particular\n", encoding="utf-8")
    fake = tmp_path / "fake.docx"
    fake.write_text("Just some text saved with the wrong extension.\n", encoding="utf-8")
    with demo_ctx.read() as session:
        people = len(session.scalars(select(Candidate.id)).all())
    drop_on_window(qtbot, win, [notes, fake])
    items = {Path(i.path).name: i for i in wait_finished(qtbot, win, 2)}
    assert items["fake.docx"].state == "failed"
    assert items["fake.docx"].message == "fake.docx is not a Word document (it is plain text)."
    assert items["notes.txt"].state == "review"
    panel = win.intake.panel
    assert panel.summary.text() == "0 imported · 1 needs review · 1 failed · 0 to go"
    row = panel.model.rows_by_id[items["notes.txt"].item_id]
    assert panel.model.data(panel.model.index(row, 1)) == "Needs review"
    assert panel.model.data(panel.model.index(row, 2)) == (
        "needs review: no name, email or phone found"
    )
    seen: dict[str, Any] = {}

    def review(dialog: ReviewDialog) -> None:
        seen["status"] = dialog.status.text()
        seen["button"] = dialog.accept_button.text()
        name = dialog.fields["name"]
        name.setFocus()
        qtbot.keyClick(name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        seen["refused"] = dialog.hints["name"].text()
        seen["still open"] = dialog.isVisible()
        qtbot.keyClicks(name, "Philippa Yarrow")
        qtbot.keyClick(name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        seen["closed"] = not dialog.isVisible()

    errors = when_modal(ReviewDialog, review)
    double_click_row(qtbot, win, row)
    assert errors == []
    assert seen["status"] == NEEDS_REVIEW_TEXT and seen["button"] == "Create candidate"
    assert seen["refused"] == "A name is required." and seen["still open"]
    assert seen["closed"]
    with demo_ctx.read() as session:
        made = session.scalars(select(Candidate).where(Candidate.first_name == "Philippa")).one()
        assert made.last_name == "Yarrow"
        assert len(session.scalars(select(Candidate.id)).all()) == people + 1
    assert panel.model.data(panel.model.index(row, 1)) == "Imported"


def _pair(ctx: ServiceContext, folder: Path) -> tuple[int, int]:
    """Two records of one person (similar name, same city): a suspect pair."""
    ids = []
    for n, name in enumerate(("Evangeline Thistlewood", "Evangelina Thistlewood")):
        path = folder / f"ev{n}.txt"
        path.write_text(f"{name}\n", encoding="utf-8")
        parsed = ParsedResume(
            file=path.name,
            name=name,
            emails=(f"ev{n}@example.org",),
            location="Boulder, CO",
            skills=("Python", f"Skill{n}"),
            text=name,
        )
        ids.append(import_resume(ctx, folder / "documents", path, parsed).value.candidate_id)
    return ids[0], ids[1]


def test_a_merge_from_possible_duplicates_is_undone_with_ctrl_z(
    qtbot, win: MainWindow, demo_ctx: ServiceContext, demo_database: Database, tmp_path: Path
) -> None:
    survivor, other = _pair(demo_ctx, tmp_path)
    before = dump_candidate_tables(demo_database)

    def merge(dialog: MergeDialog) -> None:
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

    def queue(dialog: DuplicatesDialog) -> None:
        row = next(
            r
            for r, s in enumerate(dialog.suspects)
            if {s.candidate_id, s.other_candidate_id} == {survivor, other}
        )
        dialog.table.selectRow(row)
        inner = when_modal(MergeDialog, merge)
        assert dialog.merge_selected()
        assert inner == []
        dialog.accept()

    errors = when_modal(DuplicatesDialog, queue)
    win.review_duplicates()
    assert errors == []
    with demo_ctx.read() as session:
        assert session.get(Candidate, other) is None
    assert win.undo_stack.undoText() == ("Merge Evangelina Thistlewood into Evangeline Thistlewood")
    keys(win, qtbot, UNDO)
    assert dump_candidate_tables(demo_database) == before
    assert "Undone: merging Evangelina Thistlewood" in win.statusBar().currentMessage()


def test_undo_this_merge_on_the_timeline_entry(
    qtbot, demo_ctx: ServiceContext, demo_database: Database, tmp_path: Path, monkeypatch
) -> None:
    from app.services.candidates.duplicates import merge_candidates

    survivor, other = _pair(demo_ctx, tmp_path)
    before = dump_candidate_tables(demo_database)
    merge_candidates(demo_ctx, survivor, other, {})
    dialog = ProfileDialog(demo_ctx, survivor)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    timeline = dialog.timeline
    rows = [r for r in range(timeline.count()) if timeline.item(r).data(STEP_ROLE)]
    assert len(rows) == 1
    item = timeline.item(rows[0])
    assert f"Merged with candidate #{other}" in item.text()
    assert "right-click: Undo this merge" in item.text()
    assert not dialog.undo_merge_action.isEnabled()  # nothing chosen yet
    assert dialog.undo_merge_action in timeline.actions()  # the timeline's context menu
    timeline.scrollToItem(item)
    qtbot.mouseClick(
        timeline.viewport(), Qt.MouseButton.LeftButton, pos=timeline.visualItemRect(item).center()
    )
    assert timeline.currentItem() is item and dialog.undo_merge_action.isEnabled()
    asked: list[str] = []
    monkeypatch.setattr(dialog, "confirm", lambda title, text: asked.append(text) or True)
    dialog.undo_merge_action.trigger()
    assert asked == [
        "Take back merging Evangelina Thistlewood into Evangeline Thistlewood? The records "
        "go back exactly as they were before it."
    ]
    assert dump_candidate_tables(demo_database) == before
    texts = [timeline.item(r).text() for r in range(timeline.count())]
    assert not any("Merged with" in text for text in texts)
    assert dialog.all_changes().ids[ChangeKind.CANDIDATES] >= {survivor, other}


def test_the_timeline_says_why_a_merge_can_no_longer_be_undone(
    qtbot, demo_ctx: ServiceContext, tmp_path: Path
) -> None:
    from app.services.candidates.duplicates import merge_candidates

    survivor, other = _pair(demo_ctx, tmp_path)
    merge_candidates(demo_ctx, survivor, other, {})
    add_note(demo_ctx, survivor, "Spoke on the phone; prefers remote work.")
    dialog = ProfileDialog(demo_ctx, survivor)
    qtbot.addWidget(dialog)
    timeline = dialog.timeline
    [row] = [r for r in range(timeline.count()) if timeline.item(r).data(STEP_ROLE)]
    item = timeline.item(row)
    assert "right-click" not in item.text()
    assert "changed since (timeline)" in item.toolTip()
    timeline.setCurrentItem(item)
    assert not dialog.undo_merge_action.isEnabled()
    assert "changed since (timeline)" in dialog.undo_merge_action.toolTip()
