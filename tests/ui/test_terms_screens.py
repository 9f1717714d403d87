"""The offer and placement dialogs and the placements tabs, drawn in both themes, and the
placement form fitting a 700-pixel-high screen with every row it can show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from app.bootstrap import Workspace
from app.resources import resources_dir
from app.services.core.context import Outcome
from app.services.pipeline.placements import PlacementInput
from app.store.enums import FeeKind, PlacementType, RateUnit
from app.ui.dialogs.offer_dialog import OfferDialog
from app.ui.dialogs.placement_dialog import PlacementDialog
from app.ui.icons import IconProvider
from app.ui.main_window import MainWindow
from app.ui.theme import apply_theme
from tests.ui.test_screens_in_both_themes import _assert_drawn_in

CONTRACT_TO_HIRE = PlacementInput(
    PlacementType.CONTRACT_TO_HIRE,
    dt.date(2027, 1, 4),
    salary_cents=9_000_000,
    rate_unit=RateUnit.HOUR,
    bill_rate_cents=9_500,
    pay_rate_cents=7_000,
    fee_kind=FeeKind.FIXED,
    fee_fixed_cents=1_000_000,
)


@pytest.fixture(params=["light", "dark"])
def themed(
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
    apply_theme(qapp, "light")


def _never(_data: object) -> Outcome[object]:
    raise AssertionError("not saved in this test")


def test_terms_dialogs_and_placement_tabs(themed: tuple[str, MainWindow], qtbot) -> None:
    mode, window = themed
    dialogs = (
        ("Offer", OfferDialog("Offer to Ada", _never, skip_text="Move without offer")),  # type: ignore[arg-type]
        (
            "Placement",
            PlacementDialog(
                "Hire Ada", _never, CONTRACT_TO_HIRE, skip_text="Hire without placement"
            ),  # type: ignore[arg-type]
        ),
    )
    for title, dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        _assert_drawn_in(mode, dialog, title)
        assert dialog.sizeHint().height() <= 660, f"{title} is too tall for the screen"
        assert dialog.sizeHint().width() <= 1000
        dialog.close()
    window.show_section("clients")
    window.section("clients").tabs.setCurrentIndex(2)
    qtbot.wait(50)
    _assert_drawn_in(mode, window, "client placements")
    window.show_section("reports")
    window.section("reports").tabs.setCurrentIndex(1)
    qtbot.wait(50)
    _assert_drawn_in(mode, window, "placements report")
    table = window.section("reports").placements.table
    fee = table.model().fee_column
    # At 1024 pixels the fee shows whole, and so do the start dates.
    assert table.columnViewportPosition(fee) + table.columnWidth(fee) <= table.viewport().width()
    date = table.model().index(1, 0)  # the first placement's start (row 0 names its month)
    assert table.sizeHintForIndex(date).width() <= table.columnWidth(0)
