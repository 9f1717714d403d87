"""A candidate's timeline and contact preferences: notes, logged calls, consent, do-not-contact.

The entries of tasks marked done are written by `app.services.pipeline.tasks`.

Each write is one audited transaction returning an `Outcome` whose changes name the candidate.
"""

from __future__ import annotations

from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.text_rules import clean_text
from app.services.core.unit_of_work import NotFoundError, Transaction, ValidationError
from app.store.models import Activity, ActivityKind, Candidate, Consent, utc_now

MAX_TEXT = 5000
MAX_OUTCOME = 200


def _text(errors: dict[str, str], field: str, value: str | None, label: str) -> str:
    """``value`` cleaned (`text_rules.clean_text`: inner line breaks and tabs kept, control
    characters dropped), checked for presence and size."""
    text = clean_text(value) or ""
    if not text:
        errors[field] = f"{label} is required."
    elif len(text) > MAX_TEXT:
        errors[field] = f"At most {MAX_TEXT:,} characters."
    return text


def _candidate(tx: Transaction, candidate_id: int) -> Candidate:
    candidate = tx.session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFoundError(f"Candidate #{candidate_id} no longer exists.")
    return candidate


def _add_activity(
    ctx: ServiceContext,
    candidate_id: int,
    kind: ActivityKind,
    subject: str | None,
    body: str,
    action: str,
) -> Outcome[int]:
    with ctx.write() as tx:
        _candidate(tx, candidate_id)
        activity = Activity(
            candidate_id=candidate_id,
            kind=kind,
            subject=subject,
            body=body,
            occurred_at=utc_now(),
            user_id=tx.actor.user_id,
        )
        tx.session.add(activity)
        tx.session.flush()
        tx.audit(
            action,
            "candidate",
            candidate_id,
            after={"activity_id": activity.id, "kind": kind, "subject": subject, "body": body},
        )
        tx.changed(ChangeKind.CANDIDATES, candidate_id)
        return outcome(activity.id, tx)


def add_note(ctx: ServiceContext, candidate_id: int, text: str) -> Outcome[int]:
    """Add a note to the candidate's timeline; the value is the new activity's id."""
    errors: dict[str, str] = {}
    body = _text(errors, "text", text, "Note")
    if errors:
        raise ValidationError(errors)
    return _add_activity(ctx, candidate_id, ActivityKind.NOTE, None, body, "activity.note")


def log_call(
    ctx: ServiceContext, candidate_id: int, summary: str, outcome: str | None = None
) -> Outcome[int]:
    """Record a phone call with its summary and, optionally, how it ended ("Left voicemail")."""
    errors: dict[str, str] = {}
    body = _text(errors, "summary", summary, "Call summary")
    result = " ".join((outcome or "").split()) or None
    if result and len(result) > MAX_OUTCOME:
        errors["outcome"] = f"At most {MAX_OUTCOME} characters."
    if errors:
        raise ValidationError(errors)
    subject = f"Call: {result}" if result else "Call"
    return _add_activity(ctx, candidate_id, ActivityKind.CALL, subject, body, "activity.call")


def set_contact_preferences(
    ctx: ServiceContext, candidate_id: int, do_not_contact: bool, consent: Consent
) -> Outcome[bool]:
    """Set whether the candidate may be contacted and their consent; ``consent_at`` records
    when consent last changed. The value tells whether anything changed (nothing is audited
    when nothing did)."""
    consent = Consent(consent)
    with ctx.write() as tx:
        candidate = _candidate(tx, candidate_id)
        before = {
            "do_not_contact": bool(candidate.do_not_contact),
            "consent": candidate.consent,
            "consent_at": candidate.consent_at,
        }
        if before["do_not_contact"] == do_not_contact and before["consent"] == consent:
            return outcome(False, tx)
        candidate.do_not_contact = do_not_contact
        if candidate.consent != consent:
            candidate.consent = consent
            candidate.consent_at = utc_now()
        after = {
            "do_not_contact": candidate.do_not_contact,
            "consent": candidate.consent,
            "consent_at": candidate.consent_at,
        }
        tx.audit("candidate.contact_preferences", "candidate", candidate_id, before, after)
        tx.changed(ChangeKind.CANDIDATES, candidate_id)
        return outcome(True, tx)
