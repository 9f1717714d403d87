"""Reading an imported resume back for review: the stored file, its text, what the parser
found (with confidences) and what the candidate record holds now."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.services.context import ServiceContext
from app.services.unit_of_work import NotFoundError
from app.store.models import Candidate, Document

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


def _confidence(parsed: dict[str, Any], field: str) -> float:
    scores = parsed.get("confidence") or {}
    key = {"email": "emails", "phone": "phones"}.get(field, field)
    value = scores.get(key, scores.get(field))
    return float(value) if isinstance(value, int | float) else 1.0


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
                "name": candidate.full_name,
                "email": ", ".join(e.email for e in candidate.emails),
                "phone": ", ".join(p.phone for p in candidate.phones),
                "location": candidate.location or "",
                "current_title": candidate.current_title or "",
                "current_employer": candidate.current_employer or "",
                "links": ", ".join(candidate.links or []),
                "skills": ", ".join(sorted(s.name for s in candidate.skills)),
            }
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
        )
