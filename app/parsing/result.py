"""What the parser returns: plain, picklable data that crosses process boundaries."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


class ParseError(Exception):
    """A file that cannot be parsed, with a message for the user (shown per file)."""

    def __init__(self, message: str, kind: str = "unreadable"):
        super().__init__(message)
        self.kind = kind  # e.g. "corrupt", "encrypted", "empty", "scanned", "too_large", "type"


@dataclass(frozen=True)
class Employment:
    company: str | None
    title: str | None
    start: str | None  # "YYYY" or "YYYY-MM"
    end: str | None  # "YYYY", "YYYY-MM" or "present"


@dataclass(frozen=True)
class EducationEntry:
    institution: str | None
    degree: str | None
    year: str | None


@dataclass(frozen=True)
class ParsedResume:
    """The fields found in one resume, each with a confidence between 0 and 1."""

    file: str
    name: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()  # E.164 where the number could be normalised
    location: str | None = None
    links: tuple[str, ...] = ()
    current_title: str | None = None
    current_employer: str | None = None
    employers: tuple[Employment, ...] = ()
    education: tuple[EducationEntry, ...] = ()
    skills: tuple[str, ...] = ()
    years_experience: float | None = None
    warnings: tuple[str, ...] = ()
    confidence: dict[str, float] = field(default_factory=dict)
    # Why a field's confidence is below 1, in plain words per field (same keys as confidence).
    reasons: dict[str, tuple[str, ...]] = field(default_factory=dict)
    text: str = ""  # the extracted text (stored and indexed, never logged)
    media_type: str = ""
    pages: int = 0
    ocr: bool = False  # read by OCR from a scan or photo: check the values
    ocr_confidence: float | None = None  # mean OCR word confidence, 0-1

    def to_json(self) -> dict[str, Any]:
        """The object `hirebench parse --json` prints for this file."""
        return {
            "file": self.file,
            "name": self.name,
            "emails": list(self.emails),
            "phones": list(self.phones),
            "location": self.location,
            "links": list(self.links),
            "current_title": self.current_title,
            "current_employer": self.current_employer,
            "employers": [asdict(e) for e in self.employers],
            "education": [asdict(e) for e in self.education],
            "skills": list(self.skills),
            "years_experience": self.years_experience,
            "warnings": list(self.warnings),
            "confidence": dict(self.confidence),
            "reasons": {key: list(notes) for key, notes in self.reasons.items()},
            "ocr": self.ocr,
            "ocr_confidence": self.ocr_confidence,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], text: str = "", media_type: str = "") -> ParsedResume:
        """The resume back from `to_json` (as a document keeps it), to import it again later:
        after a review, or as a new person when it was attached to the wrong one."""

        def strings(key: str) -> tuple[str, ...]:
            values = data.get(key) or []
            return (
                tuple(str(v) for v in values if isinstance(v, str))
                if isinstance(values, list)
                else ()
            )

        def text_of(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) else None

        def records(key: str, kind: type, fields: tuple[str, ...]) -> tuple[Any, ...]:
            rows = data.get(key) or []
            if not isinstance(rows, list):
                return ()
            return tuple(
                kind(*(row.get(f) if isinstance(row.get(f), str) else None for f in fields))
                for row in rows
                if isinstance(row, dict)
            )

        years = data.get("years_experience")
        ocr_confidence = data.get("ocr_confidence")
        confidence = data.get("confidence")
        return cls(
            file=str(data.get("file") or ""),
            name=text_of("name"),
            emails=strings("emails"),
            phones=strings("phones"),
            location=text_of("location"),
            links=strings("links"),
            current_title=text_of("current_title"),
            current_employer=text_of("current_employer"),
            employers=records("employers", Employment, ("company", "title", "start", "end")),
            education=records("education", EducationEntry, ("institution", "degree", "year")),
            skills=strings("skills"),
            years_experience=float(years) if isinstance(years, int | float) else None,
            warnings=strings("warnings"),
            confidence=dict(confidence) if isinstance(confidence, dict) else {},
            reasons=_reasons(data.get("reasons")),
            text=text,
            media_type=media_type,
            ocr=data.get("ocr") is True,
            ocr_confidence=(
                float(ocr_confidence) if isinstance(ocr_confidence, int | float) else None
            ),
        )


def _reasons(value: Any) -> dict[str, tuple[str, ...]]:
    """Reasons as stored; JSON written before reasons existed has none."""
    if not isinstance(value, dict):
        return {}
    return {
        str(key): tuple(str(note) for note in notes if isinstance(note, str))
        for key, notes in value.items()
        if isinstance(notes, list)
    }
