"""Reports at scale: each report on the 100,000-candidate seeded database.

The range is the quarter a Monday question is usually about: the 90 days up to the seed's
latest application (the seed holds a year, most of it recent: about 134,000 of its 300,000
applications and 194,000 of its 390,000 stays fall in that quarter). Each report runs once to
warm the page cache, then `ROUNDS` times; the figure is the median. The whole year is printed
too, without a target.

Then the GUI thread while the Reports section's panel computes each report over that quarter
(chosen as a user would): its longest stall, measured as in `bench_background_ops`.
"""

from __future__ import annotations

import datetime as dt
import gc
import statistics
import time
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from app.services.admin.report_catalog import REPORTS, run_report
from app.services.admin.report_defs import ReportFilter
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import Actor
from app.store.database import open_database
from app.store.models import Application
from app.ui.sections.report_panel import ReportPanel
from tests.perf.gui_stall import STALL_TARGET_MS, gui_stall
from tests.perf.support import bench, seeded_database

ROUNDS = 5
TARGET_MS = 500


def _median_ms(ctx: ServiceContext, name: str, filters: ReportFilter) -> tuple[float, int]:
    report = run_report(ctx, name, filters)  # warm up
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        report = run_report(ctx, name, filters)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), len(report.rows)


def _quarter(ctx: ServiceContext) -> ReportFilter:
    with ctx.read() as session:
        latest = session.scalar(select(func.max(Application.applied_at)))
    assert latest is not None
    end = latest.date()
    return ReportFilter(end - dt.timedelta(days=89), end)


def test_reports_at_100000(tmp_path: Path) -> None:
    database = open_database(seeded_database(), tmp_path / "backups")  # migrates an old seed
    ctx = ServiceContext(database.sessions, Actor(None, "bench"))
    quarter = _quarter(ctx)
    end = quarter.end
    year = ReportFilter(end - dt.timedelta(days=364), end)
    figures = {name: _median_ms(ctx, name, quarter) for name in REPORTS}
    whole_year = {name: _median_ms(ctx, name, year)[0] for name in REPORTS}
    database.close()
    for name, (ms, rows) in figures.items():
        key = name.replace("-", "_")
        bench(f"report_{key}_ms", ms, "ms", f"target<={TARGET_MS}")
        print(f"  {name}: {rows} rows over {quarter.start} … {quarter.end}")
    for name, ms in whole_year.items():
        bench(f"report_{name.replace('-', '_')}_year_ms", ms, "ms")


def test_the_reports_leave_the_window_responsive(qapp: QApplication, qtbot, tmp_path: Path) -> None:
    database = open_database(seeded_database(), tmp_path / "backups")
    ctx = ServiceContext(database.sessions, Actor(None, "bench"))
    quarter = _quarter(ctx)
    gc.collect()
    gc.freeze()  # as the app does once started (see bench_background_ops)
    try:
        panel = ReportPanel(ctx)
        qtbot.addWidget(panel)
        panel.start.setDate(QDate(quarter.start))
        panel.end.setDate(QDate(quarter.end))
        qtbot.waitUntil(lambda: not panel.loading, timeout=30_000)
        stalls: dict[str, float] = {}
        for index in range(panel.choice.count()):
            stall, _answer = gui_stall(
                qapp, lambda i=index: panel.choice.setCurrentIndex(i), lambda: not panel.loading
            )
            stalls[panel.choice.itemData(index)] = stall
            assert panel.report is not None and panel.report.name == panel.choice.itemData(index)
    finally:
        gc.unfreeze()
        database.close()
    print(f"stalls (ms): { {name: round(ms) for name, ms in stalls.items()} }")
    bench("reports_gui_max_stall", max(stalls.values()), "ms", f"target<={STALL_TARGET_MS}")
