"""Reading an imported resume back for review: the stored file, its text, what the parser
found (with confidences) and what the candidate record holds now; saving corrections, and
making the candidate of a file that waited for review (no name, email or phone found)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from app.parsing.locate import values_to_find
from app.parsing.result import ParsedResume
from app.services.candidates.merge_undo import attach_of_document
from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import person_name
from app.services.core.text_rules import LIMITS, MAX_LINKS, MAX_SKILLS, clean
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.core.validation import check_email, check_length, check_phone
from app.services.intake.examples import record_corrections
from app.services.intake.importer import create_for_document, split_name, target_from_json
from app.store.models import (
    AuditEntry,
    Candidate,
    CandidateEmail,
    CandidatePhone,
    CandidateSkill,
    Document,
    Skill,
)

if TYPE_CHECKING:  # the intake module is loaded on use
    from app.services.intake.importer import ImportResult

REVIEW_FIELDS = (
    ("name", "Name"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("location", "Location"),
    ("current_title", "Current title"),
    ("current_employer", "Employer"),
    ("links", "Links"),
    ("skills", "Skills"),
)
LOW_CONFIDENCE = 0.6


@dataclass(frozen=True)
class ReviewItem:
    document_id: int
    candidate_id: int | None
    file_name: str
    path: Path  # the stored original
    media_type: str
    text: str
    values: dict[str, str]  # the candidate record now, as editable text
    parsed: dict[str, str]  # what the parser read
    confidence: dict[str, float]
    needs_review: bool = False  # no candidate yet: a name must be filled in to make one
    attached: str = ""  # "Added to Jane Doe (#12) because of the same email address …"
    ocr_confidence: float | None = None  # set when the resume was read by OCR (0-1)
    # Why the parser doubts a field, in plain words (per field of REVIEW_FIELDS).
    reasons: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    # The values to find in the original, per field and per entry ("employers.0").
    wanted: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    # The work history and education entries, as (key in ``wanted``, a line to show).
    entries: tuple[tuple[str, str], ...] = ()

    @property
    def ocr_note(self) -> str:
        """The line the review shows above the fields of a scan or photo read by OCR."""
        if self.ocr_confidence is None:
            return ""
        return f"Read by OCR (confidence {self.ocr_confidence:.0%}) — check the values"

    @property
    def can_split(self) -> bool:
        """Attached to an existing candidate: "This is a different person" is offered."""
        return bool(self.attached)

    def low_confidence(self, field: str) -> bool:
        return self.confidence.get(field, 1.0) < LOW_CONFIDENCE


def _parsed_text(parsed: dict[str, Any], field: str) -> str:
    if field == "email":
        return ", ".join(parsed.get("emails") or [])
    if field == "phone":
        return ", ".join(parsed.get("phones") or [])
    value = parsed.get(field)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _reasons(parsed: dict[str, Any], field: str) -> tuple[str, ...]:
    stored = parsed.get("reasons")
    if not isinstance(stored, dict):  # parsed before reasons were kept
        return ()
    key = {"email": "emails", "phone": "phones"}.get(field, field)
    notes = stored.get(key, stored.get(field)) or []
    return tuple(str(n) for n in notes if isinstance(n, str)) if isinstance(notes, list) else ()


def _entries(parsed: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """A line per work-history and education entry: "Title, Company (2019 – present)"."""
    out: list[tuple[str, str]] = []
    for kind, parts, dates in (
        ("employers", ("title", "company"), ("start", "end")),
        ("education", ("degree", "institution"), ("year",)),
    ):
        rows = parsed.get(kind)
        for index, row in enumerate(rows if isinstance(rows, list) else []):
            if not isinstance(row, dict):
                continue
            words = ", ".join(str(row[p]) for p in parts if row.get(p))
            when = " – ".join(str(row[d]) for d in dates if row.get(d))
            label = f"{words} ({when})" if when else words
            if label:
                out.append((f"{kind}.{index}", label))
    return tuple(out)


def _confidence(parsed: dict[str, Any], field: str) -> float:
    scores = parsed.get("confidence") or {}
    key = {"email": "emails", "phone": "phones"}.get(field, field)
    value = scores.get(key, scores.get(field))
    return float(value) if isinstance(value, int | float) else 1.0


def _comma_list(text: str | None) -> list[str]:
    """The cleaned, non-empty items of a comma list, each once, in order."""
    return list(dict.fromkeys(item for item in map(clean, (text or "").split(",")) if item))


def review_item(ctx: ServiceContext, document_id: int, documents_dir: Path) -> ReviewItem:

    with ctx.read() as session:
        document = session.get(Document, document_id)
        if document is None:
            raise NotFoundError(f"Document #{document_id} no longer exists.")
        parsed = document.parsed_fields or {}
        values: dict[str, str] = {}
        candidate = session.get(Candidate, document.candidate_id) if document.candidate_id else None
        if candidate is not None:
            values = {
                "name": person_name(candidate),
                "email": ", ".join(e.email for e in candidate.emails),
                "phone": ", ".join(p.phone for p in candidate.phones),
                "location": candidate.location or "",
                "current_title": candidate.current_title or "",
                "current_employer": candidate.current_employer or "",
                "links": ", ".join(candidate.links or []),
                "skills": ", ".join(sorted(s.name for s in candidate.skills)),
            }
        attached = ""
        entry = attach_of_document(session, document_id) if candidate is not None else None
        if entry is not None and candidate is not None:
            reason = (entry.after or {}).get("matched_by") or "a match"
            attached = (
                f"Added to {person_name(candidate)} (#{candidate.id}) because of the {reason}."
            )
        return ReviewItem(
            document_id=document.id,
            candidate_id=document.candidate_id,
            file_name=document.original_name,
            path=documents_dir / document.stored_path,
            media_type=document.media_type,
            text=document.text or "",
            values=values,
            parsed={field: _parsed_text(parsed, field) for field, _label in REVIEW_FIELDS},
            confidence={field: _confidence(parsed, field) for field, _label in REVIEW_FIELDS},
            needs_review=document.candidate_id is None,
            attached=attached,
            ocr_confidence=_ocr_confidence(parsed),
            reasons={field: _reasons(parsed, field) for field, _label in REVIEW_FIELDS},
            wanted=values_to_find(parsed),
            entries=_entries(parsed),
        )


def _ocr_confidence(parsed: dict[str, Any]) -> float | None:
    value = parsed.get("ocr_confidence")
    if parsed.get("ocr") is not True:
        return None
    return float(value) if isinstance(value, int | float) else 0.0


def _check_edits(edits: dict[str, str], require_name: bool = False) -> tuple[list[str], list[str]]:
    """Refuse unknown fields and values beyond their caps (a message per field); return the
    cleaned links and skills."""

    unknown = [name for name in edits if name not in dict(REVIEW_FIELDS)]
    errors: dict[str, str] = {name: "This field cannot be edited here." for name in unknown}
    if "name" in edits or require_name:
        parts = split_name(edits.get("name"))
        if parts is None:
            errors["name"] = "A name is required."
        elif any(len(part or "") > LIMITS["first_name"] for part in parts):
            errors["name"] = f"At most {LIMITS['first_name']} characters for each part of a name."
    for field in ("location", "current_title", "current_employer"):
        check_length(errors, field, clean(edits.get(field)), LIMITS[field])
    check_email(errors, "email", clean(edits.get("email")))
    check_phone(errors, "phone", clean(edits.get("phone")))
    links = _comma_list(edits.get("links"))
    skills = _comma_list(edits.get("skills"))
    if len(links) > MAX_LINKS:
        errors["links"] = f"At most {MAX_LINKS} links."
    for link in links:
        check_length(errors, "links", link, LIMITS["link"])
    if len(skills) > MAX_SKILLS:
        errors["skills"] = f"At most {MAX_SKILLS} skills."
    for skill in skills:
        check_length(errors, "skills", skill, LIMITS["skill"])
    if errors:
        raise ValidationError(errors)
    return links, skills


def create_from_review(
    ctx: ServiceContext, document_id: int, edits: dict[str, str]
) -> Outcome[ImportResult]:
    """Make the candidate of a resume that waited for review, from what the recruiter filled
    in (at least a name; ``edits`` holds every field of the review screen), placed where the
    file was dropped, in one audited transaction; fields that correct the parse are kept as
    a labelled example in the same transaction."""

    links, skills = _check_edits(edits, require_name=True)
    email = (clean(edits.get("email")) or "").lower()
    phone = clean(edits.get("phone"))
    with ctx.write() as tx:
        session = tx.session
        document = session.get(Document, document_id)
        if document is None:
            raise NotFoundError(f"Document #{document_id} no longer exists.")
        if document.candidate_id is not None:
            raise ValidationError(
                {"name": f"This resume already belongs to candidate #{document.candidate_id}."}
            )
        owner = session.scalar(
            select(CandidateEmail.candidate_id).where(CandidateEmail.email == email)
        )
        if email and owner is not None:
            raise ValidationError({"email": f"Already the address of candidate #{owner}."})
        parsed = dataclasses.replace(
            ParsedResume.from_json(
                document.parsed_fields or {}, document.text or "", document.media_type
            ),
            name=clean(edits.get("name")),
            emails=(email,) if email else (),
            phones=(phone,) if phone else (),
            location=clean(edits.get("location")),
            current_title=clean(edits.get("current_title")),
            current_employer=clean(edits.get("current_employer")),
            links=tuple(links),
            skills=tuple(skills),
        )
        imported = session.scalars(
            select(AuditEntry.after)
            .where(
                AuditEntry.entity_type == "document",
                AuditEntry.entity_id == document_id,
                AuditEntry.action == "document.import",
            )
            .order_by(AuditEntry.id.desc())
            .limit(1)
        ).first()
        result = create_for_document(
            tx,
            document,
            document.original_name,
            parsed,
            target_from_json((imported or {}).get("target")),
            [],
            body="New candidate from this resume, named on the review screen.",
        )
        record_corrections(session, document, edits)
        return outcome(result, tx)


def save_review(
    ctx: ServiceContext, candidate_id: int, edits: dict[str, str], document_id: int | None = None
) -> Outcome[int]:
    """Save what the recruiter corrected on the review screen, in one audited transaction.
    With the reviewed file's ``document_id``, the fields that correct its parse are kept as
    a labelled example in that transaction too.

    ``edits`` holds display text per field of `REVIEW_FIELDS`: the name is split into its
    parts, email and phone replace the primary ones, links and skills are comma lists. Each
    value is cleaned, and one longer than its cap is refused with a message for its field.
    """

    links, skills = _check_edits(edits)
    with ctx.write() as tx:
        candidate = tx.session.get(Candidate, candidate_id)
        if candidate is None:
            raise NotFoundError(f"Candidate #{candidate_id} no longer exists.")
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for field, text in edits.items():
            value = clean(text)
            if field == "name":
                first, middle, last = split_name(text)  # type: ignore[misc]
                before[field] = person_name(candidate)
                candidate.first_name, candidate.middle_name, candidate.last_name = (
                    first,
                    middle,
                    last,
                )
            elif field in ("location", "current_title", "current_employer"):
                before[field] = getattr(candidate, field)
                setattr(candidate, field, value)
            elif field == "email":
                before[field] = candidate.primary_email
                tx.session.execute(
                    delete(CandidateEmail).where(
                        CandidateEmail.candidate_id == candidate_id, CandidateEmail.position == 0
                    )
                )
                if value:
                    tx.session.add(
                        CandidateEmail(candidate_id=candidate_id, email=value.lower(), position=0)
                    )
            elif field == "phone":
                before[field] = candidate.phones[0].phone if candidate.phones else None
                tx.session.execute(
                    delete(CandidatePhone).where(
                        CandidatePhone.candidate_id == candidate_id, CandidatePhone.position == 0
                    )
                )
                if value:
                    tx.session.add(
                        CandidatePhone(candidate_id=candidate_id, phone=value, position=0)
                    )
            elif field == "links":
                before[field] = list(candidate.links or [])
                candidate.links = links
            elif field == "skills":
                before[field] = sorted(s.name for s in candidate.skills)
                names = sorted(set(skills))
                tx.session.execute(
                    delete(CandidateSkill).where(CandidateSkill.candidate_id == candidate_id)
                )
                for name in names:
                    skill_id = tx.session.scalar(select(Skill.id).where(Skill.name == name))
                    if skill_id is None:
                        skill = Skill(name=name)
                        tx.session.add(skill)
                        tx.session.flush()
                        skill_id = skill.id
                    tx.session.add(CandidateSkill(candidate_id=candidate_id, skill_id=skill_id))
            after[field] = value
        if document_id is not None:
            document = tx.session.get(Document, document_id)
            if document is None:
                raise NotFoundError(f"Document #{document_id} no longer exists.")
            record_corrections(tx.session, document, edits)
        tx.session.flush()
        tx.audit("candidate.review", "candidate", candidate_id, before=before, after=after)
        tx.changed(ChangeKind.CANDIDATES, candidate_id)
        return outcome(candidate_id, tx)
