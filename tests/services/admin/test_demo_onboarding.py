"""The demo database's onboarding checks: every hire has its three, consistent with its
placement and the holidays, and the Compliance section has every group to show."""

from __future__ import annotations

from collections import Counter

from app.services.core.context import ServiceContext
from app.services.pipeline.holidays import list_holidays
from app.services.pipeline.onboarding import FINISHED, checks_of, due_on, list_checks
from app.services.pipeline.placement_report import list_placements
from app.store.enums import CheckKind, CheckStatus
from tests.conftest import DEMO_AS_OF


def test_every_hire_has_its_three_checks_due_from_its_start(demo_ctx: ServiceContext) -> None:
    holidays = {h.day for h in list_holidays(demo_ctx)}
    assert holidays
    placements = list_placements(demo_ctx)
    assert placements
    statuses: Counter[CheckStatus] = Counter()
    for placement in placements:
        checks = checks_of(demo_ctx, placement.application.application_id)
        assert [c.kind for c in checks] == list(CheckKind)
        for check in checks:
            assert check.start_date == placement.terms.start_date
            assert check.due_on == due_on(
                check.kind, check.start_date, holidays, check.notice_sent_on
            )
            assert (check.completed_on is not None) == (check.status in FINISHED)
            statuses[check.status] += 1
    assert statuses[CheckStatus.DONE] and statuses[CheckStatus.OPEN]
    assert statuses[CheckStatus.CLEAR] and statuses[CheckStatus.IN_PROGRESS]


def test_the_dashboard_has_something_in_each_group(demo_ctx: ServiceContext) -> None:
    groups = list_checks(demo_ctx, DEMO_AS_OF.date())
    assert groups.overdue and groups.done
    assert groups.due_soon or groups.open
