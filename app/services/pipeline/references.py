"""Posting references: the requisition number a job is advertised under ("REQ-2026-014").

An applicant who writes a job's reference in an email's subject is filed under that job
(issue #16), so a reference must be unambiguous: one job per reference ignoring case, and
never a ``JOB-123`` form that the mailbox already reads as the tag naming another job.
The rules and the subject matching are plain functions; the look-ups take a session.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.store.models import Job

MIN_LENGTH = 2
MAX_LENGTH = 40  # the column's size
# ASCII letters only: the unique index compares lower(posting_reference), and SQLite's
# lower() folds ASCII alone, so "É" and "é" would slip past it as two references.
_ALLOWED = re.compile(r"[A-Za-z0-9\-_./#]+")
_LETTER_OR_DIGIT = re.compile(r"[A-Za-z0-9]")
# What `app.mail.inbound` reads as ``[JOB-123]`` once bracketed (references have no spaces).
_JOB_TAG_FORM = re.compile(r"JOB[-#]?(\d{1,9})", re.IGNORECASE)


def check_reference(errors: dict[str, str], field: str, value: str | None) -> None:
    """The rules that need no database; ``value`` is already cleaned (None when empty)."""
    if value is None:
        return
    if not MIN_LENGTH <= len(value) <= MAX_LENGTH:
        errors.setdefault(field, f"Use {MIN_LENGTH} to {MAX_LENGTH} characters.")
    elif not _ALLOWED.fullmatch(value):
        errors.setdefault(field, "Use letters, digits and - _ . / # only (no spaces).")
    elif not _LETTER_OR_DIGIT.search(value):
        errors.setdefault(field, "A reference needs at least one letter or digit.")


def tag_clash(reference: str, job_id: int | None) -> str | None:
    """Why ``reference`` cannot be job ``job_id``'s (None for a new job): ``JOB-5`` is how a
    subject names job #5, so only job #5 may use it. None when it is fine."""
    tag = _JOB_TAG_FORM.fullmatch(reference)
    if tag is None or int(tag.group(1)) == job_id:
        return None
    number = int(tag.group(1))
    return (
        f"{reference} is how an email's subject names job #{number} ([JOB-{number}]);"
        " choose another reference."
    )


def reference_owner(session: Session, reference: str, job_id: int | None) -> Job | None:
    """The other job that already has ``reference``, ignoring case. The terms are the unique
    index's expression and its ``WHERE``: without the second SQLite would not use the partial
    index and would read the whole table."""
    query = select(Job).where(
        func.lower(Job.posting_reference) == reference.lower(),
        Job.posting_reference.is_not(None),
    )
    if job_id is not None:
        query = query.where(Job.id != job_id)
    return session.scalars(query.limit(1)).first()


def _token(reference: str) -> re.Pattern[str]:
    """``reference`` standing alone: no letter or digit right before or after it."""
    return re.compile(rf"(?<![^\W_]){re.escape(reference)}(?![^\W_])", re.IGNORECASE)


def reference_in_subject(subject: str, references: Iterable[str]) -> str | None:
    """The reference written in ``subject`` as a whole token, ignoring case; the longest when
    several are (``REQ-7-B`` over ``REQ-7``). None when none is."""
    for reference in sorted(set(references), key=lambda r: (-len(r), r.lower())):
        if _token(reference).search(subject):
            return reference
    return None


def posting_references(session: Session) -> dict[str, int]:
    """Every job's posting reference and its job: a few hundred rows, read once for a batch of
    messages instead of a look-up per message."""
    rows = session.execute(
        select(Job.posting_reference, Job.id).where(Job.posting_reference.is_not(None))
    )
    return {reference: job_id for reference, job_id in rows if reference is not None}


def job_named_in_subject(subject: str, references: Mapping[str, int]) -> int | None:
    """The job whose posting reference ``subject`` carries, or None; ``references`` as
    `posting_references` reads them."""
    found = reference_in_subject(subject, references)
    return None if found is None else references[found]
