"""Consent as given, one record per answer: granted, withdrawn or asked for, on a legal basis,
from a source, lapsing on a date.

The candidate's own ``consent`` column stays the current answer (the profile, the mail
checks and the merge rules read it): recording a grant or a withdrawal updates it in the
same unit of work. "Request consent" sends the built-in consent request email (created on
first use, then editable like any template) and records that it was asked for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from app.mail.render import TemplateSource
from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.roles import Permission
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.engagement.campaigns import send_one
from app.services.engagement.templates import (
    TemplateInput,
    get_template,
    list_templates,
    save_template,
)
from app.store.enums import Consent
from app.store.models import Candidate, User, utc_now
from app.store.privacy import ConsentRecord

STATUSES = ("granted", "withdrawn", "requested")
LEGAL_BASES = {
    "consent": "Consent",
    "legitimate_interest": "Legitimate interest",
    "contract": "Contract",
    "legal_obligation": "Legal obligation",
}
REQUEST_TEMPLATE_NAME = "Consent request"
REQUEST_TEMPLATE = TemplateSource(
    subject="May we keep your details, {{ candidate.first_name }}?",
    body_text=(
        "Hello {{ candidate.first_name }},\n\n"
        "We hold your CV and contact details so that we can tell you about roles that suit "
        "you. Please reply to this email to say whether we may keep them for the next two "
        'years. If you would rather we did not, reply "remove" and we will delete them.\n\n'
        "{{ recruiter.name }}"
    ),
)


@dataclass(frozen=True)
class ConsentRow:
    id: int
    status: str
    legal_basis: str
    source: str | None
    recorded_at: dt.datetime
    expires_on: dt.date | None
    note: str | None
    recorded_by: str | None

    @property
    def basis_label(self) -> str:
        return LEGAL_BASES.get(self.legal_basis, self.legal_basis)


def consent_history(ctx: ServiceContext, candidate_id: int) -> list[ConsentRow]:
    """Every answer recorded for the candidate, newest first."""
    with ctx.read() as session:
        rows = session.execute(
            select(ConsentRecord, User.display_name)
            .outerjoin(User, User.id == ConsentRecord.recorded_by_id)
            .where(ConsentRecord.candidate_id == candidate_id)
            .order_by(ConsentRecord.recorded_at.desc(), ConsentRecord.id.desc())
        ).all()
    return [
        ConsentRow(
            r.id, r.status, r.legal_basis, r.source, r.recorded_at, r.expires_on, r.note, name
        )
        for r, name in rows
    ]


def record_consent(
    ctx: ServiceContext,
    candidate_id: int,
    status: str,
    legal_basis: str,
    source: str | None = None,
    expires_on: dt.date | None = None,
    note: str | None = None,
) -> Outcome[int]:
    """Keep one answer; a grant or a withdrawal also becomes the candidate's current one."""
    errors = {}
    if status not in STATUSES:
        errors["status"] = f"One of {', '.join(STATUSES)}."
    if legal_basis not in LEGAL_BASES:
        errors["legal_basis"] = f"One of {', '.join(LEGAL_BASES)}."
    if expires_on is not None and status == "granted" and expires_on <= dt.date.today():
        errors["expires_on"] = "A consent given now must lapse after today."
    if source is not None and len(source) > 200:
        errors["source"] = "At most 200 characters."
    if errors:
        raise ValidationError(errors)
    with ctx.write(Permission.EDIT_RECORDS) as tx:
        candidate = tx.session.get(Candidate, candidate_id)
        if candidate is None:
            raise NotFoundError(f"Candidate #{candidate_id} no longer exists.")
        record = ConsentRecord(
            candidate_id=candidate_id,
            status=status,
            legal_basis=legal_basis,
            source=(source or "").strip() or None,
            expires_on=expires_on,
            note=(note or "").strip() or None,
            recorded_by_id=ctx.actor.user_id,
        )
        tx.session.add(record)
        before = {"consent": candidate.consent}
        if status in ("granted", "withdrawn"):
            now = Consent(status)
            if candidate.consent != now:
                candidate.consent = now
                candidate.consent_at = utc_now()
        tx.session.flush()
        tx.audit(
            "candidate.consent_record",
            "candidate",
            candidate_id,
            before,
            {
                "consent": candidate.consent,
                "record": record.id,
                "status": status,
                "legal_basis": legal_basis,
                "expires_on": expires_on,
            },
        )
        tx.changed(ChangeKind.CANDIDATES, candidate_id)
        return outcome(record.id, tx)


def _request_template_id(ctx: ServiceContext) -> int:
    for row in list_templates(ctx):
        if row.name == REQUEST_TEMPLATE_NAME:
            return row.id
    made = save_template(
        ctx,
        TemplateInput(
            REQUEST_TEMPLATE_NAME, REQUEST_TEMPLATE.subject, REQUEST_TEMPLATE.body_text, None
        ),
    )
    return made.value


def request_consent(ctx: ServiceContext, candidate_id: int) -> Outcome[int]:
    """Email the consent request (the built-in template) and record that it was asked for.
    The value is the outbox message's id."""
    template_id = _request_template_id(ctx)
    sent = send_one(
        ctx, candidate_id, get_template(ctx, template_id).source, template_id=template_id
    )
    recorded = record_consent(
        ctx, candidate_id, "requested", "consent", source=f"consent request email #{sent.value}"
    )
    return Outcome(sent.value, sent.changes | recorded.changes)
