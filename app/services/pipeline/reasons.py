"""The rejection reasons offered when a candidate is rejected.

A new database starts with the list from migration 0003. Retired reasons stay in the table,
inactive: applications keep the text they were rejected with, whatever the list becomes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.unit_of_work import ValidationError
from app.services.core.validation import clean
from app.store.models import RejectionReason

MAX_REASON_LENGTH = 200  # rejection_reasons.label is String(200); labels are cleaned (clean)


@dataclass(frozen=True)
class ReasonsInput:
    """The whole list, in the order it is offered."""

    labels: tuple[str, ...]

    def cleaned(self) -> list[str]:
        return [clean(label) or "" for label in self.labels]

    def validate(self) -> dict[str, str]:
        labels = self.cleaned()
        if not labels:
            return {"labels": "Keep at least one reason."}
        seen: set[str] = set()
        for label in labels:
            if not label:
                return {"labels": "A reason cannot be blank."}
            if len(label) > MAX_REASON_LENGTH:
                return {"labels": f"At most {MAX_REASON_LENGTH} characters: “{label[:40]}…”."}
            if label.casefold() in seen:
                return {"labels": f"“{label}” is listed twice."}
            seen.add(label.casefold())
        return {}


def list_rejection_reasons(ctx: ServiceContext) -> list[str]:
    """The active reasons, in order."""
    with ctx.read() as session:
        return list(
            session.scalars(
                select(RejectionReason.label)
                .where(RejectionReason.active.is_(True))
                .order_by(RejectionReason.position, RejectionReason.id)
            )
        )


def set_rejection_reasons(ctx: ServiceContext, labels: Sequence[str]) -> Outcome[list[str]]:
    """Make ``labels`` the active list, in this order; others become inactive.

    A label matching a retired or existing one (ignoring case) reuses its row.
    """
    data = ReasonsInput(tuple(labels))
    errors = data.validate()
    if errors:
        raise ValidationError(errors)
    wanted = data.cleaned()
    with ctx.write() as tx:
        rows = list(
            tx.session.scalars(
                select(RejectionReason).order_by(RejectionReason.position, RejectionReason.id)
            )
        )
        before = [row.label for row in rows if row.active]
        if before == wanted:
            return outcome(wanted, tx)
        by_key = {row.label.casefold(): row for row in rows}
        keep = {label.casefold() for label in wanted}
        touched: list[RejectionReason] = []
        for row in rows:
            if row.active and row.label.casefold() not in keep:
                row.active = False
                touched.append(row)
        tx.session.flush()
        for position, label in enumerate(wanted):
            row = by_key.get(label.casefold())
            if row is None:
                row = RejectionReason(label=label, position=position, active=True)
                tx.session.add(row)
            else:
                row.label, row.position, row.active = label, position, True
            touched.append(row)
        tx.session.flush()
        tx.audit(
            "rejection_reasons.set",
            "rejection_reasons",
            None,
            before={"labels": before},
            after={"labels": wanted},
        )
        tx.changed(ChangeKind.REJECTION_REASONS, *(row.id for row in touched))
        return outcome(wanted, tx)
