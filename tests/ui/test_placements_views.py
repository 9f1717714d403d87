"""Placements by month with fee totals: in a client's detail (its own placements only) and in
Reports (every client, over the chosen period); a double-click opens the candidate."""

from __future__ import annotations

import datetime as dt

from app.services.candidates.bulk import add_to_job
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.core.context import ServiceContext
from app.services.pipeline.board import load_board
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.jobs import JobInput, create_job
from app.services.pipeline.placement_report import MonthGroup
from app.services.pipeline.placements import PlacementInput, PlacementRow, record_placement
from app.store.enums import FeeKind, PlacementType
from app.ui.main_window import MainWindow
from app.ui.placements_view import ROW_ROLE

THIS_MONTH = dt.date.today().replace(day=1)
LAST_MONTH = (THIS_MONTH - dt.timedelta(days=1)).replace(day=1)


def _place(ctx: ServiceContext, client: str, people: list[tuple[str, dt.date, int]]) -> int:
    """A new client with one job and these hires (name, start, salary in cents, 20 % fee)."""
    client_id = create_client(ctx, ClientInput(name=client)).value
    job_id = create_job(ctx, JobInput(client_id, "Data Analyst", openings=len(people))).value
    ids = [create_candidate(ctx, CandidateInput(name, "Placed")).value for name, _s, _c in people]
    add_to_job(ctx, ids, job_id, load_board(ctx, job_id).stages[0].id, "Test")
    cards = {c.candidate_id: c.application_id for c in load_board(ctx, job_id).cards}
    for candidate, (_name, start, salary) in zip(ids, people, strict=True):
        terms = PlacementInput(
            PlacementType.PERMANENT,
            start,
            "USD",
            salary_cents=salary,
            fee_kind=FeeKind.PERCENT,
            fee_percent_bp=2000,
        )
        record_placement(ctx, cards[candidate], terms)
    return client_id


def _texts(view) -> list[str]:
    model = view.model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_client_detail_lists_its_placements_by_month(
    window: MainWindow, qtbot, demo_ctx: ServiceContext
) -> None:
    client_id = _place(
        demo_ctx,
        "Aardvark Analytics",  # first in the list
        [
            ("Ines", THIS_MONTH, 6_000_001),  # fee 1,200,000.2 → 12,000.00
            ("Jon", LAST_MONTH, 5_000_003),  # fee 1,000,000.6 → 10,000.01
            ("Kai", LAST_MONTH + dt.timedelta(days=3), 4_000_000),  # 8,000.00
        ],
    )
    window.show_section("clients")
    section = window.section("clients")
    qtbot.waitUntil(lambda: section.detail is not None and section.detail.id == client_id)
    view = section.placements
    qtbot.waitUntil(lambda: view.model.rowCount() == 5)
    rows = [view.model.index(r, 0).data(ROW_ROLE) for r in range(5)]
    kinds = [MonthGroup, PlacementRow, MonthGroup, PlacementRow, PlacementRow]
    assert [type(r) for r in rows] == kinds
    texts = _texts(view)
    assert texts[0] == f"{THIS_MONTH:%B %Y} · 1 placement · fees USD 12,000.00"
    assert texts[2] == f"{LAST_MONTH:%B %Y} · 2 placements · fees USD 18,000.01"
    assert [view.model.index(r, 1).data() for r in (3, 4)] == ["Kai Placed", "Jon Placed"]
    assert view.model.index(1, 3).data() == "USD 12,000.00"
    assert view.model.index(1, 5).data() == "USD 60,000.01 a year"
    assert view.totals.text() == "3 placements · fees USD 30,000.01"
    assert section.tabs.tabText(2) == "Placements (3)"
    opened: list[int] = []
    section.profile_requested.disconnect()  # not the window's profile dialog: just record
    section.profile_requested.connect(opened.append)
    view.table.activated.emit(view.model.index(1, 1))
    view.table.activated.emit(view.model.index(0, 0))  # a month heading opens nothing
    assert opened == [rows[1].application.candidate_id]


def test_reports_list_every_clients_placements_over_the_period(
    window: MainWindow, qtbot, demo_ctx: ServiceContext
) -> None:
    long_ago = THIS_MONTH.replace(year=THIS_MONTH.year - 3)
    _place(demo_ctx, "Zeta One", [("Lu", THIS_MONTH, 10_000_000), ("Mo", long_ago, 1_000_000)])
    window.show_section("reports")
    report = window.section("reports")
    report.tabs.setCurrentIndex(1)
    view = report.placements
    qtbot.waitUntil(lambda: "Lu Placed" in _candidates(view))
    assert "Mo Placed" not in _candidates(view)  # three years ago: outside 12 months
    assert view.model.COLUMNS[3] == "Client"
    report.period.setCurrentIndex(report.period.findText("All"))
    qtbot.waitUntil(lambda: "Mo Placed" in _candidates(view))
    assert "USD" in view.totals.text()
    assert report.tabs.tabText(1).startswith("Placements (")


def _candidates(view) -> list[str]:
    model = view.model
    return [model.index(r, 1).data() for r in range(model.rowCount())]
