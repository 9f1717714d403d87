"""Source effectiveness: of the applications made within the range, per source, how many
reached an interview, an offer and a hire (reached as in the funnel), and the conversion."""

from __future__ import annotations

from collections import defaultdict

from app.services.admin.report_defs import (
    INTERVIEW_WORD,
    OFFER_WORD,
    Report,
    ReportFilter,
    matches,
)
from app.services.admin.report_funnel import funnel_stages, reach_counts
from app.services.core.context import ServiceContext
from app.store.models import StageKind

UNKNOWN_SOURCE = "Unknown"


def sources(ctx: ServiceContext, filters: ReportFilter) -> Report:
    with ctx.read() as session:
        reaches = reach_counts(session, filters)
        stages = funnel_stages(session, {reach.job_id for reach in reaches})
    # Per job, the first position of an interview, an offer and the hire.
    marks: dict[int, dict[str, int]] = defaultdict(dict)
    for stage in sorted(stages, key=lambda s: s.position):
        found = marks[stage.job_id]
        if matches(stage.name, INTERVIEW_WORD):
            found.setdefault("interview", stage.position)
        if matches(stage.name, OFFER_WORD):
            found.setdefault("offer", stage.position)
        if stage.kind is StageKind.HIRED:
            found.setdefault("hire", stage.position)
    figures: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    hired_at = {(stage.job_id, stage.position) for stage in stages if stage.kind is StageKind.HIRED}
    for reach in reaches:
        row = figures[reach.source or UNKNOWN_SOURCE]
        row[0] += reach.count
        found = marks[reach.job_id]
        for column, key in ((1, "interview"), (2, "offer")):
            if key in found and reach.top_position >= found[key]:
                row[column] += reach.count
        if (reach.job_id, reach.top_position) in hired_at:
            row[3] += reach.count
    table = tuple(
        (source, apps, interviews, offers, hired, round(hired / apps, 4) if apps else None)
        for source, (apps, interviews, offers, hired) in sorted(
            figures.items(), key=lambda item: (-item[1][0], item[0])
        )
    )
    applications = sum(row[1] for row in table)
    hires = sum(row[4] for row in table)
    return Report(
        name="sources",
        title="Source effectiveness",
        columns=("Source", "Applications", "Interviews", "Offers", "Hires", "Hire rate"),
        rows=table,
        totals={
            "applications": applications,
            "interviews": sum(row[2] for row in table),
            "offers": sum(row[3] for row in table),
            "hires": hires,
            "hire_rate": round(hires / applications, 4) if applications else None,
        },
        chart=tuple((row[0], float(row[1])) for row in table),
    )
