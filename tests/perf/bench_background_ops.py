"""The GUI thread while slow reads run in the background, on the 100,000-candidate seed.

Figures: for Best matches (the dialog opened for a job), a filtered candidate search (a
broad search with a tag filter set, ~0.1 s of work), a filtered list (candidates who reached
a stage, ~0.5 s) and the Talent pools' counts (the section reloaded), the longest gap between
ticks of a 5 ms timer on the GUI thread from the moment the operation is asked for until its
answer is shown — the longest the window would freeze — and how long the answer took to
come. Each is measured over a few rounds after a warm-up; the worst stall of the rounds is
the figure. As in the app once its window is up (`app.ui.application.end_startup_gc`), what
start-up made is frozen out of the cyclic collector's sight, so a collection (which holds the
GIL, whichever thread runs it) walks only what the session made.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.resources import resources_dir
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import Actor
from app.store.database import open_database
from app.ui.icons import IconProvider
from app.ui.theme import LIGHT
from tests.perf.gui_stall import STALL_TARGET_MS, gui_stall
from tests.perf.support import bench, seeded_database

ROUNDS = 3
JOBS = (1, 101, 288)  # as in bench_matching: spread over the seed


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("background-ops")
    database = open_database(seeded_database(), folder / "backups")
    gc.collect()
    gc.freeze()  # what the app does once started: see the module's docstring
    yield ServiceContext(database.sessions, Actor(None, "bench"))
    gc.unfreeze()
    database.close()


def _report(name: str, stalls: list[float], answers: list[float]) -> None:
    print(f"{name} stalls (ms): {[round(s) for s in stalls]}")
    bench(f"{name}_gui_max_stall", max(stalls), "ms", f"target<={STALL_TARGET_MS}")
    bench(f"{name}_answer", max(answers), "ms")


def test_best_matches_leave_the_window_responsive(
    qapp: QApplication, services: ServiceContext
) -> None:
    from app.ui.dialogs.best_matches import BestMatchesDialog

    opened: list[BestMatchesDialog] = []

    def open_dialog(job_id: int) -> None:
        dialog = BestMatchesDialog(services, job_id)
        dialog.show()
        opened.append(dialog)

    stalls, answers = [], []
    for round_ in range(ROUNDS + 1):
        for job_id in JOBS:
            stall, answer = gui_stall(
                qapp,
                lambda job_id=job_id: open_dialog(job_id),
                lambda: not opened[-1].busy,
            )
            assert opened[-1].model.rowCount() > 0
            opened[-1].close()
            opened[-1].deleteLater()
            if round_:  # the first round warms the page cache up
                stalls.append(stall)
                answers.append(answer)
    qapp.processEvents()
    _report("best_matches", stalls, answers)


def test_a_filtered_search_leaves_the_window_responsive(
    qapp: QApplication, services: ServiceContext, monkeypatch, tmp_path: Path
) -> None:
    from app.ui.sections.candidates import CandidatesSection

    monkeypatch.setenv("HIREBENCH_HOME", str(tmp_path / "home"))
    section = CandidatesSection(services, IconProvider(resources_dir(), LIGHT))
    section.resize(1280, 800)
    section.show()
    bar = section.filter_bar
    tag = bar.tag.itemData(1)  # the first tag in use
    stage = bar.stage.itemData(2)  # the second stage name: most candidates reached it
    assert tag is not None and stage is not None

    def search(text: str, tagged: bool) -> None:
        bar.select(bar.tag, tag if tagged else None)
        section.search.setText(text)
        section.apply_search()

    def clear() -> None:
        section.search.setText("")
        bar.reset()

    searches, lists, answers_search, answers_list = [], [], [], []
    for round_ in range(ROUNDS + 1):
        stall, answer = gui_stall(
            qapp, lambda: search("a", tagged=True), lambda: not section.loading
        )
        assert section.model.searching and section.model.filters.active
        if round_:
            searches.append(stall)
            answers_search.append(answer)
        clear()
        gui_stall(qapp, lambda: None, lambda: not section.loading)
        stall, answer = gui_stall(
            qapp,
            lambda: bar.select(bar.stage, stage),
            lambda: not section.loading,
        )
        assert section.model.filters.furthest_stage == stage and section.model.total > 0
        if round_:
            lists.append(stall)
            answers_list.append(answer)
        clear()
        gui_stall(qapp, lambda: None, lambda: not section.loading)
    section.close()
    section.deleteLater()
    qapp.processEvents()
    _report("candidates_filtered_search", searches, answers_search)
    _report("candidates_filtered_list", lists, answers_list)


def test_pool_counts_leave_the_window_responsive(
    qapp: QApplication, services: ServiceContext
) -> None:
    from app.ui.sections.pools import PoolsSection

    section = PoolsSection(services)
    section.resize(1280, 800)
    section.show()
    stalls, answers = [], []
    for round_ in range(ROUNDS + 1):
        stall, answer = gui_stall(qapp, section.reload, lambda: not section.counting)
        if round_:
            stalls.append(stall)
            answers.append(answer)
    counts = [section.table.item(row, 1).text() for row in range(section.table.rowCount())]
    assert counts and "…" not in counts and "?" not in counts
    section.close()
    section.deleteLater()
    qapp.processEvents()
    _report("pool_counts", stalls, answers)
