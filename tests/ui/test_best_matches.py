"""The Best matches dialog, the Jobs section's action that opens it, and Quick-add."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from sqlalchemy import select

from app.services.candidates.matching import best_matches
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.store.models import Application, Candidate, Job
from app.ui.dialogs.best_matches import SOURCE, BestMatchesDialog
from app.ui.dialogs.quick_add import QuickAddDialog


def _first_job(ctx: ServiceContext) -> int:
    with ctx.read() as session:
        return session.scalars(select(Job.id).order_by(Job.id)).first()


def test_dialog_lists_matches_with_score_and_reasons(qtbot, demo_ctx: ServiceContext) -> None:
    job_id = _first_job(demo_ctx)
    dialog = BestMatchesDialog(demo_ctx, job_id)
    qtbot.addWidget(dialog)
    assert dialog.status.text() == "Finding matches…"  # found in the background
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert dialog.status.text() == ""
    expected = best_matches(demo_ctx, job_id)
    model = dialog.table.model()
    assert model.rowCount() == len(expected) > 0
    assert model.index(0, 0).data() == f"{expected[0].score:.0f}"
    assert model.index(0, 1).data() == expected[0].name
    assert "skills:" in model.index(0, 4).data()
    assert not dialog.add_button.isEnabled()


def test_add_selected_to_the_job_first_stage(qtbot, demo_ctx: ServiceContext) -> None:
    job_id = _first_job(demo_ctx)
    dialog = BestMatchesDialog(demo_ctx, job_id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    chosen = [dialog.model.rows[0].candidate_id, dialog.model.rows[1].candidate_id]
    selection = dialog.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in (0, 1):
        selection.select(dialog.model.index(row, 0), flags)
    assert dialog.add_button.isEnabled()
    with qtbot.waitSignal(dialog.changes_made) as signal:
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert signal.args[0].touches(ChangeKind.APPLICATIONS)
    assert dialog.message.text().startswith("Added 2 to ")
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)  # the matches found again
    with demo_ctx.read() as session:
        rows = session.execute(
            select(Application.candidate_id, Application.source, Application.stage_id).where(
                Application.job_id == job_id, Application.candidate_id.in_(chosen)
            )
        ).all()
        first = session.get(Job, job_id).stages[0].id
        own = {r[0]: session.get(Candidate, r[0]).source or "Agency database" for r in rows}
    assert {r[0] for r in rows} == set(chosen)
    assert SOURCE not in {r[1] for r in rows}  # the candidate's own source, not the dialog
    assert all(r[1] == own[r[0]] for r in rows)
    assert {r[2] for r in rows} == {first}
    assert not set(chosen) & {m.candidate_id for m in dialog.model.rows}  # no longer offered
    assert dialog.all_changes().touches(ChangeKind.APPLICATIONS)


def test_jobs_section_action_opens_best_matches(qtbot, window, monkeypatch) -> None:
    shown: list[int] = []
    monkeypatch.setattr(BestMatchesDialog, "exec", lambda self: shown.append(self.job_id) or 0)
    section = window.section("jobs")
    assert section.best_matches_action in section.context_menu().actions()
    section.table.selectRow(0)
    job_id = section.selected_job().id
    assert section.best_matches_action.isEnabled()
    with qtbot.waitSignal(section.best_matches_requested) as signal:
        section.best_matches_action.trigger()
    assert signal.args == [job_id]
    assert shown == [job_id]


def test_file_menu_quick_add_opens_the_dialog(window, monkeypatch) -> None:
    opened: list[QuickAddDialog] = []
    monkeypatch.setattr(QuickAddDialog, "exec", lambda self: opened.append(self) or 0)
    action = window.quick_add_action
    assert action.text() == "&Quick-add sourced candidate…"
    assert action in window.menuBar().actions()[0].menu().actions()
    action.trigger()
    assert len(opened) == 1


def test_quick_add_dialog_parses_and_saves(qtbot, demo_ctx: ServiceContext) -> None:
    dialog = QuickAddDialog(demo_ctx)
    qtbot.addWidget(dialog)
    dialog.url.setText("https://www.linkedin.com/in/zelda-quinterra-12ab34")
    dialog.parse()
    assert dialog.fields["first_name"].text() == "Zelda"
    assert dialog.fields["last_name"].text() == "Quinterra"
    dialog.fields["email"].setText("zelda.q@example.org")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    with demo_ctx.read() as session:
        person = session.get(Candidate, dialog.candidate_id)
        assert (person.source, person.links) == (
            "Sourced",
            ["linkedin.com/in/zelda-quinterra-12ab34"],
        )
    assert dialog.all_changes().touches(ChangeKind.CANDIDATES)


def test_quick_add_dialog_shows_errors(qtbot, demo_ctx: ServiceContext) -> None:
    dialog = QuickAddDialog(demo_ctx)
    qtbot.addWidget(dialog)
    dialog.save()
    assert dialog.candidate_id is None
    assert dialog.errors["first_name"].text()


def test_matches_are_found_off_the_gui_thread(qtbot, demo_ctx: ServiceContext, monkeypatch) -> None:
    import threading

    from app.ui.dialogs import best_matches as dialog_module

    threads: list[threading.Thread] = []

    def on_thread(*args, **kwargs):
        threads.append(threading.current_thread())
        return best_matches(*args, **kwargs)

    monkeypatch.setattr(dialog_module, "best_matches", on_thread)
    dialog = BestMatchesDialog(demo_ctx, _first_job(demo_ctx))
    qtbot.addWidget(dialog)
    assert dialog.busy and not dialog.add_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert dialog.model.rowCount() > 0
    assert threads and threading.main_thread() not in threads


def test_a_failure_to_rank_is_said(qtbot, demo_ctx: ServiceContext, monkeypatch) -> None:
    from app.ui.dialogs import best_matches as dialog_module

    def broken(*_args, **_kwargs):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(dialog_module, "best_matches", broken)
    dialog = BestMatchesDialog(demo_ctx, _first_job(demo_ctx))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert dialog.message.text() == "The matches could not be found: database is locked"
    assert dialog.model.rowCount() == 0 and dialog.status.text() == ""
