"""A scripted month of hiring, made through the services, for the report tests.

Day N is 1 March 2026 + N days, at noon UTC. Three jobs:

- J1 "Engineer" at Acme, 2 openings, opened day 0, owned by Tester;
- J2 "Analyst" at Bolt, 1 opening, opened day 0, owned by Ana;
- J3 "Designer" at Acme, opened day 4: filled day 7, reopened day 9, filled again day 13.

Placements (the last of a job's openings placed fills it): a1 (day 12, starts 1 April, USD
100,000.00 salary, 20 % fee), c2 (day 13, starts 1 April, USD 10,000.00 fixed fee), b2
(day 19, starts 30 March, EUR 60,000.00, 25 %), a5 (day 23, starts 15 April, USD 15,000.00
fixed).

The moves (who, day) are listed in `build`; the expected figures are worked out by hand in
the tests from this script.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from app.services.candidates.records import CandidateInput, create_candidate
from app.services.candidates.submittals import SubmittalRequest, submit_candidates
from app.services.candidates.timeline import add_note, log_call
from app.services.core.context import ServiceContext
from app.services.core.users import ensure_user
from app.services.pipeline.applications import open_application
from app.services.pipeline.board import MoveRequest, Replay, move_applications
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.contacts import ContactInput, create_contact
from app.services.pipeline.jobs import JobInput, change_status, create_job
from app.services.pipeline.placements import PlacementInput, record_placement
from app.services.pipeline.stages import set_stage_sla
from app.store.database import Database
from app.store.enums import FeeKind, PlacementType
from app.store.models import Application, Job, Stage
from tests.services.engagement.test_campaigns import configure_mail

DAY0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def day(n: int) -> dt.datetime:
    return DAY0 + dt.timedelta(days=n)


class Clock:
    """What ``utc_now`` answers in the services while the history is written."""

    def __init__(self) -> None:
        self.now = DAY0

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class History:
    tester: ServiceContext
    ana: ServiceContext
    clients: dict[str, int] = field(default_factory=dict)
    jobs: dict[str, int] = field(default_factory=dict)
    apps: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)


def _stage_id(ctx: ServiceContext, job_id: int, name: str) -> int:
    with ctx.read() as session:
        return session.scalar(select(Stage.id).where(Stage.job_id == job_id, Stage.name == name))


def move(
    h: History,
    clock: Clock,
    ctx: ServiceContext,
    app: str,
    stage: str,
    on: int,
    reason: str | None = None,
    replay: Replay | None = None,
    entered: dt.datetime | None = None,
) -> None:
    clock.now = day(on)
    with ctx.read() as session:
        application = session.get(Application, h.apps[app])
        version, job_id = application.version, application.job_id
    request = MoveRequest(
        h.apps[app],
        version,
        _stage_id(ctx, job_id, stage),
        rejection_reason=reason,
        replay=replay,
        stage_entered_at=entered,
    )
    move_applications(ctx, [request])


def _apply(ctx: ServiceContext, candidate: int, job_id: int, source: str, on: int) -> int:
    with ctx.write() as tx:
        job = tx.session.get(Job, job_id)
        first = next(s for s in job.stages if s.position == 0)
        return open_application(tx, candidate, job, first, source, 1.0, day(on))


TERMS = {
    "a1": PlacementInput(PlacementType.PERMANENT, dt.date(2026, 4, 1), "USD",
                         salary_cents=10_000_000, fee_kind=FeeKind.PERCENT, fee_percent_bp=2000),
    "c2": PlacementInput(PlacementType.PERMANENT, dt.date(2026, 4, 1), "USD",
                         salary_cents=8_000_000, fee_kind=FeeKind.FIXED, fee_fixed_cents=1_000_000),
    "b2": PlacementInput(PlacementType.PERMANENT, dt.date(2026, 3, 30), "EUR",
                         salary_cents=6_000_000, fee_kind=FeeKind.PERCENT, fee_percent_bp=2500),
    "a5": PlacementInput(PlacementType.PERMANENT, dt.date(2026, 4, 15), "USD",
                         salary_cents=9_000_000, fee_kind=FeeKind.FIXED, fee_fixed_cents=1_500_000),
}  # fmt: skip


def build(database: Database, monkeypatch: pytest.MonkeyPatch) -> History:
    clock = Clock()
    monkeypatch.setattr("app.services.pipeline.board.utc_now", clock)
    monkeypatch.setattr("app.services.candidates.timeline.utc_now", clock)
    tester = ServiceContext(database.sessions, ensure_user(database.sessions, "tester"))
    ana = ServiceContext(database.sessions, ensure_user(database.sessions, "ana"))
    h = History(tester, ana)
    h.users = {"Tester": tester.actor.user_id, "Ana": ana.actor.user_id}
    h.clients["Acme"] = create_client(tester, ClientInput("Acme")).value
    h.clients["Bolt"] = create_client(tester, ClientInput("Bolt")).value
    opened = DAY0.date()
    h.jobs["J1"] = create_job(
        tester, JobInput(h.clients["Acme"], "Engineer", openings=2, opened_on=opened)
    ).value
    h.jobs["J2"] = create_job(
        tester,
        JobInput(h.clients["Bolt"], "Analyst", opened_on=opened, owner_id=h.users["Ana"]),
    ).value
    h.jobs["J3"] = create_job(
        tester, JobInput(h.clients["Acme"], "Designer", opened_on=day(4).date())
    ).value
    # SLAs: Applied 3 days everywhere; Interviewed 3 days on J1 and J2.
    for job in ("J1", "J2", "J3"):
        set_stage_sla(tester, _stage_id(tester, h.jobs[job], "Applied"), 3)
    for job in ("J1", "J2"):
        set_stage_sla(tester, _stage_id(tester, h.jobs[job], "Interviewed"), 3)
    people = {}
    for index, name in enumerate(("Cleo", "Dan", "Eve", "Finn", "Gus", "Hana", "Ivy"), 1):
        people[f"C{index}"] = create_candidate(tester, CandidateInput(name, "Test")).value
    for app, person, job, source, on in (
        ("a1", "C1", "J1", "LinkedIn", 0),
        ("a2", "C2", "J1", "Referral", 1),
        ("a3", "C3", "J1", "LinkedIn", 2),
        ("a4", "C4", "J1", "Referral", 3),
        ("a5", "C5", "J1", "LinkedIn", 4),
        ("b1", "C5", "J2", "Indeed", 5),
        ("b2", "C6", "J2", "Indeed", 6),
        ("c1", "C7", "J3", "Referral", 5),
        ("c2", "C3", "J3", "LinkedIn", 10),
    ):
        h.apps[app] = _apply(tester, people[person], h.jobs[job], source, on)
    t, a = tester, ana
    undo, fill, reopen, place = Replay.UNDO, "fill", "reopen", "place"
    script = (  # in the order of the days
        (t, "a1", "Screened", 2), (t, "a3", "Withdrawn", 3),
        (t, "a2", "Screened", 4), (t, "a2", "Interviewed", 5),
        (t, "a1", "Interviewed", 6), (a, "b1", "Screened", 6),
        (t, "a4", "Screened", 7), (t, "c1", "Hired", 7), (t, "J3", fill, 7),
        (t, "a2", "Screened", 8),  # back to an earlier stage
        (t, "a4", "Rejected", 8), (a, "b2", "Screened", 8),
        (t, "a2", "Interviewed", 9),
        (t, "c1", "Withdrawn", 9), (t, "J3", reopen, 9),  # the hire fell through
        (a, "a1", "Offered", 10), (t, "c2", "Screened", 11),
        (a, "a1", "Hired", 12), (a, "a1", place, 12), (a, "b2", "Interviewed", 12),
        (t, "c2", "Hired", 13), (t, "c2", place, 13),  # fills J3 again
        (t, "a5", "Screened", 14), (t, "a2", "Offered", 15), (t, "a2", "Hired", 16),
        (t, "a2", undo, 17),  # the hire is undone: back to Offered
        (t, "a5", "Interviewed", 18),
        (a, "b2", "Hired", 19), (a, "b2", place, 19),  # b2 skipped Offered; fills J2
        (t, "a5", "Offered", 20), (t, "a2", "Rejected", 20),
        (t, "a5", "Hired", 21), (t, "a5", "Offered", 22),  # out of Hired by hand
        (t, "a5", "Hired", 23), (t, "a5", place, 23),  # and back: one hire; fills J1
        (a, "b1", "Withdrawn", 24),
    )  # fmt: skip
    reasons = {"a4": "Skills", "a2": "Salary"}
    for ctx, what, step, on in script:
        if step == place:
            record_placement(ctx, h.apps[what], TERMS[what], today=day(on).date())
        elif step in (fill, reopen):
            clock.now = day(on)
            change_status(ctx, h.jobs[what], str(step), today=day(on).date())
        elif step is undo:
            move(h, clock, ctx, what, "Offered", on, replay=undo, entered=day(15))
        else:
            reason = reasons[what] if step == "Rejected" else None
            move(h, clock, ctx, what, str(step), on, reason=reason)
    # Day 7: Ana sends Hana's profile to Bolt's hiring manager.
    configure_mail(tester)
    contact = create_contact(
        tester, h.clients["Bolt"], ContactInput("Dana", "Reyes", emails=("dana@bolt.example",))
    ).value
    request = SubmittalRequest(h.jobs["J2"], contact, (people["C6"],))
    submit_candidates(ana, request, lambda _document: b"%PDF-profile", now=day(7))
    clock.now = day(2)
    add_note(tester, people["C1"], "Keen, available in May.")
    clock.now = day(6)
    log_call(ana, people["C6"], "Talked through the role.")
    clock.now = day(30)
    add_note(ana, people["C6"], "Started well.")
    return h
