"""Campaign engagement: sent, failed, replied and unsubscribed per campaign, from the outbox
and the timeline, with one-off emails on one row."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.services.admin.report_catalog import run_report
from app.services.admin.report_defs import ReportFilter
from app.services.core.context import ServiceContext
from app.services.engagement.campaigns import send_to_candidates
from app.services.engagement.optout import log_reply, unsubscribe
from app.services.engagement.outbox import record_failed, record_sent, take_due
from app.store.database import Database
from app.store.engagement import CampaignKind, OutboxMessage
from app.store.models import utc_now
from tests.services.engagement.test_campaigns import HELLO, configure_mail, person


def _settle(ctx: ServiceContext, database: Database, failed: set[int]) -> None:
    """Claim every due message, as the dispatcher would; refuse those to ``failed``."""
    with ctx.write() as tx:
        claimed = take_due(tx, utc_now() + dt.timedelta(minutes=1), limit=100)
    with database.sessions() as session:
        to = dict(session.execute(select(OutboxMessage.id, OutboxMessage.candidate_id)).all())
    with ctx.write() as tx:
        for message in claimed:
            if to[message.id] in failed:
                record_failed(tx, message.id, "550 no such mailbox")
            else:
                record_sent(tx, message.id, utc_now())


def test_campaign_engagement(ctx: ServiceContext, database: Database) -> None:
    configure_mail(ctx)
    ana, ben, cat, dan, eve = (person(ctx, name) for name in ("Ana", "Ben", "Cat", "Dan", "Eve"))
    send_to_candidates(ctx, [ana, ben, cat], HELLO, name="Spring roles", audience="Pool: Silver")
    send_to_candidates(ctx, [dan], HELLO, name="Note to Dan", kind=CampaignKind.ONE_OFF)
    send_to_candidates(ctx, [eve], HELLO, name="Note to Eve", kind=CampaignKind.ONE_OFF)
    _settle(ctx, database, failed={cat})
    log_reply(ctx, ana, "Re: roles", "Yes, interested.")
    log_reply(ctx, dan, "Re: hello", "Thanks!")
    unsubscribe(ctx, ben)
    today = utc_now().date()
    around = ReportFilter(today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    report = run_report(ctx, "campaigns", around)
    assert report.rows == (
        ("Spring roles", "Bulk", "Pool: Silver", 2, 1, 1, 1),
        ("One-off emails", "One-off", "", 2, 0, 1, 0),
    )
    assert report.totals == {"sent": 4, "failed": 1, "replied": 2, "unsubscribed": 1}
    before = ReportFilter(dt.date(2000, 1, 1), today - dt.timedelta(days=2))
    assert run_report(ctx, "campaigns", before).rows == ()
