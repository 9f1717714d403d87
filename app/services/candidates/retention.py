"""Retention rules and their review queue: who an agency should no longer keep, listed for a
person to decide. Nothing is ever deleted by a rule.

Rules (kind, period in days):

- ``rejected`` — everyone whose applications all ended (rejected or withdrawn) at least
  that long ago, and who has no open application;
- ``inactive`` — everyone with nothing new (record change, note, email, call, stage move,
  application) for that long;
- ``consent_expired`` — everyone whose latest consent record lapsed that long ago.

`scan` adds each person a rule finds to the queue once (pending); a decision erases them
(`app.services.candidates.privacy.erase_person`) or keeps them until a date, after which the
next scan may list them again. Erased people are never listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, text

from app.services.candidates.privacy import ERASED_FIRST, erase_person
from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import person_name
from app.services.core.roles import Permission, require
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.store.models import Candidate, utc_now
from app.store.privacy import RetentionReview, RetentionRule

KINDS = {
    "rejected": "Rejected or withdrawn, with nothing open, for",
    "inactive": "No activity for",
    "consent_expired": "Consent lapsed for",
}
MAX_PERIOD_DAYS = 36_500

_NOT_ERASED = f"c.first_name != '{ERASED_FIRST}' OR c.last_name NOT LIKE 'person #%'"
# Each kind's candidates, given :cutoff (a timestamp) or :cutoff_day (a date).
_FOUND = {
    "rejected": (
        "SELECT c.id FROM candidates c WHERE EXISTS (SELECT 1 FROM applications a"
        " WHERE a.candidate_id = c.id) AND NOT EXISTS (SELECT 1 FROM applications a"
        " JOIN stages s ON s.id = a.stage_id WHERE a.candidate_id = c.id"
        " AND s.kind NOT IN ('rejected', 'withdrawn')) AND (SELECT max(a.stage_entered_at)"
        " FROM applications a WHERE a.candidate_id = c.id) < :cutoff"
    ),
    "inactive": (
        "SELECT c.id FROM candidates c WHERE c.updated_at < :cutoff"
        " AND NOT EXISTS (SELECT 1 FROM activities t WHERE t.candidate_id = c.id"
        " AND t.occurred_at >= :cutoff) AND NOT EXISTS (SELECT 1 FROM applications a"
        " WHERE a.candidate_id = c.id AND (a.updated_at >= :cutoff"
        " OR a.stage_entered_at >= :cutoff))"
    ),
    "consent_expired": (
        "SELECT c.id FROM candidates c JOIN consent_records r ON r.candidate_id = c.id"
        " WHERE r.id = (SELECT r2.id FROM consent_records r2 WHERE r2.candidate_id = c.id"
        " AND r2.status != 'requested' ORDER BY r2.recorded_at DESC, r2.id DESC LIMIT 1)"
        " AND r.status = 'granted' AND r.expires_on IS NOT NULL AND r.expires_on < :cutoff_day"
    ),
}


@dataclass(frozen=True)
class RuleRow:
    id: int
    name: str
    kind: str
    period_days: int
    enabled: bool

    def describe(self) -> str:
        return f"{KINDS.get(self.kind, self.kind)} {self.period_days} days"


@dataclass(frozen=True)
class ReviewRow:
    id: int
    candidate_id: int
    candidate: str
    rule: str
    reason: str
    found_at: dt.datetime


def list_rules(ctx: ServiceContext) -> list[RuleRow]:
    with ctx.read() as session:
        rules = session.scalars(select(RetentionRule).order_by(RetentionRule.name))
        return [RuleRow(r.id, r.name, r.kind, r.period_days, r.enabled) for r in rules]


def save_rule(
    ctx: ServiceContext,
    name: str,
    kind: str,
    period_days: int,
    enabled: bool = True,
    rule_id: int | None = None,
) -> Outcome[int]:
    """Create (no ``rule_id``) or change a rule."""
    errors = {}
    name = name.strip()
    if not name or len(name) > 120:
        errors["name"] = "Give the rule a name (at most 120 characters)."
    if kind not in KINDS:
        errors["kind"] = f"One of {', '.join(KINDS)}."
    if not 0 <= period_days <= MAX_PERIOD_DAYS:
        errors["period_days"] = f"Between 0 and {MAX_PERIOD_DAYS} days."
    if errors:
        raise ValidationError(errors)
    with ctx.write(Permission.MANAGE_COMPLIANCE) as tx:
        taken = tx.session.scalar(select(RetentionRule.id).where(RetentionRule.name == name))
        if taken is not None and taken != rule_id:
            raise ValidationError({"name": f"A rule named {name!r} exists."})
        rule = RetentionRule() if rule_id is None else tx.session.get(RetentionRule, rule_id)
        if rule is None:
            raise NotFoundError(f"Retention rule #{rule_id} no longer exists.")
        before = (
            None
            if rule_id is None
            else {"name": rule.name, "kind": rule.kind, "period_days": rule.period_days}
        )
        rule.name, rule.kind, rule.period_days, rule.enabled = name, kind, period_days, enabled
        tx.session.add(rule)
        tx.session.flush()
        after = {"name": name, "kind": kind, "period_days": period_days, "enabled": enabled}
        tx.audit("retention.rule_save", "retention_rule", rule.id, before, after)
        tx.changed(ChangeKind.CANDIDATES)
        return outcome(rule.id, tx)


def scan(ctx: ServiceContext, today: dt.date | None = None) -> Outcome[int]:
    """List for review everyone an enabled rule finds (once per person and rule); returns
    how many were added. Kept people wait until their date has passed."""
    today = today or dt.date.today()
    added = 0
    with ctx.write(Permission.MANAGE_COMPLIANCE) as tx:
        session = tx.session
        for rule in session.scalars(select(RetentionRule).where(RetentionRule.enabled)):
            cutoff_day = today - dt.timedelta(days=rule.period_days)
            cutoff = dt.datetime.combine(cutoff_day, dt.time(), dt.UTC)
            found = session.execute(
                text(
                    f"SELECT f.id FROM ({_FOUND[rule.kind]}) f JOIN candidates c ON c.id = f.id"
                    f" WHERE ({_NOT_ERASED})"
                ),
                {
                    "cutoff": cutoff.strftime("%Y-%m-%d %H:%M:%S.%f"),
                    "cutoff_day": cutoff_day.isoformat(),
                },
            ).scalars()
            for candidate_id in found:
                review = session.scalar(
                    select(RetentionReview).where(
                        RetentionReview.candidate_id == candidate_id,
                        RetentionReview.rule_id == rule.id,
                    )
                )
                if review is None:
                    session.add(RetentionReview(candidate_id=candidate_id, rule_id=rule.id))
                    added += 1
                elif review.status == "kept" and review.keep_until and review.keep_until < today:
                    review.status, review.found_at = "pending", utc_now()
                    review.decided_at = review.keep_until = None
                    added += 1
        if added:
            tx.audit("retention.scan", "database", None, after={"listed": added})
            tx.changed(ChangeKind.CANDIDATES)
        return outcome(added, tx)


def review_queue(ctx: ServiceContext) -> list[ReviewRow]:
    """The people waiting for a decision, oldest finding first."""
    require(ctx.actor, Permission.MANAGE_COMPLIANCE)
    with ctx.read() as session:
        rows = session.execute(
            select(RetentionReview, Candidate, RetentionRule)
            .join(Candidate, Candidate.id == RetentionReview.candidate_id)
            .join(RetentionRule, RetentionRule.id == RetentionReview.rule_id)
            .where(RetentionReview.status == "pending")
            .order_by(RetentionReview.found_at, RetentionReview.id)
        ).all()
        return [
            ReviewRow(
                review.id,
                candidate.id,
                person_name(candidate),
                rule.name,
                RuleRow(rule.id, rule.name, rule.kind, rule.period_days, rule.enabled).describe(),
                review.found_at,
            )
            for review, candidate, rule in rows
        ]


def keep(ctx: ServiceContext, review_ids: list[int], until: dt.date) -> Outcome[int]:
    """Keep these people until ``until`` (the next scans leave them alone until then)."""
    if until <= dt.date.today():
        raise ValidationError({"keep_until": "Choose a day after today."})
    with ctx.write(Permission.MANAGE_COMPLIANCE) as tx:
        kept = 0
        for review in tx.session.scalars(
            select(RetentionReview).where(
                RetentionReview.id.in_(review_ids), RetentionReview.status == "pending"
            )
        ):
            review.status, review.keep_until = "kept", until
            review.decided_at, review.decided_by_id = utc_now(), ctx.actor.user_id
            tx.audit(
                "retention.keep",
                "candidate",
                review.candidate_id,
                after={"review": review.id, "keep_until": until},
            )
            kept += 1
        tx.changed(ChangeKind.CANDIDATES)
        return outcome(kept, tx)


def erase_reviewed(
    ctx: ServiceContext,
    review_ids: list[int],
    documents_dir: Path | None,
    backups_dir: Path | None = None,
) -> Outcome[int]:
    """Erase the people of these pending reviews, one unit of work each, then mark every
    review of theirs erased. Returns how many people were erased."""
    require(ctx.actor, Permission.ERASE_PEOPLE)
    with ctx.read() as session:
        people = sorted(
            set(
                session.scalars(
                    select(RetentionReview.candidate_id).where(
                        RetentionReview.id.in_(review_ids), RetentionReview.status == "pending"
                    )
                )
            )
        )
    changes = None
    for candidate_id in people:
        done = erase_person(ctx, candidate_id, documents_dir, backups_dir)
        changes = done.changes if changes is None else changes | done.changes
    with ctx.write(Permission.ERASE_PEOPLE) as tx:
        for review in tx.session.scalars(
            select(RetentionReview).where(RetentionReview.candidate_id.in_(people))
        ):
            review.status = "erased"
            review.decided_at, review.decided_by_id = utc_now(), ctx.actor.user_id
        tx.changed(ChangeKind.CANDIDATES, *people)
        done_marking = outcome(len(people), tx)
    if changes is not None:
        return Outcome(len(people), changes | done_marking.changes)
    return done_marking
