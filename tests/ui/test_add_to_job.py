"""Add to job: the dialog (open jobs first, on-hold jobs asked about) and, from a search,
applications that keep the candidate's own source."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from sqlalchemy import select

from app.services.core.context import ServiceContext
from app.services.pipeline.jobs import change_status
from app.store.models import Application, Candidate, Job, JobStatus
from app.ui.dialogs.add_to_job import AddToJobDialog
from app.ui.main_window import MainWindow


def _when_modal(kind: type, act: Callable[[object], None]) -> None:
    """Once a modal ``kind`` is up, let ``act`` drive it as a user would."""

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if not isinstance(widget, kind):
            QTimer.singleShot(20, poll)
            return
        act(widget)

    QTimer.singleShot(0, poll)


def _statuses(ctx: ServiceContext) -> dict[int, JobStatus]:
    with ctx.read() as session:
        return dict(session.execute(select(Job.id, Job.status)).all())


@pytest.fixture
def dialog(qtbot, demo_ctx: ServiceContext) -> AddToJobDialog:
    held = next(i for i, s in _statuses(demo_ctx).items() if s is JobStatus.OPEN)
    change_status(demo_ctx, held, "hold")  # two jobs on hold: one from the demo, this one
    made = AddToJobDialog(demo_ctx, 3)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitExposed(made)
    return made


def _ok(dialog: AddToJobDialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_open_jobs_come_first_with_client_and_status(
    dialog: AddToJobDialog, demo_ctx: ServiceContext
) -> None:
    statuses = _statuses(demo_ctx)
    items = [(dialog.job.itemText(i), dialog.job.itemData(i)) for i in range(dialog.job.count())]
    jobs = [(text, job_id) for text, job_id in items if job_id is not None]
    open_ids = {i for i, s in statuses.items() if s is JobStatus.OPEN}
    held_ids = {i for i, s in statuses.items() if s is JobStatus.ON_HOLD}
    assert {job_id for _, job_id in jobs} == open_ids | held_ids  # never filled or closed
    order = [statuses[job_id] for _, job_id in jobs]
    assert order == sorted(order, key=lambda s: s is JobStatus.ON_HOLD)  # open ones first
    separator = next(i for i, (_, job_id) in enumerate(items) if job_id is None)
    assert statuses[items[separator - 1][1]] is JobStatus.OPEN
    assert statuses[items[separator + 1][1]] is JobStatus.ON_HOLD
    for text, job_id in jobs:
        row = dialog.jobs[job_id]
        assert text.startswith(f"{row.title} — {row.client_name} · ")
        assert text.endswith("On hold" if job_id in held_ids else "Open")
    assert dialog.job.currentData() == jobs[0][1] and jobs[0][1] in open_ids
    assert dialog.windowTitle() == "Add to job"
    assert dialog.note.text() == "" and dialog.note.isHidden()


def test_an_open_job_is_taken_without_a_question(qtbot, dialog: AddToJobDialog) -> None:
    job_id, stage_id = dialog.job.currentData(), dialog.stage.currentData()
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.choice == (job_id, stage_id)


def test_a_job_on_hold_needs_confirmation(qtbot, dialog: AddToJobDialog) -> None:
    held_row = next(
        i
        for i in range(dialog.job.count())
        if dialog.job.itemData(i) is not None
        and dialog.jobs[dialog.job.itemData(i)].status is JobStatus.ON_HOLD
    )
    dialog.job.setCurrentIndex(held_row)
    assert "on hold" in dialog.note.text() and dialog.note.isVisible()
    asked: list[str] = []

    def answer(button: QMessageBox.StandardButton) -> Callable[[object], None]:
        def act(box: object) -> None:
            assert isinstance(box, QMessageBox)
            asked.append(box.text())
            box.button(button).click()

        return act

    _when_modal(QMessageBox, answer(QMessageBox.StandardButton.No))
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    job = dialog.jobs[dialog.job.currentData()]
    assert asked == [
        f"“{job.title}” for {job.client_name} is on hold. Add 3 candidates to it anyway?"
    ]
    assert dialog.choice is None and dialog.isVisible()  # No: still choosing
    _when_modal(QMessageBox, answer(QMessageBox.StandardButton.Yes))
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert len(asked) == 2
    assert dialog.choice == (job.id, dialog.stage.currentData())


def test_adding_from_a_search_keeps_each_candidates_own_source(window: MainWindow, qtbot) -> None:
    window.show_section("candidates")
    section = window.section("candidates")
    with window.services.read() as session:
        first_name = session.scalar(select(Candidate.first_name).order_by(Candidate.id))
    section.search.setText(first_name.lower())
    section.apply_search()
    qtbot.waitUntil(lambda: not section.loading, timeout=10_000)  # searched in the background
    assert section.source_label() == f"Search: {first_name.lower()}"
    section.table.selectAll()
    chosen = section.selected_ids()
    assert chosen
    picked: list[int] = []
    with window.services.read() as session:
        before = set(session.scalars(select(Application.id)))

    def choose(box: object) -> None:
        assert isinstance(box, AddToJobDialog)
        picked.append(box.job.currentData())
        qtbot.mouseClick(_ok(box), Qt.MouseButton.LeftButton)

    _when_modal(AddToJobDialog, choose)
    section.bulk.job_action.trigger()
    with window.services.read() as session:
        rows = session.execute(
            select(Application.source, Candidate.source)
            .join(Candidate, Candidate.id == Application.candidate_id)
            .where(
                Application.job_id == picked[0],
                Application.candidate_id.in_(chosen),
                Application.id.not_in(before),
            )
        ).all()
        assert session.get(Job, picked[0]).status is JobStatus.OPEN
    assert rows
    assert all(made == (own or "Agency database") for made, own in rows)
    assert not any(made.startswith("Search:") for made, _ in rows)


def test_with_no_job_to_take_them_ok_stays_disabled(qtbot, ctx: ServiceContext) -> None:
    made = AddToJobDialog(ctx, 1)
    qtbot.addWidget(made)
    assert made.job.count() == 0 and not _ok(made).isEnabled()
    assert made.note.text() == "There is no open job to add candidates to."
