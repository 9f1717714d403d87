"""Onboarding compliance checks: what a hire owes before and just after the first day.

A move into a Hired-kind stage creates, in the move's own transaction, three checks: I-9
Section 1 (due on the start date), I-9 Section 2 (due three business days after it) and a
background check (due on the start date). The start date is the placement's when one is
recorded (recording or editing the placement sets it), else it is set by hand. A move out of
Hired — the undo of the hire included — removes the checks nobody has worked on yet, so undo
and redo of a move leave exactly what was there; a check worked on is a record and stays.

The background check's rules are enforced here, not in the screen: requested → in progress
→ clear or consider; consider → clear or pre-adverse-action notice sent; after the notice,
adverse action only once at least `WAITING_BUSINESS_DAYS` business days have passed (or
clear). Business days skip weekends and the agency's holidays (`app.services.pipeline.holidays`).
Every write is audited and announced as `ChangeKind.ONBOARDING`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import person_name
from app.services.core.unit_of_work import NotFoundError, Transaction, ValidationError
from app.services.pipeline.business_days import add_business_days
from app.store.models import Application, Candidate, Client, Job, Stage, StageKind, User
from app.store.onboarding import CheckKind, CheckStatus, Holiday, OnboardingCheck
from app.store.placements import Placement

SECTION2_BUSINESS_DAYS = 3
WAITING_BUSINESS_DAYS = 5
DUE_SOON_BUSINESS_DAYS = 3

KIND_WORDS = {
    CheckKind.I9_SECTION1: "I-9 Section 1",
    CheckKind.I9_SECTION2: "I-9 Section 2",
    CheckKind.BACKGROUND: "Background check",
}
STATUS_WORDS = {
    CheckStatus.OPEN: "Open",
    CheckStatus.DONE: "Done",
    CheckStatus.REQUESTED: "Requested",
    CheckStatus.IN_PROGRESS: "In progress",
    CheckStatus.CLEAR: "Clear",
    CheckStatus.CONSIDER: "Consider",
    CheckStatus.PRE_ADVERSE_SENT: "Pre-adverse-action notice sent",
    CheckStatus.ADVERSE_ACTION: "Adverse action",
}
INITIAL = {
    CheckKind.I9_SECTION1: CheckStatus.OPEN,
    CheckKind.I9_SECTION2: CheckStatus.OPEN,
    CheckKind.BACKGROUND: CheckStatus.REQUESTED,
}
FINISHED = frozenset({CheckStatus.DONE, CheckStatus.CLEAR, CheckStatus.ADVERSE_ACTION})
BACKGROUND_STEPS: dict[CheckStatus, frozenset[CheckStatus]] = {
    CheckStatus.REQUESTED: frozenset({CheckStatus.IN_PROGRESS}),
    CheckStatus.IN_PROGRESS: frozenset({CheckStatus.CLEAR, CheckStatus.CONSIDER}),
    CheckStatus.CONSIDER: frozenset({CheckStatus.CLEAR, CheckStatus.PRE_ADVERSE_SENT}),
    CheckStatus.PRE_ADVERSE_SENT: frozenset({CheckStatus.CLEAR, CheckStatus.ADVERSE_ACTION}),
}
# What work on a check changes: audited with every write, put back by undo (onboarding_undo).
WORKED_FIELDS = ("status", "start_date", "due_on", "owner_id", "notice_sent_on", "completed_on")


def holidays_in(session: Session) -> frozenset[dt.date]:
    """The agency's configured holidays."""
    return frozenset(session.scalars(select(Holiday.day)))


def due_on(
    kind: CheckKind,
    start: dt.date | None,
    holidays: Collection[dt.date],
    notice_sent_on: dt.date | None = None,
) -> dt.date | None:
    """When a check falls due: Section 1 and the background check by the first day of work,
    Section 2 three business days after it; once a pre-adverse-action notice went out, the
    background check's decision falls due when the waiting period ends. None: no start date."""
    if kind is CheckKind.BACKGROUND and notice_sent_on is not None:
        return waiting_ends_on(notice_sent_on, holidays)
    if start is None:
        return None
    if kind is CheckKind.I9_SECTION2:
        return add_business_days(start, SECTION2_BUSINESS_DAYS, holidays)
    return start


def waiting_ends_on(notice_sent_on: dt.date, holidays: Collection[dt.date]) -> dt.date:
    """The first day adverse action may be taken: five business days after the notice."""
    return add_business_days(notice_sent_on, WAITING_BUSINESS_DAYS, holidays)


@dataclass(frozen=True)
class CheckRow:
    """One check as the compliance screen shows it."""

    id: int
    application_id: int
    candidate_id: int
    candidate_name: str
    job_title: str
    client_name: str
    kind: CheckKind
    status: CheckStatus
    start_date: dt.date | None
    due_on: dt.date | None
    owner_id: int | None
    owner_name: str | None
    notice_sent_on: dt.date | None
    completed_on: dt.date | None
    version: int

    @property
    def done(self) -> bool:
        return self.status in FINISHED

    @property
    def kind_text(self) -> str:
        return KIND_WORDS[self.kind]

    @property
    def status_text(self) -> str:
        return STATUS_WORDS[self.status]

    def overdue(self, today: dt.date) -> bool:
        return not self.done and self.due_on is not None and self.due_on < today

    def next_steps(self) -> tuple[CheckStatus, ...]:
        """The statuses this check may move to (adverse action subject to the waiting)."""
        if self.kind is CheckKind.BACKGROUND:
            return tuple(sorted(BACKGROUND_STEPS.get(self.status, ()), key=list(CheckStatus).index))
        return (CheckStatus.DONE,) if self.status is CheckStatus.OPEN else ()


@dataclass(frozen=True)
class CheckGroups:
    """The compliance dashboard: open checks by urgency, and the done ones."""

    overdue: tuple[CheckRow, ...] = ()
    due_soon: tuple[CheckRow, ...] = ()
    open: tuple[CheckRow, ...] = ()
    done: tuple[CheckRow, ...] = ()


# ---- reading --------------------------------------------------------------------------------
def _query() -> Any:
    c = OnboardingCheck
    return (
        select(
            c.id,
            c.application_id,
            Application.candidate_id,
            Candidate.first_name,
            Candidate.middle_name,
            Candidate.last_name,
            Job.title,
            Client.name,
            c.kind,
            c.status,
            c.start_date,
            c.due_on,
            c.owner_id,
            User.display_name,
            c.notice_sent_on,
            c.completed_on,
            c.version,
        )
        .join(Application, Application.id == c.application_id)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .join(Job, Job.id == Application.job_id)
        .join(Client, Client.id == Job.client_id)
        .outerjoin(User, User.id == c.owner_id)
    )


def _row(v: Any) -> CheckRow:
    name = person_name(v[3], v[4], v[5])
    return CheckRow(v[0], v[1], v[2], name, *v[6:])


def _in_hired_stage() -> Any:
    """Checks of applications in a Hired-kind stage now: a hire taken back owes nothing."""
    hired = select(Stage.id).where(Stage.kind == StageKind.HIRED)
    return Application.stage_id.in_(hired)


def _order(row: CheckRow) -> tuple[bool, dt.date, str, int]:
    return (row.due_on is None, row.due_on or dt.date.max, row.candidate_name, row.id)


def list_checks(ctx: ServiceContext, today: dt.date | None = None) -> CheckGroups:
    """Every current hire's checks: Overdue (due before today), Due soon (within the next
    three business days), Open (later, or no start date yet) and Done."""
    day = today or dt.date.today()
    with ctx.read() as session:
        holidays = holidays_in(session)
        rows = sorted(
            (_row(v) for v in session.execute(_query().where(_in_hired_stage()))), key=_order
        )
    soon = add_business_days(day, DUE_SOON_BUSINESS_DAYS, holidays)
    open_rows = [r for r in rows if not r.done]
    return CheckGroups(
        overdue=tuple(r for r in open_rows if r.overdue(day)),
        due_soon=tuple(r for r in open_rows if r.due_on is not None and day <= r.due_on <= soon),
        open=tuple(r for r in open_rows if r.due_on is None or r.due_on > soon),
        done=tuple(r for r in rows if r.done),
    )


def overdue_count(ctx: ServiceContext, today: dt.date | None = None) -> int:
    """How many current hires' checks are past their due day (for the status bar)."""
    day = today or dt.date.today()
    c = OnboardingCheck
    with ctx.read() as session:
        rows = session.execute(
            select(c.id)
            .join(Application, Application.id == c.application_id)
            .where(c.status.not_in(FINISHED), c.due_on < day, _in_hired_stage())
        ).all()
    return len(rows)


def checks_of(ctx: ServiceContext, application_id: int) -> list[CheckRow]:
    """One application's checks, in the order of the kinds."""
    with ctx.read() as session:
        rows = [
            _row(v)
            for v in session.execute(
                _query().where(OnboardingCheck.application_id == application_id)
            )
        ]
    return sorted(rows, key=lambda r: list(CheckKind).index(r.kind))


def checks_line(rows: list[CheckRow]) -> str:
    """One application's checks in a line, for the candidate's profile."""
    parts = []
    for row in rows:
        status = row.status_text.lower()
        if not row.done and row.due_on is not None:
            status += f", due {row.due_on:%Y-%m-%d}"
        parts.append(f"{row.kind_text}: {status}")
    where = f"{rows[0].job_title} at {rows[0].client_name}" if rows else ""
    return f"Onboarding ({where}): " + " · ".join(parts)


def get_check(ctx: ServiceContext, check_id: int) -> CheckRow:
    with ctx.read() as session:
        values = session.execute(_query().where(OnboardingCheck.id == check_id)).first()
    if values is None:
        raise NotFoundError(f"Onboarding check #{check_id} no longer exists.")
    return _row(values)


# ---- within a move or a placement ------------------------------------------------------------
def _fields(check: OnboardingCheck) -> dict[str, Any]:
    return {name: getattr(check, name) for name in ("kind", *WORKED_FIELDS)}


def start_onboarding_in(tx: Transaction, application_id: int) -> list[int]:
    """Create the checks a hire brings that the application does not have yet (in the
    caller's transaction: the move into Hired). Their start is the placement's, if any."""
    session = tx.session
    have = set(
        session.scalars(
            select(OnboardingCheck.kind).where(OnboardingCheck.application_id == application_id)
        )
    )
    start = session.scalar(
        select(Placement.start_date).where(Placement.application_id == application_id)
    )
    holidays = holidays_in(session)
    made: list[int] = []
    for kind in CheckKind:
        if kind in have:
            continue
        check = OnboardingCheck(
            application_id=application_id,
            kind=kind,
            status=INITIAL[kind],
            start_date=start,
            due_on=due_on(kind, start, holidays),
            version=1,
        )
        session.add(check)
        session.flush()
        tx.audit("onboarding.create", "onboarding_check", check.id, after=_fields(check))
        made.append(check.id)
    if made:
        tx.changed(ChangeKind.ONBOARDING, *made)
    return made


def _pristine(check: OnboardingCheck) -> bool:
    """Nobody has worked on it: as a move into Hired made it."""
    return (
        check.status is INITIAL[check.kind]
        and check.owner_id is None
        and check.notice_sent_on is None
        and check.completed_on is None
    )


def end_onboarding_in(tx: Transaction, application_id: int) -> list[int]:
    """Remove the application's checks nobody has worked on (a move out of Hired, its undo
    included); the others are records of work done and stay."""
    removed: list[int] = []
    for check in tx.session.scalars(
        select(OnboardingCheck).where(OnboardingCheck.application_id == application_id)
    ):
        if _pristine(check):
            tx.audit("onboarding.delete", "onboarding_check", check.id, before=_fields(check))
            removed.append(check.id)
            tx.session.delete(check)
    if removed:
        tx.session.flush()
        tx.changed(ChangeKind.ONBOARDING, *removed)
    return removed


def set_start_in(tx: Transaction, application_id: int, start: dt.date | None) -> list[int]:
    """Give the application's checks a start date (a placement recorded or edited) and
    their due days from it; checks already on that date are left alone."""
    holidays = holidays_in(tx.session)
    changed: list[int] = []
    for check in tx.session.scalars(
        select(OnboardingCheck).where(OnboardingCheck.application_id == application_id)
    ):
        if check.start_date == start:
            continue
        before = _fields(check)
        check.start_date = start
        check.due_on = due_on(check.kind, start, holidays, check.notice_sent_on)
        check.version += 1
        tx.audit("onboarding.start_date", "onboarding_check", check.id, before, _fields(check))
        changed.append(check.id)
    if changed:
        tx.session.flush()
        tx.changed(ChangeKind.ONBOARDING, *changed)
    return changed


def refresh_due_dates_in(tx: Transaction) -> list[int]:
    """Work out every unfinished check's due day again (the holidays changed)."""
    holidays = holidays_in(tx.session)
    changed: list[int] = []
    for check in tx.session.scalars(
        select(OnboardingCheck).where(OnboardingCheck.status.not_in(FINISHED))
    ):
        due = due_on(check.kind, check.start_date, holidays, check.notice_sent_on)
        if due != check.due_on:
            before = _fields(check)
            check.due_on = due
            check.version += 1
            tx.audit("onboarding.due", "onboarding_check", check.id, before, _fields(check))
            changed.append(check.id)
    if changed:
        tx.changed(ChangeKind.ONBOARDING, *changed)
    return changed


# ---- writing --------------------------------------------------------------------------------
def _check(tx: Transaction, check_id: int, expected_version: int | None) -> OnboardingCheck:
    check = tx.session.get(OnboardingCheck, check_id)
    if check is None:
        raise NotFoundError(f"Onboarding check #{check_id} no longer exists.")
    if expected_version is not None and check.version != expected_version:
        raise ValidationError(
            {"check": "Someone else changed this check meanwhile; look at it again first."}
        )
    return check


def _written(tx: Transaction, check: OnboardingCheck, action: str, before: dict[str, Any]) -> None:
    check.version += 1
    tx.session.flush()
    tx.audit(action, "onboarding_check", check.id, before, _fields(check))
    tx.changed(ChangeKind.ONBOARDING, check.id)
    application = tx.session.get(Application, check.application_id)
    if application is not None:
        tx.changed(ChangeKind.CANDIDATES, application.candidate_id)


def advance_check(
    ctx: ServiceContext,
    check_id: int,
    to: CheckStatus,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Outcome[CheckRow]:
    """Move a check on: an I-9 section to done, a background check one step along its
    states. Refused (`ValidationError`) when the step is not allowed from where it stands,
    or adverse action before the notice's waiting period has passed."""
    day = today or dt.date.today()
    target = CheckStatus(to)
    with ctx.write() as tx:
        check = _check(tx, check_id, expected_version)
        now = CheckStatus(check.status)
        if check.kind is CheckKind.BACKGROUND:
            allowed = BACKGROUND_STEPS.get(now, frozenset())
        else:
            allowed = frozenset({CheckStatus.DONE}) if now is CheckStatus.OPEN else frozenset()
        if target not in allowed:
            raise ValidationError(
                {
                    "status": f"{KIND_WORDS[check.kind]} cannot go from "
                    f"“{STATUS_WORDS[now]}” to “{STATUS_WORDS[target]}”."
                }
            )
        holidays = holidays_in(tx.session)
        if target is CheckStatus.ADVERSE_ACTION:
            assert check.notice_sent_on is not None
            ends = waiting_ends_on(check.notice_sent_on, holidays)
            if day < ends:
                raise ValidationError(
                    {
                        "status": "Adverse action waits at least "
                        f"{WAITING_BUSINESS_DAYS} business days after the pre-adverse-action "
                        f"notice: not before {ends:%Y-%m-%d}."
                    }
                )
        before = _fields(check)
        check.status = target
        if target is CheckStatus.PRE_ADVERSE_SENT:
            check.notice_sent_on = day
            check.due_on = waiting_ends_on(day, holidays)
        if target in FINISHED:
            check.completed_on = day
        _written(tx, check, f"onboarding.{target.value}", before)
        check_id = check.id
    return Outcome(get_check(ctx, check_id), tx.changes)


def set_owner(
    ctx: ServiceContext, check_id: int, owner_id: int | None, expected_version: int | None = None
) -> Outcome[CheckRow]:
    """Give a check to a user (None: to nobody)."""
    with ctx.write() as tx:
        check = _check(tx, check_id, expected_version)
        if owner_id is not None and tx.session.get(User, owner_id) is None:
            raise ValidationError({"owner_id": "That user no longer exists."})
        if check.owner_id != owner_id:
            before = _fields(check)
            check.owner_id = owner_id
            _written(tx, check, "onboarding.owner", before)
    return Outcome(get_check(ctx, check_id), tx.changes)


def set_start_date(ctx: ServiceContext, application_id: int, start: dt.date) -> Outcome[list[int]]:
    """Set a hire's start date by hand (no placement gave one): the due days follow."""
    with ctx.write() as tx:
        if tx.session.get(Application, application_id) is None:
            raise NotFoundError(f"Application #{application_id} no longer exists.")
        changed = set_start_in(tx, application_id, start)
        if changed:
            application = tx.session.get(Application, application_id)
            assert application is not None
            tx.changed(ChangeKind.CANDIDATES, application.candidate_id)
        return outcome(changed, tx)


def user_choices(ctx: ServiceContext) -> list[tuple[int, str]]:
    """The users a check can be given to, by name."""
    with ctx.read() as session:
        rows = session.execute(
            select(User.id, User.display_name)
            .where(User.is_active.is_(True))
            .order_by(User.display_name, User.id)
        )
        return [(row[0], row[1]) for row in rows]
