"""The board card's compliance actions: basic qualifications, and the self-identification
form, which a recruiter fills in and which never shows stored answers back."""

from __future__ import annotations

import sqlite3

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QComboBox, QLabel

from app.services.compliance.eeo import has_eeo_answers
from app.services.pipeline.board import load_board
from app.store.database import Database
from app.ui.board.view import BoardWidget
from app.ui.dialogs.eeo_form import NOT_ANSWERED, QUESTIONS, EeoFormDialog
from app.ui.theme import LIGHT
from tests.services.compliance.eeo_world import World, world


def _board(qtbot, w: World, ctx=None) -> BoardWidget:
    services = ctx or w.recruiter
    widget = BoardWidget(
        services, LIGHT, QUndoStack(), lambda: load_board(services, w.job_id), lambda _c: None
    )
    qtbot.addWidget(widget)
    widget.reload()
    return widget


def _action(menu, name: str):
    return next(a for a in menu.actions() if a.objectName() == name or (
        a.menu() is not None and a.menu().objectName() == name
    ))  # fmt: skip


def test_the_form_records_answers_and_never_shows_them_back(qtbot, database: Database) -> None:
    w = world(database)
    brian = w.applications["Brian"]  # answered already (a Pacific Islander man, a veteran)
    dialog = EeoFormDialog(w.recruiter, brian)
    qtbot.addWidget(dialog)
    labels = [dialog.form.itemAt(i).widget() for i in range(dialog.form.count())]
    texts = " ".join(label.text() for label in labels if isinstance(label, QLabel))
    assert "already recorded" in texts
    boxes = dialog.findChildren(QComboBox)
    assert [box.objectName() for box in boxes] == [name for name, _label, _kind in QUESTIONS]
    assert all(box.currentText() == NOT_ANSWERED for box in boxes)  # blank, never the answers
    dialog.choices["sex"].setCurrentIndex(dialog.choices["sex"].findData("female"))
    dialog.choices["race"].setCurrentIndex(dialog.choices["race"].findData("asian"))
    dialog.accept()
    assert dialog.outcome is not None
    with sqlite3.connect(database.path) as raw:
        row = raw.execute(
            "SELECT hispanic_latino, race, sex, veteran FROM eeo_answers WHERE application_id = ?",
            (brian,),
        ).fetchone()
    assert row == (None, "asian", "female", None)  # replaced as a whole


def test_a_fresh_form_says_nothing_was_recorded(qtbot, database: Database) -> None:
    w = world(database)
    dana = w.applications["Dana"]
    assert not has_eeo_answers(w.recruiter, dana)
    dialog = EeoFormDialog(w.recruiter, dana)
    qtbot.addWidget(dialog)
    assert dialog.findChild(QLabel, "recorded") is None
    dialog.accept()
    assert has_eeo_answers(w.recruiter, dana)


def test_the_card_menu_sets_qualifications_and_opens_the_form(
    qtbot, database: Database, monkeypatch
) -> None:
    w = world(database)
    board = _board(qtbot, w)
    ada = w.applications["Ada"]
    menu = board.build_menu([ada])
    qualifications = _action(menu, "basicQualifications").menu()
    assert [a.isChecked() for a in qualifications.actions()] == [False, False, True]
    heard = []
    board.changes_made.connect(heard.append)
    next(a for a in qualifications.actions() if a.text() == "Met").trigger()
    assert heard
    menu = board.build_menu([ada])
    checked = [a.text() for a in _action(menu, "basicQualifications").menu().actions()
               if a.isChecked()]  # fmt: skip
    assert checked == ["Met"]
    opened: list[int] = []
    monkeypatch.setattr(EeoFormDialog, "exec", lambda self: opened.append(self.application_id))
    identify = _action(menu, "selfIdentification")
    assert identify.isEnabled()
    identify.trigger()
    assert opened == [ada]


def test_a_hiring_manager_gets_neither_action(qtbot, database: Database) -> None:
    from app.services.admin.user_admin import set_hiring_managers
    from app.services.core.roles import Role
    from tests.services.compliance.eeo_world import as_role

    w = world(database)
    manager = as_role(database, w.admin, "harry.manager", Role.HIRING_MANAGER)
    set_hiring_managers(w.admin, w.job_id, [manager.actor.user_id])  # they read its board
    board = _board(qtbot, w, manager)
    menu = board.build_menu([w.applications["Ada"]])
    assert not _action(menu, "selfIdentification").isEnabled()
    assert not _action(menu, "basicQualifications").isEnabled()


def test_the_job_form_edits_the_eeo_job_category(qtbot, database: Database) -> None:
    from app.services.pipeline.jobs import get_job
    from app.store.enums import EeoJobCategory
    from app.ui.dialogs.job_editor import EditJobDialog

    w = world(database)
    dialog = EditJobDialog(w.recruiter, w.job_id)
    qtbot.addWidget(dialog)
    assert dialog.eeo_category.currentText() == "Professionals"  # as created
    dialog.eeo_category.setCurrentIndex(dialog.eeo_category.findData("technicians"))
    dialog.accept()
    assert dialog.outcome is not None
    assert get_job(w.recruiter, w.job_id).eeo_category is EeoJobCategory.TECHNICIANS
    dialog = EditJobDialog(w.recruiter, w.job_id)
    qtbot.addWidget(dialog)
    dialog.eeo_category.setCurrentIndex(0)  # "Not set"
    dialog.accept()
    assert get_job(w.recruiter, w.job_id).eeo_category is None
