"""Every screen, and the dialogs a recruiter meets first, drawn in both themes.

A picture of each is taken offscreen and its pixels counted: in the dark theme almost
nothing may be near-white (a white card or panel left behind by the light theme shows at
once), and in the light theme almost nothing near-black. Text is thin, so it stays well
under the limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QWidget

from app.bootstrap import Workspace
from app.resources import resources_dir
from app.ui.icons import IconProvider
from app.ui.main_window import MainWindow
from app.ui.sections.registry import SECTIONS
from app.ui.theme import apply_theme

LIMIT = 0.05  # share of the picture allowed at the other extreme
# Dialogs checked to fit a 1024×700 screen as they open.
FITTED = {"Schedule interview", "Edit interview", "Scorecard", "Job scorecard"}


def _extremes(image: QImage) -> tuple[float, float]:
    """Shares of near-white and near-black pixels (every third pixel, both ways)."""
    near_white = near_black = total = 0
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            lightness = QColor(image.pixel(x, y)).lightness()
            near_white += lightness > 235
            near_black += lightness < 40
            total += 1
    return near_white / total, near_black / total


def _assert_drawn_in(mode: str, widget: QWidget, what: str) -> None:
    near_white, near_black = _extremes(widget.grab().toImage())
    if mode == "dark":
        assert near_white < LIMIT, f"{what}: {near_white:.0%} near-white in the dark theme"
        assert near_black > 0.3, f"{what}: not drawn dark"
    else:
        assert near_black < LIMIT, f"{what}: {near_black:.0%} near-black in the light theme"
        assert near_white > 0.3, f"{what}: not drawn light"


@pytest.fixture(params=["light", "dark"])
def themed_window(
    request: pytest.FixtureRequest, qtbot, qapp: QApplication, workspace: Workspace
) -> Iterator[tuple[str, MainWindow]]:
    mode = request.param
    palette = apply_theme(qapp, mode)
    window = MainWindow(workspace, IconProvider(resources_dir(), palette))
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    yield mode, window
    # Its icons go now, not whenever the garbage collector reaches the closed window's
    # cycle: PySide6 may crash deleting a Python-drawn icon engine from inside a collection.
    window.icons.clear()
    apply_theme(qapp, "light")


def test_every_section_and_the_board(themed_window: tuple[str, MainWindow], qtbot) -> None:
    mode, window = themed_window
    for key, label in ((spec.key, spec.title) for spec in SECTIONS):
        window.show_section(key)
        qtbot.wait(50)
        _assert_drawn_in(mode, window, label)
    window.open_job_board(1)
    qtbot.wait(50)
    _assert_drawn_in(mode, window, "job board")


def _dialogs(window: MainWindow) -> list[tuple[str, Callable[[], QWidget]]]:
    from app.ui.dialogs.new_candidate import NewCandidateDialog
    from app.ui.dialogs.new_client import NewClientDialog
    from app.ui.dialogs.new_job import NewJobDialog
    from app.ui.dialogs.profile import ProfileDialog
    from app.ui.dialogs.quick_add import QuickAddDialog
    from app.ui.dialogs.submit_to_client import SubmitDialog, submit_choices
    from app.ui.interviews.job_scorecard_dialog import JobScorecardDialog
    from app.ui.interviews.schedule_dialog import ScheduleDialog
    from app.ui.interviews.scorecard_dialog import ScorecardDialog

    services = window.services
    return [
        ("New job", lambda: NewJobDialog(services, window)),
        ("New client", lambda: NewClientDialog(services, window)),
        ("New candidate", lambda: NewCandidateDialog(services, window)),
        ("Quick-add", lambda: QuickAddDialog(services, window)),
        ("Profile", lambda: ProfileDialog(services, 1, None, window)),
        (
            "Submit to client",
            lambda: SubmitDialog(
                services, submit_choices(services, 1, (1, 2)), None, print, window
            ),
        ),
        ("Schedule interview", lambda: ScheduleDialog(services, 1, window)),
        ("Edit interview", lambda: ScheduleDialog(services, 1, window, interview_id=1)),
        ("Scorecard", lambda: ScorecardDialog(services, 1, window)),
        ("Job scorecard", lambda: JobScorecardDialog(services, 1, window)),
    ]


def test_first_dialogs(themed_window: tuple[str, MainWindow], qtbot) -> None:
    mode, window = themed_window
    for title, make in _dialogs(window):
        dialog = make()
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        _assert_drawn_in(mode, dialog, title)
        if title in FITTED:
            assert dialog.height() <= 700 and dialog.width() <= 1024, title
        dialog.close()
