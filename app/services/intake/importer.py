"""Resume intake: one parsed file becomes a stored document and a candidate, in one transaction.

The parser runs elsewhere (a worker process) and hands over a `ParsedResume`. Here the
original is kept under its SHA-256, the person is found (or created), and placed where the
recruiter dropped the file. An email address identifies a person; a phone number only
together with the name (numbers are shared, and templates ship with made-up ones, which
never count: `candidates.phones`). Nothing the recruiter typed is overwritten: values that
differ from the record come back as ``conflicts`` for confirmation, people who merely look
alike (or share only a phone) are recorded as duplicate suspects rather than merged, and an
attach keeps what undoing it needs (`candidates.merge_undo`). A resume with no name, email
or phone becomes no one until the recruiter says who it is: it waits for review.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mimetypes
import os
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.parsing.result import ParsedResume
from app.services.candidates.duplicates import (
    MAX_SUSPECTS,
    SIMILAR_NAME_SCORE,
    dismiss_suspect,
    list_duplicate_suspects,
    merge_candidates,
    record_suspects,
)
from app.services.candidates.edit import field_label
from app.services.candidates.phones import matching_key, phone_key
from app.services.candidates.record_snapshot import Snapshot, capture, capture_after, rows
from app.services.candidates.resume_fields import link_skills, split_name
from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import person_name
from app.services.core.text_rules import (
    LIMITS,
    MAX_LINKS,
    clean,
    fit,
    fit_field,
    fit_text,
)
from app.services.core.unit_of_work import (
    NotFoundError,
    Transaction,
    ValidationError,
    read_rows,
    snapshot,
)
from app.services.pipeline.applications import open_application
from app.store.models import (
    Activity,
    ActivityKind,
    Application,
    Candidate,
    CandidateEmail,
    CandidatePhone,
    Document,
    Education,
    Experience,
    Job,
    PoolMembership,
    Stage,
    TalentPool,
    utc_now,
)
from app.store.search import rebuild_candidate_search, set_candidate_search_suspended

__all__ = [
    "ImportResult",
    "IntakeTarget",
    "Match",
    "create_for_document",
    "dismiss_suspect",
    "find_match",
    "import_resume",
    "list_duplicate_suspects",
    "merge_candidates",
    "split_name",
]

IMPORT_SOURCE = "Resume import"
ATTACH_ACTION = (
    "candidate.attach_resume"  # an undoable attach (see app.services.candidates.merge_undo)
)
NEEDS_REVIEW = "needs_review"  # a document's parse_status while it waits for a person
NEEDS_REVIEW_NOTE = "needs review: no name, email or phone found"
SHARED_PHONE_SCORE = 70.0  # a suspect sharing only a phone number: worth a look, no more
# Scalar fields a resume may fill; when already set and different they become conflicts.
RESUME_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "current_title",
    "current_employer",
    "location",
)
POSITION_STEP = 1024.0
INCOMING_DIR = ".incoming"  # inside documents_dir: same file system, so the rename is atomic


@dataclass(frozen=True)
class IntakeTarget:
    """Where an imported resume lands: an application on a job (at a stage, else the first),
    a talent pool, or (all None) just the candidate record; ``source`` is what a candidate it
    creates and an application it opens are recorded as coming from ("Email" for a resume
    that came by mail), written with the rows rather than changed after."""

    job_id: int | None = None
    stage_id: int | None = None
    pool_id: int | None = None
    source: str = IMPORT_SOURCE


@dataclass(frozen=True)
class ImportResult:
    """What one import did; plain data, so it crosses threads and processes."""

    candidate_id: int | None  # None while the file waits for review (``needs_review``)
    created: bool
    document_id: int
    application_id: int | None = None  # the application this import created, if any
    duplicate_document: bool = False
    conflicts: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field → (old, new)
    possible_duplicates: tuple[int, ...] = ()
    notes: tuple[str, ...] = ()  # one-line remarks for the user ("already in this pipeline")
    job_id: int | None = None  # the target job or pool, so views know what to refresh
    pool_id: int | None = None
    needs_review: bool = False  # no name, email or phone: no candidate until a person says
    attach_audit_id: int | None = None  # an attach to an existing candidate, to undo it
    matched_by: str = ""  # why it was attached ("same email address jane@example.com")
    attached_to: str = ""  # the name of the candidate it was attached to
    candidate_name: str = ""  # the candidate the file created, joined or already belonged to


def import_resume(
    ctx: ServiceContext,
    documents_dir: Path,
    source: Path,
    parsed: ParsedResume,
    target: IntakeTarget | None = None,
) -> Outcome[ImportResult]:
    """Store ``source`` and its parse, find or create the candidate, place them on ``target``.

    All or nothing: the rows, the audit entries and the stored file appear together. The file
    is copied (and hashed while copying, so the hash names exactly the bytes kept) into
    ``documents_dir`` first under a temporary name, renamed into place just before commit,
    and removed again if the transaction fails.
    """
    source = Path(source)
    documents_dir = Path(documents_dir)
    incoming = copy_in(source, documents_dir)
    placed: list[Path] = []
    try:
        with ctx.write() as tx:
            # The candidate's search row is re-derived once at the end, not by a trigger for
            # every row this import writes (document, timeline entry, each skill, the record).
            set_candidate_search_suspended(tx.session, True)
            result = store(tx, documents_dir, source, parsed, target, incoming, placed)
            tx.session.flush()
            if result.candidate_id is not None:
                rebuild_candidate_search(tx.session, [result.candidate_id])
            set_candidate_search_suspended(tx.session, False)
            done = outcome(result, tx)
    except BaseException:
        incoming.path.unlink(missing_ok=True)
        for path in placed:
            discard_unless_recorded(ctx, path, incoming.digest)
        remove_if_empty(incoming.path.parent)
        raise
    finally:
        incoming.path.unlink(missing_ok=True)
    return done


@dataclass(frozen=True)
class Incoming:
    """A file copied beside the store under a temporary name, with its hash and size."""

    path: Path
    digest: str
    size: int


def store(
    tx: Transaction,
    documents_dir: Path,
    source: Path,
    parsed: ParsedResume,
    target: IntakeTarget | None,
    incoming: Incoming,
    placed: list[Path],
) -> ImportResult:
    """The rows of one import in ``tx``; the stored file, if this import put it in place, is
    added to ``placed`` at once (the caller removes it again if the transaction fails)."""
    digest = incoming.digest
    relative = Path(digest[:2]) / f"{digest}{source.suffix.lower()}"
    known = read_rows(tx.session, "SELECT id FROM documents WHERE sha256 = ?", (digest,))
    document = tx.session.get(Document, known[0][0]) if known else None
    notes: list[str] = []
    seen_before = document is not None and document.candidate_id is not None
    if document is None:
        document = _new_document(source, parsed, digest, incoming.size, relative)
        tx.session.add(document)
    final = documents_dir / document.stored_path
    if not final.exists():  # new, or lost from the store: keep this copy
        placed.append(_place_file(incoming.path, final))
    if seen_before:
        result = _repeat(tx, document, target, notes)
    else:
        result = _import(tx, document, source, parsed, target, notes)
    tx.changed(ChangeKind.DOCUMENTS, result.document_id)
    return result


def copy_in(source: Path, documents_dir: Path) -> Incoming:
    """Copy ``source`` to a temporary file beside the store, returning it, its hash and size."""
    folder = documents_dir / INCOMING_DIR
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f"{uuid.uuid4().hex}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        with source.open("rb") as reader, temporary.open("wb") as writer:
            while chunk := reader.read(1 << 20):
                digest.update(chunk)
                writer.write(chunk)
                size += len(chunk)
            writer.flush()
            os.fsync(writer.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        remove_if_empty(folder)
        raise
    return Incoming(temporary, digest.hexdigest(), size)


def _place_file(incoming: Path, final: Path) -> Path:
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(incoming, final)
    return final


def discard_unless_recorded(ctx: ServiceContext, path: Path, digest: str) -> None:
    """Remove a stored file whose import failed, unless a committed document names it."""
    with ctx.read() as session:
        if session.scalar(select(Document.id).where(Document.sha256 == digest)) is None:
            path.unlink(missing_ok=True)
            remove_if_empty(path.parent)


def remove_if_empty(folder: Path) -> None:
    """Drop a shard folder a failed import created, so failures leave nothing behind."""
    with contextlib.suppress(OSError):  # not empty (other documents), or already gone
        folder.rmdir()


def _new_document(
    source: Path, parsed: ParsedResume, digest: str, size: int, relative: Path
) -> Document:
    media_type = parsed.media_type or mimetypes.guess_type(source.name)[0]
    return Document(
        sha256=digest,
        original_name=fit_field("document_name", source.name) or "resume",
        media_type=fit(media_type, 120) or "application/octet-stream",
        size_bytes=size,
        stored_path=relative.as_posix(),
        text=fit_text(parsed.text, LIMITS["resume_text"]),
        parsed_fields=parsed.to_json(),
        parse_status="parsed_with_warnings" if parsed.warnings else "parsed",
    )


def _repeat(
    tx: Transaction, document: Document, target: IntakeTarget | None, notes: list[str]
) -> ImportResult:
    """The same bytes were imported before: no second document, only the placement."""
    assert document.candidate_id is not None
    when = document.created_at.date().isoformat()
    notes.append(f"This file was already imported on {when} (document #{document.id}).")
    application_id = _place(tx, document.candidate_id, target, notes)
    owner = tx.session.get(Candidate, document.candidate_id) if document.candidate_id else None
    return ImportResult(
        candidate_id=document.candidate_id,
        created=False,
        document_id=document.id,
        application_id=application_id,
        duplicate_document=True,
        candidate_name=person_name(owner) if owner is not None else "",
        notes=tuple(notes),
        job_id=target.job_id if target else None,
        pool_id=target.pool_id if target else None,
    )


def _import(
    tx: Transaction,
    document: Document,
    source: Path,
    parsed: ParsedResume,
    target: IntakeTarget | None,
    notes: list[str],
) -> ImportResult:
    if not identifies_someone(parsed):
        return _hold_for_review(tx, document, target)
    match = find_match(tx.session, parsed)
    if match.candidate_id is None:
        return create_for_document(
            tx, document, source.name, parsed, target, notes, also_suspect=match.phone_suspects
        )
    return _attach_to(tx, document, source.name, parsed, target, notes, match)


def identifies_someone(parsed: ParsedResume) -> bool:
    """A name, an email address or a real phone number: enough to be a candidate."""
    return bool(
        split_name(parsed.name)
        or _emails(parsed)
        or any(matching_key(phone) for phone in _phones(parsed))
    )


def target_json(target: IntakeTarget | None) -> dict[str, int | None] | None:
    """The target as the audit keeps it, so a later step (review, undo) can place the same."""
    if target is None or (target.job_id, target.stage_id, target.pool_id) == (None, None, None):
        return None
    return {"job_id": target.job_id, "stage_id": target.stage_id, "pool_id": target.pool_id}


def target_from_json(value: Any) -> IntakeTarget | None:
    if not isinstance(value, dict):
        return None
    job, stage, pool = (value.get(k) for k in ("job_id", "stage_id", "pool_id"))
    if not any(isinstance(v, int) for v in (job, stage, pool)):
        return None
    return IntakeTarget(
        job_id=job if isinstance(job, int) else None,
        stage_id=stage if isinstance(stage, int) else None,
        pool_id=pool if isinstance(pool, int) else None,
    )


def _hold_for_review(
    tx: Transaction, document: Document, target: IntakeTarget | None
) -> ImportResult:
    """Keep the file, make no one of it: it waits until the recruiter names the person."""
    document.parse_status = NEEDS_REVIEW
    tx.session.flush()
    tx.audit(
        "document.import",
        "document",
        document.id,
        after={
            "candidate_id": None,
            "original_name": document.original_name,
            "sha256": document.sha256,
            "parse_status": NEEDS_REVIEW,
            "target": target_json(target),
        },
    )
    return ImportResult(
        candidate_id=None,
        created=False,
        document_id=document.id,
        notes=(NEEDS_REVIEW_NOTE,),
        job_id=target.job_id if target else None,
        pool_id=target.pool_id if target else None,
        needs_review=True,
    )


def create_for_document(
    tx: Transaction,
    document: Document,
    file_name: str,
    parsed: ParsedResume,
    target: IntakeTarget | None,
    notes: list[str],
    also_suspect: tuple[tuple[int, float, str], ...] = (),
    not_suspect: frozenset[int] = frozenset(),
    body: str = "New candidate from this resume.",
) -> ImportResult:
    """A new candidate from ``parsed``, owning ``document``, placed on ``target``; inside the
    caller's transaction (an import, a reviewed file, a resume split from the wrong person)."""
    session = tx.session
    origin = target.source if target is not None else IMPORT_SOURCE
    candidate = _create_candidate(tx, Path(file_name), parsed, origin)
    suspects = record_suspects(tx, candidate, also=also_suspect, never=not_suspect)
    document.candidate_id = candidate.id
    if document.parse_status == NEEDS_REVIEW:
        document.parse_status = "parsed_with_warnings" if parsed.warnings else "parsed"
    session.flush()
    _audit_import(tx, document, candidate.id, 1)
    _timeline_entry(tx, candidate.id, file_name, body)
    application_id = _place(tx, candidate.id, target, notes)
    tx.changed(ChangeKind.CANDIDATES, candidate.id)
    return ImportResult(
        candidate_id=candidate.id,
        created=True,
        candidate_name=person_name(candidate),
        document_id=document.id,
        application_id=application_id,
        possible_duplicates=suspects,
        notes=tuple(notes),
        job_id=target.job_id if target else None,
        pool_id=target.pool_id if target else None,
    )


def _audit_import(tx: Transaction, document: Document, candidate_id: int, version: int) -> None:
    """The audit entry of a resume stored for a candidate (their ``version``-th)."""
    tx.audit(
        "document.import",
        "document",
        document.id,
        after={
            "candidate_id": candidate_id,
            "original_name": document.original_name,
            "sha256": document.sha256,
            "parse_status": document.parse_status,
            "version": version,
        },
    )


def _timeline_entry(tx: Transaction, candidate_id: int, file_name: str, body: str) -> Activity:
    """The timeline's note of the import; its id comes with the caller's next flush."""
    activity = Activity(
        candidate_id=candidate_id,
        kind=ActivityKind.NOTE,
        subject=fit_field("activity_subject", f"Resume imported: {file_name}"),
        body=body,
        user_id=tx.actor.user_id,
    )
    tx.session.add(activity)
    return activity


def _attach_to(
    tx: Transaction,
    document: Document,
    file_name: str,
    parsed: ParsedResume,
    target: IntakeTarget | None,
    notes: list[str],
    match: Match,
) -> ImportResult:
    """Add the resume to the candidate it matched, keeping what undoing it needs: every row
    of the candidate before and after, in the audit entry of the attach."""
    session = tx.session
    assert match.candidate_id is not None
    candidate_id = match.candidate_id
    session.flush()  # the document's id, for the snapshot
    before = capture(session, [candidate_id], [document.id])
    held = _Held.of(before, candidate_id)
    if held.record is None:  # gone since it matched: the same error as before snapshots
        session.get_one(Candidate, candidate_id)
    conflicts, their_name = _attach(tx, candidate_id, parsed, notes, held)
    document.candidate_id = candidate_id
    versions = held.documents + 1  # theirs, and this one (no one's until now)
    _audit_import(tx, document, candidate_id, versions)
    body = f"Resume version {versions}; added here because of the {match.reason}."
    if conflicts:
        names = sorted(field_label(name).lower() for name in conflicts)
        body += " Differs from the record in: " + ", ".join(names) + "."
    activity = _timeline_entry(tx, candidate_id, file_name, body)
    application_id = _place(tx, candidate_id, target, notes)
    tx.changed(ChangeKind.CANDIDATES, candidate_id)
    after = capture_after(session, before)  # flushes all of the above: the activity's id
    entry = tx.audit(
        ATTACH_ACTION,
        "candidate",
        candidate_id,
        before={"restore": before},
        after={
            "restore": after,
            "document_id": document.id,
            "activity_id": activity.id,
            "file": file_name,
            "name": their_name,
            "matched_by": match.reason,
            "target": target_json(target),
        },
    )
    session.flush()
    return ImportResult(
        candidate_id=candidate_id,
        created=False,
        document_id=document.id,
        application_id=application_id,
        conflicts=conflicts,
        notes=tuple(notes),
        job_id=target.job_id if target else None,
        pool_id=target.pool_id if target else None,
        attach_audit_id=entry.id,
        matched_by=match.reason,
        attached_to=their_name,
        candidate_name=their_name,
    )


@dataclass(frozen=True)
class _Held:
    """What a candidate holds that an attach looks at, read from the snapshot taken before
    it rather than by loading the candidate and each of their collections through the ORM
    (the candidate is loaded only to change them)."""

    record: dict[str, Any] | None  # the candidate's columns as stored; None: no such candidate
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    experiences: int
    educations: int
    documents: int

    @classmethod
    def of(cls, before: Snapshot, candidate_id: int) -> _Held:
        def theirs(table: str) -> list[dict[str, Any]]:
            return [row for row in rows(before, table) if row["candidate_id"] == candidate_id]

        records = [row for row in rows(before, "candidates") if row["id"] == candidate_id]
        return cls(
            record=records[0] if records else None,
            emails=tuple(row["email"] for row in theirs("candidate_emails")),
            phones=tuple(row["phone"] for row in theirs("candidate_phones")),
            experiences=len(theirs("experiences")),
            educations=len(theirs("educations")),
            documents=len(theirs("documents")),
        )

    def links(self) -> list[str]:
        """The candidate's links, as the JSON column reads them."""
        stored = self.record["links"] if self.record is not None else None
        return list(json.loads(stored) or []) if stored is not None else []


@dataclass(frozen=True)
class Match:
    """Who a resume belongs to, and why; or the people it only shares a phone number with."""

    candidate_id: int | None
    reason: str = ""
    phone_suspects: tuple[tuple[int, float, str], ...] = ()


def find_match(session: Session, parsed: ParsedResume) -> Match:
    """The candidate this resume is: the oldest with one of its email addresses, else the
    oldest sharing a real phone number and a similar name. Sharing only the number (a
    family's landline, a switchboard, a typo) makes the others suspects, never a match."""
    emails = _emails(parsed)
    if emails:
        marks = ", ".join("?" * len(emails))
        found = read_rows(
            session,
            "SELECT candidate_id, email FROM candidate_emails "
            f"WHERE email IN ({marks}) ORDER BY candidate_id LIMIT 1",
            emails,
        )
        if found:
            candidate_id, email = found[0]
            return Match(candidate_id, f"same email address {email}")
    sharing = _sharing_a_phone(session, parsed)
    if not sharing:
        return Match(None)
    parts = split_name(parsed.name)
    name = f"{parts[0]} {parts[2]}".casefold() if parts else ""
    people = session.execute(
        select(Candidate.id, Candidate.first_name, Candidate.middle_name, Candidate.last_name)
        .where(Candidate.id.in_(sharing))
        .order_by(Candidate.id)
    ).all()
    for person in people:
        theirs = f"{person.first_name} {person.last_name}".casefold()
        if name and fuzz.token_sort_ratio(name, theirs) >= SIMILAR_NAME_SCORE:
            return Match(person.id, f"same phone number {sharing[person.id]} and a similar name")
    suspects = tuple(
        (
            person.id,
            SHARED_PHONE_SCORE,
            f"same phone number ({sharing[person.id]}); another name ({person_name(person)})"[:300],
        )
        for person in people[:MAX_SUSPECTS]
    )
    return Match(None, phone_suspects=suspects)


def _sharing_a_phone(session: Session, parsed: ParsedResume) -> dict[int, str]:
    """Candidates holding one of the resume's real phone numbers: {id: the number}."""
    found: dict[int, str] = {}
    for phone in parsed.phones:
        key = matching_key(phone)
        if key is None:
            continue
        exact = {phone.strip(), re.sub(r"\D", "", phone)}
        rows = session.execute(
            select(CandidatePhone.candidate_id, CandidatePhone.phone).where(
                CandidatePhone.phone.in_(exact)
            )
        ).all()
        if not rows:  # stored in another format: compare digits of the few ending alike
            rows = [
                row
                for row in session.execute(
                    select(CandidatePhone.candidate_id, CandidatePhone.phone).where(
                        CandidatePhone.phone.like(f"%{key[-4:]}")
                    )
                )
                if phone_key(row.phone) == key
            ]
        for row in rows:
            found.setdefault(row.candidate_id, row.phone)
    return found


def _emails(parsed: ParsedResume) -> list[str]:
    """The resume's addresses, cleaned and lower-case; one too long to be an address (or with
    spaces in it) is left out rather than cut."""
    seen: dict[str, None] = {}
    for email in parsed.emails:
        value = (clean(email) or "").lower()
        if "@" in value and " " not in value and len(value) <= LIMITS["email"]:
            seen.setdefault(value, None)
    return list(seen)


def _phones(parsed: ParsedResume) -> list[str]:
    """The resume's phone numbers, one per number; a value too long to be one is left out."""
    seen: dict[str, str] = {}
    for phone in parsed.phones:
        value = clean(phone)
        key = phone_key(value)
        if key is not None and value and len(value) <= LIMITS["phone"]:
            seen.setdefault(key, value)
    return list(seen.values())


def _resume_values(parsed: ParsedResume) -> dict[str, str | None]:
    """The scalar candidate fields this resume provides, trimmed to their column sizes."""
    parts = split_name(parsed.name)
    first, middle, last = parts if parts else (None, None, None)
    title, employer = parsed.current_title, parsed.current_employer
    if not title and not employer and parsed.employers:
        latest = parsed.employers[0]
        if (latest.end or "").lower() == "present":
            title, employer = latest.title, latest.company
    values = {
        "first_name": first,
        "middle_name": middle,
        "last_name": last or None,
        "current_title": title,
        "current_employer": employer,
        "location": parsed.location,
    }
    return {name: fit_field(name, value) for name, value in values.items()}


def _create_candidate(
    tx: Transaction, source: Path, parsed: ParsedResume, origin: str = IMPORT_SOURCE
) -> Candidate:
    values = _resume_values(parsed)
    if not values["first_name"]:
        values["first_name"] = "Unknown"
        values["last_name"] = fit_field("last_name", f"({source.stem})")
    candidate = Candidate(
        **(values | {"last_name": values["last_name"] or ""}),
        links=_links(parsed, []),
        source=origin,
        owner_id=tx.actor.user_id,
    )
    for position, email in enumerate(_unclaimed_emails(tx.session, _emails(parsed))):
        candidate.emails.append(CandidateEmail(email=email, position=position))
    for position, phone in enumerate(_phones(parsed)):
        candidate.phones.append(CandidatePhone(phone=phone, position=position))
    candidate.experiences.extend(_experiences(parsed))
    candidate.educations.extend(_educations(parsed))
    tx.session.add(candidate)
    tx.session.flush()
    skills = link_skills(tx.session, candidate.id, parsed.skills)
    after = {name: getattr(candidate, name) for name in RESUME_FIELDS} | {
        "emails": [e.email for e in candidate.emails],
        "phones": [p.phone for p in candidate.phones],
        "links": list(candidate.links),
        "skills": skills,
        "source": origin,
    }
    tx.audit("candidate.create", "candidate", candidate.id, after=after)
    return candidate


def _attach(
    tx: Transaction,
    candidate_id: int,
    parsed: ParsedResume,
    notes: list[str],
    held: _Held,
) -> tuple[dict[str, tuple[Any, Any]], str]:
    """Fill the candidate's empty fields from the resume; return the differing ones, and the
    candidate's name once filled.

    The candidate's values are those of the snapshot (`_Held`); the candidate is loaded
    only when a field changes. What it looks up (addresses other candidates have, the
    skills) is looked up before it changes anything, so that the lookups find nothing to
    flush first: all the changes go to the database in one flush, the caller's. New rows
    (addresses, numbers, work history) are added with the candidate's id rather than through
    the candidate's collections, which would each be loaded first; a collection already
    loaded in this session is expired, so that it reads them too."""
    session = tx.session
    assert held.record is not None
    known = set(held.emails)
    new_emails = [e for e in _emails(parsed) if e not in known]
    claimed = set(new_emails) - set(_unclaimed_emails(session, new_emails))
    added_skills = link_skills(session, candidate_id, parsed.skills)
    record = dict(held.record)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    conflicts: dict[str, tuple[Any, Any]] = {}
    for name, new in _resume_values(parsed).items():
        old = record[name]
        if new is None:
            continue
        if not old:
            before[name], after[name] = old, new
            record[name] = new
        elif _comparable(old) != _comparable(new):
            conflicts[name] = (old, new)
    grown: list[str] = []
    position = len(held.emails)
    for email in new_emails:
        if email in claimed:
            notes.append(f"{email} belongs to another candidate; not added.")
            continue
        session.add(CandidateEmail(candidate_id=candidate_id, email=email, position=position))
        position += 1
        after.setdefault("emails_added", []).append(email)
    if position > len(held.emails):
        grown.append("emails")
    keys = {phone_key(phone) for phone in held.phones}
    position = len(held.phones)
    for phone in _phones(parsed):
        if phone_key(phone) not in keys:
            session.add(CandidatePhone(candidate_id=candidate_id, phone=phone, position=position))
            position += 1
            after.setdefault("phones_added", []).append(phone)
    if position > len(held.phones):
        grown.append("phones")
    current = held.links()
    links = _links(parsed, current)
    if links != current:
        before["links"], after["links"] = current, links
    for name, count, made in (
        ("experiences", held.experiences, _experiences),
        ("educations", held.educations, _educations),
    ):
        if count == 0 and (entries := made(parsed)):
            for entry in entries:
                entry.candidate_id = candidate_id
            session.add_all(entries)
            grown.append(name)
    changed = [name for name in (*RESUME_FIELDS, "links") if name in before]
    if changed:
        candidate = session.get_one(Candidate, candidate_id)
        for name in changed:
            setattr(candidate, name, after[name])
    loaded = session.identity_map.get(session.identity_key(Candidate, candidate_id))
    if grown and loaded is not None:
        session.expire(loaded, grown)
    if added_skills:
        after["skills_added"] = added_skills
    if after or conflicts:
        changes = after | ({"conflicts": snapshot(conflicts)} if conflicts else {})
        tx.audit("candidate.update_from_resume", "candidate", candidate_id, before, changes)
    name = person_name(record["first_name"], record["middle_name"], record["last_name"])
    return conflicts, name


def _comparable(value: Any) -> str:
    return " ".join(str(value).split()).casefold()


def _unclaimed_emails(session: Session, emails: list[str]) -> list[str]:
    """The addresses no candidate has yet (an address identifies one person)."""
    if not emails:
        return []
    taken = set(
        session.scalars(select(CandidateEmail.email).where(CandidateEmail.email.in_(emails)))
    )
    return [e for e in emails if e not in taken]


def _links(parsed: ParsedResume, current: list[str]) -> list[str]:
    """``current`` with the resume's new links, up to `MAX_LINKS` in all. A link longer than
    its cap is left out: a shortened address would lead somewhere else."""
    seen = {link.rstrip("/").lower() for link in current}
    links = list(current)
    for link in parsed.links:
        value = clean(link)
        if len(links) >= MAX_LINKS:
            break
        if value and len(value) <= LIMITS["link"] and value.rstrip("/").lower() not in seen:
            seen.add(value.rstrip("/").lower())
            links.append(value)
    return links


def _experiences(parsed: ParsedResume) -> list[Experience]:
    rows = []
    for employment in parsed.employers:
        if not clean(employment.company) and not clean(employment.title):
            continue
        rows.append(
            Experience(
                company=fit_field("company", employment.company) or "",
                title=fit_field("job_title", employment.title),
                start=fit_field("date", employment.start),
                end=fit_field("date", employment.end),
                position=len(rows),
            )
        )
    return rows


def _educations(parsed: ParsedResume) -> list[Education]:
    rows = []
    for entry in parsed.education:
        if not clean(entry.institution) and not clean(entry.degree):
            continue
        rows.append(
            Education(
                institution=fit_field("institution", entry.institution) or "",
                degree=fit_field("degree", entry.degree),
                year=fit_field("date", entry.year),
                position=len(rows),
            )
        )
    return rows


def _place(
    tx: Transaction, candidate_id: int, target: IntakeTarget | None, notes: list[str]
) -> int | None:
    """Put the candidate on the target's job and stage and/or in its pool."""
    if target is None:
        return None
    application_id = None
    if target.job_id is not None:
        application_id = _apply(
            tx, candidate_id, target.job_id, target.stage_id, notes, target.source
        )
    elif target.stage_id is not None:
        raise ValidationError({"stage": "A stage needs its job."})
    if target.pool_id is not None:
        _join_pool(tx, candidate_id, target.pool_id, notes)
    return application_id


def _apply(
    tx: Transaction,
    candidate_id: int,
    job_id: int,
    stage_id: int | None,
    notes: list[str],
    origin: str = IMPORT_SOURCE,
) -> int | None:
    session = tx.session
    job = session.get(Job, job_id)
    if job is None:
        raise NotFoundError(f"Job #{job_id} no longer exists.")
    if stage_id is None:
        stage = session.scalar(
            select(Stage).where(Stage.job_id == job_id).order_by(Stage.position).limit(1)
        )
        if stage is None:
            raise ValidationError({"stage": f"Job #{job_id} has no stages."})
    else:
        stage = session.get(Stage, stage_id)
        if stage is None or stage.job_id != job_id:
            raise ValidationError({"stage": "That stage does not belong to this job."})
    existing = session.scalar(
        select(Application.id).where(
            Application.candidate_id == candidate_id, Application.job_id == job_id
        )
    )
    if existing is not None:
        notes.append(f"Already in the pipeline of {job.title}; left where it was.")
        return None
    last = session.scalar(
        select(func.max(Application.board_position)).where(Application.stage_id == stage.id)
    )
    application_id = open_application(
        tx, candidate_id, job, stage, origin, (last or 0.0) + POSITION_STEP, utc_now()
    )
    tx.changed(ChangeKind.APPLICATIONS, application_id)
    tx.changed(ChangeKind.JOBS, job_id)
    tx.changed(ChangeKind.STAGES, stage.id)
    return application_id


def _join_pool(tx: Transaction, candidate_id: int, pool_id: int, notes: list[str]) -> None:
    session = tx.session
    pool = session.get(TalentPool, pool_id)
    if pool is None:
        raise NotFoundError(f"Talent pool #{pool_id} no longer exists.")
    if session.get(PoolMembership, (pool_id, candidate_id)) is not None:
        notes.append(f"Already in the pool {pool.name}.")
        return
    session.add(
        PoolMembership(
            pool_id=pool_id, candidate_id=candidate_id, added_by_id=tx.actor.user_id, note=None
        )
    )
    tx.audit("pool.add_member", "talent_pool", pool_id, after={"candidate_id": candidate_id})
    tx.changed(ChangeKind.POOLS, pool_id)
