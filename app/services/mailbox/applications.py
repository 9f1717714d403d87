"""Applications by email: each resume attached goes through intake (`intake.importer.store`,
in the caller's transaction), on the job the message names (a ``[JOB-123]`` tag, a plus address
or the job's posting reference in the subject), with the sender's address on the candidate, the
source "Email" and the message's text kept as a note."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import func, select

from app.mail.inbound import Envelope, Inbound
from app.parsing.result import ParsedResume
from app.services.core.changes import ChangeKind
from app.services.core.unit_of_work import Transaction
from app.services.intake.importer import Incoming, IntakeTarget, copy_in, store
from app.services.mailbox.rows import (
    EMAIL_SOURCE,
    MAX_SUBJECT,
    ResumeFile,
    added,
    candidate_by_address,
    new_row,
    when,
)
from app.services.pipeline.references import job_named_in_subject
from app.store.mailbox import MailboxKind, MailboxMessage, MailboxState
from app.store.models import Activity, ActivityKind, CandidateEmail, Job
from app.store.search import rebuild_candidate_search
from app.wording import plural


def with_sender(parsed: ParsedResume, inbound: Inbound) -> ParsedResume:
    """The resume's reading with the sender's address (and name, when the resume gives
    none): the address that applied belongs to the applicant."""
    emails = parsed.emails
    if inbound.sender and inbound.sender not in {e.lower() for e in emails}:
        emails = (*emails, inbound.sender)
    name = parsed.name or inbound.sender_name or None
    return dataclasses.replace(parsed, emails=emails, name=name)


def application(
    tx: Transaction,
    documents_dir: Path,
    envelope: Envelope,
    inbound: Inbound,
    resumes: list[ResumeFile],
    placed: list[tuple[Path, str]],
    references: Mapping[str, int],
    sender_known: bool = False,
) -> MailboxMessage:
    """``references``: every job's posting reference, read once for a batch of messages
    (`pipeline.references.posting_references`); ``sender_known``: a candidate already had the
    sender's address before this message (it is not looked up again)."""
    notes: list[str] = []
    job_id = inbound.job_reference()
    missing = job_id if job_id is not None and tx.session.get(Job, job_id) is None else None
    if job_id is None or missing is not None:
        # No job named by a [JOB-123] tag or plus address: a job's posting reference, if written.
        job_id = job_named_in_subject(inbound.subject, references)
    if missing is not None:
        found = "imported without a job" if job_id is None else "filed by the posting reference"
        notes.append(f"Job #{missing} named in the message does not exist; {found}.")
    candidate_id, repeated = import_resumes(
        tx, documents_dir, inbound, resumes, placed, job_id, notes
    )
    if candidate_id is not None and not sender_known:
        if repeated:  # a file imported before: intake placed it again but added no address
            keep_sender_address(tx, candidate_id, inbound.sender)
        tx.session.add(
            Activity(
                candidate_id=candidate_id,
                kind=ActivityKind.NOTE,
                subject=(f"Application by email: {inbound.subject}")[:MAX_SUBJECT],
                body=inbound.text or None,
                occurred_at=when(inbound),
            )
        )
        tx.changed(ChangeKind.CANDIDATES, candidate_id)
    state = MailboxState.HANDLED if candidate_id is not None else MailboxState.PENDING
    row = new_row(envelope, inbound, MailboxKind.APPLICATION, state)
    row.candidate_id = candidate_id
    if candidate_id is None:
        row.body_text = inbound.text
        notes.append("The resume waits for review in intake.")
    job_text = f" for job #{job_id}" if job_id is not None else ""
    row.detail = " ".join([f"{plural(len(resumes), 'resume')} imported{job_text}.", *notes])
    return added(tx, row)


def import_resumes(
    tx: Transaction,
    documents_dir: Path,
    inbound: Inbound,
    resumes: list[ResumeFile],
    placed: list[tuple[Path, str]],
    job_id: int | None,
    notes: list[str],
) -> tuple[int | None, bool]:
    """Each resume through intake in ``tx`` (the first placed on ``job_id``); the value is the
    candidate the first one belongs to (None: it waits for review), and whether that resume's
    file had been imported before. Stored files are added to ``placed``, intake's remarks to
    ``notes``.

    A resume's reading carries the sender's address (`with_sender`), so intake gives it to
    the candidate it makes or fills, unless another candidate has it; only a file imported
    before, which intake places again without reading, leaves it to the caller."""
    # The first resume is placed on the job; a candidate any of them makes, and the
    # application, are recorded as coming by email.
    target = IntakeTarget(job_id=job_id, source=EMAIL_SOURCE)
    candidate_id: int | None = None
    repeated = False
    for resume in resumes:
        incoming = (
            Incoming(resume.path, resume.digest, resume.size)
            if resume.digest
            else copy_in(resume.path, documents_dir)
        )
        files: list[Path] = []
        try:
            result = store(
                tx,
                documents_dir,
                resume.path,
                with_sender(resume.parsed, inbound),
                target if candidate_id is None else IntakeTarget(source=EMAIL_SOURCE),
                incoming,
                files,
            )
        finally:
            incoming.path.unlink(missing_ok=True)  # its folder goes with the batch
            placed.extend((path, incoming.digest) for path in files)
        notes.extend(result.notes)
        if result.candidate_id is None:
            continue
        if candidate_id is None:
            candidate_id, repeated = result.candidate_id, result.duplicate_document
        elif result.candidate_id != candidate_id:  # another person's resume: their row now
            tx.session.flush()
            rebuild_candidate_search(tx.session, [result.candidate_id])
    return candidate_id, repeated


def keep_sender_address(tx: Transaction, candidate_id: int, address: str) -> None:
    """The sender's address on the candidate, unless someone already has it."""
    if not address or candidate_by_address(tx, address) is not None:
        return
    position = tx.session.scalar(
        select(func.count()).where(CandidateEmail.candidate_id == candidate_id)
    )
    tx.session.add(CandidateEmail(candidate_id=candidate_id, email=address, position=position or 0))
