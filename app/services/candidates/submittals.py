"""Submittals: candidates sent to a client contact for a job, and the client's answers.

`submit_candidates` makes each candidate's profile PDF (branded or blind, through the renderer
the caller passes in: the PDF is drawn with Qt, which the services never import), queues one
email to the contact with the PDFs (and the original resumes when wanted) through the outbox,
and records a `Submittal` and a timeline entry per candidate, all in one transaction.
`update_submittal` records the client's answer (status and feedback); `restore_submittal`
undoes or redoes it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.mail.mime import MailPart
from app.services.candidates.profile_document import (
    MAX_PITCH,
    ProfileDocument,
    ProfileOptions,
    build_document,
)
from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import person_name
from app.services.core.text_rules import clean_text
from app.services.core.unit_of_work import (
    NotFoundError,
    Transaction,
    ValidationError,
    columns_of,
)
from app.services.engagement.mail_settings import load_account
from app.services.engagement.outbox import Draft, add_to_outbox
from app.store.models import (
    Activity,
    ActivityKind,
    Application,
    Candidate,
    Client,
    Consent,
    Contact,
    Document,
    Job,
    User,
    utc_now,
)
from app.store.submittals import Submittal, SubmittalStatus

MAX_CANDIDATES = 20
MAX_NOTE = 5_000
MAX_FEEDBACK = 5_000
MAX_RESUME_BYTES = 10 * 1024 * 1024
SUBMITTAL_FIELDS = (
    "candidate_id",
    "job_id",
    "contact_id",
    "contact_name",
    "contact_email",
    "status",
    "blind",
    "with_resume",
    "pitch",
    "outbox_message_id",
)
STATUS_WORDS = {
    SubmittalStatus.SUBMITTED: "Submitted",
    SubmittalStatus.INTERESTED: "Interested",
    SubmittalStatus.INTERVIEW_REQUESTED: "Interview requested",
    SubmittalStatus.DECLINED: "Declined",
}

Render = Callable[[ProfileDocument], bytes]


@dataclass(frozen=True)
class SubmittalRequest:
    """What the Submit to client dialog fills in."""

    job_id: int
    contact_id: int
    candidate_ids: tuple[int, ...]
    blind: bool = False
    show_employers: bool = True
    with_resume: bool = False
    pitches: Mapping[int, str] = field(default_factory=dict)  # per candidate
    note: str | None = None  # the email's own words to the contact

    def validate(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if not self.candidate_ids:
            errors["candidates"] = "Choose at least one candidate."
        elif len(set(self.candidate_ids)) > MAX_CANDIDATES:
            errors["candidates"] = f"At most {MAX_CANDIDATES} candidates in one submittal."
        if self.blind and self.with_resume:
            errors["with_resume"] = (
                "A blind profile cannot go with the original resume: the resume names them."
            )
        if any(len(clean_text(p) or "") > MAX_PITCH for p in self.pitches.values()):
            errors["pitch"] = f"At most {MAX_PITCH:,} characters."
        if len(clean_text(self.note) or "") > MAX_NOTE:
            errors["note"] = f"At most {MAX_NOTE:,} characters."
        return errors

    def options(self, candidate_id: int) -> ProfileOptions:
        return ProfileOptions(
            blind=self.blind,
            show_employers=self.show_employers,
            pitch=self.pitches.get(candidate_id),
            job_id=self.job_id,
        )


@dataclass(frozen=True)
class SubmitResult:
    submittal_ids: tuple[int, ...]
    message_id: int  # the outbox message carrying them
    missing_resumes: tuple[str, ...] = ()  # names of those with no resume to attach


def submit_candidates(
    ctx: ServiceContext,
    request: SubmittalRequest,
    render: Render,
    documents_dir: Path | None = None,
    now: dt.datetime | None = None,
) -> Outcome[SubmitResult]:
    """Send the candidates' profiles to the contact and record a submittal for each.

    Refused (`ValidationError`) when the contact is not one of the job's client's current
    contacts or has no email address, or a candidate has withdrawn consent; nothing is
    queued or recorded then.
    """
    errors = request.validate()
    if errors:
        raise ValidationError(errors)
    if request.with_resume and documents_dir is None:
        raise ValidationError({"with_resume": "The resumes' folder is not known here."})
    ids = tuple(dict.fromkeys(request.candidate_ids))
    # The PDFs are drawn before the write transaction, which then holds the lock only briefly;
    # the documents are checked again inside it (`_check`), so nothing drawn is stale.
    with ctx.read() as session:
        _check(session, request, ids)
        documents = {
            cid: build_document(session, cid, request.options(cid), ctx.actor.user_id)
            for cid in ids
        }
    pdfs = {cid: render(document) for cid, document in documents.items()}
    when = now or utc_now()
    with ctx.write() as tx:
        job, client, contact, address = _check(tx.session, request, ids)
        parts: list[MailPart] = []
        missing: list[str] = []
        for cid in ids:
            document = documents[cid]
            parts.append(MailPart(_pdf_name(document), "application/pdf", pdfs[cid]))
            if request.with_resume:
                resume = _resume(tx.session, cid, documents_dir)
                if resume is None:
                    missing.append(document.name)
                else:
                    parts.append(resume)
        contact_name = person_name(contact.first_name, None, contact.last_name)
        draft = Draft(
            to_address=address,
            to_name=contact_name,
            subject=_subject(job, documents[ids[0]].name, len(ids)),
            body_text=_body(tx, contact, job, request.note, [documents[c] for c in ids]),
            attachments=tuple(parts),
        )
        (message_id,) = add_to_outbox(
            tx.session,
            [draft],
            domain=load_account(tx.session).sender_domain,
            created_by_id=tx.actor.user_id,
        )
        submittal_ids = []
        for cid in ids:
            submittal = Submittal(
                candidate_id=cid,
                job_id=job.id,
                contact_id=contact.id,
                contact_name=contact_name,
                contact_email=address,
                submitted_at=when,
                submitted_by_id=tx.actor.user_id,
                status=SubmittalStatus.SUBMITTED,
                blind=request.blind,
                with_resume=request.with_resume,
                pitch=clean_text(request.pitches.get(cid)),
                outbox_message_id=message_id,
            )
            tx.session.add(submittal)
            tx.session.flush()
            submittal_ids.append(submittal.id)
            kind = "blind profile" if request.blind else "profile"
            body = [f"Sent the {kind}" + (" with the resume." if request.with_resume else ".")]
            if submittal.pitch:
                body.append(submittal.pitch)
            timeline_entry(
                tx,
                submittal,
                f"Submitted to {contact_name} ({client.name}) for {job.title}",
                "\n\n".join(body),
                when,
            )
            tx.audit(
                "submittal.create",
                "submittal",
                submittal.id,
                after=columns_of(submittal, SUBMITTAL_FIELDS),
            )
            tx.changed(ChangeKind.CANDIDATES, cid)
        tx.changed(ChangeKind.SUBMITTALS, *submittal_ids)
        tx.changed(ChangeKind.OUTBOX, message_id)
        result = SubmitResult(tuple(submittal_ids), message_id, tuple(missing))
        return outcome(result, tx)


def _check(
    session: Session, request: SubmittalRequest, ids: tuple[int, ...]
) -> tuple[Job, Client, Contact, str]:
    job = session.get(Job, request.job_id)
    if job is None:
        raise NotFoundError(f"Job #{request.job_id} no longer exists.")
    client = session.get(Client, job.client_id)
    contact = session.get(Contact, request.contact_id)
    if client is None or contact is None or contact.client_id != job.client_id:
        raise ValidationError({"contact": "Choose one of the client's contacts."})
    if contact.archived_at is not None:
        raise ValidationError({"contact": "That contact is archived; choose a current one."})
    emails = [e for e in (contact.emails or [contact.email]) if e]
    if not emails:
        raise ValidationError({"contact": "That contact has no email address."})
    refused = []
    for cid in ids:
        candidate = session.get(Candidate, cid)
        if candidate is None:
            raise NotFoundError(f"Candidate #{cid} no longer exists.")
        if candidate.consent == Consent.WITHDRAWN:
            refused.append(person_name(candidate))
    if refused:
        names = ", ".join(refused)
        raise ValidationError(
            {"candidates": f"Withdrew consent to their data being shared: {names}."}
        )
    return job, client, contact, str(emails[0])


def _pdf_name(document: ProfileDocument) -> str:
    """ "Profile - Jane Roe.pdf": letters, digits and spaces of the name only."""
    words = re.sub(r"[^\w ]+", " ", document.name).split()
    return f"Profile - {' '.join(words) or document.candidate_id}.pdf"


def _resume(session: Session, candidate_id: int, folder: Path | None) -> MailPart | None:
    """The candidate's newest stored resume as an attachment (None: none, or its file gone)."""
    row = session.execute(
        select(Document.original_name, Document.media_type, Document.stored_path)
        .where(Document.candidate_id == candidate_id)
        .order_by(Document.created_at.desc(), Document.id.desc())
        .limit(1)
    ).first()
    if row is None or folder is None:
        return None
    path = Path(folder) / row.stored_path
    try:
        if path.stat().st_size > MAX_RESUME_BYTES:
            raise ValidationError({"with_resume": f"{row.original_name} is too large to send."})
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    return MailPart(row.original_name, row.media_type or "application/octet-stream", data)


def _subject(job: Job, first_name: str, count: int) -> str:
    if count == 1:
        return f"Candidate for {job.title}: {first_name}"
    return f"{count} candidates for {job.title}"


def _body(
    tx: Transaction,
    contact: Contact,
    job: Job,
    note: str | None,
    documents: list[ProfileDocument],
) -> str:
    greeting = f"Dear {contact.first_name.strip() or 'Sir or Madam'},"
    count = "the profile" if len(documents) == 1 else "the profiles"
    own = clean_text(note) or (
        f"Please find attached {count} of {'a candidate' if len(documents) == 1 else 'candidates'}"
        f" for the {job.title} role. I would welcome your feedback."
    )
    lines = [f"- {d.name}" + (f" — {d.headline}" if d.headline else "") for d in documents]
    recruiter = tx.session.get(User, tx.actor.user_id) if tx.actor.user_id else None
    signature = [recruiter.display_name if recruiter else tx.actor.name]
    brand = documents[0].brand.name
    if brand:
        signature.append(brand)
    return "\n\n".join([greeting, own, "\n".join(lines), "\n".join(signature)]) + "\n"


def timeline_entry(
    tx: Transaction, submittal: Submittal, subject: str, body: str | None, when: dt.datetime
) -> Activity:
    application_id = tx.session.scalar(
        select(Application.id).where(
            Application.candidate_id == submittal.candidate_id,
            Application.job_id == submittal.job_id,
        )
    )
    activity = Activity(
        candidate_id=submittal.candidate_id,
        application_id=application_id,
        kind=ActivityKind.SUBMITTAL,
        subject=subject[:300],
        body=body,
        occurred_at=when,
        user_id=tx.actor.user_id,
    )
    tx.session.add(activity)
    tx.session.flush()
    return activity
