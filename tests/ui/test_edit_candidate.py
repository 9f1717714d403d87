"""Editing and deleting a candidate from the Candidates list's context menu and from the
profile, driven with real clicks and keys; Edit → Undo takes an edit back exactly."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMenu, QMessageBox, QPushButton
from sqlalchemy import func, select

from app.services.candidates.delete import open_pipeline_jobs, recent_applications
from app.services.candidates.edit import CandidateValues, read_values, update_candidate
from app.services.core.changes import ChangeKind, Changes
from app.store.models import (
    Activity,
    Application,
    Candidate,
    CandidateEmail,
    Document,
    PoolMembership,
)
from app.ui.dialogs.candidate_actions import DELETE_BUTTON, confirm_and_delete
from app.ui.dialogs.edit_candidate import EditCandidateDialog
from app.ui.dialogs.profile import ProfileDialog
from app.ui.main_window import MainWindow
from app.ui.sections.candidates import CandidatesSection
from tests.support import applied_long_ago


def _section(window: MainWindow) -> CandidatesSection:
    window.show_section("candidates")
    return window.section("candidates")  # type: ignore[return-value]


def _values(window: MainWindow, candidate_id: int) -> CandidateValues:
    with window.services.read() as session:
        return read_values(session, candidate_id)


def _exists(window: MainWindow, candidate_id: int) -> bool:
    with window.services.read() as session:
        return session.get(Candidate, candidate_id) is not None


def _when_modal(kind: type, act: Callable) -> None:
    """Once a modal ``kind`` is up and the active window (what has the keyboard focus: its
    fields' completers answer only then), let ``act`` drive it (as a user would)."""
    waited = [0]

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if not isinstance(widget, kind):
            QTimer.singleShot(20, poll)
            return
        if not widget.isActiveWindow() and waited[0] < 250:  # 5 s, then act (and fail)
            waited[0] += 1
            widget.activateWindow()
            QTimer.singleShot(20, poll)
            return
        try:
            act(widget)
        except BaseException:
            widget.close()  # a failed step fails the test instead of leaving it blocked
            raise

    QTimer.singleShot(0, poll)


def _context_menu(qtbot, section: CandidatesSection, row: int, text: str) -> bool:
    """Right-click ``row`` and click the menu entry ``text``; whether it was enabled."""
    enabled: list[bool] = []

    def pick() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(20, pick)
            return
        action = next((a for a in menu.actions() if a.text() == text), None)
        if action is None:
            menu.close()
            return
        enabled.append(action.isEnabled())
        if action.isEnabled():
            where = menu.actionGeometry(action).center()
            qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=where)
        else:
            menu.close()

    viewport = section.table.viewport()
    point = section.table.visualRect(section.model.index(row, 0)).center()
    QTimer.singleShot(0, pick)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, viewport.mapToGlobal(point))
    QApplication.sendEvent(viewport, event)
    return enabled == [True]


def _click_row(qtbot, section: CandidatesSection, row: int) -> int:
    point = section.table.visualRect(section.model.index(row, 0)).center()
    qtbot.mouseClick(section.table.viewport(), Qt.MouseButton.LeftButton, pos=point)
    return section.model.rows[row].id


def _retype(qtbot, edit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    if text:
        qtbot.keyClicks(edit, text)


def _save(qtbot, dialog: EditCandidateDialog) -> None:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_edit_from_the_list_then_undo_restores_exactly_and_redo_again(
    window: MainWindow, qtbot
) -> None:
    section = _section(window)
    candidate_id = _click_row(qtbot, section, 0)
    original = _values(window, candidate_id)

    def edit(dialog: EditCandidateDialog) -> None:
        _retype(qtbot, dialog.first_name, "Zelda")
        _retype(qtbot, dialog.location, "Reykjavik")
        qtbot.keyClicks(dialog.emails.entry, "zelda@new.example")
        qtbot.keyClick(dialog.emails.entry, Qt.Key.Key_Return)  # adds; does not save
        assert dialog.isVisible() and dialog.emails.items.count() == len(original.emails) + 1
        dialog.emails.items.setCurrentRow(dialog.emails.items.count() - 1)
        qtbot.mouseClick(dialog.emails.primary_button, Qt.MouseButton.LeftButton)
        qtbot.keyClicks(dialog.phones.entry, "+354 555 0100")
        _retype(qtbot, dialog.tags, "Nordics, reloc")
        completer = dialog.tags.completer()
        # It offers the tag in use for the item being typed. Choosing it from the popup with
        # keys depends on which window the offscreen platform deems active, so the choice is
        # made as the popup makes it: the completion activated, as its full path.
        [typing] = completer.splitPath(dialog.tags.text())  # the item being typed
        assert typing == "reloc"
        completer.setCompletionPrefix(typing)
        assert completer.completionCount() == 1 and completer.setCurrentRow(0)
        source = completer.completionModel().mapToSource(completer.currentIndex())
        chosen = completer.pathFromIndex(source)
        assert chosen == "Nordics, Relocating"  # the items before it are kept
        completer.activated.emit(chosen)
        assert dialog.tags.text() == "Nordics, Relocating" and dialog.isVisible()
        dialog.summary.setFocus()
        qtbot.keyClicks(dialog.summary, "Speaks Icelandic.")
        _save(qtbot, dialog)

    _when_modal(EditCandidateDialog, edit)
    assert _context_menu(qtbot, section, 0, "Edit…")
    edited = _values(window, candidate_id)
    assert (edited.first_name, edited.location) == ("Zelda", "Reykjavik")
    assert edited.emails == ("zelda@new.example", *original.emails)  # made primary
    assert edited.phones == (*original.phones, "+354 555 0100")  # typed, not added: kept
    assert edited.tags == ("Nordics", "Relocating")
    assert edited.summary == "Speaks Icelandic."
    assert "Zelda" in [row.values[0].split()[0] for row in section.model.rows]
    assert window.undo_action.isEnabled()
    assert window.undo_action.text().startswith("&Undo Edit Zelda")

    window.undo_action.trigger()
    assert _values(window, candidate_id) == original
    assert "Zelda" not in [row.values[0].split()[0] for row in section.model.rows]
    window.redo_action.trigger()
    assert _values(window, candidate_id) == edited
    window.undo_action.trigger()
    assert _values(window, candidate_id) == original


def test_each_field_shows_its_message_and_nothing_is_saved_until_right(
    window: MainWindow, qtbot
) -> None:
    with window.services.read() as session:
        candidate_id, other_id = session.scalars(
            select(CandidateEmail.candidate_id).order_by(CandidateEmail.candidate_id).limit(2)
        ).all()
        taken = session.scalars(
            select(CandidateEmail.email).where(CandidateEmail.candidate_id == other_id)
        ).first()
    original = _values(window, candidate_id)
    seen: dict[str, str] = {}

    def edit(dialog: EditCandidateDialog) -> None:
        _retype(qtbot, dialog.last_name, "")
        qtbot.keyClicks(dialog.phones.entry, "call me")
        _retype(qtbot, dialog.headline, "x" * 301)
        _save(qtbot, dialog)
        seen.update(
            last=dialog.error_text("last_name"),
            phones=dialog.error_text("phones"),
            headline=dialog.error_text("headline"),
        )
        assert dialog.isVisible()
        _retype(qtbot, dialog.last_name, "Roe")
        _retype(qtbot, dialog.phones.entry, "")
        _retype(qtbot, dialog.headline, "Backend engineer")
        qtbot.keyClicks(dialog.emails.entry, taken.upper())
        _save(qtbot, dialog)
        seen["emails"] = dialog.error_text("emails")
        assert _values(window, candidate_id) == original  # still nothing saved
        _retype(qtbot, dialog.emails.entry, "")
        _save(qtbot, dialog)

    profile = ProfileDialog(
        window.services, candidate_id, parent=window, undo_stack=window.undo_stack
    )
    qtbot.addWidget(profile)
    _when_modal(EditCandidateDialog, edit)
    qtbot.mouseClick(profile.edit_button, Qt.MouseButton.LeftButton)
    assert seen["last"] == "Last name is required."
    assert seen["phones"].startswith("“call me”: Use digits")
    assert seen["headline"] == "At most 300 characters."
    assert seen["emails"].startswith(f"{taken} belongs to ")
    assert f"(#{other_id})" in seen["emails"]
    now = _values(window, candidate_id)
    assert (now.last_name, now.headline) == ("Roe", "Backend engineer")
    assert profile.name_label.text().endswith(" Roe")  # the profile shows the edit
    assert profile.all_changes().touches(ChangeKind.CANDIDATES)


def test_a_field_changed_meanwhile_is_shown_and_saving_again_keeps_mine(
    window: MainWindow, qtbot
) -> None:
    with window.services.read() as session:
        candidate_id = session.scalar(select(func.min(Candidate.id)))
    messages: list[str] = []

    def edit(dialog: EditCandidateDialog) -> None:
        now = _values(window, candidate_id)  # somebody else, while the form is open
        update_candidate(
            window.services,
            candidate_id,
            dataclasses.replace(now, location="Lisbon"),
            now,
        )
        _retype(qtbot, dialog.location, "Porto")
        _save(qtbot, dialog)
        messages.append(dialog.error_text("location"))
        _save(qtbot, dialog)

    profile = ProfileDialog(window.services, candidate_id, parent=window)
    qtbot.addWidget(profile)
    _when_modal(EditCandidateDialog, edit)
    qtbot.mouseClick(profile.edit_button, Qt.MouseButton.LeftButton)
    assert messages == [
        "Someone else changed this meanwhile; it is now “Lisbon”. Save again to keep yours."
    ]
    assert _values(window, candidate_id).location == "Porto"


def test_edit_from_the_profile_is_undone_from_the_window_after_it_closed(
    window: MainWindow, qtbot
) -> None:
    section = _section(window)
    candidate_id = section.model.rows[0].id
    original = _values(window, candidate_id)
    published: list[Changes] = []
    window.events.changed.connect(lambda changes, _origin: published.append(changes))

    def edit(dialog: EditCandidateDialog) -> None:
        _retype(qtbot, dialog.current_title, "Chief Tinkerer")
        _save(qtbot, dialog)

    def profile(dialog: ProfileDialog) -> None:
        _when_modal(EditCandidateDialog, edit)
        qtbot.mouseClick(dialog.edit_button, Qt.MouseButton.LeftButton)
        assert "Chief Tinkerer" in dialog.role_label.text()
        dialog.reject()

    _when_modal(ProfileDialog, profile)
    window.open_profile(candidate_id)
    assert _values(window, candidate_id).current_title == "Chief Tinkerer"
    assert section.model.rows[0].values[1] == "Chief Tinkerer"
    published.clear()
    window.undo_action.trigger()
    assert _values(window, candidate_id) == original
    assert any(changes.touches(ChangeKind.CANDIDATES) for changes in published)
    assert section.model.rows[0].values[1] == (original.current_title or "")


def test_delete_from_the_list_names_what_goes_and_asks_first(window: MainWindow, qtbot) -> None:
    section = _section(window)
    shown = [r.id for r in section.model.rows]
    with window.services.read() as session:  # someone on the first page, with applications
        applied = session.scalars(
            select(Application.candidate_id)
            .where(Application.candidate_id.in_(shown))
            .distinct()
            .order_by(Application.candidate_id)
        ).all()
        # ... none of them still in an open job's pipeline (deleting them would be refused)
        candidate_id = next(c for c in applied if not open_pipeline_jobs(session, c))
    applied_long_ago(window.services, candidate_id)  # the flow log would keep them otherwise
    with window.services.read() as session:
        counts = {
            noun: session.scalar(select(func.count()).where(column == candidate_id))
            for noun, column in (
                ("application", Application.candidate_id),
                ("activity", Activity.candidate_id),
                ("document", Document.candidate_id),
                ("pool membership", PoolMembership.candidate_id),
            )
        }
    row = shown.index(candidate_id)
    named = [
        f"{n} {'activities' if noun == 'activity' and n != 1 else noun + 's' * (n != 1)}"
        for noun, n in counts.items()
        if n
    ]
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
    _click_row(qtbot, section, row)
    questions: list[str] = []

    def answer(click: QMessageBox.StandardButton | str) -> Callable[[QMessageBox], None]:
        def act(box: QMessageBox) -> None:
            questions.append(box.text())
            if click == DELETE_BUTTON:
                button = box.findChild(QPushButton, DELETE_BUTTON)
            else:
                button = box.button(click)
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

        return act

    _when_modal(QMessageBox, answer(QMessageBox.StandardButton.Cancel))
    assert _context_menu(qtbot, section, row, "Delete…")
    assert _exists(window, candidate_id) and section.model.total == 500
    name = section.model.rows[row].values[0]
    assert counts["application"] and counts["activity"]
    assert questions[0] == f"Delete {name}? Their {listed} go too. This cannot be undone."

    _when_modal(QMessageBox, answer(DELETE_BUTTON))
    assert _context_menu(qtbot, section, row, "Delete…")
    assert not _exists(window, candidate_id)
    assert section.model.total == 499
    assert candidate_id not in [r.id for r in section.model.rows]
    assert window.statusBar().currentMessage() == f"Deleted {name}."


def test_edit_and_delete_need_exactly_one_row(window: MainWindow, qtbot) -> None:
    section = _section(window)
    _click_row(qtbot, section, 0)
    point = section.table.visualRect(section.model.index(2, 0)).center()
    qtbot.mouseClick(
        section.table.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ShiftModifier,
        point,
    )
    assert len(section.selected_ids()) == 3
    assert not _context_menu(qtbot, section, 1, "Edit…")
    assert not _context_menu(qtbot, section, 1, "Delete…")
    assert all(_exists(window, r.id) for r in section.model.rows[:3])


def test_delete_from_the_profile_closes_it_and_the_list_forgets_them(
    window: MainWindow, qtbot
) -> None:
    section = _section(window)
    with window.services.read() as session:
        candidate_id = next(
            r.id for r in section.model.rows[3:] if not open_pipeline_jobs(session, r.id)
        )
    applied_long_ago(window.services, candidate_id)
    closed: list[int] = []

    def profile(dialog: ProfileDialog) -> None:
        def confirm(box: QMessageBox) -> None:
            button = box.findChild(QPushButton, DELETE_BUTTON)
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

        _when_modal(QMessageBox, confirm)
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
        closed.append(dialog.result())
        assert dialog.deleted and not dialog.isVisible()

    _when_modal(ProfileDialog, profile)
    window.open_profile(candidate_id)
    assert closed == [ProfileDialog.DialogCode.Accepted]
    assert not _exists(window, candidate_id)
    assert candidate_id not in [r.id for r in section.model.rows]
    assert section.model.total == 499


def test_an_undo_that_no_longer_applies_says_why_and_leaves_the_stack(
    window: MainWindow, qtbot
) -> None:
    section = _section(window)
    candidate_id = _click_row(qtbot, section, 0)

    def edit(dialog: EditCandidateDialog) -> None:
        _retype(qtbot, dialog.location, "Oslo")
        _save(qtbot, dialog)

    _when_modal(EditCandidateDialog, edit)
    assert _context_menu(qtbot, section, 0, "Edit…")
    name = section.model.rows[0].values[0]
    now = _values(window, candidate_id)  # then somebody moves them on
    update_candidate(
        window.services, candidate_id, dataclasses.replace(now, location="Bergen"), now
    )
    depth = window.undo_stack.count()
    window.undo_action.trigger()
    assert _values(window, candidate_id).location == "Bergen"
    assert window.statusBar().currentMessage() == (
        f"Could not undo “Edit {name}”: Location changed since; it is now “Bergen”."
    )
    assert window.undo_stack.count() == depth - 1


def test_undoing_an_edit_of_someone_deleted_since_says_so(window: MainWindow, qtbot) -> None:
    section = _section(window)
    candidate_id = section.model.rows[5].id
    applied_long_ago(window.services, candidate_id)

    def edit(dialog: EditCandidateDialog) -> None:
        _retype(qtbot, dialog.headline, "Soon gone")
        _save(qtbot, dialog)

    def profile(dialog: ProfileDialog) -> None:
        _when_modal(EditCandidateDialog, edit)
        qtbot.mouseClick(dialog.edit_button, Qt.MouseButton.LeftButton)
        _when_modal(
            QMessageBox,
            lambda box: qtbot.mouseClick(
                box.findChild(QPushButton, DELETE_BUTTON), Qt.MouseButton.LeftButton
            ),
        )
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)

    _when_modal(ProfileDialog, profile)
    window.open_profile(candidate_id)
    assert not _exists(window, candidate_id)
    window.undo_action.trigger()
    message = window.statusBar().currentMessage()
    assert message.startswith("Could not undo “Edit ")
    assert message.endswith(f"Candidate #{candidate_id} no longer exists.")
    assert not _exists(window, candidate_id)


def test_someone_in_an_open_pipeline_is_refused_before_anything_is_asked(
    window: MainWindow, qtbot
) -> None:
    section = _section(window)
    with window.services.read() as session:
        candidate_id, jobs = next(
            (r.id, found)
            for r in section.model.rows
            if (found := open_pipeline_jobs(session, r.id))
        )
    assert f"still in the pipeline for {jobs[0]}" in _refused_unasked(window, candidate_id)


def _refused_unasked(window: MainWindow, candidate_id: int) -> str:
    """Ask to delete the candidate; the refusal shown (nothing offered to confirm), after
    checking that they are still there."""
    said: list[str] = []

    def refuse(box: QMessageBox) -> None:
        said.append(box.text())
        assert box.findChild(QPushButton, DELETE_BUTTON) is None
        box.accept()

    _when_modal(QMessageBox, refuse)
    assert confirm_and_delete(window.services, candidate_id, None, window, lambda _: None) is None
    assert said and _exists(window, candidate_id)
    return said[0]


def test_someone_the_flow_log_still_lists_is_refused_and_erasure_named(
    window: MainWindow, qtbot
) -> None:
    section = _section(window)
    with window.services.read() as session:
        candidate_id = next(
            r.id
            for r in section.model.rows
            if not open_pipeline_jobs(session, r.id) and recent_applications(session, r.id)
        )
    said = _refused_unasked(window, candidate_id)
    assert "the applicant flow log must keep" in said
    assert "Privacy → Erase personal data…" in said
