"""The New smart pool dialog on a real demo database file: a live member count as the search
is typed (after a pause, on a worker thread), and a malformed search refused with the words
the Candidates search box uses."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import func, select

from app.services.candidates.search import matching_candidate_ids
from app.store.models import TalentPool
from app.ui import dialogs
from app.ui.dialogs.new_pool import COUNTING, PREVIEW_DELAY_MS, NewPoolDialog
from app.ui.main_window import MainWindow


def _dialog(qtbot, services, smart: bool = True) -> NewPoolDialog:
    dialog = NewPoolDialog(services, smart)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _counted(qtbot, dialog: NewPoolDialog) -> None:
    qtbot.waitUntil(lambda: dialog.preview_result is not None, timeout=5_000)


def _pools(services) -> int:
    with services.read() as session:
        return session.scalar(select(func.count()).select_from(TalentPool))


def test_the_member_count_follows_the_search_as_it_is_typed(qtbot, demo_ctx, monkeypatch):
    counts: list[str] = []
    real = dialogs.new_pool.preview_smart_pool

    def counting(services, query):  # the real count, noting each query asked for
        counts.append(query)
        return real(services, query)

    monkeypatch.setattr(dialogs.new_pool, "preview_smart_pool", counting)
    dialog = _dialog(qtbot, demo_ctx)
    assert dialog.preview.isHidden()
    qtbot.keyClicks(dialog.query, "engineer")
    assert dialog.preview.text() == COUNTING and dialog.preview.isVisible()
    assert dialog.preview_result is None  # nothing counted while typing
    _counted(qtbot, dialog)
    assert counts == ["engineer"]  # one count after the pause, not one per key
    assert dialog.ops.ran_on("count") not in (None, threading.main_thread())
    expected = len(matching_candidate_ids(demo_ctx, "engineer"))
    assert 1 < expected < 500
    assert dialog.preview.text() == (f"Finds {expected:,} candidates now; the pool stays current.")
    assert dialog.preview.property("role") == "muted"
    qtbot.keyClicks(dialog.query, "zzqx")
    _counted(qtbot, dialog)
    assert dialog.preview.text().startswith("Finds nobody yet")
    dialog.query.clear()
    assert dialog.preview.isHidden() and not dialog.ops.busy("count")


def test_the_count_waits_for_typing_to_pause(qtbot, demo_ctx) -> None:
    dialog = _dialog(qtbot, demo_ctx)
    qtbot.keyClick(dialog.query, "d")
    qtbot.wait(PREVIEW_DELAY_MS // 3)
    qtbot.keyClick(dialog.query, "a")  # typed again before the pause ended
    qtbot.wait(PREVIEW_DELAY_MS // 3)
    assert dialog.preview_result is None and dialog.preview.text() == COUNTING
    _counted(qtbot, dialog)
    assert dialog.preview.text().startswith("Finds ")


def test_a_malformed_search_is_refused_with_the_search_boxs_words(
    qtbot, window: MainWindow
) -> None:
    services = window.services
    window.show_section("candidates")
    candidates = window.section("candidates")
    candidates.search.setText('"data engineer')
    candidates.apply_search()
    qtbot.waitUntil(lambda: not candidates.loading, timeout=10_000)  # in the background
    said = candidates.header.subtitle.text().rsplit(" · ", 1)[-1]
    assert said == "Searched for the words only: a quotation mark is not closed."

    before = _pools(services)
    dialog = _dialog(qtbot, services)
    qtbot.keyClicks(dialog.name, "Data engineers")
    qtbot.keyClicks(dialog.query, '"data engineer')
    _counted(qtbot, dialog)
    assert dialog.preview.text() == said and dialog.preview.property("role") == "error"
    assert dialog.query.property("invalid") is True
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )
    assert dialog.isVisible() and dialog.error_text("query") == said
    assert dialog.preview.isHidden()  # said once, under the field
    assert _pools(services) == before
    qtbot.keyClick(dialog.query, '"')  # the quotation closed
    _counted(qtbot, dialog)
    assert dialog.error_text("query") == "" and dialog.query.property("invalid") is False
    assert dialog.preview.text().startswith("Finds ")
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )
    assert dialog.result() == dialog.DialogCode.Accepted
    assert _pools(services) == before + 1


def test_a_static_pool_has_no_search_or_count(qtbot, demo_ctx) -> None:
    dialog = _dialog(qtbot, demo_ctx, smart=False)
    assert dialog.preview.isHidden() and dialog.query.parent() is None
