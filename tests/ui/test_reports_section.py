"""The Reports section: headline cards and reports computed off the GUI thread, the chart
with the table behind it one click away, the chart copied as an image, the table as CSV."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication

from app.mail.account import BrandingSettings
from app.services.admin.report_catalog import run_report
from app.services.admin.report_defs import ReportFilter
from app.services.admin.report_export import report_csv
from app.store.database import Database
from app.ui.report_chart import SPECS, build_chart
from app.ui.sections.reports import ReportsSection
from app.ui.theme import DARK, LIGHT
from tests.pdf_reading import hex_rgb, near, read_pdf
from tests.services.admin.report_history import History, build


@pytest.fixture
def history(database: Database, monkeypatch: pytest.MonkeyPatch) -> History:
    return build(database, monkeypatch)


def _section(qtbot, history: History) -> ReportsSection:
    section = ReportsSection(history.tester)
    qtbot.addWidget(section)
    section.panel.start.setDate(QDate(2026, 3, 1))
    section.panel.end.setDate(QDate(2026, 3, 31))
    _settled(qtbot, section)
    return section


def _settled(qtbot, section: ReportsSection) -> None:
    qtbot.waitUntil(lambda: not section.ops.busy() and not section.panel.loading, timeout=10_000)


def _choose(qtbot, section: ReportsSection, name: str) -> None:
    choice = section.panel.choice
    choice.setCurrentIndex(choice.findData(name))
    _settled(qtbot, section)


def test_the_reports_run_off_the_gui_thread_and_fill_the_table(qtbot, history) -> None:
    section = _section(qtbot, history)
    assert section.panel.ops.ran_on("report") is not threading.current_thread()
    assert section.ops.ran_on("overview") is not threading.current_thread()
    # The cards, loaded in the background: every job is filled; 23, 19 and 9 days to fill.
    assert section.open_jobs.value.text() == "0"
    assert section.time_to_fill.value.text() == "19 days"
    _choose(qtbot, section, "funnel")
    table = section.panel.table
    assert [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())] == [
        "stage", "reached", "pass-through", "of applications"
    ]  # fmt: skip
    assert [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(5)] == [
        ("Applied", "9"), ("Screened", "7"), ("Interviewed", "5"), ("Offered", "5"),
        ("Hired", "4"),
    ]  # fmt: skip
    assert table.item(0, 2).text() == "77.8%"


def test_the_table_is_one_click_from_the_chart(qtbot, history) -> None:
    section = _section(qtbot, history)
    panel = section.panel
    assert panel.stack.currentWidget() is panel.chart
    panel.toggle.click()
    assert panel.stack.currentWidget() is panel.table
    panel.toggle.click()
    assert panel.stack.currentWidget() is panel.chart


def test_the_chart_draws_the_report(qtbot, history) -> None:
    section = _section(qtbot, history)
    _choose(qtbot, section, "funnel")
    series = section.panel.chart.chart().series()[0]
    values = [series.barSets()[0].at(i) for i in range(series.barSets()[0].count())]
    assert values == [4, 5, 5, 7, 9]  # the first stage on top of the horizontal bars
    _choose(qtbot, section, "activity")
    stacked = section.panel.chart.chart().series()[0]
    assert [bar_set.label() for bar_set in stacked.barSets()][:4] == [
        "Notes", "Calls", "Emails", "Moves"
    ]  # fmt: skip


def test_every_report_charts_in_both_palettes(history) -> None:
    march = ReportFilter(QDate(2026, 3, 1).toPython(), QDate(2026, 3, 31).toPython())
    for name in SPECS:
        report = run_report(history.tester, name, march)
        for palette in (LIGHT, DARK):
            chart = build_chart(report, palette)
            assert chart.backgroundBrush().color().name() == palette.surface
            assert chart.series(), name


def test_copy_chart_and_export_csv(qtbot, history, tmp_path: Path) -> None:
    section = _section(qtbot, history)
    _choose(qtbot, section, "sources")
    QApplication.clipboard().clear()
    section.panel.copy_chart()
    assert not QApplication.clipboard().image().isNull()
    out = tmp_path / "sources.csv"
    section.panel.export_csv(out)
    assert out.read_text(encoding="utf-8") == report_csv(section.panel.report)
    assert out.read_text(encoding="utf-8").splitlines()[1] == "LinkedIn,4,3,3,3,0.75"


def test_the_pdf_carries_the_branding_chart_and_table(qtbot, history, tmp_path: Path) -> None:
    section = _section(qtbot, history)
    _choose(qtbot, section, "sources")
    brand = BrandingSettings(
        agency_name="Northwind Talent",
        primary_color="#aa2200",
        footer="1 Main Street\nnorthwind.example",
    )
    out = tmp_path / "sources.pdf"
    section.panel.export_pdf(out, brand)
    content = read_pdf(out.read_bytes())
    assert "Northwind Talent" in content.text
    assert "Source effectiveness" in content.text
    assert "01 March 2026 – 31 March 2026" in content.text
    assert "LinkedIn" in content.text and "0.75" in content.text
    assert "1 Main Street · northwind.example" in content.text
    assert content.images >= 1  # the chart
    assert any(near(color, hex_rgb("#aa2200")) for color, _w, _h in content.rect_fills)


def test_the_filters_narrow_the_report(qtbot, history) -> None:
    section = _section(qtbot, history)
    panel = section.panel
    qtbot.waitUntil(lambda: panel.client.count() == 3, timeout=10_000)  # all, Acme, Bolt
    assert [panel.source.itemText(i) for i in range(panel.source.count())] == [
        "Any source", "Indeed", "LinkedIn", "Referral"
    ]  # fmt: skip
    _choose(qtbot, section, "funnel")
    panel.client.setCurrentIndex(panel.client.findData(history.clients["Bolt"]))
    _settled(qtbot, section)
    assert [panel.table.item(r, 1).text() for r in range(5)] == ["2", "2", "1", "1", "1"]
    panel.client.setCurrentIndex(0)
    panel.source.setCurrentIndex(panel.source.findData("Referral"))
    _settled(qtbot, section)
    assert [panel.table.item(r, 1).text() for r in range(5)] == ["3", "2", "1", "1", "0"]
    panel.source.setCurrentIndex(0)
    panel.job.setCurrentIndex(panel.job.findData(history.jobs["J3"]))
    _choose(qtbot, section, "time-to-fill")
    assert panel.table.rowCount() == 1 and panel.table.item(0, 0).text() == "Designer"


def test_the_reports_are_a_tab_of_the_section(qtbot, history) -> None:
    section = _section(qtbot, history)
    tabs = section.tabs
    assert [tabs.tabText(i).split(" (")[0] for i in range(tabs.count())] == [
        "Source effectiveness, last 90 days", "Placements", "All reports"
    ]  # fmt: skip
    assert tabs.widget(2) is section.panel
