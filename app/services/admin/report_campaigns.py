"""Campaign engagement: per campaign (bulk send or sequence, with its audience: the pool or
search it went to), what was sent and failed within the range, and how many of the people
it reached replied or unsubscribed afterwards (by the end of the range). One-off emails from
a profile are put together on one row.

A reply is an incoming email logged on the person's timeline after the campaign's first
message to them (an automatic reply read from the mailbox is not one); an unsubscribe is the
person's opt-out made after it.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, exists, func, select

from app.services.admin.report_defs import Report, ReportFilter
from app.services.core.context import ServiceContext
from app.store.engagement import Campaign, CampaignKind, MessageState, OutboxMessage
from app.store.mailbox import MailboxKind, MailboxMessage
from app.store.models import Activity, ActivityKind, Candidate, Job

ONE_OFF_ROW = "One-off emails"
COLUMNS = ("Campaign", "Kind", "Audience", "Sent", "Failed", "Replied", "Unsubscribed")
_KIND_WORDS = {
    CampaignKind.ONE_OFF: "One-off",
    CampaignKind.BULK: "Bulk",
    CampaignKind.SEQUENCE: "Sequence",
}


def campaigns(ctx: ServiceContext, filters: ReportFilter) -> Report:
    low, high = filters.bounds()
    o, cp, act, cand, j = (
        OutboxMessage.__table__.c,
        Campaign.__table__.c,
        Activity.__table__.c,
        Candidate.__table__.c,
        Job.__table__.c,
    )
    mail = MailboxMessage.__table__.c
    scope = []
    if filters.owner_id is not None:
        scope.append(cp.created_by_id == filters.owner_id)
    with ctx.read() as session:
        chosen = select(cp.id, cp.name, cp.kind, cp.audience).where(*scope)
        if filters.client_id is not None or filters.job_id is not None:
            # The owner names who made the campaign, not the job's owner.
            chosen = chosen.join(Job.__table__, j.id == cp.job_id)
            if filters.client_id is not None:
                chosen = chosen.where(j.client_id == filters.client_id)
            if filters.job_id is not None:
                chosen = chosen.where(j.id == filters.job_id)
        known = {row.id: row for row in session.execute(chosen)}
        counts = session.execute(
            select(o.campaign_id, o.state, func.count())
            .where(
                o.campaign_id.in_(set(known)),
                o.state.in_((MessageState.SENT, MessageState.FAILED)),
                func.coalesce(o.sent_at, o.created_at) >= low,
                func.coalesce(o.sent_at, o.created_at) < high,
            )
            .group_by(o.campaign_id, o.state)
        ).all()
        reached = (
            select(o.campaign_id, o.candidate_id, func.min(o.sent_at).label("first"))
            .where(
                o.campaign_id.in_(set(known)),
                o.state == MessageState.SENT,
                o.sent_at >= low,
                o.sent_at < high,
                o.candidate_id.is_not(None),
            )
            .group_by(o.campaign_id, o.candidate_id)
            .subquery()
        )
        replied = session.execute(
            select(reached.c.campaign_id, func.count(func.distinct(reached.c.candidate_id)))
            .join(
                Activity.__table__,
                and_(
                    act.candidate_id == reached.c.candidate_id,
                    act.kind == ActivityKind.EMAIL,
                    act.direction == "in",
                    act.occurred_at >= reached.c.first,
                    act.occurred_at < high,
                    ~exists().where(
                        mail.activity_id == act.id, mail.kind == MailboxKind.AUTO_REPLY
                    ),
                ),
            )
            .group_by(reached.c.campaign_id)
        ).all()
        unsubscribed = session.execute(
            select(reached.c.campaign_id, func.count())
            .join(Candidate.__table__, cand.id == reached.c.candidate_id)
            .where(cand.unsubscribed_at >= reached.c.first, cand.unsubscribed_at < high)
            .group_by(reached.c.campaign_id)
        ).all()
    figures: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for campaign_id, state, count in counts:
        figures[campaign_id][0 if MessageState(state) is MessageState.SENT else 1] += count
    for campaign_id, count in replied:
        figures[campaign_id][2] += count
    for campaign_id, count in unsubscribed:
        figures[campaign_id][3] += count
    rows: list[tuple[object, ...]] = []
    one_off = [0, 0, 0, 0]
    for campaign_id, values in sorted(figures.items()):
        campaign = known[campaign_id]
        if CampaignKind(campaign.kind) is CampaignKind.ONE_OFF:
            one_off = [x + y for x, y in zip(one_off, values, strict=True)]
            continue
        rows.append(
            (
                campaign.name,
                _KIND_WORDS[CampaignKind(campaign.kind)],
                campaign.audience or "",
                *values,
            )
        )
    if any(one_off):
        rows.append((ONE_OFF_ROW, _KIND_WORDS[CampaignKind.ONE_OFF], "", *one_off))
    totals = {
        column.lower(): sum(int(row[index]) for row in rows)  # type: ignore[call-overload]
        for index, column in enumerate(COLUMNS)
        if index >= 3
    }
    return Report(
        name="campaigns",
        title="Campaign engagement",
        columns=COLUMNS,
        rows=tuple(rows),
        totals=totals,
        chart=tuple((str(row[0]), float(row[3])) for row in rows),  # type: ignore[arg-type]
    )
