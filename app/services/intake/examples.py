"""Corrections made on the review screen, kept as labelled examples for the parser.

When a recruiter accepts a resume with fields changed from what the parser read, the parse,
the corrected values and the file's identity are written in the review's own transaction
(`record_corrections`). `labelled_examples` reads them back in the truth schema of the
parser's accuracy corpus (name, email, phone, location, links, current_title, employers,
education, skills), so the examples can be scored and grown into tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.core.context import ServiceContext
from app.services.core.text_rules import clean
from app.store.models import Document, ReviewExample

LIST_FIELDS = ("links", "skills")


@dataclass(frozen=True)
class LabelledExample:
    """One corrected resume: its file, what the parser read, and the corrected truth."""

    id: int
    document_id: int | None
    file_name: str
    media_type: str
    sha256: str
    path: Path | None  # the stored original, when it is still in the documents folder
    parsed: dict[str, Any]
    corrected: dict[str, Any]
    truth: dict[str, Any]


def _items(text: str | None) -> list[str]:
    return list(dict.fromkeys(item for item in map(clean, (text or "").split(",")) if item))


def _parsed_value(parsed: dict[str, Any], field: str) -> Any:
    if field == "email":
        return (parsed.get("emails") or [None])[0]
    if field == "phone":
        return (parsed.get("phones") or [None])[0]
    return parsed.get(field)


def _same(field: str, value: Any, parsed: Any) -> bool:
    """Whether the accepted value says what the parser read (case, spacing, order and a
    phone's formatting aside)."""
    if field in LIST_FIELDS:
        mine = {v.lower() for v in value}
        theirs = {str(v).lower() for v in parsed or []}
        return mine == theirs
    if field == "phone":
        return _same_number(value or "", str(parsed or ""))
    return (value or "").strip().lower() == (str(parsed or "")).strip().lower()


def _same_number(one: str, other: str) -> bool:
    """The same digits, a country code written on one side only aside."""
    a, b = re.sub(r"\D", "", one), re.sub(r"\D", "", other)
    short, long = sorted((a, b), key=len)
    return a == b or (len(short) >= 7 and len(long) - len(short) <= 3 and long.endswith(short))


def corrections(parsed: dict[str, Any], edits: dict[str, str]) -> dict[str, Any]:
    """The accepted values that differ from the parse, per review field (lists for links
    and skills, None for a value cleared)."""
    out: dict[str, Any] = {}
    for field, text in edits.items():
        value: Any = _items(text) if field in LIST_FIELDS else clean(text)
        if field == "email" and value:
            value = value.lower()
        if not _same(field, value, _parsed_value(parsed, field)):
            out[field] = value if value else None
    return out


def record_corrections(
    session: Session, document: Document, edits: dict[str, str]
) -> ReviewExample | None:
    """Keep the review of ``document`` as a labelled example when it corrected the parse;
    called inside the review's transaction so both are written or neither."""
    parsed = dict(document.parsed_fields or {})
    corrected = corrections(parsed, edits)
    if not corrected:
        return None
    example = ReviewExample(
        document_id=document.id,
        sha256=document.sha256,
        original_name=document.original_name,
        media_type=document.media_type,
        parsed=parsed,
        corrected=corrected,
    )
    session.add(example)
    return example


def truth_record(parsed: dict[str, Any], corrected: dict[str, Any]) -> dict[str, Any]:
    """The example in the corpus's truth schema: the parse as the recruiter accepted it,
    with their corrections laid over it. Work history and education are not edited on the
    review screen, so they are the parser's (a corrected current title or employer is laid
    on the most recent job)."""
    employers = [dict(e) for e in parsed.get("employers") or [] if isinstance(e, dict)]
    current = _current_index(employers, parsed)
    if current is not None:
        for field, key in (("current_title", "title"), ("current_employer", "company")):
            if field in corrected:
                employers[current][key] = corrected[field]

    def pick(field: str) -> Any:
        return corrected[field] if field in corrected else _parsed_value(parsed, field)

    def listed(values: Any) -> list[Any] | None:
        return list(values) if values else None

    return {
        "name": pick("name"),
        "email": pick("email"),
        "phone": pick("phone"),
        "location": pick("location"),
        "links": listed(pick("links")),
        "current_title": pick("current_title"),
        "employers": listed(
            {k: e.get(k) for k in ("company", "title", "start", "end")} for e in employers
        ),
        "education": listed(
            {k: e.get(k) for k in ("institution", "degree", "year")}
            for e in parsed.get("education") or []
            if isinstance(e, dict)
        ),
        "skills": listed(pick("skills")),
    }


def _current_index(employers: list[dict[str, Any]], parsed: dict[str, Any]) -> int | None:
    """The entry the parser took the current title and employer from."""
    for index, entry in enumerate(employers):
        if entry.get("title") == parsed.get("current_title") and entry.get("company") == parsed.get(
            "current_employer"
        ):
            return index
    return 0 if employers else None


def labelled_examples(ctx: ServiceContext, documents_dir: Path) -> list[LabelledExample]:
    """Every example, oldest first, with its truth record; the newest of several for one
    file supersedes the older ones (a second review corrects the first)."""
    with ctx.read() as session:
        rows = session.execute(
            select(ReviewExample, Document.stored_path)
            .outerjoin(Document, Document.id == ReviewExample.document_id)
            .order_by(ReviewExample.id)
        ).all()
        latest: dict[str, LabelledExample] = {}
        for example, stored in rows:
            path = documents_dir / stored if stored else None
            earlier = latest.get(example.sha256)
            corrected = {**(earlier.corrected if earlier else {}), **example.corrected}
            latest[example.sha256] = LabelledExample(
                id=example.id,
                document_id=example.document_id,
                file_name=example.original_name,
                media_type=example.media_type,
                sha256=example.sha256,
                path=path if path is not None and path.is_file() else None,
                parsed=dict(example.parsed),
                corrected=corrected,
                truth=truth_record(dict(example.parsed), corrected),
            )
        return sorted(latest.values(), key=lambda e: e.id)
