"""Undo and redo of onboarding-check writes (a step taken, an owner given, a start date set):
each check's worked-on fields put back as they were, in one audited transaction.

An undo is refused, and changes nothing, when any of the checks is no longer as the write
left it (someone took another step meanwhile): putting the old state back would silently
lose that work. A redo writes the state the first write reached again; the rules that
guarded that step (the waiting period before adverse action) held when it was first taken.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.pipeline.onboarding import KIND_WORDS, WORKED_FIELDS, CheckRow, checks_of
from app.store.models import Application
from app.store.onboarding import CheckStatus, OnboardingCheck


@dataclass(frozen=True)
class CheckState:
    """What work on a check changes: its status, dates and owner."""

    status: CheckStatus
    start_date: dt.date | None
    due_on: dt.date | None
    owner_id: int | None
    notice_sent_on: dt.date | None
    completed_on: dt.date | None


def state_of(row: CheckRow) -> CheckState:
    return CheckState(*(getattr(row, name) for name in WORKED_FIELDS))


def states_of_application(ctx: ServiceContext, application_id: int) -> dict[int, CheckState]:
    """Every check of the application as it stands, by id."""
    return {row.id: state_of(row) for row in checks_of(ctx, application_id)}


def _current(check: OnboardingCheck) -> CheckState:
    return CheckState(CheckStatus(check.status), *(getattr(check, n) for n in WORKED_FIELDS[1:]))


def restore_checks(
    ctx: ServiceContext,
    wanted: Mapping[int, CheckState],
    expected: Mapping[int, CheckState],
) -> Outcome[list[int]]:
    """Write ``wanted`` back onto each check, provided every one is still as in
    ``expected``; the ids of the checks whose fields changed."""
    with ctx.write() as tx:
        session = tx.session
        checks = {
            check.id: check
            for check in session.scalars(
                select(OnboardingCheck).where(OnboardingCheck.id.in_(list(wanted)))
            )
        }
        for check_id in wanted:
            check = checks.get(check_id)
            if check is None:
                raise NotFoundError(f"Onboarding check #{check_id} no longer exists.")
            if check_id in expected and _current(check) != expected[check_id]:
                raise ValidationError(
                    {"check": f"The {KIND_WORDS[check.kind]} check changed since."}
                )
        changed: list[int] = []
        for check_id, state in wanted.items():
            check = checks[check_id]
            before = _current(check)
            if before == state:
                continue
            for name in WORKED_FIELDS:
                setattr(check, name, getattr(state, name))
            check.version += 1
            tx.audit(
                "onboarding.restore",
                "onboarding_check",
                check_id,
                _audit_fields(before),
                _audit_fields(state),
            )
            changed.append(check_id)
        if changed:
            session.flush()
            tx.changed(ChangeKind.ONBOARDING, *changed)
            applications = {checks[i].application_id for i in changed}
            tx.changed(
                ChangeKind.CANDIDATES,
                *session.scalars(
                    select(Application.candidate_id).where(Application.id.in_(applications))
                ),
            )
        return outcome(changed, tx)


def _audit_fields(state: CheckState) -> dict[str, object]:
    return {name: getattr(state, name) for name in WORKED_FIELDS}
